//! Arbitrary bytes, split points, terminator and limit programs: the framer's events,
//! merged, must equal the whole-buffer reference model's, for this split and for the
//! one-slice feed, with the fast path on and off, and with the end of the stream
//! announced before or after the last slice; nothing may panic; held-back bytes stay
//! bounded and a frame never grows past its limit (the model checks both as it runs).
//! The same case through a `FrameReader` over a small buffer must hand out the
//! reference's events gathered per frame, counts above the buffer refused.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/framer_model.rs"]
mod framer_model;

#[allow(dead_code)]
#[path = "../../tests/support/rng.rs"]
mod rng;

#[allow(dead_code)]
#[path = "../../tests/support/frames_model.rs"]
mod frames_model;

use asynchat::SliceBuffer;
use framer_model::{Case, Change, Term};
use frames_model::{capped, frame_reader_frames, gather};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    input: Vec<u8>,
    initial: Term,
    max_frame_len: Option<u8>,
    program: Vec<Change>,
    slice_lens: Vec<u8>,
    buffer_len: u8,
}

fuzz_target!(|input: Input| {
    // Small limits, so that frames often go past them.
    let program = input
        .program
        .into_iter()
        .map(|change| Change {
            term: change.term,
            max_frame_len: change.max_frame_len.map(|max| max.map(|max| max % 64)),
        })
        .collect();
    let case = Case {
        input: input.input,
        initial: input.initial,
        max_frame_len: input.max_frame_len.map(u64::from),
        max_count: None,
        program,
    };
    // Up to 47 bytes: both sides of the search's short-input loop (16 bytes).
    let lens: Vec<usize> = input
        .slice_lens
        .iter()
        .map(|&l| usize::from(l % 48))
        .collect();
    case.check(&lens);
    case.check(&[]);
    if case.initial.to_terminator().is_some() {
        let buffer_len = usize::from(input.buffer_len % 17);
        let expected =
            gather(capped(&case, Some(buffer_len as u64), Some(buffer_len as u64)).reference());
        let mut storage = [0; 16];
        let buffer = SliceBuffer::new(&mut storage[..buffer_len]);
        let got = frame_reader_frames(&case, buffer, &lens, true);
        assert_eq!(got, expected, "{case:?} {lens:?}");
    }
});
