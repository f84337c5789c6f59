//! Arbitrary bytes, split points, terminator programs and frame limits: the framer's
//! events, merged, must equal the whole-buffer reference model's for the same split
//! and for the one-slice feed; nothing may panic; held-back bytes stay bounded (the
//! model checks that as it runs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/framer_model.rs"]
mod framer_model;

use framer_model::{Case, Term};

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    input: Vec<u8>,
    initial: Term,
    program: Vec<Option<Term>>,
    max_frame_len: Option<u8>,
    slice_lens: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let case = Case {
        input: input.input,
        initial: input.initial,
        program: input.program,
        max_frame_len: input.max_frame_len.map(u64::from),
    };
    // Up to 47 bytes: both sides of the framer's short-input path (16 bytes).
    let lens: Vec<usize> = input.slice_lens.iter().map(|&l| usize::from(l % 48)).collect();
    case.check(&lens);
    case.check(&[]);
});
