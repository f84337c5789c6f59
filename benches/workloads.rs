//! The benchmark workloads and the peers they are measured against, shared by the
//! criterion benchmarks (`framing.rs`, wall clock) and the instruction-count guard
//! (`icount.rs`, under callgrind). Every function returns what it found, so each run
//! checks its result.

#![allow(dead_code)] // Each binary uses its own part.

use std::hint::black_box;

#[cfg(feature = "std")]
use asynchat::io::write_outbox;
use asynchat::{Event, Frame, FrameReader, Framer, Next, Terminator, VecOutbox};

/// xorshift64*, fixed seed: the same data every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

/// ASCII lines of `min..=max` bytes, each ending in `\r\n`, about `size` bytes.
pub fn lines(size: usize, min: usize, max: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(0x5eed);
    let mut data = Vec::with_capacity(size + max + 2);
    let mut count = 0;
    while data.len() < size {
        let len = min + rng.below(max - min + 1);
        data.extend((0..len).map(|_| b'a' + rng.below(26) as u8));
        data.extend_from_slice(b"\r\n");
        count += 1;
    }
    (data, count)
}

/// Frames of `min..=max` random bytes, each after a 4-byte big-endian length (what
/// tokio-util's `LengthDelimitedCodec` reads by default), about `size` bytes.
pub fn length_prefixed(size: usize, min: usize, max: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(0x1e46);
    let mut data = Vec::with_capacity(size + max + 4);
    let mut count = 0;
    while data.len() < size {
        let len = min + rng.below(max - min + 1);
        data.extend_from_slice(&(len as u32).to_be_bytes());
        data.extend((0..len).map(|_| rng.below(256) as u8));
        count += 1;
    }
    (data, count)
}

/// Peer: the least a reader that hands out whole frames of [`length_prefixed`]
/// data can do, by hand: read each 4-byte length, then copy the body's pieces into
/// a frame buffer, reused. Returns the frames.
pub fn gather_length_prefixed(data: &[u8], slice: usize) -> usize {
    let mut frame = Vec::with_capacity(256);
    let (mut header, mut header_len) = ([0u8; 4], 0);
    let mut remaining: Option<usize> = None;
    let mut frames = 0;
    for chunk in data.chunks(slice) {
        let mut input = chunk;
        while !input.is_empty() {
            match remaining {
                None => {
                    let take = (4 - header_len).min(input.len());
                    header[header_len..header_len + take].copy_from_slice(&input[..take]);
                    header_len += take;
                    input = &input[take..];
                    if header_len == 4 {
                        remaining = Some(u32::from_be_bytes(header) as usize);
                        header_len = 0;
                        frame.clear();
                    }
                }
                Some(left) => {
                    let take = left.min(input.len());
                    frame.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    remaining = Some(left - take);
                }
            }
            if remaining == Some(0) {
                black_box(&frame);
                frames += 1;
                remaining = None;
            }
        }
    }
    frames
}

/// Words of `min..=max` letters, each ended by one of `\n`, `;` and `,`, about
/// `size` bytes.
pub fn any_delimited(size: usize, min: usize, max: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(0xa4d1);
    let mut data = Vec::with_capacity(size + max + 1);
    let mut count = 0;
    while data.len() < size {
        let len = min + rng.below(max - min + 1);
        data.extend((0..len).map(|_| b'a' + rng.below(26) as u8));
        data.push(b"\n;,"[rng.below(3)]);
        count += 1;
    }
    (data, count)
}

/// SMTP DATA blocks of about 8 KiB of `\r\n`-separated lines, each ending in `\r\n.\r\n`.
pub fn smtp(size: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(0xda7a);
    let mut data = Vec::with_capacity(size + 9000);
    let mut count = 0;
    while data.len() < size {
        let end = data.len() + 8192;
        while data.len() < end {
            let len = 1 + rng.below(78);
            data.extend((0..len).map(|_| b'a' + rng.below(26) as u8));
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(b".\r\n");
        count += 1;
    }
    (data, count)
}

/// The seed protocol: `ECHO <len>\n` and `<len>` bytes, len 0..=4096.
pub fn echo(size: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(0xec40);
    let mut data = Vec::with_capacity(size + 5000);
    let mut count = 0;
    while data.len() < size {
        let len = rng.below(4097);
        data.extend_from_slice(format!("ECHO {len}\n").as_bytes());
        data.extend((0..len).map(|_| b'a' + rng.below(26) as u8));
        count += 1;
    }
    (data, count)
}

/// Buffers of 1..=256 bytes, for the outbox.
pub fn buffers(count: usize) -> (Vec<Vec<u8>>, usize) {
    let mut rng = Rng(0x0b0c);
    let buffers: Vec<Vec<u8>> = (0..count).map(|_| vec![b'x'; 1 + rng.below(256)]).collect();
    let total = buffers.iter().map(Vec::len).sum();
    (buffers, total)
}

/// Frames `data` fed in `slice`-byte pieces; returns (terminators, data bytes).
pub fn frame(terminator: Terminator, data: &[u8], slice: usize) -> (usize, usize) {
    frame_loop(terminator, data, slice)
}

/// [`frame`]'s body, for the copies of it at other offsets.
#[inline(always)]
fn frame_loop(terminator: Terminator, data: &[u8], slice: usize) -> (usize, usize) {
    let mut framer = Framer::new(terminator);
    let (mut frames, mut bytes) = (0, 0);
    for chunk in data.chunks(slice) {
        let mut input = chunk;
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(data) => bytes += data.len(),
                Event::Terminator => frames += 1,
                other => unreachable!("no limit, no end of stream: {other:?}"),
            }
        }
    }
    (frames, bytes)
}

/// `PAD` one-byte `nop`s, inline: the code after them in the same function is
/// the same machine code, shifted by `PAD` bytes against the 64-byte boundaries
/// the CPU fetches and predicts branches by. One byte at a time, where nearly
/// every other instruction is a branch, the shift alone moves the time by up to a
/// half (`best_of one-byte-layouts`).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn pad<const PAD: usize>() {
    // SAFETY: `nop`s, run once; they touch no register, flag, memory or stack.
    unsafe {
        std::arch::asm!(
            ".skip {pad}, 0x90",
            pad = const PAD,
            options(nomem, nostack, preserves_flags)
        )
    };
}

/// [`frame`] out of line, shifted by `PAD` bytes ([`pad`]).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub fn frame_padded<const PAD: usize>(
    terminator: Terminator,
    data: &[u8],
    slice: usize,
) -> (usize, usize) {
    pad::<PAD>();
    frame_loop(terminator, data, slice)
}

/// [`dfa_crlf`] out of line, shifted by `PAD` bytes ([`pad`]).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub fn dfa_padded<const PAD: usize>(data: &[u8], slice: usize) -> usize {
    pad::<PAD>();
    dfa_loop(data, slice)
}

/// [`minimal_crlf`] with a limit, out of line, shifted by `PAD` bytes ([`pad`]).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
pub fn minimal_limited_padded<const PAD: usize>(data: &[u8], slice: usize) -> usize {
    pad::<PAD>();
    minimal_loop::<true>(data, slice)
}

/// Whole frames of `data` fed in `slice`-byte pieces through a `FrameReader` (lent
/// from the input, or gathered in a `Vec` when split); returns (frames, bytes).
pub fn whole_frames(terminator: Terminator, data: &[u8], slice: usize) -> (usize, usize) {
    let mut reader = FrameReader::new(terminator, Vec::with_capacity(256));
    let (mut frames, mut bytes) = (0, 0);
    for chunk in data.chunks(slice) {
        let mut input = chunk;
        while let Some(frame) = reader.next_frame(&mut input) {
            match frame {
                Frame::Whole(frame) => {
                    frames += 1;
                    bytes += black_box(frame).len();
                }
                other => unreachable!("no limit, no end of stream: {other:?}"),
            }
        }
    }
    (frames, bytes)
}

/// The echo protocol: a line, then a count, switching at every frame; returns the
/// messages.
pub fn frame_echo(data: &[u8], slice: usize) -> usize {
    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut line = Vec::with_capacity(16);
    let mut in_line = true;
    let mut frames = 0;
    for chunk in data.chunks(slice) {
        let mut input = chunk;
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(bytes) if in_line => line.extend_from_slice(bytes),
                Event::Data(_) => {}
                Event::Terminator => {
                    frames += 1;
                    if in_line {
                        let len = parse_len(&line);
                        framer.set_terminator(Terminator::Count(len as u64));
                        line.clear();
                    } else {
                        framer.set_terminator(Terminator::literal(b"\n"));
                    }
                    in_line = !in_line;
                }
                other => unreachable!("no limit, no end of stream: {other:?}"),
            }
        }
    }
    frames / 2
}

fn parse_len(line: &[u8]) -> usize {
    std::str::from_utf8(&line[5..]).unwrap().parse().unwrap()
}

/// Peer: the loop a hand-written CRLF line splitter runs, `memchr` for `\n` and a
/// look at the byte before it (carried across slices); returns the lines.
pub fn memchr_crlf(data: &[u8], slice: usize) -> usize {
    let (mut count, mut last_was_cr) = (0, false);
    for chunk in data.chunks(slice) {
        for i in memchr::memchr_iter(b'\n', chunk) {
            let cr = match i {
                0 => last_was_cr,
                _ => chunk[i - 1] == b'\r',
            };
            count += usize::from(cr);
        }
        last_was_cr = chunk.last() == Some(&b'\r');
    }
    count
}

/// Peer: a byte-at-a-time DFA for `\r\n`, the least work per byte a framer that
/// sees one byte at a time can do; returns the lines.
pub fn dfa_crlf(data: &[u8], slice: usize) -> usize {
    dfa_loop(data, slice)
}

/// [`dfa_crlf`]'s body, for the copies of it at other offsets.
#[inline(always)]
fn dfa_loop(data: &[u8], slice: usize) -> usize {
    let (mut count, mut after_cr) = (0, false);
    for chunk in data.chunks(slice) {
        for &byte in black_box(chunk) {
            count += usize::from(after_cr && byte == b'\n');
            after_cr = byte == b'\r';
        }
    }
    count
}

/// Peer: the ideal length-prefixed parser: `memchr` for the header's end, parse the
/// length, skip that many bytes without looking at them; returns the messages.
pub fn parse_skip_echo(data: &[u8], slice: usize) -> usize {
    let mut header = Vec::with_capacity(16);
    let (mut count, mut skip) = (0, None::<usize>);
    for chunk in data.chunks(slice) {
        let mut rest = chunk;
        while !rest.is_empty() || skip == Some(0) {
            if let Some(left) = skip {
                let n = left.min(rest.len());
                rest = &rest[n..];
                if left == n {
                    count += 1;
                    skip = None;
                } else {
                    skip = Some(left - n);
                }
                continue;
            }
            match memchr::memchr(b'\n', rest) {
                Some(i) => {
                    header.extend_from_slice(&rest[..i]);
                    skip = Some(parse_len(&header));
                    header.clear();
                    rest = &rest[i + 1..];
                }
                None => {
                    header.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
    }
    count
}

/// The outbox's chunk loop over many small buffers; returns the bytes written.
pub fn outbox_chunks(buffers: &[Vec<u8>], total: usize) -> usize {
    let mut outbox = VecOutbox::new();
    let mut out = Vec::with_capacity(total);
    for buffer in buffers {
        outbox.push(buffer.as_slice()).unwrap();
    }
    while let Next::Write(chunk) = outbox.chunk() {
        out.extend_from_slice(chunk);
        let n = chunk.len();
        outbox.advance(n).unwrap();
    }
    out.len()
}

/// The outbox written with `write_vectored` into a `Vec`; returns the bytes written.
#[cfg(feature = "std")]
pub fn outbox_vectored(buffers: &[Vec<u8>], total: usize) -> usize {
    let mut outbox = VecOutbox::new();
    let mut out = Vec::with_capacity(total);
    for buffer in buffers {
        outbox.push(buffer.as_slice()).unwrap();
    }
    write_outbox(&mut out, &mut outbox).unwrap();
    out.len()
}

/// Peer: the least a framer with `next_event`'s shape can do for `\r\n` lines, one
/// byte at a time: its state in a struct in memory (a call out of line takes it,
/// as the framer's general step does), one call per event and one more that says
/// the slice is consumed, a held-back `\r` reported as data when no `\n` follows.
/// No other terminator, no position. With `LIMITED`, it also keeps the frame's
/// length and checks it against a limit before each data event, as the framer
/// does; without, it keeps nothing but two flags. What the API's shape costs, and
/// what a frame limit adds to it.
pub struct MinimalCrlf<const LIMITED: bool> {
    held_cr: bool,
    end_found: bool,
    frame_len: u64,
    max_frame_len: u64,
}

/// [`MinimalCrlf`]'s events.
pub enum MinimalEvent<'a> {
    Data(&'a [u8]),
    Terminator,
}

impl<const LIMITED: bool> MinimalCrlf<LIMITED> {
    pub fn new() -> Self {
        MinimalCrlf {
            held_cr: false,
            end_found: false,
            frame_len: 0,
            max_frame_len: u64::MAX,
        }
    }

    #[inline(always)]
    pub fn next_event<'a>(&mut self, input: &mut &'a [u8]) -> Option<MinimalEvent<'a>> {
        if self.end_found {
            self.end_found = false;
            return Some(MinimalEvent::Terminator);
        }
        loop {
            let (&first, rest) = input.split_first()?;
            if self.held_cr {
                self.held_cr = false;
                if first == b'\n' {
                    *input = rest;
                    self.frame_len = 0;
                    return Some(MinimalEvent::Terminator);
                }
                return self.lone_cr();
            }
            let at = match input {
                [byte] => usize::from(*byte != b'\r'),
                _ => memchr::memchr(b'\r', input).unwrap_or(input.len()),
            };
            if at == 0 {
                self.held_cr = true;
                *input = rest;
                continue;
            }
            if LIMITED {
                if self.frame_len + at as u64 > self.max_frame_len {
                    unimplemented!("no limit is reached in the benchmark");
                }
                self.frame_len += at as u64;
            }
            let (data, rest) = input.split_at(at);
            *input = rest;
            return Some(MinimalEvent::Data(data));
        }
    }

    /// A `\r` that no `\n` follows, as data. Out of line and taking `self`, as the
    /// framer's general step does: the state then lives in memory, not in registers.
    #[inline(never)]
    fn lone_cr<'a>(&mut self) -> Option<MinimalEvent<'a>> {
        black_box(&mut *self);
        if LIMITED {
            self.frame_len += 1;
        }
        Some(MinimalEvent::Data(b"\r"))
    }
}

/// [`MinimalCrlf`] over `data` in `slice`-byte pieces; returns the lines.
pub fn minimal_crlf<const LIMITED: bool>(data: &[u8], slice: usize) -> usize {
    minimal_loop::<LIMITED>(data, slice)
}

/// [`minimal_crlf`]'s body, for the copies of it at other offsets.
#[inline(always)]
fn minimal_loop<const LIMITED: bool>(data: &[u8], slice: usize) -> usize {
    let mut framer = MinimalCrlf::<LIMITED>::new();
    let (mut frames, mut bytes) = (0, 0);
    for chunk in data.chunks(slice) {
        let mut input = chunk;
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                MinimalEvent::Data(data) => bytes += data.len(),
                MinimalEvent::Terminator => frames += 1,
            }
        }
    }
    black_box(bytes);
    frames
}
