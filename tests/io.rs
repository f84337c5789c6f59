//! `io::read_some` and `io::write_outbox` at their edges: every error kind, an empty
//! buffer, a writer that takes nothing.
#![cfg(feature = "std")]

use std::io::{self, Read, Write};

use asynchat::io::{read_some, write_outbox, ReadOutcome};
use asynchat::Drained;
use asynchat::VecOutbox;

/// Returns the scripted results in order, then `Ok(0)`.
struct Script(Vec<io::Result<usize>>);

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Ok(0);
        }
        let result = self.0.remove(0);
        if let Ok(n) = result {
            buf[..n].fill(b'r');
        }
        result
    }
}

impl Write for Script {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Ok(buf.len());
        }
        self.0.remove(0).map(|n| n.min(buf.len()))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn err(kind: io::ErrorKind) -> io::Result<usize> {
    Err(io::Error::new(kind, "scripted"))
}

#[test]
fn read_some_outcomes() {
    let mut buf = [0; 8];
    let mut script = Script(vec![
        err(io::ErrorKind::Interrupted),
        Ok(3),
        err(io::ErrorKind::WouldBlock),
        err(io::ErrorKind::ConnectionReset),
    ]);
    assert_eq!(
        read_some(&mut script, &mut buf).unwrap(),
        ReadOutcome::Read(3)
    );
    assert_eq!(
        read_some(&mut script, &mut buf).unwrap(),
        ReadOutcome::WouldBlock
    );
    let error = read_some(&mut script, &mut buf).unwrap_err();
    assert_eq!(
        error.kind(),
        io::ErrorKind::ConnectionReset,
        "not turned into WouldBlock"
    );
    assert_eq!(read_some(&mut script, &mut buf).unwrap(), ReadOutcome::Eof);
    // An empty buffer reads nothing; that is not the end of the stream.
    assert_eq!(
        read_some(&mut script, &mut []).unwrap(),
        ReadOutcome::Read(0)
    );
}

#[test]
fn write_outbox_outcomes() {
    let mut outbox = VecOutbox::new();
    outbox.push(&b"hello"[..]).unwrap();
    let mut script = Script(vec![
        err(io::ErrorKind::Interrupted),
        Ok(2),
        err(io::ErrorKind::WouldBlock),
    ]);
    assert_eq!(
        write_outbox(&mut script, &mut outbox).unwrap(),
        Drained::WouldBlock
    );
    assert_eq!(outbox.queued_bytes(), 3);
    let mut script = Script(vec![Ok(0)]);
    let error = write_outbox(&mut script, &mut outbox).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::WriteZero);
    let mut script = Script(vec![err(io::ErrorKind::BrokenPipe)]);
    assert_eq!(
        write_outbox(&mut script, &mut outbox).unwrap_err().kind(),
        io::ErrorKind::BrokenPipe
    );
    assert_eq!(outbox.queued_bytes(), 3, "nothing lost");
    let mut sink = Vec::new();
    assert_eq!(write_outbox(&mut sink, &mut outbox).unwrap(), Drained::Idle);
    outbox.close_when_done();
    assert_eq!(
        write_outbox(&mut sink, &mut outbox).unwrap(),
        Drained::Close
    );
    assert_eq!(sink, b"llo");
}

/// A writer that takes everything and records how many slices each call carried.
#[derive(Default)]
struct SliceCounter {
    calls: Vec<usize>,
    written: Vec<u8>,
}

impl Write for SliceCounter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[io::IoSlice::new(buf)])
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.calls.push(bufs.len());
        for buf in bufs {
            self.written.extend_from_slice(buf);
        }
        Ok(bufs.iter().map(|b| b.len()).sum())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A 200-key reply goes out in one vectored write by default, and in as many as
/// the slice count set asks for.
#[test]
fn the_slice_count_of_a_vectored_write_is_settable() {
    for (max, calls) in [
        (None, vec![200]),
        (Some(64), vec![64, 64, 64, 8]),
        (Some(1), vec![1; 200]),
        (Some(0), vec![1; 200]),
    ] {
        let mut outbox = VecOutbox::new();
        if let Some(max) = max {
            outbox.set_max_write_slices(max);
        }
        for key in 0..200 {
            outbox.push(format!("VALUE k{key:03}\r\n")).unwrap();
        }
        let mut writer = SliceCounter::default();
        assert_eq!(
            write_outbox(&mut writer, &mut outbox).unwrap(),
            Drained::Idle
        );
        assert_eq!(writer.calls, calls, "max {max:?}");
        let expected: String = (0..200).map(|key| format!("VALUE k{key:03}\r\n")).collect();
        assert_eq!(writer.written, expected.as_bytes());
    }
    assert_eq!(
        VecOutbox::new().max_write_slices(),
        asynchat::DEFAULT_MAX_WRITE_SLICES
    );
}
