//! Wall-clock ratios that criterion's means cannot give on a noisy machine: each
//! workload and its peer run 15 times in the same process and the best time of
//! each counts. The echo workload reads one header every few KiB of a 64 MiB
//! buffer, so its time follows the host's memory traffic; the best of many runs
//! is the figure a quiet moment gives. `echo-cached` is criterion's echo group: 4
//! MiB, which stays in the cache, timed 201 times. `one-byte` also times the
//! minimal framer of the same shape (`MinimalCrlf`), without and with a frame
//! limit: the floor for one byte at a time through `next_event`'s calls.
//!
//!     cargo run --release --bin best_of -- [lines|echo|echo-cached|one-byte]...
//!
//! Prints milliseconds and the ratio (peer time over framer time: above 1 means
//! the framer is faster). Run it a few times, and interleave runs of two builds to
//! compare them.

mod workloads;

use std::time::Instant;

use asynchat::Terminator;
use workloads::*;

const MIB: usize = 1 << 20;
const RUNS: usize = 15;
/// Runs of a workload that takes microseconds.
const SHORT_RUNS: usize = 201;

/// The best of `RUNS` timings of `run`, in milliseconds; every run must return
/// `expected`.
fn best_ms(run: &dyn Fn() -> usize, expected: usize) -> f64 {
    best_of_ms(RUNS, run, expected)
}

/// The best of `runs` timings of `run`, in milliseconds.
fn best_of_ms(runs: usize, run: &dyn Fn() -> usize, expected: usize) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            assert_eq!(run(), expected);
            start.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(name: &str, framer: f64, peer_name: &str, peer: f64) {
    println!(
        "{name}: framer {framer:.4} ms, {peer_name} {peer:.4} ms, ratio {:.3}",
        peer / framer
    );
}

fn main() {
    let mut asked: Vec<String> = std::env::args().skip(1).collect();
    if asked.is_empty() {
        asked = vec!["lines".into(), "echo".into(), "one-byte".into()];
    }
    let crlf = Terminator::literal(b"\r\n");
    for workload in asked {
        match workload.as_str() {
            "lines" => {
                let (data, count) = lines(64 * MIB, 1, 128);
                for slice in [data.len(), 4096] {
                    let framer = best_ms(&|| frame(crlf, &data, slice).0, count);
                    let peer = best_ms(&|| memchr_crlf(&data, slice), count);
                    report(&format!("lines/{slice}"), framer, "memchr-crlf", peer);
                }
            }
            "echo" => {
                let (data, count) = echo(64 * MIB);
                for slice in [data.len(), 4096] {
                    let framer = best_ms(&|| frame_echo(&data, slice), count);
                    let peer = best_ms(&|| parse_skip_echo(&data, slice), count);
                    report(&format!("echo/{slice}"), framer, "parse-skip", peer);
                }
            }
            "echo-cached" => {
                let (data, count) = echo(4 * MIB);
                for slice in [data.len(), 4096] {
                    let framer = best_of_ms(SHORT_RUNS, &|| frame_echo(&data, slice), count);
                    let peer = best_of_ms(SHORT_RUNS, &|| parse_skip_echo(&data, slice), count);
                    report(&format!("echo-cached/{slice}"), framer, "parse-skip", peer);
                }
            }
            "one-byte" => {
                let (data, _) = lines(64 * MIB, 1, 128);
                let sample = &data[..MIB];
                let count = memchr::memchr_iter(b'\n', sample).count();
                let framer = best_ms(&|| frame(crlf, sample, 1).0, count);
                let peer = best_ms(&|| dfa_crlf(sample, 1), count);
                report("lines/1-byte", framer, "dfa", peer);
                let minimal = best_ms(&|| minimal_crlf::<false>(sample, 1), count);
                report("lines/1-byte, minimal framer", minimal, "dfa", peer);
                let limited = best_ms(&|| minimal_crlf::<true>(sample, 1), count);
                report(
                    "lines/1-byte, minimal framer with a limit",
                    limited,
                    "dfa",
                    peer,
                );
            }
            other => {
                eprintln!("unknown workload {other:?}: lines, echo, echo-cached or one-byte");
                std::process::exit(2);
            }
        }
    }
}
