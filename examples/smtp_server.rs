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
//! - Up to 100 recipients per message (RFC 5321's minimum); each one more gets
//!   `452 Error: too many recipients`.
//!
//! DATA is read line by line (terminator `\r\n`), so a `.` right after `DATA` ends an
//! empty message (with the `\r\n.\r\n` terminator of `smtpd`, it would not).
//!
//! The spool never loses what it acknowledged. Each line of a message goes to a
//! `*.tmp` file as it arrives, so a session holds no more than a write buffer
//! whatever the message's size. At the final dot the file is synced, linked to its
//! `*.eml` name (a link never replaces an existing file, and the names hold the time,
//! the process and a counter), and the directory is synced, before the `250`. A
//! session that ends mid-message removes its `*.tmp`; the ones a crash leaves are
//! removed at the next start. Each `*.eml` holds the DATA content as received after
//! dot-unstuffing, CRLF line ends kept (the one ending the last line too), without
//! the final `.` line.
//!
//! The loop is the library's [`asynchat::server`], with its defaults: at most 1,024
//! sessions, a minute of silence or thirty seconds for one line, and the slowest
//! session gives way to a new one when full.
//!
//! usage: `cargo run --features mio --example smtp_server -- PORT SPOOL_DIR
//! [MAX_MESSAGE_BYTES]` (port 0 picks a free one; 10 MiB by default; it prints
//! `listening on ADDR`).

use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use asynchat::channel::{Context, FrameHandler, Frames};
use asynchat::server::Config;
use asynchat::{FrameKind, FrameTooLong, Terminator};

/// RFC 5321's limit on a command line.
const MAX_COMMAND_LEN: u64 = 512;
/// RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients.
const MAX_RECIPIENTS: usize = 100;
const DEFAULT_MAX_MESSAGE_LEN: u64 = 10 << 20;
const FQDN: &str = "localhost";

/// Where accepted messages go: one `*.eml` file each, never replaced, on disk before
/// the `250` that acknowledges it.
struct Spool {
    dir: PathBuf,
    next: Cell<u64>,
}

impl Spool {
    /// The spool in `dir`, without the `*.tmp` files of messages a crash cut short:
    /// none of those was acknowledged.
    fn open(dir: PathBuf) -> io::Result<Spool> {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|extension| extension == "tmp") {
                fs::remove_file(&path)?;
            }
        }
        Ok(Spool {
            dir,
            next: Cell::new(0),
        })
    }

    /// A name no other message has had nor will have: the time, the process and a
    /// counter. A restart with the same process id (PID 1 in a container) differs in
    /// time, and if the clock went back, creating the file refuses to replace.
    fn unique_name(&self) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let (secs, nanos) = (since_epoch.as_secs(), since_epoch.subsec_nanos());
        format!("{secs}.{nanos:09}.{}.{n}", std::process::id())
    }

    /// A new message, written to a temporary file as its lines arrive.
    fn begin(&self) -> io::Result<Draft> {
        loop {
            let path = self.dir.join(format!("{}.tmp", self.unique_name()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(Draft {
                        file: BufWriter::new(file),
                        path,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Makes `draft` a message of the spool: its bytes and its name on disk, so that
    /// a crash after the `250` cannot lose it; a name already taken is never
    /// replaced.
    fn commit(&self, mut draft: Draft) -> io::Result<()> {
        draft.file.flush()?;
        draft.file.get_ref().sync_all()?;
        loop {
            let name = self.dir.join(format!("{}.eml", self.unique_name()));
            // A link, unlike a rename, fails rather than replace an existing file.
            match fs::hard_link(&draft.path, &name) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        // Dropping the draft removes its temporary name.
        drop(draft);
        File::open(&self.dir)?.sync_all()
    }
}

/// A message being received, in its temporary file; removed if dropped unfinished.
struct Draft {
    file: BufWriter<File>,
    path: PathBuf,
}

impl Drop for Draft {
    fn drop(&mut self) {
        // A committed draft has its `*.eml` name too. A refused removal leaves a
        // `*.tmp` that the next start removes.
        let _ = fs::remove_file(&self.path);
    }
}

/// Where the session is.
enum State {
    Command,
    /// Reading a message's lines: into its temporary file, until it goes past the
    /// maximum or a write fails.
    Data(Message),
}

/// A message as its lines arrive.
struct Message {
    /// `None` once the message is too big or the spool failed: its lines are
    /// dropped until the final dot.
    draft: Option<Draft>,
    len: u64,
    /// The reply to the final dot when there is no draft.
    refusal: &'static str,
}

/// One SMTP session (`smtpd.SMTPChannel`).
struct Smtp {
    spool: Rc<Spool>,
    max_message_len: u64,
    state: State,
    greeted: bool,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

impl Smtp {
    fn new(spool: Rc<Spool>, max_message_len: u64) -> Self {
        Smtp {
            spool,
            max_message_len,
            state: State::Command,
            greeted: false,
            mail_from: None,
            rcpt_to: Vec::new(),
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
    fn data_line_limit(&self, used: u64, ctx: &mut Context<'_>) {
        ctx.set_max_frame_len(Some(self.max_message_len.saturating_sub(used)));
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.rcpt_to = Vec::new();
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
                let draft = self.spool.begin();
                self.state = State::Data(Message {
                    refusal: LOCAL_ERROR,
                    draft: draft.ok(),
                    len: 0,
                });
                self.data_line_limit(0, ctx);
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
            Some((_, "")) if self.rcpt_to.len() == MAX_RECIPIENTS => {
                Self::reply(ctx, "452 Error: too many recipients")
            }
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

    fn data_line(&mut self, line: &[u8], ctx: &mut Context<'_>) {
        let State::Data(message) = &mut self.state else {
            return;
        };
        if line == b"." {
            let reply = match message.draft.take() {
                Some(draft) => match self.spool.commit(draft) {
                    Ok(()) => "250 OK",
                    Err(_) => LOCAL_ERROR,
                },
                None => message.refusal,
            };
            Self::reply(ctx, reply);
            self.reset();
            return self.commands(ctx);
        }
        let Some(draft) = &mut message.draft else {
            return;
        };
        // RFC 5321 4.5.2: a leading dot was doubled by the client.
        let line = line.strip_prefix(b".").unwrap_or(line);
        message.len += line.len() as u64 + 2;
        if message.len > self.max_message_len {
            return self.too_big(ctx);
        }
        if draft
            .file
            .write_all(line)
            .and_then(|()| draft.file.write_all(b"\r\n"))
            .is_err()
        {
            // Read on to the final dot, and refuse the message there.
            message.draft = None;
            return;
        }
        let used = message.len;
        self.data_line_limit(used, ctx);
    }

    /// The message went past the maximum: drop it, and let only lines short
    /// enough to be the final `.` through until it ends.
    fn too_big(&mut self, ctx: &mut Context<'_>) {
        if let State::Data(message) = &mut self.state {
            message.draft = None;
            message.refusal = "552 Error: Too much mail data";
        }
        ctx.set_max_frame_len(Some(1));
    }
}

/// The reply when the spool fails.
const LOCAL_ERROR: &str = "451 Requested action aborted: local error in processing";

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
            State::Data(_) => self.data_line(line, ctx),
        }
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, ctx: &mut Context<'_>) {
        if let State::Data(_) = self.state {
            self.too_big(ctx);
        }
    }

    fn frame_discarded(&mut self, _frame_len: u64, _kind: FrameKind, ctx: &mut Context<'_>) {
        match self.state {
            State::Command => Self::reply(ctx, "500 Error: line too long"),
            // A long line of an oversized message: still in DATA, until the `.`.
            State::Data(_) => {}
        }
    }
}

const USAGE: &str = "usage: smtp_server PORT SPOOL_DIR [MAX_MESSAGE_BYTES]";

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || -> ! {
        eprintln!("{USAGE}");
        std::process::exit(2)
    };
    let (port, dir, max_message_len) = match &args[..] {
        [port, dir] => (port, dir, None),
        [port, dir, max] => (port, dir, Some(max)),
        _ => usage(),
    };
    let port: u16 = port.parse().unwrap_or_else(|_| usage());
    let max_message_len = match max_message_len {
        Some(max) => max.parse().unwrap_or_else(|_| usage()),
        None => DEFAULT_MAX_MESSAGE_LEN,
    };
    let dir = Path::new(dir);
    if !dir.is_dir() {
        eprintln!("{} is not a directory", dir.display());
        std::process::exit(2);
    }
    let spool = Rc::new(Spool::open(dir.to_path_buf())?);
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on {}", listener.local_addr()?);
    let lines = Terminator::literal(b"\r\n");
    asynchat::server::serve(listener, Config::default(), lines, |_peer| {
        Frames::new(Smtp::new(Rc::clone(&spool), max_message_len))
    })
}
