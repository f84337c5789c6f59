//! A `Channel` over a Unix socket pair, blocking: the `Transport` of `UnixStream`
//! (shutting down the writing half, bounding the linger), what a handler's
//! `Context` shows, and the defaults of a `FrameHandler` behind `Frames`.

#![cfg(all(unix, feature = "std"))]

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use asynchat::channel::{Context, FrameHandler, Frames, Handler};
use asynchat::{Channel, Terminator, Truncated};

/// Replies `bye` to the first line and closes, after noting what its context shows.
struct Views(mpsc::Sender<String>);

impl Handler for Views {
    fn collect_incoming_data(&mut self, data: &[u8], ctx: &mut Context<'_>) {
        let _ = self.0.send(format!(
            "data {:?} ends_frame {}",
            String::from_utf8_lossy(data),
            ctx.ends_frame()
        ));
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        ctx.set_max_frame_len(Some(100));
        let before = (ctx.max_frame_len(), ctx.is_closing(), ctx.queued_bytes());
        ctx.push(&b"bye\n"[..]).unwrap();
        ctx.close_when_done();
        let after = (ctx.is_closing(), ctx.queued_bytes());
        let _ = self.0.send(format!("{before:?} {after:?} {ctx:?}"));
    }
}

#[test]
fn a_unix_socket_channel_shuts_down_its_writing_half_and_context_shows_its_state() {
    let (ours, mut peer) = UnixStream::pair().unwrap();
    let (views, seen) = mpsc::channel();
    let server = thread::spawn(move || {
        let mut channel = Channel::new(ours, Views(views), Terminator::literal(b"\n"));
        // Reads of 2 bytes: "on" does not end its frame, "e\n" does.
        channel.set_read_buffer_len(2);
        // Longer than the peer waits below: the EOF must come from the shutdown.
        channel.set_linger(Duration::from_secs(30));
        channel.run()
    });
    peer.write_all(b"one\nignored\n").unwrap();
    let mut reply = [0; 4];
    peer.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"bye\n");
    // The channel shut down its writing half: the end of the stream arrives while
    // this side still holds the socket open.
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(
        peer.read(&mut reply).map_err(|e| e.kind()),
        Ok(0),
        "no EOF after the reply"
    );
    drop(peer);
    server.join().unwrap().unwrap();
    let seen: Vec<String> = seen.iter().collect();
    assert_eq!(
        seen,
        [
            "data \"on\" ends_frame false".to_string(),
            "data \"e\" ends_frame true".to_string(),
            "(Some(100), false, 0) (true, 4) Context { terminator: Bytes(b\"\\n\"), \
             max_frame_len: Some(100), queued_bytes: 4, closing: true }"
                .to_string(),
        ]
    );
}

#[test]
fn a_blocking_linger_ends_when_the_peer_stays_silent() {
    let (ours, peer) = UnixStream::pair().unwrap();
    let (views, _seen) = mpsc::channel();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let mut channel = Channel::new(ours, Views(views), Terminator::literal(b"\n"));
        channel.set_linger(Duration::from_millis(50));
        let _ = done.send(channel.run().map_err(|e| e.kind()));
    });
    let mut peer = peer;
    peer.write_all(b"x\n").unwrap();
    // The peer neither reads nor closes; the read timeout bounds the linger.
    let result = finished.recv_timeout(Duration::from_secs(20));
    assert_eq!(result, Ok(Ok(())), "the channel did not give up lingering");
    let mut reply = Vec::new();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    match peer.read_to_end(&mut reply) {
        Ok(_) => assert_eq!(reply, b"bye\n"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
    }
}

/// Frames only, with every default left as it is; records the end.
struct Quiet(mpsc::Sender<Result<(), Truncated>>);

impl FrameHandler for Quiet {
    fn handle_frame(&mut self, _frame: &[u8], _ctx: &mut Context<'_>) {}

    fn handle_eof(&mut self, end: Result<(), Truncated>, _ctx: &mut Context<'_>) {
        let _ = self.0.send(end);
    }
}

/// A minimal frame handler: only `handle_frame`.
struct Minimal;

impl FrameHandler for Minimal {
    fn handle_frame(&mut self, _frame: &[u8], ctx: &mut Context<'_>) {
        ctx.set_max_frame_len(Some(4));
    }
}

#[test]
fn frames_pass_the_end_on_and_close_on_a_frame_too_long_by_default() {
    // The end of the stream reaches the frame handler, with the truncation.
    let (ours, mut peer) = UnixStream::pair().unwrap();
    let (ends, end) = mpsc::channel();
    let server = thread::spawn(move || {
        Channel::new(ours, Frames::new(Quiet(ends)), Terminator::literal(b"\n")).run()
    });
    peer.write_all(b"ok\npartial").unwrap();
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    server.join().unwrap().unwrap();
    let end = end.recv().unwrap().unwrap_err();
    assert_eq!((end.frame_len, end.position), (7, 10));

    // By default a frame over the limit closes the connection: the peer's next
    // line is never served, and the stream ends.
    let (ours, mut peer) = UnixStream::pair().unwrap();
    let server = thread::spawn(move || {
        let mut channel = Channel::new(ours, Frames::new(Minimal), Terminator::literal(b"\n"));
        channel.set_linger(Duration::from_millis(50));
        channel.run()
    });
    peer.write_all(b"ok\nfar too long\n").unwrap();
    server.join().unwrap().unwrap();
    let mut rest = Vec::new();
    peer.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}

/// Over a Unix socket too, `run()` bounds a write to a peer that never reads, and
/// a read from one that never sends, by the idle timeout.
#[test]
fn run_times_out_a_unix_peer_that_never_reads_or_never_sends() {
    struct Big;
    impl Handler for Big {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push(vec![b'z'; 64 << 20]).unwrap();
        }
    }
    for request in [&b"GET\n"[..], b""] {
        let (ours, mut peer) = UnixStream::pair().unwrap();
        peer.write_all(request).unwrap();
        let mut channel = Channel::new(ours, Big, Terminator::literal(b"\n"));
        channel.set_idle_timeout(Some(Duration::from_millis(300)));
        let start = std::time::Instant::now();
        let error = channel.run().unwrap_err();
        assert!(
            matches!(
                asynchat::channel::Timeout::of(&error),
                Some(asynchat::channel::Timeout::Idle(_))
            ),
            "{error}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        drop(peer);
    }
}
