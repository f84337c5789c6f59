//! One workload, run once, for counting its instructions under callgrind:
//! `python3 icount.py` runs `valgrind --tool=callgrind --toggle-collect=*measure*`
//! on `icount WORKLOAD` for every workload and compares the instructions per byte
//! with `icount-baseline.txt`. Only `measure` and what it calls is counted: making
//! the input is not. Prints the workload's bytes and its result.

mod workloads;

use std::hint::black_box;

use asynchat::Terminator;
use workloads::*;

const MIB: usize = 1 << 20;

/// The counted part: callgrind collects from this function's entry to its exit.
#[inline(never)]
fn measure(run: &dyn Fn() -> usize) -> usize {
    run()
}

/// The read size a workload's name asks for: `-4096`, `-1-byte`, or the whole input.
fn slice_len(name: &str, whole: usize) -> usize {
    if name.ends_with("-4096") {
        4096
    } else if name.ends_with("-1-byte") {
        1
    } else {
        whole
    }
}

/// The lines fed one byte at a time: the first 256 KiB of the lines workload (one
/// byte at a time is slow under callgrind), and the lines in it.
fn one_byte_lines() -> (Vec<u8>, usize) {
    let (mut data, _) = lines(4 * MIB, 1, 128);
    data.truncate(256 * 1024);
    let count = memchr::memchr_iter(b'\n', &data).count();
    (data, count)
}

/// Each workload: its name, its input's size in bytes, and the run, which returns
/// what it found; `main` checks that against the expected count.
fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let crlf = Terminator::literal(b"\r\n");
    let (bytes, found, expected) = match name.as_str() {
        "lines-whole" | "lines-4096" | "frame-reader-whole" | "lines-1-byte" => {
            let (data, count) = if name == "lines-1-byte" {
                one_byte_lines()
            } else {
                lines(4 * MIB, 1, 128)
            };
            let slice = slice_len(&name, data.len());
            let data = black_box(data);
            let found = if name == "frame-reader-whole" {
                measure(&|| whole_frames(crlf, &data, slice).0)
            } else {
                measure(&|| frame(crlf, &data, slice).0)
            };
            (data.len(), found, count)
        }
        "smtp-whole" | "smtp-4096" => {
            let (data, count) = smtp(4 * MIB);
            let slice = slice_len(&name, data.len());
            let end = Terminator::literal(b"\r\n.\r\n");
            let found = measure(&|| frame(end, &data, slice).0);
            (data.len(), found, count)
        }
        "echo-whole" | "echo-4096" => {
            let (data, count) = echo(4 * MIB);
            let slice = slice_len(&name, data.len());
            let found = measure(&|| frame_echo(&data, slice));
            (data.len(), found, count)
        }
        "outbox-chunk" | "outbox-vectored" => {
            let (buffers, total) = buffers(20_000);
            let found = if name == "outbox-chunk" {
                measure(&|| outbox_chunks(&buffers, total))
            } else {
                vectored(&buffers, total)
            };
            (total, found, total)
        }
        // The peers, for instruction ratios by hand; not in the guard.
        "peer-memchr-crlf-whole" | "peer-memchr-crlf-4096" => {
            let (data, count) = lines(4 * MIB, 1, 128);
            let slice = slice_len(&name, data.len());
            let found = measure(&|| memchr_crlf(&data, slice));
            (data.len(), found, count)
        }
        "peer-dfa-1-byte" => {
            let (data, count) = one_byte_lines();
            let found = measure(&|| dfa_crlf(&data, 1));
            (data.len(), found, count)
        }
        "peer-minimal-1-byte" | "peer-minimal-limited-1-byte" => {
            let (data, count) = one_byte_lines();
            let found = if name == "peer-minimal-1-byte" {
                measure(&|| minimal_crlf::<false>(&data, 1))
            } else {
                measure(&|| minimal_crlf::<true>(&data, 1))
            };
            (data.len(), found, count)
        }
        "peer-parse-skip-whole" | "peer-parse-skip-4096" => {
            let (data, count) = echo(4 * MIB);
            let slice = slice_len(&name, data.len());
            let found = measure(&|| parse_skip_echo(&data, slice));
            (data.len(), found, count)
        }
        "peer-memmem-smtp-whole" => {
            let (data, count) = smtp(4 * MIB);
            let found = measure(&|| memchr::memmem::find_iter(&data, b"\r\n.\r\n").count());
            (data.len(), found, count)
        }
        _ => {
            eprintln!("usage: icount WORKLOAD (see icount.py for the list)");
            std::process::exit(2);
        }
    };
    assert_eq!(found, expected, "{name}: wrong result");
    println!("{bytes}");
}

/// The vectored drain's instruction count: it writes to a `std::io::Write`.
#[cfg(feature = "std")]
fn vectored(buffers: &[Vec<u8>], total: usize) -> usize {
    measure(&|| outbox_vectored(buffers, total))
}

#[cfg(not(feature = "std"))]
fn vectored(_buffers: &[Vec<u8>], _total: usize) -> usize {
    panic!("outbox-vectored needs the library's std feature")
}
