//! The channel's backpressure is per event, not per read: one read holding many
//! pipelined requests is handed to the handler only until the outbox passes its high
//! watermark, the rest waits in the read buffer, and everything is answered, in
//! order, once the peer takes its replies, under writes of every size, including
//! none at all (would-block). Also the idle timeout, on `run()` and on
//! `handle_ready()`.
#![cfg(feature = "std")]

mod support;

use std::io::{self, Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use asynchat::channel::{Context, Handler, Status, Timeout, Transport};
use asynchat::{Channel, Terminator};
use support::sockets::socket_pair;

/// Whether `error` is the channel's idle timeout.
fn is_idle_timeout(error: &io::Error) -> bool {
    matches!(Timeout::of(error), Some(Timeout::Idle(_)))
}

const REPLY_LEN: usize = 1000;
const REQUESTS: usize = 50;
const HIGH: usize = 4000;
const LOW: usize = 1000;

/// A stream whose one read brings every request at once, and whose writes take at
/// most `per_write` bytes, and nothing at all (would-block) once `budget` is spent.
struct Pipelined {
    input: Option<Vec<u8>>,
    per_write: usize,
    budget: usize,
    written: Vec<u8>,
}

impl Read for Pipelined {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.input.take() {
            Some(input) => {
                buf[..input.len()].copy_from_slice(&input);
                Ok(input.len())
            }
            None => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl Write for Pipelined {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(self.per_write).min(self.budget);
        if n == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.budget -= n;
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Pipelined {
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Answers the `n`-th `GET` with `REPLY_LEN` bytes that say `n`.
#[derive(Default)]
struct Gets {
    answered: usize,
}

fn reply(n: usize) -> Vec<u8> {
    let mut reply = format!("{n:04}").into_bytes();
    reply.resize(REPLY_LEN - 1, b'.');
    reply.push(b'\n');
    reply
}

impl Handler for Gets {
    fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        ctx.push(reply(self.answered)).unwrap();
        self.answered += 1;
    }
}

#[test]
fn one_read_of_many_requests_is_answered_within_the_watermark() {
    let expected: Vec<u8> = (0..REQUESTS).flat_map(reply).collect();
    for per_write in [
        1,
        7,
        REPLY_LEN - 1,
        REPLY_LEN,
        REPLY_LEN + 1,
        4096,
        usize::MAX,
    ] {
        for budget in [0, 1, 500, REPLY_LEN, 3 * REPLY_LEN + 17, usize::MAX] {
            let stream = Pipelined {
                input: Some(b"GET\n".repeat(REQUESTS)),
                per_write,
                budget: 0,
                written: Vec::new(),
            };
            let mut channel = Channel::new(stream, Gets::default(), Terminator::literal(b"\n"));
            channel.set_watermarks(LOW, HIGH);
            // The peer reads nothing at first: the handler stops at the watermark.
            assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
            assert_eq!(channel.handler().answered, HIGH / REPLY_LEN + 1);
            assert_eq!(channel.queued_bytes(), HIGH + REPLY_LEN);
            assert!(!channel.wants_read(), "paused");
            assert!(channel.wants_write());
            let mut calls = 0;
            while channel.handler().answered < REQUESTS || channel.queued_bytes() > 0 {
                channel.stream_mut().budget = budget.max(1);
                let status = channel.handle_ready().unwrap();
                assert_ne!(status, Status::Closed);
                assert!(
                    channel.queued_bytes() <= HIGH + REPLY_LEN,
                    "{} bytes queued",
                    channel.queued_bytes()
                );
                calls += 1;
                assert!(calls < 1_000_000, "no progress");
            }
            let what = format!("{per_write} bytes per write, {budget} per call");
            assert_eq!(channel.stream().written.len(), expected.len(), "{what}");
            assert!(channel.stream().written == expected, "{what}");
            assert!(channel.wants_read(), "{what}: reading again");
        }
    }
}

/// A frame end found together with its data is still delivered after a pause,
/// without new input: a handler that replies in both callbacks does not leave the
/// peer waiting for the end of a reply.
#[test]
fn a_pause_between_data_and_its_frame_end_resumes_without_input() {
    #[derive(Default)]
    struct TwoPart {
        ends: usize,
    }
    impl Handler for TwoPart {
        fn collect_incoming_data(&mut self, _data: &[u8], ctx: &mut Context<'_>) {
            ctx.push(vec![b'x'; HIGH + 1]).unwrap();
        }
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            self.ends += 1;
            ctx.push(&b"END\n"[..]).unwrap();
        }
    }
    let stream = Pipelined {
        input: Some(b"GET\n".to_vec()),
        per_write: usize::MAX,
        budget: 0,
        written: Vec::new(),
    };
    let mut channel = Channel::new(stream, TwoPart::default(), Terminator::literal(b"\n"));
    channel.set_watermarks(LOW, HIGH);
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    assert_eq!(channel.handler().ends, 0, "paused after the data");
    channel.stream_mut().budget = usize::MAX;
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    assert_eq!(channel.handler().ends, 1);
    assert!(channel.stream().written.ends_with(b"END\n"));
}

#[test]
fn run_ends_on_a_silent_peer_at_the_idle_timeout() {
    let (server, _client) = socket_pair();
    let mut channel = Channel::new(server, Gets::default(), Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_millis(500)));
    let start = Instant::now();
    let error = channel.run().unwrap_err();
    let took = start.elapsed();
    assert!(is_idle_timeout(&error), "{error}");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(error
        .to_string()
        .starts_with("the peer made no progress for"));
    // Other errors, timeouts of the stream itself included, are not.
    assert!(!is_idle_timeout(&io::Error::from(io::ErrorKind::TimedOut)));
    assert!(!is_idle_timeout(&io::Error::other("broken")));
}

/// A lingering close has its own deadline: an idle timeout shorter than the linger
/// does not turn the close into an error.
#[test]
fn run_lingers_past_a_shorter_idle_timeout() {
    struct Bye;
    impl Handler for Bye {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push(&b"bye\n"[..]).unwrap();
            ctx.close_when_done();
        }
    }
    let (server, mut client) = socket_pair();
    client.write_all(b"QUIT\n").unwrap();
    let mut channel = Channel::new(server, Bye, Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_millis(100)));
    channel.set_linger(Duration::from_millis(400));
    let start = Instant::now();
    channel.run().unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
    let mut bye = [0; 4];
    client.read_exact(&mut bye).unwrap();
    assert_eq!(&bye, b"bye\n");
}

/// A blocking stream whose short reads drain it makes `pump` wait after each read;
/// `run()` goes on reading until the end, within the idle timeout.
#[test]
fn run_reads_on_after_a_draining_short_read() {
    struct Drains {
        chunks: Vec<&'static [u8]>,
        written: Vec<u8>,
    }
    impl Read for Drains {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.chunks.is_empty() {
                return Ok(0);
            }
            let chunk = self.chunks.remove(0);
            buf[..chunk.len()].copy_from_slice(chunk);
            Ok(chunk.len())
        }
    }
    impl Write for Drains {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Transport for Drains {
        fn shutdown_write(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn short_read_drains(&self) -> bool {
            true
        }
    }
    let stream = Drains {
        chunks: vec![b"GET\n", b"GET\n", b"GET\n"],
        written: Vec::new(),
    };
    let mut channel = Channel::new(stream, Gets::default(), Terminator::literal(b"\n"));
    channel.run().unwrap();
    assert_eq!(channel.handler().answered, 3);
    assert_eq!(channel.stream().written.len(), 3 * REPLY_LEN);
}

/// Progress restarts the idle clock: a peer that sends a request every 200 ms is
/// served past the 500 ms timeout, and timed out once it stops.
#[test]
fn run_keeps_a_peer_that_makes_progress() {
    let (server, mut client) = socket_pair();
    let serving = thread::spawn(move || {
        let mut channel = Channel::new(server, Gets::default(), Terminator::literal(b"\n"));
        channel.set_idle_timeout(Some(Duration::from_millis(500)));
        let start = Instant::now();
        let error = channel.run().unwrap_err();
        (
            start.elapsed(),
            is_idle_timeout(&error),
            channel.handler().answered,
        )
    });
    for _ in 0..8 {
        client.write_all(b"GET\n").unwrap();
        let mut reply = vec![0; REPLY_LEN];
        client.read_exact(&mut reply).unwrap();
        thread::sleep(Duration::from_millis(200));
    }
    let (took, idle, answered) = serving.join().unwrap();
    assert!(idle);
    assert_eq!(answered, 8);
    assert!(took >= Duration::from_millis(1600), "{took:?}");
}

/// With no idle timeout, the stream's own read timeout ends `run()` the same way.
#[test]
fn run_honours_the_streams_own_read_timeout() {
    let (server, _client) = socket_pair();
    server
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut channel = Channel::new(server, Gets::default(), Terminator::literal(b"\n"));
    channel.set_idle_timeout(None);
    let start = Instant::now();
    let error = channel.run().unwrap_err();
    assert!(is_idle_timeout(&error), "{error}");
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// From an event loop: the deadline is the idle timeout's end, and a call after it
/// ends the channel with the same error.
#[test]
fn handle_ready_after_the_deadline_times_out() {
    let (server, _client) = socket_pair();
    server.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(server, Gets::default(), Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_millis(100)));
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    let deadline = channel.deadline().expect("an idle deadline");
    assert!(deadline <= Instant::now() + Duration::from_millis(100));
    thread::sleep(deadline.saturating_duration_since(Instant::now()));
    let error = channel.handle_ready().unwrap_err();
    assert!(is_idle_timeout(&error));
    assert_eq!(channel.deadline(), None, "closed");
}

/// Input left by a pause counts against the call's budget like a read: with one
/// read per call, the call that takes it up again is busy, not waiting.
#[test]
fn resuming_after_a_pause_spends_the_calls_budget() {
    let stream = Pipelined {
        input: Some(b"GET\n".repeat(REQUESTS)),
        per_write: usize::MAX,
        budget: 0,
        written: Vec::new(),
    };
    let mut channel = Channel::new(stream, Gets::default(), Terminator::literal(b"\n"));
    channel.set_watermarks(LOW, HIGH);
    channel.set_reads_per_call(1);
    assert_eq!(channel.handle_ready().unwrap(), Status::Waiting);
    channel.stream_mut().budget = usize::MAX;
    let mut statuses = Vec::new();
    while channel.handler().answered < REQUESTS {
        statuses.push(channel.handle_ready().unwrap());
    }
    assert!(statuses.iter().all(|&s| s == Status::Busy), "{statuses:?}");
}

/// Writes are progress only when the peer takes bytes: a peer that asks for a large
/// reply and reads nothing is timed out, and one that reads it slowly is not.
#[test]
fn a_reader_is_idle_only_while_it_takes_nothing() {
    struct Big;
    impl Handler for Big {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push(vec![b'z'; 8 << 20]).unwrap();
        }
    }
    for reads in [false, true] {
        let (server, mut client) = socket_pair();
        server.set_nonblocking(true).unwrap();
        client.write_all(b"GET\n").unwrap();
        let reading = thread::spawn(move || {
            let mut total = 0;
            let mut buf = vec![0; 256 << 10];
            while reads && total < 8 << 20 {
                thread::sleep(Duration::from_millis(30));
                total += client.read(&mut buf).unwrap();
            }
            (total, client)
        });
        let mut channel = Channel::new(server, Big, Terminator::literal(b"\n"));
        channel.set_idle_timeout(Some(Duration::from_millis(300)));
        let start = Instant::now();
        let outcome = loop {
            match channel.handle_ready() {
                Err(error) => break Err(error),
                Ok(_) if channel.queued_bytes() == 0 => break Ok(()),
                Ok(_) => thread::sleep(Duration::from_millis(5)),
            }
            assert!(start.elapsed() < Duration::from_secs(20), "reads: {reads}");
        };
        if reads {
            outcome.unwrap();
            assert!(
                start.elapsed() > Duration::from_millis(300),
                "slow enough to matter"
            );
        } else {
            assert!(is_idle_timeout(&outcome.unwrap_err()));
            assert!(start.elapsed() < Duration::from_secs(2));
        }
        let (total, _client) = reading.join().unwrap();
        assert_eq!(total, if reads { 8 << 20 } else { 0 });
    }
}

/// A pause while the end of the stream is dispatched: the events after it, `End`
/// included, still reach the handler once the replies drain.
#[test]
fn a_pause_at_the_end_of_the_stream_loses_no_event() {
    struct Ending {
        input: Option<&'static [u8]>,
        budget: usize,
        written: usize,
    }
    impl Read for Ending {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let input = self.input.take().unwrap_or_default();
            buf[..input.len()].copy_from_slice(input);
            Ok(input.len())
        }
    }
    impl Write for Ending {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.budget);
            if n == 0 {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            self.budget -= n;
            self.written += n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Transport for Ending {
        fn shutdown_write(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    /// Answers every piece of data with more than the high watermark.
    #[derive(Default)]
    struct Loud {
        data: Vec<u8>,
        end: Option<Result<(), asynchat::Truncated>>,
    }
    impl Handler for Loud {
        fn collect_incoming_data(&mut self, data: &[u8], ctx: &mut Context<'_>) {
            self.data.extend_from_slice(data);
            ctx.push(vec![b'!'; HIGH + 1]).unwrap();
        }
        fn found_terminator(&mut self, _ctx: &mut Context<'_>) {}
        fn handle_eof(&mut self, end: Result<(), asynchat::Truncated>, ctx: &mut Context<'_>) {
            self.end = Some(end);
            ctx.push(&b"bye\n"[..]).unwrap();
        }
    }
    // The `\r` is held back as a possible terminator until the end, where it is
    // data: its event pauses the handler, and `End` comes after it.
    let stream = Ending {
        input: Some(b"ab\r"),
        budget: 0,
        written: 0,
    };
    let mut channel = Channel::new(stream, Loud::default(), Terminator::literal(b"\r\n"));
    channel.set_watermarks(LOW, HIGH);
    let mut calls = 0;
    loop {
        let status = channel.handle_ready().unwrap();
        if status == Status::Closed {
            break;
        }
        channel.stream_mut().budget = 1000;
        calls += 1;
        assert!(calls < 10_000, "never closed");
    }
    let loud = channel.handler();
    assert_eq!(loud.data, b"ab\r");
    assert!(
        matches!(loud.end, Some(Err(t)) if t.frame_len == 3),
        "{:?}",
        loud.end
    );
    assert_eq!(channel.stream().written, 2 * (HIGH + 1) + 4);
}

/// A peer that asks for a large reply and never reads it cannot hold `run()`: the
/// blocked write times out with the idle timeout.
#[test]
fn run_ends_on_a_peer_that_never_reads() {
    struct Big;
    impl Handler for Big {
        fn collect_incoming_data(&mut self, _data: &[u8], _ctx: &mut Context<'_>) {}
        fn found_terminator(&mut self, ctx: &mut Context<'_>) {
            ctx.push(vec![b'z'; 64 << 20]).unwrap();
        }
    }
    let (server, mut client) = socket_pair();
    client.write_all(b"GET\n").unwrap();
    let mut channel = Channel::new(server, Big, Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_millis(500)));
    let start = Instant::now();
    let error = channel.run().unwrap_err();
    assert!(is_idle_timeout(&error), "{error}");
    // The socket's buffers take the first megabytes, and each write they take is
    // progress; the idle clock runs from the last one.
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "{took:?}");
    drop(client);
}

/// `run()` gives a blocking stream its timeouts again only when the ones it set
/// would overrun the idle deadline: requests that keep coming cost no extra system
/// calls each.
#[test]
fn run_sets_the_streams_timeouts_only_when_they_must_change() {
    struct Counted {
        requests: usize,
        timeouts_set: usize,
    }
    impl Read for Counted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.requests == 0 {
                return Ok(0);
            }
            self.requests -= 1;
            buf[..4].copy_from_slice(b"GET\n");
            Ok(4)
        }
    }
    impl Write for Counted {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Transport for Counted {
        fn shutdown_write(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn set_read_timeout(&mut self, _timeout: Option<Duration>) -> io::Result<()> {
            self.timeouts_set += 1;
            Ok(())
        }
    }
    let stream = Counted {
        requests: 1000,
        timeouts_set: 0,
    };
    let mut channel = Channel::new(stream, Gets::default(), Terminator::literal(b"\n"));
    channel.set_reads_per_call(1);
    channel.run().unwrap();
    assert_eq!(channel.handler().answered, 1000);
    let set = channel.stream().timeouts_set;
    assert!((1..100).contains(&set), "set {set} times for 1000 requests");
}

/// A read that gave up early (a stream whose own timeout is shorter) leaves less of
/// the idle timeout: `run()` gives the stream what is left, not the whole again.
#[test]
fn run_shortens_the_streams_timeout_as_the_deadline_nears() {
    struct Early {
        reads: usize,
        timeouts: Vec<Duration>,
    }
    impl Read for Early {
        fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            if self.reads == 1 {
                thread::sleep(Duration::from_millis(150));
                return Err(io::ErrorKind::WouldBlock.into());
            }
            Ok(0)
        }
    }
    impl Write for Early {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Transport for Early {
        fn shutdown_write(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
            self.timeouts.extend(timeout);
            Ok(())
        }
    }
    let stream = Early {
        reads: 0,
        timeouts: Vec::new(),
    };
    let mut channel = Channel::new(stream, Gets::default(), Terminator::literal(b"\n"));
    channel.set_idle_timeout(Some(Duration::from_millis(400)));
    channel.run().unwrap();
    let timeouts = &channel.stream().timeouts;
    assert_eq!(timeouts.len(), 2, "{timeouts:?}");
    assert!(timeouts[0] > Duration::from_millis(390), "{timeouts:?}");
    assert!(timeouts[1] <= Duration::from_millis(250), "{timeouts:?}");
}
