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
