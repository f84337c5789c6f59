//! Whole frames as one slice: borrowed from the caller's input when a frame lies whole
//! in one slice, assembled in caller-chosen storage only when it is split across
//! slices.

use core::fmt;

use crate::read::frame::Frame;
use crate::read::framer::{Event, Framer};
use crate::read::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};

/// Storage where a [`FrameReader`] assembles a frame split across input slices.
///
/// Implemented for [`SliceBuffer`] (a caller's buffer: no allocation, `no_std`) and,
/// with `alloc`, for `Vec<u8>`.
pub trait FrameBuffer {
    /// The bytes assembled so far.
    fn as_slice(&self) -> &[u8];

    /// Appends `data`. Never called with more than [`capacity`](Self::capacity)
    /// bytes in all: the reader caps the frame limit at the capacity.
    fn extend(&mut self, data: &[u8]);

    /// Forgets the assembled bytes.
    fn clear(&mut self);

    /// The most bytes it can hold; `None` for no bound.
    fn capacity(&self) -> Option<usize>;
}

/// A [`FrameBuffer`] over a caller's byte slice: frames up to its length, no
/// allocation.
pub struct SliceBuffer<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceBuffer<'b> {
    /// Assembles frames in `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceBuffer { buf, len: 0 }
    }
}

impl FrameBuffer for SliceBuffer<'_> {
    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn extend(&mut self, data: &[u8]) {
        // The reader's limit keeps a frame within the capacity; a `get_mut` instead
        // of a panic if a caller's own use breaks that.
        if let Some(room) = self.buf.get_mut(self.len..self.len + data.len()) {
            room.copy_from_slice(data);
            self.len += data.len();
        }
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn capacity(&self) -> Option<usize> {
        Some(self.buf.len())
    }
}

impl fmt::Debug for SliceBuffer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliceBuffer")
            .field("len", &self.len)
            .field("capacity", &self.buf.len())
            .finish()
    }
}

#[cfg(feature = "alloc")]
impl FrameBuffer for alloc::vec::Vec<u8> {
    fn as_slice(&self) -> &[u8] {
        self
    }

    fn extend(&mut self, data: &[u8]) {
        self.extend_from_slice(data);
    }

    fn clear(&mut self) {
        alloc::vec::Vec::clear(self);
    }

    fn capacity(&self) -> Option<usize> {
        None
    }
}

/// A [`Framer`] that hands out whole frames instead of pieces: one `&[u8]` per frame,
/// with no copy when the frame lies whole in one input slice (the common case), and
/// assembled in a [`FrameBuffer`] of the caller's choosing when it is split.
///
/// Two limits keep what it buffers bounded, and neither exceeds the buffer's
/// capacity:
///
/// - the frame limit ([`set_max_frame_len`](Self::set_max_frame_len)), for lines and
///   other frames of unknown length: a frame that grows past it is reported
///   ([`Frame::TooLong`]) and skipped, never buffered;
/// - the count limit ([`set_max_count`](Self::set_max_count)), for
///   [`Terminator::Count`]: a larger count is refused as soon as it is set, with
///   [`Frame::TooLong`] before any of its bytes, then skipped to
///   [`Frame::Discarded`]. A protocol that reads short lines and then large blocks
///   sets a small frame limit and a large count limit once.
///
/// # Example
///
/// Lines of up to 16 bytes, assembled without allocation when a read splits them:
///
/// ```
/// use asynchat::{Frame, FrameReader, SliceBuffer, Terminator};
///
/// let mut storage = [0; 16];
/// let mut reader = FrameReader::new(Terminator::literal(b"\r\n"), SliceBuffer::new(&mut storage));
/// let mut lines = Vec::new();
/// for received in [&b"HELO a\r\nNO"[..], b"OP\r\n"] {
///     let mut input = received;
///     while let Some(frame) = reader.next_frame(&mut input) {
///         match frame {
///             Frame::Whole(line) => lines.push(line.to_vec()),
///             other => panic!("{other:?}"),
///         }
///     }
/// }
/// assert_eq!(lines, [&b"HELO a"[..], b"NOOP"]);
/// ```
#[derive(Debug)]
pub struct FrameReader<B, const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    framer: Framer<N>,
    buffer: B,
    /// The buffer holds a frame already handed out: clear it at the next call.
    handed_out: bool,
}

impl<B: FrameBuffer> FrameReader<B> {
    /// A reader waiting for `terminator`, assembling split frames in `buffer`, with
    /// the buffer's capacity (none for a `Vec`) as the frame and count limits.
    pub fn new(terminator: Terminator, buffer: B) -> Self {
        FrameReader::with_terminator(terminator, buffer)
    }
}

impl<B: FrameBuffer, const N: usize> FrameReader<B, N> {
    /// As [`new`](FrameReader::new), for byte-string terminators of up to `N` bytes.
    pub fn with_terminator(terminator: Terminator<N>, buffer: B) -> Self {
        let mut reader = FrameReader {
            framer: Framer::with_terminator(terminator),
            buffer,
            handed_out: false,
        };
        reader.set_max_frame_len(None);
        reader.set_max_count(None);
        reader
    }

    /// The next whole frame (or limit report, or end) from `input`, advancing `input`
    /// past the bytes used; `None` once `input` is consumed, as
    /// [`Framer::next_event`].
    ///
    /// # Errors
    ///
    /// None: oversized frames and a truncated end are [`Frame`]s.
    #[must_use = "frames carry the data; dropping one loses it"]
    #[inline]
    pub fn next_frame<'a, 'i: 'a>(&'a mut self, input: &mut &'i [u8]) -> Option<Frame<&'a [u8]>> {
        if core::mem::take(&mut self.handed_out) {
            self.buffer.clear();
        }
        loop {
            let start: &'i [u8] = input;
            let data = match self.framer.next_event(input)? {
                Event::Data(data) => {
                    // Input data starts where the input did, or after a header;
                    // held-back bytes and a header come from the framer's storage.
                    let skipped = (data.as_ptr() as usize).wrapping_sub(start.as_ptr() as usize);
                    match start.get(skipped..skipped.wrapping_add(data.len())) {
                        Some(data) => data,
                        None => {
                            self.buffer.extend(data);
                            continue;
                        }
                    }
                }
                Event::Terminator => {
                    self.handed_out = true;
                    return Some(Frame::Whole(self.buffer.as_slice()));
                }
                Event::TooLong(too_long) => {
                    self.buffer.clear();
                    return Some(Frame::TooLong(too_long));
                }
                Event::Discarded { frame_len, kind } => {
                    return Some(Frame::Discarded { frame_len, kind })
                }
                Event::End(end) => {
                    self.buffer.clear();
                    return Some(Frame::End(end));
                }
                Event::Malformed(malformed) => {
                    self.buffer.clear();
                    return Some(Frame::Malformed(malformed));
                }
            };
            if self.buffer.as_slice().is_empty() && self.framer.frame_end_pending() {
                // The whole frame is in this slice: lend it, no copy.
                let _terminator = self.framer.next_event(input);
                return Some(Frame::Whole(data));
            }
            self.buffer.extend(data);
        }
    }

    /// As [`Framer::set_terminator`].
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.framer.set_terminator(terminator);
    }

    /// As [`Framer::set_max_frame_len`], capped at the buffer's capacity.
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        let limit = self.capped(max_frame_len);
        self.framer.set_max_frame_len(limit);
    }

    /// Sets the largest [`Terminator::Count`] the reader buffers, capped at the
    /// buffer's capacity; `None` for the capacity alone. A larger count is refused
    /// where it is set: the next frame is [`Frame::TooLong`] (of
    /// [`FrameKind::Counted`](crate::FrameKind::Counted)), before any of its bytes
    /// are read; they are skipped, and [`Frame::Discarded`] comes at their end, so
    /// the stream stays in sync. A count set earlier and not yet started is checked
    /// again.
    pub fn set_max_count(&mut self, max_count: Option<u64>) {
        let limit = self.capped(max_count);
        self.framer.set_max_count(limit);
    }

    /// The count limit in force: the one asked for, capped at the buffer's capacity.
    pub fn max_count(&self) -> Option<u64> {
        self.framer.max_count()
    }

    /// `limit`, or the buffer's capacity if that is smaller.
    fn capped(&self, limit: Option<u64>) -> Option<u64> {
        let capacity = self.buffer.capacity().map(|c| c as u64);
        match (limit, capacity) {
            (Some(limit), Some(capacity)) => Some(limit.min(capacity)),
            (limit, capacity) => limit.or(capacity),
        }
    }

    /// The limit in force: the one asked for, capped at the buffer's capacity.
    pub fn max_frame_len(&self) -> Option<u64> {
        self.framer.max_frame_len()
    }

    /// As [`Framer::end_of_stream`].
    pub fn end_of_stream(&mut self) {
        self.framer.end_of_stream();
    }

    /// The framer inside, for [`terminator`](Framer::terminator),
    /// [`position`](Framer::position) and the other read-only views.
    pub fn framer(&self) -> &Framer<N> {
        &self.framer
    }

    /// Gives the buffer back, cleared.
    pub fn into_buffer(mut self) -> B {
        self.buffer.clear();
        self.buffer
    }

    /// Turns the framer's fast path on or off; see `Framer::set_fast_path`.
    #[doc(hidden)]
    pub fn set_fast_path(&mut self, on: bool) {
        self.framer.set_fast_path(on);
    }
}
