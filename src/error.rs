//! The crate's error types: small, `Copy`, with messages that say what went wrong.

use core::fmt;

/// A byte-string terminator that cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TerminatorError {
    /// `b""` would match everywhere; asynchat treats it as "no terminator", which
    /// hides the bug. Use [`Terminator::None`](crate::Terminator::None) for that.
    Empty,
    /// The string is longer than the framer's capacity (its const parameter `N`).
    TooLong {
        /// Length of the rejected terminator.
        len: usize,
        /// The most the framer can hold.
        capacity: usize,
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
        }
    }
}

impl core::error::Error for TerminatorError {}

/// The stream ended inside a frame: what arrived since the last terminator is not a
/// complete message. Returned by [`Framer::finish`](crate::Framer::finish).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Truncated {
    /// Bytes of the unfinished frame, the returned tail included.
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

/// A frame grew past the maximum set on a [`BoundedFramer`](crate::BoundedFramer).
/// The first `max_frame_len` bytes were delivered as data; the rest of the frame
/// and its terminator are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameTooLong {
    /// The limit that was exceeded.
    pub max_frame_len: u64,
    /// Stream position of the first byte past the limit.
    pub position: u64,
}

impl fmt::Display for FrameTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "frame longer than {} bytes at byte {}; skipping to the next terminator",
            self.max_frame_len, self.position
        )
    }
}

impl core::error::Error for FrameTooLong {}
