//! The Outbox: exact chunks, partial writes of every size, laziness, close, and
//! random operation sequences against a model.

mod support;

use asynchat::{FixedOutbox, IterProducer, Next, Produced, Producer, PushError, SimpleProducer};
use support::outbox_model::{check, Op, Scripted, Step};
use support::rng::Rng;

/// Writes everything out, `sizes` bytes at a time (cycled; 0 is "would block").
fn drain<S: asynchat::Storage>(
    outbox: &mut asynchat::Outbox<'_, S>,
    sizes: &[usize],
) -> (Vec<u8>, Vec<usize>, bool) {
    let mut wire = Vec::new();
    let mut chunks = Vec::new();
    for &size in sizes.iter().cycle().take(100_000) {
        match outbox.chunk() {
            Next::Write(chunk) => {
                chunks.push(chunk.len());
                let n = size.min(chunk.len());
                wire.extend_from_slice(&chunk[..n]);
                outbox.advance(n).unwrap();
            }
            Next::Idle => return (wire, chunks, false),
            Next::Close => return (wire, chunks, true),
        }
    }
    panic!("did not drain");
}

#[test]
fn chunks_respect_the_maximum_without_splitting_up_front() {
    let big = [7u8; 10];
    let mut outbox = FixedOutbox::<4>::new();
    outbox.set_max_chunk_len(4);
    outbox.push(&big).unwrap();
    outbox.push(b"ab").unwrap();
    assert_eq!(outbox.queued_items(), 2, "one item per push");
    let (wire, chunks, closed) = drain(&mut outbox, &[usize::MAX]);
    assert_eq!(chunks, [4, 4, 2, 2]);
    assert_eq!(wire.len(), 12);
    assert!(!closed);
    assert!(outbox.is_empty());
}

#[test]
fn partial_writes_of_every_size_including_zero() {
    let payload: Vec<u8> = (0..=255).collect();
    for size in 0..=300 {
        let mut producer = SimpleProducer::new(&payload[50..200], 33);
        let mut outbox = FixedOutbox::<8>::new();
        outbox.set_max_chunk_len(100);
        outbox.push(&payload[..50]).unwrap();
        outbox.push_producer_ref(&mut producer).unwrap();
        outbox.push(&payload[200..]).unwrap();
        outbox.push(b"").unwrap();
        outbox.close_when_done();
        // A write of `size`, then a would-block, then `size` again...
        let (wire, _, closed) = drain(&mut outbox, &[size.max(1), 0]);
        assert_eq!(wire, payload, "write size {size}");
        assert!(closed);
        assert!(!outbox.wants_write() || outbox.is_closing());
    }
}

#[test]
fn zero_advance_and_repeated_chunk_return_the_same_bytes() {
    let mut outbox = FixedOutbox::<2>::new();
    outbox.push(b"hello").unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"hello"[..]));
    outbox.advance(0).unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"hello"[..]));
    outbox.advance(2).unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"llo"[..]));
    let error = outbox.advance(4).unwrap_err();
    assert_eq!(
        error.to_string(),
        "advanced by 4 bytes, but only 3 were handed out to write"
    );
    assert_eq!(
        outbox.chunk(),
        Next::Write(&b"llo"[..]),
        "a refused advance changes nothing"
    );
    outbox.advance(3).unwrap();
    assert_eq!(outbox.chunk(), Next::Idle);
    assert_eq!(outbox.advance(1).unwrap_err().offered, 0);
}

#[test]
fn close_comes_after_the_last_byte_and_refuses_later_pushes() {
    let mut outbox = FixedOutbox::<2>::new();
    assert_eq!(outbox.chunk(), Next::Idle);
    outbox.push(b"bye").unwrap();
    outbox.close_when_done();
    assert!(
        matches!(outbox.push(b"late"), Err(PushError::Closed(buf)) if buf.as_bytes() == b"late")
    );
    assert_eq!(outbox.chunk(), Next::Write(&b"bye"[..]));
    outbox.advance(2).unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"e"[..]));
    outbox.advance(1).unwrap();
    assert_eq!(outbox.chunk(), Next::Close);
    assert_eq!(outbox.chunk(), Next::Close);
}

#[test]
fn full_fixed_queue_gives_the_item_back() {
    let mut producer = SimpleProducer::new(&b"p"[..], 1);
    let mut outbox = FixedOutbox::<2>::new();
    outbox.push(b"a").unwrap();
    outbox.push(b"b").unwrap();
    let refused = outbox.push(b"c").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "outbox is full; the item was not queued"
    );
    assert_eq!(refused.into_inner().as_bytes(), b"c");
    assert!(matches!(
        outbox.push_producer_ref(&mut producer),
        Err(PushError::Full(_))
    ));
}

#[test]
fn clear_drops_everything_and_reports_a_pending_close() {
    let mut outbox = FixedOutbox::<4>::new();
    outbox.push(b"abc").unwrap();
    assert!(!outbox.clear());
    outbox.push(b"abc").unwrap();
    outbox.close_when_done();
    assert!(outbox.clear());
    assert_eq!(outbox.queued_bytes(), 0);
    assert_eq!(outbox.chunk(), Next::Idle);
    outbox.push(b"again").unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"again"[..]));
}

#[test]
fn producers_are_polled_lazily_in_order() {
    let mut first = Scripted::new(
        0,
        vec![
            Step::Chunk(b"one".to_vec()),
            Step::NotYet,
            Step::Chunk(b"two".to_vec()),
        ],
    );
    let mut second = Scripted::new(1, vec![Step::Chunk(b"three".to_vec())]);
    {
        let mut outbox = FixedOutbox::<4>::new();
        outbox.push(b"head").unwrap();
        outbox.push_producer_ref(&mut first).unwrap();
        outbox.push_producer_ref(&mut second).unwrap();
        let (wire, _, _) = drain(&mut outbox, &[100]);
        // "Not yet" stops the outbox at the first producer; the second waits.
        assert_eq!(wire, b"headone");
        let (wire, _, _) = drain(&mut outbox, &[100]);
        assert_eq!(wire, b"twothree");
    }
    assert!(first.polls > 0);
    let mut never = Scripted::new(2, vec![Step::Chunk(b"x".to_vec())]);
    {
        let mut outbox = FixedOutbox::<4>::new();
        outbox.push(b"head").unwrap();
        outbox.push_producer_ref(&mut never).unwrap();
        assert_eq!(outbox.chunk(), Next::Write(&b"head"[..]));
        outbox.advance(3).unwrap();
        assert_eq!(outbox.chunk(), Next::Write(&b"d"[..]));
    }
    assert_eq!(never.polls, 0, "polled before reaching the head");
}

#[test]
fn iter_producer_skips_empty_chunks() {
    let mut producer = IterProducer::new(vec![&b""[..], b"ab", b"", b"c"].into_iter());
    let mut outbox = FixedOutbox::<1>::new();
    outbox.push_producer_ref(&mut producer).unwrap();
    outbox.close_when_done();
    let (wire, chunks, closed) = drain(&mut outbox, &[1]);
    assert_eq!(
        (wire.as_slice(), chunks.as_slice(), closed),
        (&b"abc"[..], &[2, 1, 1][..], true)
    );
}

#[test]
fn backpressure_has_hysteresis() {
    let data = [0u8; 100];
    let mut outbox = FixedOutbox::<8>::new();
    outbox.set_watermarks(50, 150);
    outbox.push(&data).unwrap();
    assert!(!outbox.should_pause_reading());
    outbox.push(&data).unwrap();
    assert!(outbox.should_pause_reading(), "200 > 150");
    let _ = outbox.chunk();
    outbox.advance(100).unwrap();
    assert!(
        outbox.should_pause_reading(),
        "100 is still above the low mark"
    );
    let _ = outbox.chunk();
    outbox.advance(50).unwrap();
    assert!(!outbox.should_pause_reading(), "50 <= 50");
    assert_eq!(outbox.queued_bytes(), 50);
}

#[test]
fn producer_chunk_larger_than_max_comes_in_pieces() {
    struct Once(Vec<u8>, usize);
    impl Producer for Once {
        fn chunk(&mut self) -> Produced<'_> {
            if self.1 == self.0.len() {
                Produced::Done
            } else {
                Produced::Chunk(&self.0[self.1..])
            }
        }
        fn advance(&mut self, n: usize) {
            self.1 += n;
        }
    }
    let mut producer = Once(vec![1; 10], 0);
    let mut outbox = FixedOutbox::<1>::new();
    outbox.set_max_chunk_len(3);
    outbox.push_producer_ref(&mut producer).unwrap();
    let (wire, chunks, _) = drain(&mut outbox, &[usize::MAX]);
    assert_eq!((wire.len(), chunks), (10, vec![3, 3, 3, 1]));
}

#[cfg(feature = "std")]
#[test]
fn vectored_fill_gathers_small_pushes() {
    use std::io::IoSlice;
    const DATA: [u8; 8] = [9; 8];
    let mut producer = SimpleProducer::new(&b"PPPP"[..], 3);
    let mut outbox = FixedOutbox::<8>::new();
    outbox.set_max_chunk_len(10);
    outbox.push(b"ab").unwrap();
    outbox.push(b"cd").unwrap();
    outbox.push_producer_ref(&mut producer).unwrap();
    outbox.push(b"ef").unwrap();
    let mut slices = [IoSlice::new(&[]); 8];
    let filled = outbox.chunks_vectored(&mut slices);
    // Buffers up to the producer, which is not at the head yet.
    assert_eq!(filled, Next::Write(2));
    assert_eq!((&*slices[0], &*slices[1]), (&b"ab"[..], &b"cd"[..]));
    outbox.advance(3).unwrap();
    let mut slices = [IoSlice::new(&[]); 8];
    let filled = outbox.chunks_vectored(&mut slices);
    assert_eq!((filled, &*slices[0]), (Next::Write(1), &b"d"[..]));
    outbox.advance(1).unwrap();
    // The producer at the head contributes its chunk, and nothing after it.
    let mut slices = [IoSlice::new(&[]); 8];
    let filled = outbox.chunks_vectored(&mut slices);
    assert_eq!((filled, &*slices[0]), (Next::Write(1), &b"PPP"[..]));
    outbox.advance(3).unwrap();
    let mut slices = [IoSlice::new(&[]); 8];
    let filled = outbox.chunks_vectored(&mut slices);
    assert_eq!((filled, &*slices[0]), (Next::Write(1), &b"P"[..]));
    outbox.advance(1).unwrap();
    let mut slices = [IoSlice::new(&[]); 8];
    let filled = outbox.chunks_vectored(&mut slices[..1]);
    assert_eq!((filled, &*slices[0]), (Next::Write(1), &b"ef"[..]));
    outbox.advance(0).unwrap();
    // The maximum caps the total.
    outbox.push(&DATA).unwrap();
    outbox.push(&DATA).unwrap();
    let mut slices = [IoSlice::new(&[]); 8];
    let Next::Write(filled) = outbox.chunks_vectored(&mut slices) else {
        panic!("nothing to write");
    };
    let lens: Vec<usize> = slices[..filled].iter().map(|s| s.len()).collect();
    assert_eq!(lens, [2, 8]);
}

fn random_ops(rng: &mut Rng, count: usize) -> Vec<Op> {
    let bytes = |rng: &mut Rng| -> Vec<u8> {
        let len = rng.below(12);
        (0..len).map(|_| rng.below(256) as u8).collect()
    };
    (0..count)
        .map(|_| match rng.below(12) {
            0 | 1 => Op::PushBorrowed(bytes(rng)),
            2 => Op::PushOwned(bytes(rng)),
            3 => Op::PushProducer(
                (0..rng.below(4))
                    .map(|_| {
                        if rng.below(3) == 0 {
                            Step::NotYet
                        } else {
                            Step::Chunk(bytes(rng))
                        }
                    })
                    .collect(),
            ),
            4 => Op::CloseWhenDone,
            5 if rng.below(4) == 0 => Op::Clear,
            6 => Op::SetMaxChunk(rng.below(9) as u16),
            7 => Op::OverAdvance,
            8 => Op::WriteVectored {
                n: rng.below(20) as u16,
                slots: rng.below(4) as u8,
            },
            _ => Op::Write(rng.below(10) as u16),
        })
        .collect()
}

#[test]
fn random_operations_against_the_model() {
    let mut rng = Rng::new(42);
    let rounds = if cfg!(miri) { 20 } else { 3000 };
    for _ in 0..rounds {
        let count = rng.below(40);
        let mut ops = random_ops(&mut rng, count);
        // Finish by writing everything out.
        ops.extend(std::iter::repeat_n(Op::Write(u16::MAX), 60));
        check::<asynchat::Fixed<4>>(&ops, Some(4));
        #[cfg(feature = "alloc")]
        check::<asynchat::Growable>(&ops, None);
    }
}

/// A producer is polled once per chunk handed out, and a finished one once more;
/// the outbox never asks twice to learn what it already knows.
#[test]
fn producer_is_asked_once_per_chunk() {
    struct Counted<'p> {
        inner: SimpleProducer<&'p [u8]>,
        polls: usize,
    }
    impl Producer for Counted<'_> {
        fn chunk(&mut self) -> Produced<'_> {
            self.polls += 1;
            self.inner.chunk()
        }
        fn advance(&mut self, n: usize) {
            self.inner.advance(n);
        }
    }
    let mut producer = Counted {
        inner: SimpleProducer::new(&b"abcdef"[..], 2),
        polls: 0,
    };
    {
        let mut outbox = FixedOutbox::<2>::new();
        outbox.push_producer_ref(&mut producer).unwrap();
        outbox.push(b"!").unwrap();
        outbox.close_when_done();
        let mut wire = Vec::new();
        loop {
            match outbox.chunk() {
                Next::Write(chunk) => {
                    wire.extend_from_slice(chunk);
                    let n = chunk.len();
                    outbox.advance(n).unwrap();
                }
                Next::Idle => panic!("idle with everything queued"),
                Next::Close => break,
            }
        }
        assert_eq!(wire, b"abcdef!");
    }
    // Three chunks, then one poll that says "done".
    assert_eq!(producer.polls, 4);
}

#[cfg(feature = "std")]
#[test]
fn vectored_says_idle_and_close_as_chunk_does() {
    use std::io::IoSlice;
    let mut later = IterProducer::new([&b"x"[..]].into_iter());
    let mut outbox = FixedOutbox::<4>::new();
    let mut slices = [IoSlice::new(&[]); 4];
    assert_eq!(outbox.chunks_vectored(&mut slices), Next::Idle);
    outbox.push_producer_ref(&mut later).unwrap();
    outbox.close_when_done();
    let mut slices = [IoSlice::new(&[]); 4];
    assert_eq!(outbox.chunks_vectored(&mut slices), Next::Write(1));
    outbox.advance(1).unwrap();
    // The producer is done: found out, dropped, and the close is due.
    let mut slices = [IoSlice::new(&[]); 4];
    assert_eq!(outbox.chunks_vectored(&mut slices), Next::Close);
    assert!(outbox.is_empty());
    assert_eq!(outbox.queued_items(), 0);
    assert_eq!(outbox.queued_producers(), 0);
}

/// `advance` is checked against what is left of the chunk handed out, across
/// several calls for one chunk.
#[test]
fn advance_counts_down_what_was_handed_out() {
    let mut outbox = FixedOutbox::<2>::new();
    outbox.push(b"hello").unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"hello"[..]));
    outbox.advance(3).unwrap();
    let error = outbox.advance(3).unwrap_err();
    assert_eq!((error.written, error.offered), (3, 2));
    outbox.advance(2).unwrap();
    assert!(outbox.is_empty());
}

/// The state views, at each turn of a connection's life.
#[test]
fn views_follow_the_queue() {
    let mut outbox = FixedOutbox::<2>::new();
    assert!(outbox.is_empty() && !outbox.wants_write() && !outbox.is_closing());
    outbox.push(b"hi").unwrap();
    assert!(!outbox.is_empty() && outbox.wants_write() && !outbox.is_closing());
    assert_eq!(
        format!("{outbox:?}"),
        "Outbox { queued_items: 1, queued_bytes: 2, queued_producers: 0, closing: false, .. }"
    );
    let _ = outbox.chunk();
    outbox.advance(2).unwrap();
    assert!(outbox.is_empty() && !outbox.wants_write());
    outbox.close_when_done();
    assert!(outbox.is_empty() && outbox.wants_write() && outbox.is_closing());
    assert!(outbox.clear(), "a close was pending");
    assert!(!outbox.wants_write() && !outbox.is_closing());
}

/// Reading pauses only above the high watermark, not at it.
#[test]
fn high_watermark_is_a_bound_not_a_trigger() {
    let mut outbox = FixedOutbox::<4>::new();
    outbox.set_watermarks(2, 4);
    outbox.push(b"abcd").unwrap();
    assert!(!outbox.should_pause_reading(), "4 bytes, at the mark");
    outbox.push(b"e").unwrap();
    assert!(outbox.should_pause_reading(), "5 bytes, above it");
}

/// A finished producer found by `chunk` leaves its slot in a full fixed queue to
/// the next push.
#[test]
fn a_finished_producer_makes_room() {
    let mut done = SimpleProducer::new(&b""[..], 1);
    let mut outbox = FixedOutbox::<1>::new();
    outbox.push_producer_ref(&mut done).unwrap();
    assert_eq!(outbox.chunk(), Next::Idle);
    assert!(outbox.is_empty());
    outbox.push(b"next").unwrap();
    assert_eq!(outbox.chunk(), Next::Write(&b"next"[..]));
}

/// A refused push says why, and its `Debug` does not dump the item.
#[test]
fn push_errors_print_what_went_wrong() {
    let mut outbox = FixedOutbox::<1>::new();
    outbox.push(b"a").unwrap();
    let full = outbox.push(b"b").unwrap_err();
    assert_eq!(format!("{full:?}"), "Full(..)");
    assert_eq!(full.to_string(), "outbox is full; the item was not queued");
    outbox.close_when_done();
    let closed = outbox.push(b"c").unwrap_err();
    assert_eq!(format!("{closed:?}"), "Closed(..)");
    assert_eq!(
        closed.to_string(),
        "outbox is closing (close_when_done); the item was not queued"
    );
}

/// `Reply` through the trait, as protocol code sees it: the outbox's own answers.
#[test]
fn an_outbox_replies_through_the_trait() {
    use asynchat::{FixedOutbox, Reply};
    fn state<'a>(out: &impl Reply<'a>) -> (bool, usize) {
        (out.is_closing(), out.queued_bytes())
    }
    let mut outbox = FixedOutbox::<'static, 2>::new();
    assert_eq!(state(&outbox), (false, 0));
    Reply::push(&mut outbox, &b"hello"[..]).unwrap();
    assert_eq!(state(&outbox), (false, 5));
    Reply::push(&mut outbox, &b"!"[..]).unwrap();
    assert!(matches!(
        Reply::push(&mut outbox, &b"?"[..]),
        Err(asynchat::PushError::Full(_))
    ));
    Reply::close_when_done(&mut outbox);
    assert_eq!(state(&outbox), (true, 6));
}

/// Length-prefixed frames: exact bytes on the wire with writes of every size, 0
/// (would block) between them; and the framer reads the same frames back.
#[test]
fn length_prefixed_frames_with_partial_writes_of_every_size() {
    use asynchat::{ByteOrder, Event, Framer, LengthPrefix, Terminator};
    let prefixes = [
        (
            LengthPrefix::fixed(2, ByteOrder::BigEndian),
            &b"\x00\x05hello\x00\x00"[..],
        ),
        (
            LengthPrefix::fixed(3, ByteOrder::LittleEndian).adjust(-3),
            b"\x08\x00\x00hello\x03\x00\x00",
        ),
        (LengthPrefix::varint(), b"\x05hello\x00"),
        (LengthPrefix::netstring(), b"5:hello,0:,"),
        (
            LengthPrefix::varint().trailer(b"\r\n"),
            b"\x05hello\r\n\x00\r\n",
        ),
    ];
    for (prefix, expected) in prefixes {
        for size in 0..=expected.len() + 1 {
            let mut outbox = FixedOutbox::<8>::new();
            outbox.push_length_prefixed(&prefix, b"hello").unwrap();
            outbox.push_length_prefixed(&prefix, b"").unwrap();
            outbox.close_when_done();
            let (wire, _, closed) = drain(&mut outbox, &[size.max(1), 0]);
            assert_eq!(wire, expected, "{prefix:?}, write size {size}");
            assert!(closed);
            assert_eq!(outbox.queued_bytes(), 0);
        }
        let mut framer = Framer::new(Terminator::LengthPrefixed(prefix));
        let (mut input, mut frames, mut frame) = (expected, Vec::new(), Vec::new());
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(data) => frame.extend_from_slice(data),
                Event::Terminator => frames.push(std::mem::take(&mut frame)),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(frames, [&b"hello"[..], b""]);
    }
}

/// A length-prefixed frame goes in whole or not at all, and what cannot be written
/// is refused with the body given back.
#[test]
fn length_prefixed_pushes_refused_whole() {
    use asynchat::{ByteOrder, EncodeError, LengthPrefix, PushFrameError};
    let netstring = LengthPrefix::netstring();
    let mut outbox = FixedOutbox::<4>::new();
    outbox.push(b"a").unwrap();
    outbox.push(b"b").unwrap();
    // Three items (header, body, comma) do not fit in the two left.
    let refused = outbox.push_length_prefixed(&netstring, b"xyz").unwrap_err();
    assert!(matches!(refused, PushFrameError::Push(PushError::Full(_))));
    assert_eq!(refused.into_inner().as_bytes(), b"xyz");
    assert_eq!((outbox.queued_items(), outbox.queued_bytes()), (2, 2));
    let one_byte = LengthPrefix::fixed(1, ByteOrder::BigEndian);
    outbox.push_length_prefixed(&one_byte, b"xyz").unwrap();
    assert_eq!((outbox.queued_items(), outbox.queued_bytes()), (4, 6));
    let too_long = [0u8; 256];
    let mut roomy = FixedOutbox::<4>::new();
    let refused = roomy
        .push_length_prefixed(&one_byte, &too_long)
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "frame not queued: the body's length does not fit the length field"
    );
    assert!(matches!(
        refused,
        PushFrameError::Length(EncodeError::TooLong, _)
    ));
    assert_eq!(refused.into_inner().as_bytes().len(), 256);
    let custom = LengthPrefix::custom(|_| Ok(asynchat::Decoded::Incomplete));
    assert!(matches!(
        roomy.push_length_prefixed(&custom, b"x"),
        Err(PushFrameError::Length(EncodeError::Custom, _))
    ));
    assert!(matches!(
        roomy.push_length_prefixed(&one_byte.offset(1), b"x"),
        Err(PushFrameError::Length(EncodeError::Offset, _))
    ));
    assert!(roomy.is_empty());
    roomy.close_when_done();
    assert!(matches!(
        roomy.push_length_prefixed(&one_byte, b"x"),
        Err(PushFrameError::Push(PushError::Closed(_)))
    ));
}
