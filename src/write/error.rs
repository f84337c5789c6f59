//! The write side's errors: small, `Copy` where they can be, with messages that
//! say what went wrong.

use core::fmt;

use super::length_header::EncodeError;

/// A push the [`Outbox`](crate::Outbox) refused, with the item given back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PushError<T> {
    /// A fixed-capacity queue is full; write some of it out and push again.
    Full(T),
    /// [`close_when_done`](crate::Outbox::close_when_done) was called: nothing may
    /// follow the close.
    Closed(T),
}

impl<T> PushError<T> {
    /// The refused item.
    pub fn into_inner(self) -> T {
        match self {
            PushError::Full(item) | PushError::Closed(item) => item,
        }
    }

    /// The same refusal, carrying `item`.
    pub(crate) fn with<U>(self, item: U) -> PushError<U> {
        match self {
            PushError::Full(_) => PushError::Full(item),
            PushError::Closed(_) => PushError::Closed(item),
        }
    }
}

impl<T> fmt::Debug for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => f.write_str("Full(..)"),
            PushError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => f.write_str("outbox is full; the item was not queued"),
            PushError::Closed(_) => {
                f.write_str("outbox is closing (close_when_done); the item was not queued")
            }
        }
    }
}

impl<T> core::error::Error for PushError<T> {}

/// A length-prefixed frame the [`Outbox`](crate::Outbox) refused, with its body
/// given back; nothing of it was queued.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PushFrameError<T> {
    /// As [`push`](crate::Outbox::push) refuses: full (no room for the header, the
    /// body and the trailer together) or closing.
    Push(PushError<T>),
    /// The header cannot say the body's length.
    Length(EncodeError, T),
}

impl<T> PushFrameError<T> {
    /// The refused body.
    pub fn into_inner(self) -> T {
        match self {
            PushFrameError::Push(error) => error.into_inner(),
            PushFrameError::Length(_, body) => body,
        }
    }
}

impl<T> fmt::Debug for PushFrameError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushFrameError::Push(error) => f.debug_tuple("Push").field(error).finish(),
            PushFrameError::Length(error, _) => {
                f.debug_tuple("Length").field(error).field(&"..").finish()
            }
        }
    }
}

impl<T> fmt::Display for PushFrameError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushFrameError::Push(error) => error.fmt(f),
            PushFrameError::Length(error, _) => write!(f, "frame not queued: {error}"),
        }
    }
}

impl<T> core::error::Error for PushFrameError<T> {}

/// [`Outbox::advance`](crate::Outbox::advance) was told more bytes were written than
/// were handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AdvanceError {
    /// The count passed to `advance`.
    pub written: usize,
    /// Bytes handed out and not yet advanced.
    pub offered: usize,
}

impl fmt::Display for AdvanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "advanced by {} bytes, but only {} were handed out to write",
            self.written, self.offered
        )
    }
}

impl core::error::Error for AdvanceError {}
