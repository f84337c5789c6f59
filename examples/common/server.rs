//! The event loop the example servers share: `mio`, non-blocking sockets, one
//! `Channel` per connection, fair scheduling of busy channels, idle timeouts and
//! lingering closes. Each server brings only its `Handler`.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use asynchat::channel::Status;
use asynchat::channel::{Handler, Transport};
use asynchat::{Channel, Terminator};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

#[path = "accept.rs"]
mod accept;
use accept::is_lost_before_accept;

/// mio's stream, for the channel: it can shut down its writing half, and it tells
/// the channel when a short read has emptied it.
pub struct Conn {
    stream: TcpStream,
    /// The loop has reported that the peer closed its side.
    read_closed: bool,
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.read(buf)
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.stream.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

impl Transport for Conn {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.stream.shutdown(std::net::Shutdown::Write)
    }

    /// mio's epoll and kqueue are edge-triggered, and report input that arrives after
    /// a short read. The end of the stream that arrived with the input read does not
    /// come again: once the loop has seen it, read on to it.
    fn short_read_drains(&self) -> bool {
        cfg!(any(
            target_os = "linux",
            target_os = "android",
            target_vendor = "apple",
            target_os = "freebsd"
        )) && !self.read_closed
    }
}

/// How the server runs.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub max_connections: usize,
    /// A connection with no readiness for this long is closed.
    pub idle_timeout: Duration,
    /// Outbox watermarks: reading pauses above `high` bytes queued, resumes at `low`.
    pub watermarks: (usize, usize),
    /// After a round with events, the loop polls without sleeping for this long
    /// before it sleeps again (zero: never). Under load the next input comes within
    /// microseconds, and a sleeping server makes each peer's send pay for waking it
    /// (an interrupt to another CPU, dear in a virtual machine); an idle server
    /// pays this once per burst of activity.
    pub spin: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_connections: 1024,
            idle_timeout: Duration::from_secs(30),
            watermarks: (16 * 1024, 64 * 1024),
            spin: Duration::from_micros(50),
        }
    }
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

struct Connection<H> {
    channel: Channel<Conn, H>,
    last_active: Instant,
    /// The last round it was served in: one call per round, however many events.
    served_in: u64,
}

/// The connections, by token: a slab, so a lookup is an index, and tokens are reused.
struct Connections<H> {
    slots: Vec<Option<Connection<H>>>,
    free: Vec<usize>,
    len: usize,
}

impl<H> Connections<H> {
    fn new() -> Self {
        Connections {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    fn get_mut(&mut self, token: Token) -> Option<&mut Connection<H>> {
        self.slots.get_mut(token.0)?.as_mut()
    }

    fn insert(&mut self, connection: Connection<H>) -> (Token, &mut Connection<H>) {
        self.len += 1;
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        (Token(index), self.slots[index].insert(connection))
    }

    fn remove(&mut self, token: Token) -> Option<Connection<H>> {
        let connection = self.slots.get_mut(token.0)?.take()?;
        self.free.push(token.0);
        self.len -= 1;
        Some(connection)
    }
}

/// Serves on `listener` until `stop` is set (checked at least every 100 ms), with a
/// handler from `new_handler` and the first terminator `terminator` per connection.
pub fn serve<H: Handler>(
    listener: std::net::TcpListener,
    config: Config,
    stop: &AtomicBool,
    stats: &Stats,
    terminator: Terminator,
    mut new_handler: impl FnMut() -> H,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut connections: Connections<H> = Connections::new();
    // Channels that spent their budget with work left, served round-robin.
    let mut busy: VecDeque<Token> = VecDeque::new();
    let mut ready: Vec<Token> = Vec::new();
    let mut round = 0u64;
    let mut accepting = true;
    let tick = Duration::from_millis(100);
    let mut last_sweep = Instant::now();
    let mut spin_until = last_sweep;
    while !stop.load(Ordering::Relaxed) {
        let timeout = if busy.is_empty() && Instant::now() >= spin_until {
            tick
        } else {
            Duration::ZERO
        };
        match poll.poll(&mut events, Some(timeout)) {
            Ok(()) => {}
            // A signal (a stop and continue, a debugger attaching): wait again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        let now = Instant::now();
        if !events.is_empty() {
            spin_until = now + config.spin;
        }
        round += 1;
        ready.clear();
        ready.extend(busy.drain(..));
        for event in events.iter() {
            if event.token() == LISTENER {
                accepting = true;
            } else {
                if event.is_read_closed() || event.is_error() {
                    if let Some(connection) = connections.get_mut(event.token()) {
                        connection.channel.stream_mut().read_closed = true;
                    }
                }
                ready.push(event.token());
            }
        }
        for &token in &ready {
            let Some(connection) = connections.get_mut(token) else {
                continue;
            };
            if connection.served_in == round {
                continue;
            }
            connection.served_in = round;
            connection.last_active = now;
            stats.calls.fetch_add(1, Ordering::Relaxed);
            match connection.channel.handle_ready() {
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
        while accepting && connections.len < config.max_connections {
            match listener.accept() {
                Ok((stream, _)) => {
                    stats.served.fetch_add(1, Ordering::Relaxed);
                    let conn = Conn {
                        stream,
                        read_closed: false,
                    };
                    let mut channel = Channel::new(conn, new_handler(), terminator);
                    channel.set_watermarks(config.watermarks.0, config.watermarks.1);
                    let (token, connection) = connections.insert(Connection {
                        channel,
                        last_active: now,
                        served_in: round,
                    });
                    let registered = poll.registry().register(
                        &mut connection.channel.stream_mut().stream,
                        token,
                        Interest::READABLE | Interest::WRITABLE,
                    );
                    if registered.is_err() {
                        // Out of kernel memory for the watch: this client is
                        // dropped, the others are served.
                        connections.remove(token);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => accepting = false,
                Err(e) if is_lost_before_accept(&e) => {}
                // Out of files or memory: the rest waits in the backlog, and the next
                // round (within one tick) tries again, once closes have freed some.
                Err(_) => break,
            }
        }
    }
    Ok(())
}

/// Closes lingering channels whose deadline passed, and idle ones.
fn sweep<H: Handler>(
    poll: &mut Poll,
    connections: &mut Connections<H>,
    config: Config,
    now: Instant,
    stats: &Stats,
) {
    let expired: Vec<(Token, bool)> = connections
        .slots
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let c = c.as_ref()?;
            let lingered = c.channel.deadline().is_some_and(|deadline| deadline <= now);
            let idle = now.duration_since(c.last_active) >= config.idle_timeout;
            (lingered || idle).then_some((Token(index), lingered))
        })
        .collect();
    for (token, lingered) in expired {
        if !lingered {
            stats.idle_closed.fetch_add(1, Ordering::Relaxed);
        }
        close(poll, connections, token);
    }
}

fn close<H: Handler>(poll: &mut Poll, connections: &mut Connections<H>, token: Token) {
    if let Some(mut connection) = connections.remove(token) {
        let _ = poll
            .registry()
            .deregister(&mut connection.channel.stream_mut().stream);
    }
}

/// Command-line arguments, with a usage line and exit status 2 on a bad one.
pub struct Args {
    args: Vec<String>,
    usage: &'static str,
}

impl Args {
    /// The process's arguments; at most `max` of them.
    pub fn parse(usage: &'static str, max: usize) -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.len() > max || args.iter().any(|a| a == "-h" || a == "--help") {
            eprintln!("usage: {usage}");
            std::process::exit(2);
        }
        Args { args, usage }
    }

    /// The argument at `index`, parsed, or `default` if absent.
    pub fn get<T: std::str::FromStr>(&self, index: usize, default: T) -> T {
        match self.args.get(index) {
            None => default,
            Some(text) => text.parse().unwrap_or_else(|_| {
                eprintln!("bad argument {text:?}\nusage: {}", self.usage);
                std::process::exit(2)
            }),
        }
    }

    /// The argument at `index`, which must be there.
    pub fn required(&self, index: usize, name: &str) -> String {
        self.args.get(index).cloned().unwrap_or_else(|| {
            eprintln!("missing {name}\nusage: {}", self.usage);
            std::process::exit(2)
        })
    }
}

/// Binds 127.0.0.1:`port` and prints `listening on ADDR`, the line tests wait for.
pub fn bind(port: u16) -> io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("listening on {}", listener.local_addr()?);
    Ok(listener)
}
