//! Arbitrary pushes (borrowed, owned, producers with "not yet" scripts), closes,
//! partial and vectored writes, over-advances and clears: the bytes written must be
//! the model's, the close never early, refused pushes handed back.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/support/outbox_model.rs"]
mod outbox_model;

fuzz_target!(|ops: Vec<outbox_model::Op>| {
    outbox_model::check::<asynchat::Fixed<4>>(&ops, Some(4));
    outbox_model::check::<asynchat::Growable>(&ops, None);
});
