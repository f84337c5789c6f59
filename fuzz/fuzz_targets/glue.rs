//! The Channel over an in-memory stream whose reads and writes return arbitrary
//! sizes, `WouldBlock` and `Interrupted`: nothing may be lost or reordered.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/glue_model.rs"]
mod glue_model;

use glue_model::IoStep;

fuzz_target!(|input: (Vec<Vec<u8>>, Vec<IoStep>, Vec<IoStep>)| {
    let (messages, reads, writes) = input;
    glue_model::check(&messages, &reads, &writes);
});
