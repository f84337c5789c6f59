//! A whole-buffer, obviously correct framer, and the property that the real one
//! agrees with it however the input is split, with its fast path on and off, and
//! whether the end of the stream is announced before or after the last slice. Shared
//! by `tests/` and the fuzz target (which includes this file by path), so `cargo test`
//! runs the fuzzer's checks.

use asynchat::{
    ByteOrder, Decoded, Event, FrameKind, Framer, HeaderError, LengthPrefix, MalformedReason,
    Terminator,
};

/// Capacity used by the property checks: small, so long terminators hit the limit.
pub const CAP: usize = 8;

/// Frame ends after which the program stops changing anything, so every case ends.
pub const MAX_CHANGES: usize = 1000;

/// A terminator as plain data, so tests and fuzz inputs can hold any of them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Term {
    Bytes(Vec<u8>),
    AnyOf(Vec<Vec<u8>>),
    Count(u64),
    Prefixed(Prefix),
    None,
}

/// A length prefix as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Prefix {
    pub format: Format,
    pub offset: u8,
    pub adjust: i8,
    /// Header bytes left out of the data; `None` for all.
    pub strip: Option<u8>,
    pub trailer: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Format {
    Fixed {
        width: u8,
        big_endian: bool,
    },
    Varint,
    Netstring,
    /// Four ASCII hex digits, by a custom decoder.
    Hex4,
}

/// The custom decoder the model uses: four hex digits, as ADB writes its lengths.
pub fn hex4(header: &[u8]) -> Result<Decoded, HeaderError> {
    if let Some(at) = header.iter().take(4).position(|b| !b.is_ascii_hexdigit()) {
        let byte = header[at];
        return Err(HeaderError::UnexpectedByte {
            at: at as u16,
            byte,
        });
    }
    let Some(digits) = header.get(..4) else {
        return Ok(Decoded::Incomplete);
    };
    let text = std::str::from_utf8(digits).unwrap();
    Ok(Decoded::Header {
        len: 4,
        body_len: u64::from_str_radix(text, 16).unwrap(),
    })
}

impl Prefix {
    pub fn to_length_prefix(&self) -> Option<LengthPrefix> {
        let prefix = match self.format {
            Format::Fixed { width, big_endian } if (1..=8).contains(&width) => {
                let order = if big_endian {
                    ByteOrder::BigEndian
                } else {
                    ByteOrder::LittleEndian
                };
                LengthPrefix::fixed(width, order)
            }
            Format::Fixed { .. } => return None,
            Format::Varint => LengthPrefix::varint(),
            Format::Netstring => LengthPrefix::netstring(),
            Format::Hex4 => LengthPrefix::custom(hex4),
        };
        if self.trailer.len() > 4 {
            return None;
        }
        let mut prefix = prefix.offset(self.offset).adjust(self.adjust.into());
        if let Some(strip) = self.strip {
            prefix = prefix.strip(strip.into());
        }
        if self.format != Format::Netstring || !self.trailer.is_empty() {
            prefix = prefix.trailer(&self.trailer);
        }
        Some(prefix)
    }

    /// The trailer in force (a netstring's `,` unless another is set).
    fn trailer(&self) -> Vec<u8> {
        if self.format == Format::Netstring && self.trailer.is_empty() {
            b",".to_vec()
        } else {
            self.trailer.clone()
        }
    }

    /// The header at the start of `bytes`, read naively: `Ok(None)` if more bytes
    /// are needed, else its length and the declared body length.
    fn read_header(&self, bytes: &[u8]) -> Result<Option<(usize, u64)>, MalformedReason> {
        let offset = usize::from(self.offset);
        if bytes.len() < offset {
            return Ok(None);
        }
        let field = &bytes[offset..];
        let found = match self.format {
            Format::Fixed { width, big_endian } => {
                let width = usize::from(width);
                if field.len() < width {
                    return Ok(None);
                }
                let mut be = field[..width].to_vec();
                if !big_endian {
                    be.reverse();
                }
                let value = be.iter().fold(0u128, |v, &b| v * 256 + u128::from(b));
                (width, value)
            }
            Format::Varint => {
                let mut value = 0u128;
                let Some(last) = field.iter().position(|b| b & 0x80 == 0) else {
                    if field.len() >= 10 {
                        return Err(MalformedReason::VarintTooLong);
                    }
                    return Ok(None);
                };
                if last >= 10 {
                    return Err(MalformedReason::VarintTooLong);
                }
                for (i, b) in field[..=last].iter().enumerate() {
                    value += u128::from(b & 0x7f) << (7 * i);
                }
                if value > u128::from(u64::MAX) {
                    return Err(MalformedReason::VarintTooLong);
                }
                (last + 1, value)
            }
            Format::Netstring => {
                let digits = field.iter().take_while(|b| b.is_ascii_digit()).count();
                let value = field[..digits].iter().try_fold(0u128, |v, &b| {
                    let v = v * 10 + u128::from(b - b'0');
                    (v <= u128::from(u64::MAX)).then_some(v)
                });
                let leading_zero = digits > 1 && field[0] == b'0';
                match field.get(digits) {
                    _ if leading_zero => {
                        return Err(MalformedReason::NotANetstring { byte: field[1] })
                    }
                    _ if value.is_none() => return Err(MalformedReason::LengthOutOfRange),
                    Some(b':') if digits > 0 => (digits + 1, value.unwrap()),
                    Some(&byte) => return Err(MalformedReason::NotANetstring { byte }),
                    None => return Ok(None),
                }
            }
            Format::Hex4 => match hex4(field) {
                Ok(Decoded::Incomplete) => return Ok(None),
                Ok(Decoded::Header { len, body_len }) => (len, u128::from(body_len)),
                Err(error) => return Err(MalformedReason::Rejected(error)),
            },
        };
        let (len, value) = found;
        let body = value as i128 + i128::from(self.adjust);
        match u64::try_from(body) {
            Ok(body) if value <= u128::from(u64::MAX) => Ok(Some((offset + len, body))),
            _ => Err(MalformedReason::LengthOutOfRange),
        }
    }
}

impl Term {
    /// The framer's version, or `None` if the framer must refuse it.
    pub fn to_terminator(&self) -> Option<Terminator<CAP>> {
        Some(match self {
            Term::Bytes(bytes) => Terminator::bytes(bytes).ok()?,
            Term::AnyOf(list) => {
                let list: Vec<&[u8]> = list.iter().map(Vec::as_slice).collect();
                Terminator::any_of(&list).ok()?
            }
            Term::Count(n) => Terminator::Count(*n),
            Term::Prefixed(prefix) => Terminator::LengthPrefixed(prefix.to_length_prefix()?),
            Term::None => Terminator::None,
        })
    }

    /// The kind of frame it ends.
    pub fn kind(&self) -> FrameKind {
        match self {
            Term::Bytes(_) | Term::AnyOf(_) => FrameKind::Delimited,
            Term::Count(_) => FrameKind::Counted,
            Term::Prefixed(_) => FrameKind::LengthPrefixed,
            Term::None => FrameKind::Unterminated,
        }
    }
}

/// What the caller changes at a frame end ([`Ev::Terminator`] or [`Ev::Discarded`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub struct Change {
    /// The next terminator; `None` keeps the one in force.
    pub term: Option<Term>,
    /// The next limit: `None` keeps it, `Some(None)` removes it.
    pub max_frame_len: Option<Option<u64>>,
}

/// An event after merging adjacent data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Data(Vec<u8>),
    Terminator,
    TooLong {
        max_frame_len: u64,
        position: u64,
        kind: FrameKind,
    },
    Discarded {
        frame_len: u64,
        kind: FrameKind,
    },
    /// `Err((frame_len, missing, position))` for a truncated stream.
    End(Result<(), (u64, Option<u64>, u64)>),
    Malformed {
        position: u64,
        reason: MalformedReason,
    },
}

/// One framing scenario.
#[derive(Clone, Debug)]
pub struct Case {
    pub input: Vec<u8>,
    pub initial: Term,
    pub max_frame_len: Option<u64>,
    /// The count limit of a whole-frame reader: a larger count is refused as it is
    /// set. `None` for the framer itself, which refuses no count.
    pub max_count: Option<u64>,
    /// At the k-th frame end, apply `program[k % len]`. Empty: never change.
    pub program: Vec<Change>,
}

/// How the real framer is driven.
#[derive(Clone, Copy, Debug)]
pub struct Drive<'a> {
    /// Slice lengths, cycled; a 0 is an empty slice.
    pub slice_lens: &'a [usize],
    pub fast_path: bool,
    /// Announce the end before the last slice instead of after it.
    pub end_before_last: bool,
}

/// Appends `ev`, joining it to data just before it.
pub fn push(events: &mut Vec<Ev>, ev: Ev) {
    if let (Ev::Data(new), Some(Ev::Data(last))) = (&ev, events.last_mut()) {
        assert!(!new.is_empty(), "empty data event");
        last.extend_from_slice(new);
        return;
    }
    if let Ev::Data(new) = &ev {
        assert!(!new.is_empty(), "empty data event");
    }
    events.push(ev);
}

impl Case {
    fn change(&self, k: usize) -> Option<&Change> {
        // A program of `Count(0)`s would fire forever; stop changing after a while.
        if self.program.is_empty() || k >= MAX_CHANGES {
            return None;
        }
        Some(&self.program[k % self.program.len()])
    }

    fn valid(term: &Term) -> bool {
        term.to_terminator().is_some()
    }

    /// The reference: the whole stream at once, searched naively, the limit applied
    /// byte by byte to frames of unknown length; a count is bounded only by the
    /// count limit, checked before its first byte.
    pub fn reference(&self) -> Vec<Ev> {
        let input = &self.input[..];
        let mut events = Vec::new();
        let mut term = self.initial.clone();
        let mut max = self.max_frame_len;
        let mut pos = 0;
        let mut ends = 0;
        let mut frame_len: u64 = 0;
        let mut skipping = None;
        loop {
            let rest = &input[pos..];
            if let Term::Prefixed(prefix) = &term {
                match reference_prefixed(prefix, input, pos, max, &mut events) {
                    Prefixed::Frame { end, frame_len } => {
                        pos = end;
                        ends = self.frame_end(ends, &mut term, &mut max);
                        let _ = frame_len;
                        continue;
                    }
                    Prefixed::Malformed { at, frame_len: len } => {
                        pos = at;
                        frame_len = len;
                        term = Term::None;
                        continue;
                    }
                    Prefixed::End(end) => {
                        push(&mut events, Ev::End(end));
                        return events;
                    }
                }
            }
            if let (Term::Count(n), Some(max_count), None) = (&term, self.max_count, skipping) {
                if *n > max_count && frame_len == 0 {
                    push(
                        &mut events,
                        Ev::TooLong {
                            max_frame_len: max_count,
                            position: pos as u64,
                            kind: FrameKind::Counted,
                        },
                    );
                    skipping = Some(FrameKind::Counted);
                }
            }
            // The frame's data before its end, and the end's length if it is there.
            let (data_len, end_len) = match &term {
                Term::None => (rest.len(), None),
                Term::Count(n) if *n <= rest.len() as u64 => (*n as usize, Some(0)),
                Term::Count(_) => (rest.len(), None),
                Term::Bytes(t) => match rest.windows(t.len()).position(|w| w == &t[..]) {
                    Some(i) => (i, Some(t.len())),
                    // The stream ends here: a partial terminator is data.
                    None => (rest.len(), None),
                },
                // The first to complete; of those completing at one byte, the longest.
                Term::AnyOf(list) => (1..=rest.len())
                    .find_map(|end| {
                        list.iter()
                            .filter(|t| rest[..end].ends_with(t))
                            .map(Vec::len)
                            .max()
                            .map(|len| (end - len, Some(len)))
                    })
                    .unwrap_or((rest.len(), None)),
                Term::Prefixed(_) => unreachable!("handled above"),
            };
            // The first `max - frame_len` data bytes of a frame are reported; the
            // next one is too long, and the rest of the frame is skipped.
            if skipping.is_none() {
                let limit = match term {
                    Term::Count(_) => None,
                    _ => max,
                };
                let allowed = match limit {
                    Some(max) => max.saturating_sub(frame_len).min(data_len as u64) as usize,
                    None => data_len,
                };
                if allowed > 0 {
                    push(&mut events, Ev::Data(rest[..allowed].to_vec()));
                }
                if allowed < data_len {
                    push(
                        &mut events,
                        Ev::TooLong {
                            max_frame_len: limit.unwrap(),
                            position: (pos + allowed) as u64,
                            kind: term.kind(),
                        },
                    );
                    skipping = Some(term.kind());
                }
            }
            frame_len += data_len as u64;
            pos += data_len;
            if let Term::Count(n) = &mut term {
                *n -= data_len as u64;
            }
            let Some(end_len) = end_len else { break };
            pos += end_len;
            if let Term::Count(_) = term {
                term = Term::None;
            }
            match skipping.take() {
                Some(kind) => push(&mut events, Ev::Discarded { frame_len, kind }),
                None => push(&mut events, Ev::Terminator),
            }
            frame_len = 0;
            ends = self.frame_end(ends, &mut term, &mut max);
        }
        let end = match term {
            Term::None => Ok(()),
            Term::Count(0) => Ok(()),
            Term::Count(n) => Err((frame_len, Some(n), pos as u64)),
            Term::Bytes(_) | Term::AnyOf(_) if frame_len == 0 => Ok(()),
            Term::Bytes(_) | Term::AnyOf(_) => Err((frame_len, None, pos as u64)),
            Term::Prefixed(_) => unreachable!("handled above"),
        };
        push(&mut events, Ev::End(end));
        events
    }

    /// Applies the change for the `ends`-th frame end; returns the next count.
    fn frame_end(&self, ends: usize, term: &mut Term, max: &mut Option<u64>) -> usize {
        if let Some(change) = self.change(ends) {
            if let Some(next) = change.term.as_ref().filter(|t| Self::valid(t)) {
                *term = next.clone();
            }
            if let Some(next) = change.max_frame_len {
                *max = next;
            }
        }
        ends + 1
    }

    /// The real framer, fed the input in slices as `drive` says. Checks the
    /// framer's invariants along the way.
    pub fn run(&self, drive: Drive<'_>) -> Vec<Ev> {
        let initial = self
            .initial
            .to_terminator()
            .expect("initial terminator must be valid");
        let mut framer = Framer::<CAP>::with_terminator(initial);
        framer.set_max_frame_len(self.max_frame_len);
        framer.set_fast_path(drive.fast_path);
        let mut events = Vec::new();
        let mut ends = 0;
        let slices = slices(&self.input, drive.slice_lens);
        let mut ended = false;
        for (i, mut input) in slices.iter().copied().enumerate() {
            let last = i + 1 == slices.len();
            if !ended && (last || (drive.end_before_last && i + 2 == slices.len())) {
                framer.end_of_stream();
            }
            while let Some(event) = framer.next_event(&mut input) {
                assert!(!ended, "an event after End");
                match event {
                    Event::Data(bytes) => push(&mut events, Ev::Data(bytes.to_vec())),
                    Event::TooLong(too_long) => {
                        assert!(framer.is_skipping());
                        push(
                            &mut events,
                            Ev::TooLong {
                                max_frame_len: too_long.max_frame_len,
                                position: too_long.position,
                                kind: too_long.kind,
                            },
                        );
                    }
                    Event::Terminator | Event::Discarded { .. } => {
                        let ev = match event {
                            Event::Discarded { frame_len, kind } => {
                                Ev::Discarded { frame_len, kind }
                            }
                            _ => Ev::Terminator,
                        };
                        if let (Ev::Terminator, Terminator::AnyOf(delimiters)) =
                            (&ev, framer.terminator())
                        {
                            // The delimiter said to have ended the frame is the one
                            // just consumed, at its first place in the list.
                            let end = framer.position() as usize;
                            let matched = framer.matched_delimiter();
                            let string = delimiters.get(matched).expect("a delimiter index");
                            assert!(self.input[..end].ends_with(string), "matched {matched}");
                            let first = delimiters.iter().position(|d| d == string);
                            assert_eq!(first, Some(matched), "not the first of equal strings");
                        }
                        push(&mut events, ev);
                        assert!(!framer.is_skipping());
                        assert_eq!(framer.frame_len(), 0);
                        if let Some(change) = self.change(ends) {
                            if let Some(next) = change.term.as_ref().and_then(Term::to_terminator) {
                                framer.set_terminator(next);
                            }
                            if let Some(next) = change.max_frame_len {
                                framer.set_max_frame_len(next);
                            }
                        }
                        ends += 1;
                    }
                    Event::Malformed(malformed) => {
                        assert_eq!(framer.terminator(), &Terminator::None);
                        push(
                            &mut events,
                            Ev::Malformed {
                                position: malformed.position,
                                reason: malformed.reason,
                            },
                        );
                    }
                    Event::End(end) => {
                        ended = true;
                        assert_eq!(framer.position(), self.input.len() as u64);
                        assert_eq!(framer.held_back(), b"");
                        push(
                            &mut events,
                            Ev::End(end.map_err(|t| (t.frame_len, t.missing, t.position))),
                        );
                    }
                }
                // Only frames of unknown length are limited; the last bytes of a
                // count leave `None` in force until its frame end.
                let delimited = matches!(
                    framer.terminator(),
                    Terminator::Bytes(_) | Terminator::AnyOf(_)
                );
                if !framer.is_skipping() && delimited {
                    if let Some(max) = framer.max_frame_len() {
                        assert!(framer.frame_len() <= max, "frame grew past the limit");
                    }
                }
            }
            assert!(
                input.is_empty(),
                "next_event returned None before the end of its input"
            );
            assert!(
                framer.held_back().len() < CAP,
                "held back {} bytes",
                framer.held_back().len()
            );
        }
        assert!(ended, "no End after end_of_stream");
        events
    }

    /// The property: every way of driving the framer over this split gives the
    /// reference's events.
    pub fn check(&self, slice_lens: &[usize]) {
        if !Self::valid(&self.initial) {
            return;
        }
        let expected = self.reference();
        for fast_path in [true, false] {
            for end_before_last in [false, true] {
                let drive = Drive {
                    slice_lens,
                    fast_path,
                    end_before_last,
                };
                let got = self.run(drive);
                assert_eq!(got, expected, "case {self:?}, {drive:?}");
            }
        }
    }
}

/// Cuts `input` into slices of the given lengths, cycling through them; a zero-length
/// entry yields an empty slice, and one more empty slice comes last. An empty or
/// all-zero `lens` means one slice.
pub fn slices<'a>(input: &'a [u8], lens: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    if lens.iter().all(|&l| l == 0) {
        out.push(rest);
    } else {
        for &len in lens.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at(len.min(rest.len()));
            out.push(head);
            rest = tail;
        }
    }
    out.push(&[]);
    out
}

/// How a length-prefixed frame ended in the reference.
enum Prefixed {
    /// Its end (the byte after its trailer) was reached and reported.
    Frame { end: usize, frame_len: u64 },
    /// Its header or trailer was bad at `at`: from there on, no terminator.
    Malformed { at: usize, frame_len: u64 },
    /// The stream ended at a frame boundary or inside the frame.
    End(Result<(), (u64, Option<u64>, u64)>),
}

/// One length-prefixed frame from `pos`, read from the whole stream at once; its
/// events go into `events`.
fn reference_prefixed(
    prefix: &Prefix,
    input: &[u8],
    pos: usize,
    max: Option<u64>,
    events: &mut Vec<Ev>,
) -> Prefixed {
    let rest = &input[pos..];
    if rest.is_empty() {
        return Prefixed::End(Ok(()));
    }
    // The framer sees at most its capacity of header bytes.
    let seen = &rest[..rest.len().min(CAP)];
    let malformed = |events: &mut Vec<Ev>, position: usize, reason| {
        push(
            events,
            Ev::Malformed {
                position: position as u64,
                reason,
            },
        );
    };
    let (header_len, body_len) = match prefix.read_header(seen) {
        Err(reason) => {
            malformed(events, pos, reason);
            return Prefixed::Malformed {
                at: pos,
                frame_len: 0,
            };
        }
        Ok(None) if seen.len() == CAP => {
            malformed(
                events,
                pos,
                MalformedReason::HeaderTooLong {
                    capacity: CAP as u32,
                },
            );
            return Prefixed::Malformed {
                at: pos,
                frame_len: 0,
            };
        }
        Ok(None) => {
            // Cut off by the end of the stream: the partial header is data.
            push(events, Ev::Data(rest.to_vec()));
            let end = Err((rest.len() as u64, None, input.len() as u64));
            return Prefixed::End(end);
        }
        Ok(Some(found)) => found,
    };
    let strip = prefix.strip.map_or(header_len, usize::from).min(header_len);
    let kept = &rest[strip..header_len];
    // Saturating, as the framer: a declared length near `u64::MAX` never arrives.
    let total = (kept.len() as u64).saturating_add(body_len);
    let skipping = max.is_some_and(|max| total > max);
    if skipping {
        push(
            events,
            Ev::TooLong {
                max_frame_len: max.unwrap(),
                position: pos as u64,
                kind: FrameKind::LengthPrefixed,
            },
        );
    } else if !kept.is_empty() {
        push(events, Ev::Data(kept.to_vec()));
    }
    let body_start = header_len;
    let body_avail = (rest.len() - body_start) as u64;
    let trailer = prefix.trailer();
    if body_avail < body_len {
        if !skipping && body_avail > 0 {
            push(events, Ev::Data(rest[body_start..].to_vec()));
        }
        let frame_len = kept.len() as u64 + body_avail;
        let missing = (body_len - body_avail).saturating_add(trailer.len() as u64);
        return Prefixed::End(Err((frame_len, Some(missing), input.len() as u64)));
    }
    let body_end = body_start + body_len as usize;
    if !skipping && body_len > 0 {
        push(events, Ev::Data(rest[body_start..body_end].to_vec()));
    }
    for (k, &expected) in trailer.iter().enumerate() {
        match rest.get(body_end + k) {
            None => {
                let missing = (trailer.len() - k) as u64;
                return Prefixed::End(Err((total, Some(missing), input.len() as u64)));
            }
            Some(&found) if found != expected => {
                let at = pos + body_end + k;
                malformed(events, at, MalformedReason::BadTrailer { expected, found });
                return Prefixed::Malformed {
                    at,
                    frame_len: total,
                };
            }
            Some(_) => {}
        }
    }
    if skipping {
        push(
            events,
            Ev::Discarded {
                frame_len: total,
                kind: FrameKind::LengthPrefixed,
            },
        );
    } else {
        push(events, Ev::Terminator);
    }
    Prefixed::Frame {
        end: pos + body_end + trailer.len(),
        frame_len: total,
    }
}
