//! tokio glue (feature `tokio`): a [`Decoder`] that yields whole frames without
//! copying them, and an async drain of an [`Outbox`] into an [`AsyncWrite`].
//!
//! # Example
//!
//! The echo protocol's read side: a line `ECHO <len>` switches the codec to a count,
//! from the frame handler, as with a [`Framer`].
//!
//! ```
//! use asynchat::tokio::{Frame, FrameCodec};
//! use asynchat::Terminator;
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

use std::io::{self, IoSlice};

use ::tokio::io::{AsyncWrite, AsyncWriteExt};
use bytes::{Buf as _, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::channel::DEFAULT_MAX_FRAME_LEN;
use crate::error::{FrameTooLong, Truncated};
use crate::framer::Framer;
use crate::in_place::{Found, InPlace};
use crate::io::{advance_by_write, MAX_SLICES};
use crate::outbox::{Drained, Next, Outbox};
use crate::storage::Storage;
use crate::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};

/// What a [`FrameCodec`] decodes: as [`crate::Frame`], with the frame's bytes split
/// off the read buffer instead of borrowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A complete frame's data (a byte-string terminator's bytes excluded), split
    /// off the read buffer without a copy. Set the next terminator and limit on the
    /// codec now ([`Framed::codec_mut`](tokio_util::codec::Framed::codec_mut)).
    Whole(BytesMut),
    /// As [`Event::TooLong`](crate::Event::TooLong): the frame went past the limit;
    /// it is skipped without being buffered, and ends with [`Frame::Discarded`].
    TooLong(FrameTooLong),
    /// As [`Event::Discarded`](crate::Event::Discarded): the end of an oversized
    /// frame; set the next terminator and limit here.
    Discarded {
        /// The whole frame's length in data bytes, the skipped ones included.
        frame_len: u64,
    },
}

/// A [`Decoder`] over a [`Framer`]: frames end at a byte-string terminator or after
/// a count, the terminator and the limit may change after every frame, and frames
/// come out of the read buffer with `split_to`, not copied.
///
/// Frames may carry at most [`DEFAULT_MAX_FRAME_LEN`] data bytes unless
/// [`set_max_frame_len`](Self::set_max_frame_len) says otherwise, so a peer that
/// never sends the terminator costs bounded memory: past the limit, the codec yields
/// [`Frame::TooLong`], drops what it read of the frame, skips the rest as it arrives
/// and yields [`Frame::Discarded`] at its end.
///
/// As an [`Encoder`], it writes any bytes as they are: chat protocols put the
/// terminator in the reply.
///
/// # End of stream
///
/// `decode_eof` yields what completes at the end, then ends the stream; if the
/// stream ended inside a frame, it fails instead with an `UnexpectedEof` error
/// whose inner error is the [`Truncated`] report.
#[derive(Debug)]
pub struct FrameCodec<const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    scanner: InPlace<N>,
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
        FrameCodec {
            scanner: InPlace::new(framer),
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

    /// The framer inside, for [`terminator`](Framer::terminator),
    /// [`max_frame_len`](Framer::max_frame_len), [`position`](Framer::position) and
    /// the other read-only views.
    pub fn framer(&self) -> &Framer<N> {
        &self.scanner.framer
    }

    /// The next frame split off `src`, or the truncation at the end; `None` when
    /// more input is needed (or the stream ended cleanly).
    fn frame_from(&mut self, src: &mut BytesMut) -> Option<Result<Frame, Truncated>> {
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
        Some(Ok(match found {
            Found::Whole { len, consumed } => {
                let mut frame = src.split_to(consumed.min(src.len()));
                frame.truncate(len);
                Frame::Whole(frame)
            }
            Found::TooLong { too_long, consumed } => {
                src.advance(consumed.min(src.len()));
                Frame::TooLong(too_long)
            }
            Found::Discarded {
                frame_len,
                consumed,
            } => {
                src.advance(consumed.min(src.len()));
                Frame::Discarded { frame_len }
            }
            Found::End(end) => {
                src.clear();
                return end.err().map(Err);
            }
        }))
    }
}

impl<const N: usize> Decoder for FrameCodec<N> {
    type Item = Frame;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        match self.frame_from(src) {
            Some(Ok(frame)) => Ok(Some(frame)),
            // Only after `decode_eof` began the end.
            Some(Err(truncated)) => Err(io::Error::new(io::ErrorKind::UnexpectedEof, truncated)),
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        self.scanner.framer.end_of_stream();
        self.decode(src)
    }
}

impl<const N: usize, T: AsRef<[u8]>> Encoder<T> for FrameCodec<N> {
    type Error = io::Error;

    fn encode(&mut self, item: T, dst: &mut BytesMut) -> io::Result<()> {
        dst.extend_from_slice(item.as_ref());
        Ok(())
    }
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
        let mut slices = [IoSlice::new(&[]); MAX_SLICES];
        let filled = match outbox.chunks_vectored(&mut slices) {
            Next::Write(filled) => filled,
            Next::Idle => return Ok(Drained::Idle),
            Next::Close => return Ok(Drained::Close),
        };
        let written = writer.write_vectored(&slices[..filled]).await?;
        advance_by_write(outbox, written)?;
    }
}
