//! The crate's error types: small, `Copy`, with messages that say what went wrong.

use core::fmt;

use crate::frame_kind::FrameKind;
use crate::length_prefix::EncodeError;

/// A byte-string terminator that cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TerminatorError {
    /// `b""` would match everywhere; asynchat treats it as "no terminator", which
    /// hides the bug. Use [`Terminator::None`](crate::Terminator::None) for that.
    Empty,
    /// The string is longer than the framer's capacity (its const parameter `N`).
    TooLong {
        /// Length of the rejected terminator (of several: together).
        len: usize,
        /// The most the framer can hold.
        capacity: usize,
    },
    /// More byte strings than [`MAX_DELIMITERS`](crate::MAX_DELIMITERS).
    TooMany {
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
}

impl fmt::Display for TerminatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TerminatorError::Empty => f.write_str("empty byte-string terminator"),
            TerminatorError::TooLong { len, capacity } => write!(
                f,
                "terminator of {len} bytes is longer than the framer's capacity of {capacity} bytes"
            ),
            TerminatorError::TooMany { count, max } => {
                write!(f, "{count} terminators given; at most {max} are allowed")
            }
        }
    }
}

impl core::error::Error for TerminatorError {}

/// The stream ended inside a frame: what arrived since the last frame end is not a
/// complete message. Carried by [`Event::End`](crate::Event::End).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Truncated {
    /// Data bytes of the unfinished frame, held-back bytes reported at the end and
    /// bytes skipped past the limit included.
    pub frame_len: u64,
    /// For a [`Terminator::Count`](crate::Terminator::Count), how many bytes were
    /// still expected; `None` for a byte-string terminator.
    pub missing: Option<u64>,
    /// Stream position (bytes consumed) at the end.
    pub position: u64,
}

impl fmt::Display for Truncated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stream ended at byte {} inside a frame of {} bytes",
            self.position, self.frame_len
        )?;
        match self.missing {
            Some(missing) => write!(f, " ({missing} more bytes were expected)"),
            None => f.write_str(" (no terminator seen)"),
        }
    }
}

impl core::error::Error for Truncated {}

/// A frame grew past the maximum set with
/// [`Framer::set_max_frame_len`](crate::Framer::set_max_frame_len), or a whole-frame
/// reader refused a count larger than it buffers. Carried by
/// [`Event::TooLong`](crate::Event::TooLong): the first `max_frame_len` bytes of a
/// line were delivered as data (none of a refused count); the rest of the frame is
/// skipped, up to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FrameTooLong {
    /// The limit that was exceeded.
    pub max_frame_len: u64,
    /// Stream position of the first byte past the limit (of a refused count: of its
    /// first byte).
    pub position: u64,
    /// What ends the frame: a line ([`FrameKind::Delimited`]), a counted block
    /// ([`FrameKind::Counted`]) or the rest of the stream.
    pub kind: FrameKind,
}

impl fmt::Display for FrameTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            FrameKind::Delimited => "delimited frame",
            FrameKind::Counted => "counted frame",
            FrameKind::LengthPrefixed => "length-prefixed frame",
            FrameKind::Unterminated => "unterminated frame",
        };
        write!(
            f,
            "{what} longer than {} bytes at byte {}; skipping to its end",
            self.max_frame_len, self.position
        )
    }
}

impl core::error::Error for FrameTooLong {}

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
