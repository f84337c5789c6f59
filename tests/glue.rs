//! The std glue over real loopback TCP, and against the real Python asynchat.
#![cfg(feature = "std")]

mod support;

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use asynchat::channel::Status;
use asynchat::channel::{Context, Handler};
use asynchat::io::write_outbox;
use asynchat::Drained;
use asynchat::{Channel, Terminator, VecOutbox};
use support::glue_model::Echo;

/// Serves one connection on a blocking channel; the thread returns the handler.
fn serve_one() -> (SocketAddr, thread::JoinHandle<Echo>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut channel = Channel::new(stream, Echo::default(), Terminator::literal(b"\n"));
        channel.run().unwrap();
        channel.into_parts().1
    });
    (addr, server)
}

fn payload(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 31 + seed) % 251) as u8).collect()
}

#[test]
fn many_messages_of_many_sizes_on_one_connection() {
    let (addr, server) = serve_one();
    let mut client = TcpStream::connect(addr).unwrap();
    for (i, len) in [0, 1, 166, 65_536, 1 << 20, 0, 3].into_iter().enumerate() {
        let message = payload(len, i);
        let mut request = format!("ECHO {len}\n").into_bytes();
        request.extend_from_slice(&message);
        // Write from a thread: a 1 MiB echo does not fit in the socket buffers.
        let mut writer = client.try_clone().unwrap();
        let sending = thread::spawn(move || writer.write_all(&request).unwrap());
        let mut copy = vec![0; len];
        client.read_exact(&mut copy).unwrap();
        sending.join().unwrap();
        assert!(copy == message, "message {i} of {len} bytes differs");
    }
    client.write_all(b"QUIT\n").unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        server.join().unwrap().end,
        None,
        "the server closed, not the peer"
    );
}

#[test]
fn peer_sending_one_byte_at_a_time() {
    let (addr, server) = serve_one();
    let mut client = TcpStream::connect(addr).unwrap();
    client.set_nodelay(true).unwrap();
    let message = payload(300, 7);
    let mut request = b"ECHO 300\n".to_vec();
    request.extend_from_slice(&message);
    request.extend_from_slice(b"QUIT\n");
    for byte in &request {
        client.write_all(std::slice::from_ref(byte)).unwrap();
    }
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, message);
    server.join().unwrap();
}

#[test]
fn peer_closing_mid_message_is_reported_as_truncated() {
    let (addr, server) = serve_one();
    let mut client = TcpStream::connect(addr).unwrap();
    client.write_all(b"ECHO 10\nabcd").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).unwrap();
    assert!(reply.is_empty());
    let handler = server.join().unwrap();
    let truncated = handler.end.expect("eof reported").unwrap_err();
    assert_eq!(
        (truncated.frame_len, truncated.missing, truncated.position),
        (4, Some(6), 12)
    );
    assert_eq!(
        handler.data, b"abcd",
        "the partial frame was delivered as data"
    );
}

#[test]
fn peer_that_never_reads_is_throttled() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (done, stop) = mpsc::channel::<()>();
    let client = thread::spawn(move || {
        let mut client = TcpStream::connect(addr).unwrap();
        client
            .set_write_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut request = b"ECHO 4096\n".to_vec();
        request.extend_from_slice(&payload(4096, 1));
        let mut sent = 0usize;
        // Send until the server stops reading and the socket buffers fill.
        while stop.try_recv().is_err() {
            match client.write(&request) {
                Ok(n) => sent += n,
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
        sent
    });
    let (stream, _) = listener.accept().unwrap();
    stream.set_nonblocking(true).unwrap();
    let mut channel = Channel::new(stream, Echo::default(), Terminator::literal(b"\n"));
    let (low, high) = (16 * 1024, 64 * 1024);
    channel.set_watermarks(low, high);
    let mut max_queued = 0;
    let mut paused = false;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        assert_ne!(channel.handle_ready().unwrap(), Status::Closed);
        max_queued = max_queued.max(channel.queued_bytes());
        paused |= !channel.wants_read();
        thread::sleep(Duration::from_millis(5));
    }
    done.send(()).unwrap();
    let sent = client.join().unwrap();
    assert!(paused, "reading never paused");
    // One read's worth of replies may land on top of the high mark, no more.
    assert!(
        max_queued <= high + 65_536 + 4096,
        "queued {max_queued} bytes"
    );
    assert!(
        sent > max_queued,
        "the client sent {sent} bytes, yet the server queued {max_queued}"
    );
}

/// A writer that accepts `n` bytes, then fails.
struct Failing(usize, Vec<u8>);

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
        }
        let n = buf.len().min(self.0);
        self.0 -= n;
        self.1.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_errors_lose_nothing() {
    let mut outbox = VecOutbox::new();
    outbox.push(&b"hello "[..]).unwrap();
    outbox.push(b"world".to_vec()).unwrap();
    let mut writer = Failing(3, Vec::new());
    let error = write_outbox(&mut writer, &mut outbox).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(outbox.queued_bytes(), 8);
    let mut rest = Vec::new();
    assert_eq!(write_outbox(&mut rest, &mut outbox).unwrap(), Drained::Idle);
    assert_eq!([writer.1, rest].concat(), b"hello world");
}

fn python_with_asynchat() -> bool {
    support::peers::python_module("asynchat")
}

fn script(name: &str) -> String {
    format!("{}/tests/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn python_asynchat_client_against_our_server() {
    if !python_with_asynchat() {
        return;
    }
    for len in [0, 1, 166, 65_536] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = Command::new("python3")
            .args([
                "-W",
                "ignore",
                &script("echo_client.py"),
                &port.to_string(),
                &len.to_string(),
            ])
            .spawn()
            .unwrap();
        let (stream, _) = listener.accept().unwrap();
        let mut channel = Channel::new(stream, OneEcho::default(), Terminator::literal(b"\n"));
        channel.run().unwrap();
        drop(channel); // closes the socket
        let status = client.wait_with_output().unwrap().status;
        assert!(status.success(), "python client failed for {len} bytes");
    }
}

/// The echo server handler of PyMOTW's asynchat page: one `ECHO <len>`, then close when done.
#[derive(Default)]
struct OneEcho(Echo);

impl Handler for OneEcho {
    fn collect_incoming_data(&mut self, data: &[u8], ctx: &mut Context<'_>) {
        self.0.collect_incoming_data(data, ctx);
    }
    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let replying = self.0.in_message;
        self.0.found_terminator(ctx);
        if replying {
            ctx.close_when_done();
        }
    }
}

/// Our client: pushes the command and the message, expects the copy.
struct Client {
    message: Vec<u8>,
    received: Vec<u8>,
    done: bool,
}

impl Handler for Client {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        ctx.push(format!("ECHO {}\n", self.message.len())).unwrap();
        let producer = asynchat::SimpleProducer::new(self.message.clone(), 64);
        ctx.push_producer(producer).unwrap();
        ctx.set_terminator(Terminator::Count(self.message.len() as u64));
    }
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.received.extend_from_slice(data);
    }
    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        self.done = true;
        ctx.close_when_done();
    }
}

#[test]
fn our_client_against_python_asynchat_server() {
    if !python_with_asynchat() {
        return;
    }
    for len in [0, 1, 166, 65_536] {
        let mut server = Command::new("python3")
            .args(["-W", "ignore", &script("echo_server.py")])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut port = String::new();
        let mut stdout = server.stdout.take().unwrap();
        let mut byte = [0u8];
        while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            port.push(byte[0] as char);
        }
        let stream =
            TcpStream::connect(("127.0.0.1", port.trim().parse::<u16>().unwrap())).unwrap();
        let client = Client {
            message: payload(len, 3),
            received: Vec::new(),
            done: false,
        };
        let mut channel = Channel::new(stream, client, Terminator::None);
        channel.run().unwrap();
        let client = channel.into_parts().1;
        assert!(client.done, "no reply for {len} bytes");
        assert!(
            client.received == client.message,
            "copy differs for {len} bytes"
        );
        assert!(server.wait().unwrap().success());
    }
}

#[test]
fn scripted_reads_and_writes_lose_nothing() {
    use support::glue_model::{check, IoStep};
    use support::rng::Rng;
    let mut rng = Rng::new(9);
    let rounds = if cfg!(miri) { 5 } else { 500 };
    for _ in 0..rounds {
        let messages: Vec<Vec<u8>> = (0..rng.below(5))
            .map(|_| (0..rng.below(300)).map(|_| rng.below(256) as u8).collect())
            .collect();
        let script = |rng: &mut Rng| -> Vec<IoStep> {
            (0..rng.below(6))
                .map(|_| match rng.below(4) {
                    0 => IoStep::WouldBlock,
                    1 => IoStep::Interrupted,
                    _ => IoStep::Bytes(rng.below(256) as u8),
                })
                .collect()
        };
        let reads = script(&mut rng);
        let writes = script(&mut rng);
        check(&messages, &reads, &writes);
    }
}
