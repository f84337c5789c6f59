//! A `mio` socket as a channel's stream.

use std::io::{self, Read, Write};

use mio::net::TcpStream;

use crate::channel::Transport;

/// mio's stream, for the channel: it can shut down its writing half, and it tells
/// the channel when a short read has emptied it.
pub(super) struct MioStream {
    pub(super) socket: TcpStream,
    /// The loop has seen that the peer closed its side.
    pub(super) read_closed: bool,
}

impl Read for MioStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.read(buf)
    }
}

impl Write for MioStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.socket.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush()
    }
}

impl Transport for MioStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.socket.shutdown(std::net::Shutdown::Write)
    }

    /// mio's epoll and kqueue are edge-triggered, and report input that arrives after
    /// a short read. The end of the stream that arrived with the input read does not
    /// come again: once the loop has seen it, read on to it.
    fn short_read_drains(&self) -> bool {
        cfg!(any(
            target_os = "linux",
            target_os = "android",
            target_vendor = "apple",
            target_os = "freebsd"
        )) && !self.read_closed
    }
}
