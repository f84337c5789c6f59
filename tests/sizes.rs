//! What each connection costs in memory, on 64-bit targets: upper bounds on the
//! values a server keeps per connection, so that a field added by mistake to a
//! per-connection value shows up, while a deliberate one needs no exact-size edit.

#![cfg(target_pointer_width = "64")]

use std::mem::size_of;

use asynchat::{FixedOutbox, Framer};

#[test]
fn per_connection_sizes() {
    // Two copies of the terminator capacity (the terminator and the held-back
    // bytes) and a few words: the ends of several delimiters, a length prefix, and
    // with `std` on x86_64 the first-byte searcher.
    assert!(
        size_of::<Framer>() <= 2 * 64 + 144,
        "Framer: {}",
        size_of::<Framer>()
    );
    assert!(
        size_of::<Framer<8>>() <= 2 * 8 + 144,
        "Framer<8>: {}",
        size_of::<Framer<8>>()
    );
    // An entry is larger when it may hold `bytes::Bytes` (four words).
    let outbox = size_of::<FixedOutbox<'static, 8>>();
    assert!(outbox <= 8 * 64, "FixedOutbox<8>: {outbox}");
}

#[cfg(feature = "alloc")]
#[test]
fn vec_outbox_size() {
    let size = size_of::<asynchat::VecOutbox<'static>>();
    assert!(size <= 128, "VecOutbox, before any push: {size}");
}

#[cfg(feature = "std")]
#[test]
fn channel_size() {
    use asynchat::channel::{Context, Handler, DEFAULT_READ_BUFFER_LEN};
    use asynchat::Channel;

    struct Stateless;
    impl Handler for Stateless {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, _ctx: &mut Context<'_>) {}
    }
    // The channel itself, with a 4-byte stream and a handler of no size: the
    // framer, the outbox, the idle and frame clocks and a few words. Its read
    // buffer is on the heap.
    let size = size_of::<Channel<std::net::TcpStream, Stateless>>();
    assert!(size <= size_of::<Framer>() + 320, "Channel: {size}");
    assert_eq!(DEFAULT_READ_BUFFER_LEN, 64 * 1024);
}

#[cfg(feature = "tokio")]
#[test]
fn codec_size() {
    let size = size_of::<asynchat::tokio::FrameCodec>();
    assert!(size <= size_of::<Framer>() + 48, "FrameCodec: {size}");
}
