//! The Channel over an in-memory stream whose reads and writes return arbitrary
//! sizes, `WouldBlock` and `Interrupted`: every echo must come back whole and in
//! order. Shared by `tests/glue.rs` and the fuzz target (included by path).

use std::io::{self, Read, Write};

use asynchat::channel::Status;
use asynchat::channel::{Context, Handler};
use asynchat::channel::{Transport, DEFAULT_MAX_FRAME_LEN};
use asynchat::{Channel, Terminator};

/// What one read or write call does.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum IoStep {
    /// Move up to `n % 64 + 1` bytes.
    Bytes(u8),
    WouldBlock,
    Interrupted,
}

/// A stream that reads `input` and records writes, following the scripts (cycled).
pub struct ScriptedStream {
    input: Vec<u8>,
    read_pos: usize,
    reads: Vec<IoStep>,
    writes: Vec<IoStep>,
    read_calls: usize,
    write_calls: usize,
    pub written: Vec<u8>,
    pub shut_down: bool,
}

fn step(script: &[IoStep], calls: &mut usize) -> IoStep {
    *calls += 1;
    if script.is_empty() {
        IoStep::Bytes(u8::MAX)
    } else {
        script[(*calls - 1) % script.len()]
    }
}

impl Read for ScriptedStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match step(&self.reads, &mut self.read_calls) {
            IoStep::Bytes(n) => {
                let n = (n as usize % 64 + 1)
                    .min(buf.len())
                    .min(self.input.len() - self.read_pos);
                buf[..n].copy_from_slice(&self.input[self.read_pos..self.read_pos + n]);
                self.read_pos += n;
                Ok(n)
            }
            IoStep::WouldBlock => Err(io::ErrorKind::WouldBlock.into()),
            IoStep::Interrupted => Err(io::ErrorKind::Interrupted.into()),
        }
    }
}

impl Write for ScriptedStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match step(&self.writes, &mut self.write_calls) {
            IoStep::Bytes(n) => {
                let n = (n as usize % 64 + 1).min(buf.len());
                self.written.extend_from_slice(&buf[..n]);
                Ok(n)
            }
            IoStep::WouldBlock => Err(io::ErrorKind::WouldBlock.into()),
            IoStep::Interrupted => Err(io::ErrorKind::Interrupted.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for ScriptedStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shut_down = true;
        Ok(())
    }
}

/// A server that echoes any number of `ECHO <len>\n<len bytes>` messages, closes
/// after `QUIT\n`, and records how the stream ended.
#[derive(Default)]
pub struct Echo {
    pub data: Vec<u8>,
    pub in_message: bool,
    pub end: Option<Result<(), asynchat::Truncated>>,
}

impl Handler for Echo {
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.data.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let data = std::mem::take(&mut self.data);
        if self.in_message {
            self.in_message = false;
            ctx.push(data).unwrap();
            ctx.set_terminator(Terminator::literal(b"\n"));
            ctx.set_max_frame_len(Some(DEFAULT_MAX_FRAME_LEN));
        } else if data == b"QUIT" {
            ctx.close_when_done();
        } else {
            let len = std::str::from_utf8(data.strip_prefix(b"ECHO ").unwrap())
                .unwrap()
                .parse()
                .unwrap();
            self.in_message = true;
            ctx.set_terminator(Terminator::Count(len));
            // The count bounds the message (a test handler trusts its peer).
            ctx.set_max_frame_len(None);
        }
    }

    fn handle_eof(&mut self, end: Result<(), asynchat::Truncated>, _ctx: &mut Context<'_>) {
        self.end = Some(end);
    }
}

/// Sends `messages` as echo requests through a scripted stream and checks that the
/// replies are exactly the messages, in order, and that the channel then closes.
pub fn check(messages: &[Vec<u8>], reads: &[IoStep], writes: &[IoStep]) {
    let mut input = Vec::new();
    for message in messages {
        input.extend_from_slice(format!("ECHO {}\n", message.len()).as_bytes());
        input.extend_from_slice(message);
    }
    // A script that never moves a byte would spin; give each a step that does.
    let progress = |script: &[IoStep]| {
        let mut script = script.to_vec();
        script.push(IoStep::Bytes(u8::MAX));
        script
    };
    let stream = ScriptedStream {
        input,
        read_pos: 0,
        reads: progress(reads),
        writes: progress(writes),
        read_calls: 0,
        write_calls: 0,
        written: Vec::new(),
        shut_down: false,
    };
    let mut channel = Channel::new(stream, Echo::default(), Terminator::literal(b"\n"));
    channel.set_read_buffer_len(97);
    let budget = 100_000;
    let mut closed = false;
    for _ in 0..budget {
        if channel.handle_ready().unwrap() == Status::Closed {
            closed = true;
            break;
        }
    }
    assert!(closed, "the channel did not finish");
    let expected: Vec<u8> = messages.concat();
    assert!(
        channel.stream().written == expected,
        "echoes lost or reordered"
    );
}
