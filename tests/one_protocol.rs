//! One protocol, written once against `Reply` and `Frame`, served by every adapter:
//! the `Framer` itself, `FrameReader`, the `Channel` (readiness calls and `run()`),
//! the tokio codec and the embedded-io reader. Fed whole, at every two-piece split
//! and one byte at a time, each must send the very same bytes.
//!
//! The protocol reads lines (`\n`, with an optional `\r` before it) under a small
//! limit, and after `PUT <n>` a binary block of `n` bytes, longer than the line
//! limit, with no limit call of its own. After `MSGS` it reads netstrings, each
//! checked against the limit by its header, until an empty one. A stream that ends
//! inside a frame is the same `End` everywhere, and its replies still go out; so is
//! a malformed netstring.

#![cfg(all(feature = "tokio", feature = "embedded-io"))]

use std::collections::VecDeque;
use std::io;

use asynchat::channel::{Context, FrameHandler, Frames, Status, Transport};
use asynchat::{
    Channel, Event, Frame, FrameKind, FrameReader, FrameTooLong, Framer, LengthPrefix, Malformed,
    Next, Reply, Terminator, Truncated, VecOutbox,
};

/// The longest command line.
const LINE_LIMIT: u64 = 64;

/// The protocol: its state, and what to do with each whole frame.
#[derive(Default)]
struct Kv {
    /// The next frame is a block of this many bytes.
    block: Option<u64>,
    /// Frames are netstrings.
    messages: bool,
}

impl Kv {
    fn first_terminator() -> Terminator {
        Terminator::lines()
    }

    /// The terminator for the frame after a line, a message or a dropped frame.
    fn terminator(&self) -> Terminator {
        if self.messages {
            Terminator::LengthPrefixed(LengthPrefix::netstring())
        } else {
            Self::first_terminator()
        }
    }

    /// A whole frame; returns the terminator for the next one.
    fn frame(&mut self, frame: &[u8], out: &mut impl Reply<'static>) -> Terminator {
        if let Some(len) = self.block.take() {
            let _ = out.push(format!("VALUE {len}\r\n"));
            let _ = out.push(frame.to_vec());
            let _ = out.push(&b"\r\n"[..]);
            return self.terminator();
        }
        if self.messages {
            if frame.is_empty() {
                self.messages = false;
            } else {
                let _ = out.push(format!("MSG {}\r\n", String::from_utf8_lossy(frame)));
            }
            return self.terminator();
        }
        match frame {
            b"PING" => drop(out.push(&b"PONG\r\n"[..])),
            b"QUIT" => out.close_when_done(),
            b"MSGS" => self.messages = true,
            _ => match frame
                .strip_prefix(b"PUT ")
                .and_then(|len| std::str::from_utf8(len).ok()?.parse().ok())
            {
                Some(len) => {
                    self.block = Some(len);
                    return Terminator::Count(len);
                }
                None => drop(out.push(&b"ERROR unknown command\r\n"[..])),
            },
        }
        self.terminator()
    }

    /// The end of a frame over the limit.
    fn discarded(&mut self, kind: FrameKind, out: &mut impl Reply<'static>) -> Terminator {
        self.block = None;
        let _ = out.push(format!("ERROR {kind:?} frame too long\r\n"));
        self.terminator()
    }

    /// A netstring that is not one: say so, and hang up.
    fn malformed(&mut self, malformed: Malformed, out: &mut impl Reply<'static>) {
        let _ = out.push(format!("ERROR {malformed}\r\n"));
        out.close_when_done();
    }

    /// The end of the stream.
    fn end(&mut self, end: Result<(), Truncated>, out: &mut impl Reply<'static>) {
        if let Err(truncated) = end {
            let _ = out.push(format!("ERROR truncated after {}\r\n", truncated.frame_len));
        }
    }
}

const BLOCK_LEN: usize = 300;

fn block() -> Vec<u8> {
    (0..BLOCK_LEN)
        .map(|i| [b'\r', b'\n', 0, b'x', 255][i % 5])
        .collect()
}

/// A full session ended by `QUIT`, with bytes after it that must be ignored.
fn session() -> (Vec<u8>, Vec<u8>) {
    let mut input = b"PING\r\nPUT 300\r\n".to_vec();
    input.extend_from_slice(&block());
    input.extend_from_slice(&[b'L'; 100]);
    input.extend_from_slice(b"\r\nPUT 3\nabcNOPE\r\r\nMSGS\n5:hello,2:\r\n,");
    input.extend_from_slice(format!("70:{},0:,", "m".repeat(70)).as_bytes());
    input.extend_from_slice(b"QUIT\r\nPING\r\n");
    let mut replies = b"PONG\r\nVALUE 300\r\n".to_vec();
    replies.extend_from_slice(&block());
    replies.extend_from_slice(b"\r\nERROR Delimited frame too long\r\nVALUE 3\r\nabc\r\n");
    replies.extend_from_slice(b"ERROR unknown command\r\nMSG hello\r\nMSG \r\n\r\n");
    replies.extend_from_slice(b"ERROR LengthPrefixed frame too long\r\n");
    (input, replies)
}

/// A netstring without its comma: the replies before it, the error, the close.
fn malformed_session() -> (Vec<u8>, Vec<u8>) {
    let input = b"PING\nMSGS\n3:abc;PING\n".to_vec();
    let mut replies = b"PONG\r\n".to_vec();
    replies.extend_from_slice(b"ERROR byte 15 is \";\" where the frame's trailer has \",\"\r\n");
    (input, replies)
}

/// A session cut off inside a block: what came before is answered, then the end.
fn truncated_session() -> (Vec<u8>, Vec<u8>) {
    let input = b"PING\r\nPUT 5\r\nab".to_vec();
    let replies = b"PONG\r\nERROR truncated after 2\r\n".to_vec();
    (input, replies)
}

/// What an outbox would write, all of it.
fn drain(outbox: &mut VecOutbox<'static>, wire: &mut Vec<u8>) {
    while let Next::Write(chunk) = outbox.chunk() {
        let n = chunk.len();
        wire.extend_from_slice(chunk);
        outbox.advance(n).unwrap();
    }
}

fn via_framer(slices: &[&[u8]]) -> Vec<u8> {
    let (mut kv, mut out, mut wire) = (Kv::default(), VecOutbox::new(), Vec::new());
    let mut framer = Framer::new(Kv::first_terminator());
    framer.set_max_frame_len(Some(LINE_LIMIT));
    let mut frame = Vec::new();
    'stream: for (i, slice) in slices.iter().enumerate() {
        if i + 1 == slices.len() {
            framer.end_of_stream();
        }
        let mut input = *slice;
        while let Some(event) = framer.next_event(&mut input) {
            let next = match event {
                Event::Data(data) => {
                    frame.extend_from_slice(data);
                    continue;
                }
                Event::Terminator => kv.frame(&std::mem::take(&mut frame), &mut out),
                Event::TooLong(_) => {
                    frame.clear();
                    continue;
                }
                Event::Discarded { kind, .. } => kv.discarded(kind, &mut out),
                Event::End(end) => {
                    kv.end(end, &mut out);
                    break 'stream;
                }
                Event::Malformed(malformed) => {
                    kv.malformed(malformed, &mut out);
                    break 'stream;
                }
            };
            framer.set_terminator(next);
            if out.is_closing() {
                break 'stream;
            }
        }
    }
    drain(&mut out, &mut wire);
    wire
}

/// The whole-frame step every whole-frame adapter shares: `None` to stop.
fn on_frame<B: AsRef<[u8]>>(
    kv: &mut Kv,
    frame: Frame<B>,
    out: &mut VecOutbox<'static>,
) -> Option<Option<Terminator>> {
    let next = match frame {
        Frame::Whole(data) => Some(kv.frame(data.as_ref(), out)),
        Frame::TooLong(_) => None,
        Frame::Discarded { kind, .. } => Some(kv.discarded(kind, out)),
        Frame::End(end) => {
            kv.end(end, out);
            return None;
        }
        Frame::Malformed(malformed) => {
            kv.malformed(malformed, out);
            return None;
        }
    };
    (!out.is_closing()).then_some(next)
}

fn via_frame_reader(slices: &[&[u8]]) -> Vec<u8> {
    let (mut kv, mut out, mut wire) = (Kv::default(), VecOutbox::new(), Vec::new());
    let mut reader = FrameReader::new(Kv::first_terminator(), Vec::new());
    reader.set_max_frame_len(Some(LINE_LIMIT));
    'stream: for (i, slice) in slices.iter().enumerate() {
        if i + 1 == slices.len() {
            reader.end_of_stream();
        }
        let mut input = *slice;
        while let Some(frame) = reader.next_frame(&mut input) {
            match on_frame(&mut kv, frame, &mut out) {
                None => break 'stream,
                Some(Some(next)) => reader.set_terminator(next),
                Some(None) => {}
            }
        }
    }
    drain(&mut out, &mut wire);
    wire
}

fn via_tokio_codec(slices: &[&[u8]]) -> Vec<u8> {
    use tokio_util::codec::Decoder;
    let (mut kv, mut out, mut wire) = (Kv::default(), VecOutbox::new(), Vec::new());
    let mut codec = asynchat::tokio::FrameCodec::new(Kv::first_terminator());
    codec.set_max_frame_len(Some(LINE_LIMIT));
    let mut buf = bytes::BytesMut::new();
    'stream: for (i, slice) in slices.iter().enumerate() {
        buf.extend_from_slice(slice);
        loop {
            let frame = if i + 1 == slices.len() {
                codec.decode_eof(&mut buf)
            } else {
                codec.decode(&mut buf)
            };
            let Some(frame) = frame.unwrap() else { break };
            match on_frame(&mut kv, frame, &mut out) {
                None => break 'stream,
                Some(Some(next)) => codec.set_terminator(next),
                Some(None) => {}
            }
        }
    }
    drain(&mut out, &mut wire);
    wire
}

/// Hands out the slices one per read (none empty), then the end.
struct Slices {
    slices: VecDeque<Vec<u8>>,
    /// Say `WouldBlock` before every other read, as a non-blocking socket would.
    would_block: bool,
    blocked: bool,
    written: Vec<u8>,
}

impl Slices {
    fn new(slices: &[&[u8]], would_block: bool) -> Self {
        Slices {
            slices: slices
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_vec())
                .collect(),
            would_block,
            blocked: false,
            written: Vec::new(),
        }
    }

    fn read_into(&mut self, buf: &mut [u8]) -> usize {
        let Some(slice) = self.slices.front_mut() else {
            return 0;
        };
        let n = slice.len().min(buf.len());
        buf[..n].copy_from_slice(&slice[..n]);
        slice.drain(..n);
        if slice.is_empty() {
            self.slices.pop_front();
        }
        n
    }
}

impl io::Read for Slices {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.blocked = !self.blocked;
        if self.would_block && self.blocked {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(self.read_into(buf))
    }
}

impl io::Write for Slices {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Slices {
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl embedded_io::ErrorType for Slices {
    type Error = core::convert::Infallible;
}

impl embedded_io::Read for Slices {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        Ok(self.read_into(buf))
    }
}

/// The protocol as a channel's frame handler: the same code, through `Context`.
impl FrameHandler for Kv {
    fn handle_frame(&mut self, frame: &[u8], ctx: &mut Context<'_>) {
        let next = self.frame(frame, ctx);
        ctx.set_terminator(next);
    }

    fn frame_too_long(&mut self, _too_long: FrameTooLong, _ctx: &mut Context<'_>) {}

    fn frame_discarded(&mut self, _frame_len: u64, kind: FrameKind, ctx: &mut Context<'_>) {
        let next = self.discarded(kind, ctx);
        ctx.set_terminator(next);
    }

    fn frame_malformed(&mut self, malformed: Malformed, ctx: &mut Context<'_>) {
        self.malformed(malformed, ctx);
    }

    fn handle_eof(&mut self, end: Result<(), Truncated>, ctx: &mut Context<'_>) {
        self.end(end, ctx);
    }
}

fn channel(slices: &[&[u8]], would_block: bool) -> Channel<Slices, Frames<Kv>> {
    let stream = Slices::new(slices, would_block);
    let mut channel = Channel::new(stream, Frames::new(Kv::default()), Kv::first_terminator());
    channel.set_max_frame_len(Some(LINE_LIMIT));
    channel.set_linger(std::time::Duration::ZERO);
    channel
}

fn via_channel_readiness(slices: &[&[u8]]) -> Vec<u8> {
    let mut channel = channel(slices, true);
    let mut calls = 0;
    while channel.handle_ready().unwrap() != Status::Closed {
        calls += 1;
        assert!(calls < 100_000, "the channel never closed");
    }
    channel.into_parts().0.written
}

fn via_channel_run(slices: &[&[u8]]) -> Vec<u8> {
    let mut channel = channel(slices, false);
    channel.run().unwrap();
    channel.into_parts().0.written
}

fn via_embedded_io(slices: &[&[u8]]) -> Vec<u8> {
    let (mut kv, mut out, mut wire) = (Kv::default(), VecOutbox::new(), Vec::new());
    let mut buf = [0; 512];
    let mut reader = asynchat::embedded_io::FramedReader::new(
        Slices::new(slices, false),
        Kv::first_terminator(),
        &mut buf,
    );
    reader.set_max_frame_len(Some(LINE_LIMIT));
    loop {
        let frame = reader.next_frame().unwrap();
        match on_frame(&mut kv, frame, &mut out) {
            None => break,
            Some(Some(next)) => reader.set_terminator(next),
            Some(None) => {}
        }
    }
    drain(&mut out, &mut wire);
    wire
}

type Adapter = fn(&[&[u8]]) -> Vec<u8>;

const ADAPTERS: [(&str, Adapter); 6] = [
    ("Framer", via_framer),
    ("FrameReader", via_frame_reader),
    ("tokio FrameCodec", via_tokio_codec),
    ("Channel::handle_ready", via_channel_readiness),
    ("Channel::run", via_channel_run),
    ("embedded-io FramedReader", via_embedded_io),
];

fn check(input: &[u8], replies: &[u8]) {
    let mut splits: Vec<Vec<&[u8]>> = vec![
        vec![input, b""],
        input.chunks(1).chain([&b""[..]]).collect(),
    ];
    splits.extend((0..=input.len()).map(|at| vec![&input[..at], &input[at..], b""]));
    for (name, adapter) in ADAPTERS {
        for slices in &splits {
            let got = adapter(slices);
            assert!(
                got == replies,
                "{name}, slices of {:?}: got {:?}",
                slices.iter().map(|s| s.len()).collect::<Vec<_>>(),
                String::from_utf8_lossy(&got)
            );
        }
    }
}

#[test]
fn a_session_gets_the_same_replies_from_every_adapter() {
    let (input, replies) = session();
    check(&input, &replies);
}

#[test]
fn a_truncated_session_ends_the_same_everywhere() {
    let (input, replies) = truncated_session();
    check(&input, &replies);
}

#[test]
fn a_malformed_netstring_is_answered_the_same_everywhere() {
    let (input, replies) = malformed_session();
    check(&input, &replies);
}
