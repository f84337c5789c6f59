//! The frame timeout: a peer that starts a frame must finish it in time, however
//! steadily it trickles; a peer between frames is held only to the idle timeout.
//! `Channel::frame_progress` says how far the unfinished frame has come, which is
//! what a server ranks slow peers by.
#![cfg(feature = "std")]

mod support;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use asynchat::channel::{Context, Handler, Status, Timeout, Transport};
use asynchat::{Channel, Terminator};
use support::sockets::socket_pair;

/// Answers each line with `+` and the line.
#[derive(Default)]
struct Lines {
    line: Vec<u8>,
    answered: usize,
}

impl Handler for Lines {
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.line.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let mut reply = b"+".to_vec();
        reply.append(&mut self.line);
        reply.push(b'\n');
        let _ = ctx.push(reply);
        self.answered += 1;
    }

    fn frame_too_long(&mut self, _too_long: asynchat::FrameTooLong, _ctx: &mut Context<'_>) {
        self.line.clear();
    }

    fn frame_discarded(&mut self, _len: u64, _kind: asynchat::FrameKind, ctx: &mut Context<'_>) {
        let _ = ctx.push(&b"-too long\n"[..]);
    }
}

/// A non-blocking stream fed by the test: each read takes the next slice given,
/// then would block.
#[derive(Default)]
struct Fed {
    reads: VecDeque<Vec<u8>>,
    written: Vec<u8>,
}

impl Read for Fed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(input) = self.reads.pop_front() else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        buf[..input.len()].copy_from_slice(&input);
        Ok(input.len())
    }
}

impl Write for Fed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Fed {
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn fed_channel(terminator: Terminator) -> Channel<Fed, Lines> {
    let mut channel = Channel::new(Fed::default(), Lines::default(), terminator);
    channel.set_idle_timeout(Some(Duration::from_secs(60)));
    channel.set_frame_timeout(Some(Duration::from_secs(10)));
    channel
}

/// Feeds `input` as one read (none if empty: an empty read is the end of the
/// stream) and makes one readiness call.
fn feed(channel: &mut Channel<Fed, Lines>, input: &[u8]) -> Status {
    if !input.is_empty() {
        channel.stream_mut().reads.push_back(input.to_vec());
    }
    channel.handle_ready().unwrap()
}

#[test]
fn frame_progress_counts_the_bytes_of_the_unfinished_frame_from_the_read_that_began_it() {
    let mut channel = fed_channel(Terminator::literal(b"\r\n"));
    assert_eq!(feed(&mut channel, b""), Status::Waiting);
    assert_eq!(channel.frame_progress(), None, "nothing sent");

    let before = Instant::now();
    feed(&mut channel, b"GE");
    let (started, bytes) = channel.frame_progress().expect("a frame begun");
    assert!(started >= before);
    assert_eq!(bytes, 2);

    // A held-back `\r` is part of the frame too.
    feed(&mut channel, b"T\r");
    assert_eq!(channel.frame_progress(), Some((started, 4)), "same frame");

    feed(&mut channel, b"\n");
    assert_eq!(channel.frame_progress(), None, "the frame ended");
    assert_eq!(channel.stream().written, b"+GET\n");

    // A read that ends one frame and begins the next restarts the clock.
    feed(&mut channel, b"A");
    let (first, _) = channel.frame_progress().unwrap();
    thread::sleep(Duration::from_millis(5));
    feed(&mut channel, b"\r\nBC");
    let (second, bytes) = channel.frame_progress().unwrap();
    assert!(second > first, "the clock of the new frame");
    assert_eq!(bytes, 2);

    // Several whole frames in one read leave none unfinished.
    feed(&mut channel, b"\r\nD\r\nE\r\n");
    assert_eq!(channel.frame_progress(), None);
    assert_eq!(channel.stream().written, b"+GET\n+A\n+BC\n+D\n+E\n");
}

#[test]
fn a_count_is_a_frame_and_no_terminator_has_none() {
    let mut channel = fed_channel(Terminator::Count(5));
    feed(&mut channel, b"abc");
    assert_eq!(channel.frame_progress().map(|(_, bytes)| bytes), Some(3));
    feed(&mut channel, b"de");
    assert_eq!(channel.frame_progress(), None);

    let mut channel = fed_channel(Terminator::None);
    feed(&mut channel, b"abc");
    assert_eq!(
        channel.frame_progress(),
        None,
        "data, but no frame to finish"
    );
    assert!(channel.deadline().unwrap() > Instant::now() + Duration::from_secs(50));
}

#[test]
fn a_frame_too_long_ends_at_its_discarded_end() {
    let mut channel = fed_channel(Terminator::literal(b"\n"));
    channel.set_max_frame_len(Some(4));
    feed(&mut channel, b"0123456789");
    assert_eq!(channel.frame_progress().map(|(_, bytes)| bytes), Some(10));
    feed(&mut channel, b"\n");
    assert_eq!(channel.frame_progress(), None);
    assert_eq!(channel.stream().written, b"-too long\n");
}

#[test]
fn the_deadline_is_the_frames_while_one_is_unfinished_and_the_idle_ones_between() {
    let mut channel = fed_channel(Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_secs(60)));
    channel.set_frame_timeout(Some(Duration::from_millis(50)));
    feed(&mut channel, b"");
    let idle = channel.deadline().unwrap();
    assert!(idle > Instant::now() + Duration::from_secs(50), "idle only");

    feed(&mut channel, b"GE");
    let (started, _) = channel.frame_progress().unwrap();
    assert_eq!(
        channel.deadline(),
        Some(started + Duration::from_millis(50))
    );

    thread::sleep(Duration::from_millis(60));
    let error = channel.handle_ready().unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    match Timeout::of(&error) {
        Some(Timeout::Frame(open_for)) => assert!(open_for >= Duration::from_millis(50)),
        other => panic!("{other:?}"),
    }
    assert!(error
        .to_string()
        .starts_with("the peer left a frame unfinished for"));
    assert_eq!(channel.deadline(), None, "closed");
    assert_eq!(channel.frame_progress(), None, "closed");
}

#[test]
fn between_frames_only_the_idle_timeout_applies() {
    let mut channel = fed_channel(Terminator::literal(b"\n"));
    channel.set_frame_timeout(Some(Duration::from_millis(20)));
    feed(&mut channel, b"PING\n");
    thread::sleep(Duration::from_millis(40));
    assert_eq!(feed(&mut channel, b""), Status::Waiting);
    assert_eq!(channel.stream().written, b"+PING\n");
}

#[test]
fn without_a_frame_timeout_a_frame_takes_any_time() {
    let mut channel = fed_channel(Terminator::literal(b"\n"));
    channel.set_frame_timeout(None);
    feed(&mut channel, b"GE");
    assert!(channel.deadline().unwrap() > Instant::now() + Duration::from_secs(50));
}

/// A blocking `run()` against a peer that sends a byte every 50 ms and never ends
/// its line: never idle (500 ms), it is cut off at the frame timeout (400 ms), after
/// the reply to the line it did finish.
#[test]
fn run_cuts_off_a_trickling_peer_at_the_frame_timeout() {
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
        channel.set_idle_timeout(Some(Duration::from_millis(500)));
        channel.set_frame_timeout(Some(Duration::from_millis(400)));
        let start = Instant::now();
        let error = channel.run().unwrap_err();
        (
            start.elapsed(),
            Timeout::of(&error),
            channel.handler().answered,
        )
    });
    client.write_all(b"PING\n").unwrap();
    let mut reply = [0; 6];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"+PING\n");
    let trickle_start = Instant::now();
    for _ in 0..40 {
        if client.write_all(b"x").is_err() {
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let (took, timeout, answered) = serving.join().unwrap();
    assert!(matches!(timeout, Some(Timeout::Frame(_))), "{timeout:?}");
    assert_eq!(answered, 1);
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(trickle_start.elapsed() < Duration::from_secs(2));
}

/// A peer that finishes each line in time is never cut off, however long it stays.
#[test]
fn run_keeps_a_peer_that_finishes_its_frames() {
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
        channel.set_frame_timeout(Some(Duration::from_millis(300)));
        channel.run().map(|()| channel.handler().answered)
    });
    for _ in 0..8 {
        client.write_all(b"PI").unwrap();
        thread::sleep(Duration::from_millis(100));
        client.write_all(b"NG\n").unwrap();
        let mut reply = [0; 6];
        client.read_exact(&mut reply).unwrap();
        thread::sleep(Duration::from_millis(100));
    }
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(serving.join().unwrap().unwrap(), 8);
}

/// With a frame timeout and no idle timeout, a quiet peer between frames is kept:
/// the read timeout `run()` gave the stream for a frame's deadline does not outlive
/// the frame.
#[test]
fn run_without_an_idle_timeout_keeps_a_quiet_peer_between_frames() {
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Lines::default(), Terminator::literal(b"\n"));
        channel.set_idle_timeout(None);
        channel.set_frame_timeout(Some(Duration::from_millis(300)));
        channel.set_reads_per_call(1);
        channel.run().map(|()| channel.handler().answered)
    });
    // More reads than one call makes: `run()` sets the stream's timeout between
    // calls, for the frame's deadline.
    for byte in b"PIN" {
        client.write_all(&[*byte]).unwrap();
        thread::sleep(Duration::from_millis(30));
    }
    client.write_all(b"G\n").unwrap();
    let mut reply = [0; 6];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"+PING\n");
    // Quiet, between frames, for longer than the frame timeout.
    thread::sleep(Duration::from_millis(700));
    client.write_all(b"PING\n").unwrap();
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"+PING\n");
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(serving.join().unwrap().unwrap(), 2);
}
