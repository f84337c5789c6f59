//! The echo server on a real event loop: `mio`, non-blocking sockets, many clients
//! at once, and the outbox's watermarks throttling a client that does not read its
//! replies.
//!
//! Each connection may send any number of `ECHO <len>\n<len bytes>` requests; each
//! is echoed back. `QUIT\n` closes when done.
//!
//! usage: `cargo run --example echo_server_mio -- [PORT] [MAX_CONNECTIONS]`
//! (port 0, the default, picks a free port; it prints `listening on <address>`).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use asynchat::channel::{Context, Handler};
use asynchat::{Channel, Status, Terminator};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

/// Echoes every `ECHO <len>` message; closes on `QUIT` or a malformed command.
#[derive(Default)]
pub struct Echo {
    data: Vec<u8>,
    in_message: bool,
}

impl Handler for Echo {
    fn collect_incoming_data(&mut self, data: &[u8]) {
        self.data.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let data = std::mem::take(&mut self.data);
        if self.in_message {
            self.in_message = false;
            ctx.push(data).expect("not closing");
            ctx.set_terminator(Terminator::literal(b"\n"));
            return;
        }
        let len = data
            .strip_prefix(b"ECHO ")
            .and_then(|len| std::str::from_utf8(len).ok()?.parse().ok());
        match len {
            Some(len) => {
                self.in_message = true;
                ctx.set_terminator(Terminator::Count(len));
            }
            None => ctx.close_when_done(),
        }
    }
}

const LISTENER: Token = Token(usize::MAX);

/// Serves on `listener` with at most `max_connections` at once, until `stop` is set
/// (checked every 100 ms). Returns how many connections it served.
pub fn serve(
    listener: std::net::TcpListener,
    max_connections: usize,
    stop: &AtomicBool,
) -> io::Result<usize> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut channels: HashMap<Token, Channel<TcpStream, Echo>> = HashMap::new();
    let mut next_token = 0;
    let mut served = 0;
    let mut accepting = true;
    while !stop.load(Ordering::Relaxed) {
        poll.poll(&mut events, Some(Duration::from_millis(100)))?;
        for event in events.iter() {
            if event.token() == LISTENER {
                accepting = true;
                continue;
            }
            let token = event.token();
            let Some(channel) = channels.get_mut(&token) else {
                continue;
            };
            let status = if event.is_readable() || event.is_read_closed() {
                channel.handle_readable()
            } else {
                channel.handle_writable()
            };
            if !matches!(status, Ok(Status::Open)) {
                // Closed by the handler or the peer, or an I/O error: drop it.
                let mut channel = channels.remove(&token).expect("present");
                let _ = poll.registry().deregister(channel_stream(&mut channel));
            }
        }
        // Accept while under the limit; at the limit, leave connections in the backlog.
        while accepting && channels.len() < max_connections {
            match listener.accept() {
                Ok((stream, _)) => {
                    let token = Token(next_token);
                    next_token += 1;
                    served += 1;
                    let mut channel =
                        Channel::new(stream, Echo::default(), Terminator::literal(b"\n"));
                    channel.set_watermarks(16 * 1024, 64 * 1024);
                    poll.registry().register(
                        channel_stream(&mut channel),
                        token,
                        Interest::READABLE | Interest::WRITABLE,
                    )?;
                    channels.insert(token, channel);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => accepting = false,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(served)
}

/// mio registers the stream; the channel owns it. Registration needs `&mut`.
fn channel_stream(channel: &mut Channel<TcpStream, Echo>) -> &mut TcpStream {
    channel.stream_mut()
}

#[allow(dead_code)] // Unused when the load test includes this file as a module.
fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .map_or(0, |p| p.parse().expect("usage: [PORT] [MAX_CONNECTIONS]"));
    let max_connections: usize = args.next().map_or(1024, |n| {
        n.parse().expect("usage: [PORT] [MAX_CONNECTIONS]")
    });
    let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("listening on {}", listener.local_addr()?);
    let stop = AtomicBool::new(false);
    serve(listener, max_connections, &stop)?;
    Ok(())
}
