//! A Redis (RESP2) server with an in-memory map: PING, ECHO, SET, GET, DEL, EXISTS,
//! `CONFIG GET` (an empty array), `CLIENT SETINFO`, and inline commands.
//!
//! Each request is framed by the crate: a header line (`*<n>`, `$<len>` or an inline
//! command, at most [`MAX_LINE_LEN`] bytes), then each bulk argument by count
//! (`Terminator::Count(len + 2)`, its CRLF included and checked). Bulk lengths over
//! [`MAX_BULK_LEN`], argument counts over [`MAX_ARGS`], a header line over the limit
//! or a malformed one get a RESP error and the connection closes once it is sent,
//! as Redis does: after a protocol error the stream cannot be trusted.
//!
//! usage: `cargo run --release --example redis_server -- PORT` (0 picks a free one; it
//! prints `listening on ADDR`).

#[allow(dead_code)] // Each example uses part of the shared loop.
#[path = "common/server.rs"]
mod server;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use asynchat::channel::{Context, FrameHandler, Frames};
use asynchat::{FrameKind, FrameTooLong, Outgoing, Terminator};

/// The longest header line or inline command (Redis's `proto-inline-max-size`).
const MAX_LINE_LEN: u64 = 64 * 1024;
/// The longest bulk argument: 64 MiB (Redis allows 512 MiB).
const MAX_BULK_LEN: u64 = 64 << 20;
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
    /// The request's arguments: the first `argc` of `args`. The buffers stay from
    /// one request to the next, so that a `PING` or a `GET` allocates nothing for
    /// them.
    args: Vec<Vec<u8>>,
    argc: usize,
}

impl Resp {
    fn new(db: Db) -> Self {
        Resp {
            db,
            expect: Expect::Request,
            args: Vec::new(),
            argc: 0,
        }
    }

    fn push_arg(&mut self, arg: &[u8]) {
        match self.args.get_mut(self.argc) {
            Some(buffer) => {
                buffer.clear();
                buffer.extend_from_slice(arg);
            }
            None => self.args.push(arg.to_vec()),
        }
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
        let len = line.strip_prefix(b"$").and_then(parse_int);
        match len {
            Some(len) if (0..=MAX_BULK_LEN as i64).contains(&len) => {
                // A count bounds itself: the line limit does not apply to it.
                self.expect = Expect::Bulk { left };
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

    fn bulk(&mut self, body: &[u8], left: usize, ctx: &mut Context<'_>) {
        let Some(arg) = body.strip_suffix(b"\r\n") else {
            return Self::protocol_error(ctx, "bulk argument not followed by CRLF");
        };
        self.push_arg(arg);
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

impl FrameHandler for Resp {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        ctx.set_max_frame_len(Some(MAX_LINE_LEN));
        // `bulk_len` refuses longer ones itself, with Redis's error.
        ctx.set_max_count(Some(MAX_BULK_LEN + 2));
        self.lines(ctx, Expect::Request);
    }

    fn handle_frame(&mut self, frame: &[u8], ctx: &mut Context<'_>) {
        match self.expect {
            Expect::Request => self.request(frame, ctx),
            Expect::BulkLen { left } => self.bulk_len(frame, left, ctx),
            Expect::Bulk { left } => self.bulk(frame, left, ctx),
        }
    }

    fn frame_too_long(&mut self, too_long: FrameTooLong, ctx: &mut Context<'_>) {
        match too_long.kind {
            FrameKind::Counted => Self::protocol_error(ctx, "invalid bulk length"),
            _ => Self::protocol_error(ctx, "too big inline request"),
        }
    }
}

fn main() -> io::Result<()> {
    let args = server::Args::parse("redis_server PORT", 1);
    let listener = server::bind(args.get(0, 0))?;
    let db = Db::default();
    let lines = Terminator::literal(b"\r\n");
    server::serve(
        listener,
        server::Config::default(),
        &AtomicBool::new(false),
        &server::Stats::default(),
        lines,
        || Frames::new(Resp::new(Rc::clone(&db))),
    )
}
