//! The read side: a state machine that cuts a byte stream into frames.

use crate::error::Truncated;
use crate::search::{self, Candidate, Found};
use crate::terminator::{Terminator, DEFAULT_CAPACITY};

/// Inputs up to this length are searched with a plain loop, not `memchr`: see
/// [`Framer::take_short_data`].
const SHORT_INPUT: usize = 16;

/// What the [`Framer`] found next in its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event<'a> {
    /// Bytes of the current frame (asynchat's `collect_incoming_data`). Never empty.
    /// It borrows the caller's input, except for bytes the framer held back from an
    /// earlier slice, which it lends from its own storage.
    Data(&'a [u8]),
    /// The current frame is complete (asynchat's `found_terminator`). A byte-string
    /// terminator's bytes are not data and are not reported. This is the moment to
    /// change the terminator: the change applies to the rest of the same input.
    Terminator,
}

/// Cuts a byte stream into frames: the read half of asynchat, without the socket.
///
/// The caller feeds it slices of the stream, in order and in any sizes, and gets
/// [`Event`]s back. It never allocates, never does I/O and never fails; the only
/// bytes it stores are a held-back partial terminator, fewer than `N` bytes.
///
/// # Run loop
///
/// 1. Read bytes from wherever they come from.
/// 2. Call [`next_event`](Self::next_event) until it returns `None`, which means it
///    has consumed the whole slice. On [`Event::Terminator`], handle the frame and, if
///    the protocol says so, [`set_terminator`](Self::set_terminator).
/// 3. At end of stream, call [`finish`](Self::finish): it hands back any held-back
///    bytes and says whether the stream stopped inside a frame.
///
/// # Example
///
/// The seed's echo protocol: a line `ECHO <len>\n`, then `<len>` bytes of message.
///
/// ```
/// use asynchat::{Event, Framer, Terminator};
///
/// fn next_terminator(message: &[u8]) -> Terminator {
///     match message.strip_prefix(b"ECHO ") {
///         Some(len) => Terminator::Count(std::str::from_utf8(len).unwrap().parse().unwrap()),
///         None => Terminator::literal(b"\n"),
///     }
/// }
///
/// let mut framer = Framer::new(Terminator::literal(b"\n"));
/// let mut message = Vec::new();
/// let mut messages = Vec::new();
/// for received in [&b"ECHO 5\nhel"[..], b"lo"] {
///     let mut input: &[u8] = received;
///     while let Some(event) = framer.next_event(&mut input) {
///         match event {
///             Event::Data(bytes) => message.extend_from_slice(bytes),
///             Event::Terminator => {
///                 framer.set_terminator(next_terminator(&message));
///                 messages.push(std::mem::take(&mut message));
///             }
///         }
///     }
/// }
/// assert_eq!(messages, [&b"ECHO 5"[..], b"hello"]);
/// assert!(framer.finish().end.is_ok());
/// ```
///
/// # Termination
///
/// The framer does not know where the stream ends; the caller says so with
/// [`finish`](Self::finish). asynchat drops a held-back partial terminator and an
/// unfinished frame in silence; `finish` returns the bytes and an error instead.
#[derive(Clone, Debug)]
pub struct Framer<const N: usize = DEFAULT_CAPACITY> {
    terminator: Terminator<N>,
    /// A possible terminator cut off by the end of an earlier slice. Bytes before
    /// `held_start` were already reported or consumed.
    held: heapless::Vec<u8, N>,
    held_start: usize,
    /// The data just reported ran up to a terminator, whose bytes are consumed: the
    /// next event is [`Event::Terminator`], without searching again.
    terminator_found: bool,
    frame_len: u64,
    position: u64,
}

/// What [`Framer::finish`] found at the end of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a truncated frame is reported only here"]
pub struct Finish<'a> {
    /// Held-back bytes that turned out not to be a terminator: the last data of the
    /// stream, after every [`Event::Data`] already returned. Often empty.
    pub tail: &'a [u8],
    /// `Err` if the stream ended inside a frame: data since the last terminator with a
    /// byte-string terminator, or a count still pending. Never `Err` with
    /// [`Terminator::None`], where the end of the stream is the end of the data.
    pub end: Result<(), Truncated>,
}

/// One step of the state machine, before the public API hides the cap.
pub(crate) enum Step<'a> {
    Event(Event<'a>),
    /// Every input byte is consumed (some may be held back).
    NeedInput,
    /// Data is next, but the caller allowed no more data bytes.
    Capped,
}

impl Framer {
    /// A framer waiting for `terminator`, at stream position 0, with the default
    /// capacity of [`DEFAULT_CAPACITY`] bytes for a byte-string terminator.
    pub const fn new(terminator: Terminator) -> Self {
        Framer::with_capacity(terminator)
    }
}

impl<const N: usize> Framer<N> {
    /// A framer whose byte-string terminators may be up to `N` bytes long, which is
    /// also the most it stores: `Framer::<256>::with_capacity(terminator)`.
    pub const fn with_capacity(terminator: Terminator<N>) -> Self {
        Framer {
            terminator,
            held: heapless::Vec::new(),
            held_start: 0,
            terminator_found: false,
            frame_len: 0,
            position: 0,
        }
    }

    /// The next event from `input`, advancing `input` past the bytes it used.
    ///
    /// Returns `None` once every byte of `input` is consumed: reported as data, matched
    /// as a terminator, or held back because it may start a terminator that the next
    /// slice completes. Held-back bytes that turn out not to be a terminator come out
    /// as [`Event::Data`] before the bytes that follow them. An empty `input` is fine:
    /// it yields a pending `Count(0)` terminator and otherwise `None`.
    ///
    /// Matches are leftmost and do not overlap: with terminator `aa`, the input `aaa`
    /// is a terminator followed by data `a`.
    ///
    /// # Errors
    ///
    /// None: every byte sequence is valid input.
    #[must_use = "events carry the data; dropping one loses it"]
    #[inline(always)]
    pub fn next_event<'a, 'i: 'a>(&'a mut self, input: &mut &'i [u8]) -> Option<Event<'a>> {
        // The common cases are decided inline, which saves a sixth of the time on
        // short lines: the terminator right after a frame's data, a few bytes of
        // data, and, with nothing held back, a terminator whose first candidate in
        // the input is a match, or an input without any candidate. `inline(always)`:
        // with a second call site in a crate the compiler stops inlining it by
        // itself, and the gain is gone.
        if let Some(terminator) = self.take_terminator() {
            return Some(terminator);
        }
        let mut known_data = 0;
        if input.len() > SHORT_INPUT {
            if self.held_start == self.held.len() {
                if let Terminator::Bytes(needle) = &self.terminator {
                    match search::first_candidate(input, needle) {
                        Candidate::Match(at) => {
                            let terminator_len = needle.len();
                            return self.take_match(input, at, terminator_len);
                        }
                        Candidate::None => return Some(Event::Data(self.take_all_as_data(input))),
                        Candidate::Unsure(at) => known_data = at,
                    }
                }
            }
        } else if self.needs_input() {
            if input.is_empty() {
                return None;
            }
            if let Some(data) = self.take_short_data(input) {
                return Some(Event::Data(data));
            }
        }
        let (event, rest) = self.search(input, known_data);
        *input = rest;
        event
    }

    /// All of a short `input` as data if it holds no first byte of the terminator:
    /// the common case of bytes that arrive a few at a time (a UART, a `recv` that
    /// returns 1), decided with a plain loop where `memchr`'s set-up would cost
    /// more. Call only when nothing is held back, with at most [`SHORT_INPUT`] bytes.
    #[inline]
    fn take_short_data<'i>(&mut self, input: &mut &'i [u8]) -> Option<&'i [u8]> {
        let Terminator::Bytes(needle) = &self.terminator else {
            return None;
        };
        let first = needle.first()?;
        if input.contains(first) {
            return None;
        }
        Some(self.take_all_as_data(input))
    }

    /// All of `input` as data of the current frame.
    #[inline]
    fn take_all_as_data<'i>(&mut self, input: &mut &'i [u8]) -> &'i [u8] {
        let data = core::mem::take(input);
        self.position += data.len() as u64;
        self.frame_len += data.len() as u64;
        data
    }

    /// Whether only more input can produce an event: nothing held back, and no
    /// `Count(0)` waiting to fire.
    #[inline]
    fn needs_input(&self) -> bool {
        self.held_start == self.held.len() && !matches!(self.terminator, Terminator::Count(0))
    }

    /// Reports the data before a terminator found at `at` in `input`, and consumes
    /// both; the terminator's event comes next.
    #[inline]
    fn take_match<'i>(
        &mut self,
        input: &mut &'i [u8],
        at: usize,
        terminator_len: usize,
    ) -> Option<Event<'i>> {
        let (data, rest) = input.split_at(at);
        *input = rest.get(terminator_len..).unwrap_or_default();
        self.position += (at + terminator_len) as u64;
        if data.is_empty() {
            self.frame_len = 0;
            return Some(Event::Terminator);
        }
        self.terminator_found = true;
        self.frame_len += data.len() as u64;
        Some(Event::Data(data))
    }

    /// The rest of [`next_event`](Self::next_event), out of line. The first
    /// `known_data` bytes of `input` are known to hold no start of the terminator.
    ///
    /// The input goes in and comes back by value: behind a reference, the caller's
    /// slice would live in memory instead of registers, which costs every call
    /// (a tenth of the time with one-byte inputs).
    fn search<'a, 'i: 'a>(
        &'a mut self,
        mut input: &'i [u8],
        known_data: usize,
    ) -> (Option<Event<'a>>, &'i [u8]) {
        if self.held_start == self.held.len() {
            if let Terminator::Bytes(needle) = &self.terminator {
                let found = match search::find(&[], &input[known_data..], needle) {
                    Found::At(at) => Found::At(known_data + at),
                    Found::PrefixFrom(from) => Found::PrefixFrom(known_data + from),
                };
                let terminator_len = needle.len();
                let event = self.take_from_input(&mut input, found, terminator_len);
                return (event, input);
            }
        }
        let event = match self.step(&mut input, usize::MAX) {
            Step::Event(event) => Some(event),
            Step::NeedInput | Step::Capped => None,
        };
        (event, input)
    }

    /// Acts on `found`, the place of the terminator (`terminator_len` bytes) in
    /// `input`, when nothing is held back: what the inline part of
    /// [`next_event`](Self::next_event) leaves, where every event still borrows the
    /// input. [`step`](Self::step) covers every case and gives the same events.
    #[inline]
    fn take_from_input<'a, 'i: 'a>(
        &'a mut self,
        input: &mut &'i [u8],
        found: Found,
        terminator_len: usize,
    ) -> Option<Event<'a>> {
        let from = match found {
            Found::At(at) => return self.take_match(input, at, terminator_len),
            Found::PrefixFrom(from) => from,
        };
        let (data, partial) = input.split_at(from);
        self.position += from as u64;
        *input = partial;
        if !input.is_empty() {
            self.hold_back(input);
        }
        if data.is_empty() {
            return None;
        }
        self.frame_len += data.len() as u64;
        Some(Event::Data(data))
    }

    /// The [`Event::Terminator`] of a terminator already found and consumed, if any.
    #[inline]
    fn take_terminator<'a>(&mut self) -> Option<Event<'a>> {
        // Tested before it is cleared: a store on every call costs more than the branch.
        if !self.terminator_found {
            return None;
        }
        self.terminator_found = false;
        self.frame_len = 0;
        Some(Event::Terminator)
    }

    /// Like [`next_event`](Self::next_event), but a data event holds at most `cap`
    /// bytes, and with `cap == 0` data is left where it is ([`Step::Capped`]).
    pub(crate) fn step<'a, 'i: 'a>(&'a mut self, input: &mut &'i [u8], cap: usize) -> Step<'a> {
        if let Some(terminator) = self.take_terminator() {
            return Step::Event(terminator);
        }
        let held = &self.held[self.held_start..];
        let available = held.len() + input.len();
        // The length of the terminator that ends the data, if it is in sight.
        let mut terminator_after = None;
        let data_len = match &self.terminator {
            Terminator::None => available,
            Terminator::Count(0) => {
                self.terminator = Terminator::None;
                return self.end_frame();
            }
            Terminator::Count(remaining) => {
                usize::try_from(*remaining).map_or(available, |remaining| remaining.min(available))
            }
            Terminator::Bytes(needle) => match search::find(held, input, needle) {
                Found::At(0) => {
                    let len = needle.len();
                    self.consume(input, len);
                    return self.end_frame();
                }
                Found::At(start) => {
                    terminator_after = Some(needle.len());
                    start
                }
                Found::PrefixFrom(0) => {
                    self.hold_back(input);
                    return Step::NeedInput;
                }
                Found::PrefixFrom(start) => start,
            },
        };
        let len = data_len.min(cap);
        if len == 0 {
            return if data_len == 0 {
                Step::NeedInput
            } else {
                Step::Capped
            };
        }
        // Held-back bytes come first, and an event never mixes them with input.
        let held_start = self.held_start;
        let from_held = len.min(self.held.len() - held_start);
        let (from_input, reported) = if from_held > 0 {
            self.held_start += from_held;
            (&[][..], from_held)
        } else {
            let (data, rest) = input.split_at(len);
            *input = rest;
            self.position += len as u64;
            (data, len)
        };
        self.frame_len += reported as u64;
        match (&mut self.terminator, terminator_after) {
            (Terminator::Count(remaining), _) => *remaining -= reported as u64,
            // Taking the terminator now saves the next call a search (asynchat, too,
            // cuts it off before calling `found_terminator`).
            (_, Some(terminator_len)) if reported == data_len => {
                self.consume(input, terminator_len);
                self.terminator_found = true;
            }
            _ => {}
        }
        let data = if from_held > 0 {
            &self.held[held_start..held_start + from_held]
        } else {
            from_input
        };
        Step::Event(Event::Data(data))
    }

    fn end_frame<'a>(&mut self) -> Step<'a> {
        self.frame_len = 0;
        Step::Event(Event::Terminator)
    }

    /// Consumes `len` bytes that are not data: held-back ones first, then input.
    fn consume(&mut self, input: &mut &[u8], len: usize) {
        let from_held = len.min(self.held.len() - self.held_start);
        self.held_start += from_held;
        let from_input = len - from_held;
        *input = &input[from_input..];
        self.position += from_input as u64;
    }

    /// Keeps the unreported held bytes and all of `input`, which together are a proper
    /// prefix of the terminator, so fewer than `N` bytes.
    fn hold_back(&mut self, input: &mut &[u8]) {
        let start = self.held_start;
        let kept = self.held.len() - start;
        self.held.copy_within(start.., 0);
        self.held.truncate(kept);
        self.held_start = 0;
        self.held
            .extend_from_slice(input)
            .expect("a partial terminator is shorter than the terminator, which fits in N");
        self.position += input.len() as u64;
        *input = &[];
    }

    /// Sets what ends the current and following frames (asynchat's `set_terminator`).
    ///
    /// Takes effect at once: on the rest of the slice being framed, and on any bytes
    /// held back under the old terminator, which are searched again for the new one.
    /// Bytes already reported as data stay reported; the current frame continues.
    ///
    /// Between an [`Event::Data`] and the [`Event::Terminator`] that follows it, the
    /// terminator ending that data is already found and consumed, as in asynchat,
    /// where `collect_incoming_data` runs after the search: a new terminator applies
    /// from the next frame on.
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.terminator = terminator;
    }

    /// The terminator in force. A [`Terminator::Count`] shows the bytes still
    /// expected, and becomes [`Terminator::None`] once it fires.
    pub fn terminator(&self) -> &Terminator<N> {
        &self.terminator
    }

    /// Bytes consumed from all input slices so far: the stream position, for error
    /// messages. Held-back bytes count as consumed, and so does a terminator found
    /// with the data before it.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Data bytes reported in the current frame so far (since the last
    /// [`Event::Terminator`]), not counting held-back bytes.
    pub fn frame_len(&self) -> u64 {
        self.frame_len
    }

    /// The bytes held back as a possible start of a terminator: always fewer than the
    /// terminator's length, so fewer than `N`.
    pub fn held_back(&self) -> &[u8] {
        &self.held[self.held_start..]
    }

    /// Ends the stream: returns the held-back bytes as data and says whether the stream
    /// stopped inside a frame. Call it after [`next_event`](Self::next_event) returned
    /// `None` for the last slice.
    ///
    /// Afterwards the framer is as after [`reset`](Self::reset), with the same
    /// terminator, ready for another stream.
    ///
    /// Called too early, while an [`Event::Terminator`] is still to come, it drops that
    /// event and counts its frame as complete.
    pub fn finish(&mut self) -> Finish<'_> {
        // The pending terminator's frame is complete; its event is dropped.
        let _ = self.take_terminator();
        let start = self.held_start;
        let tail_len = self.held.len() - start;
        let frame_len = self.frame_len + tail_len as u64;
        let missing = match self.terminator {
            Terminator::Count(remaining) if remaining > 0 => Some(remaining),
            _ => None,
        };
        let truncated = match self.terminator {
            Terminator::None => false,
            Terminator::Count(_) => missing.is_some(),
            Terminator::Bytes(_) => frame_len > 0,
        };
        let end = if truncated {
            Err(Truncated {
                frame_len,
                missing,
                position: self.position,
            })
        } else {
            Ok(())
        };
        self.frame_len = 0;
        self.held_start = self.held.len();
        Finish {
            tail: &self.held[start..],
            end,
        }
    }

    /// Drops held-back bytes and the progress of the current frame, including a
    /// terminator found but not yet reported (asynchat's `discard_buffers`). The
    /// terminator stays as it is, a count with the bytes it still expects, and so
    /// does the stream position.
    pub fn reset(&mut self) {
        self.terminator_found = false;
        self.held.clear();
        self.held_start = 0;
        self.frame_len = 0;
    }
}

impl<const N: usize> Default for Framer<N> {
    /// A framer with [`Terminator::None`]: everything is data until a terminator is set.
    fn default() -> Self {
        Framer::with_capacity(Terminator::None)
    }
}
