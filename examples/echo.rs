//! The demo of PyMOTW's asynchat page: an echo server and client in one process,
//! on loopback, with blocking std sockets.
//!
//! The client sends `ECHO <len>\n` and then the message through a producer in 64-byte
//! chunks; the server reads the command line, switches to a count terminator of
//! `<len>`, echoes the message back and closes when done; the client reads the reply
//! with a count terminator and checks it.
//!
//! The server defends itself: a command line over [`MAX_LINE_LEN`] bytes, or an
//! `ECHO` length over [`MAX_MESSAGE_LEN`] or not a number, gets an error line and the
//! connection is closed when it is sent; a peer cannot make it hold more than one
//! line or one message.
//!
//! `cargo run --example echo` sends the page's 166-byte message;
//! `cargo run --example echo -- 0` (or any length) sends that many bytes instead.
//! Exits with status 0 only if the copy matches, 2 on a bad argument.

use std::net::{TcpListener, TcpStream};
use std::thread;

use asynchat::channel::{Context, Handler};
use asynchat::{Channel, FrameKind, FrameTooLong, Produced, Producer, Terminator, Truncated};

/// The longest command line the server reads, in bytes.
const MAX_LINE_LEN: u64 = 1024;
/// The longest message the server echoes: 16 MiB.
const MAX_MESSAGE_LEN: u64 = 16 << 20;

const LOREM: &[u8] = b"Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Donec
egestas, enim et consectetuer ullamcorper, lectus ligula rutrum leo, a
elementum elit tortor eu quam.
";

/// Shows bytes the way the page's trace does.
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
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
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
            Some(len) if len <= MAX_MESSAGE_LEN => {
                self.in_message = true;
                // A count bounds itself: the line limit does not apply to it.
                ctx.set_terminator(Terminator::Count(len));
            }
            _ => {
                println!("EchoHandler: refused {}", show(&data));
                ctx.push(format!(
                    "ERROR expected ECHO <len>, len <= {MAX_MESSAGE_LEN}\n"
                ))
                .expect("not closing yet");
                ctx.close_when_done();
            }
        }
    }

    fn frame_too_long(&mut self, too_long: FrameTooLong, _ctx: &mut Context<'_>) {
        println!("EchoHandler: {too_long}");
        self.data = Vec::new();
    }

    fn frame_discarded(&mut self, _frame_len: u64, _kind: FrameKind, ctx: &mut Context<'_>) {
        ctx.push(format!("ERROR line longer than {MAX_LINE_LEN} bytes\n"))
            .expect("not closing yet");
        ctx.close_when_done();
    }
}

/// Hands out the message in 64-byte chunks, and says so, like the page's producer.
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
        // The reply is exactly as long as the message.
        ctx.set_terminator(Terminator::Count(self.message.len() as u64));
    }

    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
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
            let Ok(len) = len.parse::<usize>() else {
                eprintln!("usage: echo [MESSAGE_LENGTH]");
                std::process::exit(2);
            };
            (0..len).map(|i| LOREM[i % LOREM.len()]).collect()
        }
        None => LOREM.to_vec(),
    };

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let server = thread::spawn(move || -> std::io::Result<()> {
        let (stream, _) = listener.accept()?;
        let mut channel = Channel::new(stream, EchoHandler::default(), Terminator::literal(b"\n"));
        channel.set_max_frame_len(Some(MAX_LINE_LEN));
        channel.run()
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
