//! The echo server on a real event loop: `mio`, non-blocking sockets, many clients
//! at once, and a server that defends itself.
//!
//! Each connection may send any number of `ECHO <len>\n<len bytes>` requests; each
//! is echoed back. `QUIT\n` closes when done. Anything else gets an error line and
//! the connection goes on:
//!
//! - a line longer than [`MAX_LINE_LEN`] bytes: `ERROR line too long`;
//! - `ECHO <len>` with `len` over [`MAX_ECHO_LEN`] or not a number: `ERROR bad length`
//!   (the bytes that follow are read as lines);
//! - any other line: `ERROR unknown command`.
//!
//! So a connection never holds more than one message, one reply of up to
//! [`MAX_ECHO_LEN`] bytes plus the outbox's high watermark, and the fixed buffers,
//! whatever the peer sends. Fairness: a connection gets a bounded share of work per
//! readiness call ([`Status::Busy`] means "come back after the others"). Idle
//! connections are closed after the idle timeout, so a full server still lets new
//! clients in.
//!
//! usage: `cargo run --example echo_server_mio -- [PORT] [MAX_CONNECTIONS] [IDLE_SECS]`
//! (port 0, the default, picks a free port; 1024 connections; 30 s; it prints
//! `listening on <address>`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use asynchat::channel::{Context, Handler, Transport};
use asynchat::{Channel, FrameTooLong, Status, Terminator};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

/// The longest command line, in bytes.
pub const MAX_LINE_LEN: u64 = 1024;
/// The longest message an `ECHO` may announce: 1 MiB.
pub const MAX_ECHO_LEN: u64 = 1 << 20;

/// Echoes every `ECHO <len>` message; closes on `QUIT`; answers anything else with an
/// error line and goes on.
#[derive(Default)]
pub struct Echo {
    data: Vec<u8>,
    in_message: bool,
}

impl Echo {
    /// Lines again, with the line limit.
    fn read_lines(&mut self, ctx: &mut Context<'_>) {
        self.in_message = false;
        ctx.set_terminator(Terminator::literal(b"\n"));
        ctx.set_max_frame_len(Some(MAX_LINE_LEN));
    }
}

impl Handler for Echo {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        self.read_lines(ctx);
    }

    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.data.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let data = std::mem::take(&mut self.data);
        if self.in_message {
            // Closed: the push is refused, and nothing is lost that was asked for.
            let _ = ctx.push(data);
            self.read_lines(ctx);
            return;
        }
        if data == b"QUIT" {
            ctx.close_when_done();
            return;
        }
        let Some(len) = data.strip_prefix(b"ECHO ") else {
            let _ = ctx.push(&b"ERROR unknown command\n"[..]);
            return;
        };
        let len = std::str::from_utf8(len)
            .ok()
            .and_then(|len| len.parse().ok());
        match len {
            Some(len) if len <= MAX_ECHO_LEN => {
                self.in_message = true;
                self.data.reserve(len as usize);
                ctx.set_terminator(Terminator::Count(len));
                ctx.set_max_frame_len(Some(len));
            }
            _ => {
                let _ = ctx.push(&b"ERROR bad length\n"[..]);
            }
        }
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, _ctx: &mut Context<'_>) {
        self.data = Vec::new();
    }

    fn frame_discarded(&mut self, _frame_len: u64, ctx: &mut Context<'_>) {
        let _ = ctx.push(&b"ERROR line too long\n"[..]);
        self.read_lines(ctx);
    }
}

/// mio's stream, for the channel: it can shut down its writing half.
pub struct Conn(pub TcpStream);

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Transport for Conn {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.0.shutdown(std::net::Shutdown::Write)
    }
}

/// How the server runs.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub max_connections: usize,
    /// A connection with no readiness for this long is closed.
    pub idle_timeout: Duration,
}

/// Counters a test can read while the server runs.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections accepted.
    pub served: AtomicU64,
    /// Readiness calls made on channels.
    pub calls: AtomicU64,
    /// Connections closed for idling.
    pub idle_closed: AtomicU64,
}

const LISTENER: Token = Token(usize::MAX);

struct Connection {
    channel: Channel<Conn, Echo>,
    last_active: Instant,
}

/// Serves on `listener` until `stop` is set (checked at least every 100 ms).
pub fn serve(
    listener: std::net::TcpListener,
    config: Config,
    stop: &AtomicBool,
    stats: &Stats,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut connections: HashMap<Token, Connection> = HashMap::new();
    // Channels that spent their budget with work left, served round-robin.
    let mut busy: VecDeque<Token> = VecDeque::new();
    let mut next_token = 0;
    let mut accepting = true;
    let tick = Duration::from_millis(100);
    let mut last_sweep = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let timeout = if busy.is_empty() {
            tick
        } else {
            Duration::ZERO
        };
        poll.poll(&mut events, Some(timeout))?;
        let now = Instant::now();
        let mut ready: Vec<Token> = busy.drain(..).collect();
        let mut seen: HashSet<Token> = ready.iter().copied().collect();
        for event in events.iter() {
            if event.token() == LISTENER {
                accepting = true;
            } else if seen.insert(event.token()) {
                ready.push(event.token());
            }
        }
        for token in ready {
            let Some(connection) = connections.get_mut(&token) else {
                continue;
            };
            connection.last_active = now;
            stats.calls.fetch_add(1, Ordering::Relaxed);
            match connection.channel.handle_readable() {
                Ok(Status::Waiting) => {}
                Ok(Status::Busy) => busy.push_back(token),
                // Closed by the handler or the peer, or an I/O error: drop it.
                Ok(Status::Closed) | Err(_) => close(&mut poll, &mut connections, token),
            }
        }
        if now.duration_since(last_sweep) >= tick {
            last_sweep = now;
            sweep(&mut poll, &mut connections, config, now, stats);
        }
        // Accept while under the limit; at the limit, leave connections in the backlog
        // until idle ones time out.
        while accepting && connections.len() < config.max_connections {
            match listener.accept() {
                Ok((stream, _)) => {
                    let token = Token(next_token);
                    next_token += 1;
                    stats.served.fetch_add(1, Ordering::Relaxed);
                    let mut channel =
                        Channel::new(Conn(stream), Echo::default(), Terminator::literal(b"\n"));
                    channel.set_watermarks(16 * 1024, 64 * 1024);
                    poll.registry().register(
                        &mut channel.stream_mut().0,
                        token,
                        Interest::READABLE | Interest::WRITABLE,
                    )?;
                    connections.insert(
                        token,
                        Connection {
                            channel,
                            last_active: now,
                        },
                    );
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => accepting = false,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Closes lingering channels whose deadline passed, and idle ones.
fn sweep(
    poll: &mut Poll,
    connections: &mut HashMap<Token, Connection>,
    config: Config,
    now: Instant,
    stats: &Stats,
) {
    let expired: Vec<(Token, bool)> = connections
        .iter()
        .filter_map(|(&token, c)| {
            let lingered = c.channel.deadline().is_some_and(|deadline| deadline <= now);
            let idle = now.duration_since(c.last_active) >= config.idle_timeout;
            (lingered || idle).then_some((token, lingered))
        })
        .collect();
    for (token, lingered) in expired {
        if !lingered {
            stats.idle_closed.fetch_add(1, Ordering::Relaxed);
        }
        close(poll, connections, token);
    }
}

fn close(poll: &mut Poll, connections: &mut HashMap<Token, Connection>, token: Token) {
    if let Some(mut connection) = connections.remove(&token) {
        let _ = poll
            .registry()
            .deregister(&mut connection.channel.stream_mut().0);
    }
}

const USAGE: &str = "usage: echo_server_mio [PORT] [MAX_CONNECTIONS] [IDLE_SECS]";

/// The argument at `index`, parsed, or `default`; exits with status 2 on a bad one.
fn arg<T: std::str::FromStr>(args: &[String], index: usize, default: T) -> T {
    match args.get(index) {
        None => default,
        Some(text) => text.parse().unwrap_or_else(|_| {
            eprintln!("bad argument {text:?}\n{USAGE}");
            std::process::exit(2)
        }),
    }
}

#[allow(dead_code)] // Unused when a test includes this file as a module.
fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 3 {
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
    let port: u16 = arg(&args, 0, 0);
    let config = Config {
        max_connections: arg(&args, 1, 1024),
        idle_timeout: Duration::from_secs(arg(&args, 2, 30)),
    };
    let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("listening on {}", listener.local_addr()?);
    let stop = AtomicBool::new(false);
    serve(listener, config, &stop, &Stats::default())
}
