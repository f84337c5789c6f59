//! Limits that survive terminator switching: an SMTP-like session on one `Framer`,
//! with a 16-byte command-line limit and a small message-size limit on DATA. An
//! oversized body or command is reported once, skipped to its end, and the bytes
//! after it are framed under the rule set at that end: commands stay commands, body
//! lines never become commands. Checked at every split point, one byte at a time,
//! and with the fast path on and off.

use asynchat::{Event, Framer, Terminator};

const COMMAND_LIMIT: u64 = 16;
const MESSAGE_LIMIT: u64 = 10;

/// What the session saw, in order: the transcript a server would act on.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Command(String),
    Message(String),
    TooLong {
        position: u64,
    },
    /// `500 Error: line too long`
    LineTooLong {
        frame_len: u64,
    },
    /// `552 Error: Too much mail data`
    TooMuchMail {
        frame_len: u64,
    },
    End {
        truncated: bool,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Command,
    Data,
}

/// The session's framing rules: `\r\n` lines up to [`COMMAND_LIMIT`], and after
/// `DATA` one body up to [`MESSAGE_LIMIT`] ending at `\r\n.\r\n`.
struct Session {
    framer: Framer,
    mode: Mode,
    frame: Vec<u8>,
    seen: Vec<Seen>,
}

impl Session {
    fn new(fast_path: bool) -> Self {
        let mut framer = Framer::new(Terminator::literal(b"\r\n"));
        framer.set_max_frame_len(Some(COMMAND_LIMIT));
        framer.set_fast_path(fast_path);
        Session {
            framer,
            mode: Mode::Command,
            frame: Vec::new(),
            seen: Vec::new(),
        }
    }

    fn enter(&mut self, mode: Mode) {
        self.mode = mode;
        let (terminator, limit) = match mode {
            Mode::Command => (Terminator::literal(b"\r\n"), COMMAND_LIMIT),
            Mode::Data => (Terminator::literal(b"\r\n.\r\n"), MESSAGE_LIMIT),
        };
        self.framer.set_terminator(terminator);
        self.framer.set_max_frame_len(Some(limit));
    }

    fn feed(&mut self, mut input: &[u8]) {
        while let Some(event) = self.framer.next_event(&mut input) {
            match event {
                Event::Data(bytes) => self.frame.extend_from_slice(bytes),
                Event::Terminator => {
                    let frame = String::from_utf8(std::mem::take(&mut self.frame)).unwrap();
                    match self.mode {
                        Mode::Command => {
                            let data = frame == "DATA";
                            self.seen.push(Seen::Command(frame));
                            if data {
                                self.enter(Mode::Data);
                            }
                        }
                        Mode::Data => {
                            self.seen.push(Seen::Message(frame));
                            self.enter(Mode::Command);
                        }
                    }
                }
                Event::TooLong(too_long) => {
                    assert_eq!(
                        Some(too_long.max_frame_len),
                        self.framer.max_frame_len(),
                        "the limit in force"
                    );
                    self.frame.clear();
                    self.seen.push(Seen::TooLong {
                        position: too_long.position,
                    });
                }
                Event::Discarded { frame_len, .. } => {
                    assert!(self.frame.is_empty(), "no data after TooLong");
                    self.seen.push(match self.mode {
                        Mode::Command => Seen::LineTooLong { frame_len },
                        Mode::Data => Seen::TooMuchMail { frame_len },
                    });
                    self.enter(Mode::Command);
                }
                Event::End(end) => self.seen.push(Seen::End {
                    truncated: end.is_err(),
                }),
                Event::Malformed(_) => unreachable!("no length prefix in SMTP"),
            }
        }
    }

    fn end(&mut self) {
        self.framer.end_of_stream();
        self.feed(b"");
    }
}

fn command(s: &str) -> Seen {
    Seen::Command(s.to_string())
}

/// Runs `stream` through a session cut into the given pieces, with the fast path on
/// and off, and returns the transcript (the same for both, or it panics).
fn transcript(pieces: &[&[u8]]) -> Vec<Seen> {
    let mut transcripts = [true, false].map(|fast_path| {
        let mut session = Session::new(fast_path);
        for piece in pieces {
            session.feed(piece);
        }
        session.end();
        session.seen
    });
    assert_eq!(transcripts[0], transcripts[1], "fast path on vs off");
    std::mem::take(&mut transcripts[0])
}

/// The whole stream's transcript must be `expected`, and so must every cut of it in
/// two and in three pieces at every point, and one byte at a time.
fn assert_every_split(stream: &[u8], expected: &[Seen]) {
    assert_eq!(transcript(&[stream]), expected, "whole");
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(transcript(&bytes), expected, "one byte at a time");
    for a in 0..=stream.len() {
        let (head, tail) = stream.split_at(a);
        assert_eq!(transcript(&[head, tail]), expected, "split at {a}");
        for b in a..=stream.len() {
            let pieces = [&stream[..a], &stream[a..b], &stream[b..]];
            assert_eq!(transcript(&pieces), expected, "split at {a} and {b}");
        }
    }
}

/// The issue's stream: an oversized DATA body, then pipelined NOOP and MAIL, with a
/// whole old terminator (`\r\n.\r\n`) in the commands after the skip.
#[test]
fn oversized_body_then_pipelined_commands() {
    let stream = b"DATA\r\nline one is long\r\nline two\r\n.\r\nNOOP\r\n.\r\nMAIL FROM:<p@q>\r\n";
    assert_every_split(
        stream,
        &[
            command("DATA"),
            // Byte 10 of the body, which starts at 6.
            Seen::TooLong { position: 16 },
            Seen::TooMuchMail {
                frame_len: b"line one is long\r\nline two".len() as u64,
            },
            command("NOOP"),
            command("."),
            command("MAIL FROM:<p@q>"),
            Seen::End { truncated: false },
        ],
    );
}

/// The body's bytes never run as commands, even when they look like them.
#[test]
fn oversized_body_of_command_lines_is_not_run() {
    let stream = b"DATA\r\nQUIT\r\nRSET\r\nQUIT\r\n.\r\nNOOP\r\n";
    assert_every_split(
        stream,
        &[
            command("DATA"),
            Seen::TooLong { position: 16 },
            Seen::TooMuchMail { frame_len: 16 },
            command("NOOP"),
            Seen::End { truncated: false },
        ],
    );
}

/// A body within the limit is one message; the limit goes back to the command's.
#[test]
fn body_within_the_limit() {
    let stream = b"DATA\r\nhi\r\nthere\r\n.\r\nNOOP\r\n";
    assert_every_split(
        stream,
        &[
            command("DATA"),
            Seen::Message("hi\r\nthere".to_string()),
            command("NOOP"),
            Seen::End { truncated: false },
        ],
    );
}

/// A line over the command limit between two commands: reported once, answered at
/// its end, and the next line is a command.
#[test]
fn overlong_command_between_two_commands() {
    let stream = b"NOOP\r\nMAIL FROM:<somebody@example.org>\r\nRSET\r\n";
    assert_every_split(
        stream,
        &[
            command("NOOP"),
            Seen::TooLong {
                position: 6 + COMMAND_LIMIT,
            },
            Seen::LineTooLong {
                frame_len: b"MAIL FROM:<somebody@example.org>".len() as u64,
            },
            command("RSET"),
            Seen::End { truncated: false },
        ],
    );
}

/// The peer hangs up inside an oversized line: the end says so.
#[test]
fn stream_ends_inside_an_oversized_command() {
    let stream = b"NOOP\r\nXXXXXXXXXXXXXXXXXXXXXXXX\r";
    assert_every_split(
        stream,
        &[
            command("NOOP"),
            Seen::TooLong {
                position: 6 + COMMAND_LIMIT,
            },
            Seen::End { truncated: true },
        ],
    );
}
