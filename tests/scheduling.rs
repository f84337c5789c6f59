//! The example event loop (`examples/common/server.rs`, through
//! `examples/echo_server_mio.rs`) comes back to a channel that returned
//! `Status::Busy` in its next round, without sleeping: input already in the socket
//! brings no new readiness on an edge-triggered loop, so sleeping would leave it
//! there until the next tick (100 ms) or another event.

#[allow(dead_code)]
#[path = "../examples/echo_server_mio.rs"]
mod echo_server;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn busy_channels_are_served_again_without_sleeping() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(echo_server::Stats::default());
    let server = {
        let (stop, stats) = (Arc::clone(&stop), Arc::clone(&stats));
        // No spin: only the busy channel may keep the loop from sleeping.
        let config = echo_server::Config {
            spin: Duration::ZERO,
            ..echo_server::Config::default()
        };
        thread::spawn(move || echo_server::serve(listener, config, &stop, &stats).unwrap())
    };
    // 18 MB of pipelined echoes, sent faster than the server reads them.
    let message = vec![b'x'; 60_000];
    let mut request = Vec::new();
    let count = 300;
    for _ in 0..count {
        request.extend_from_slice(format!("ECHO {}\n", message.len()).as_bytes());
        request.extend_from_slice(&message);
    }
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let start = Instant::now();
    let sending = thread::spawn(move || {
        writer.write_all(&request).unwrap();
        Instant::now()
    });
    let mut reply = vec![0; message.len() * count];
    stream.read_exact(&mut reply).unwrap();
    let done = Instant::now();
    let sent = sending.join().unwrap();
    assert!(reply.iter().all(|&b| b == b'x'));
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
    // What was still in the socket when the client's last send returned takes a
    // few busy rounds (4 reads of 64 KiB each), a few milliseconds; a loop that slept
    // between them would wait a 100 ms tick for each.
    let tail = done - sent;
    assert!(
        tail < Duration::from_millis(100),
        "the replies took {tail:?} after the last send ({:?} in all, {} readiness calls)",
        done - start,
        stats.calls.load(Ordering::Relaxed)
    );
}
