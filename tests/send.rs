//! The crate's values move between threads whenever what they hold can: checked at
//! compile time, and by serving a connection on a thread other than the one that
//! accepted it.

use asynchat::{Fixed, FrameReader, Framer, Outbox, SliceBuffer};

fn assert_send<T: Send>() {}

#[test]
fn core_values_are_send() {
    assert_send::<Framer>();
    assert_send::<Outbox<'static, Fixed<8>>>();
    assert_send::<FrameReader<SliceBuffer<'static>>>();
}

#[cfg(feature = "std")]
#[test]
fn a_channel_is_accepted_on_one_thread_and_served_on_another() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    use asynchat::channel::{Context, Handler};
    use asynchat::{Channel, SimpleProducer, Terminator, VecOutbox};

    assert_send::<VecOutbox<'static>>();
    assert_send::<FrameReader<Vec<u8>>>();

    /// Replies to one line through a producer, which must be `Send` too.
    struct Reply;
    impl Handler for Reply {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push_producer(SimpleProducer::new(b"moved\n".to_vec(), 2))
                .unwrap();
            ctx.close_when_done();
        }
    }
    assert_send::<Channel<TcpStream, Reply>>();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, _) = listener.accept().unwrap();
    let mut channel = Channel::new(stream, Reply, Terminator::literal(b"\n"));
    let serving = std::thread::spawn(move || channel.run().unwrap());
    client.write_all(b"hi\n").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "moved\n");
    serving.join().unwrap();
}

#[cfg(feature = "tokio")]
#[test]
fn tokio_values_are_send() {
    assert_send::<asynchat::tokio::FrameCodec>();
    assert_send::<asynchat::Frame<bytes::BytesMut>>();
    assert_send::<asynchat::Outgoing<'static>>();
    // The drain's future holds the outbox across awaits: it must be `Send` for
    // `tokio::spawn` on the multi-threaded runtime.
    fn spawnable<F: std::future::Future + Send>(_: F) {}
    let mut outbox = asynchat::VecOutbox::new();
    let mut writer = tokio::io::sink();
    spawnable(asynchat::tokio::write_outbox(&mut writer, &mut outbox));
}

#[cfg(all(feature = "embedded-io", feature = "embedded-io-async"))]
#[test]
fn embedded_readers_are_send() {
    assert_send::<asynchat::embedded_io::FramedReader<'static, &'static [u8]>>();
    assert_send::<asynchat::embedded_io_async::FramedReader<'static, &'static [u8]>>();
}
