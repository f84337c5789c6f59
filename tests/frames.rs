//! `FrameReader`: whole frames equal the reference framer's events gathered per
//! frame, at every split, with a caller's buffer and a `Vec`, fast path on and off;
//! and a frame that lies whole in one slice is lent from it, not copied.

mod support;

use asynchat::{Frame, FrameBuffer, FrameKind, FrameReader, SliceBuffer, Terminator};
use support::framer_model::{slices, Case};
use support::frames_model::{capped, frame_reader_frames, gather, random_case, terms, Fr};
use support::rng::Rng;

fn check(case: &Case, lens: &[usize]) {
    if case.initial.to_terminator().is_none() {
        return;
    }
    for fast_path in [true, false] {
        #[cfg(feature = "alloc")]
        assert_eq!(
            frame_reader_frames(case, Vec::new(), lens, fast_path),
            gather(capped(case, None, None).reference()),
            "Vec, {case:?} {lens:?}"
        );
        let mut storage = [0u8; 5];
        let expected = gather(capped(case, Some(5), Some(5)).reference());
        let got = frame_reader_frames(case, SliceBuffer::new(&mut storage), lens, fast_path);
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

/// The memcached shape: a command line under a small line limit, then a data block
/// far longer than that limit, with no second limit call. Whole and at every
/// two-piece split, and one byte at a time.
#[cfg(feature = "alloc")]
#[test]
fn a_block_longer_than_the_line_limit_needs_no_limit_call() {
    let block = vec![b'v'; 3000];
    let mut stream = b"set k 0 0 3002\r\n".to_vec();
    stream.extend_from_slice(&block);
    stream.extend_from_slice(b"\r\n");
    stream.extend_from_slice(b"get k\r\n");
    let mut expected_block = block.clone();
    expected_block.extend_from_slice(b"\r\n");
    let expected = [
        Fr::Whole(b"set k 0 0 3002".to_vec()),
        Fr::Whole(expected_block),
        Fr::Whole(b"get k".to_vec()),
        Fr::End(Ok(())),
    ];
    let mut lens: Vec<Vec<usize>> = vec![vec![], vec![1]];
    lens.extend(
        (0..=stream.len())
            .step_by(7)
            .map(|at| vec![at, stream.len()]),
    );
    for lens in lens {
        let mut reader = FrameReader::new(Terminator::literal(b"\r\n"), Vec::new());
        reader.set_max_frame_len(Some(64));
        let mut frames = Vec::new();
        let slices = slices(&stream, &lens);
        let last = slices.len() - 1;
        for (i, mut input) in slices.into_iter().enumerate() {
            if i == last {
                reader.end_of_stream();
            }
            while let Some(frame) = reader.next_frame(&mut input) {
                if let Frame::Whole(line) = frame {
                    let next = match line.strip_prefix(b"set k 0 0 ") {
                        Some(len) => {
                            Terminator::Count(std::str::from_utf8(len).unwrap().parse().unwrap())
                        }
                        None => Terminator::literal(b"\r\n"),
                    };
                    frames.push(Fr::from(frame));
                    reader.set_terminator(next);
                } else {
                    frames.push(Fr::from(frame));
                }
            }
        }
        assert_eq!(frames, expected, "{lens:?}");
    }
}

/// A count above the count limit is refused where it is set: `TooLong` before any
/// of its bytes, the block skipped as it arrives, `Discarded` of a counted frame at
/// its end, and the stream in sync after it, at every split.
#[test]
fn a_count_above_the_count_limit_is_refused_where_it_is_set() {
    let stream = b"SET 12\r\n0123456789ab\r\nSET 2\r\nok\r\n";
    let expected = [
        Fr::Whole(b"SET 12".to_vec()),
        Fr::TooLong {
            max_frame_len: 8,
            position: 8,
            kind: FrameKind::Counted,
        },
        Fr::Discarded {
            frame_len: 14,
            kind: FrameKind::Counted,
        },
        Fr::Whole(b"SET 2".to_vec()),
        Fr::Whole(b"ok\r\n".to_vec()),
        Fr::End(Ok(())),
    ];
    let mut all_lens: Vec<Vec<usize>> = vec![vec![], vec![1]];
    all_lens.extend((0..=stream.len()).map(|at| vec![at, stream.len()]));
    for lens in all_lens {
        let mut storage = [0; 16];
        let mut reader =
            FrameReader::new(Terminator::literal(b"\r\n"), SliceBuffer::new(&mut storage));
        reader.set_max_count(Some(8));
        assert_eq!(reader.max_count(), Some(8));
        let mut frames = Vec::new();
        let slices = slices(stream, &lens);
        let last = slices.len() - 1;
        for (i, mut input) in slices.into_iter().enumerate() {
            if i == last {
                reader.end_of_stream();
            }
            while let Some(frame) = reader.next_frame(&mut input) {
                let next = match frame {
                    Frame::Whole(line) => match line.strip_prefix(b"SET ") {
                        Some(len) => {
                            let len: u64 = std::str::from_utf8(len).unwrap().parse().unwrap();
                            Some(Terminator::Count(len + 2))
                        }
                        None => Some(Terminator::literal(b"\r\n")),
                    },
                    Frame::Discarded { .. } => Some(Terminator::literal(b"\r\n")),
                    _ => None,
                };
                frames.push(Fr::from(frame));
                if let Some(next) = next {
                    reader.set_terminator(next);
                }
            }
        }
        assert_eq!(frames, expected, "{lens:?}");
    }
}

/// A refusal not yet reported is undone by a count that fits, and the count limit
/// never exceeds the buffer; a refused count cut off by the end is truncated.
#[test]
fn count_limit_edges() {
    let mut storage = [0; 4];
    let mut reader = FrameReader::new(Terminator::Count(5), SliceBuffer::new(&mut storage));
    assert_eq!(reader.max_count(), Some(4), "the buffer's capacity");
    reader.set_max_count(Some(100));
    assert_eq!(reader.max_count(), Some(4), "capped at the buffer");
    reader.set_terminator(Terminator::Count(4));
    let mut input: &[u8] = b"abcd";
    assert_eq!(
        reader.next_frame(&mut input),
        Some(Frame::Whole(&b"abcd"[..]))
    );
    reader.set_terminator(Terminator::Count(6));
    let mut input: &[u8] = b"abc";
    let Some(Frame::TooLong(too_long)) = reader.next_frame(&mut input) else {
        panic!("not refused");
    };
    assert_eq!(
        too_long.to_string(),
        "counted frame longer than 4 bytes at byte 4; skipping to its end"
    );
    assert_eq!(reader.next_frame(&mut input), None);
    reader.end_of_stream();
    let Some(Frame::End(Err(truncated))) = reader.next_frame(&mut input) else {
        panic!("not truncated");
    };
    assert_eq!((truncated.frame_len, truncated.missing), (3, Some(3)));
}

/// A count set between reads, with a partial terminator held back: the refused
/// count's first byte is the held one, and the report says so.
#[test]
fn a_refused_count_starts_at_the_held_back_bytes() {
    let mut storage = [0; 8];
    let mut reader = FrameReader::new(Terminator::literal(b"\r\n"), SliceBuffer::new(&mut storage));
    let mut input: &[u8] = b"abc\r";
    assert_eq!(reader.next_frame(&mut input), None);
    assert_eq!(reader.framer().held_back(), b"\r");
    reader.set_terminator(Terminator::Count(100));
    let mut input: &[u8] = b"xyz";
    let Some(Frame::TooLong(too_long)) = reader.next_frame(&mut input) else {
        panic!("not refused");
    };
    assert_eq!((too_long.position, too_long.kind), (3, FrameKind::Counted));
}
