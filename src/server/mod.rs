//! A server loop over `mio`: what replaces asyncore's `loop()` for a [`Handler`].
//!
//! [`Server`] accepts connections on a listener, gives each a [`Channel`] with a
//! handler from your factory, and serves them all from one thread: fair readiness
//! calls (a busy peer gets a bounded share, then the others go first), idle and
//! frame timeouts, lingering closes, and a cap on connections that slow peers cannot
//! hold shut. Your code is the handler.
//!
//! ```no_run
//! use std::net::TcpListener;
//! use asynchat::channel::{Context, Handler};
//! use asynchat::server::{Config, Server};
//! use asynchat::Terminator;
//!
//! /// Answers each line with itself.
//! #[derive(Default)]
//! struct Echo(Vec<u8>);
//!
//! impl Handler for Echo {
//!     fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
//!         self.0.extend_from_slice(data);
//!     }
//!     fn found_terminator(&mut self, ctx: &mut Context<'_>) {
//!         let mut line = std::mem::take(&mut self.0);
//!         line.push(b'\n');
//!         let _ = ctx.push(line);
//!     }
//! }
//!
//! let listener = TcpListener::bind("127.0.0.1:7000")?;
//! let mut server = Server::new(listener, Config::default())?;
//! server.run(Terminator::lines(), |_peer| Echo::default())?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod accept;
mod config;
mod connections;
mod mio_stream;

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::vec::Vec;

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token, Waker};

use crate::channel::{Channel, Handler, Status, Timeout};
use crate::read::terminator::Terminator;
use accept::{is_lost_before_accept, is_out_of_files};
pub use config::Config;
use connections::{Connection, Connections};
use mio_stream::MioStream;

const LISTENER: Token = Token(usize::MAX);
const WAKER: Token = Token(usize::MAX - 1);
/// How often the loop looks for deadlines that passed when nothing wakes it.
const TICK: Duration = Duration::from_millis(100);

/// Serves the connections of one listener from the calling thread. See the
/// [module](self) for an example.
///
/// # Slow peers
///
/// A peer must make progress. One that sends nothing and reads nothing is closed at
/// the idle timeout; one that began a frame and has not finished it is closed at
/// the frame timeout, however steadily it trickles ([`Config`]).
///
/// Until then, it must not keep others out. When a connection is waiting and the
/// server is at its cap, or `accept` fails because the process is out of files, the
/// **slowest peer gives way**: of the connections part-way through a frame, the one
/// whose frame has come the fewest bytes per second since it began is closed, and
/// the newcomer takes its place. A connection between frames (idle, or waiting for
/// its replies to be read) is never chosen: it keeps its idle timeout. If no
/// connection is part-way through a frame, newcomers wait in the listen backlog
/// until one closes. [`Stats::evicted`] counts the peers that gave way.
///
/// # Errors and the end
///
/// An I/O error on one connection closes that connection only. [`run`](Self::run)
/// returns once [`ServerHandle::stop`] is called, dropping (closing) the connections
/// still open, or with the error of the poll itself.
pub struct Server {
    poll: Poll,
    listener: TcpListener,
    config: Config,
    shared: Arc<Shared>,
}

/// What the handles share with the loop.
struct Shared {
    waker: Waker,
    stop: AtomicBool,
    accepted: AtomicU64,
    evicted: AtomicU64,
    idle_timeouts: AtomicU64,
    frame_timeouts: AtomicU64,
    calls: AtomicU64,
}

/// Stops a running [`Server`] and reads its counters, from any thread.
#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
}

/// A server's counters since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections closed to let a newcomer in: see [`Server`](Server#slow-peers).
    pub evicted: u64,
    /// Connections closed at the idle timeout.
    pub idle_timeouts: u64,
    /// Connections closed at the frame timeout.
    pub frame_timeouts: u64,
    /// Readiness calls made on channels.
    pub calls: u64,
}

impl ServerHandle {
    /// Asks the server to return from [`Server::run`]; it wakes the loop and returns
    /// within the round.
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // A failed wake leaves the stop to the next tick.
        let _ = self.shared.waker.wake();
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let shared = &self.shared;
        Stats {
            accepted: load(&shared.accepted),
            evicted: load(&shared.evicted),
            idle_timeouts: load(&shared.idle_timeouts),
            frame_timeouts: load(&shared.frame_timeouts),
            calls: load(&shared.calls),
        }
    }
}

impl core::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("stats", &self.stats())
            .finish()
    }
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("listener", &self.listener)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server on `listener` (made non-blocking here).
    ///
    /// # Errors
    ///
    /// Failing to create the poll or to register the listener with it.
    pub fn new(listener: std::net::TcpListener, config: Config) -> io::Result<Server> {
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Waker::new(poll.registry(), WAKER)?;
        let shared = Arc::new(Shared {
            waker,
            stop: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            idle_timeouts: AtomicU64::new(0),
            frame_timeouts: AtomicU64::new(0),
            calls: AtomicU64::new(0),
        });
        Ok(Server {
            poll,
            listener,
            config,
            shared,
        })
    }

    /// The address the server listens on.
    ///
    /// # Errors
    ///
    /// Whatever the socket reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle to stop the server and read its counters from another thread.
    pub fn handle(&self) -> ServerHandle {
        ServerHandle {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Serves until [`ServerHandle::stop`]: each connection accepted gets a
    /// [`Channel`] waiting for `terminator`, with the handler `new_handler` makes for
    /// the peer's address, and the limits of the [`Config`].
    ///
    /// # Errors
    ///
    /// An error of the poll itself (other than an interruption by a signal); errors
    /// of connections close those connections only.
    pub fn run<H, F>(&mut self, terminator: Terminator, mut new_handler: F) -> io::Result<()>
    where
        H: Handler,
        F: FnMut(SocketAddr) -> H,
    {
        let mut events = Events::with_capacity(1024);
        let mut connections: Connections<H> = Connections::new();
        // Channels that spent their budget with work left, served round-robin.
        let mut busy: VecDeque<Token> = VecDeque::new();
        let mut ready: Vec<Token> = Vec::new();
        let mut round = 0u64;
        let mut accepting = true;
        let mut last_sweep = Instant::now();
        let mut spin_until = last_sweep;
        while !self.shared.stop.load(Ordering::Relaxed) {
            let timeout = if busy.is_empty() && Instant::now() >= spin_until {
                TICK
            } else {
                Duration::ZERO
            };
            match self.poll.poll(&mut events, Some(timeout)) {
                Ok(()) => {}
                // A signal (a stop and continue, a debugger attaching): wait again.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if !events.is_empty() {
                spin_until = now + self.config.spin;
            }
            round += 1;
            ready.clear();
            ready.extend(busy.drain(..));
            for event in events.iter() {
                match event.token() {
                    LISTENER => accepting = true,
                    WAKER => {}
                    token => {
                        if event.is_read_closed() || event.is_error() {
                            if let Some(connection) = connections.get_mut(token) {
                                connection.channel.stream_mut().read_closed = true;
                            }
                        }
                        ready.push(token);
                    }
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
                if self.serve_connection(&mut connections, token) == Status::Busy {
                    busy.push_back(token);
                }
            }
            if now.duration_since(last_sweep) >= TICK {
                last_sweep = now;
                // A call past its deadline closes a channel that timed out or
                // lingered long enough.
                for token in connections.expired(now) {
                    self.serve_connection(&mut connections, token);
                }
            }
            if accepting {
                accepting = self.accept(&mut connections, terminator, &mut new_handler, round);
            }
        }
        Ok(())
    }

    /// One readiness call on the connection at `token`; closes it if the call says
    /// it is done or fails.
    fn serve_connection<H: Handler>(
        &self,
        connections: &mut Connections<H>,
        token: Token,
    ) -> Status {
        let Some(connection) = connections.get_mut(token) else {
            return Status::Closed;
        };
        self.shared.calls.fetch_add(1, Ordering::Relaxed);
        let status = match connection.channel.handle_ready() {
            Ok(status) => status,
            Err(error) => {
                let counter = match Timeout::of(&error) {
                    Some(Timeout::Idle(_)) => Some(&self.shared.idle_timeouts),
                    Some(Timeout::Frame(_)) => Some(&self.shared.frame_timeouts),
                    None => None,
                };
                if let Some(counter) = counter {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                Status::Closed
            }
        };
        if status == Status::Closed {
            self.close(connections, token);
        }
        status
    }

    /// Accepts the connections waiting, making room by the slow-peer rule when the
    /// server is full. Returns whether to try again next round: not once the backlog
    /// is empty, until the listener is ready again.
    fn accept<H, F>(
        &mut self,
        connections: &mut Connections<H>,
        terminator: Terminator,
        new_handler: &mut F,
        round: u64,
    ) -> bool
    where
        H: Handler,
        F: FnMut(SocketAddr) -> H,
    {
        loop {
            // At the cap, a newcomer is accepted only if someone can give way.
            let victim = if connections.len() >= self.config.max_connections.max(1) {
                match connections.slowest(Instant::now()) {
                    Some(victim) => Some(victim),
                    None => return true,
                }
            } else {
                None
            };
            let (socket, peer) = match self.listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if is_lost_before_accept(&e) => continue,
                Err(e) if is_out_of_files(&e) => match connections.slowest(Instant::now()) {
                    Some(victim) => {
                        self.evict(connections, victim);
                        continue;
                    }
                    // Nobody can give way: the backlog waits for a close.
                    None => return true,
                },
                // Out of memory, or worse: try again next round.
                Err(_) => return true,
            };
            if let Some(victim) = victim {
                self.evict(connections, victim);
            }
            self.shared.accepted.fetch_add(1, Ordering::Relaxed);
            let stream = MioStream {
                socket,
                read_closed: false,
            };
            let mut channel = Channel::new(stream, new_handler(peer), terminator);
            let config = &self.config;
            channel.set_idle_timeout(config.idle_timeout);
            channel.set_frame_timeout(config.frame_timeout);
            channel.set_reads_per_call(config.reads_per_call);
            channel.set_watermarks(config.watermarks.0, config.watermarks.1);
            channel.set_linger(config.linger);
            let (token, connection) = connections.insert(Connection {
                channel,
                served_in: round,
            });
            let registered = self.poll.registry().register(
                &mut connection.channel.stream_mut().socket,
                token,
                Interest::READABLE | Interest::WRITABLE,
            );
            if registered.is_err() {
                // Out of kernel memory for the watch: this client is dropped, the
                // others are served.
                connections.remove(token);
            }
        }
    }

    fn evict<H: Handler>(&self, connections: &mut Connections<H>, token: Token) {
        self.shared.evicted.fetch_add(1, Ordering::Relaxed);
        self.close(connections, token);
    }

    fn close<H: Handler>(&self, connections: &mut Connections<H>, token: Token) {
        if let Some(mut connection) = connections.remove(token) {
            let _ = self
                .poll
                .registry()
                .deregister(&mut connection.channel.stream_mut().socket);
        }
    }
}

/// Serves `listener` with `config` until the process ends: [`Server::run`] on a
/// new [`Server`].
///
/// # Errors
///
/// As [`Server::new`] and [`Server::run`].
pub fn serve<H, F>(
    listener: std::net::TcpListener,
    config: Config,
    terminator: Terminator,
    new_handler: F,
) -> io::Result<()>
where
    H: Handler,
    F: FnMut(SocketAddr) -> H,
{
    Server::new(listener, config)?.run(terminator, new_handler)
}
