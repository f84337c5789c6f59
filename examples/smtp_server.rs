//! An SMTP server: the core of CPython's `smtpd.SMTPChannel` (HELO, EHLO with SIZE,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), with RFC 5321 limits that
//! keep the session in sync.
//!
//! - A command line over 512 bytes gets `500 Error: line too long`; the next line is
//!   a command.
//! - A message over the maximum size gets `552 Error: Too much mail data` at its end
//!   (the `.` line), and the session is back in command mode: unlike `smtpd`, it
//!   never stays in DATA after a 552. While a message is too big, its lines cost
//!   nothing: the frame limit drops to 1 byte, so only a `.` line gets through.
//!
//! DATA is read line by line (terminator `\r\n`), so a `.` right after `DATA` ends an
//! empty message (with the `\r\n.\r\n` terminator of `smtpd`, it would not). Each
//! accepted message is written to `SPOOL_DIR` as one new `*.eml` file holding the
//! DATA content as received after dot-unstuffing, CRLF line ends kept (the one
//! ending the last line too), without the final `.` line.
//!
//! usage: `cargo run --example smtp_server -- PORT SPOOL_DIR [MAX_MESSAGE_BYTES]`
//! (port 0 picks a free one; 10 MiB by default; it prints `listening on ADDR`).

#[allow(dead_code)] // Each example uses part of the shared loop.
#[path = "common/server.rs"]
mod server;

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use asynchat::channel::{Context, FrameHandler, Frames};
use asynchat::{FrameKind, FrameTooLong, Terminator};

/// RFC 5321's limit on a command line.
const MAX_COMMAND_LEN: u64 = 512;
const DEFAULT_MAX_MESSAGE_LEN: u64 = 10 << 20;
const FQDN: &str = "localhost";

/// Where accepted messages go.
struct Spool {
    dir: PathBuf,
    next: AtomicU64,
}

impl Spool {
    /// Writes `message` to a new `*.eml` file, atomically: a reader never sees half a
    /// message.
    fn store(&self, message: &[u8]) -> io::Result<()> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}-{n:06}", std::process::id());
        let partial = self.dir.join(format!("{name}.tmp"));
        std::fs::write(&partial, message)?;
        std::fs::rename(&partial, self.dir.join(format!("{name}.eml")))
    }
}

/// Where the session is.
#[derive(Debug, PartialEq)]
enum State {
    Command,
    /// Reading a message's lines; `too_big` once it went past the maximum.
    Data {
        too_big: bool,
    },
}

/// One SMTP session (`smtpd.SMTPChannel`).
struct Smtp {
    spool: Arc<Spool>,
    max_message_len: u64,
    state: State,
    greeted: bool,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    message: Vec<u8>,
}

impl Smtp {
    fn new(spool: Arc<Spool>, max_message_len: u64) -> Self {
        Smtp {
            spool,
            max_message_len,
            state: State::Command,
            greeted: false,
            mail_from: None,
            rcpt_to: Vec::new(),
            message: Vec::new(),
        }
    }

    fn reply(ctx: &mut Context<'_>, line: &str) {
        // Refused only after QUIT, when nothing more is said.
        let _ = ctx.push(format!("{line}\r\n"));
    }

    fn commands(&mut self, ctx: &mut Context<'_>) {
        self.state = State::Command;
        ctx.set_max_frame_len(Some(MAX_COMMAND_LEN));
    }

    /// Lines of a message: each may take what is left of the maximum size.
    fn data_line_limit(&self, ctx: &mut Context<'_>) {
        let used = self.message.len() as u64;
        ctx.set_max_frame_len(Some(self.max_message_len.saturating_sub(used)));
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
        self.message.clear();
    }

    fn command(&mut self, line: &[u8], ctx: &mut Context<'_>) {
        let Ok(line) = std::str::from_utf8(line) else {
            return Self::reply(ctx, "500 Error: bad syntax");
        };
        if line.is_empty() {
            return Self::reply(ctx, "500 Error: bad syntax");
        }
        let (command, arg) = match line.split_once(' ') {
            Some((command, arg)) => (command.to_ascii_uppercase(), Some(arg.trim())),
            None => (line.to_ascii_uppercase(), None),
        };
        let arg = arg.filter(|arg| !arg.is_empty());
        match command.as_str() {
            "HELO" | "EHLO" if arg.is_none() => {
                Self::reply(ctx, &format!("501 Syntax: {command} hostname"))
            }
            "HELO" | "EHLO" if self.greeted => Self::reply(ctx, "503 Duplicate HELO/EHLO"),
            "HELO" => {
                self.greeted = true;
                Self::reply(ctx, &format!("250 {FQDN}"));
            }
            "EHLO" => {
                self.greeted = true;
                Self::reply(ctx, &format!("250-{FQDN}"));
                Self::reply(ctx, &format!("250-SIZE {}", self.max_message_len));
                Self::reply(ctx, "250-8BITMIME");
                Self::reply(ctx, "250 HELP");
            }
            "NOOP" if arg.is_some() => Self::reply(ctx, "501 Syntax: NOOP"),
            "NOOP" => Self::reply(ctx, "250 OK"),
            "QUIT" => {
                Self::reply(ctx, "221 Bye");
                ctx.close_when_done();
            }
            "RSET" if arg.is_some() => Self::reply(ctx, "501 Syntax: RSET"),
            "RSET" => {
                self.reset();
                Self::reply(ctx, "250 OK");
            }
            "MAIL" | "RCPT" | "DATA" if !self.greeted => {
                Self::reply(ctx, "503 Error: send HELO first")
            }
            "MAIL" => self.mail(arg, ctx),
            "RCPT" => self.rcpt(arg, ctx),
            "DATA" if self.rcpt_to.is_empty() => Self::reply(ctx, "503 Error: need RCPT command"),
            "DATA" if arg.is_some() => Self::reply(ctx, "501 Syntax: DATA"),
            "DATA" => {
                self.state = State::Data { too_big: false };
                self.message.clear();
                self.data_line_limit(ctx);
                Self::reply(ctx, "354 End data with <CR><LF>.<CR><LF>");
            }
            _ => Self::reply(
                ctx,
                &format!("500 Error: command \"{command}\" not recognized"),
            ),
        }
    }

    fn mail(&mut self, arg: Option<&str>, ctx: &mut Context<'_>) {
        const SYNTAX: &str = "501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]";
        let Some((address, params)) = arg.and_then(|arg| address(arg, "FROM:")) else {
            return Self::reply(ctx, SYNTAX);
        };
        if self.mail_from.is_some() {
            return Self::reply(ctx, "503 Error: nested MAIL command");
        }
        for param in params.split_whitespace() {
            let param = param.to_ascii_uppercase();
            match param.split_once('=') {
                Some(("SIZE", size)) => match size.parse::<u64>() {
                    Ok(size) if size > self.max_message_len => {
                        return Self::reply(
                            ctx,
                            "552 Error: message size exceeds fixed maximum message size",
                        )
                    }
                    Ok(_) => {}
                    Err(_) => return Self::reply(ctx, SYNTAX),
                },
                Some(("BODY", "7BIT" | "8BITMIME")) => {}
                Some(("BODY", _)) => {
                    return Self::reply(ctx, "501 Error: BODY can only be one of 7BIT, 8BITMIME")
                }
                _ => {
                    return Self::reply(
                        ctx,
                        "555 MAIL FROM parameters not recognized or not implemented",
                    )
                }
            }
        }
        self.mail_from = Some(address.to_string());
        Self::reply(ctx, "250 OK");
    }

    fn rcpt(&mut self, arg: Option<&str>, ctx: &mut Context<'_>) {
        if self.mail_from.is_none() {
            return Self::reply(ctx, "503 Error: need MAIL command");
        }
        match arg.and_then(|arg| address(arg, "TO:")) {
            Some((address, "")) => {
                self.rcpt_to.push(address.to_string());
                Self::reply(ctx, "250 OK");
            }
            Some(_) => Self::reply(
                ctx,
                "555 RCPT TO parameters not recognized or not implemented",
            ),
            None => Self::reply(ctx, "501 Syntax: RCPT TO: <address> [SP <mail-parameters>]"),
        }
    }

    fn data_line(&mut self, line: &[u8], too_big: bool, ctx: &mut Context<'_>) {
        if line == b"." {
            if too_big {
                Self::reply(ctx, "552 Error: Too much mail data");
            } else if self.spool.store(&self.message).is_ok() {
                Self::reply(ctx, "250 OK");
            } else {
                Self::reply(
                    ctx,
                    "451 Requested action aborted: local error in processing",
                );
            }
            self.reset();
            return self.commands(ctx);
        }
        if too_big {
            return;
        }
        // RFC 5321 4.5.2: a leading dot was doubled by the client.
        let line = line.strip_prefix(b".").unwrap_or(line);
        if self.message.len() as u64 + line.len() as u64 + 2 > self.max_message_len {
            return self.too_big(ctx);
        }
        self.message.extend_from_slice(line);
        self.message.extend_from_slice(b"\r\n");
        self.data_line_limit(ctx);
    }

    /// The message went past the maximum: drop it, and let only lines short
    /// enough to be the final `.` through until it ends.
    fn too_big(&mut self, ctx: &mut Context<'_>) {
        self.message = Vec::new();
        self.state = State::Data { too_big: true };
        ctx.set_max_frame_len(Some(1));
    }
}

/// `FROM:<a@b> PARAMS` (case-insensitive keyword, optional space) into the address
/// and the parameters.
fn address<'a>(arg: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let (address, params) = rest.split_once('>')?;
    (!address.is_empty()).then_some((address, params.trim()))
}

impl FrameHandler for Smtp {
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        self.commands(ctx);
        Self::reply(ctx, &format!("220 {FQDN} asynchat-smtpd"));
    }

    fn handle_frame(&mut self, line: &[u8], ctx: &mut Context<'_>) {
        match self.state {
            State::Command => self.command(line, ctx),
            State::Data { too_big } => self.data_line(line, too_big, ctx),
        }
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, ctx: &mut Context<'_>) {
        if let State::Data { .. } = self.state {
            self.too_big(ctx);
        }
    }

    fn frame_discarded(&mut self, _frame_len: u64, _kind: FrameKind, ctx: &mut Context<'_>) {
        match self.state {
            State::Command => Self::reply(ctx, "500 Error: line too long"),
            // A long line of an oversized message: still in DATA, until the `.`.
            State::Data { .. } => {}
        }
    }
}

fn main() -> io::Result<()> {
    let args = server::Args::parse("smtp_server PORT SPOOL_DIR [MAX_MESSAGE_BYTES]", 3);
    let port: u16 = args.get(0, 0);
    let dir = PathBuf::from(args.required(1, "SPOOL_DIR"));
    let max_message_len: u64 = args.get(2, DEFAULT_MAX_MESSAGE_LEN);
    if !dir.is_dir() {
        eprintln!("{} is not a directory", dir.display());
        std::process::exit(2);
    }
    let spool = Arc::new(Spool {
        dir,
        next: AtomicU64::new(0),
    });
    let listener = server::bind(port)?;
    let lines = Terminator::literal(b"\r\n");
    server::serve(
        listener,
        server::Config::default(),
        &AtomicBool::new(false),
        &server::Stats::default(),
        lines,
        || Frames::new(Smtp::new(Arc::clone(&spool), max_message_len)),
    )
}
