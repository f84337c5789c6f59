//! tokio glue (feature `tokio`): a [`Decoder`] that yields whole frames without
//! copying them, and an async drain of an [`Outbox`] into an [`AsyncWrite`].
//!
//! # Example
//!
//! The echo protocol's read side: a line `ECHO <len>` switches the codec to a count,
//! from the frame handler, as with a [`Framer`].
//!
//! ```
//! use asynchat::tokio::FrameCodec;
//! use asynchat::{Frame, Terminator};
//! use bytes::BytesMut;
//! use tokio_util::codec::Decoder;
//!
//! let mut codec = FrameCodec::new(Terminator::literal(b"\n"));
//! let mut received = BytesMut::from(&b"ECHO 5\nhel"[..]);
//! let Some(Frame::Whole(line)) = codec.decode(&mut received)? else { panic!() };
//! assert_eq!(&line[..], b"ECHO 5");
//! codec.set_terminator(Terminator::Count(5));
//! assert_eq!(codec.decode(&mut received)?, None); // 3 of 5 bytes so far
//! received.extend_from_slice(b"lo");
//! let Some(Frame::Whole(body)) = codec.decode(&mut received)? else { panic!() };
//! assert_eq!(&body[..], b"hello");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;

use std::time::Duration;

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use bytes::{Buf as _, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::channel::{DEFAULT_MAX_COUNT, DEFAULT_MAX_FRAME_LEN};
use crate::io::{advance_by_write, Slices};
#[cfg(doc)]
use crate::read::error::Truncated;
use crate::read::frame::Frame;
use crate::read::framer::Framer;
use crate::read::in_place::{Found, InPlace};
use crate::read::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};
use crate::write::outbox::{Drained, Next, Outbox};
use crate::write::storage::Storage;

/// A [`Decoder`] over a [`Framer`]: frames end at a byte-string terminator or after
/// a count, the terminator and the limit may change after every frame, and frames
/// come out of the read buffer with `split_to`, not copied.
///
/// Two limits bound what it buffers, each with a default a server can live with:
///
/// - lines (frames of unknown length) carry at most [`DEFAULT_MAX_FRAME_LEN`] data
///   bytes unless [`set_max_frame_len`](Self::set_max_frame_len) says otherwise, so
///   a peer that never sends the terminator costs bounded memory: past the limit,
///   the codec yields [`Frame::TooLong`], drops what it read of the frame, skips the
///   rest as it arrives and yields [`Frame::Discarded`] at its end;
/// - a [`Terminator::Count`] above [`DEFAULT_MAX_COUNT`] (see
///   [`set_max_count`](Self::set_max_count)) is refused where it is set: the next
///   frame is [`Frame::TooLong`], before any of its bytes, and its bytes are skipped
///   up to [`Frame::Discarded`]. A count within it needs no other call: reading a
///   line under a small limit and then a large counted block just works.
///
/// As an [`Encoder`], it writes any bytes as they are: chat protocols put the
/// terminator in the reply.
///
/// # End of stream
///
/// `decode_eof` yields what completes at the end, then [`Frame::End`], then ends
/// the stream, as every whole-frame reader does: `End(Err(`[`Truncated`]`))` if the
/// stream stopped inside a frame. It is never an error, so a loop that stops at the
/// first error does not lose the replies it has queued.
#[derive(Debug)]
pub struct FrameCodec<const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    scanner: InPlace<N>,
    /// [`Frame::End`] went out: the next `decode_eof` ends the stream.
    ended: bool,
}

impl FrameCodec {
    /// A codec waiting for `terminator`, with frames limited to
    /// [`DEFAULT_MAX_FRAME_LEN`] bytes.
    pub fn new(terminator: Terminator) -> Self {
        FrameCodec::with_terminator(terminator)
    }
}

impl<const N: usize> FrameCodec<N> {
    /// As [`new`](FrameCodec::new), for byte-string terminators of up to `N` bytes.
    pub fn with_terminator(terminator: Terminator<N>) -> Self {
        let mut framer = Framer::with_terminator(terminator);
        framer.set_max_frame_len(Some(DEFAULT_MAX_FRAME_LEN));
        framer.set_max_count(Some(DEFAULT_MAX_COUNT));
        FrameCodec {
            scanner: InPlace::new(framer),
            ended: false,
        }
    }

    /// As [`Framer::set_terminator`]: call it when a frame came out, and it applies
    /// to the bytes already read after that frame.
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.scanner.framer.set_terminator(terminator);
    }

    /// As [`Framer::set_max_frame_len`]; `None` lifts the limit, and with it the
    /// bound on the memory a peer can make the read buffer use.
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        self.scanner.framer.set_max_frame_len(max_frame_len);
    }

    /// Sets the largest [`Terminator::Count`] the codec buffers ([`DEFAULT_MAX_COUNT`]
    /// to begin with), or `None` for no limit. A larger count is refused where it is
    /// set: the next frame is [`Frame::TooLong`] (of
    /// [`FrameKind::Counted`](crate::read::frame_kind::FrameKind::Counted)), its bytes are skipped as
    /// they arrive, and [`Frame::Discarded`] comes at their end. A count set earlier
    /// and not yet started is checked again.
    pub fn set_max_count(&mut self, max_count: Option<u64>) {
        self.scanner.framer.set_max_count(max_count);
    }

    /// The framer inside, for [`terminator`](Framer::terminator),
    /// [`max_frame_len`](Framer::max_frame_len), [`position`](Framer::position) and
    /// the other read-only views.
    pub fn framer(&self) -> &Framer<N> {
        &self.scanner.framer
    }

    /// The next frame split off `src`, or the truncation at the end; `None` when
    /// more input is needed (or the stream ended cleanly).
    fn frame_from(&mut self, src: &mut BytesMut) -> Option<Frame<BytesMut>> {
        let found = match self.scanner.scan(src) {
            Some(found) => found,
            None => {
                // While an oversized frame is skipped, its bytes go at once; the
                // frame in progress otherwise stays, for the next read to extend.
                let skipped = self.scanner.take_skipped();
                src.advance(skipped.min(src.len()));
                return None;
            }
        };
        // `consumed` never exceeds the buffer unless a caller shrank it between
        // calls; clamped, so that such misuse gives wrong frames, not a panic.
        Some(match found {
            Found::Whole {
                start,
                len,
                consumed,
            } => {
                let mut frame = src.split_to(consumed.min(src.len()));
                frame.advance(start.min(frame.len()));
                frame.truncate(len);
                Frame::Whole(frame)
            }
            Found::Malformed {
                malformed,
                consumed,
            } => {
                src.advance(consumed.min(src.len()));
                Frame::Malformed(malformed)
            }
            Found::TooLong { too_long, consumed } => {
                src.advance(consumed.min(src.len()));
                Frame::TooLong(too_long)
            }
            Found::Discarded {
                frame_len,
                kind,
                consumed,
            } => {
                src.advance(consumed.min(src.len()));
                Frame::Discarded { frame_len, kind }
            }
            Found::End(end) => {
                src.clear();
                self.ended = true;
                Frame::End(end)
            }
        })
    }
}

impl<const N: usize> Decoder for FrameCodec<N> {
    type Item = Frame<BytesMut>;
    type Error = io::Error;

    /// The next frame in `src`, split off it; `None` until one is complete.
    ///
    /// # Errors
    ///
    /// None: oversized frames and the end of the stream are frames.
    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame<BytesMut>>> {
        // Input after `End` is a new stream, with an end of its own to come.
        self.ended = false;
        Ok(self.frame_from(src))
    }

    /// What completes at the end of the stream, then [`Frame::End`], then `None`.
    ///
    /// # Errors
    ///
    /// None: a stream that ends inside a frame is `Frame::End(Err(_))`.
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame<BytesMut>>> {
        if core::mem::take(&mut self.ended) {
            // `FramedRead` calls again after `End`: the stream is over. Bytes that
            // arrive later are a new stream.
            return Ok(None);
        }
        self.scanner.framer.end_of_stream();
        Ok(self.frame_from(src))
    }
}

impl<const N: usize, T: AsRef<[u8]>> Encoder<T> for FrameCodec<N> {
    type Error = io::Error;

    fn encode(&mut self, item: T, dst: &mut BytesMut) -> io::Result<()> {
        dst.extend_from_slice(item.as_ref());
        Ok(())
    }
}

/// Writes while the outbox is above its high watermark, until it is down to its low
/// one ([`Outbox::should_pause_reading`]); returns at once otherwise. Call it after
/// each frame you handle, before you take the next: replies then stay within the
/// watermark plus one reply, however many requests a read brought in, and a peer
/// that pipelines requests without reading the replies waits for its own writes.
///
/// # Errors
///
/// As [`write_outbox`].
pub async fn drain_if_paused<W, S>(writer: &mut W, outbox: &mut Outbox<'_, S>) -> io::Result<()>
where
    W: AsyncWrite + Unpin + ?Sized,
    S: Storage,
{
    while outbox.should_pause_reading() {
        if write_once(writer, outbox).await?.is_some() {
            // A producer at the head has nothing yet: wait for it, do not spin.
            return Ok(());
        }
    }
    Ok(())
}

/// How long [`close_gracefully`] waits for the peer to close its side: the
/// channel's linger.
pub use crate::channel::DEFAULT_LINGER;

/// Closes a connection without losing replies: writes everything queued (and closes
/// the outbox), shuts down writing, then reads and discards what the peer still
/// sends until it closes its side or `linger` passes ([`DEFAULT_LINGER`] is a
/// good start).
///
/// Closing a socket with unread input makes the kernel answer with a reset, which
/// can destroy replies the peer has not read yet; reading until the peer closes
/// (lingering, as the channel does) avoids it. With a `FramedRead`, pass its inner
/// reader (`FramedRead::get_mut`); what it has buffered is dropped with it.
///
/// # Errors
///
/// Errors of the writes and of the shutdown. The peer's reset, a read error and the
/// end of `linger` only end the wait.
pub async fn close_gracefully<R, W, S>(
    reader: &mut R,
    writer: &mut W,
    outbox: &mut Outbox<'_, S>,
    linger: Duration,
) -> io::Result<()>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
    S: Storage,
{
    outbox.close_when_done();
    write_outbox(writer, outbox).await?;
    writer.shutdown().await?;
    let discard = async {
        let mut buf = [0; 4096];
        while let Ok(1..) = reader.read(&mut buf).await {}
    };
    let _ = ::tokio::time::timeout(linger, discard).await;
    Ok(())
}

/// Writes the outbox out until it has nothing to write now
/// ([`Drained::Idle`]) or says to close ([`Drained::Close`]; shut down the writer
/// then), waiting for the writer as needed. Many small pushes
/// go out in one `write_vectored`.
///
/// Cancel-safe: if the future is dropped, what was not written stays queued.
///
/// # Errors
///
/// Any write error, and `WriteZero` if the writer accepts nothing. Bytes not written
/// stay queued: nothing is lost.
pub async fn write_outbox<W, S>(writer: &mut W, outbox: &mut Outbox<'_, S>) -> io::Result<Drained>
where
    W: AsyncWrite + Unpin + ?Sized,
    S: Storage,
{
    loop {
        if let Some(drained) = write_once(writer, outbox).await? {
            return Ok(drained);
        }
    }
}

/// One vectored write of what the outbox hands out; `Some` when it has nothing to
/// write now ([`Drained::Idle`]) or says to close.
async fn write_once<W, S>(writer: &mut W, outbox: &mut Outbox<'_, S>) -> io::Result<Option<Drained>>
where
    W: AsyncWrite + Unpin + ?Sized,
    S: Storage,
{
    let mut slices = Slices::for_outbox(outbox);
    let slices = slices.as_mut();
    let filled = match outbox.chunks_vectored(slices) {
        Next::Write(filled) => filled,
        Next::Idle => return Ok(Some(Drained::Idle)),
        Next::Close => return Ok(Some(Drained::Close)),
    };
    let written = writer.write_vectored(&slices[..filled]).await?;
    advance_by_write(outbox, written)?;
    Ok(None)
}
