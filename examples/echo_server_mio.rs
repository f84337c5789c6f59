//! The echo server on a real event loop: `mio`, non-blocking sockets, many clients
//! at once, and a server that defends itself.
//!
//! Each connection may send any number of `ECHO <len>\n<len bytes>` requests; each
//! is echoed back. `QUIT\n` closes when done. Anything else gets an error line and
//! the connection goes on:
//!
//! - a line longer than [`MAX_LINE_LEN`] bytes: `ERROR line too long`;
//! - `ECHO <len>` with `len` over [`MAX_ECHO_LEN`] or not a number: `ERROR bad length`
//!   (the bytes that follow are read as lines);
//! - any other line: `ERROR unknown command`.
//!
//! So a connection never holds more than one message, one reply of up to
//! [`MAX_ECHO_LEN`] bytes plus the outbox's high watermark, and the fixed buffers,
//! whatever the peer sends. The loop is the library's
//! [`asynchat::server`]: fair readiness calls, idle and frame timeouts, and at the
//! connection cap the slowest peer gives way to a new one.
//!
//! usage: `cargo run --features mio --example echo_server_mio -- [PORT]
//! [MAX_CONNECTIONS] [IDLE_SECS] [FRAME_SECS]` (port 0, the default, picks a free
//! port; 1024 connections; 30 s; 30 s; it prints `listening on <address>`).

use std::io;
use std::net::TcpListener;
use std::time::Duration;

use asynchat::channel::{Context, Handler};
use asynchat::server::Config;
use asynchat::{FrameKind, FrameTooLong, Terminator};

/// The longest command line, in bytes.
pub const MAX_LINE_LEN: u64 = 1024;
/// The longest message an `ECHO` may announce: 1 MiB.
pub const MAX_ECHO_LEN: u64 = 1 << 20;

/// Echoes every `ECHO <len>` message; closes on `QUIT`; answers anything else with an
/// error line and goes on.
#[derive(Default)]
pub struct Echo {
    data: Vec<u8>,
    in_message: bool,
}

impl Echo {
    /// Lines again.
    fn read_lines(&mut self, ctx: &mut Context<'_>) {
        self.in_message = false;
        ctx.set_terminator(Terminator::literal(b"\n"));
    }
}

impl Handler for Echo {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        // Lines only: an `ECHO` body is a count, which bounds itself.
        ctx.set_max_frame_len(Some(MAX_LINE_LEN));
        self.read_lines(ctx);
    }

    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.data.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let data = std::mem::take(&mut self.data);
        if self.in_message {
            // Closed: the push is refused, and nothing is lost that was asked for.
            let _ = ctx.push(data);
            self.read_lines(ctx);
            return;
        }
        if data == b"QUIT" {
            ctx.close_when_done();
            return;
        }
        let Some(len) = data.strip_prefix(b"ECHO ") else {
            let _ = ctx.push(&b"ERROR unknown command\n"[..]);
            return;
        };
        let len = std::str::from_utf8(len)
            .ok()
            .and_then(|len| len.parse().ok());
        match len {
            Some(len) if len <= MAX_ECHO_LEN => {
                self.in_message = true;
                self.data.reserve(len as usize);
                ctx.set_terminator(Terminator::Count(len));
            }
            _ => {
                let _ = ctx.push(&b"ERROR bad length\n"[..]);
            }
        }
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, _ctx: &mut Context<'_>) {
        self.data = Vec::new();
    }

    fn frame_discarded(&mut self, _frame_len: u64, _kind: FrameKind, ctx: &mut Context<'_>) {
        let _ = ctx.push(&b"ERROR line too long\n"[..]);
        self.read_lines(ctx);
    }
}

/// `ECHO`'s frames: lines first.
pub fn terminator() -> Terminator {
    Terminator::literal(b"\n")
}

const USAGE: &str = "usage: echo_server_mio [PORT] [MAX_CONNECTIONS] [IDLE_SECS] [FRAME_SECS]";

#[allow(dead_code)] // Unused when a test includes this file as a module.
fn main() -> io::Result<()> {
    let usage = || -> ! {
        eprintln!("{USAGE}");
        std::process::exit(2)
    };
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().ok())
        .collect::<Option<_>>()
        .filter(|args: &Vec<u64>| args.len() <= 4)
        .unwrap_or_else(|| usage());
    let arg = |index: usize, default: u64| args.get(index).copied().unwrap_or(default);
    let port = u16::try_from(arg(0, 0)).unwrap_or_else(|_| usage());
    let mut config = Config::default();
    config.max_connections = arg(1, 1024) as usize;
    config.idle_timeout = Some(Duration::from_secs(arg(2, 30)));
    config.frame_timeout = Some(Duration::from_secs(arg(3, 30)));
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on {}", listener.local_addr()?);
    asynchat::server::serve(listener, config, terminator(), |_peer| Echo::default())
}
