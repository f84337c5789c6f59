//! A caller's byte array as a read buffer, framed in place: what the `embedded-io`
//! readers share, whether their reads block or are awaited.
//!
//! Bytes are read into the array after what is kept (the frame in progress); a
//! whole frame is handed out as a slice of the array, so nothing is copied except
//! when the kept bytes move to the front to make room for a read.

use crate::read::error::Truncated;
use crate::read::frame::Frame;
use crate::read::framer::Framer;
use crate::read::in_place::{Found, InPlace};
use crate::read::terminator::Terminator;

/// The array is full of one frame in progress and a read has no room: the frame
/// limit could not be kept below the array's size, because the array is not longer
/// than the framer's terminator capacity `N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BufferFull {
    /// The array's length.
    pub len: usize,
}

impl core::fmt::Display for BufferFull {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "read buffer of {} bytes is full of one unfinished frame; use a longer buffer or a smaller terminator capacity",
            self.len
        )
    }
}

impl core::error::Error for BufferFull {}

/// The array, the bytes in it, and the framer.
#[derive(Debug)]
pub(crate) struct ReadBuffer<'b, const N: usize> {
    buf: &'b mut [u8],
    /// Where the frame in progress starts.
    start: usize,
    /// Where the bytes read end.
    end: usize,
    scanner: InPlace<N>,
    /// The end of the stream, once reached: repeated to later calls.
    ended: Option<Result<(), Truncated>>,
}

impl<'b, const N: usize> ReadBuffer<'b, N> {
    pub(crate) fn new(terminator: Terminator<N>, buf: &'b mut [u8]) -> Self {
        let mut buffer = ReadBuffer {
            buf,
            start: 0,
            end: 0,
            scanner: InPlace::new(Framer::with_terminator(terminator)),
            ended: None,
        };
        buffer.set_max_frame_len(None);
        buffer.set_max_count(None);
        buffer
    }

    /// The largest limit that leaves room for a read whatever the terminator: a
    /// frame at the limit, plus a partial terminator held back (fewer than `N`
    /// bytes), plus one byte.
    fn max_limit(&self) -> u64 {
        self.buf.len().saturating_sub(N) as u64
    }

    pub(crate) fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        let cap = self.max_limit();
        let limit = max_frame_len.map_or(cap, |max| max.min(cap));
        self.scanner.framer.set_max_frame_len(Some(limit));
    }

    /// Caps the count limit at the buffer's length: a count's bytes all stay in
    /// the buffer until its frame is handed out.
    pub(crate) fn set_max_count(&mut self, max_count: Option<u64>) {
        let cap = self.buf.len() as u64;
        let limit = max_count.map_or(cap, |max| max.min(cap));
        self.scanner.framer.set_max_count(Some(limit));
    }

    pub(crate) fn framer(&self) -> &Framer<N> {
        &self.scanner.framer
    }

    pub(crate) fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.scanner.framer.set_terminator(terminator);
    }

    /// What the bytes read so far complete, if anything; `None` means read more.
    pub(crate) fn found(&mut self) -> Option<Found> {
        if let Some(end) = self.ended {
            return Some(Found::End(end));
        }
        let found = self.scanner.scan(&self.buf[self.start..self.end]);
        if found.is_none() {
            self.start += self.scanner.take_skipped();
        }
        found
    }

    /// Room to read into, after the kept bytes (moved to the front if need be).
    ///
    /// # Errors
    ///
    /// [`BufferFull`] when the kept bytes fill the array.
    pub(crate) fn room(&mut self) -> Result<&mut [u8], BufferFull> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        let len = self.buf.len();
        match &mut self.buf[self.end..] {
            [] => Err(BufferFull { len }),
            room => Ok(room),
        }
    }

    /// A read put `n` bytes into the room; 0 is the end of the stream.
    pub(crate) fn filled(&mut self, n: usize) {
        if n == 0 {
            self.scanner.framer.end_of_stream();
        }
        self.end = (self.end + n).min(self.buf.len());
    }

    /// The frame `found` describes, as a slice of the array.
    pub(crate) fn frame(&mut self, found: Found) -> Frame<&[u8]> {
        let start = self.start;
        match found {
            Found::Whole {
                start: data_start,
                len,
                consumed,
            } => {
                self.start += consumed;
                Frame::Whole(&self.buf[start + data_start..start + data_start + len])
            }
            Found::Malformed {
                malformed,
                consumed,
            } => {
                self.start += consumed;
                Frame::Malformed(malformed)
            }
            Found::TooLong { too_long, consumed } => {
                self.start += consumed;
                Frame::TooLong(too_long)
            }
            Found::Discarded {
                frame_len,
                kind,
                consumed,
            } => {
                self.start += consumed;
                Frame::Discarded { frame_len, kind }
            }
            Found::End(end) => {
                self.ended = Some(end);
                (self.start, self.end) = (0, 0);
                Frame::End(end)
            }
        }
    }
}
