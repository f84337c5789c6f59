//! `FrameReader`: whole frames equal the reference framer's events gathered per
//! frame, at every split, with a caller's buffer and a `Vec`, fast path on and off;
//! and a frame that lies whole in one slice is lent from it, not copied.

mod support;

use asynchat::{Frame, FrameBuffer, FrameReader, SliceBuffer, Terminator};
use support::framer_model::{slices, Case, Change, Ev, Term, CAP};
use support::rng::Rng;

/// A frame after gathering: what the reader must hand out.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fr {
    Whole(Vec<u8>),
    TooLong { max_frame_len: u64, position: u64 },
    Discarded { frame_len: u64 },
    End(Result<(), (u64, Option<u64>, u64)>),
}

/// The reference's events gathered into frames.
fn gather(events: Vec<Ev>) -> Vec<Fr> {
    let mut frames = Vec::new();
    let mut frame = Vec::new();
    for event in events {
        match event {
            Ev::Data(data) => frame.extend_from_slice(&data),
            Ev::Terminator => frames.push(Fr::Whole(std::mem::take(&mut frame))),
            Ev::TooLong {
                max_frame_len,
                position,
            } => {
                frame.clear();
                frames.push(Fr::TooLong {
                    max_frame_len,
                    position,
                });
            }
            Ev::Discarded { frame_len } => frames.push(Fr::Discarded { frame_len }),
            Ev::End(end) => frames.push(Fr::End(end)),
        }
    }
    frames
}

/// The case with every limit capped at `capacity`, as the reader caps them.
fn capped(case: &Case, capacity: Option<u64>) -> Case {
    let cap = |max: Option<u64>| match (max, capacity) {
        (Some(max), Some(c)) => Some(max.min(c)),
        (max, c) => max.or(c),
    };
    Case {
        max_frame_len: cap(case.max_frame_len),
        program: case
            .program
            .iter()
            .map(|change| Change {
                term: change.term.clone(),
                max_frame_len: change.max_frame_len.map(cap),
            })
            .collect(),
        ..case.clone()
    }
}

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
            frames.push(match frame {
                Frame::Whole(data) => Fr::Whole(data.to_vec()),
                Frame::TooLong(t) => Fr::TooLong {
                    max_frame_len: t.max_frame_len,
                    position: t.position,
                },
                Frame::Discarded { frame_len } => Fr::Discarded { frame_len },
                Frame::End(end) => Fr::End(end.map_err(|t| (t.frame_len, t.missing, t.position))),
            });
            if frame_end {
                // As the model: the k-th frame end applies program[k].
                if !case.program.is_empty() && ends < support::framer_model::MAX_CHANGES {
                    let change = &case.program[ends % case.program.len()];
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
            gather(capped(case, None).reference()),
            "Vec, {case:?} {lens:?}"
        );
        let mut storage = [0u8; 5];
        let expected = gather(capped(case, Some(5)).reference());
        let got = run(case, SliceBuffer::new(&mut storage), lens, fast_path);
        assert_eq!(got, expected, "slice of 5, {case:?} {lens:?}");
    }
}

fn terms() -> Vec<Term> {
    [&b"\n"[..], b"\r\n", b"aa", b"\r\n.\r\n"]
        .iter()
        .map(|t| Term::Bytes(t.to_vec()))
        .chain([Term::Count(0), Term::Count(3), Term::None])
        .collect()
}

#[test]
fn frames_equal_the_gathered_reference_at_every_split() {
    let mut rng = Rng::new(0xf4a3e5);
    let terms = terms();
    let rounds = if cfg!(miri) { 10 } else { 2000 };
    for _ in 0..rounds {
        let input: Vec<u8> = (0..rng.below(40))
            .map(|_| b"ab\r\n.x"[rng.below(6)])
            .collect();
        let program = (0..rng.below(3))
            .map(|_| Change {
                term: (rng.below(3) > 0).then(|| terms[rng.below(terms.len())].clone()),
                max_frame_len: (rng.below(3) == 0)
                    .then(|| (rng.below(2) == 0).then(|| rng.below(8) as u64)),
            })
            .collect();
        let case = Case {
            input,
            initial: terms[rng.below(terms.len())].clone(),
            max_frame_len: (rng.below(2) == 0).then(|| rng.below(10) as u64),
            program,
        };
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
    assert_eq!(reader.next_frame(&mut input), Some(Frame::Whole(b"three")));
    assert!(matches!(
        reader.next_frame(&mut input),
        Some(Frame::TooLong(_))
    ));
    assert_eq!(
        reader.next_frame(&mut input),
        Some(Frame::Discarded { frame_len: 14 })
    );
    assert_eq!(reader.next_frame(&mut input), Some(Frame::Whole(b"ok")));
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
