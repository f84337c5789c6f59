//! The Framer's rules as exact event sequences, each also checked with the input
//! split at every point (fast path on and off), and split invariance against a
//! reference framer.

mod support;

use asynchat::{Event, FrameKind, Framer, HeaderError, MalformedReason, Terminator};
use support::framer_model::{push, slices, Case, Change, Ev, Format, Prefix, Term};
use support::rng::Rng;

/// Feeds `input` whole, then the end of the stream, and returns the exact events
/// (not merged), the `End` included.
fn whole(term: Terminator, max_frame_len: Option<u64>, input: &[u8]) -> Vec<Ev> {
    let mut framer = Framer::new(term);
    framer.set_max_frame_len(max_frame_len);
    let mut events = Vec::new();
    for (mut rest, end) in [(input, false), (&[][..], true)] {
        if end {
            framer.end_of_stream();
        }
        while let Some(event) = framer.next_event(&mut rest) {
            events.push(ev(event));
        }
        assert!(rest.is_empty());
    }
    events
}

fn ev(event: Event<'_>) -> Ev {
    match event {
        Event::Data(bytes) => {
            assert!(!bytes.is_empty(), "empty data event");
            Ev::Data(bytes.to_vec())
        }
        Event::Terminator => Ev::Terminator,
        Event::TooLong(too_long) => Ev::TooLong {
            max_frame_len: too_long.max_frame_len,
            position: too_long.position,
            kind: too_long.kind,
        },
        Event::Discarded { frame_len, kind } => Ev::Discarded { frame_len, kind },
        Event::End(end) => Ev::End(end.map_err(|t| (t.frame_len, t.missing, t.position))),
        Event::Malformed(malformed) => Ev::Malformed {
            position: malformed.position,
            reason: malformed.reason,
        },
    }
}

/// Every way to cut `input` in up to three pieces, plus one byte at a time with empty
/// slices between, must give the reference's events once adjacent data is merged.
fn assert_split_invariant(term: &Term, max_frame_len: Option<u64>, input: &[u8]) {
    let case = Case {
        input: input.to_vec(),
        initial: term.clone(),
        max_frame_len,
        max_count: None,
        program: vec![],
    };
    let n = input.len();
    let mut splits = vec![vec![1], vec![1, 0], vec![0, 1]];
    for a in 0..=n {
        for b in 0..=n - a {
            splits.push(vec![a, b, n]);
        }
    }
    for lens in splits {
        case.check(&lens);
    }
}

fn d(bytes: &[u8]) -> Ev {
    Ev::Data(bytes.to_vec())
}
const T: Ev = Ev::Terminator;
const OK: Ev = Ev::End(Ok(()));
/// The stream ended inside a frame of `frame_len` bytes, `missing` short, at `position`.
fn cut(frame_len: u64, missing: Option<u64>, position: u64) -> Ev {
    Ev::End(Err((frame_len, missing, position)))
}
/// A line (or other delimited frame) went past the limit.
fn too_long(max_frame_len: u64, position: u64) -> Ev {
    Ev::TooLong {
        max_frame_len,
        position,
        kind: FrameKind::Delimited,
    }
}
/// A frame of `kind` went past the limit.
fn too_long_kind(max_frame_len: u64, position: u64, kind: FrameKind) -> Ev {
    Ev::TooLong {
        max_frame_len,
        position,
        kind,
    }
}
/// The end of a skipped line.
fn discarded(frame_len: u64) -> Ev {
    Ev::Discarded {
        frame_len,
        kind: FrameKind::Delimited,
    }
}

/// `frames!(name: terminator, [limit N,] input => [exact events of the whole feed])`;
/// the reference model and every split must agree.
macro_rules! frames {
    ($name:ident: $term:expr, $input:expr => [$($ev:expr),* $(,)?]) => {
        frames!($name: $term, limit None, $input => [$($ev),*]);
    };
    ($name:ident: $term:expr, limit $max:expr, $input:expr => [$($ev:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let term: Term = $term;
            let max: Option<u64> = $max.into();
            let events = whole(term.to_terminator64(), max, $input);
            assert_eq!(events, vec![$($ev),*], "events");
            assert_split_invariant(&term, max, $input);
        }
    };
}

trait To64 {
    fn to_terminator64(&self) -> Terminator;
}
impl To64 for Term {
    fn to_terminator64(&self) -> Terminator {
        match self {
            Term::Bytes(b) => Terminator::bytes(b).unwrap(),
            Term::AnyOf(list) => {
                let list: Vec<&[u8]> = list.iter().map(Vec::as_slice).collect();
                Terminator::any_of(&list).unwrap()
            }
            Term::Count(n) => Terminator::Count(*n),
            Term::Prefixed(prefix) => {
                Terminator::LengthPrefixed(prefix.to_length_prefix().unwrap())
            }
            Term::None => Terminator::None,
        }
    }
}

fn bytes(b: &[u8]) -> Term {
    Term::Bytes(b.to_vec())
}

fn any_of(list: &[&[u8]]) -> Term {
    Term::AnyOf(list.iter().map(|d| d.to_vec()).collect())
}

fn lines() -> Term {
    any_of(&[b"\r\n", b"\n"])
}

fn prefixed(format: Format) -> Prefix {
    Prefix {
        format,
        offset: 0,
        adjust: 0,
        strip: None,
        trailer: vec![],
    }
}

fn fixed(width: u8, big_endian: bool) -> Prefix {
    prefixed(Format::Fixed { width, big_endian })
}

fn malformed(position: u64, reason: MalformedReason) -> Ev {
    Ev::Malformed { position, reason }
}

fn too_long_prefixed(max_frame_len: u64, position: u64) -> Ev {
    too_long_kind(max_frame_len, position, FrameKind::LengthPrefixed)
}

fn discarded_prefixed(frame_len: u64) -> Ev {
    Ev::Discarded {
        frame_len,
        kind: FrameKind::LengthPrefixed,
    }
}

// Lines: `\n`, one `\r` before it dropped, a lone `\r` kept.
frames!(lines_drop_one_cr: lines(), b"a\r\nb\nc\r\r\nd\re\n" => [
    d(b"a"), T, d(b"b"), T, d(b"c\r"), T, d(b"d\re"), T, OK,
]);
frames!(lines_cr_at_the_end_is_data: lines(), b"a\r" => [d(b"a"), d(b"\r"), cut(2, None, 2)]);
frames!(lines_limit_excludes_the_cr: lines(), limit 2, b"ab\r\nabc\n" => [
    d(b"ab"), T, d(b"ab"), too_long(2, 6), discarded(3), OK,
]);
// Several delimiters: the first to complete wins, the longest of those at one byte.
frames!(any_of_first_to_complete: any_of(&[b"abcd", b"c", b";"]), b"xabcdy;abd;" => [
    d(b"xab"), T, d(b"dy"), T, d(b"abd"), T, OK,
]);
frames!(any_of_shortest_at_the_same_start: any_of(&[b"ab", b"a"]), b"xaby" => [
    d(b"x"), T, d(b"by"), cut(2, None, 4),
]);
frames!(any_of_longest_at_the_same_end: any_of(&[b"b", b"ab", b"xab"]), b"1xab2ab3b" => [
    d(b"1"), T, d(b"2"), T, d(b"3"), T, OK,
]);

// A two-byte big-endian length.
frames!(fixed_length_frames: Term::Prefixed(fixed(2, true)), b"\x00\x03abc\x00\x00\x00\x01z" => [
    d(b"abc"), T, T, d(b"z"), T, OK,
]);
frames!(fixed_little_endian_kept_header: Term::Prefixed(Prefix { strip: Some(0), ..fixed(2, false) }),
    b"\x02\x00hi" => [d(b"\x02\x00"), d(b"hi"), T, OK]);
// An offset byte (a type), a length that counts the header, the type kept.
frames!(offset_adjust_and_strip: Term::Prefixed(Prefix { offset: 1, adjust: -2, strip: Some(1), ..fixed(1, true) }),
    b"T\x05abcU\x02" => [d(b"\x05"), d(b"abc"), T, d(b"\x02"), T, OK]);
frames!(varint_frames: Term::Prefixed(prefixed(Format::Varint)), b"\x02hi\x00\x81\x01" => [
    d(b"hi"), T, T, cut(0, Some(129), 6),
]);
frames!(varint_too_long: Term::Prefixed(prefixed(Format::Varint)), b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7fab" => [
    malformed(0, MalformedReason::VarintTooLong),
    d(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7fab"), OK,
]);
frames!(netstrings: Term::Prefixed(prefixed(Format::Netstring)), b"5:hello,0:,3:abc" => [
    d(b"hello"), T, T, d(b"abc"), cut(3, Some(1), 16),
]);
frames!(netstring_without_comma: Term::Prefixed(prefixed(Format::Netstring)), b"2:hi;x" => [
    d(b"hi"), malformed(4, MalformedReason::BadTrailer { expected: b',', found: b';' }),
    d(b";x"), OK,
]);
frames!(netstring_without_colon: Term::Prefixed(prefixed(Format::Netstring)), b"12x" => [
    malformed(0, MalformedReason::NotANetstring { byte: b'x' }), d(b"12x"), OK,
]);
frames!(netstring_leading_zero: Term::Prefixed(prefixed(Format::Netstring)), b"0:,01:a," => [
    T, malformed(3, MalformedReason::NotANetstring { byte: b'1' }), d(b"01:a,"), OK,
]);
frames!(custom_hex_lengths: Term::Prefixed(prefixed(Format::Hex4)), b"0002OK000aabcdefghij00x1" => [
    d(b"OK"), T, d(b"abcdefghij"), T,
    malformed(20, MalformedReason::Rejected(HeaderError::UnexpectedByte { at: 2, byte: b'x' })),
    d(b"00x1"), OK,
]);
frames!(header_cut_off_is_data: Term::Prefixed(fixed(4, true)), b"\x00\x00" => [
    d(b"\x00\x00"), cut(2, None, 2),
]);
// The limit is checked on the header: nothing of the body comes out.
frames!(length_checked_on_the_header: Term::Prefixed(fixed(1, true)), limit 3, b"\x05hello\x03abc" => [
    too_long_prefixed(3, 0), discarded_prefixed(5), d(b"abc"), T, OK,
]);
frames!(kept_header_counts_toward_the_limit: Term::Prefixed(Prefix { strip: Some(0), ..fixed(1, true) }), limit 3, b"\x02ab\x03abc" => [
    d(b"\x02"), d(b"ab"), T, too_long_prefixed(3, 3), discarded_prefixed(4), OK,
]);
frames!(skipped_body_cut_off: Term::Prefixed(fixed(1, true)), limit 1, b"\x05he" => [
    too_long_prefixed(1, 0), cut(2, Some(3), 3),
]);
// A declared length near `u64::MAX`: kept header and body counted without overflow.
frames!(huge_length_cut_off: Term::Prefixed(Prefix { strip: Some(0), trailer: b",".to_vec(), ..fixed(8, true) }),
    b"\xff\xff\xff\xff\xff\xff\xff\xfdab" => [
    d(b"\xff\xff\xff\xff\xff\xff\xff\xfd"), d(b"ab"), cut(10, Some(u64::MAX - 3), 10),
]);
frames!(huge_length_past_the_limit: Term::Prefixed(Prefix { strip: Some(0), ..fixed(8, true) }), limit 5,
    b"\xff\xff\xff\xff\xff\xff\xff\xffab" => [
    too_long_prefixed(5, 0), cut(10, Some(u64::MAX - 2), 10),
]);
frames!(negative_length_is_malformed: Term::Prefixed(Prefix { adjust: -2, ..fixed(1, true) }), b"\x01ab" => [
    malformed(0, MalformedReason::LengthOutOfRange), d(b"\x01ab"), OK,
]);

frames!(crlf_lines: bytes(b"\r\n"), b"ab\r\ncd\r\n" => [d(b"ab"), T, d(b"cd"), T, OK]);
frames!(terminator_bytes_are_not_data: bytes(b"\n"), b"\n" => [T, OK]);
frames!(two_terminators_are_an_empty_message: bytes(b"\r\n"), b"\r\n\r\nx" => [T, T, d(b"x"), cut(1, None, 5)]);
frames!(leftmost_non_overlapping: bytes(b"aa"), b"aaa" => [T, d(b"a"), cut(1, None, 3)]);
frames!(leftmost_non_overlapping_then_data: bytes(b"aa"), b"aaab" => [T, d(b"ab"), cut(2, None, 4)]);
frames!(leftmost_non_overlapping_even: bytes(b"aa"), b"aaaa" => [T, T, OK]);
frames!(self_overlapping_match: bytes(b"abab"), b"xabababy" => [d(b"x"), T, d(b"aby"), cut(3, None, 8)]);
frames!(longest_prefix_held_back_then_data_at_the_end: bytes(b"aaab"), b"xaaa" => [d(b"x"), d(b"aaa"), cut(4, None, 4)]);
frames!(held_back_then_not_a_terminator: bytes(b"\r\n"), b"a\r" => [d(b"a"), d(b"\r"), cut(2, None, 2)]);
frames!(carriage_return_without_newline_is_data: bytes(b"\r\n"), b"a\rb\r\n" => [d(b"a\rb"), T, OK]);
frames!(smtp_end_of_data: bytes(b"\r\n.\r\n"), b"l1\r\nl2\r\n.\r\nQUIT" => [d(b"l1\r\nl2"), T, d(b"QUIT"), cut(4, None, 15)]);
frames!(count_bytes_are_data: Term::Count(3), b"abcd" => [d(b"abc"), T, d(b"d"), OK]);
frames!(count_then_none: Term::Count(2), b"ab" => [d(b"ab"), T, OK]);
frames!(count_zero_fires_at_once: Term::Count(0), b"xy" => [T, d(b"xy"), OK]);
frames!(count_zero_fires_on_empty_input: Term::Count(0), b"" => [T, OK]);
frames!(count_short_is_truncated: Term::Count(5), b"abc" => [d(b"abc"), cut(3, Some(2), 3)]);
frames!(count_with_nothing_is_truncated: Term::Count(5), b"" => [cut(0, Some(5), 0)]);
frames!(none_is_all_data: Term::None, b"a\r\nb" => [d(b"a\r\nb"), OK]);
frames!(empty_input: bytes(b"\n"), b"" => [OK]);

// Limits.
frames!(frame_of_exactly_the_limit: bytes(b"\r\n"), limit 3, b"abc\r\nx\r\n" => [d(b"abc"), T, d(b"x"), T, OK]);
frames!(too_long_then_discarded_at_its_end: bytes(b"\n"), limit 3, b"abc\nabcdef\nxy\n" => [
    d(b"abc"), T, d(b"abc"), too_long(3, 7), discarded(6), d(b"xy"), T, OK
]);
frames!(held_back_byte_is_the_one_too_many: bytes(b"\r\n"), limit 3, b"abc\rx\r\nok\r\n" => [
    d(b"abc"), too_long(3, 3), discarded(5), d(b"ok"), T, OK
]);
frames!(limit_zero_allows_empty_frames: bytes(b"\n"), limit 0, b"\nx\n\n" => [T, too_long(0, 1), discarded(1), T, OK]);
// A count bounds itself: the line limit does not apply to it.
frames!(count_is_not_subject_to_the_limit: Term::Count(5), limit 2, b"abcdefg" => [
    d(b"abcde"), T, d(b"fg"), OK
]);
frames!(none_past_the_limit_is_skipped_to_the_end: Term::None, limit 2, b"abcdefg" => [
    d(b"ab"), too_long_kind(2, 2, FrameKind::Unterminated), OK
]);
frames!(stream_ends_while_skipping: bytes(b"\r\n"), limit 2, b"abcd\r" => [d(b"ab"), too_long(2, 2), cut(5, None, 5)]);
frames!(stream_ends_with_held_bytes_past_the_limit: bytes(b"\r\n"), limit 2, b"ab\r" => [d(b"ab"), too_long(2, 2), cut(3, None, 3)]);
frames!(terminator_right_after_the_limit_is_not_too_long: bytes(b"\r\n.\r\n"), limit 2, b"ab\r\n.\r\n" => [d(b"ab"), T, OK]);

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
    framer.end_of_stream();
    assert_eq!(framer.next_event(&mut input), Some(Event::End(Ok(()))));
}

/// The demo of PyMOTW's asynchat page: `ECHO 166\n` then 166 bytes, with the switch from `\n` to a count
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
        OK,
    ];
    for lens in [vec![], vec![1], vec![7, 0, 64], vec![9, 166], vec![4096]] {
        let mut framer = Framer::new(Terminator::literal(b"\n"));
        let mut events: Vec<Ev> = Vec::new();
        let mut message = Vec::new();
        let slices = slices(&stream, &lens);
        let last = slices.len() - 1;
        for (i, mut input) in slices.into_iter().enumerate() {
            if i == last {
                framer.end_of_stream();
            }
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
                    other => events.push(ev(other)),
                }
            }
        }
        assert_eq!(events, expected, "slices {lens:?}");
    }
}

#[test]
fn remaining_count_reads_back() {
    let mut framer = Framer::new(Terminator::Count(10));
    let mut input: &[u8] = b"abcd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abcd")));
    assert_eq!(framer.terminator(), &Terminator::Count(6));
    assert_eq!(framer.next_event(&mut input), None);
    framer.end_of_stream();
    let Some(Event::End(Err(truncated))) = framer.next_event(&mut input) else {
        panic!("no truncated end");
    };
    assert_eq!(
        (truncated.frame_len, truncated.missing, truncated.position),
        (4, Some(6), 4)
    );
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(
        truncated.to_string(),
        "stream ended at byte 4 inside a frame of 4 bytes (6 more bytes were expected)"
    );
}

/// A `Count(0)` fires at once, with no input: a protocol that sets it after a header
/// hears its `Terminator` before it reads again. A count with bytes to go says
/// nothing on no input, and keeps its count.
#[test]
fn count_zero_fires_without_waiting_for_input() {
    for fast_path in [true, false] {
        let mut framer = Framer::new(Terminator::literal(b"\n"));
        framer.set_fast_path(fast_path);
        let mut input: &[u8] = b"HEAD\n";
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"HEAD")));
        assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
        assert!(input.is_empty());
        framer.set_terminator(Terminator::Count(3));
        assert_eq!(framer.next_event(&mut input), None, "fast path {fast_path}");
        assert_eq!(framer.terminator(), &Terminator::Count(3));
        framer.set_terminator(Terminator::Count(0));
        assert_eq!(
            framer.next_event(&mut input),
            Some(Event::Terminator),
            "fast path {fast_path}"
        );
        assert_eq!(framer.next_event(&mut input), None);
        assert_eq!(framer.terminator(), &Terminator::None);
    }
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
fn terminator_change_starts_a_new_search() {
    // A long search under `\r\n.\r\n` teaches the framer which of its bytes to look
    // for (the third, a `.`); a two-byte terminator has no third byte. Both are long
    // enough, and full enough of false candidates, to reach memmem.
    let mut body = b"\r\nab".repeat(100);
    body.extend_from_slice(b"\r\n.\r\n");
    let mut lines = b"\rx".repeat(200);
    lines.extend_from_slice(b"\r\r");
    let mut stream = body.clone();
    stream.extend_from_slice(&lines);
    for fast_path in [true, false] {
        let mut framer = Framer::new(Terminator::literal(b"\r\n.\r\n"));
        framer.set_fast_path(fast_path);
        let mut input: &[u8] = &stream;
        let mut events = Vec::new();
        while let Some(event) = framer.next_event(&mut input) {
            let event = ev(event);
            if event == Ev::Terminator {
                framer.set_terminator(Terminator::literal(b"\r\r"));
            }
            events.push(event);
        }
        let expected = [
            d(&body[..body.len() - 5]),
            Ev::Terminator,
            d(&lines[..lines.len() - 2]),
            Ev::Terminator,
        ];
        assert_eq!(events, expected, "fast path {fast_path}");
    }
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

/// The end of the stream announced between a data event and its frame end: the
/// frame end still comes, then `End`.
#[test]
fn end_of_stream_between_data_and_its_terminator() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut input: &[u8] = b"ab\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    framer.end_of_stream();
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::End(Ok(()))));
    assert_eq!(framer.next_event(&mut input), None);
    // A new stream starts, with the same terminator.
    let mut input: &[u8] = b"cd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd")));
    framer.reset();
    let mut input: &[u8] = b"\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
}

/// Input given after `end_of_stream` is the last of the stream; its partial
/// terminator is data.
#[test]
fn input_after_end_of_stream_is_the_last_of_the_stream() {
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    framer.end_of_stream();
    framer.end_of_stream();
    let mut input: &[u8] = b"ab\r\ncd\r";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd\r")));
    assert_eq!(
        framer.next_event(&mut input).map(ev),
        Some(Ev::End(Err((3, None, 7))))
    );
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(framer.held_back(), b"");
}

/// Held-back bytes come out at the end, from the framer's storage, and a `Count(0)`
/// set at the last frame end fires before `End`.
#[test]
fn end_of_stream_yields_held_bytes_and_pending_count() {
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    let mut input: &[u8] = b"x\r\n\r";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(framer.held_back(), b"\r");
    framer.end_of_stream();
    let mut input: &[u8] = b"";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"\r")));
    assert!(matches!(
        framer.next_event(&mut input),
        Some(Event::End(Err(_)))
    ));

    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut input: &[u8] = b"a\n";
    framer.end_of_stream();
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    framer.set_terminator(Terminator::Count(0));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.terminator(), &Terminator::None);
    assert_eq!(framer.next_event(&mut input), Some(Event::End(Ok(()))));
}

/// A count's end is found with its last data, like a byte-string terminator's: a
/// change made on that data event applies from the next frame, and the end is not
/// lost (asynchat would overwrite the change).
#[test]
fn change_on_the_last_data_of_a_count_applies_to_the_next_frame() {
    let mut framer = Framer::new(Terminator::Count(2));
    let mut input: &[u8] = b"ab;cd;";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
    assert_eq!(framer.terminator(), &Terminator::None);
    framer.set_terminator(Terminator::literal(b";"));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
}

#[test]
fn too_long_reports_once_and_resumes() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    framer.set_max_frame_len(Some(3));
    assert_eq!(framer.max_frame_len(), Some(3));
    let mut input: &[u8] = b"abc\nabcdef\nxy\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abc")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abc")));
    assert!(!framer.is_skipping());
    let Some(Event::TooLong(too_long)) = framer.next_event(&mut input) else {
        panic!("no report");
    };
    assert_eq!((too_long.max_frame_len, too_long.position), (3, 7));
    assert_eq!(input, b"def\nxy\n", "the report consumes nothing");
    assert!(framer.is_skipping());
    assert_eq!(
        framer.next_event(&mut input),
        Some(Event::Discarded {
            frame_len: 6,
            kind: FrameKind::Delimited,
        })
    );
    assert!(!framer.is_skipping());
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"xy")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(
        too_long.to_string(),
        "delimited frame longer than 3 bytes at byte 7; skipping to its end"
    );
    framer.set_max_frame_len(None);
    assert_eq!(framer.max_frame_len(), None);
}

/// The limit may change inside a frame: the frame is checked against the new limit
/// from its next data byte, and a skip, once started, runs to the frame's end.
#[test]
fn limit_changed_inside_a_frame() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut input: &[u8] = b"abcd";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abcd")));
    assert_eq!(framer.next_event(&mut input), None);
    framer.set_max_frame_len(Some(2));
    let mut input: &[u8] = b"\n";
    assert_eq!(
        framer.next_event(&mut input),
        Some(Event::Terminator),
        "no data past it"
    );
    let mut input: &[u8] = b"abcd";
    framer.set_max_frame_len(None);
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abcd")));
    framer.set_max_frame_len(Some(2));
    let mut input: &[u8] = b"e";
    assert_eq!(framer.next_event(&mut input).map(ev), Some(too_long(2, 9)));
    framer.set_max_frame_len(None);
    assert_eq!(framer.next_event(&mut input), None);
    assert!(
        framer.is_skipping(),
        "raising the limit does not undo the skip"
    );
    let mut input: &[u8] = b"fg\nhi\n";
    assert_eq!(
        framer.next_event(&mut input),
        Some(Event::Discarded {
            frame_len: 7,
            kind: FrameKind::Delimited,
        })
    );
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"hi")));
}

/// A length prefix set inside a frame continues that frame: its header's declared
/// length counts on top of the data already reported, without overflow near
/// `u64::MAX`, and against the limit. At every split of the header and body, and
/// one byte at a time, with the fast paths on and off.
#[test]
fn huge_declared_length_after_data_of_the_same_frame() {
    let prefix = fixed(8, true).to_length_prefix().unwrap();
    let rest = b"\xff\xff\xff\xff\xff\xff\xff\xffcd";
    for (limit, expected) in [
        (None, vec![d(b"cd"), cut(4, Some(u64::MAX - 2), 12)]),
        (
            Some(5),
            vec![too_long_prefixed(5, 2), cut(4, Some(u64::MAX - 2), 12)],
        ),
    ] {
        let splits = (0..=rest.len()).map(|at| vec![at, rest.len()]);
        for (lens, fast_path) in splits
            .chain([vec![1]])
            .flat_map(|l| [(l.clone(), true), (l, false)])
        {
            let mut framer = Framer::new(Terminator::literal(b"\n"));
            framer.set_fast_path(fast_path);
            framer.set_max_frame_len(limit);
            let mut input: &[u8] = b"ab";
            assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
            framer.set_terminator(Terminator::LengthPrefixed(prefix));
            let mut events = Vec::new();
            for mut piece in slices(rest, &lens) {
                while let Some(event) = framer.next_event(&mut piece) {
                    push(&mut events, ev(event));
                }
            }
            framer.end_of_stream();
            while let Some(event) = framer.next_event(&mut &[][..]) {
                push(&mut events, ev(event));
            }
            assert_eq!(
                events, expected,
                "limit {limit:?}, pieces {lens:?}, fast {fast_path}"
            );
        }
    }
}

#[test]
fn reset_stops_skipping_and_ending() {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    framer.set_max_frame_len(Some(1));
    let mut input: &[u8] = b"abc";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a")));
    assert!(matches!(
        framer.next_event(&mut input),
        Some(Event::TooLong(_))
    ));
    assert_eq!(framer.next_event(&mut input), None);
    assert_eq!(framer.frame_len(), 3, "skipped bytes count");
    framer.end_of_stream();
    framer.reset();
    assert!(!framer.is_skipping());
    assert_eq!(framer.frame_len(), 0);
    assert_eq!(framer.max_frame_len(), Some(1));
    let mut input: &[u8] = b"x\n";
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
    assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    assert_eq!(framer.next_event(&mut input), None, "no End after reset");
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
        lines(),
        any_of(&[b"ab", b"b", b"a."]),
        any_of(&[b"aab", b".", b"x\r"]),
        // One a prefix of another; the same string twice.
        any_of(&[b"ab", b"a", b"\n", b"\n"]),
        Term::Prefixed(fixed(1, true)),
        Term::Prefixed(Prefix {
            offset: 1,
            adjust: -90,
            strip: Some(1),
            trailer: b"\n".to_vec(),
            ..fixed(1, true)
        }),
        Term::Prefixed(prefixed(Format::Netstring)),
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
        let limit = |rng: &mut Rng| (rng.below(3) > 0).then(|| rng.below(8) as u64);
        let program: Vec<Change> = (0..rng.below(4))
            .map(|_| Change {
                term: (rng.below(4) > 0).then(|| terms[rng.below(terms.len())].clone()),
                max_frame_len: (rng.below(2) == 0).then(|| limit(&mut rng)),
            })
            .collect();
        let case = Case {
            input,
            initial: terms[rng.below(terms.len())].clone(),
            max_frame_len: if rng.below(2) == 0 {
                limit(&mut rng)
            } else {
                None
            },
            max_count: None,
            program,
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

/// Random `words` strung together until the text is at least `min` bytes plus a
/// random share of `spread` (drawn anew after each word).
fn random_words(rng: &mut Rng, words: &[&[u8]], min: usize, spread: usize) -> Vec<u8> {
    let mut text = Vec::new();
    while text.len() < min + rng.below(spread) {
        text.extend_from_slice(words[rng.below(words.len())]);
    }
    text
}

/// Long inputs, where a long terminator's search goes to `memmem` after a false
/// first candidate: SMTP bodies with `\r\n.\r\n` and near misses, whole and in
/// slices on both sides of the long-input threshold.
#[test]
fn long_inputs_and_long_terminators_against_reference() {
    let mut rng = Rng::new(0x5a7a);
    let rounds = if cfg!(miri) { 5 } else { 300 };
    let lines = [
        &b"line\r\n"[..],
        b".\r\n",
        b"..\r\n",
        b"\r\n",
        b"\r\n.",
        b"x\r",
    ];
    for _ in 0..rounds {
        let input = random_words(&mut rng, &lines, 200, 1500);
        let case = Case {
            input,
            initial: bytes(b"\r\n.\r\n"),
            max_frame_len: (rng.below(3) == 0).then(|| 100 + rng.below(400) as u64),
            max_count: None,
            program: vec![Change {
                term: (rng.below(2) == 0).then(|| bytes(b"\r\n")),
                max_frame_len: None,
            }],
        };
        case.check(&[]);
        case.check(&[255, 256, 257]);
        case.check(&[300 + rng.below(500), 1 + rng.below(3)]);
    }
}

/// Terminators with different first bytes, changed at every frame end, on inputs
/// long enough for the framer's first-byte searcher (which takes its first-search
/// way after every change): each search finds the byte it is asked for, never the
/// one before.
#[test]
fn first_byte_search_follows_terminator_changes_on_long_inputs() {
    let mut rng = Rng::new(0xf1257);
    let rounds = if cfg!(miri) { 3 } else { 200 };
    let words = [
        &b"ab"[..],
        b"\r\n",
        b"\n",
        b"x;",
        b"\r",
        b"yyyyyyyyyyyyyyyyyyyy",
    ];
    for _ in 0..rounds {
        let input = random_words(&mut rng, &words, 300, 700);
        let program = (0..1 + rng.below(4))
            .map(|_| Change {
                term: Some(match rng.below(4) {
                    0 => bytes(b"\r\n"),
                    1 => bytes(b"\n"),
                    2 => bytes(b"x;"),
                    _ => bytes(b"y"),
                }),
                max_frame_len: None,
            })
            .collect();
        let case = Case {
            input,
            initial: bytes(b"\r\n"),
            max_frame_len: None,
            max_count: None,
            program,
        };
        case.check(&[]);
        case.check(&[40 + rng.below(200), 1 + rng.below(20)]);
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
            assert_split_invariant(&term, None, input);
            assert_split_invariant(&term, Some(3), input);
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
    // Two copies of the capacity (terminator, held-back bytes) and a few words: the
    // ends of several delimiters, a length prefix, the search's memo.
    assert!(
        std::mem::size_of::<Framer>() <= 2 * 64 + 144,
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
                other => panic!("no terminator in the input: {other:?}"),
            }
        }
        assert_eq!(framer.held_back(), b"aaa");
    }
    assert_eq!(data + 3, rounds * (1 << 20));
}

/// With a limit, a peer that never ends its frame gets one report and then costs
/// nothing: no events, nothing stored.
#[test]
fn hundred_megabytes_past_the_limit_are_skipped_silently() {
    let chunk = vec![b'a'; 1 << 20];
    let mut framer = Framer::new(Terminator::literal(b"\r\n"));
    framer.set_max_frame_len(Some(512));
    let mut events = Vec::new();
    let rounds = if cfg!(miri) { 1 } else { 100 };
    for _ in 0..rounds {
        let mut input = &chunk[..];
        while let Some(event) = framer.next_event(&mut input) {
            events.push(ev(event));
        }
        assert_eq!(framer.held_back(), b"");
    }
    assert_eq!(events, [d(&chunk[..512]), too_long(512, 512)]);
    assert_eq!(framer.frame_len(), rounds << 20);
    let mut input: &[u8] = b"\r\nok\r\n";
    assert_eq!(
        framer.next_event(&mut input),
        Some(Event::Discarded {
            frame_len: rounds << 20,
            kind: FrameKind::Delimited,
        })
    );
    assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ok")));
}

/// With the hidden switch on or off, a partial terminator is held back in the
/// call that reports the data before it, also after a skipped frame and a reset.
/// (That the switch turns the fast paths off is checked inside the crate.)
#[test]
fn fast_path_switch_keeps_the_events() {
    for fast_path in [true, false] {
        let mut framer = Framer::new(Terminator::literal(b"\r\n"));
        framer.set_fast_path(fast_path);
        let mut input: &[u8] = b"ab\r";
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
        assert_eq!((input, framer.held_back()), (&b""[..], &b"\r"[..]));
        assert_eq!(framer.next_event(&mut input), None);
        assert_eq!(framer.held_back(), b"\r");
        framer.set_max_frame_len(Some(1));
        let mut input: &[u8] = b"\nxyz\r\nab\r";
        assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"x")));
        assert!(matches!(
            framer.next_event(&mut input),
            Some(Event::TooLong(_))
        ));
        assert_eq!(
            framer.next_event(&mut input),
            Some(Event::Discarded {
                frame_len: 3,
                kind: FrameKind::Delimited,
            })
        );
        framer.set_max_frame_len(None);
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"ab")));
        assert_eq!((input, framer.held_back()), (&b""[..], &b"\r"[..]));
        framer.reset();
        let mut input: &[u8] = b"cd\r";
        assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"cd")));
        assert_eq!((input, framer.held_back()), (&b""[..], &b"\r"[..]));
    }
}

/// A valid header for `body_len` under `prefix`, offset bytes included.
fn header(prefix: &Prefix, body_len: u64, rng: &mut Rng) -> Vec<u8> {
    let declared = (body_len as i64 - i64::from(prefix.adjust)) as u64;
    let mut out: Vec<u8> = (0..prefix.offset).map(|_| b"TU"[rng.below(2)]).collect();
    match prefix.format {
        Format::Fixed { width, big_endian } => {
            let bytes = declared.to_be_bytes();
            let mut field = bytes[8 - usize::from(width)..].to_vec();
            if !big_endian {
                field.reverse();
            }
            out.extend(field);
        }
        Format::Varint => {
            let mut v = declared;
            loop {
                let byte = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        Format::Netstring => out.extend(format!("{declared}:").into_bytes()),
        Format::Hex4 => out.extend(format!("{declared:04x}").into_bytes()),
    }
    out
}

fn random_prefix(rng: &mut Rng) -> Prefix {
    let format = match rng.below(4) {
        0 => Format::Fixed {
            width: 1 + rng.below(4) as u8,
            big_endian: rng.below(2) == 0,
        },
        1 => Format::Varint,
        2 => Format::Netstring,
        _ => Format::Hex4,
    };
    Prefix {
        format,
        offset: rng.below(3) as u8,
        adjust: rng.below(5) as i8 - 2,
        strip: (rng.below(2) == 0).then(|| rng.below(6) as u8),
        trailer: [&b""[..], b"\n", b"\r\n"][rng.below(3)].to_vec(),
    }
}

/// Streams of valid length-prefixed frames, now and then corrupted or cut short,
/// under limits and terminator changes at frame ends, at every split the property
/// checks, the fast path on and off.
#[test]
fn length_prefixed_streams_against_reference() {
    let mut rng = Rng::new(0x1e4);
    let rounds = if cfg!(miri) { 10 } else { 1500 };
    for _ in 0..rounds {
        let prefix = random_prefix(&mut rng);
        let mut input = Vec::new();
        for _ in 0..rng.below(5) {
            let body_len = (rng.below(12) as i64).max(i64::from(prefix.adjust).abs()) as u64;
            input.extend(header(&prefix, body_len, &mut rng));
            input.extend((0..body_len).map(|_| b"ab\n,:0"[rng.below(6)]));
            let trailer = match &prefix.trailer[..] {
                b"" if prefix.format == Format::Netstring => &b","[..],
                t => t,
            };
            input.extend_from_slice(trailer);
        }
        if !input.is_empty() && rng.below(4) == 0 {
            let at = rng.below(input.len());
            input[at] = b"x\xff\x00;"[rng.below(4)];
        }
        if rng.below(4) == 0 {
            let keep = rng.below(input.len() + 1);
            input.truncate(keep);
        }
        let program = (0..rng.below(3))
            .map(|_| Change {
                term: match rng.below(4) {
                    0 => Some(lines()),
                    1 => Some(Term::Prefixed(random_prefix(&mut rng))),
                    _ => None,
                },
                max_frame_len: (rng.below(3) == 0).then(|| Some(rng.below(12) as u64)),
            })
            .collect();
        let case = Case {
            input,
            initial: Term::Prefixed(prefix),
            max_frame_len: (rng.below(3) == 0).then(|| rng.below(12) as u64),
            max_count: None,
            program,
        };
        case.check(&[]);
        case.check(&[1]);
        case.check(&[1 + rng.below(5), rng.below(3)]);
        if case.input.len() <= 24 {
            let n = case.input.len();
            for a in 0..=n {
                for b in 0..=n - a {
                    case.check(&[a, b, n]);
                }
            }
        }
    }
}

/// Bytes held back under a byte-string terminator, then a length prefix set in the
/// middle of the frame: the held bytes are read as its header, and those past the
/// header as its body (or trailer), before any later input.
#[test]
fn held_bytes_past_a_header_set_mid_frame() {
    use asynchat::{ByteOrder, LengthPrefix};
    let one_byte = LengthPrefix::fixed(1, ByteOrder::BigEndian);
    let start = |held: &[u8]| {
        let mut terminator = held.to_vec();
        terminator.push(b'q');
        let mut framer = Framer::new(Terminator::bytes(&terminator).unwrap());
        let input = [b"x", held].concat();
        let mut rest = &input[..];
        assert_eq!(framer.next_event(&mut rest), Some(Event::Data(b"x")));
        assert_eq!(framer.next_event(&mut rest), None);
        assert_eq!(framer.held_back(), held);
        framer
    };
    let events = |framer: &mut Framer, mut input: &[u8]| {
        let mut events = Vec::new();
        while let Some(event) = framer.next_event(&mut input) {
            events.push(ev(event));
        }
        events
    };

    // The body comes from the held bytes, then the next frame from the input.
    let mut framer = start(b"\x01z");
    framer.set_terminator(Terminator::LengthPrefixed(one_byte));
    assert_eq!(events(&mut framer, b"\x02hi"), [d(b"z"), T, d(b"hi"), T]);
    assert_eq!(framer.position(), 6);

    // Past the limit: the held body is skipped, and the frame counts the `x`.
    let mut framer = start(b"\x01z");
    framer.set_terminator(Terminator::LengthPrefixed(one_byte));
    framer.set_max_frame_len(Some(1));
    assert_eq!(
        events(&mut framer, b""),
        [too_long_prefixed(1, 1), discarded_prefixed(2)]
    );

    // A trailer from the held bytes, good and bad.
    let mut framer = start(b"\x00z");
    framer.set_terminator(Terminator::LengthPrefixed(one_byte.trailer(b"z")));
    assert_eq!(events(&mut framer, b""), [T]);
    let mut framer = start(b"\x00y");
    framer.set_terminator(Terminator::LengthPrefixed(one_byte.trailer(b"z")));
    assert_eq!(
        events(&mut framer, b""),
        [
            malformed(
                2,
                MalformedReason::BadTrailer {
                    expected: b'z',
                    found: b'y'
                }
            ),
            d(b"y"),
        ]
    );
}
