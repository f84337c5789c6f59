//! `embedded-io-async` glue (feature `embedded-io-async`): as
//! [`embedded_io`](super::embedded_io)'s, with reads and writes awaited, for
//! embedded executors (embassy and the like). `no_std`, no allocation.

use ::embedded_io_async::{Read, Write};

use crate::adapters::embedded_error::{advance_by_write, bytes_read};
pub use crate::adapters::embedded_error::{BufferFull, ReadError, WriteError};
use crate::read::frame::Frame;
use crate::read::framer::Framer;
use crate::read::read_buffer::ReadBuffer;
use crate::read::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};
use crate::write::outbox::{Drained, Next, Outbox};
use crate::write::storage::Storage;

/// Whole frames from an async reader, read into a caller's buffer: each frame is a
/// slice of the buffer (no copy), the terminator and the limit may change after
/// every frame, and a frame over the limit is reported and skipped without being
/// buffered.
///
/// The limit is at most the buffer's length less `N` (the terminator capacity), so
/// that a read always has room; keep `N` small on small buffers.
#[derive(Debug)]
pub struct FramedReader<'b, R, const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    reader: R,
    buffer: ReadBuffer<'b, N>,
}

impl<'b, R: Read, const N: usize> FramedReader<'b, R, N> {
    /// Frames what `reader` delivers, reading into `buf`, with the largest limit the
    /// buffer allows.
    pub fn new(reader: R, terminator: Terminator<N>, buf: &'b mut [u8]) -> Self {
        FramedReader {
            reader,
            buffer: ReadBuffer::new(terminator, buf),
        }
    }

    /// The next frame, reading as needed. At the end of the stream (a read of 0),
    /// what completes comes out, then [`Frame::End`], which later calls repeat.
    ///
    /// Cancel-safe: if the future is dropped while it waits for a read, nothing is
    /// lost; the next call goes on where this one stopped.
    ///
    /// # Errors
    ///
    /// [`ReadError::Read`] when the reader fails other than with `Interrupted`
    /// (retried); the frame in progress is kept, so a later call may go on.
    /// [`ReadError::BufferFull`] when the buffer is not longer than `N`.
    pub async fn next_frame(&mut self) -> Result<Frame<&[u8]>, ReadError<R::Error>> {
        let found = loop {
            if let Some(found) = self.buffer.found() {
                break found;
            }
            let room = self.buffer.room().map_err(ReadError::BufferFull)?;
            if let Some(n) = bytes_read(self.reader.read(room).await)? {
                self.buffer.filled(n);
            }
        };
        Ok(self.buffer.frame(found))
    }

    /// As [`Framer::set_terminator`]: call it when a frame came out.
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.buffer.set_terminator(terminator);
    }

    /// As [`Framer::set_max_frame_len`], capped at the buffer's length less `N`.
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        self.buffer.set_max_frame_len(max_frame_len);
    }

    /// Sets the largest [`Terminator::Count`] the reader accepts, capped at the
    /// buffer's length (the default). A larger count is refused where it is set: the
    /// next frame is [`Frame::TooLong`] before any of its bytes, which are then
    /// skipped up to [`Frame::Discarded`]. Lines stay under their own limit.
    pub fn set_max_count(&mut self, max_count: Option<u64>) {
        self.buffer.set_max_count(max_count);
    }

    /// The framer inside, for the terminator, the limit in force and the position.
    pub fn framer(&self) -> &Framer<N> {
        self.buffer.framer()
    }

    /// The reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }
}

/// Writes the outbox out, awaiting the writer, until it has nothing to write now or
/// says to close. Does not flush the writer.
///
/// Cancel-safe as far as the writer's `write` is: bytes are taken off the outbox
/// only once a write returns.
///
/// # Errors
///
/// See [`WriteError`]; bytes not written stay queued.
pub async fn write_outbox<W: Write, S: Storage>(
    writer: &mut W,
    outbox: &mut Outbox<'_, S>,
) -> Result<Drained, WriteError<W::Error>> {
    loop {
        let written = match outbox.chunk() {
            Next::Write(chunk) => writer.write(chunk).await,
            Next::Idle => return Ok(Drained::Idle),
            Next::Close => return Ok(Drained::Close),
        };
        advance_by_write(outbox, written)?;
    }
}
