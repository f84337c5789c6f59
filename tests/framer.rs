//! The Framer's rules as exact event sequences, each also checked with the input
//! split at every point, and split invariance against a reference framer.

mod support;

use asynchat::{BoundedFramer, Event, FrameTooLong, Framer, Terminator, Truncated};
use support::framer_model::{slices, Case, Ev, Term};
use support::rng::Rng;

/// Feeds `input` whole and returns the exact events, then the tail and end.
fn whole(term: Terminator, input: &[u8]) -> (Vec<Ev>, Vec<u8>, Result<(), Truncated>) {
    let mut framer = Framer::new(term);
    let mut rest = input;
    let mut events = Vec::new();
    while let Some(event) = framer.next_event(&mut rest) {
        events.push(match event {
            Event::Data(bytes) => {
                assert!(!bytes.is_empty(), "empty data event");
                Ev::Data(bytes.to_vec())
            }
            Event::Terminator => Ev::Terminator,
        });
    }
    assert!(rest.is_empty());
    let finish = framer.finish();
    (events, finish.tail.to_vec(), finish.end)
}

/// Every way to cut `input` in up to three pieces, plus one byte at a time with empty
/// slices between, must give the whole feed's events once adjacent data is merged.
fn assert_split_invariant(term: &Term, input: &[u8]) {
    let case = Case {
        input: input.to_vec(),
        initial: term.clone(),
        program: vec![],
        max_frame_len: None,
    };
    let expected = case.reference();
    let n = input.len();
    let mut splits = vec![vec![1], vec![1, 0], vec![0, 1]];
    for a in 0..=n {
        for b in 0..=n - a {
            splits.push(vec![a, b, n]);
        }
    }
    for lens in splits {
        assert_eq!(case.run(&lens), expected, "input {input:?} split {lens:?}");
    }
}

fn d(bytes: &[u8]) -> Ev {
    Ev::Data(bytes.to_vec())
}
const T: Ev = Ev::Terminator;

/// `frames!(name: terminator, input => [exact events], tail, end)`, with `end` one of
/// `ok` or `truncated`.
macro_rules! frames {
    ($name:ident: $term:expr, $input:expr => [$($ev:expr),* $(,)?], $tail:expr, $end:ident) => {
        #[test]
        fn $name() {
            let term: Term = $term;
            let (events, tail, end) = whole(term.to_terminator64(), $input);
            assert_eq!(events, vec![$($ev),*], "events");
            assert_eq!(tail, $tail.to_vec(), "tail");
            assert_eq!(end.is_ok(), frames!(@end $end), "end: {end:?}");
            assert_split_invariant(&term, $input);
        }
    };
    (@end ok) => { true };
    (@end truncated) => { false };
}

trait To64 {
    fn to_terminator64(&self) -> Terminator;
}
impl To64 for Term {
    fn to_terminator64(&self) -> Terminator {
        match self {
            Term::Bytes(b) => Terminator::bytes(b).unwrap(),
            Term::Count(n) => Terminator::Count(*n),
            Term::None => Terminator::None,
        }
    }
}

fn bytes(b: &[u8]) -> Term {
    Term::Bytes(b.to_vec())
}

frames!(crlf_lines: bytes(b"\r\n"), b"ab\r\ncd\r\n" => [d(b"ab"), T, d(b"cd"), T], b"", ok);
frames!(terminator_bytes_are_not_data: bytes(b"\n"), b"\n" => [T], b"", ok);
frames!(two_terminators_are_an_empty_message: bytes(b"\r\n"), b"\r\n\r\nx" => [T, T, d(b"x")], b"", truncated);
frames!(leftmost_non_overlapping: bytes(b"aa"), b"aaa" => [T], b"a", truncated);
frames!(leftmost_non_overlapping_then_data: bytes(b"aa"), b"aaab" => [T, d(b"ab")], b"", truncated);
frames!(leftmost_non_overlapping_even: bytes(b"aa"), b"aaaa" => [T, T], b"", ok);
frames!(self_overlapping_match: bytes(b"abab"), b"xabababy" => [d(b"x"), T, d(b"aby")], b"", truncated);
frames!(longest_prefix_held_back: bytes(b"aaab"), b"xaaa" => [d(b"x")], b"aaa", truncated);
frames!(held_back_then_not_a_terminator: bytes(b"\r\n"), b"a\r" => [d(b"a")], b"\r", truncated);
frames!(carriage_return_without_newline_is_data: bytes(b"\r\n"), b"a\rb\r\n" => [d(b"a\rb"), T], b"", ok);
frames!(smtp_end_of_data: bytes(b"\r\n.\r\n"), b"l1\r\nl2\r\n.\r\nQUIT" => [d(b"l1\r\nl2"), T, d(b"QUIT")], b"", truncated);
frames!(count_bytes_are_data: Term::Count(3), b"abcd" => [d(b"abc"), T, d(b"d")], b"", ok);
frames!(count_then_none: Term::Count(2), b"ab" => [d(b"ab"), T], b"", ok);
frames!(count_zero_fires_at_once: Term::Count(0), b"xy" => [T, d(b"xy")], b"", ok);
frames!(count_zero_fires_on_empty_input: Term::Count(0), b"" => [T], b"", ok);
frames!(count_short_is_truncated: Term::Count(5), b"abc" => [d(b"abc")], b"", truncated);
frames!(none_is_all_data: Term::None, b"a\r\nb" => [d(b"a\r\nb")], b"", ok);
frames!(empty_input: bytes(b"\n"), b"" => [], b"", ok);

#[test]
fn held_bytes_come_out_before_later_input() {
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    let mut input: &[u8] = b"ab\r";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(framer.held_back(), b"\r");
    let mut input: &[u8] = b"x\r\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"\r")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None);
}

#[test]
fn match_starting_inside_held_bytes() {
    // "aaab" after "xaaa" holds "aaa"; then "ab" completes a match one byte in.
    let mut framer = Framer::new(Terminator::literal(b"aaab"));
    let mut input: &[u8] = b"xaaa";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), None);
    let mut input: &[u8] = b"ab";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None);
    assert!(framer.finish().end.is_ok());
}

/// The seed's demo: `ECHO 166\n` then 166 bytes, with the switch from `\n` to a count
/// made inside one read.
#[test]
fn echo_switches_terminator_within_one_slice() {
    let message = [b'm'; 166];
    let mut stream = b"ECHO 166\n".to_vec();
    stream.extend_from_slice(&message);
    stream.extend_from_slice(b"ECHO 0\nECHO 1\nz");
    let expected = vec![
        d(b"ECHO 166"),
        T,
        d(&message),
        T,
        d(b"ECHO 0"),
        T,
        T,
        d(b"ECHO 1"),
        T,
        d(b"z"),
        T,
    ];
    for lens in [vec![], vec![1], vec![7, 0, 64], vec![9, 166], vec![4096]] {
        let mut framer = Framer::new(Terminator::literal(b"\n"));
        let mut events: Vec<Ev> = Vec::new();
        let mut message = Vec::new();
        for mut input in slices(&stream, &lens) {
            while let Some(event) = framer.next_event(&mut input) {
                match event {
                    Event::Data(bytes) => {
                        message.extend_from_slice(bytes);
                        match events.last_mut() {
                            Some(Ev::Data(last)) => last.extend_from_slice(bytes),
                            _ => events.push(d(bytes)),
                        }
                    }
                    Event::Terminator => {
                        events.push(T);
                        let next = match message.strip_prefix(b"ECHO ") {
                            Some(len) => Terminator::Count(
                                std::str::from_utf8(len).unwrap().parse().unwrap(),
                            ),
                            None => Terminator::literal(b"\n"),
                        };
                        framer.set_terminator(next);
                        message.clear();
                    }
                }
            }
        }
        assert_eq!(events, expected, "slices {lens:?}");
        assert!(framer.finish().end.is_ok());
    }
}

#[test]
fn remaining_count_reads_back() {
    let mut framer = Framer::new(Terminator::Count(10));
    let mut input: &[u8] = b"abcd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abcd")));
    assert_eq!(framer.terminator(), &Terminator::Count(6));
    assert_eq!(framer.next_event(&mut input), None);
    let finish = framer.finish();
    assert_eq!(
        finish.end,
        Err(Truncated {
            frame_len: 4,
            missing: Some(6),
            position: 4
        })
    );
    assert_eq!(
        finish.end.unwrap_err().to_string(),
        "stream ended at byte 4 inside a frame of 4 bytes (6 more bytes were expected)"
    );
}

#[test]
fn count_becomes_none_after_firing() {
    let mut framer = Framer::new(Terminator::Count(1));
    let mut input: &[u8] = b"ab";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.terminator(), &Terminator::None);
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"b")));
}

#[test]
fn terminator_change_rescans_held_bytes() {
    // "ab" is held back under "abc"; switching to "b" finds it inside them.
    let mut framer = Framer::new(Terminator::literal(b"abc"));
    let mut input: &[u8] = b"xab";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), None);
    framer.set_terminator(Terminator::literal(b"b"));
    let mut input: &[u8] = b"";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None);
    // And held bytes under a new count are counted data.
    let mut framer = Framer::new(Terminator::literal(b"abc"));
    let mut input: &[u8] = b"ab";
    assert_eq!(framer.next_event(&mut input), None);
    framer.set_terminator(Terminator::Count(3));
    let mut input: &[u8] = b"cd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"c")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"d")));
}

#[test]
fn position_and_reset() {
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    let mut input: &[u8] = b"abc\r\nde\r";
    while framer.next_event(&mut input).is_some() {}
    assert_eq!(framer.position(), 8);
    assert_eq!(framer.frame_len(), 2);
    assert_eq!(framer.held_back(), b"\r");
    framer.reset();
    assert_eq!(framer.held_back(), b"");
    assert_eq!(framer.frame_len(), 0);
    assert_eq!(framer.position(), 8);
    let mut input: &[u8] = b"\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"\n")));
}

/// asynchat finds the terminator before it calls `collect_incoming_data`: a change
/// made on the data event applies from the next frame, and the terminator's bytes are
/// already consumed. Python 3.11's asynchat, changing to `;` on `ab`, gives exactly
/// these events.
#[test]
fn terminator_found_before_its_data_is_reported() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut input: &[u8] = b"ab\ncd;ef\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    assert_eq!(input, b"cd;ef\n");
    assert_eq!(framer.position(), 3);
    assert_eq!(framer.frame_len(), 2);
    framer.set_terminator(Terminator::literal(b";"));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.frame_len(), 0);
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ef\n")));
    assert_eq!(framer.next_event(&mut input), None);
}

/// The terminator ending held-back data may lie in the held bytes and the input.
#[test]
fn terminator_found_across_held_bytes_and_input() {
    let mut framer = Framer::new(Terminator::literal(b"abc"));
    let mut input: &[u8] = b"xab";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(framer.held_back(), b"ab");
    // Under "bab", the held "ab" is data, then "bab" spans held "b" and input "ab".
    framer.set_terminator(Terminator::literal(b"bab"));
    let mut input: &[u8] = b"ab!";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert_eq!(input, b"!");
    assert_eq!(framer.held_back(), b"");
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"!")));
}

/// `finish` before the pending `Terminator` event was taken: that frame is complete.
#[test]
fn finish_between_data_and_its_terminator() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut input: &[u8] = b"ab\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    let finish = framer.finish();
    assert_eq!((finish.tail, finish.end), (&b""[..], Ok(())));
    let mut input: &[u8] = b"cd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd")));
    framer.reset();
    let mut input: &[u8] = b"\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
}

#[test]
fn finish_returns_tail_and_resets() {
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    let mut input: &[u8] = b"\r";
    assert_eq!(framer.next_event(&mut input), None);
    let finish = framer.finish();
    assert_eq!(finish.tail, b"\r");
    assert!(finish.end.is_err());
    let finish = framer.finish();
    assert_eq!(finish.tail, b"");
    assert_eq!(finish.end, Ok(()));
}

#[test]
fn bounded_reports_once_and_resumes() {
    let mut framer = BoundedFramer::new(Terminator::literal(b"\n"), 3);
    let mut input: &[u8] = b"abc\nabcdef\nxy\n";
    assert_eq!(framer.next_event(&mut input), Ok(Some(Event::Data(b"abc"))));
    assert_eq!(framer.next_event(&mut input), Ok(Some(Event::Terminator)));
    assert_eq!(framer.next_event(&mut input), Ok(Some(Event::Data(b"abc"))));
    assert_eq!(
        framer.next_event(&mut input),
        Err(FrameTooLong {
            max_frame_len: 3,
            position: 7
        })
    );
    assert!(framer.is_skipping());
    assert_eq!(framer.next_event(&mut input), Ok(Some(Event::Data(b"xy"))));
    assert_eq!(framer.next_event(&mut input), Ok(Some(Event::Terminator)));
    assert_eq!(framer.next_event(&mut input), Ok(None));
    assert_eq!(
        FrameTooLong {
            max_frame_len: 3,
            position: 7
        }
        .to_string(),
        "frame longer than 3 bytes at byte 7; skipping to the next terminator"
    );
}

#[test]
fn bounded_frame_of_exactly_max_with_split_terminator() {
    for lens in [vec![1], vec![4, 1], vec![3, 1, 1], vec![5]] {
        let case = Case {
            input: b"abc\r\nabcd\r\n".to_vec(),
            initial: bytes(b"\r\n"),
            program: vec![],
            max_frame_len: Some(3),
        };
        let got = case.run(&lens);
        assert_eq!(
            got.events,
            vec![d(b"abc"), T, d(b"abc"), Ev::TooLong],
            "{lens:?}"
        );
        assert!(!got.truncated);
    }
}

/// Terminators chosen to stress the search: self-overlapping, multi-byte, counts.
fn terms() -> Vec<Term> {
    vec![
        bytes(b"a"),
        bytes(b"aa"),
        bytes(b"abab"),
        bytes(b"aaab"),
        bytes(b"\r\n"),
        bytes(b"\r\n.\r\n"),
        bytes(b"abcdefgh"),
        Term::Count(0),
        Term::Count(1),
        Term::Count(5),
        Term::None,
    ]
}

fn random_input(rng: &mut Rng, len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"aab\r\n.x";
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

#[test]
fn split_invariance_against_reference() {
    let mut rng = Rng::new(0x5eed);
    let rounds = if cfg!(miri) { 20 } else { 3000 };
    let terms = terms();
    for _ in 0..rounds {
        let len = rng.below(80);
        let input = random_input(&mut rng, len);
        let program: Vec<Option<Term>> = (0..rng.below(4))
            .map(|_| (rng.below(4) > 0).then(|| terms[rng.below(terms.len())].clone()))
            .collect();
        let case = Case {
            input,
            initial: terms[rng.below(terms.len())].clone(),
            program,
            max_frame_len: (rng.below(3) == 0).then(|| rng.below(8) as u64),
        };
        // Short slices, and slices longer than the framer's short-input path, which
        // then searches with memchr, also right after bytes it held back.
        let lens: Vec<usize> = (0..1 + rng.below(4))
            .map(|_| match rng.below(3) {
                0 => 17 + rng.below(24),
                _ => rng.below(6),
            })
            .collect();
        case.check(&lens);
        case.check(&[1 + rng.below(4), 20]);
        case.check(&[1]);
        case.check(&[]);
    }
}

#[test]
fn every_split_point_of_small_inputs() {
    for term in terms() {
        for input in [
            &b"aaab\r\n.\r\naaaab"[..],
            b"ababab\r\r\n",
            b"a\r\n.\r\n\r\n.\r",
        ] {
            assert_split_invariant(&term, input);
        }
    }
}

#[test]
fn rejects_bad_terminators() {
    use asynchat::TerminatorError;
    assert_eq!(Terminator::<64>::bytes(b""), Err(TerminatorError::Empty));
    let long = [b'x'; 65];
    assert_eq!(
        Terminator::<64>::bytes(&long),
        Err(TerminatorError::TooLong {
            len: 65,
            capacity: 64
        })
    );
    assert_eq!(
        TerminatorError::TooLong {
            len: 65,
            capacity: 64
        }
        .to_string(),
        "terminator of 65 bytes is longer than the framer's capacity of 64 bytes"
    );
    // A bigger capacity takes longer terminators.
    assert!(Terminator::<128>::bytes(&long).is_ok());
}

#[test]
fn size_is_a_compile_time_constant() {
    // Two copies of the capacity (terminator, held-back bytes) and a few words.
    assert!(
        std::mem::size_of::<Framer>() <= 2 * 64 + 64,
        "{}",
        std::mem::size_of::<Framer>()
    );
}

#[test]
fn hundred_megabytes_without_terminator_store_nothing() {
    let chunk = vec![b'a'; 1 << 20];
    let mut framer = Framer::new(Terminator::literal(b"aaab"));
    let mut data = 0u64;
    let rounds = if cfg!(miri) { 1 } else { 100 };
    for _ in 0..rounds {
        let mut input = &chunk[..];
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(bytes) => data += bytes.len() as u64,
                Event::Terminator => panic!("no terminator in the input"),
            }
        }
        assert_eq!(framer.held_back(), b"aaa");
    }
    assert_eq!(data + 3, rounds * (1 << 20));
}
