//! The event-loop example (`examples/echo_server_mio.rs`), run as its own process,
//! against peers that never end a line, announce absurd lengths, leave input unread
//! at close, or idle: error replies, other clients still served, memory bounded
//! (the server's peak resident size, `VmHWM`), no reply lost.
//!
//! `.ci/run` runs it on a release build (`cargo test --release --test hostile`); the
//! test builds the example with the same profile as itself.
#![cfg(all(feature = "std", target_os = "linux"))]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;

use support::example_server::Server;

/// Sends `request` from a thread while reading the whole reply (up to the server's
/// close), so that neither side's buffers can block the other.
fn exchange(mut stream: TcpStream, request: Vec<u8>) -> Vec<u8> {
    let mut writer = stream.try_clone().unwrap();
    let sending = thread::spawn(move || writer.write_all(&request).is_ok());
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert!(sending.join().unwrap(), "the server stopped reading");
    reply
}

#[test]
fn hostile_peers_get_errors_while_others_are_served_in_bounded_memory() {
    let server = Server::start("echo_server_mio", &["16", "30"]);
    // 100 MB without a newline, streamed from a small buffer, then the rest.
    let flooder = {
        let mut stream = server.connect();
        thread::spawn(move || {
            let mut writer = stream.try_clone().unwrap();
            let sending = thread::spawn(move || {
                let chunk = vec![b'x'; 1 << 16];
                for _ in 0..(100_000_000 / chunk.len()) {
                    writer.write_all(&chunk).unwrap();
                }
                writer
                    .write_all(
                        b"\nECHO 99999999999999999999\nECHO 1048577\nHELO\nECHO 3\nabcQUIT\n",
                    )
                    .unwrap();
            });
            let mut reply = Vec::new();
            stream.read_to_end(&mut reply).unwrap();
            sending.join().unwrap();
            reply
        })
    };
    // Meanwhile, a well-behaved client is served.
    for round in 0..20 {
        let message = format!("message {round}");
        let request = format!("ECHO {}\n{message}QUIT\n", message.len()).into_bytes();
        let reply = exchange(server.connect(), request);
        assert_eq!(reply, message.as_bytes());
    }
    let reply = flooder.join().unwrap();
    assert_eq!(
        String::from_utf8(reply).unwrap(),
        "ERROR line too long\nERROR bad length\nERROR bad length\nERROR unknown command\nabc"
    );
    let peak = server.peak_memory();
    eprintln!(
        "server peak memory (VmHWM): {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < 64 << 20, "peak memory {peak} bytes");
}

/// `ECHO 1048576`, the message, `QUIT`, then 4 MiB the server never reads: the reply
/// arrives whole, because the server lingers instead of resetting the connection.
#[test]
fn reply_arrives_whole_despite_unread_input_after_quit() {
    let server = Server::start("echo_server_mio", &[]);
    let message: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut request = format!("ECHO {}\n", message.len()).into_bytes();
    request.extend_from_slice(&message);
    request.extend_from_slice(b"QUIT\n");
    request.extend(std::iter::repeat_n(b'!', 4 << 20));
    let reply = exchange(server.connect(), request);
    assert_eq!(reply.len(), message.len());
    assert!(reply == message);
}

/// A full server (2 connections, both idle) lets a new client in once the idle ones
/// time out (1 s).
#[test]
fn idle_connections_time_out_so_new_clients_get_in() {
    let server = Server::start("echo_server_mio", &["2", "1"]);
    let mut idle: Vec<TcpStream> = (0..2).map(|_| server.connect()).collect();
    let reply = exchange(server.connect(), b"ECHO 2\nhiQUIT\n".to_vec());
    assert_eq!(reply, b"hi");
    for stream in &mut idle {
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        assert!(
            rest.is_empty(),
            "an idle connection is closed without a word"
        );
    }
}

/// More clients than the server may open files (`ulimit -n 32`): `accept` fails with
/// "too many open files" while they are connected, and the server goes on: it
/// serves the connections it has, and the rest from the backlog as those close.
#[test]
fn clients_beyond_the_file_limit_wait_in_the_backlog_and_are_served() {
    let server = Server::start_with_fd_limit("echo_server_mio", &[], 32);
    support::example_server::echo_clients_in_order(&server, 60);
}

/// A server stopped and continued (`kill -STOP`, `kill -CONT`, as a shell's Ctrl-Z
/// and `fg` do) sees its wait for readiness fail with "interrupted", and goes on.
#[test]
fn a_stopped_and_continued_server_goes_on_serving() {
    let server = Server::start("echo_server_mio", &[]);
    for round in 0..3 {
        for signal in ["-STOP", "-CONT"] {
            server.signal(signal);
            thread::sleep(std::time::Duration::from_millis(50));
        }
        let message = format!("round {round}");
        let request = format!("ECHO {}\n{message}QUIT\n", message.len()).into_bytes();
        assert_eq!(exchange(server.connect(), request), message.as_bytes());
    }
}

/// Input and the peer's end arrive together, while the server is stopped, on a
/// connection it already watches: after a read that takes the input, no new
/// readiness comes for the end. The server still sees it, sends the reply and
/// closes at once, not when the connection has idled for 30 s.
#[test]
fn input_and_the_end_arriving_together_are_both_seen() {
    let server = Server::start("echo_server_mio", &["16", "30"]);
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(b"ECHO 2\nhi").unwrap();
    let mut reply = [0; 2];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"hi");
    server.signal("-STOP");
    stream.write_all(b"ECHO 2\nyo").unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    thread::sleep(std::time::Duration::from_millis(100));
    server.signal("-CONT");
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("the server saw the input but not the end");
    assert_eq!(rest, b"yo");
}

/// After a round with events the loop polls for a moment without sleeping (the
/// example's `Config::spin`); once its clients go quiet it sleeps again, and an
/// idle connection costs no CPU.
#[test]
fn an_idle_server_sleeps() {
    let server = Server::start("echo_server_mio", &["16", "30"]);
    let mut stream = server.connect();
    stream.write_all(b"ECHO 2\nhi").unwrap();
    let mut reply = [0; 2];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"hi");
    let before = server.cpu_time();
    thread::sleep(std::time::Duration::from_secs(1));
    let spent = server.cpu_time() - before;
    assert!(
        spent < std::time::Duration::from_millis(100),
        "idle for 1 s with one quiet connection, the server ran for {spent:?}"
    );
    drop(stream);
}

/// A complete request, a truncated one, then the peer's half-close: the complete
/// one is answered every time.
#[test]
fn a_truncated_request_and_a_half_close_lose_no_reply() {
    let server = Server::start("echo_server_mio", &[]);
    for attempt in 0..300 {
        let stream = server.connect();
        let mut writer = stream.try_clone().unwrap();
        writer.write_all(b"ECHO 5\nhelloECHO 3\nab").unwrap();
        writer.shutdown(std::net::Shutdown::Write).unwrap();
        let reply = exchange(stream, Vec::new());
        assert_eq!(reply, b"hello", "attempt {attempt}");
    }
}
