//! Framing and output throughput against the scanning limit (memchr/memmem) and the
//! peer a Rust user would otherwise pick (tokio-util's codecs), on the same data in
//! the same run. Every iteration checks its result. Run from `benches/`:
//! `cargo bench`, then `python3 ratios.py` prints the ratio table from the last run.

use std::hint::black_box;

use asynchat::{io::write_outbox, Event, Frame, FrameReader, Framer, Next, Terminator, VecOutbox};
use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memchr::memmem;
use tokio_util::codec::{AnyDelimiterCodec, Decoder, LinesCodec};

const MIB: usize = 1 << 20;

/// xorshift64*, fixed seed: the same data every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

/// ASCII lines of `min..=max` bytes, each ending in `\r\n`, about `size` bytes.
fn lines(size: usize, min: usize, max: usize) -> (Vec<u8>, usize) {
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

/// SMTP DATA blocks of about 8 KiB of `\r\n`-separated lines, each ending in `\r\n.\r\n`.
fn smtp(size: usize) -> (Vec<u8>, usize) {
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
fn echo(size: usize) -> (Vec<u8>, usize) {
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

/// Frames `data` fed in `slice`-byte pieces; returns (terminators, data bytes).
fn frame(terminator: &Terminator, data: &[u8], slice: usize) -> (usize, usize) {
    let mut framer = Framer::new(terminator.clone());
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

/// Whole frames of `data` fed in `slice`-byte pieces through a `FrameReader` (lent
/// from the input, or gathered in a `Vec` when split); returns (frames, bytes).
fn whole_frames(terminator: &Terminator, data: &[u8], slice: usize) -> (usize, usize) {
    let mut reader = FrameReader::new(terminator.clone(), Vec::with_capacity(256));
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

/// The echo protocol: a line, then a count, switching at every frame.
fn frame_echo(data: &[u8], slice: usize) -> usize {
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
                        let len = std::str::from_utf8(&line[5..]).unwrap().parse().unwrap();
                        framer.set_terminator(Terminator::Count(len));
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

fn codec<D: Decoder>(mut codec: D, data: &[u8], slice: usize) -> usize {
    let mut buf = BytesMut::with_capacity(slice.max(8192));
    let mut frames = 0;
    for chunk in data.chunks(slice) {
        buf.extend_from_slice(chunk);
        while let Ok(Some(frame)) = codec.decode(&mut buf) {
            black_box(frame);
            frames += 1;
        }
    }
    frames
}

fn line_workload(c: &mut Criterion, name: &str, data: &[u8], count: usize, one_byte: bool) {
    let crlf = Terminator::literal(b"\r\n");
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memmem/whole", |b| {
        b.iter(|| assert_eq!(memmem::find_iter(data, b"\r\n").count(), count))
    });
    group.bench_function("memchr/whole", |b| {
        b.iter(|| assert_eq!(memchr::memchr_iter(b'\n', data).count(), count))
    });
    // Every word read once and nothing else: the memory bandwidth, which no framer
    // that looks at every byte can beat.
    let read_all = |data: &[u8]| {
        data.chunks_exact(8).fold(0, |acc, word| {
            acc ^ u64::from_le_bytes(word.try_into().expect("8 bytes"))
        })
    };
    let fold = read_all(data);
    group.bench_function("read-all/whole", |b| {
        b.iter(|| assert_eq!(read_all(black_box(data)), fold))
    });
    for slice in [data.len(), 4096] {
        let label = if slice == data.len() {
            "whole".to_string()
        } else {
            slice.to_string()
        };
        group.bench_function(format!("framer/{label}"), |b| {
            b.iter(|| assert_eq!(frame(&crlf, data, slice).0, count))
        });
        group.bench_function(format!("frame-reader/{label}"), |b| {
            b.iter(|| assert_eq!(whole_frames(&crlf, data, slice).0, count))
        });
        group.bench_function(format!("lines-codec/{label}"), |b| {
            b.iter(|| assert_eq!(codec(LinesCodec::new(), data, slice), count))
        });
        group.bench_function(format!("any-delimiter-codec/{label}"), |b| {
            b.iter(|| {
                assert_eq!(
                    codec(AnyDelimiterCodec::new(b"\n".to_vec(), vec![]), data, slice),
                    count
                )
            })
        });
    }
    group.finish();
    if one_byte {
        let sample = &data[..MIB];
        let count = memchr::memchr_iter(b'\n', sample).count();
        let mut group = c.benchmark_group(format!("{name}-1-byte"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(sample.len() as u64));
        group.bench_function("framer/1", |b| {
            b.iter(|| assert_eq!(frame(&crlf, sample, 1).0, count))
        });
        group.bench_function("lines-codec/1", |b| {
            b.iter(|| assert_eq!(codec(LinesCodec::new(), sample, 1), count))
        });
        group.finish();
    }
}

fn benches(c: &mut Criterion) {
    let (data, count) = lines(64 * MIB, 1, 128);
    line_workload(c, "lines", &data, count, true);
    drop(data);
    let (data, count) = lines(64 * MIB, 2048, 6144);
    line_workload(c, "long-lines", &data, count, false);
    drop(data);

    let (data, count) = smtp(64 * MIB);
    let end = Terminator::literal(b"\r\n.\r\n");
    let mut group = c.benchmark_group("smtp-data");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memmem/whole", |b| {
        b.iter(|| assert_eq!(memmem::find_iter(&data, b"\r\n.\r\n").count(), count))
    });
    group.bench_function("framer/whole", |b| {
        b.iter(|| assert_eq!(frame(&end, &data, data.len()).0, count))
    });
    group.bench_function("framer/4096", |b| {
        b.iter(|| assert_eq!(frame(&end, &data, 4096).0, count))
    });
    group.finish();
    drop(data);

    let (data, count) = echo(64 * MIB);
    let mut group = c.benchmark_group("echo");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memchr/whole", |b| {
        b.iter(|| black_box(memchr::memchr_iter(b'\n', &data).count()))
    });
    group.bench_function("framer/whole", |b| {
        b.iter(|| assert_eq!(frame_echo(&data, data.len()), count))
    });
    group.bench_function("framer/4096", |b| {
        b.iter(|| assert_eq!(frame_echo(&data, 4096), count))
    });
    group.finish();
    drop(data);

    let mut rng = Rng(0x0b0c);
    let buffers: Vec<Vec<u8>> = (0..500_000)
        .map(|_| vec![b'x'; 1 + rng.below(256)])
        .collect();
    let total: usize = buffers.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("outbox");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("vec-copy", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(total);
            for buffer in &buffers {
                out.extend_from_slice(buffer);
            }
            assert_eq!(out.len(), total);
        })
    });
    group.bench_function("outbox/chunk", |b| {
        b.iter(|| {
            let mut outbox = VecOutbox::new();
            let mut out = Vec::with_capacity(total);
            for buffer in &buffers {
                outbox.push(buffer.as_slice()).unwrap();
            }
            while let Next::Write(chunk) = outbox.chunk() {
                out.extend_from_slice(chunk);
                let n = chunk.len();
                outbox.advance(n).unwrap();
            }
            assert_eq!(out.len(), total);
        })
    });
    group.bench_function("outbox/vectored", |b| {
        b.iter(|| {
            let mut outbox = VecOutbox::new();
            let mut out = Vec::with_capacity(total);
            for buffer in &buffers {
                outbox.push(buffer.as_slice()).unwrap();
            }
            write_outbox(&mut out, &mut outbox).unwrap();
            assert_eq!(out.len(), total);
        })
    });
    group.finish();
}

criterion_group!(framing, benches);
criterion_main!(framing);
