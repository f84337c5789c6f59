//! The errors of the `embedded-io` glue, blocking and async alike.

use crate::error::AdvanceError;
pub use crate::read_buffer::BufferFull;

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
