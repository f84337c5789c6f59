//! The seed's demo: an asynchat echo server and client in one process, on loopback,
//! with blocking std sockets.
//!
//! The client sends `ECHO <len>\n` and then the message through a producer in 64-byte
//! chunks; the server reads the command line, switches to a count terminator of
//! `<len>`, echoes the message back and closes when done; the client reads the reply
//! with a count terminator and checks it.
//!
//! `cargo run --example echo` sends the seed's 166-byte message;
//! `cargo run --example echo -- 0` (or any length) sends that many bytes instead.
//! Exits with status 0 only if the copy matches.

use std::net::{TcpListener, TcpStream};
use std::thread;

use asynchat::channel::{Context, Handler};
use asynchat::{Channel, Produced, Producer, Terminator, Truncated};

const LOREM: &[u8] = b"Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Donec
egestas, enim et consectetuer ullamcorper, lectus ligula rutrum leo, a
elementum elit tortor eu quam.
";

/// Shows bytes the way the seed's trace does.
fn show(bytes: &[u8]) -> String {
    format!("\"\"\"{}\"\"\"", String::from_utf8_lossy(bytes))
}

/// The server side: `ECHO <len>\n`, then `<len>` bytes, echoed back.
#[derive(Default)]
struct EchoHandler {
    data: Vec<u8>,
    in_message: bool,
}

impl Handler for EchoHandler {
    fn collect_incoming_data(&mut self, data: &[u8]) {
        println!(
            "EchoHandler: collect_incoming_data() -> ({} bytes)\n{}",
            data.len(),
            show(data)
        );
        self.data.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        println!("EchoHandler: found_terminator()");
        let data = std::mem::take(&mut self.data);
        if self.in_message {
            println!("EchoHandler: _process_message() echoing\n{}", show(&data));
            ctx.push(data).expect("not closing yet");
            ctx.close_when_done();
            return;
        }
        println!("EchoHandler: _process_command() {}", show(&data));
        let len = data
            .strip_prefix(b"ECHO ")
            .and_then(|len| std::str::from_utf8(len).ok()?.parse().ok());
        match len {
            Some(len) => {
                self.in_message = true;
                ctx.set_terminator(Terminator::Count(len));
            }
            None => {
                ctx.push(&b"ERROR expected ECHO <len>\n"[..])
                    .expect("not closing yet");
                ctx.close_when_done();
            }
        }
    }
}

/// Hands out the message in 64-byte chunks, and says so, like the seed's producer.
struct EchoProducer {
    message: Vec<u8>,
    sent: usize,
    announced: Option<usize>,
}

impl Producer for EchoProducer {
    fn chunk(&mut self) -> Produced<'_> {
        let chunk = &self.message[self.sent..(self.sent + 64).min(self.message.len())];
        // Announce each new chunk once, however often it is polled.
        if self.announced != Some(self.sent) {
            self.announced = Some(self.sent);
            println!(
                "EchoProducer: more() -> ({} bytes)\n{}",
                chunk.len(),
                show(chunk)
            );
        }
        if chunk.is_empty() {
            Produced::Done
        } else {
            Produced::Chunk(chunk)
        }
    }

    fn advance(&mut self, written: usize) {
        self.sent += written;
    }
}

/// The client side: sends the command and the message, expects the copy.
struct EchoClient {
    message: Vec<u8>,
    received: Vec<u8>,
    matched: bool,
}

impl Handler for EchoClient {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        println!("EchoClient: handle_connect()");
        ctx.push(format!("ECHO {}\n", self.message.len()))
            .expect("not closing");
        let producer = EchoProducer {
            message: self.message.clone(),
            sent: 0,
            announced: None,
        };
        ctx.push_producer(producer).expect("not closing");
        ctx.set_terminator(Terminator::Count(self.message.len() as u64));
    }

    fn collect_incoming_data(&mut self, data: &[u8]) {
        println!(
            "EchoClient: collect_incoming_data() -> ({})\n{}",
            data.len(),
            show(data)
        );
        self.received.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        println!("EchoClient: found_terminator()");
        self.matched = self.received == self.message;
        if self.matched {
            println!("EchoClient: RECEIVED COPY OF MESSAGE");
        } else {
            println!("EchoClient: ERROR: COPY DOES NOT MATCH");
        }
        ctx.close_when_done();
    }

    fn handle_eof(&mut self, end: Result<(), Truncated>, _ctx: &mut Context<'_>) {
        if let Err(truncated) = end {
            println!("EchoClient: the server closed early: {truncated}");
        }
    }
}

fn main() -> std::io::Result<()> {
    let message = match std::env::args().nth(1) {
        Some(len) => {
            let len: usize = len.parse().expect("usage: echo [message length]");
            (0..len).map(|i| LOREM[i % LOREM.len()]).collect()
        }
        None => LOREM.to_vec(),
    };

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let server = thread::spawn(move || -> std::io::Result<()> {
        let (stream, _) = listener.accept()?;
        Channel::new(stream, EchoHandler::default(), Terminator::literal(b"\n")).run()
    });

    println!("EchoClient: connecting to {address}");
    let stream = TcpStream::connect(address)?;
    let client = EchoClient {
        message,
        received: Vec::new(),
        matched: false,
    };
    let mut channel = Channel::new(stream, client, Terminator::None);
    channel.run()?;
    server.join().expect("server thread panicked")?;
    if !channel.handler().matched {
        std::process::exit(1);
    }
    Ok(())
}
