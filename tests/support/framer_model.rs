//! A whole-buffer, obviously correct framer, and the property that the real one
//! agrees with it however the input is split. Shared by `tests/` and the fuzz target
//! (which includes this file by path), so `cargo test` runs the fuzzer's checks.

use asynchat::{BoundedFramer, Event, Framer, Terminator};

/// Capacity used by the property checks: small, so long terminators hit the limit.
pub const CAP: usize = 8;

/// Terminator changes after which the program stops, so every case ends.
pub const MAX_CHANGES: usize = 1000;

/// A terminator as plain data, so tests and fuzz inputs can hold any of them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Term {
    Bytes(Vec<u8>),
    Count(u64),
    None,
}

impl Term {
    /// The framer's version, or `None` if the framer must refuse it.
    pub fn to_terminator(&self) -> Option<Terminator<CAP>> {
        Some(match self {
            Term::Bytes(bytes) => Terminator::bytes(bytes).ok()?,
            Term::Count(n) => Terminator::Count(*n),
            Term::None => Terminator::None,
        })
    }
}

/// An event after merging adjacent data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Data(Vec<u8>),
    Terminator,
    TooLong,
}

/// One framing scenario.
#[derive(Clone, Debug)]
pub struct Case {
    pub input: Vec<u8>,
    pub initial: Term,
    /// At the k-th reported terminator, switch to `program[k % len]`; `None` keeps
    /// the terminator in force. Empty: never change.
    pub program: Vec<Option<Term>>,
    pub max_frame_len: Option<u64>,
}

/// What a framer reported for a whole stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Ev>,
    pub truncated: bool,
}

fn push(events: &mut Vec<Ev>, ev: Ev) {
    if let (Ev::Data(new), Some(Ev::Data(last))) = (&ev, events.last_mut()) {
        assert!(!new.is_empty(), "empty data event");
        last.extend_from_slice(new);
        return;
    }
    events.push(ev);
}

impl Case {
    fn next_term(&self, k: usize) -> Option<&Term> {
        // A program of `Count(0)`s would fire forever; stop changing after a while.
        if self.program.is_empty() || k >= MAX_CHANGES {
            return None;
        }
        self.program[k % self.program.len()].as_ref()
    }

    fn valid(term: &Term) -> bool {
        term.to_terminator().is_some()
    }

    /// The reference: the whole input at once, searched naively.
    pub fn reference(&self) -> Outcome {
        let input = &self.input[..];
        let mut events = Vec::new();
        let mut term = self.initial.clone();
        let mut pos = 0;
        let mut reported = 0;
        let mut frame_len: u64 = 0;
        let mut skipping = false;
        let mut frame_start = 0;
        let max = self.max_frame_len.unwrap_or(u64::MAX);
        // Data goes through the limit: the first `max` bytes of a frame, then TooLong.
        let data =
            |events: &mut Vec<Ev>, bytes: &[u8], frame_len: &mut u64, skipping: &mut bool| {
                if *skipping || bytes.is_empty() {
                    return;
                }
                let allowed = (max - *frame_len).min(bytes.len() as u64) as usize;
                if allowed > 0 {
                    push(events, Ev::Data(bytes[..allowed].to_vec()));
                }
                *frame_len += allowed as u64;
                if allowed < bytes.len() {
                    push(events, Ev::TooLong);
                    *skipping = true;
                }
            };
        loop {
            let fired = match &mut term {
                Term::None => {
                    data(&mut events, &input[pos..], &mut frame_len, &mut skipping);
                    pos = input.len();
                    false
                }
                Term::Count(n) => {
                    let take = (*n).min((input.len() - pos) as u64) as usize;
                    data(
                        &mut events,
                        &input[pos..pos + take],
                        &mut frame_len,
                        &mut skipping,
                    );
                    pos += take;
                    *n -= take as u64;
                    if *n == 0 {
                        term = Term::None;
                        true
                    } else {
                        false
                    }
                }
                Term::Bytes(t) => {
                    let t = t.clone();
                    match input[pos..].windows(t.len()).position(|w| w == &t[..]) {
                        Some(i) => {
                            data(
                                &mut events,
                                &input[pos..pos + i],
                                &mut frame_len,
                                &mut skipping,
                            );
                            pos += i + t.len();
                            true
                        }
                        None => {
                            // The end of the stream: the longest proper prefix of the
                            // terminator at the end is the tail `finish` returns, which
                            // a bounded framer cuts at the limit without a TooLong.
                            let rest = &input[pos..];
                            let tail = (1..t.len().min(rest.len() + 1))
                                .rev()
                                .find(|&k| rest[rest.len() - k..] == t[..k])
                                .unwrap_or(0);
                            let (body, tail) = rest.split_at(rest.len() - tail);
                            data(&mut events, body, &mut frame_len, &mut skipping);
                            if !skipping {
                                let allowed = (max - frame_len).min(tail.len() as u64) as usize;
                                if allowed > 0 {
                                    push(&mut events, Ev::Data(tail[..allowed].to_vec()));
                                }
                            }
                            pos = input.len();
                            false
                        }
                    }
                }
            };
            if !fired {
                break;
            }
            frame_len = 0;
            frame_start = pos;
            if skipping {
                skipping = false;
                continue;
            }
            push(&mut events, Ev::Terminator);
            if let Some(next) = self.next_term(reported) {
                if Self::valid(next) {
                    term = next.clone();
                }
            }
            reported += 1;
        }
        let truncated = skipping
            || match term {
                Term::None => false,
                Term::Count(n) => n > 0,
                Term::Bytes(_) => input.len() > frame_start,
            };
        Outcome { events, truncated }
    }

    /// The real framer, fed the input in slices of the given lengths (cycled; a 0
    /// is an empty slice). Checks the framer's invariants along the way.
    pub fn run(&self, slice_lens: &[usize]) -> Outcome {
        let initial = self
            .initial
            .to_terminator()
            .expect("initial terminator must be valid");
        let mut events = Vec::new();
        let mut reported = 0;
        let slices = slices(&self.input, slice_lens);
        match self.max_frame_len {
            None => {
                let mut framer = Framer::<CAP>::with_capacity(initial);
                for mut input in slices.iter().copied() {
                    while let Some(event) = framer.next_event(&mut input) {
                        match event {
                            Event::Data(bytes) => push(&mut events, Ev::Data(bytes.to_vec())),
                            Event::Terminator => {
                                push(&mut events, Ev::Terminator);
                                if let Some(next) =
                                    self.next_term(reported).and_then(Term::to_terminator)
                                {
                                    framer.set_terminator(next);
                                }
                                reported += 1;
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
                assert_eq!(framer.position(), self.input.len() as u64);
                let finish = framer.finish();
                if !finish.tail.is_empty() {
                    push(&mut events, Ev::Data(finish.tail.to_vec()));
                }
                Outcome {
                    events,
                    truncated: finish.end.is_err(),
                }
            }
            Some(max) => {
                let mut framer = BoundedFramer::<CAP>::with_capacity(initial, max);
                for mut input in slices.iter().copied() {
                    loop {
                        match framer.next_event(&mut input) {
                            Ok(Some(Event::Data(bytes))) => {
                                push(&mut events, Ev::Data(bytes.to_vec()))
                            }
                            Ok(Some(Event::Terminator)) => {
                                push(&mut events, Ev::Terminator);
                                if let Some(next) =
                                    self.next_term(reported).and_then(Term::to_terminator)
                                {
                                    framer.set_terminator(next);
                                }
                                reported += 1;
                            }
                            Ok(None) => break,
                            Err(too_long) => {
                                assert_eq!(too_long.max_frame_len, max);
                                push(&mut events, Ev::TooLong);
                            }
                        }
                        assert!(
                            framer.framer().frame_len() <= max,
                            "frame grew past the limit"
                        );
                    }
                    assert!(input.is_empty());
                }
                let finish = framer.finish();
                if !finish.tail.is_empty() {
                    push(&mut events, Ev::Data(finish.tail.to_vec()));
                }
                Outcome {
                    events,
                    truncated: finish.end.is_err(),
                }
            }
        }
    }

    /// The property: every split gives the reference's outcome.
    pub fn check(&self, slice_lens: &[usize]) {
        if !Self::valid(&self.initial) {
            return;
        }
        let expected = self.reference();
        let got = self.run(slice_lens);
        assert_eq!(got, expected, "case {self:?}, slices {slice_lens:?}");
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
