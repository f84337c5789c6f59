//! Load test of the event-loop example server: many concurrent connections, each
//! doing many echoes of random sizes, every byte checked.
//!
//! `cargo test --release --test load` runs 1 000 connections x 100 echoes (as
//! `.ci/run` does); a debug build runs 100 x 20 to keep `cargo test` quick. Override
//! with `ASYNCHAT_LOAD=<connections>x<echoes>`.

#[allow(dead_code)]
#[path = "../examples/echo_server_mio.rs"]
mod echo_server;

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

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

#[test]
fn thousand_connections_hundred_echoes_each() {
    let (connections, echoes) = load();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(echo_server::Stats::default());
    let server = {
        let (stop, stats) = (Arc::clone(&stop), Arc::clone(&stats));
        let config = echo_server::Config {
            max_connections: connections,
            idle_timeout: Duration::from_secs(60),
            ..echo_server::Config::default()
        };
        thread::spawn(move || echo_server::serve(listener, config, &stop, &stats).unwrap())
    };
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
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
    assert_eq!(stats.served.load(Ordering::Relaxed), connections as u64);
    eprintln!(
        "{connections} connections x {echoes} echoes: {total} bytes echoed and checked in {:.1?}",
        start.elapsed()
    );
}
