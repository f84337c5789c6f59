//! The crate's error types: small, `Copy`, with messages that say what went wrong.

use core::fmt;

use crate::read::frame_kind::FrameKind;

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
