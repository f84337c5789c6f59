//! The read side: a state machine that cuts a byte stream into frames.
//!
//! # How the read side works
//!
//! [`Framer::next_event`] decides every event. Where the current frame ends comes
//! from one place per kind of terminator: [`search::find`] for a byte string,
//! `count_end` for a count, `find_any` for several delimiters, and
//! `Framer::length_prefixed_step` for a length prefix (its header, body and
//! trailer). Which event that makes follows one of two rules:
//!
//! - **The common state**: nothing held back, not skipping, no refused count, not
//!   at the end of the stream, and within the limit. Its rule is
//!   `Framer::event_from_input`: data straight from the input, then the frame's
//!   end if it is in sight (taken at once; `next_event` reports
//!   [`Event::Terminator`] at the next call), else a possible start of a
//!   terminator, held back. Nearly every event of a line or counted protocol is
//!   decided here.
//! - **The rest** is the general step's ([`Framer::step`], out of line). First a
//!   count that a whole-frame reader refused when it was set is reported
//!   ([`Event::TooLong`]) once its first byte is there. Then, in order: an end with
//!   no data before it is reported; with no data and no end, the partial
//!   terminator is held back, or at the end of the stream [`Event::End`] comes;
//!   while skipping an oversized frame the data is consumed silently; at the limit
//!   of a line (a count has none) [`Event::TooLong`] starts the skip; otherwise
//!   data goes out, held-back bytes first and never mixed with input in one event.
//!
//! `event_from_input` is called from three places, which differ only in speed:
//! inline in `next_event` for a byte string (the **fast path**), out of line for
//! a count (`Framer::take_from_input`, which returns in registers), and from the
//! general step when it finds the common state. The first two run only when no
//! [`flag`] is set; the hidden [`Framer::set_fast_path`] switch turns them off, so
//! that the property tests check the general step against the reference model
//! too.
//! `Framer::fits` is the limit's one test.
//!
//! State lives in a handful of fields: the terminator and limits the caller sets
//! (the count limit only through a whole-frame reader), the held-back bytes, the
//! current frame's length, and the [`flag`]s: one word holds every fact that keeps
//! the fast paths out, each recorded nowhere else. Five are one bit each (the end
//! of the stream announced, the fast paths off, a frame end pending, a refused
//! count, a skip); the bits above them count the held-back bytes not yet reported.
//! So the fast paths test one word against zero.
//!
//! # Changing the framer
//!
//! What must change together:
//!
//! - A new kind of terminator: [`Terminator`] and [`FrameKind`], the general step's
//!   match on the terminator (how many data bytes come before the frame's end, and
//!   whether the end is in sight), a [`flag`] if the fast paths must stay out
//!   while it is in force, the reference model (`tests/support/framer_model.rs`)
//!   and the frames model (`tests/support/frames_model.rs`), and `Arbitrary`
//!   (`src/adapters/arbitrary.rs`) so that the fuzz target draws it.
//! - The held bytes: the storage holds them at its end, and their count lives in
//!   the flags word (`Framer::held_len`, `Framer::set_held_len`), so whatever
//!   holds bytes back or takes them sets that count; where they start follows
//!   from it.
//! - The events of the common state are `event_from_input`'s alone, and the fast
//!   paths find the frame's end with the general step's search and `count_end`:
//!   a change to either is a change to all three callers at once. What they
//!   still spell out themselves is only which state is common, in their guards.
//!
//! What pins it:
//!
//! - `tests/framer.rs`: exact event sequences, and the reference model against the
//!   framer at every split of the input into three pieces and one byte at a time,
//!   with the fast path on and off ([`Framer::set_fast_path`]).
//! - `tests/limits.rs`: limits and terminator changes at every split; `tests/frames.rs`
//!   and `tests/one_protocol.rs`: the whole-frame readers built on this.
//! - The `framer` fuzz target (`fuzz/`), against the same model.
//! - `benches/icount.py`: instructions per byte of every workload, which `.ci/run`
//!   fails on a rise past the tolerance it states.

use crate::read::delimiters::{find_any, FoundAny};
use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::length_prefix::{Decoded, LengthPrefix, Malformed, MalformedReason};
use crate::read::search::{self, Found, Memo};
use crate::read::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};

/// What the [`Framer`] found next in its input.
///
/// Every frame ends with exactly one [`Terminator`](Event::Terminator) or
/// [`Discarded`](Event::Discarded) (unless the stream ends first); both are the moment
/// to set the next terminator and limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event<'a> {
    /// Bytes of the current frame (asynchat's `collect_incoming_data`). Never empty.
    /// It borrows the caller's input, except for bytes the framer held back from an
    /// earlier slice, which it lends from its own storage.
    Data(&'a [u8]),
    /// The current frame is complete (asynchat's `found_terminator`). A byte-string
    /// terminator's bytes are not data and are not reported. This is the moment to
    /// change the terminator and limit: the change applies to the rest of the same
    /// input.
    Terminator,
    /// The current frame just grew past the [maximum frame
    /// length](Framer::set_max_frame_len): its first `max_frame_len` bytes went out as
    /// data, the rest of it is skipped without [`Data`](Event::Data) events, and its
    /// end comes as [`Discarded`](Event::Discarded). Reported once per frame, at the
    /// first byte past the limit. Drop what you collected of this frame.
    ///
    /// A [`Framer`] reports it only for frames whose length is not known up front
    /// ([`FrameKind::Delimited`] and [`FrameKind::Unterminated`]): a count bounds
    /// itself. Whole-frame readers also report it, before the first byte, for a
    /// count larger than they will buffer ([`FrameKind::Counted`]).
    TooLong(FrameTooLong),
    /// The end of a frame that was [`TooLong`](Event::TooLong): its terminator was
    /// found (or its count reached) after skipping the rest of it. Treat it like
    /// [`Terminator`](Event::Terminator) for what comes next (set the next terminator
    /// and limit here: the bytes after it are framed under what you set), but the
    /// frame itself is not a message: reply with an error, or close.
    Discarded {
        /// The whole frame's length in data bytes, the skipped ones included.
        frame_len: u64,
        /// What would have ended the frame: a line or a counted block.
        kind: FrameKind,
    },
    /// The stream ended ([`Framer::end_of_stream`]) and every byte before the end
    /// has been reported. `Err` if it ended inside a frame. The last event of a
    /// stream; afterwards the framer starts a new one.
    End(Result<(), Truncated>),
    /// A [length-prefixed](Terminator::LengthPrefixed) frame's header or trailer
    /// cannot be read, so the stream cannot be framed further with it: the
    /// terminator becomes [`Terminator::None`], and the bytes from the bad header (or
    /// trailer byte) on come as data of that unterminated frame, unless you set
    /// another terminator here. Usually the answer is an error reply and a close.
    Malformed(Malformed),
}

/// Data bytes taken for an event: a run of the held-back bytes, or input.
#[derive(Clone, Copy)]
enum Taken<'i> {
    Held { start: usize, len: usize },
    Input(&'i [u8]),
}

/// Where the framer is in a length-prefixed frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LengthState {
    /// Reading the header.
    Header,
    /// Reading the body: this many bytes to go.
    Body(u64),
    /// Checking the trailer: this many of its bytes matched.
    Trailer(u8),
}

/// The facts that keep the fast paths out, in [`Framer::flags`], each recorded
/// nowhere else: with none set and nothing held back, the word is zero and the
/// fast paths run. One word, so that one byte at a time a call is little more
/// than its tests.
mod flag {
    /// The caller said the stream ends after the input it gives.
    pub(super) const ENDING: usize = 1;
    /// The fast paths are switched off ([`Framer::set_fast_path`](super::Framer::set_fast_path)).
    pub(super) const SLOW: usize = 2;
    /// The frame's data just reported ran up to its end, which is consumed: the
    /// next event is [`Event::Terminator`](super::Event::Terminator), without
    /// searching again.
    pub(super) const FRAME_END: usize = 4;
    /// A count above the count limit was set: its [`Event::TooLong`](super::Event::TooLong)
    /// comes before any of its bytes.
    pub(super) const COUNT_REFUSED: usize = 8;
    /// The frame went past the limit: its data is consumed without events until
    /// its end, which is [`Event::Discarded`](super::Event::Discarded) of the
    /// framer's `skip_kind`.
    pub(super) const SKIPPING: usize = 16;
    /// The bits above the flags count the held-back bytes not yet reported or
    /// consumed, one `HELD_BYTE` each: so no flag set also means nothing held
    /// back, and the count is kept nowhere else.
    pub(super) const HELD_BYTE: usize = 1 << 8;
}

/// Cuts a byte stream into frames: the read half of asynchat, without the socket.
///
/// The caller feeds it slices of the stream, in order and in any sizes, and gets
/// [`Event`]s back. It never allocates, never does I/O and never fails; the only
/// bytes it stores are a held-back partial terminator, fewer than `N` bytes. Events
/// depend only on the stream and on the changes the caller makes at events, never on
/// how the stream was cut into slices (once adjacent data events are joined).
///
/// # Run loop
///
/// 1. Read bytes from wherever they come from. At the end of the stream, call
///    [`end_of_stream`](Self::end_of_stream) (and use an empty slice).
/// 2. Call [`next_event`](Self::next_event) until it returns `None`, which means it
///    has consumed the whole slice and needs more. On [`Event::Terminator`] and
///    [`Event::Discarded`], handle the frame and, if the protocol says so, set the
///    next terminator and limit. [`Event::End`] is the last event of the stream.
///
/// # Example
///
/// The echo protocol of PyMOTW's asynchat page: a line `ECHO <len>\n`, then `<len>`
/// bytes of message.
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
/// framer.set_max_frame_len(Some(1024));
/// let mut message = Vec::new();
/// let mut messages = Vec::new();
/// for received in [&b"ECHO 5\nhel"[..], b"lo", b""] {
///     if received.is_empty() {
///         framer.end_of_stream();
///     }
///     let mut input: &[u8] = received;
///     while let Some(event) = framer.next_event(&mut input) {
///         match event {
///             Event::Data(bytes) => message.extend_from_slice(bytes),
///             Event::Terminator => {
///                 framer.set_terminator(next_terminator(&message));
///                 messages.push(std::mem::take(&mut message));
///             }
///             Event::TooLong(_) => message.clear(),
///             Event::Discarded { .. } => framer.set_terminator(Terminator::literal(b"\n")),
///             Event::End(end) => assert!(end.is_ok()),
///             Event::Malformed(_) => unreachable!("only length prefixes are malformed"),
///         }
///     }
/// }
/// assert_eq!(messages, [&b"ECHO 5"[..], b"hello"]);
/// ```
///
/// # Limits
///
/// With [`set_max_frame_len`](Self::set_max_frame_len), a frame may carry at most
/// that many data bytes. At the first byte past it comes [`Event::TooLong`]; the rest
/// of the frame is skipped (no data events, no memory) up to the frame's end, which
/// comes as [`Event::Discarded`] instead of [`Event::Terminator`]. A peer that never
/// sends the terminator then costs nothing, and the stream stays in sync: the bytes
/// after the oversized frame are framed under whatever the caller sets at `Discarded`.
///
/// # Termination
///
/// The framer does not know where the stream ends; the caller says so with
/// [`end_of_stream`](Self::end_of_stream). Then `next_event` yields what remains, in
/// order: a pending frame end, held-back bytes as data (they can no longer become a
/// terminator), and [`Event::End`], which is `Err(Truncated)` if the stream stopped
/// inside a frame. asynchat drops a held-back partial terminator and an unfinished
/// frame in silence; here no event is ever dropped.
#[derive(Clone, Debug)]
pub struct Framer<const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    terminator: Terminator<N>,
    /// What the search learned about the terminator; new with each terminator.
    memo: Memo,
    /// A possible terminator cut off by the end of an earlier slice: its last
    /// [`held_len`](Self::held_len) bytes; those before were already reported or
    /// consumed.
    held: heapless::Vec<u8, N>,
    /// Stream position of `held[0]`: the held bytes are one run of the stream.
    held_origin: u64,
    /// The [`flag`]s set, and above them the count of held-back bytes.
    flags: usize,
    /// What the frame being skipped is, while [`flag::SKIPPING`] is set.
    skip_kind: FrameKind,
    /// Data bytes of the current frame so far, skipped ones included.
    frame_len: u64,
    /// The limit on `frame_len` for frames of unknown length; `u64::MAX` for none.
    max_frame_len: u64,
    /// The largest count a whole-frame reader will buffer; `u64::MAX` for none.
    max_count: u64,
    position: u64,
    /// Which of several delimiters ended the last frame they ended.
    matched: u8,
    /// Where a length-prefixed frame is; `Header` under other terminators.
    length_state: LengthState,
    /// The last length-prefixed frame's header is `held[..header_len]`.
    header_len: usize,
}

impl Framer {
    /// A framer waiting for `terminator`, at stream position 0, with no limit on the
    /// frame length and the default capacity of [`DEFAULT_MAX_TERMINATOR_LEN`] bytes for a
    /// byte-string terminator.
    pub const fn new(terminator: Terminator) -> Self {
        Framer::with_terminator(terminator)
    }
}

impl<const N: usize> Framer<N> {
    /// The count of held bytes, at most `N`, fits above the flags.
    const HELD_COUNT_FITS: () = assert!(
        N <= usize::MAX / flag::HELD_BYTE,
        "a Framer holds at most usize::MAX / 256 bytes"
    );

    /// As [`new`](Framer::new), for byte-string terminators of up to `N` bytes
    /// (`N` is also the most the framer stores): `Framer::<256>::with_terminator(t)`.
    /// `new` exists only because Rust cannot infer `N` from its default.
    pub const fn with_terminator(terminator: Terminator<N>) -> Self {
        let () = Self::HELD_COUNT_FITS;
        Framer {
            terminator,
            memo: Memo::new(),
            held: heapless::Vec::new(),
            held_origin: 0,
            flags: 0,
            skip_kind: FrameKind::Delimited,
            frame_len: 0,
            max_frame_len: u64::MAX,
            max_count: u64::MAX,
            position: 0,
            matched: 0,
            length_state: LengthState::Header,
            header_len: 0,
        }
    }

    /// The next event from `input`, advancing `input` past the bytes it used.
    ///
    /// Returns `None` once every byte of `input` is consumed (reported as data,
    /// skipped, matched as a terminator, or held back because it may start a
    /// terminator that the next slice completes) and there is nothing else to report.
    /// Held-back bytes that turn out not to be a terminator come out as
    /// [`Event::Data`] before the bytes that follow them. An empty `input` is fine: it
    /// yields what is pending (a `Count(0)` terminator, held-back bytes after a
    /// terminator change, the end of the stream) and otherwise `None`.
    ///
    /// Matches are leftmost and do not overlap: with terminator `aa`, the input `aaa`
    /// is a terminator followed by data `a`.
    ///
    /// After [`end_of_stream`](Self::end_of_stream), the input is the last of the
    /// stream: once it is consumed, the remaining events and [`Event::End`] follow.
    ///
    /// # Errors
    ///
    /// None: every byte sequence is valid input. A frame over the limit and a stream
    /// that ends inside a frame are events ([`Event::TooLong`], [`Event::End`]).
    #[must_use = "events carry the data; dropping one loses it"]
    #[inline(always)]
    pub fn next_event<'a, 'i: 'a>(&'a mut self, input: &mut &'i [u8]) -> Option<Event<'a>> {
        // The fast path, inline: `inline(always)` because with a second call site in
        // a crate the compiler stops inlining this by itself, and short lines lose
        // much of their speed. Its tests come first, cheapest first: the flags, then
        // the terminator's kind, then the input.
        if self.fast_paths_may_run() {
            if let Terminator::Bytes(delimiter) = &self.terminator {
                if input.is_empty() {
                    return None;
                }
                match search::find(&[], input, delimiter, &mut self.memo) {
                    Found::At(at) if self.fits(at as u64) => {
                        let width = delimiter.width();
                        return self.event_from_input(input, at, Some(width), false);
                    }
                    Found::PrefixFrom(from) if self.fits(from as u64) => {
                        return self.event_from_input(input, from, None, false);
                    }
                    _ => {}
                }
            }
        } else if self.flags & flag::FRAME_END != 0 {
            self.flags &= !flag::FRAME_END;
            self.frame_len = 0;
            return Some(Event::Terminator);
        }
        match self.take_from_input(input) {
            Some(0) => return None,
            Some(len) => {
                let (data, rest) = input.split_at(len);
                *input = rest;
                return Some(Event::Data(data));
            }
            None => {}
        }
        let (event, rest) = self.step(input);
        *input = rest;
        event
    }

    /// The next event when all it concerns is in the input: nothing held back,
    /// not skipping, not at the end of the stream, and within the limit (or a
    /// count, which bounds itself). `data_len` data bytes come first; then the
    /// frame's end, of `end_len` bytes, if it is in sight, else (when bytes are
    /// left) a possible start of a terminator, held back. The fast paths and the
    /// general step hand every frame end they find in that state to this one rule.
    #[inline(always)]
    fn event_from_input<'i>(
        &mut self,
        input: &mut &'i [u8],
        data_len: usize,
        end_len: Option<usize>,
        counted: bool,
    ) -> Option<Event<'i>> {
        match end_len {
            Some(end_len) => {
                // Taking the end now saves the next call a search (asynchat, too,
                // cuts the terminator off before `found_terminator`).
                let (data, rest) = input.split_at(data_len);
                *input = &rest[end_len..];
                self.position += (data_len + end_len) as u64;
                if counted {
                    self.terminator = Terminator::None;
                }
                if data.is_empty() {
                    self.frame_len = 0;
                    return Some(Event::Terminator);
                }
                self.frame_len += data_len as u64;
                self.flags |= flag::FRAME_END;
                Some(Event::Data(data))
            }
            None => {
                // All of it is data, or the data and then a partial terminator,
                // held back until more input decides it.
                let data = if data_len == input.len() {
                    core::mem::take(input)
                } else {
                    let (data, partial) = input.split_at(data_len);
                    *input = partial;
                    self.hold_back(core::mem::take(input));
                    // The stream position counts the data only below, and the
                    // data comes before the held bytes.
                    self.held_origin += data_len as u64;
                    if data.is_empty() {
                        return None;
                    }
                    data
                };
                self.position += data_len as u64;
                self.frame_len += data_len as u64;
                if counted {
                    if let Terminator::Count(remaining) = &mut self.terminator {
                        *remaining -= data_len as u64;
                    }
                }
                Some(Event::Data(data))
            }
        }
    }

    /// The second fast path: with no [`flag`] set, how many of the input's first
    /// bytes are the next event's data (a count's, straight from the input, under
    /// [`event_from_input`](Self::event_from_input)'s rule), or `Some(0)` for no
    /// event (an empty input: nothing is pending); `None` leaves the event to the
    /// general step.
    ///
    /// Out of line, so that the line-framing path stays small; and it returns in
    /// registers, where the general step returns an event through memory, which
    /// length-prefixed bodies in small reads would pay for on every read.
    #[inline(never)]
    fn take_from_input(&mut self, mut input: &[u8]) -> Option<usize> {
        if !self.fast_paths_may_run() {
            return None;
        }
        let (data_len, end_len) = match self.terminator {
            // The frame ends before any byte: the general step says so.
            Terminator::Count(0) => return None,
            Terminator::Count(remaining) => count_end(remaining, input.len()),
            _ if input.is_empty() => return Some(0),
            _ => return None,
        };
        if data_len == 0 {
            return Some(0);
        }
        // The event is the data, the input's first `data_len` bytes, which the
        // caller cuts off itself.
        let _data = self.event_from_input(&mut input, data_len, end_len, true);
        Some(data_len)
    }

    /// The general step (see the module docs), out of line.
    ///
    /// The input goes in and comes back by value: behind a reference, the caller's
    /// slice would live in memory instead of registers, which costs every call.
    #[inline(never)]
    fn step<'a, 'i: 'a>(&'a mut self, mut input: &'i [u8]) -> (Option<Event<'a>>, &'i [u8]) {
        loop {
            let held_len = self.held_len();
            // Reported with the block's first byte (or at the end of the stream), so
            // that after `End` a count left over from the last stream stays quiet.
            if self.flags & flag::COUNT_REFUSED != 0
                && (held_len + input.len() > 0 || self.ending())
            {
                self.flags &= !flag::COUNT_REFUSED;
                self.skip(FrameKind::Counted);
                let too_long = FrameTooLong {
                    max_frame_len: self.max_count,
                    position: self.position - held_len as u64,
                    kind: FrameKind::Counted,
                };
                return (Some(Event::TooLong(too_long)), input);
            }
            let available = held_len + input.len();
            // How many data bytes come before the frame's end, and, if the end is in
            // sight, how many bytes it takes (0 for a count).
            let (data_len, end_len) = match &self.terminator {
                Terminator::None => (available, None),
                Terminator::LengthPrefixed(prefix) => {
                    let prefix = *prefix;
                    return self.length_prefixed_step(prefix, input);
                }
                Terminator::Count(remaining) => count_end(*remaining, available),
                Terminator::Bytes(needle) => {
                    let held = &self.held[self.held_start()..];
                    match search::find(held, input, needle, &mut self.memo) {
                        Found::At(at) => (at, Some(needle.width())),
                        // At the end of the stream nothing can complete a terminator.
                        Found::PrefixFrom(_) if self.ending() => (available, None),
                        Found::PrefixFrom(from) => (from, None),
                    }
                }
                Terminator::AnyOf(delimiters) => {
                    let held = &self.held[self.held_start()..];
                    match find_any(held, input, delimiters) {
                        FoundAny::At { at, len, index } => {
                            self.matched = index;
                            (at, Some(len))
                        }
                        FoundAny::PrefixFrom(_) if self.ending() => (available, None),
                        FoundAny::PrefixFrom(from) => (from, None),
                    }
                }
            };
            // The common state, under the fast paths' rule. An empty input with
            // nothing pending is no event, which the rest below says.
            let counted = matches!(self.terminator, Terminator::Count(_));
            if held_len == 0
                && self.flags & (flag::SKIPPING | flag::ENDING) == 0
                && (counted || self.fits(data_len as u64))
                && (available > 0 || end_len.is_some())
            {
                return (
                    self.event_from_input(&mut input, data_len, end_len, counted),
                    input,
                );
            }
            if data_len == 0 {
                let event = match end_len {
                    Some(end_len) => {
                        self.consume_end(&mut input, end_len);
                        Some(self.end_frame())
                    }
                    None if available > 0 => {
                        self.hold_back(core::mem::take(&mut input));
                        None
                    }
                    None if self.ending() => Some(Event::End(self.end_stream())),
                    None => None,
                };
                return (event, input);
            }
            if self.is_skipping() {
                self.consume_data(&mut input, data_len);
                if let Some(end_len) = end_len {
                    self.consume_end(&mut input, end_len);
                    return (Some(self.end_frame()), input);
                }
                // All data is skipped; what is left is held back, or the end.
                continue;
            }
            // Held-back bytes come first, and an event never mixes them with input.
            let from_held = held_len.min(data_len);
            let source_len = if from_held > 0 { from_held } else { data_len };
            let kind = self.terminator.kind();
            let mut len = source_len;
            // A count bounds itself: only frames of unknown length meet the limit.
            if kind != FrameKind::Counted && !self.fits(len as u64) {
                if !self.fits(1) {
                    self.skip(kind);
                    let too_long = FrameTooLong {
                        max_frame_len: self.max_frame_len,
                        position: self.position - held_len as u64,
                        kind,
                    };
                    return (Some(Event::TooLong(too_long)), input);
                }
                // Up to the limit, which is then less than `len` away.
                len = (self.max_frame_len - self.frame_len) as usize;
            }
            let taken = self.take_data(&mut input, len, from_held > 0);
            if len == data_len {
                if let Some(end_len) = end_len {
                    // Taking the end now saves the next call a search (asynchat, too,
                    // cuts the terminator off before `found_terminator`).
                    self.consume_end(&mut input, end_len);
                    self.flags |= flag::FRAME_END;
                }
            }
            return (Some(Event::Data(self.lend(taken))), input);
        }
    }

    /// The general step under a length-prefixed terminator: the header, then the
    /// body as a count, then the trailer. Held-back bytes come first, as always:
    /// they are the header's, or (left by an earlier terminator) past it.
    #[inline(never)]
    fn length_prefixed_step<'a, 'i: 'a>(
        &'a mut self,
        prefix: LengthPrefix,
        mut input: &'i [u8],
    ) -> (Option<Event<'a>>, &'i [u8]) {
        loop {
            match self.length_state {
                LengthState::Header => {
                    let held_len = self.held_len();
                    if held_len + input.len() == 0 {
                        let event = self.ending().then(|| Event::End(self.end_stream()));
                        return (event, input);
                    }
                    let header_start = self.position - held_len as u64;
                    self.compact_held();
                    let decoded = if held_len == 0 {
                        prefix.decode(&input[..input.len().min(N)])
                    } else {
                        // The decoder needs the header in one slice: lend it the
                        // held bytes with as much input as fits behind them.
                        let take = (N - held_len).min(input.len());
                        self.held
                            .extend_from_slice(&input[..take])
                            .expect("held bytes and what fits behind them are at most N");
                        let decoded = prefix.decode(&self.held);
                        self.held.truncate(held_len);
                        decoded
                    };
                    match decoded {
                        Err(reason) => return (Some(self.malformed(header_start, reason)), input),
                        Ok(Decoded::Incomplete) if held_len + input.len() >= N => {
                            let capacity = u32::try_from(N).unwrap_or(u32::MAX);
                            let reason = MalformedReason::HeaderTooLong { capacity };
                            return (Some(self.malformed(header_start, reason)), input);
                        }
                        Ok(Decoded::Incomplete) if self.ending() => {
                            // A header cut off by the end of the stream is data of
                            // the truncated frame: nothing is dropped in silence.
                            let len = if held_len > 0 { held_len } else { input.len() };
                            let taken = self.take_data(&mut input, len, held_len > 0);
                            return (Some(Event::Data(self.lend(taken))), input);
                        }
                        Ok(Decoded::Incomplete) => {
                            self.hold_back(core::mem::take(&mut input));
                            return (None, input);
                        }
                        Ok(Decoded::Header { len, body_len }) => {
                            // Held bytes past the header (left by an earlier
                            // terminator) stay held: they start the body.
                            let from_input = len.saturating_sub(held_len);
                            self.held
                                .extend_from_slice(&input[..from_input])
                                .expect("the decoder saw at most N bytes");
                            input = &input[from_input..];
                            self.position += from_input as u64;
                            self.held_origin = header_start;
                            self.set_held_len(self.held.len() - len);
                            self.header_len = len;
                            self.length_state = LengthState::Body(body_len);
                            let kept = prefix.kept_len(len);
                            // The declared length is checked up front, whole; capped
                            // where the sum would overflow, which only "no limit" allows.
                            let declared = (kept as u64).saturating_add(body_len);
                            let fits = self.fits(declared.min(u64::MAX - self.frame_len));
                            self.frame_len += kept as u64;
                            if !fits {
                                self.skip(FrameKind::LengthPrefixed);
                                let too_long = FrameTooLong {
                                    max_frame_len: self.max_frame_len,
                                    position: header_start,
                                    kind: FrameKind::LengthPrefixed,
                                };
                                return (Some(Event::TooLong(too_long)), input);
                            }
                            if kept > 0 {
                                if body_len == 0 && prefix.trailer_bytes().is_empty() {
                                    self.length_state = LengthState::Header;
                                    self.flags |= flag::FRAME_END;
                                }
                                return (Some(Event::Data(&self.held[len - kept..len])), input);
                            }
                        }
                    }
                }
                LengthState::Body(0) => {
                    if prefix.trailer_bytes().is_empty() {
                        self.length_state = LengthState::Header;
                        return (Some(self.end_frame()), input);
                    }
                    self.length_state = LengthState::Trailer(0);
                }
                LengthState::Body(remaining) => {
                    let held_len = self.held_len();
                    let source_len = if held_len > 0 { held_len } else { input.len() };
                    if source_len == 0 {
                        let event = self.ending().then(|| Event::End(self.end_stream()));
                        return (event, input);
                    }
                    let len = usize::try_from(remaining).map_or(source_len, |r| r.min(source_len));
                    let taken = self.take_data(&mut input, len, held_len > 0);
                    self.length_state = LengthState::Body(remaining - len as u64);
                    if self.is_skipping() {
                        continue;
                    }
                    if remaining == len as u64 && prefix.trailer_bytes().is_empty() {
                        self.length_state = LengthState::Header;
                        self.flags |= flag::FRAME_END;
                    }
                    return (Some(Event::Data(self.lend(taken))), input);
                }
                LengthState::Trailer(matched) => {
                    let trailer = prefix.trailer_bytes();
                    let Some(&expected) = trailer.get(usize::from(matched)) else {
                        self.length_state = LengthState::Header;
                        return (Some(self.end_frame()), input);
                    };
                    let held_len = self.held_len();
                    let next = self.held.get(self.held_start()).or(input.first());
                    let Some(&found) = next else {
                        let event = self.ending().then(|| Event::End(self.end_stream()));
                        return (event, input);
                    };
                    if found != expected {
                        let reason = MalformedReason::BadTrailer { expected, found };
                        let position = self.position - held_len as u64;
                        return (Some(self.malformed(position, reason)), input);
                    }
                    self.consume_end(&mut input, 1);
                    self.length_state = LengthState::Trailer(matched + 1);
                }
            }
        }
    }

    /// Gives up on a length-prefixed stream: the rest is unterminated data.
    fn malformed<'a>(&mut self, position: u64, reason: MalformedReason) -> Event<'a> {
        self.terminator = Terminator::None;
        self.length_state = LengthState::Header;
        self.flags &= !(flag::SKIPPING | flag::COUNT_REFUSED);
        Event::Malformed(Malformed { position, reason })
    }

    /// Moves the unreported held bytes to the start of the storage.
    fn compact_held(&mut self) {
        let start = self.held_start();
        let kept = self.held_len();
        self.held.copy_within(start.., 0);
        self.held.truncate(kept);
        self.header_len = 0;
    }

    /// Takes `len` data bytes of the current frame from the held-back bytes (if
    /// `from_held`) or the front of `input`, and counts them.
    #[inline(always)]
    fn take_data<'i>(&mut self, input: &mut &'i [u8], len: usize, from_held: bool) -> Taken<'i> {
        let taken = if from_held {
            Taken::Held {
                start: self.held_start(),
                len,
            }
        } else {
            let (data, rest) = input.split_at(len);
            *input = rest;
            Taken::Input(data)
        };
        self.account_data(len, from_held);
        taken
    }

    /// The bytes `take_data` took, lent from the held storage or the input.
    #[inline(always)]
    fn lend<'a, 'i: 'a>(&'a self, taken: Taken<'i>) -> &'a [u8] {
        match taken {
            Taken::Held { start, len } => &self.held[start..start + len],
            Taken::Input(data) => data,
        }
    }

    /// Counts `len` data bytes of the current frame, just taken from the held-back
    /// bytes or (already split off) from the input.
    fn account_data(&mut self, len: usize, from_held: bool) {
        if from_held {
            self.set_held_len(self.held_len() - len);
        } else {
            self.position += len as u64;
        }
        self.frame_len += len as u64;
        if let Terminator::Count(remaining) = &mut self.terminator {
            *remaining -= len as u64;
        }
    }

    /// Consumes `len` data bytes of the current frame without reporting them: held-back
    /// ones first, then input.
    fn consume_data(&mut self, input: &mut &[u8], len: usize) {
        let from_held = len.min(self.held_len());
        self.account_data(from_held, true);
        let from_input = len - from_held;
        *input = &input[from_input..];
        self.account_data(from_input, false);
    }

    /// Consumes the `len` bytes of the frame's end (a terminator's bytes, or none for a
    /// count, which then becomes [`Terminator::None`]): held-back ones first, then input.
    fn consume_end(&mut self, input: &mut &[u8], len: usize) {
        let from_held = len.min(self.held_len());
        self.set_held_len(self.held_len() - from_held);
        let from_input = len - from_held;
        *input = &input[from_input..];
        self.position += from_input as u64;
        if let Terminator::Count(_) = self.terminator {
            self.terminator = Terminator::None;
        }
    }

    /// The event for a frame end just consumed.
    fn end_frame<'a>(&mut self) -> Event<'a> {
        let frame_len = core::mem::take(&mut self.frame_len);
        if self.is_skipping() {
            self.flags &= !flag::SKIPPING;
            Event::Discarded {
                frame_len,
                kind: self.skip_kind,
            }
        } else {
            Event::Terminator
        }
    }

    /// The end of the stream, with every byte reported: whether a frame was cut off,
    /// and a fresh start for the next stream.
    fn end_stream(&mut self) -> Result<(), Truncated> {
        // Bytes still expected, where the frame's length is known.
        let missing = match (self.terminator, self.length_state) {
            (Terminator::Count(remaining), _) => Some(remaining),
            (Terminator::LengthPrefixed(prefix), LengthState::Body(remaining)) => {
                Some(remaining.saturating_add(prefix.trailer_bytes().len() as u64))
            }
            (Terminator::LengthPrefixed(prefix), LengthState::Trailer(matched)) => {
                Some((prefix.trailer_bytes().len() - usize::from(matched)) as u64)
            }
            _ => None,
        };
        let truncated = match self.terminator {
            Terminator::None => false,
            // `Count(0)` fires before the end: a count still here has bytes to go.
            Terminator::Count(_) => true,
            Terminator::Bytes(_) | Terminator::AnyOf(_) | Terminator::LengthPrefixed(_) => {
                self.frame_len > 0 || missing.is_some()
            }
        };
        let end = if truncated {
            Err(Truncated {
                frame_len: self.frame_len,
                missing,
                position: self.position,
            })
        } else {
            Ok(())
        };
        self.reset();
        end
    }

    /// Keeps the unreported held bytes and all of `input`, which together are a proper
    /// prefix of the terminator, so fewer than `N` bytes.
    ///
    /// The bytes come by value: a reference to the caller's slice would keep it in
    /// memory rather than in registers for the whole of the caller's loop.
    #[inline(always)]
    fn hold_back(&mut self, input: &[u8]) {
        self.compact_held();
        self.held
            .extend_from_slice(input)
            .expect("a partial terminator is shorter than the terminator, which fits in N");
        self.position += input.len() as u64;
        self.held_origin = self.position - self.held.len() as u64;
        self.set_held_len(self.held.len());
    }

    /// Sets what ends the current and following frames (asynchat's `set_terminator`).
    ///
    /// Takes effect at once: on the rest of the slice being framed, and on any bytes
    /// held back under the old terminator, which are searched again for the new one.
    /// Bytes already reported as data stay reported; the current frame continues.
    ///
    /// Between an [`Event::Data`] and the [`Event::Terminator`] that follows it, the
    /// end of that data is already found and consumed, as in asynchat, where
    /// `collect_incoming_data` runs after the search: a new terminator applies from
    /// the next frame on. Set after [`Event::TooLong`], it decides where the skipped
    /// frame ends; usually you want to wait for [`Event::Discarded`].
    ///
    /// A [`Terminator::Count`] is never subject to the [frame
    /// limit](Self::set_max_frame_len): its length is the bound, so check a length
    /// read from the peer against your protocol's maximum before you set it.
    pub fn set_terminator(&mut self, terminator: Terminator<N>) {
        self.terminator = terminator;
        self.length_state = LengthState::Header;
        self.memo.renew();
        // Only whole-frame readers set a count limit; a plain framer skips the check.
        if self.max_count != u64::MAX {
            self.refuse_count_above_limit();
        }
    }

    /// Sets the largest count a whole-frame reader will buffer: a larger one is
    /// refused when it is set ([`Event::TooLong`] before any of its bytes, then its
    /// bytes skipped and [`Event::Discarded`] at its end).
    pub(crate) fn set_max_count(&mut self, max_count: Option<u64>) {
        self.max_count = max_count.unwrap_or(u64::MAX);
        self.refuse_count_above_limit();
    }

    /// The limit set with `set_max_count`.
    pub(crate) fn max_count(&self) -> Option<u64> {
        (self.max_count != u64::MAX).then_some(self.max_count)
    }

    /// Refuses, or stops refusing, the count in force against the count limit, as
    /// long as its refusal has not been reported yet.
    #[inline(never)]
    fn refuse_count_above_limit(&mut self) {
        if !self.is_skipping() {
            self.flags &= !flag::COUNT_REFUSED;
            if matches!(self.terminator, Terminator::Count(count) if count > self.max_count) {
                self.flags |= flag::COUNT_REFUSED;
            }
        }
    }

    /// The terminator in force. A [`Terminator::Count`] shows the bytes still
    /// expected, and becomes [`Terminator::None`] once its last byte is taken.
    pub fn terminator(&self) -> &Terminator<N> {
        &self.terminator
    }

    /// Sets the most data bytes a frame of unknown length (ended by a byte string,
    /// or by nothing) may carry, or `None` for no limit (the default). A
    /// [`Terminator::Count`] is not subject to it: the count is its frame's length,
    /// so a protocol may read lines under a small limit and then a large counted
    /// block without changing the limit. Like the terminator, it may change at any
    /// event and applies from the current frame on: the frame in progress is
    /// checked against the new limit from its next data byte. The limit counts
    /// data bytes only (a byte-string terminator's bytes are not data). `Some(0)`
    /// allows only empty frames.
    ///
    /// Raising or removing the limit while a frame is being skipped does not undo the
    /// skip: that frame still ends with [`Event::Discarded`].
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        self.max_frame_len = max_frame_len.unwrap_or(u64::MAX);
    }

    /// The limit set with [`set_max_frame_len`](Self::set_max_frame_len).
    pub fn max_frame_len(&self) -> Option<u64> {
        (self.max_frame_len != u64::MAX).then_some(self.max_frame_len)
    }

    /// Whether the data just reported ran up to its frame's end, so that the next
    /// event is [`Event::Terminator`].
    pub(crate) fn frame_end_pending(&self) -> bool {
        self.flags & flag::FRAME_END != 0
    }

    /// The header of the last [length-prefixed](Terminator::LengthPrefixed) frame,
    /// offset and length field included, reported as data or not: from the frame's
    /// first event after its header until the next frame's header starts to arrive.
    /// Empty otherwise.
    pub fn header(&self) -> &[u8] {
        &self.held[..self.header_len]
    }

    /// Which of the [several delimiters](Terminator::AnyOf) ended the last frame
    /// that they ended (its index in the order given); read it at the frame's
    /// [`Event::Terminator`]. `0` before any did.
    pub fn matched_delimiter(&self) -> usize {
        usize::from(self.matched)
    }

    /// The stream position of `data`, an [`Event::Data`] lent from the framer's own
    /// storage, or `None` if it is not from there. The data is given by its
    /// address, so that the event's borrow can end first.
    #[cfg(any(
        test,
        feature = "tokio",
        feature = "embedded-io",
        feature = "embedded-io-async"
    ))]
    pub(crate) fn lent_position(&self, data_address: usize) -> Option<u64> {
        let base = self.held.as_ptr() as usize;
        let at = data_address.checked_sub(base)?;
        (at < self.held.len()).then(|| self.held_origin + at as u64)
    }

    /// Whether the current frame went past the limit and its rest is being skipped,
    /// up to the [`Event::Discarded`] that ends it.
    pub fn is_skipping(&self) -> bool {
        self.flags & flag::SKIPPING != 0
    }

    /// Says that the stream ends after the input given to the following calls of
    /// [`next_event`](Self::next_event) (usually an empty slice): once that input is
    /// consumed, they yield the remaining events and then [`Event::End`].
    ///
    /// Calling it again before `End` changes nothing. After `End`, the framer starts a
    /// new stream, as after [`reset`](Self::reset).
    pub fn end_of_stream(&mut self) {
        self.flags |= flag::ENDING;
    }

    /// Bytes consumed from all input slices so far: the stream position, for error
    /// messages. Held-back bytes count as consumed, and so does a terminator found
    /// with the data before it. It keeps counting across [`reset`](Self::reset) and
    /// [`Event::End`].
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Data bytes of the current frame so far (since the last frame end), skipped ones
    /// included and held-back bytes not.
    pub fn frame_len(&self) -> u64 {
        self.frame_len
    }

    /// The bytes held back as a possible start of a terminator: always fewer than the
    /// terminator's length, so fewer than `N`.
    pub fn held_back(&self) -> &[u8] {
        &self.held[self.held_start()..]
    }

    /// Drops held-back bytes and the progress of the current frame, including a frame
    /// end found but not yet reported, a skip in progress and a pending
    /// [`end_of_stream`](Self::end_of_stream) (asynchat's `discard_buffers`). The
    /// terminator stays as it is, a count with the bytes it still expects, and so do
    /// the limit and the stream position.
    pub fn reset(&mut self) {
        // Only the fast-path switch outlives a reset.
        self.flags &= flag::SLOW;
        self.held.clear();
        self.header_len = 0;
        self.length_state = LengthState::Header;
        self.frame_len = 0;
        self.refuse_count_above_limit();
    }

    /// Turns the inline fast path of [`next_event`](Self::next_event) on (the default)
    /// or off. The events are the same either way; the tests run every case both
    /// ways to prove it. Not part of the stable API.
    #[doc(hidden)]
    pub fn set_fast_path(&mut self, on: bool) {
        if on {
            self.flags &= !flag::SLOW;
        } else {
            self.flags |= flag::SLOW;
        }
    }

    /// Whether the fast paths may run: no [`flag`] set and nothing held back.
    #[inline(always)]
    fn fast_paths_may_run(&self) -> bool {
        self.flags == 0
    }

    /// How many of the held bytes are not yet reported or consumed: the last
    /// ones of the held storage.
    #[inline(always)]
    fn held_len(&self) -> usize {
        self.flags / flag::HELD_BYTE
    }

    /// Where the unreported held bytes start in the held storage.
    fn held_start(&self) -> usize {
        self.held.len() - self.held_len()
    }

    /// Records that the last `len` bytes of the held storage are unreported.
    #[inline(always)]
    fn set_held_len(&mut self, len: usize) {
        self.flags = self.flags % flag::HELD_BYTE + len * flag::HELD_BYTE;
    }

    /// Whether the current frame may carry `more` data bytes on top of those it
    /// has: the frame limit's one test. The sum cannot overflow: the frame's
    /// length counts bytes already read, and `more` is bytes in hand (or a declared
    /// length, capped).
    #[inline(always)]
    fn fits(&self, more: u64) -> bool {
        self.frame_len + more <= self.max_frame_len
    }

    /// Starts skipping the current frame, of `kind`, to its end.
    fn skip(&mut self, kind: FrameKind) {
        self.flags |= flag::SKIPPING;
        self.skip_kind = kind;
    }

    /// Whether the caller said the stream ends after the input it gives.
    fn ending(&self) -> bool {
        self.flags & flag::ENDING != 0
    }
}

/// Where a count of `remaining` bytes ends in `available` bytes: how many of them
/// are its data, and whether its end (of no bytes) is among them.
#[inline(always)]
fn count_end(remaining: u64, available: usize) -> (usize, Option<usize>) {
    match usize::try_from(remaining) {
        Ok(remaining) if remaining <= available => (remaining, Some(0)),
        _ => (available, None),
    }
}

impl<const N: usize> Default for Framer<N> {
    /// A framer with [`Terminator::None`]: everything is data until a terminator is set.
    fn default() -> Self {
        Framer::with_terminator(Terminator::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes held back behind data know their place in the stream from the call
    /// that holds them back, with the fast path on and off: a whole-frame reader
    /// finds lent data by it.
    #[test]
    fn held_bytes_know_their_stream_position() {
        for fast_path in [true, false] {
            let mut framer = Framer::new(Terminator::literal(b"\r\n"));
            framer.set_fast_path(fast_path);
            let mut input: &[u8] = b"ab\r";
            assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
            assert_eq!(framer.held_back(), b"\r");
            let held = framer.held_back().as_ptr() as usize;
            assert_eq!(
                framer.lent_position(held),
                Some(2),
                "fast path: {fast_path}"
            );
        }
    }

    /// The hidden switch turns the fast paths off, and it outlives a skipped
    /// frame and a reset.
    #[test]
    fn fast_path_switch_outlives_a_skip_and_a_reset() {
        let mut framer = Framer::new(Terminator::literal(b"\r\n"));
        assert!(framer.fast_paths_may_run());
        framer.set_fast_path(false);
        assert!(!framer.fast_paths_may_run());
        framer.set_max_frame_len(Some(1));
        let mut input: &[u8] = b"xyz\r\n";
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
        assert!(matches!(
            framer.next_event(&mut input),
            Some(Event::TooLong(_))
        ));
        assert!(matches!(
            framer.next_event(&mut input),
            Some(Event::Discarded { .. })
        ));
        assert!(!framer.fast_paths_may_run());
        framer.reset();
        assert!(!framer.fast_paths_may_run());
        framer.set_fast_path(true);
        assert!(framer.fast_paths_may_run());
    }
}
