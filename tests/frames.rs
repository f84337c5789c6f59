//! `FrameReader`: whole frames equal the reference framer's events gathered per
//! frame, at every split, with a caller's buffer and a `Vec`, fast path on and off;
//! and a frame that lies whole in one slice is lent from it, not copied.

mod support;

use asynchat::{Frame, FrameBuffer, FrameKind, FrameReader, SliceBuffer, Terminator};
use support::framer_model::{slices, Case, Term, CAP};
use support::frames_model::{capped, change_at, gather, random_case, terms, Fr};
use support::rng::Rng;

fn run<B: FrameBuffer>(case: &Case, buffer: B, lens: &[usize], fast_path: bool) -> Vec<Fr> {
    let initial = case.initial.to_terminator().unwrap();
    let mut reader = FrameReader::<B, CAP>::with_terminator(initial, buffer);
    reader.set_max_frame_len(case.max_frame_len);
    reader.set_fast_path(fast_path);
    let mut frames = Vec::new();
    let mut ends = 0;
    let slices = slices(&case.input, lens);
    let last = slices.len() - 1;
    for (i, mut input) in slices.into_iter().enumerate() {
        if i == last {
            reader.end_of_stream();
        }
        while let Some(frame) = reader.next_frame(&mut input) {
            let frame_end = matches!(frame, Frame::Whole(_) | Frame::Discarded { .. });
            frames.push(Fr::from(frame));
            if frame_end {
                // As the model: the k-th frame end applies program[k].
                if let Some(change) = change_at(case, ends) {
                    if let Some(next) = change.term.as_ref().and_then(Term::to_terminator) {
                        reader.set_terminator(next);
                    }
                    if let Some(next) = change.max_frame_len {
                        reader.set_max_frame_len(next);
                    }
                }
                ends += 1;
            }
        }
        assert!(input.is_empty());
    }
    frames
}

fn check(case: &Case, lens: &[usize]) {
    if case.initial.to_terminator().is_none() {
        return;
    }
    for fast_path in [true, false] {
        #[cfg(feature = "alloc")]
        assert_eq!(
            run(case, Vec::new(), lens, fast_path),
            gather(capped(case, None, None).reference()),
            "Vec, {case:?} {lens:?}"
        );
        let mut storage = [0u8; 5];
        let expected = gather(capped(case, Some(5), Some(5)).reference());
        let got = run(case, SliceBuffer::new(&mut storage), lens, fast_path);
        assert_eq!(got, expected, "slice of 5, {case:?} {lens:?}");
    }
}

#[test]
fn frames_equal_the_gathered_reference_at_every_split() {
    let mut rng = Rng::new(0xf4a3e5);
    let terms = terms();
    let rounds = if cfg!(miri) { 10 } else { 2000 };
    for _ in 0..rounds {
        let case = random_case(&mut rng, &terms);
        check(&case, &[1]);
        check(&case, &[]);
        check(&case, &[rng.below(7), 1 + rng.below(7)]);
    }
}

/// Lines whole in one slice are lent from it; a line split across slices is
/// assembled; one over the buffer is reported, never buffered.
#[test]
fn whole_frames_are_borrowed_and_split_ones_assembled() {
    let mut storage = [0; 8];
    let mut reader = FrameReader::new(Terminator::literal(b"\n"), SliceBuffer::new(&mut storage));
    assert_eq!(reader.max_frame_len(), Some(8));
    let received: &[u8] = b"one\ntwo\nthr";
    let mut input = received;
    let range = received.as_ptr_range();
    for expected in [&b"one"[..], b"two"] {
        match reader.next_frame(&mut input) {
            Some(Frame::Whole(line)) => {
                assert_eq!(line, expected);
                assert!(range.contains(&line.as_ptr()), "borrowed from the input");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(reader.next_frame(&mut input), None);
    let mut input: &[u8] = b"ee\nwaytoolongline\nok\n";
    assert_eq!(
        reader.next_frame(&mut input),
        Some(Frame::Whole(&b"three"[..]))
    );
    assert!(matches!(
        reader.next_frame(&mut input),
        Some(Frame::TooLong(_))
    ));
    assert_eq!(
        reader.next_frame(&mut input),
        Some(Frame::Discarded {
            frame_len: 14,
            kind: FrameKind::Delimited
        })
    );
    assert_eq!(
        reader.next_frame(&mut input),
        Some(Frame::Whole(&b"ok"[..]))
    );
    reader.set_max_frame_len(Some(100));
    assert_eq!(reader.max_frame_len(), Some(8), "capped at the buffer");
    reader.set_max_frame_len(Some(2));
    assert_eq!(reader.max_frame_len(), Some(2));
    reader.end_of_stream();
    let mut input: &[u8] = b"x";
    assert!(matches!(
        reader.next_frame(&mut input),
        Some(Frame::End(Err(_)))
    ));
    assert_eq!(reader.framer().position(), 11 + 21 + 1);
}

/// RESP-style switching: a header line, then a counted body, whole.
#[test]
fn counted_bodies_come_whole() {
    let mut storage = [0; 16];
    let mut reader = FrameReader::new(Terminator::literal(b"\r\n"), SliceBuffer::new(&mut storage));
    let stream = b"$5\r\nhello\r\n$0\r\n\r\n";
    for lens in [vec![], vec![1], vec![3, 4]] {
        let mut frames = Vec::new();
        for mut input in slices(stream, &lens) {
            while let Some(frame) = reader.next_frame(&mut input) {
                let Frame::Whole(frame) = frame else {
                    panic!("{frame:?}")
                };
                frames.push(frame.to_vec());
                match frame.strip_prefix(b"$") {
                    Some(len) => {
                        let len: u64 = std::str::from_utf8(len).unwrap().parse().unwrap();
                        reader.set_terminator(Terminator::Count(len + 2));
                    }
                    None => reader.set_terminator(Terminator::literal(b"\r\n")),
                }
            }
        }
        assert_eq!(
            frames,
            [&b"$5"[..], b"hello\r\n", b"$0", b"\r\n"],
            "{lens:?}"
        );
    }
    let buffer = reader.into_buffer();
    assert!(buffer.as_slice().is_empty());
}

#[test]
fn slice_buffer_debug_shows_its_fill() {
    let mut storage = [0; 8];
    let mut buffer = SliceBuffer::new(&mut storage);
    buffer.extend(b"abc");
    assert_eq!(format!("{buffer:?}"), "SliceBuffer { len: 3, capacity: 8 }");
}
