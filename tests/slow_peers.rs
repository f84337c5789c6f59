//! Slow peers cannot hold the door: 600 connections that each send one byte a
//! second and never finish a line, against the mio echo example at a cap of 256
//! connections, and separately at a limit of 256 open files. Evicted attackers
//! reconnect at once. Meanwhile a well-behaved client connects every quarter
//! second and must be answered within 2 s, every time, for 10 s.
//!
//! `.ci/run` runs it on a release build; the example is built with the test's
//! profile.
#![cfg(all(feature = "std", target_os = "linux"))]

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::example_server::Server;

const ATTACKERS: usize = 600;
const WATCH_FOR: Duration = Duration::from_secs(10);
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// The two tests each open hundreds of connections: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Keeps `ATTACKERS` connections to `addr`, each sending one `x` a second; a
/// connection the server closed is opened again at once. Returns how many
/// connections it opened in all.
fn attack(addr: SocketAddr, stop: Arc<AtomicBool>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let connect = || {
            let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
            stream.set_nonblocking(true).ok()?;
            Some(stream)
        };
        let mut opened = 0;
        let mut attackers: Vec<Option<TcpStream>> = (0..ATTACKERS).map(|_| None).collect();
        while !stop.load(Ordering::Relaxed) {
            let round = Instant::now();
            for slot in &mut attackers {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let alive = slot.as_mut().is_some_and(|stream| {
                    let mut buffer = [0; 64];
                    let closed = matches!(stream.read(&mut buffer), Ok(0))
                        || matches!(stream.read(&mut buffer), Err(e) if e.kind() != ErrorKind::WouldBlock);
                    !closed && stream.write(b"x").is_ok()
                });
                if !alive {
                    *slot = connect();
                    if let Some(stream) = slot {
                        opened += 1;
                        let _ = stream.write(b"x");
                    }
                }
            }
            thread::sleep(Duration::from_secs(1).saturating_sub(round.elapsed()));
        }
        opened
    })
}

/// One well-behaved client: connect, echo, `QUIT`; how long it took, or why it
/// failed.
fn well_behaved(addr: SocketAddr) -> Result<Duration, String> {
    let start = Instant::now();
    let mut stream =
        TcpStream::connect_timeout(&addr, ANSWER_WITHIN).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(ANSWER_WITHIN))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"ECHO 2\nhiQUIT\n")
        .map_err(|e| format!("write: {e}"))?;
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .map_err(|e| format!("read after {:?}: {e}", start.elapsed()))?;
    if reply != b"hi" {
        return Err(format!("reply {reply:?}"));
    }
    Ok(start.elapsed())
}

/// Attacks `server` and checks a well-behaved client every quarter second.
fn well_behaved_clients_get_in(server: &Server) {
    let stop = Arc::new(AtomicBool::new(false));
    let attackers = attack(server.addr, Arc::clone(&stop));
    // Let the attack fill the server first.
    thread::sleep(Duration::from_secs(2));
    let start = Instant::now();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    while start.elapsed() < WATCH_FOR {
        match well_behaved(server.addr) {
            Ok(took) if took <= ANSWER_WITHIN => latencies.push(took),
            Ok(took) => failures.push(format!("answered after {took:?}")),
            Err(why) => failures.push(why),
        }
        thread::sleep(Duration::from_millis(250));
    }
    stop.store(true, Ordering::Relaxed);
    let opened = attackers.join().unwrap();
    latencies.sort();
    eprintln!(
        "{} clients answered, slowest {:?}; attackers opened {opened} connections",
        latencies.len(),
        latencies.last()
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        latencies.len() >= 20,
        "{} clients in {WATCH_FOR:?}",
        latencies.len()
    );
    assert!(opened >= ATTACKERS, "the attack ran: {opened} connections");
}

#[test]
fn slow_peers_at_the_connection_cap_give_way_to_new_clients() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // A cap of 256; idle and frame timeouts of 30 s, longer than the test.
    let server = Server::start("echo_server_mio", &["256", "30", "30"]);
    well_behaved_clients_get_in(&server);
}

#[test]
fn slow_peers_at_the_file_limit_give_way_to_new_clients() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The default cap (1,024), but 256 open files at most.
    let server = Server::start_with_fd_limit("echo_server_mio", &["1024", "30", "30"], 256);
    well_behaved_clients_get_in(&server);
}
