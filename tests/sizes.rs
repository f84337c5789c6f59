//! What each connection costs in memory, as the README's performance section says:
//! the sizes of the values a server keeps per connection, on 64-bit targets. A
//! change here is a change of the README's table.

#![cfg(target_pointer_width = "64")]

use std::mem::size_of;

use asynchat::{FixedOutbox, Framer};

#[test]
fn per_connection_sizes() {
    // With `std` on x86_64 the framer keeps a reference to its AVX2 first-byte
    // searcher (and the byte it finds): 24 bytes more.
    let searcher = if cfg!(all(feature = "std", target_arch = "x86_64")) {
        24
    } else {
        0
    };
    assert_eq!(
        size_of::<Framer>(),
        192 + searcher,
        "Framer (64-byte terminator capacity)"
    );
    assert_eq!(size_of::<Framer<8>>(), 80 + searcher, "Framer<8>");
    // An entry is larger when it may hold `bytes::Bytes` (four words).
    let fixed = if cfg!(feature = "bytes") { 472 } else { 344 };
    assert_eq!(
        size_of::<FixedOutbox<'static, 8>>(),
        fixed,
        "FixedOutbox<8>"
    );
}

#[cfg(feature = "alloc")]
#[test]
fn vec_outbox_size() {
    let size = size_of::<asynchat::VecOutbox<'static>>();
    assert_eq!(size, 96, "VecOutbox, before any push");
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
    // The channel itself, with a 4-byte stream and a handler of no size; its read
    // buffer is on the heap.
    let searcher = if cfg!(target_arch = "x86_64") { 24 } else { 0 };
    assert_eq!(
        size_of::<Channel<std::net::TcpStream, Stateless>>(),
        352 + searcher
    );
    assert_eq!(DEFAULT_READ_BUFFER_LEN, 64 * 1024);
}

#[cfg(feature = "tokio")]
#[test]
fn codec_size() {
    let searcher = if cfg!(target_arch = "x86_64") { 24 } else { 0 };
    assert_eq!(size_of::<asynchat::tokio::FrameCodec>(), 208 + searcher);
}
