//! Load tests of the library's server with the event-loop example's handler, run
//! in this process: many
//! concurrent connections, each doing many echoes of random sizes, every byte
//! checked; and one connection's burst, which must not wait on the loop's tick.
//!
//! `cargo test --release --test load` runs 1 000 connections x 100 echoes (as
//! `.ci/run` does); a debug build runs 100 x 20 to keep `cargo test` quick. Override
//! with `ASYNCHAT_LOAD=<connections>x<echoes>`.

#[allow(dead_code)]
#[path = "../examples/echo_server_mio.rs"]
mod echo_server;

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use asynchat::server::{Config, ServerHandle, Stats};

use support::rng::Rng;

fn load() -> (usize, usize) {
    if let Ok(spec) = std::env::var("ASYNCHAT_LOAD") {
        let (c, e) = spec
            .split_once('x')
            .expect("ASYNCHAT_LOAD=<connections>x<echoes>");
        return (c.parse().unwrap(), e.parse().unwrap());
    }
    if cfg!(debug_assertions) {
        (100, 20)
    } else {
        (1000, 100)
    }
}

/// Held by each test for its whole run: the burst test times a few milliseconds,
/// which a thousand connections beside it would swamp.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The example's handler on the library's server, on a thread of this process, on
/// a free port.
struct Server {
    addr: SocketAddr,
    handle: ServerHandle,
    thread: thread::JoinHandle<()>,
}

impl Server {
    fn start(config: Config) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut server = asynchat::server::Server::new(listener, config).unwrap();
        let handle = server.handle();
        let thread = thread::spawn(move || {
            server
                .run(echo_server::terminator(), |_| echo_server::Echo::default())
                .unwrap()
        });
        Server {
            addr,
            handle,
            thread,
        }
    }

    /// Stops the server and returns its counters.
    fn stop(self) -> Stats {
        self.handle.stop();
        self.thread.join().unwrap();
        self.handle.stats()
    }
}

#[test]
fn thousand_connections_hundred_echoes_each() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (connections, echoes) = load();
    let mut config = Config::default();
    config.max_connections = connections;
    let server = Server::start(config);
    let addr = server.addr;
    let start = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|id| {
            thread::Builder::new()
                .stack_size(128 * 1024)
                .spawn(move || {
                    let mut rng = Rng::new(id as u64 + 1);
                    let mut stream = TcpStream::connect(addr).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(60)))
                        .unwrap();
                    stream
                        .set_write_timeout(Some(Duration::from_secs(60)))
                        .unwrap();
                    let mut bytes = 0;
                    for echo in 0..echoes {
                        let len = rng.below(4097);
                        let message: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
                        let mut request = format!("ECHO {len}\n").into_bytes();
                        request.extend_from_slice(&message);
                        stream.write_all(&request).unwrap();
                        let mut copy = vec![0; len];
                        stream.read_exact(&mut copy).unwrap();
                        assert!(
                            copy == message,
                            "connection {id}, echo {echo}: copy differs"
                        );
                        bytes += len;
                    }
                    stream.write_all(b"QUIT\n").unwrap();
                    let mut rest = Vec::new();
                    stream.read_to_end(&mut rest).unwrap();
                    assert!(rest.is_empty(), "bytes after the last echo");
                    bytes
                })
                .unwrap()
        })
        .collect();
    let total: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    let stats = server.stop();
    assert_eq!(stats.accepted, connections as u64);
    eprintln!(
        "{connections} connections x {echoes} echoes: {total} bytes echoed and checked in {:.1?}",
        start.elapsed()
    );
}

/// A connection that returned `Status::Busy` is served again in the loop's next
/// round, without sleeping: input already in the socket brings no new readiness on
/// an edge-triggered loop, so a sleep would leave it there until the next tick
/// (100 ms) or another event.
#[test]
fn busy_connections_are_served_again_without_sleeping() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // No spin: only the busy connection may keep the loop from sleeping.
    let mut config = Config::default();
    config.spin = Duration::ZERO;
    let server = Server::start(config);
    // 18 MB of pipelined echoes, sent faster than the server reads them.
    let message = vec![b'x'; 60_000];
    let count = 300;
    let mut request = Vec::new();
    for _ in 0..count {
        request.extend_from_slice(format!("ECHO {}\n", message.len()).as_bytes());
        request.extend_from_slice(&message);
    }
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let start = Instant::now();
    let sending = thread::spawn(move || writer.write_all(&request).unwrap());
    let mut reply = vec![0; message.len() * count];
    stream.read_exact(&mut reply).unwrap();
    let took = start.elapsed();
    sending.join().unwrap();
    assert!(reply.iter().all(|&b| b == b'x'));
    let stats = server.stop();
    // About 20 ms on the development machine, debug build or release. Once the
    // client's sends stop, what is left in the socket takes busy rounds (4 reads of
    // 64 KiB each) with no new readiness: a loop that slept between them would wait
    // a 100 ms tick for each.
    assert!(
        took < Duration::from_millis(100),
        "18 MB of echoes took {took:?} ({} readiness calls)",
        stats.calls
    );
}
