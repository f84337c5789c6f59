//! Framing and output throughput against the scanning limit (memchr/memmem) and the
//! peer a Rust user would otherwise pick (tokio-util's codecs), on the same data in
//! the same run. Every iteration checks its result. Run from `benches/`:
//! `cargo bench`, then `python3 ratios.py` prints the ratio table from the last run.

use std::hint::black_box;

use asynchat::{ByteOrder, LengthPrefix, Terminator};
use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memchr::memmem;
use tokio_util::codec::{AnyDelimiterCodec, Decoder, LengthDelimitedCodec, LinesCodec};

mod workloads;

use workloads::*;

const MIB: usize = 1 << 20;

/// Peer: `memmem` over slices, with the matches that straddle two slices found in a
/// small window: the least a byte-string search over reads can do.
fn memmem_sliced(data: &[u8], needle: &[u8], slice: usize) -> usize {
    let finder = memmem::Finder::new(needle);
    let keep = needle.len() - 1;
    let mut count = 0;
    let mut window = Vec::with_capacity(2 * keep);
    let mut tail: &[u8] = &[];
    for chunk in data.chunks(slice) {
        count += finder.find_iter(chunk).count();
        window.clear();
        window.extend_from_slice(tail);
        window.extend_from_slice(&chunk[..keep.min(chunk.len())]);
        // Only matches that start in the old tail and end in the new chunk.
        count += finder
            .find_iter(&window)
            .filter(|&at| at < tail.len() && at + needle.len() > tail.len())
            .count();
        tail = &chunk[chunk.len().saturating_sub(keep)..];
    }
    count
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
    for slice in [data.len(), 4096] {
        let label = if slice == data.len() {
            "whole".to_string()
        } else {
            slice.to_string()
        };
        group.bench_function(format!("memchr-crlf/{label}"), |b| {
            b.iter(|| assert_eq!(memchr_crlf(data, slice), count))
        });
    }
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
            b.iter(|| assert_eq!(frame(crlf, data, slice).0, count))
        });
        group.bench_function(format!("frame-reader/{label}"), |b| {
            b.iter(|| assert_eq!(whole_frames(crlf, data, slice).0, count))
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
            b.iter(|| assert_eq!(frame(crlf, sample, 1).0, count))
        });
        group.bench_function("lines-codec/1", |b| {
            b.iter(|| assert_eq!(codec(LinesCodec::new(), sample, 1), count))
        });
        group.bench_function("dfa/1", |b| {
            b.iter(|| assert_eq!(dfa_crlf(sample, 1), count))
        });
        // The same loop at four offsets from a 64-byte boundary: one byte at a
        // time its speed depends on where the linker puts it by up to a half, and
        // `framer/1` is one draw. `ratios.py` reports the mean of the four.
        #[cfg(target_arch = "x86_64")]
        {
            type Framing = fn(Terminator, &[u8], usize) -> (usize, usize);
            let shifted: [(usize, Framing); 4] = [
                (0, frame_padded::<0>),
                (16, frame_padded::<16>),
                (32, frame_padded::<32>),
                (48, frame_padded::<48>),
            ];
            for (pad, framer) in shifted {
                group.bench_function(format!("framer-shifted-{pad}/1"), |b| {
                    b.iter(|| assert_eq!(framer(crlf, sample, 1).0, count))
                });
            }
        }
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

    // A diagnostic beside `lines`: the same work per line, but every line 62 bytes
    // long, so that where a line ends is predictable. The gap between the two is
    // what random line lengths cost the framer's search and the peer's.
    let (data, count) = lines(64 * MIB, 62, 62);
    let crlf = Terminator::literal(b"\r\n");
    let mut group = c.benchmark_group("lines-62");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memchr-crlf/whole", |b| {
        b.iter(|| assert_eq!(memchr_crlf(&data, data.len()), count))
    });
    group.bench_function("framer/whole", |b| {
        b.iter(|| assert_eq!(frame(crlf, &data, data.len()).0, count))
    });
    group.finish();
    drop(data);

    let (data, count) = smtp(64 * MIB);
    let end = Terminator::literal(b"\r\n.\r\n");
    let mut group = c.benchmark_group("smtp-data");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memmem/whole", |b| {
        b.iter(|| assert_eq!(memmem::find_iter(&data, b"\r\n.\r\n").count(), count))
    });
    group.bench_function("memmem/4096", |b| {
        b.iter(|| assert_eq!(memmem_sliced(&data, b"\r\n.\r\n", 4096), count))
    });
    group.bench_function("framer/whole", |b| {
        b.iter(|| assert_eq!(frame(end, &data, data.len()).0, count))
    });
    group.bench_function("framer/4096", |b| {
        b.iter(|| assert_eq!(frame(end, &data, 4096).0, count))
    });
    group.finish();
    drop(data);

    // 4 MiB, not 64 like the others: the framer and the peer both skip the bodies and
    // touch one header every 2 KiB on average, so on a buffer larger than the cache
    // both time the memory's latency, and on these shared machines that moved both
    // by up to 4x between runs. In the cache (32 MiB of L3 here) the figures are
    // steady, and what they compare is the work per message.
    let (data, count) = echo(4 * MIB);
    let mut group = c.benchmark_group("echo");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("memchr/whole", |b| {
        b.iter(|| black_box(memchr::memchr_iter(b'\n', &data).count()))
    });
    group.bench_function("parse-skip/whole", |b| {
        b.iter(|| assert_eq!(parse_skip_echo(&data, data.len()), count))
    });
    group.bench_function("parse-skip/4096", |b| {
        b.iter(|| assert_eq!(parse_skip_echo(&data, 4096), count))
    });
    group.bench_function("framer/whole", |b| {
        b.iter(|| assert_eq!(frame_echo(&data, data.len()), count))
    });
    group.bench_function("framer/4096", |b| {
        b.iter(|| assert_eq!(frame_echo(&data, 4096), count))
    });
    group.finish();
    drop(data);

    // Length-prefixed frames: small ones, where the work per frame counts, and
    // large ones, where only the bytes do.
    let prefix = Terminator::LengthPrefixed(LengthPrefix::fixed(4, ByteOrder::BigEndian));
    for (name, size, min, max) in [
        ("length-prefixed-64", 64 * MIB, 32, 96),
        ("length-prefixed-64k", 64 * MIB, 64 * 1024, 64 * 1024),
    ] {
        let (data, count) = length_prefixed(size, min, max);
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(data.len() as u64));
        for slice in [data.len(), 4096] {
            let label = if slice == data.len() {
                "whole".to_string()
            } else {
                slice.to_string()
            };
            // Peer: every read copied once into a buffer as large as a frame (or
            // the read), allocated once: what gathering frames costs at least.
            let mut copy = vec![0; slice.max(max + 4)];
            group.bench_function(format!("copy/{label}"), |b| {
                b.iter(|| {
                    let mut at = 0;
                    for chunk in data.chunks(slice) {
                        if at + chunk.len() > copy.len() {
                            at = 0;
                        }
                        copy[at..at + chunk.len()].copy_from_slice(chunk);
                        at += chunk.len();
                        black_box(&mut copy);
                    }
                })
            });
            group.bench_function(format!("gather/{label}"), |b| {
                b.iter(|| assert_eq!(gather_length_prefixed(&data, slice), count))
            });
            group.bench_function(format!("length-delimited-codec/{label}"), |b| {
                b.iter(|| assert_eq!(codec(LengthDelimitedCodec::new(), &data, slice), count))
            });
            group.bench_function(format!("framer/{label}"), |b| {
                b.iter(|| assert_eq!(frame(prefix, &data, slice).0, count))
            });
            group.bench_function(format!("frame-reader/{label}"), |b| {
                b.iter(|| assert_eq!(whole_frames(prefix, &data, slice).0, count))
            });
        }
        group.finish();
    }

    // Several delimiters, as tokio-util's `AnyDelimiterCodec` takes them.
    let any = Terminator::any_of(&[b"\n", b";", b","]).unwrap();
    let (data, count) = any_delimited(64 * MIB, 32, 96);
    let mut group = c.benchmark_group("any-delimiter-64");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    for slice in [data.len(), 4096] {
        let label = if slice == data.len() {
            "whole".to_string()
        } else {
            slice.to_string()
        };
        group.bench_function(format!("any-delimiter-codec/{label}"), |b| {
            let peer = || AnyDelimiterCodec::new_with_max_length(b"\n;,".to_vec(), vec![], 1 << 20);
            b.iter(|| assert_eq!(codec(peer(), &data, slice), count))
        });
        group.bench_function(format!("framer/{label}"), |b| {
            b.iter(|| assert_eq!(frame(any, &data, slice).0, count))
        });
        group.bench_function(format!("frame-reader/{label}"), |b| {
            b.iter(|| assert_eq!(whole_frames(any, &data, slice).0, count))
        });
    }
    group.finish();
    drop(data);

    let (buffers, total) = buffers(500_000);
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
        b.iter(|| assert_eq!(outbox_chunks(&buffers, total), total))
    });
    #[cfg(feature = "std")]
    group.bench_function("outbox/vectored", |b| {
        b.iter(|| assert_eq!(outbox_vectored(&buffers, total), total))
    });
    group.finish();
}

criterion_group!(framing, benches);
criterion_main!(framing);
