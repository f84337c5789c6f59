//! Arbitrary bytes, split points, terminator and limit programs: the framer's events,
//! merged, must equal the whole-buffer reference model's, for this split and for the
//! one-slice feed, with the fast path on and off, and with the end of the stream
//! announced before or after the last slice; nothing may panic; held-back bytes stay
//! bounded and a frame never grows past its limit (the model checks both as it runs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/framer_model.rs"]
mod framer_model;

use framer_model::{Case, Change, Term};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    input: Vec<u8>,
    initial: Term,
    max_frame_len: Option<u8>,
    program: Vec<Change>,
    slice_lens: Vec<u8>,
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
        program,
    };
    // Up to 47 bytes: both sides of the search's short-input loop (16 bytes).
    let lens: Vec<usize> = input.slice_lens.iter().map(|&l| usize::from(l % 48)).collect();
    case.check(&lens);
    case.check(&[]);
});
