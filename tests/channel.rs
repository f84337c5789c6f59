//! The `Channel` against hostile and busy peers, over real loopback sockets: frame
//! limits that keep the connection usable, bounded state under a flood, a close that
//! loses no reply, fair readiness calls, a `Count(0)` that fires at once, and one
//! read per request from a stream whose short reads empty it (an in-memory stream
//! that counts its reads).
#![cfg(feature = "std")]

mod support;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use asynchat::channel::Status;
use asynchat::channel::{Context, Handler, Transport, DEFAULT_MAX_FRAME_LEN};
use asynchat::{Channel, FrameKind, FrameTooLong, Terminator, Truncated};
use support::glue_model::Echo;
use support::sockets::socket_pair;

/// Answers each line with `OK <line>`, an oversized one with `ERROR line too long`
/// at its end, and closes on `QUIT`. Records the most it ever held.
#[derive(Default)]
struct Lines {
    line: Vec<u8>,
    most_held: usize,
    too_long: Vec<FrameTooLong>,
    discarded: Vec<u64>,
    end: Option<Result<(), Truncated>>,
}

impl Handler for Lines {
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.line.extend_from_slice(data);
        self.most_held = self.most_held.max(self.line.len());
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let line = std::mem::take(&mut self.line);
        if line == b"QUIT" {
            ctx.close_when_done();
        } else {
            ctx.push([&b"OK "[..], &line, b"\n"].concat()).unwrap();
        }
    }

    fn frame_too_long(&mut self, too_long: FrameTooLong, _ctx: &mut Context<'_>) {
        self.too_long.push(too_long);
        self.line = Vec::new();
    }

    fn frame_discarded(&mut self, frame_len: u64, _kind: FrameKind, ctx: &mut Context<'_>) {
        self.discarded.push(frame_len);
        ctx.push(&b"ERROR line too long\n"[..]).unwrap();
    }

    fn handle_eof(&mut self, end: Result<(), Truncated>, _ctx: &mut Context<'_>) {
        self.end = Some(end);
    }
}

#[test]
fn oversized_line_gets_the_handlers_reply_and_the_connection_goes_on() {
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
        channel.set_max_frame_len(Some(16));
        channel.run().unwrap();
        channel.into_parts().1
    });
    let long = vec![b'x'; 100];
    client
        .write_all(&[&b"hello\n"[..], &long, b"\nworld\nQUIT\n"].concat())
        .unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "OK hello\nERROR line too long\nOK world\n");
    let lines = serving.join().unwrap();
    assert_eq!(lines.most_held, 16);
    assert_eq!(lines.too_long.len(), 1);
    assert_eq!(lines.too_long[0].position, 6 + 16);
    assert_eq!(lines.discarded, [100]);
}

/// A handler that does not override `frame_too_long` closes: it must not take the
/// bytes after an oversized frame for a new message.
#[test]
fn by_default_an_oversized_frame_closes_the_connection() {
    #[derive(Default)]
    struct Naive(Vec<u8>, usize);
    impl Handler for Naive {
        fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
            self.0.extend_from_slice(data);
        }
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            self.1 += 1;
            ctx.push(std::mem::take(&mut self.0)).unwrap();
        }
    }
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Naive::default(), Terminator::literal(b"\n"));
        channel.run().unwrap();
        channel.into_parts().1
    });
    let long = vec![b'y'; DEFAULT_MAX_FRAME_LEN as usize + 1];
    let mut request = b"ok\n".to_vec();
    request.extend_from_slice(&long);
    request.extend_from_slice(b"\nnot a message\n");
    let writer = {
        let mut client = client.try_clone().unwrap();
        thread::spawn(move || {
            // The server may close before it reads everything.
            let _ = client.write_all(&request);
            let _ = client.shutdown(std::net::Shutdown::Write);
        })
    };
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).unwrap();
    writer.join().unwrap();
    assert_eq!(reply, b"ok");
    let naive = serving.join().unwrap();
    assert_eq!(naive.1, 1, "only the first line was a frame");
    assert_eq!(naive.0.len(), DEFAULT_MAX_FRAME_LEN as usize);
}

/// 100 MB without a terminator: the channel's framer holds nothing, the handler at
/// most the limit, the outbox nothing; then the line's end gets the error reply and
/// the next line is served.
#[test]
fn hundred_megabyte_line_leaves_the_state_bounded() {
    const TOTAL: usize = 100_000_000;
    let (server, mut client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let writer = {
        let mut client = client.try_clone().unwrap();
        thread::spawn(move || {
            let chunk = vec![b'z'; 1 << 16];
            let mut sent = 0;
            while sent < TOTAL {
                let n = chunk.len().min(TOTAL - sent);
                client.write_all(&chunk[..n]).unwrap();
                sent += n;
            }
            client.write_all(b"\nafter\nQUIT\n").unwrap();
            client.shutdown(std::net::Shutdown::Write).unwrap();
        })
    };
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
    let mut calls = 0u64;
    loop {
        let status = channel.handle_ready().unwrap();
        calls += 1;
        assert!(channel.framer().held_back().len() < 64);
        // Vec growth may double past the limit once, never more.
        assert!(channel.handler().line.capacity() <= 2 * DEFAULT_MAX_FRAME_LEN as usize);
        assert!(channel.queued_bytes() <= 64);
        match status {
            Status::Closed => break,
            Status::Busy => {}
            Status::Waiting => thread::sleep(Duration::from_micros(200)),
        }
    }
    writer.join().unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "ERROR line too long\nOK after\n");
    let lines = channel.into_parts().1;
    assert_eq!(lines.most_held, DEFAULT_MAX_FRAME_LEN as usize);
    assert_eq!(lines.discarded, [TOTAL as u64], "every byte went through");
    assert_eq!(lines.end, None, "no callback after QUIT's close");
    assert!(calls > 1);
}

/// `ECHO 1048576`, the message, `QUIT`, then 4 MiB the server never reads: the reply
/// arrives whole, because the channel lingers instead of resetting the connection.
#[test]
fn reply_arrives_whole_despite_unread_input_after_quit() {
    for blocking in [true, false] {
        let (server, mut client) = socket_pair();
        let message: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let mut request = format!("ECHO {}\n", message.len()).into_bytes();
        request.extend_from_slice(&message);
        request.extend_from_slice(b"QUIT\n");
        request.extend(std::iter::repeat_n(b'!', 4 << 20));
        let writer = {
            let mut client = client.try_clone().unwrap();
            thread::spawn(move || client.write_all(&request).is_ok())
        };
        let serving = thread::spawn(move || {
            let mut channel = Channel::new(server, Echo::default(), Terminator::literal(b"\n"));
            if blocking {
                channel.run().unwrap();
            } else {
                channel.stream().set_nonblocking(true).unwrap();
                while channel.handle_ready().unwrap() != Status::Closed {
                    thread::sleep(Duration::from_micros(100));
                }
            }
        });
        let mut reply = Vec::new();
        client.read_to_end(&mut reply).unwrap();
        assert_eq!(reply.len(), message.len(), "blocking: {blocking}");
        assert!(reply == message, "blocking: {blocking}");
        assert!(writer.join().unwrap(), "the server read all the input");
        drop(client);
        serving.join().unwrap();
    }
}

/// A peer that never closes cannot hold a lingering channel past its deadline.
#[test]
fn linger_ends_at_its_deadline() {
    let (server, mut client) = socket_pair();
    client.write_all(b"QUIT\n").unwrap();
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
    channel.set_linger(Duration::from_millis(50));
    channel.run().unwrap();
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).unwrap();
    assert!(reply.is_empty());
    assert_eq!(channel.deadline(), None);
}

/// One client pipelines 64 KiB echoes as fast as it can; another sends one echo.
/// Served round-robin, the quiet one's reply comes at its next call, because each
/// call on the busy one does a bounded amount of work and says `Busy`.
#[test]
fn flooding_client_does_not_starve_a_quiet_one() {
    let (flood_server, flood_client) = socket_pair();
    let (quiet_server, mut quiet_client) = socket_pair();
    flood_server.set_nonblocking(true).unwrap();
    quiet_server.set_nonblocking(true).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flooding = {
        let stop = Arc::clone(&stop);
        let mut writer = flood_client.try_clone().unwrap();
        thread::spawn(move || {
            let mut request = b"ECHO 65536\n".to_vec();
            request.extend(std::iter::repeat_n(b'f', 65536));
            while !stop.load(Ordering::Relaxed) {
                if writer.write_all(&request).is_err() {
                    break;
                }
            }
        })
    };
    let draining = {
        let mut reader = flood_client;
        thread::spawn(move || {
            let mut buf = vec![0; 1 << 16];
            while reader.read(&mut buf).is_ok_and(|n| n > 0) {}
        })
    };
    let mut flood = Channel::new(flood_server, Echo::default(), Terminator::literal(b"\n"));
    let mut quiet = Channel::new(quiet_server, Echo::default(), Terminator::literal(b"\n"));
    // Let the flood get going: its calls must be spending their budget. When a call
    // finds the socket drained, give the writer time to fill it again.
    let mut busy = 0;
    let start = std::time::Instant::now();
    while busy < 10 && start.elapsed() < Duration::from_secs(60) {
        match flood.handle_ready().unwrap() {
            Status::Busy => busy += 1,
            Status::Waiting => thread::sleep(Duration::from_millis(2)),
            Status::Closed => panic!("the flood's channel closed"),
        }
    }
    assert_eq!(busy, 10, "the flood never filled a call's budget");
    assert_eq!(quiet.handle_ready().unwrap(), Status::Waiting);
    // The request is in the server's socket buffer once `write_all` returns.
    quiet_client.write_all(b"ECHO 5\nhello").unwrap();
    quiet_client.set_nonblocking(true).unwrap();
    let (mut rounds, mut reply) = (0, Vec::new());
    while reply.len() < 5 && rounds < 100 {
        rounds += 1;
        assert_ne!(flood.handle_ready().unwrap(), Status::Closed);
        assert_ne!(quiet.handle_ready().unwrap(), Status::Closed);
        let mut buf = [0; 16];
        match quiet_client.read(&mut buf) {
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock),
        }
    }
    assert_eq!(reply, b"hello");
    assert!(rounds <= 2, "the quiet client waited {rounds} rounds");
    stop.store(true, Ordering::Relaxed);
    drop(flood);
    flooding.join().unwrap();
    draining.join().unwrap();
}

/// A `Count(0)` set when the connection opens fires at once: the client's first
/// reply needs no input.
#[test]
fn count_zero_set_at_connect_fires_without_input() {
    struct Greeter;
    impl Handler for Greeter {
        fn handle_connect(&mut self, ctx: &mut Context<'_>) {
            ctx.set_terminator(Terminator::Count(0));
        }
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push(&b"220 ready\n"[..]).unwrap();
            ctx.close_when_done();
        }
    }
    for blocking in [true, false] {
        let (server, mut client) = socket_pair();
        if blocking {
            thread::spawn(move || {
                Channel::new(server, Greeter, Terminator::literal(b"\n"))
                    .run()
                    .unwrap()
            });
        } else {
            let mut channel = Channel::new(server, Greeter, Terminator::literal(b"\n"));
            channel.stream().set_nonblocking(true).unwrap();
            // Replied, closed its writing half, and lingers with nothing to read.
            assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
            assert!(channel.deadline().is_some(), "replied and lingering");
            let mut reply = [0; 10];
            client.read_exact(&mut reply).unwrap();
            assert_eq!(&reply, b"220 ready\n");
            continue;
        }
        let mut reply = [0; 10];
        client.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"220 ready\n");
    }
}

/// The budget is the caller's to set: with one read per call, a call that finds
/// more than one read's worth returns `Busy` after the first.
#[test]
fn reads_per_call_bounds_each_call() {
    let (server, mut client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
    channel.set_read_buffer_len(4);
    channel.set_reads_per_call(1);
    client.write_all(b"ab\ncd\nef\n").unwrap();
    // Connect, then one 4-byte read: "ab\nc".
    assert_eq!(channel.handle_ready().unwrap(), Status::Busy);
    assert_eq!(channel.framer().position(), 4);
    let debug = format!("{channel:?}");
    assert!(debug.starts_with("Channel { state: Open"), "{debug}");
    assert_eq!(channel.handle_ready().unwrap(), Status::Busy);
    assert_eq!(channel.framer().position(), 8);
    channel.set_reads_per_call(0); // at least 1
    assert_eq!(channel.handle_ready().unwrap(), Status::Busy);
    assert_eq!(channel.framer().position(), 9);
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    let mut reply = [0; 15];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"OK ab\nOK cd\nOK ef\n"[..15].as_ref());
}

/// With no linger, a channel closes as soon as its last reply is written.
#[test]
fn zero_linger_closes_at_once() {
    let (server, mut client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
    channel.set_linger(Duration::ZERO);
    client.write_all(b"hi\nQUIT\n").unwrap();
    assert_eq!(channel.handle_ready().unwrap(), Status::Closed);
    assert_eq!(channel.deadline(), None);
    drop(channel);
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "OK hi\n");
}

/// The watermarks are the caller's to set: with high ones, a channel keeps reading
/// while megabytes of replies wait for a peer that does not read them (the default
/// high watermark, 64 KiB, would have paused it).
#[test]
fn watermarks_are_the_callers() {
    const LEN: usize = 16 << 20;
    let (server, client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let writer = {
        let mut client = client.try_clone().unwrap();
        thread::spawn(move || {
            let mut request = format!("ECHO {LEN}\n").into_bytes();
            request.resize(request.len() + LEN, b'w');
            // Fails once the server is dropped, if the test failed.
            let _ = client.write_all(&request);
        })
    };
    let mut channel = Channel::new(server, Echo::default(), Terminator::literal(b"\n"));
    channel.set_watermarks(1 << 30, 1 << 30);
    let total = (format!("ECHO {LEN}\n").len() + LEN) as u64;
    let start = std::time::Instant::now();
    while channel.framer().position() < total && start.elapsed() < Duration::from_secs(20) {
        if channel.handle_ready().unwrap() == Status::Waiting {
            thread::sleep(Duration::from_millis(1));
        }
    }
    assert_eq!(channel.framer().position(), total, "reading paused");
    assert!(channel.queued_bytes() > 64 * 1024);
    assert!(channel.wants_read());
    drop(channel);
    drop(client);
    writer.join().unwrap();
}

/// A lingering channel discards input within the same budget as an open one.
#[test]
fn lingering_keeps_to_the_budget() {
    let (server, mut client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
    channel.set_read_buffer_len(8);
    channel.set_reads_per_call(1);
    client.write_all(b"QUIT\n").unwrap();
    client.write_all(&[b'x'; 100]).unwrap();
    // One read: "QUIT\nxxx", the close, and the budget is spent.
    assert_eq!(channel.handle_ready().unwrap(), Status::Busy);
    assert!(channel.deadline().is_some());
    // Lingering: one read of discarded input per call.
    for _ in 0..3 {
        assert_eq!(channel.handle_ready().unwrap(), Status::Busy);
    }
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut calls = 0;
    while channel.handle_ready().unwrap() != Status::Closed {
        calls += 1;
        assert!(
            calls < 100,
            "the peer's end never closed the lingering channel"
        );
    }
}

/// Bytes held back as a possible terminator that turn out to be data reach the
/// handler as data, before the bytes after them.
#[test]
fn held_back_bytes_reach_the_handler_in_order() {
    let (server, mut client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\r\n"));
    client.write_all(b"ab\r").unwrap();
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    assert_eq!(channel.framer().held_back(), b"\r");
    assert!(!channel.wants_write(), "nothing to write");
    client.write_all(b"x\r\n").unwrap();
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    let mut reply = [0; 8];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"OK ab\rx\n");
}

/// `wants_write` follows the outbox: true while a reply waits for a peer that does
/// not read, false once the channel lingers.
#[test]
fn wants_write_follows_the_outbox() {
    let (server, client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Echo::default(), Terminator::literal(b"\n"));
    // With no idle timeout, the only deadline is the linger's.
    channel.set_idle_timeout(None);
    assert!(!channel.wants_write());
    let mut writer = client.try_clone().unwrap();
    let request = {
        let mut request = format!("ECHO {}\nQUIT\n", 8 << 20).into_bytes();
        request.splice(
            request.len() - 5..request.len() - 5,
            std::iter::repeat_n(b'e', 8 << 20),
        );
        request
    };
    let sending = thread::spawn(move || writer.write_all(&request).unwrap());
    while channel.queued_bytes() == 0 {
        if channel.handle_ready().unwrap() == Status::Waiting {
            thread::sleep(Duration::from_millis(1));
        }
    }
    assert!(channel.wants_write(), "a reply waits for the peer");
    let draining = {
        let mut reader = client.try_clone().unwrap();
        thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()).unwrap())
    };
    while channel.deadline().is_none() {
        if channel.handle_ready().unwrap() == Status::Waiting {
            thread::sleep(Duration::from_millis(1));
        }
    }
    assert!(!channel.wants_write(), "lingering: nothing more to write");
    sending.join().unwrap();
    drop(client);
    while channel.handle_ready().unwrap() != Status::Closed {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(draining.join().unwrap(), 8 << 20);
}

/// An in-memory stream for counting reads: it hands out `chunks` one per read, then
/// says `WouldBlock`, or the end once `ended`. Its answer to
/// [`Transport::short_read_drains`] is `drains`.
#[derive(Default)]
struct Scripted {
    chunks: std::collections::VecDeque<&'static [u8]>,
    ended: bool,
    drains: bool,
    reads: usize,
    written: Vec<u8>,
}

impl Scripted {
    fn new(drains: bool, chunks: &[&'static [u8]]) -> Self {
        Scripted {
            chunks: chunks.iter().copied().collect(),
            drains,
            ..Scripted::default()
        }
    }
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads += 1;
        match self.chunks.pop_front() {
            Some(chunk) => {
                assert!(chunk.len() <= buf.len(), "a chunk longer than the buffer");
                buf[..chunk.len()].copy_from_slice(chunk);
                Ok(chunk.len())
            }
            None if self.ended => Ok(0),
            None => Err(std::io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl Write for Scripted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Transport for Scripted {
    fn shutdown_write(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    fn short_read_drains(&self) -> bool {
        self.drains
    }
}

/// A stream that says a short read drains it is read once per request: the reply
/// is written and the call ends without the read that would say `WouldBlock`. One
/// that does not say so (the default) is read until it says `WouldBlock`.
#[test]
fn a_short_read_from_a_stream_that_drains_ends_the_call() {
    for (drains, reads_per_call) in [(true, 1), (false, 2)] {
        let stream = Scripted::new(drains, &[b"hi\n"]);
        let mut channel = Channel::new(stream, Lines::default(), Terminator::literal(b"\n"));
        assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
        assert_eq!(channel.stream().reads, reads_per_call, "drains: {drains}");
        assert_eq!(channel.stream().written, b"OK hi\n");
        channel.stream_mut().chunks.push_back(b"yo\n");
        assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
        assert_eq!(
            channel.stream().reads,
            2 * reads_per_call,
            "drains: {drains}"
        );
        assert_eq!(channel.stream().written, b"OK hi\nOK yo\n");
    }
}

/// A read that fills the buffer says nothing about what is left: the channel reads
/// again, until a short read (here, the third), whatever the stream says.
#[test]
fn a_full_read_is_followed_by_another() {
    for drains in [true, false] {
        let stream = Scripted::new(drains, &[b"ab\n", b"cd\n", b"e", b"f\n"]);
        let mut channel = Channel::new(stream, Lines::default(), Terminator::literal(b"\n"));
        channel.set_read_buffer_len(3);
        channel.set_reads_per_call(8);
        assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
        let (reads, written): (usize, &[u8]) = if drains {
            (3, b"OK ab\nOK cd\n")
        } else {
            (5, b"OK ab\nOK cd\nOK ef\n")
        };
        assert_eq!(channel.stream().reads, reads, "drains: {drains}");
        assert_eq!(channel.stream().written, written, "drains: {drains}");
    }
}

/// Input and the end of the stream can arrive before one read. The short read takes
/// the input and the call ends without seeing the end, and an edge-triggered loop
/// reports nothing new for it; so a stream answers `false` once its loop has seen
/// the peer close (mio's `Event::is_read_closed`), and the next call reads to the
/// end.
#[test]
fn a_stream_whose_end_was_reported_is_read_to_its_end() {
    let mut stream = Scripted::new(true, &[b"hi\n"]);
    stream.ended = true;
    let mut channel = Channel::new(stream, Lines::default(), Terminator::literal(b"\n"));
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    assert_eq!(channel.stream().reads, 1);
    assert_eq!(channel.stream().written, b"OK hi\n");
    assert_eq!(channel.handler().end, None, "the end is not read yet");
    // The loop reports the peer's end.
    channel.stream_mut().drains = false;
    assert_eq!(channel.handle_ready().unwrap(), Status::Closed);
    assert_eq!(channel.stream().reads, 2);
    assert_eq!(channel.handler().end, Some(Ok(())));
}

/// The system's streams keep the default: read until `WouldBlock`, which suits any
/// event loop.
#[test]
fn system_streams_do_not_claim_short_reads_drain_them() {
    let (server, _client) = socket_pair();
    assert!(!server.short_read_drains());
}

/// A whole-frame handler with a count limit: a `PUT` of a block above it hears
/// `frame_too_long` of a counted frame before any of the block's bytes, then
/// `frame_discarded` at its end, and the next command is read as a line; a block
/// within the limit, longer than the line limit, needs no limit call. Whole and
/// one byte at a time.
#[test]
fn a_frame_handler_hears_of_a_refused_count_where_it_is_set() {
    use asynchat::channel::{FrameHandler, Frames, DEFAULT_MAX_COUNT};

    #[derive(Default)]
    struct Puts {
        log: Vec<String>,
        max_count_at_connect: Option<u64>,
    }
    impl FrameHandler for Puts {
        fn handle_connect(&mut self, ctx: &mut Context<'_>) {
            self.max_count_at_connect = ctx.max_count();
            ctx.set_max_frame_len(Some(8));
            ctx.set_max_count(Some(32));
            assert_eq!(ctx.max_count(), Some(32));
        }
        fn handle_frame(&mut self, frame: &[u8], ctx: &mut Context<'_>) {
            self.log
                .push(format!("frame {}", String::from_utf8_lossy(frame)));
            let next = match frame.strip_prefix(b"PUT ") {
                Some(len) => Terminator::Count(std::str::from_utf8(len).unwrap().parse().unwrap()),
                None => Terminator::literal(b"\n"),
            };
            ctx.set_terminator(next);
        }
        fn frame_too_long(&mut self, too_long: FrameTooLong, _ctx: &mut Context<'_>) {
            self.log.push(format!(
                "too long {:?} at {}",
                too_long.kind, too_long.position
            ));
        }
        fn frame_discarded(&mut self, frame_len: u64, kind: FrameKind, ctx: &mut Context<'_>) {
            self.log.push(format!("discarded {kind:?} {frame_len}"));
            ctx.set_terminator(Terminator::literal(b"\n"));
        }
    }

    let block = "x".repeat(20);
    let input = format!("PUT 20\n{block}PUT 40\n{}OK\n", "y".repeat(40));
    let input: &'static [u8] = Box::leak(input.into_bytes().into_boxed_slice());
    let expected = [
        "frame PUT 20".to_string(),
        format!("frame {block}"),
        "frame PUT 40".to_string(),
        "too long Counted at 34".to_string(),
        "discarded Counted 40".to_string(),
        "frame OK".to_string(),
    ];
    for chunks in [vec![input], input.chunks(1).collect()] {
        let mut stream = Scripted::new(false, &chunks);
        stream.ended = true;
        let mut channel = Channel::new(
            stream,
            Frames::new(Puts::default()),
            Terminator::literal(b"\n"),
        );
        channel.set_reads_per_call(usize::MAX);
        assert_eq!(channel.handle_ready().unwrap(), Status::Closed);
        let puts = channel.handler().get_ref();
        assert_eq!(puts.max_count_at_connect, Some(DEFAULT_MAX_COUNT));
        assert_eq!(puts.log, expected, "{} chunks", chunks.len());
    }
}

/// `Reply` through the trait on a channel's context: pushes, the queue's size and
/// the close, as protocol code written once sees them.
#[test]
fn a_context_replies_through_the_trait() {
    use asynchat::Reply;
    fn answer(out: &mut impl Reply<'static>) -> Vec<(bool, usize)> {
        let mut seen = vec![(out.is_closing(), out.queued_bytes())];
        out.push(&b"one\n"[..]).unwrap();
        seen.push((out.is_closing(), out.queued_bytes()));
        out.close_when_done();
        seen.push((out.is_closing(), out.queued_bytes()));
        assert!(out.push(&b"two\n"[..]).is_err(), "closed");
        seen
    }
    #[derive(Default)]
    struct Once(Vec<(bool, usize)>);
    impl Handler for Once {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            self.0 = answer(ctx);
        }
    }
    let mut stream = Scripted::new(false, &[b"go\n"]);
    stream.ended = true;
    let mut channel = Channel::new(stream, Once::default(), Terminator::literal(b"\n"));
    channel.set_linger(Duration::ZERO);
    assert_eq!(channel.handle_ready().unwrap(), Status::Closed);
    assert_eq!(channel.handler().0, [(false, 0), (false, 4), (true, 4)]);
    assert_eq!(channel.stream().written, b"one\n");
}
