//! A whole frame: the one thing every whole-frame reader hands out.

use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::length_prefix::Malformed;

/// What a whole-frame reader found next: a frame's events, gathered.
///
/// Every whole-frame reader yields it: [`FrameReader`](crate::FrameReader) and the
/// embedded-io readers with `B = &[u8]` (borrowed from the input or the reader's
/// buffer), the tokio codec with `B = BytesMut` (split off the read buffer).
/// They agree on every variant, the end of the stream included: after
/// [`End`](Frame::End), a reader has nothing more to hand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame<B> {
    /// A complete frame's data (a byte-string terminator's bytes excluded). Set the
    /// next terminator and limit here, as at [`Event::Terminator`](crate::Event::Terminator).
    Whole(B),
    /// As [`Event::TooLong`](crate::Event::TooLong): the frame is longer than the
    /// reader will hand out (a line past the frame limit, or a count set above what
    /// the reader buffers, reported as soon as it is set). Nothing of it is buffered;
    /// its bytes are skipped and it ends with [`Frame::Discarded`].
    TooLong(FrameTooLong),
    /// As [`Event::Discarded`](crate::Event::Discarded): the end of an oversized
    /// frame. Set the next terminator here, as at a whole frame.
    Discarded {
        /// The whole frame's length in data bytes, the skipped ones included.
        frame_len: u64,
        /// What ended it: tells a dropped line from a dropped counted block.
        kind: FrameKind,
    },
    /// As [`Event::End`](crate::Event::End): the stream ended, after every frame
    /// before it. `Err` if it stopped inside a frame, whose data is dropped;
    /// [`Truncated`] says how much there was.
    End(Result<(), Truncated>),
    /// As [`Event::Malformed`](crate::Event::Malformed): a length-prefixed frame's
    /// header or trailer cannot be read. The terminator is now
    /// [`Terminator::None`](crate::Terminator::None); set another or close.
    Malformed(Malformed),
}

impl<B> Frame<B> {
    /// Applies `f` to a whole frame's data, keeping the other variants.
    pub fn map<C>(self, f: impl FnOnce(B) -> C) -> Frame<C> {
        match self {
            Frame::Whole(data) => Frame::Whole(f(data)),
            Frame::TooLong(too_long) => Frame::TooLong(too_long),
            Frame::Discarded { frame_len, kind } => Frame::Discarded { frame_len, kind },
            Frame::End(end) => Frame::End(end),
            Frame::Malformed(malformed) => Frame::Malformed(malformed),
        }
    }
}
