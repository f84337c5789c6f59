//! A framer that refuses frames longer than a maximum, and recovers.

use crate::error::{FrameTooLong, Truncated};
use crate::framer::{Event, Finish, Framer, Step};
use crate::terminator::{Terminator, DEFAULT_CAPACITY};

/// A [`Framer`] with a maximum frame length: the guard a server needs against a peer
/// that never sends the terminator.
///
/// Each frame ends with exactly one of [`Event::Terminator`] or a [`FrameTooLong`]
/// error. When a frame grows past the maximum, its first `max_frame_len` bytes have
/// been delivered as data, [`next_event`](Self::next_event) returns the error once, and
/// the rest of the frame, up to and including its terminator, is skipped without
/// events; framing then continues with the next frame. Whether and where the error
/// comes depends only on the stream, never on how it was split into slices.
///
/// The limit counts data bytes since the last terminator, counted frames included;
/// with [`Terminator::None`] every byte after the limit is skipped until another
/// terminator is set.
///
/// # Example
///
/// ```
/// use asynchat::{BoundedFramer, Event, FrameTooLong, Terminator};
///
/// let mut framer = BoundedFramer::new(Terminator::literal(b"\n"), 4);
/// let mut input: &[u8] = b"ok\ntoo long\nfine\n";
/// let mut seen = Vec::new();
/// loop {
///     match framer.next_event(&mut input) {
///         Ok(Some(Event::Data(bytes))) => seen.push(String::from_utf8_lossy(bytes).into_owned()),
///         Ok(Some(Event::Terminator)) => seen.push("|".into()),
///         Ok(None) => break,
///         Err(FrameTooLong { position, .. }) => seen.push(format!("too long at {position}")),
///     }
/// }
/// assert_eq!(seen, ["ok", "|", "too ", "too long at 7", "fine", "|"]);
/// ```
#[derive(Clone, Debug)]
pub struct BoundedFramer<const N: usize = DEFAULT_CAPACITY> {
    framer: Framer<N>,
    max_frame_len: u64,
    skipping: bool,
}

impl BoundedFramer {
    /// A framer waiting for `terminator` that allows frames of up to
    /// `max_frame_len` data bytes, with the default capacity.
    pub const fn new(terminator: Terminator, max_frame_len: u64) -> Self {
        BoundedFramer::with_capacity(terminator, max_frame_len)
    }
}

impl<const N: usize> BoundedFramer<N> {
    /// As [`new`](BoundedFramer::new), for byte-string terminators of up to `N` bytes.
    pub const fn with_capacity(terminator: Terminator<N>, max_frame_len: u64) -> Self {
        BoundedFramer {
            framer: Framer::with_capacity(terminator),
            max_frame_len,
            skipping: false,
        }
    }

    /// The next event from `input`, as [`Framer::next_event`], or the error that the
    /// current frame is too long.
    ///
    /// # Errors
    ///
    /// [`FrameTooLong`] once per oversized frame, at its first byte past the limit.
    /// The call that returns it consumes nothing; call again to go on skipping.
    #[must_use = "events carry the data; dropping one loses it"]
    pub fn next_event<'a, 'i: 'a>(
        &'a mut self,
        input: &mut &'i [u8],
    ) -> Result<Option<Event<'a>>, FrameTooLong> {
        while self.skipping {
            match self.framer.next_event(input) {
                Some(Event::Data(_)) => {}
                Some(Event::Terminator) => self.skipping = false,
                None => return Ok(None),
            }
        }
        let allowed = self.max_frame_len.saturating_sub(self.framer.frame_len());
        let cap = usize::try_from(allowed).unwrap_or(usize::MAX);
        let held_back = self.framer.held_back().len() as u64;
        let position = self.framer.position() - held_back;
        match self.framer.step(input, cap) {
            Step::Event(event) => Ok(Some(event)),
            Step::NeedInput => Ok(None),
            Step::Capped => {
                self.skipping = true;
                Err(FrameTooLong {
                    max_frame_len: self.max_frame_len,
                    position,
                })
            }
        }
    }

    /// As [`Framer::set_terminator`]. While a too-long frame is being skipped, the new
    /// terminator decides where the skipping ends.
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.framer.set_terminator(terminator);
    }

    /// The largest frame allowed, in data bytes.
    pub fn max_frame_len(&self) -> u64 {
        self.max_frame_len
    }

    /// Whether the rest of a too-long frame is being skipped.
    pub fn is_skipping(&self) -> bool {
        self.skipping
    }

    /// The framer inside, for [`terminator`](Framer::terminator),
    /// [`position`](Framer::position) and the other read-only views.
    pub fn framer(&self) -> &Framer<N> {
        &self.framer
    }

    /// As [`Framer::finish`], with the limit applied to the tail: only the bytes
    /// that keep the frame within `max_frame_len` are returned (the frame is truncated
    /// anyway, and [`Truncated::frame_len`] counts all of it). A frame that was being
    /// skipped counts as truncated, since its end never came; its tail is dropped.
    pub fn finish(&mut self) -> Finish<'_> {
        if !core::mem::replace(&mut self.skipping, false) {
            let allowed = self.max_frame_len.saturating_sub(self.framer.frame_len());
            let finish = self.framer.finish();
            let len = usize::try_from(allowed)
                .map_or(finish.tail.len(), |allowed| allowed.min(finish.tail.len()));
            return Finish {
                tail: &finish.tail[..len],
                end: finish.end,
            };
        }
        let frame_len = self.framer.frame_len() + self.framer.held_back().len() as u64;
        let position = self.framer.position();
        let end = self.framer.finish().end.and(Err(Truncated {
            frame_len,
            missing: None,
            position,
        }));
        Finish { tail: &[], end }
    }

    /// As [`Framer::reset`]; also stops skipping.
    pub fn reset(&mut self) {
        self.framer.reset();
        self.skipping = false;
    }
}
