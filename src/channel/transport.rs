//! What a [`Channel`](crate::Channel) needs of its stream beyond reading and writing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// A byte stream a [`Channel`](crate::Channel) can close without losing a reply: it
/// can end its writing half, so that the peer reads everything written and then the
/// end of the stream, while the channel still reads (a lingering close).
///
/// Implemented for [`TcpStream`] and, on Unix, `UnixStream`. For another stream (a
/// `mio` socket, a TLS session, an in-memory pipe), implement it on a newtype.
pub trait Transport: Read + Write {
    /// Shuts down the writing half (TCP's `FIN`): the peer reads what was written, then
    /// the end of the stream. Reading still works.
    ///
    /// # Errors
    ///
    /// Whatever the stream reports; the channel then closes at once.
    fn shutdown_write(&mut self) -> io::Result<()>;

    /// Bounds how long one read may block, for a blocking stream: while the channel
    /// lingers, and in [`Channel::run`](crate::Channel::run) before each read, it
    /// calls this with the time left, so that a peer that never closes, or never
    /// sends, cannot hold it. A read that times out must fail (`WouldBlock` or
    /// `TimedOut`). The default does nothing, which suits non-blocking streams; a
    /// blocking stream that keeps the default waits for its peer.
    ///
    /// # Errors
    ///
    /// Whatever the stream reports; the channel then closes at once.
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let _ = timeout;
        Ok(())
    }

    /// Bounds how long one write may block, for a blocking stream:
    /// [`Channel::run`](crate::Channel::run) calls this with what is left of the
    /// idle timeout, so that a peer that never reads its replies cannot hold the
    /// thread. A write that times out must fail (`WouldBlock` or `TimedOut`). The
    /// default does nothing, which suits non-blocking streams.
    ///
    /// # Errors
    ///
    /// Whatever the stream reports; `run` returns it.
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let _ = timeout;
        Ok(())
    }

    /// Whether a read that fills less than the buffer shows that nothing more can be
    /// read now. If so, the channel ends its call after such a read (and the writes it
    /// brings) and waits for readiness, instead of reading again only to hear
    /// `WouldBlock`: one system call fewer per request.
    ///
    /// Answer `true` only when both hold (epoll(7) says why, in its questions and
    /// answers):
    ///
    /// - The stream keeps no input of its own: a socket, a pipe. A TLS session or a
    ///   buffered reader may still hold input after a short read, and no readiness
    ///   would report it.
    /// - The event loop reports input that arrives after the short read: any
    ///   level-triggered loop, or edge-triggered epoll or kqueue. Input and the end of
    ///   the stream can arrive together, before one read; the short read takes the
    ///   input, and no new edge comes for the end. So once the loop has reported that
    ///   the peer closed (mio's `Event::is_read_closed`), answer `false`, and the
    ///   channel reads to the end.
    ///
    /// The default, `false`, reads until `WouldBlock`, which is right for every stream
    /// and loop. The implementations for `TcpStream` and `UnixStream` keep it: they
    /// cannot know which loop drives them.
    fn short_read_drains(&self) -> bool {
        false
    }
}

impl Transport for TcpStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, timeout)
    }
}

#[cfg(unix)]
impl Transport for std::os::unix::net::UnixStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_write_timeout(self, timeout)
    }
}
