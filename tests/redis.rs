//! `examples/redis_server.rs` checked by clients we did not write: `redis-py`
//! (RESP2) and `redis-cli`, and by raw sockets for the protocol's edges: a client
//! that sends one byte at a time, inline commands, and limits that answer with an
//! error and close.
#![cfg(all(feature = "std", target_os = "linux"))]

mod support;

use std::io::{Read, Write};
use std::process::Command;

use support::example_server::Server;

fn server() -> Server {
    Server::start("redis_server", &[])
}

#[test]
fn redis_py_ping_echo_big_values_pipeline_errors() {
    if !support::peers::python_module("redis") {
        return;
    }
    let server = server();
    let script = format!(
        "{}/tests/python/redis_client.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let status = Command::new("python3")
        .args([&script, &server.addr.port().to_string()])
        .status()
        .expect("python3 runs (CI installs it and redis-py)");
    assert!(status.success(), "the redis-py checks failed");
}

/// `redis-cli ARGS...` against the server; its stdout.
fn redis_cli(server: &Server, args: &[&str]) -> String {
    let output = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &server.addr.port().to_string()])
        .args(args)
        .output()
        .expect("redis-cli runs (CI installs redis-tools)");
    assert!(output.status.success(), "redis-cli {args:?} failed");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn redis_cli_commands() {
    if !support::peers::available("redis-cli", "redis-cli", &["--version"]) {
        return;
    }
    let server = server();
    assert_eq!(redis_cli(&server, &["PING"]), "PONG\n");
    assert_eq!(
        redis_cli(&server, &["SET", "greeting", "hello world"]),
        "OK\n"
    );
    assert_eq!(redis_cli(&server, &["GET", "greeting"]), "hello world\n");
    assert_eq!(redis_cli(&server, &["EXISTS", "greeting", "nope"]), "1\n");
    assert_eq!(redis_cli(&server, &["DEL", "greeting"]), "1\n");
    assert_eq!(redis_cli(&server, &["GET", "greeting"]), "\n");
    // redis-cli ends an error with an empty line when its output is not a terminal.
    assert_eq!(
        redis_cli(&server, &["FROB"]).trim_end(),
        "ERR unknown command 'FROB'"
    );
}

/// Sends `request` and reads until the server closes.
fn exchange(server: &Server, request: &[u8], one_byte_at_a_time: bool) -> String {
    let mut stream = server.connect();
    if one_byte_at_a_time {
        stream.set_nodelay(true).unwrap();
        for byte in request {
            stream.write_all(std::slice::from_ref(byte)).unwrap();
        }
    } else {
        stream.write_all(request).unwrap();
    }
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn one_byte_at_a_time_and_inline() {
    let server = server();
    let request = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nECHO hi\r\n*1\r\n$4\r\nPING\r\n";
    let expected = "+OK\r\n$4\r\na\r\nb\r\n+PONG\r\n$2\r\nhi\r\n+PONG\r\n";
    assert_eq!(exchange(&server, request, true), expected);
    assert_eq!(exchange(&server, request, false), expected);
}

#[test]
fn limits_answer_with_an_error_and_close() {
    let server = server();
    assert_eq!(
        exchange(&server, b"*1\r\n$99999999999999\r\nPING\r\n", false),
        "-ERR Protocol error: invalid bulk length\r\n"
    );
    assert_eq!(
        exchange(&server, b"*1\r\n$67108865\r\n", false),
        "-ERR Protocol error: invalid bulk length\r\n"
    );
    assert_eq!(
        exchange(&server, b"PING\r\n*99999999999\r\nPING\r\n", false),
        "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"
    );
    assert_eq!(
        exchange(&server, b"*1\r\n$4\r\nPINGxx\r\n", false),
        "-ERR Protocol error: bulk argument not followed by CRLF\r\n"
    );
    let mut long = vec![b'x'; 70_000];
    long.extend_from_slice(b"\r\nPING\r\n");
    assert_eq!(
        exchange(&server, &long, false),
        "-ERR Protocol error: too big inline request\r\n"
    );
}

/// A client that pipelines `GET`s of a 1 MiB value and never reads the replies:
/// the server stops taking its requests at the outbox's watermark, whatever one
/// read brought in, so its peak memory stays small, and another client is served.
#[test]
fn pipelined_gets_never_read_cost_bounded_memory() {
    let server = server();
    let value = vec![b'v'; 1 << 20];
    let mut setter = server.connect();
    let mut set = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", value.len()).into_bytes();
    set.extend_from_slice(&value);
    set.extend_from_slice(b"\r\n");
    setter.write_all(&set).unwrap();
    let mut ok = [0; 5];
    setter.read_exact(&mut ok).unwrap();
    assert_eq!(&ok, b"+OK\r\n");
    // 4000 requests (about 100 KB): 4 GiB of replies if they were all taken at once.
    let mut greedy = server.connect();
    let gets = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(4000);
    greedy.write_all(&gets).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut other = server.connect();
    other.write_all(b"PING\r\n").unwrap();
    let mut pong = [0; 7];
    other.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"+PONG\r\n");
    let peak = server.peak_memory();
    eprintln!(
        "redis example peak memory: {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(
        peak < 64 << 20,
        "server peak memory (VmHWM): {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    drop(greedy);
}

/// Streams a `*100` request of `arg_len`-byte `SET`-like arguments from a thread,
/// and returns what the server answered before it closed.
fn huge_request(server: &Server, arg_len: usize) -> String {
    let mut stream = server.connect();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        let chunk = vec![b'v'; 1 << 20];
        writer.write_all(b"*100\r\n$3\r\nSET\r\n")?;
        for _ in 0..99 {
            writer.write_all(format!("${arg_len}\r\n").as_bytes())?;
            for _ in 0..arg_len / chunk.len() {
                writer.write_all(&chunk)?;
            }
            writer.write_all(b"\r\n")?;
        }
        std::io::Result::Ok(())
    });
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    // The server discards what follows the error while it lingers; the writes may
    // or may not end in a reset.
    let _ = sending.join().unwrap();
    String::from_utf8(reply).unwrap()
}

/// A request of a hundred arguments of 64 MiB, or of 1 MiB: refused with an error
/// as soon as it is too large, and the connection closed, without the server ever
/// holding more than one request's worth (16 MiB).
#[test]
fn a_huge_request_is_refused_in_bounded_memory() {
    let server = server();
    assert_eq!(
        huge_request(&server, 64 << 20),
        "-ERR Protocol error: invalid bulk length\r\n"
    );
    assert_eq!(
        huge_request(&server, 1 << 20),
        "-ERR Protocol error: request too large\r\n"
    );
    // The largest request that fits is served.
    let mut stream = server.connect();
    let value = vec![b'v'; (16 << 20) - 64];
    let mut set = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", value.len()).into_bytes();
    set.extend_from_slice(&value);
    set.extend_from_slice(b"\r\n");
    stream.write_all(&set).unwrap();
    let mut ok = [0; 5];
    stream.read_exact(&mut ok).unwrap();
    assert_eq!(&ok, b"+OK\r\n");
    let peak = server.peak_memory();
    eprintln!(
        "peak memory (VmHWM): {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < 64 << 20, "peak memory {peak} bytes");
}
