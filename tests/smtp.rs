//! `examples/smtp_server.rs` checked by a client we did not write (Python's
//! `smtplib`) and by raw sockets that pipeline or trickle: replies, limits that keep
//! the session in sync, and exactly what lands in the spool.
#![cfg(all(feature = "std", target_os = "linux"))]

mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::example_server::Server;

/// A fresh, empty spool directory for one test.
fn spool() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("asynchat-smtp-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The spooled messages, in the order the server accepted them.
fn spooled(dir: &Path) -> Vec<Vec<u8>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    assert!(
        names.iter().all(|name| name.extension().unwrap() == "eml"),
        "{names:?}"
    );
    names
        .iter()
        .map(|name| std::fs::read(name).unwrap())
        .collect()
}

fn start(dir: &Path, max_message: Option<&str>) -> Server {
    let mut args = vec![dir.to_str().unwrap()];
    args.extend(max_message);
    Server::start("smtp_server", &args)
}

/// Runs a scenario of `tests/python/smtp_client.py`, which asserts on the replies.
fn smtplib(server: &Server, scenario: &str) {
    if !support::peers::python_module("smtplib") {
        return;
    }
    let script = format!("{}/tests/python/smtp_client.py", env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("python3")
        .args([&script, &server.addr.port().to_string(), scenario])
        .status()
        .expect("python3 runs (CI installs it)");
    assert!(status.success(), "smtplib scenario {scenario} failed");
}

#[test]
fn smtplib_mail_to_two_recipients() {
    let dir = spool();
    let server = start(&dir, None);
    smtplib(&server, "two_recipients");
    assert_eq!(
        spooled(&dir),
        [b"Subject: hi\r\n\r\nHello, two.\r\n".to_vec()]
    );
}

#[test]
fn smtplib_lines_starting_with_dots_are_stored_exactly() {
    let dir = spool();
    let server = start(&dir, None);
    smtplib(&server, "dots");
    assert_eq!(
        spooled(&dir),
        [b"Subject: dots\r\n\r\n.leading\r\n.\r\n..two\r\nend\r\n".to_vec()]
    );
}

#[test]
fn smtplib_one_megabyte_message() {
    let dir = spool();
    let server = start(&dir, None);
    smtplib(&server, "big");
    let mut expected = b"Subject: big\r\n\r\n".to_vec();
    for _ in 0..1000 {
        expected.extend_from_slice(&[b'x'; 998]);
        expected.extend_from_slice(b"\r\n");
    }
    let messages = spooled(&dir);
    assert_eq!(messages.len(), 1);
    assert!(messages[0] == expected, "the 1 MB message differs");
}

#[test]
fn smtplib_oversized_data_then_noop_and_a_normal_mail() {
    let dir = spool();
    let server = start(&dir, Some("1000"));
    smtplib(&server, "oversized_data_then_noop");
    assert_eq!(spooled(&dir), [b"Subject: small\r\n\r\nfits\r\n".to_vec()]);
}

#[test]
fn smtplib_overlong_command_line_then_a_normal_command() {
    let dir = spool();
    let server = start(&dir, None);
    smtplib(&server, "long_command");
    assert_eq!(spooled(&dir), [b"Subject: after\r\n\r\nok\r\n".to_vec()]);
}

const GREETING: &str = "220 localhost asynchat-smtpd\r\n";
const EHLO: &str = "250-localhost\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 HELP\r\n";

/// The session the raw-socket tests send, and the replies it must get.
fn oversized_session() -> (Vec<u8>, String) {
    let mut request = b"EHLO x\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n".to_vec();
    for _ in 0..30 {
        request.extend_from_slice(&[b'y'; 100]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b".\r\nNOOP\r\nMAIL FROM:<c@x>\r\nQUIT\r\n");
    let replies = [
        GREETING,
        EHLO,
        "250 OK\r\n",
        "250 OK\r\n",
        "354 End data with <CR><LF>.<CR><LF>\r\n",
        "552 Error: Too much mail data\r\n",
        "250 OK\r\n",
        "250 OK\r\n",
        "221 Bye\r\n",
    ]
    .concat();
    (request, replies)
}

/// An oversized body, its `.`, `NOOP` and `MAIL` in one send: the commands after the
/// body are commands.
#[test]
fn pipelined_oversized_body_then_commands() {
    let dir = spool();
    let server = start(&dir, Some("1000"));
    let (request, expected) = oversized_session();
    let mut stream = server.connect();
    stream.write_all(&request).unwrap();
    let mut replies = String::new();
    stream.read_to_string(&mut replies).unwrap();
    assert_eq!(replies, expected);
    assert!(spooled(&dir).is_empty());
}

/// Everything a byte at a time: the same replies, and a message stored exactly.
#[test]
fn session_sent_one_byte_at_a_time() {
    let dir = spool();
    let server = start(&dir, Some("1000"));
    let (mut request, mut expected) = oversized_session();
    // Before QUIT, a message that fits, with a dot-stuffed line and an empty DATA.
    let quit = request.len() - b"QUIT\r\n".len();
    request.splice(
        quit..quit,
        b"RCPT TO:<d@x>\r\nDATA\r\nhi\r\n..dot\r\n.\r\nMAIL FROM:<e@x>\r\nRCPT TO:<f@x>\r\nDATA\r\n.\r\n"
            .iter()
            .copied(),
    );
    let bye = expected.len() - "221 Bye\r\n".len();
    expected.insert_str(
        bye,
        "250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 OK\r\n\
         250 OK\r\n250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 OK\r\n",
    );
    let mut stream = server.connect();
    stream.set_nodelay(true).unwrap();
    for byte in &request {
        stream.write_all(std::slice::from_ref(byte)).unwrap();
    }
    let mut replies = String::new();
    stream.read_to_string(&mut replies).unwrap();
    assert_eq!(replies, expected);
    assert_eq!(spooled(&dir), [b"hi\r\n.dot\r\n".to_vec(), Vec::new()]);
}

/// Reads reply lines until one that is not a continuation (`250-...`), and returns
/// the last.
fn reply(stream: &mut std::net::TcpStream) -> String {
    loop {
        let mut line = Vec::new();
        let mut byte = [0];
        while !line.ends_with(b"\r\n") {
            stream.read_exact(&mut byte).unwrap();
            line.push(byte[0]);
        }
        let line = String::from_utf8(line).unwrap();
        if line.as_bytes().get(3) != Some(&b'-') {
            return line;
        }
    }
}

/// Says `command` and checks the reply begins with `code`.
fn say(stream: &mut std::net::TcpStream, command: &str, code: &str) {
    stream.write_all(command.as_bytes()).unwrap();
    let got = reply(stream);
    assert!(got.starts_with(code), "{command:?} got {got:?}");
}

/// Greeted, with a sender and one recipient, and in DATA.
fn session_in_data(server: &Server) -> std::net::TcpStream {
    let mut stream = server.connect();
    assert!(reply(&mut stream).starts_with("220"));
    say(&mut stream, "EHLO x\r\n", "250");
    say(&mut stream, "MAIL FROM:<a@x>\r\n", "250");
    say(&mut stream, "RCPT TO:<b@x>\r\n", "250");
    say(&mut stream, "DATA\r\n", "354");
    stream
}

/// RFC 5321: at least 100 recipients; the one after gets `452`, and the message
/// still goes to the first 100.
#[test]
fn recipient_101_gets_452() {
    let dir = spool();
    let server = start(&dir, None);
    let mut stream = server.connect();
    assert!(reply(&mut stream).starts_with("220"));
    say(&mut stream, "HELO x\r\n", "250");
    say(&mut stream, "MAIL FROM:<a@x>\r\n", "250");
    for n in 1..=100 {
        say(&mut stream, &format!("RCPT TO:<r{n}@x>\r\n"), "250");
    }
    say(&mut stream, "RCPT TO:<r101@x>\r\n", "452");
    say(&mut stream, "RCPT TO:<r102@x>\r\n", "452");
    say(&mut stream, "DATA\r\n", "354");
    say(&mut stream, "hi\r\n.\r\n", "250");
    assert_eq!(spooled(&dir), [b"hi\r\n".to_vec()]);
}

/// Whether the server can run as PID 1 in a namespace of its own, as in a
/// container.
fn pid_namespace() -> bool {
    support::peers::available(
        "a PID namespace (unshare)",
        "unshare",
        &["--pid", "--fork", "--kill-child", "--map-root-user", "true"],
    )
}

/// Two runs as PID 1 on one spool: both acknowledged messages are kept, under
/// names that say PID 1.
#[test]
fn two_runs_with_the_same_process_id_keep_both_messages() {
    if !pid_namespace() {
        return;
    }
    let dir = spool();
    let as_pid_1 = [
        "unshare",
        "--pid",
        "--fork",
        "--kill-child",
        "--map-root-user",
    ];
    for run in 0..2 {
        let server = Server::start_wrapped("smtp_server", &[dir.to_str().unwrap()], &as_pid_1);
        let mut stream = session_in_data(&server);
        say(&mut stream, &format!("run {run}\r\n.\r\n"), "250");
    }
    assert_eq!(
        spooled(&dir),
        [b"run 0\r\n".to_vec(), b"run 1\r\n".to_vec()]
    );
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(name.contains(".1."), "{name} is not PID 1's");
    }
}

fn files_with(dir: &Path, extension: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            let path = entry.as_ref().unwrap().path();
            path.extension().is_some_and(|e| e == extension)
        })
        .count()
}

/// `kill -9` in the middle of a message: no `*.eml` (it was never acknowledged), and
/// the next start removes the `*.tmp` it left.
#[test]
fn a_crash_during_data_leaves_no_message_and_the_next_start_no_temporary_file() {
    let dir = spool();
    let server = start(&dir, None);
    let mut stream = session_in_data(&server);
    stream.write_all(&[b'x'; 100_000]).unwrap();
    stream.write_all(b"\r\npart of a message\r\n").unwrap();
    // A command on another session shows the loop has read the lines before it.
    let mut other = server.connect();
    assert!(reply(&mut other).starts_with("220"));
    say(&mut other, "NOOP\r\n", "250");
    server.signal("-KILL");
    drop(server);
    assert_eq!(files_with(&dir, "eml"), 0);
    assert_eq!(files_with(&dir, "tmp"), 1, "the message was being written");
    let _server = start(&dir, None);
    assert_eq!(files_with(&dir, "tmp"), 0);
    assert_eq!(files_with(&dir, "eml"), 0);
}

/// A session that ends in the middle of a message removes its temporary file.
#[test]
fn a_session_closed_during_data_leaves_nothing() {
    let dir = spool();
    let server = start(&dir, None);
    let mut stream = session_in_data(&server);
    stream.write_all(b"half a message\r\n").unwrap();
    assert_eq!(files_with(&dir, "tmp"), 1);
    drop(stream);
    let start = std::time::Instant::now();
    while std::fs::read_dir(&dir).unwrap().count() > 0 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "still there"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A hundred sessions sending 10 MB messages at once: each is written to disk as it
/// arrives, so the server's peak memory stays far below one message per session,
/// and every message is stored whole.
#[test]
fn a_hundred_large_messages_at_once_in_bounded_memory() {
    const SESSIONS: usize = 100;
    const MESSAGE_LEN: usize = 10_000_000;
    let dir = spool();
    let server = start(&dir, None);
    let line = [b"m".repeat(998), b"\r\n".to_vec()].concat();
    let sessions: Vec<_> = (0..SESSIONS)
        .map(|_| {
            let mut stream = session_in_data(&server);
            let line = line.clone();
            std::thread::spawn(move || {
                for _ in 0..MESSAGE_LEN / line.len() {
                    stream.write_all(&line).unwrap();
                }
                say(&mut stream, ".\r\n", "250");
            })
        })
        .collect();
    for session in sessions {
        session.join().unwrap();
    }
    let peak = server.peak_memory();
    eprintln!(
        "peak memory (VmHWM): {:.1} MiB",
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < 64 << 20, "peak memory {peak} bytes");
    let sizes: Vec<u64> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![MESSAGE_LEN as u64; SESSIONS]);
    std::fs::remove_dir_all(&dir).unwrap();
}
