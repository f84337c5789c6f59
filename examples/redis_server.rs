//! A Redis (RESP2) server with an in-memory map: PING, ECHO, SET, GET, DEL, EXISTS,
//! `CONFIG GET` (an empty array), `CLIENT SETINFO`, and inline commands.
//!
//! Each request is framed by the crate: a header line (`*<n>`, `$<len>` or an inline
//! command, at most [`MAX_LINE_LEN`] bytes), then each bulk argument by count
//! (`Terminator::Count(len + 2)`, its CRLF included and checked), its bytes going
//! straight into the argument's buffer. A whole request, header lines included, may
//! take at most [`MAX_REQUEST_LEN`] bytes, so a connection never holds more than one
//! request of that size, however many arguments it announces. Past the limit, and
//! on argument counts over [`MAX_ARGS`], a header line over its limit or a
//! malformed one, the client gets a RESP error and the connection closes once it
//! is sent, as Redis does: after a protocol error the stream cannot be trusted.
//!
//! usage: `cargo run --release --features mio --example redis_server -- PORT` (0
//! picks a free one; it prints `listening on ADDR`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::TcpListener;
use std::rc::Rc;
use std::time::Duration;

use asynchat::channel::{Context, Handler};
use asynchat::server::Config;
use asynchat::{FrameTooLong, Outgoing, Terminator};

/// The longest header line or inline command (Redis's `proto-inline-max-size`).
const MAX_LINE_LEN: u64 = 64 * 1024;
/// The most bytes one request may take, its lines and arguments together: 16 MiB
/// (Redis allows a 512 MiB argument, in a query buffer of up to 1 GiB).
const MAX_REQUEST_LEN: u64 = 16 << 20;
/// The most arguments in one request.
const MAX_ARGS: usize = 1 << 20;
/// Argument buffers kept from one request for the next, and the most each keeps.
const KEPT_ARGS: usize = 8;
const KEPT_ARG_CAPACITY: usize = 4096;

type Db = Rc<RefCell<HashMap<Vec<u8>, Vec<u8>>>>;

/// What the next frame is.
#[derive(Debug, PartialEq)]
enum Expect {
    /// `*<n>` or an inline command.
    Request,
    /// `$<len>` of the next argument; `left` arguments to go.
    BulkLen { left: usize },
    /// An argument's bytes and its CRLF; then `left` more.
    Bulk { left: usize },
}

/// One client connection.
struct Resp {
    db: Db,
    expect: Expect,
    /// The header line being received.
    line: Vec<u8>,
    /// The request's arguments: the first `argc` of `args`, the one at `argc` being
    /// received. The buffers stay from one request to the next, so that a `PING` or
    /// a `GET` allocates nothing for them.
    args: Vec<Vec<u8>>,
    argc: usize,
    /// Bytes of the request so far, lines and arguments.
    request_len: u64,
}

impl Resp {
    fn new(db: Db) -> Self {
        Resp {
            db,
            expect: Expect::Request,
            line: Vec::new(),
            args: Vec::new(),
            argc: 0,
            request_len: 0,
        }
    }

    /// The buffer of the argument at `argc`, empty.
    fn next_arg(&mut self) -> &mut Vec<u8> {
        if self.args.len() == self.argc {
            self.args.push(Vec::new());
        }
        let buffer = &mut self.args[self.argc];
        buffer.clear();
        buffer
    }

    fn push_arg(&mut self, arg: &[u8]) {
        self.next_arg().extend_from_slice(arg);
        self.argc += 1;
    }

    /// Header lines again.
    fn lines(&mut self, ctx: &mut Context<'_>, expect: Expect) {
        self.expect = expect;
        ctx.set_terminator(Terminator::literal(b"\r\n"));
    }

    fn protocol_error(ctx: &mut Context<'_>, what: &str) {
        let _ = ctx.push(format!("-ERR Protocol error: {what}\r\n"));
        ctx.close_when_done();
    }

    fn request(&mut self, line: &[u8], ctx: &mut Context<'_>) {
        self.request_len = line.len() as u64 + 2;
        let Some(count) = line.strip_prefix(b"*") else {
            // Inline: space-separated words.
            self.argc = 0;
            for word in line.split(|&b| b == b' ').filter(|word| !word.is_empty()) {
                self.push_arg(word);
            }
            if self.argc > 0 {
                self.execute(ctx);
            }
            return;
        };
        match parse_int(count) {
            Some(n) if n <= 0 => {}
            Some(n) if n as u64 <= MAX_ARGS as u64 => {
                self.argc = 0;
                self.lines(ctx, Expect::BulkLen { left: n as usize });
            }
            Some(_) => Self::protocol_error(ctx, "invalid multibulk length"),
            None => Self::protocol_error(ctx, "invalid multibulk length"),
        }
    }

    fn bulk_len(&mut self, line: &[u8], left: usize, ctx: &mut Context<'_>) {
        self.request_len += line.len() as u64 + 2;
        let len = line.strip_prefix(b"$").and_then(parse_int);
        match len {
            Some(len) if (0..=MAX_REQUEST_LEN as i64).contains(&len) => {
                self.request_len += len as u64 + 2;
                if self.request_len > MAX_REQUEST_LEN {
                    return Self::protocol_error(ctx, "request too large");
                }
                // A count bounds itself: the line limit does not apply to it.
                self.expect = Expect::Bulk { left };
                self.next_arg();
                ctx.set_terminator(Terminator::Count(len as u64 + 2));
            }
            Some(_) => Self::protocol_error(ctx, "invalid bulk length"),
            None if line.first() == Some(&b'$') => Self::protocol_error(ctx, "invalid bulk length"),
            None => {
                let got = String::from_utf8_lossy(line.get(..1).unwrap_or_default()).into_owned();
                Self::protocol_error(ctx, &format!("expected '$', got '{got}'"));
            }
        }
    }

    /// The argument at `argc` is whole, its CRLF included.
    fn bulk(&mut self, left: usize, ctx: &mut Context<'_>) {
        let arg = &mut self.args[self.argc];
        if !arg.ends_with(b"\r\n") {
            return Self::protocol_error(ctx, "bulk argument not followed by CRLF");
        }
        arg.truncate(arg.len() - 2);
        self.argc += 1;
        if left > 1 {
            return self.lines(ctx, Expect::BulkLen { left: left - 1 });
        }
        self.execute(ctx);
        self.lines(ctx, Expect::Request);
    }

    /// Runs the command in the first `argc` arguments. A `SET` takes its key and
    /// value out of their buffers as they are, into the map.
    fn execute(&mut self, ctx: &mut Context<'_>) {
        let args = &mut self.args[..self.argc];
        let mut db = self.db.borrow_mut();
        let name = |expected: &[u8]| args[0].eq_ignore_ascii_case(expected);
        let arity = args.len() - 1;
        // Fixed replies are pushed as static slices: no allocation.
        let reply: Outgoing<'static> = if name(b"PING") && arity == 0 {
            Outgoing::from(&b"+PONG\r\n"[..])
        } else if (name(b"PING") || name(b"ECHO")) && arity == 1 {
            bulk(Some(&args[1]))
        } else if name(b"SET") && arity == 2 {
            let value = std::mem::take(&mut args[2]);
            let key = std::mem::take(&mut args[1]);
            db.insert(key, value);
            Outgoing::from(&b"+OK\r\n"[..])
        } else if name(b"GET") && arity == 1 {
            bulk(db.get(&args[1]))
        } else if name(b"DEL") && arity > 0 {
            integer(
                args[1..]
                    .iter()
                    .filter(|key| db.remove(*key).is_some())
                    .count(),
            )
        } else if name(b"EXISTS") && arity > 0 {
            integer(args[1..].iter().filter(|key| db.contains_key(*key)).count())
        } else if name(b"CONFIG") && arity == 2 && args[1].eq_ignore_ascii_case(b"GET") {
            Outgoing::from(&b"*0\r\n"[..])
        } else if name(b"CLIENT") && arity == 3 && args[1].eq_ignore_ascii_case(b"SETINFO") {
            Outgoing::from(&b"+OK\r\n"[..])
        } else if KNOWN.iter().any(|known| name(known)) {
            Outgoing::from(format!(
                "-ERR wrong number of arguments for '{}' command\r\n",
                String::from_utf8_lossy(&args[0]).to_lowercase()
            ))
        } else {
            Outgoing::from(format!(
                "-ERR unknown command '{}'\r\n",
                String::from_utf8_lossy(&args[0])
            ))
        };
        let _ = ctx.push(reply);
        drop(db);
        self.trim_args();
    }

    /// Keeps the buffers of a usual request for the next one, and nothing of a
    /// large one: a client that sent a 64 MiB argument or a million arguments once
    /// must not hold that memory for the rest of its connection.
    fn trim_args(&mut self) {
        self.argc = 0;
        self.args.truncate(KEPT_ARGS);
        for buffer in &mut self.args {
            if buffer.capacity() > KEPT_ARG_CAPACITY {
                *buffer = Vec::new();
            }
        }
    }
}

/// The commands the server knows, for the arity error.
const KNOWN: [&[u8]; 8] = [
    b"PING", b"ECHO", b"SET", b"GET", b"DEL", b"EXISTS", b"CONFIG", b"CLIENT",
];

/// A bulk reply (`$<len>\r\n<value>\r\n`), or the null bulk for no value.
fn bulk(value: Option<&Vec<u8>>) -> Outgoing<'static> {
    use std::io::Write as _;
    let Some(value) = value else {
        return Outgoing::from(&b"$-1\r\n"[..]);
    };
    let mut reply = Vec::with_capacity(value.len() + 24);
    let _ = write!(reply, "${}\r\n", value.len());
    reply.extend_from_slice(value);
    reply.extend_from_slice(b"\r\n");
    Outgoing::from(reply)
}

fn integer(n: usize) -> Outgoing<'static> {
    Outgoing::from(format!(":{n}\r\n"))
}

/// A decimal integer, optionally negative, as Redis writes lengths and counts.
fn parse_int(digits: &[u8]) -> Option<i64> {
    let (negative, digits) = match digits {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, digits),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(digit - b'0');
    }
    Some(if negative { -n } else { n })
}

impl Handler for Resp {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        ctx.set_max_frame_len(Some(MAX_LINE_LEN));
        self.lines(ctx, Expect::Request);
    }

    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        match self.expect {
            Expect::Bulk { .. } => self.args[self.argc].extend_from_slice(data),
            _ => self.line.extend_from_slice(data),
        }
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let line = std::mem::take(&mut self.line);
        match self.expect {
            Expect::Request => self.request(&line, ctx),
            Expect::BulkLen { left } => self.bulk_len(&line, left, ctx),
            Expect::Bulk { left } => self.bulk(left, ctx),
        }
        // The line's buffer serves the next one.
        self.line = line;
        self.line.clear();
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, ctx: &mut Context<'_>) {
        // Only lines have a limit: counts are checked where they are read.
        self.line = Vec::new();
        Self::protocol_error(ctx, "too big inline request")
    }
}

fn main() -> io::Result<()> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>()[..] {
        [ref port] => port.parse().ok(),
        _ => None,
    }
    .unwrap_or_else(|| {
        eprintln!("usage: redis_server PORT");
        std::process::exit(2)
    });
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on {}", listener.local_addr()?);
    let db = Db::default();
    let mut config = Config::default();
    // Time for a whole request at the limit over a slow link.
    config.frame_timeout = Some(Duration::from_secs(120));
    let lines = Terminator::literal(b"\r\n");
    asynchat::server::serve(listener, config, lines, |_peer| Resp::new(Rc::clone(&db)))
}
