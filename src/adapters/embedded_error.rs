//! The errors of the `embedded-io` glue, blocking and async alike, and how the
//! result of a read or a write becomes one: the part of the glue that does not
//! depend on whether the call was awaited.

// The same traits either way: `embedded-io-async` re-exports `embedded-io`'s.
#[cfg(feature = "embedded-io")]
use ::embedded_io::{Error, ErrorKind};
#[cfg(not(feature = "embedded-io"))]
use ::embedded_io_async::{Error, ErrorKind};

pub use crate::read::read_buffer::BufferFull;
use crate::write::error::AdvanceError;
use crate::write::outbox::Outbox;
use crate::write::storage::Storage;

/// A read's result: the bytes it put in the buffer (0 at the end of the stream),
/// `None` for an `Interrupted` read to retry, or the error.
pub(crate) fn bytes_read<E: Error>(
    result: Result<usize, E>,
) -> Result<Option<usize>, ReadError<E>> {
    match result {
        Ok(n) => Ok(Some(n)),
        Err(error) if error.kind() == ErrorKind::Interrupted => Ok(None),
        Err(error) => Err(ReadError::Read(error)),
    }
}

/// Takes a write's result: the outbox advances by what was written; an
/// `Interrupted` write is retried by the caller's loop, with nothing advanced.
pub(crate) fn advance_by_write<E: Error, S: Storage>(
    outbox: &mut Outbox<'_, S>,
    result: Result<usize, E>,
) -> Result<(), WriteError<E>> {
    match result {
        Ok(0) => Err(WriteError::WriteZero),
        Ok(n) => outbox.advance(n).map_err(WriteError::Advance),
        Err(error) if error.kind() == ErrorKind::Interrupted => Ok(()),
        Err(error) => Err(WriteError::Write(error)),
    }
}

/// Why a framed reader's `next_frame` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError<E> {
    /// The reader failed (`Interrupted` is retried, never returned).
    Read(E),
    /// The buffer is too short for the terminator capacity; see [`BufferFull`].
    BufferFull(BufferFull),
}

impl<E: core::fmt::Debug> core::fmt::Display for ReadError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReadError::Read(error) => write!(f, "read failed: {error:?}"),
            ReadError::BufferFull(full) => full.fmt(f),
        }
    }
}

impl<E: core::fmt::Debug> core::error::Error for ReadError<E> {}

/// Why `write_outbox` failed. Bytes not written stay queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteError<E> {
    /// The writer failed (`Interrupted` is retried, never returned).
    Write(E),
    /// The writer accepted no bytes of a non-empty chunk.
    WriteZero,
    /// The writer said it wrote more than it was given.
    Advance(AdvanceError),
}

impl<E: core::fmt::Debug> core::fmt::Display for WriteError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WriteError::Write(error) => write!(f, "write failed: {error:?}"),
            WriteError::WriteZero => f.write_str("the writer accepted no bytes"),
            WriteError::Advance(error) => error.fmt(f),
        }
    }
}

impl<E: core::fmt::Debug> core::error::Error for WriteError<E> {}
