//! Wall-clock ratios that criterion's means cannot give on a noisy machine: each
//! workload and its peer run 15 times in the same process and the best time of
//! each counts. The echo workload reads one header every few KiB of a 64 MiB
//! buffer, so its time follows the host's memory traffic; the best of many runs
//! is the figure a quiet moment gives. `echo-cached` is criterion's echo group: 4
//! MiB, which stays in the cache, timed 201 times. `one-byte` also times the
//! minimal framer of the same shape (`MinimalCrlf`), without and with a frame
//! limit: the floor for one byte at a time through `next_event`'s calls.
//! `one-byte-layouts` times the framer, the minimal framer and the DFA each at four
//! offsets from a 64-byte boundary (out of line, behind 0, 16, 32 and 48 bytes of
//! `nop`; x86-64 only), against the DFA inlined as in `one-byte`: one byte at a
//! time, the same machine code runs up to half again as long at one offset as at
//! another, so a single build's figure says as much about where the linker put
//! the loop as about the code. The mean of the four is the fairer figure.
//!
//!     cargo run --release --bin best_of -- \
//!         [lines|long-lines|echo|echo-cached|one-byte|one-byte-layouts]...
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
            "long-lines" => {
                let (data, count) = lines(64 * MIB, 2048, 6144);
                for slice in [data.len(), 4096] {
                    let framer = best_ms(&|| frame(crlf, &data, slice).0, count);
                    let peer = best_ms(&|| memchr_crlf(&data, slice), count);
                    report(&format!("long-lines/{slice}"), framer, "memchr-crlf", peer);
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
            "one-byte-layouts" => {
                let (data, _) = lines(64 * MIB, 1, 128);
                let sample = &data[..MIB];
                let count = memchr::memchr_iter(b'\n', sample).count();
                type Framing = fn(Terminator, &[u8], usize) -> (usize, usize);
                let framers: [Framing; 4] = [
                    frame_padded::<0>,
                    frame_padded::<16>,
                    frame_padded::<32>,
                    frame_padded::<48>,
                ];
                let dfas: [fn(&[u8], usize) -> usize; 4] = [
                    dfa_padded::<0>,
                    dfa_padded::<16>,
                    dfa_padded::<32>,
                    dfa_padded::<48>,
                ];
                let minimals: [fn(&[u8], usize) -> usize; 4] = [
                    minimal_limited_padded::<0>,
                    minimal_limited_padded::<16>,
                    minimal_limited_padded::<32>,
                    minimal_limited_padded::<48>,
                ];
                // The peer inlined into its closure, as in `one-byte` and criterion:
                // out of line, the compiler makes slower code of it.
                let dfa = best_ms(&|| dfa_crlf(sample, 1), count);
                let (mut framer_ms, mut minimal_ms, mut dfa_ms) = (0.0, 0.0, 0.0);
                for pad in 0..4 {
                    let framer = best_ms(&|| framers[pad](crlf, sample, 1).0, count);
                    let minimal = best_ms(&|| minimals[pad](sample, 1), count);
                    let shifted_dfa = best_ms(&|| dfas[pad](sample, 1), count);
                    let label = format!("lines/1-byte, shifted {} bytes", 16 * pad);
                    report(&label, framer, "dfa", dfa);
                    report(
                        &format!("{label}, minimal framer with a limit"),
                        minimal,
                        "dfa",
                        dfa,
                    );
                    report(
                        &format!("{label}, dfa out of line"),
                        shifted_dfa,
                        "dfa",
                        dfa,
                    );
                    framer_ms += framer / 4.0;
                    minimal_ms += minimal / 4.0;
                    dfa_ms += shifted_dfa / 4.0;
                }
                report("lines/1-byte, mean of the four", framer_ms, "dfa", dfa);
                report(
                    "lines/1-byte, minimal framer with a limit, mean",
                    minimal_ms,
                    "dfa",
                    dfa,
                );
                report("lines/1-byte, dfa out of line, mean", dfa_ms, "dfa", dfa);
            }
            other => {
                eprintln!(
                    "unknown workload {other:?}: lines, echo, echo-cached, one-byte \
                     or one-byte-layouts"
                );
                std::process::exit(2);
            }
        }
    }
}
