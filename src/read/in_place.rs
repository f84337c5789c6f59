//! Framing a read buffer in place, for adapters that own one contiguous buffer (a
//! tokio `BytesMut`, an embedded caller's array).
//!
//! The buffer starts at the frame in progress. Only bytes the framer has not seen are
//! fed to it, so each byte is searched once; the frame's data stays where it arrived,
//! so a whole frame is the buffer's first `len` bytes and handing it out needs no
//! copy. Held-back bytes of a partial terminator are in the buffer too, right after
//! the data, so when they turn out to be data nothing moves either.

use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::framer::{Event, Framer};
use crate::read::length_prefix::Malformed;

/// What [`InPlace::scan`] found. `consumed` bytes at the buffer's start are done
/// with: the caller drops them before the next scan.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A whole frame: its data is `len` bytes of the buffer from `start` (after a
    /// length-prefixed frame's header, else 0).
    Whole {
        start: usize,
        len: usize,
        consumed: usize,
    },
    /// As [`Event::TooLong`]: the frame's data so far is among the consumed bytes.
    TooLong {
        too_long: FrameTooLong,
        consumed: usize,
    },
    /// As [`Event::Discarded`].
    Discarded {
        frame_len: u64,
        kind: FrameKind,
        consumed: usize,
    },
    /// As [`Event::End`]; everything fed is consumed.
    End(Result<(), Truncated>),
    /// As [`Event::Malformed`]: the frame so far is consumed; what the framer
    /// holds of the bad header stays, to come out as data.
    Malformed {
        malformed: Malformed,
        consumed: usize,
    },
}

/// A [`Framer`] and where it is in the caller's buffer.
#[derive(Debug)]
pub(crate) struct InPlace<const N: usize> {
    pub(crate) framer: Framer<N>,
    /// Bytes at the buffer's start already fed to the framer.
    fed: usize,
    /// Where the frame's data starts in the buffer, once its first byte is seen.
    data_start: Option<usize>,
    /// Data bytes of the frame in progress, from `data_start`.
    data_len: usize,
}

impl<const N: usize> InPlace<N> {
    pub(crate) fn new(framer: Framer<N>) -> Self {
        InPlace {
            framer,
            fed: 0,
            data_start: None,
            data_len: 0,
        }
    }

    /// Feeds the bytes of `buf` the framer has not seen, up to the next frame end,
    /// limit report or end; `None` once all of `buf` is fed.
    ///
    /// `buf` must be the buffer of the last scan, less what the caller dropped as
    /// told, plus what it appended.
    pub(crate) fn scan(&mut self, buf: &[u8]) -> Option<Found> {
        let mut input = buf.get(self.fed..).unwrap_or_default();
        loop {
            let before = input.len();
            let event = self.framer.next_event(&mut input);
            self.fed += before - input.len();
            let found = match event? {
                Event::Data(data) => {
                    let (address, len) = (data.as_ptr() as usize, data.len());
                    if self.data_start.is_none() {
                        // Lent from the framer's storage, the bytes are in the
                        // buffer too, at their place in the stream.
                        let start = match self.framer.lent_position(address) {
                            Some(at) => self.fed - (self.framer.position() - at) as usize,
                            None => address - buf.as_ptr() as usize,
                        };
                        self.data_start = Some(start);
                    }
                    self.data_len += len;
                    continue;
                }
                Event::Terminator => Found::Whole {
                    start: self.data_start.unwrap_or(0),
                    len: self.data_len,
                    consumed: self.fed,
                },
                Event::TooLong(too_long) => Found::TooLong {
                    too_long,
                    consumed: self.fed,
                },
                Event::Discarded { frame_len, kind } => Found::Discarded {
                    frame_len,
                    kind,
                    consumed: self.fed,
                },
                Event::End(end) => Found::End(end),
                Event::Malformed(malformed) => Found::Malformed {
                    malformed,
                    consumed: self.fed - self.framer.held_back().len(),
                },
            };
            // What the framer holds of a malformed header stays fed and in the buffer.
            self.fed = match found {
                Found::Malformed { .. } => self.framer.held_back().len(),
                _ => 0,
            };
            self.data_start = None;
            self.data_len = 0;
            return Some(found);
        }
    }

    /// Bytes at the buffer's start the caller may drop now: while an oversized frame
    /// is skipped, everything fed, so skipping costs no memory. The caller must drop
    /// them.
    pub(crate) fn take_skipped(&mut self) -> usize {
        if self.framer.is_skipping() {
            core::mem::take(&mut self.fed)
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::terminator::Terminator;
    use std::vec::Vec;

    /// Scans `chunks` as a reader appending to one buffer would, and returns the
    /// frames (data as `Ok`, reports as `Err` strings).
    fn frames(chunks: &[&[u8]], max: Option<u64>) -> Vec<Result<Vec<u8>, u64>> {
        let mut framer = Framer::new(Terminator::literal(b"\r\n"));
        framer.set_max_frame_len(max);
        let mut scanner = InPlace::new(framer);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            buf.extend_from_slice(chunk);
            if i == chunks.len() - 1 {
                scanner.framer.end_of_stream();
            }
            while let Some(found) = scanner.scan(&buf) {
                match found {
                    Found::Whole {
                        start,
                        len,
                        consumed,
                    } => {
                        out.push(Ok(buf[start..start + len].to_vec()));
                        buf.drain(..consumed);
                    }
                    Found::TooLong { consumed, .. } => {
                        buf.drain(..consumed);
                    }
                    Found::Discarded {
                        frame_len,
                        consumed,
                        ..
                    } => {
                        out.push(Err(frame_len));
                        buf.drain(..consumed);
                    }
                    Found::End(_) => return out,
                    Found::Malformed { .. } => unreachable!("no length prefix here"),
                }
            }
            let skipped = scanner.take_skipped();
            buf.drain(..skipped);
            assert!(buf.len() <= 8, "kept {} bytes", buf.len());
        }
        out
    }

    #[test]
    fn frames_match_at_every_split() {
        let input = b"ab\r\nabcdefghijk\r\n\r\ncd\r\r\n";
        let want = [
            Ok(b"ab".to_vec()),
            Err(11),
            Ok(Vec::new()),
            Ok(b"cd\r".to_vec()),
        ];
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let chunks = [&input[..i], &input[i..j], &input[j..], &b""[..]];
                assert_eq!(frames(&chunks, Some(5)), want, "split at {i}, {j}");
            }
        }
        let bytes: Vec<&[u8]> = input.chunks(1).chain([&b""[..]]).collect();
        assert_eq!(frames(&bytes, Some(5)), want);
    }
}
