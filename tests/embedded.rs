//! The `embedded-io` glue, blocking and async, against mocks that return short reads
//! and writes of every size, `Interrupted`, errors and 0: frames equal the gathered
//! reference at every split (one byte at a time included), nothing written is lost
//! or repeated, and a buffer too small says so.

#![cfg(all(feature = "embedded-io", feature = "embedded-io-async"))]

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use asynchat::embedded_io::{FramedReader, ReadError, WriteError};
use asynchat::{Drained, FixedOutbox, Frame, FrameKind, SimpleProducer, Terminator};
use embedded_io::ErrorKind;
use support::framer_model::{slices, Case, Term, CAP};
use support::frames_model::{capped, change_at, gather, random_case, terms, Fr};
use support::rng::Rng;

/// Runs a future that the mocks below complete without outside wakeups.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// One step of a mock's script.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Read or write at most this many bytes (a write of 0 is `Ok(0)`).
    Take(usize),
    /// Fail with `Interrupted`, to be retried.
    Interrupt,
    /// Fail with another error.
    Fail,
}

/// A reader that hands out `slices` one per read, cut further by its script; then
/// the end of the stream. The async side is pending once before every read.
struct MockReader<'a> {
    slices: Vec<&'a [u8]>,
    script: Vec<Step>,
    at: usize,
    pending: bool,
}

impl<'a> MockReader<'a> {
    fn new(slices: Vec<&'a [u8]>, script: Vec<Step>) -> Self {
        MockReader {
            slices,
            script,
            at: 0,
            pending: false,
        }
    }
}

impl embedded_io::ErrorType for MockReader<'_> {
    type Error = ErrorKind;
}

impl embedded_io::Read for MockReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        assert!(!buf.is_empty(), "a read with no room");
        let step = self.script[self.at % self.script.len()];
        self.at += 1;
        let limit = match step {
            Step::Take(n) => n.max(1),
            Step::Interrupt => return Err(ErrorKind::Interrupted),
            Step::Fail => return Err(ErrorKind::ConnectionReset),
        };
        // Empty slices in the middle stand for nothing: skip them, as a real
        // reader blocks instead of returning 0.
        while self.slices.first().is_some_and(|s| s.is_empty()) && self.slices.len() > 1 {
            self.slices.remove(0);
        }
        let Some(slice) = self.slices.first_mut() else {
            return Ok(0);
        };
        let n = limit.min(buf.len()).min(slice.len());
        buf[..n].copy_from_slice(&slice[..n]);
        *slice = &slice[n..];
        if slice.is_empty() {
            self.slices.remove(0);
        }
        Ok(n)
    }
}

impl ::embedded_io_async::Read for MockReader<'_> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        std::future::poll_fn(|_| {
            self.pending = !self.pending;
            if self.pending {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await;
        embedded_io::Read::read(self, buf)
    }
}

/// The changes the model makes at a frame end, made on a reader.
macro_rules! apply_change {
    ($reader:expr, $case:expr, $ends:expr) => {
        if let Some(change) = change_at($case, $ends) {
            if let Some(next) = change.term.as_ref().and_then(Term::to_terminator) {
                $reader.set_terminator(next);
            }
            if let Some(next) = change.max_frame_len {
                $reader.set_max_frame_len(next);
            }
        }
    };
}

fn run_blocking(case: &Case, lens: &[usize], script: &[Step], buf_len: usize) -> Vec<Fr> {
    let mut buf = vec![0; buf_len];
    let mock = MockReader::new(slices(&case.input, lens), script.to_vec());
    let initial = case.initial.to_terminator().unwrap();
    let mut reader = FramedReader::<_, CAP>::new(mock, initial, &mut buf);
    reader.set_max_frame_len(case.max_frame_len);
    let (mut frames, mut ends) = (Vec::new(), 0);
    loop {
        let frame = match reader.next_frame() {
            Ok(frame) => Fr::from(frame),
            Err(ReadError::Read(ErrorKind::ConnectionReset)) => continue,
            Err(other) => panic!("{other}"),
        };
        let done = matches!(frame, Fr::End(_));
        if matches!(frame, Fr::Whole(_) | Fr::Discarded { .. }) {
            apply_change!(reader, case, ends);
            ends += 1;
        }
        frames.push(frame);
        if done {
            // The end repeats.
            assert!(matches!(reader.next_frame(), Ok(Frame::End(_))));
            return frames;
        }
    }
}

fn run_async(case: &Case, lens: &[usize], script: &[Step], buf_len: usize) -> Vec<Fr> {
    let mut buf = vec![0; buf_len];
    let mock = MockReader::new(slices(&case.input, lens), script.to_vec());
    let initial = case.initial.to_terminator().unwrap();
    let mut reader =
        asynchat::embedded_io_async::FramedReader::<_, CAP>::new(mock, initial, &mut buf);
    reader.set_max_frame_len(case.max_frame_len);
    let (mut frames, mut ends) = (Vec::new(), 0);
    loop {
        let frame = match block_on(reader.next_frame()) {
            Ok(frame) => Fr::from(frame),
            Err(ReadError::Read(ErrorKind::ConnectionReset)) => continue,
            Err(other) => panic!("{other}"),
        };
        let done = matches!(frame, Fr::End(_));
        if matches!(frame, Fr::Whole(_) | Fr::Discarded { .. }) {
            apply_change!(reader, case, ends);
            ends += 1;
        }
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

#[test]
fn frames_equal_the_gathered_reference_at_every_split_blocking_and_async() {
    let mut rng = Rng::new(0xe1bed);
    let terms = terms();
    let scripts = [
        vec![Step::Take(1)],
        vec![Step::Take(usize::MAX)],
        vec![Step::Take(3), Step::Interrupt, Step::Take(2), Step::Fail],
    ];
    for _ in 0..1000 {
        let case = random_case(&mut rng, &terms);
        if case.initial.to_terminator().is_none() {
            continue;
        }
        for buf_len in [CAP + 5, 64] {
            let capacity = Some((buf_len - CAP) as u64);
            let expected = gather(capped(&case, capacity, Some(buf_len as u64)).reference());
            for lens in [vec![1], vec![], vec![rng.below(7), 1 + rng.below(7)]] {
                for script in &scripts {
                    let what = format!("{case:?} {lens:?} {script:?} buffer {buf_len}");
                    assert_eq!(
                        run_blocking(&case, &lens, script, buf_len),
                        expected,
                        "{what}"
                    );
                    assert_eq!(
                        run_async(&case, &lens, script, buf_len),
                        expected,
                        "async {what}"
                    );
                }
            }
        }
    }
}

/// A frame lies in the caller's buffer, and a line too long for it is skipped
/// without being stored, however long it is.
#[test]
fn frames_are_slices_of_the_callers_buffer() {
    let stream: Vec<u8> = [&b"AT\r\n"[..], &[b'x'; 10_000], b"\r\nAT+GMR\r\n"].concat();
    let mut buf = [0u8; 16];
    let range = buf.as_ptr_range();
    let mock = MockReader::new(vec![&stream], vec![Step::Take(7)]);
    let mut reader = FramedReader::<_, 2>::new(mock, Terminator::literal(b"\r\n"), &mut buf);
    assert_eq!(
        reader.framer().max_frame_len(),
        Some(14),
        "the buffer less N"
    );
    match reader.next_frame().unwrap() {
        Frame::Whole(line) => {
            assert_eq!(line, b"AT");
            assert!(range.contains(&line.as_ptr()));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(reader.next_frame(), Ok(Frame::TooLong(_))));
    assert_eq!(
        reader.next_frame().unwrap(),
        Frame::Discarded {
            frame_len: 10_000,
            kind: FrameKind::Delimited
        }
    );
    assert_eq!(reader.next_frame().unwrap(), Frame::Whole(&b"AT+GMR"[..]));
    assert_eq!(reader.next_frame().unwrap(), Frame::End(Ok(())));
}

#[test]
fn a_buffer_no_longer_than_the_terminator_capacity_is_full() {
    let mut buf = [0u8; 4];
    let mock = MockReader::new(vec![b"\r\n.\r"], vec![Step::Take(1)]);
    let mut reader = FramedReader::<_, 8>::new(mock, Terminator::literal(b"\r\n.\r\n"), &mut buf);
    let Err(ReadError::BufferFull(full)) = reader.next_frame() else {
        panic!("no error");
    };
    assert_eq!(full.len, 4);
    assert_eq!(
        full.to_string(),
        "read buffer of 4 bytes is full of one unfinished frame; use a longer buffer or a smaller terminator capacity"
    );
}

/// A writer that takes what its script says, and records it.
struct MockWriter {
    script: Vec<Step>,
    at: usize,
    written: Vec<u8>,
    overreport: bool,
}

impl MockWriter {
    fn new(script: Vec<Step>) -> Self {
        MockWriter {
            script,
            at: 0,
            written: Vec::new(),
            overreport: false,
        }
    }
}

impl embedded_io::ErrorType for MockWriter {
    type Error = ErrorKind;
}

impl embedded_io::Write for MockWriter {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        let step = self.script[self.at % self.script.len()];
        self.at += 1;
        match step {
            Step::Take(n) => {
                let n = n.min(buf.len());
                self.written.extend_from_slice(&buf[..n]);
                Ok(if self.overreport { buf.len() + 1 } else { n })
            }
            Step::Interrupt => Err(ErrorKind::Interrupted),
            Step::Fail => Err(ErrorKind::BrokenPipe),
        }
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

impl ::embedded_io_async::Write for MockWriter {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        embedded_io::Write::write(self, buf)
    }

    async fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

/// Drains an outbox of a reply and a producer with the writer, blocking or async,
/// retrying after errors; returns what was written.
fn drain(script: Vec<Step>, asynchronous: bool) -> Vec<u8> {
    let mut producer = SimpleProducer::new(&b"hello, world"[..], 5);
    let mut outbox = FixedOutbox::<4>::new();
    outbox.push(b"ECHO 12\n").unwrap();
    outbox.push_producer_ref(&mut producer).unwrap();
    outbox.close_when_done();
    let mut writer = MockWriter::new(script);
    loop {
        let result = if asynchronous {
            block_on(asynchat::embedded_io_async::write_outbox(
                &mut writer,
                &mut outbox,
            ))
        } else {
            asynchat::embedded_io::write_outbox(&mut writer, &mut outbox)
        };
        match result {
            Ok(Drained::Close) => return writer.written,
            Ok(Drained::Idle) => panic!("idle with everything queued"),
            Ok(Drained::WouldBlock) => panic!("an embedded drain waits instead"),
            Err(WriteError::Write(ErrorKind::BrokenPipe) | WriteError::WriteZero) => {}
            Err(other) => panic!("{other}"),
        }
    }
}

#[test]
fn writes_of_every_size_lose_and_repeat_nothing() {
    let expected = b"ECHO 12\nhello, world";
    for asynchronous in [false, true] {
        for size in 1..=expected.len() + 1 {
            for script in [
                vec![Step::Take(size)],
                vec![Step::Interrupt, Step::Take(size), Step::Take(0), Step::Fail],
            ] {
                assert_eq!(
                    drain(script.clone(), asynchronous),
                    expected,
                    "{script:?} async {asynchronous}"
                );
            }
        }
    }
}

#[test]
fn write_errors_are_typed_and_keep_the_bytes() {
    let mut outbox = FixedOutbox::<2>::new();
    outbox.push(b"hello").unwrap();
    let mut writer = MockWriter::new(vec![Step::Take(2), Step::Take(0)]);
    assert_eq!(
        asynchat::embedded_io::write_outbox(&mut writer, &mut outbox),
        Err(WriteError::WriteZero)
    );
    assert_eq!(outbox.queued_bytes(), 3);
    let mut writer = MockWriter::new(vec![Step::Take(1)]);
    writer.overreport = true;
    let error = asynchat::embedded_io::write_outbox(&mut writer, &mut outbox).unwrap_err();
    assert!(matches!(error, WriteError::Advance(_)), "{error:?}");
    assert_eq!(
        outbox.queued_bytes(),
        3,
        "an impossible count changes nothing"
    );
    assert_eq!(
        error.to_string(),
        "advanced by 4 bytes, but only 3 were handed out to write"
    );
}

/// A read error comes out (only `Interrupted` is retried), and the next call goes
/// on where the failed one stopped.
#[test]
fn read_errors_come_out_and_the_reader_goes_on() {
    let stream = b"one\r\ntwo\r\n";
    let script = vec![Step::Take(7), Step::Fail, Step::Interrupt, Step::Take(7)];
    let mut buf = [0u8; 16];
    let mock = MockReader::new(vec![&stream[..]], script.clone());
    let mut reader = FramedReader::<_, 2>::new(mock, Terminator::literal(b"\r\n"), &mut buf);
    assert_eq!(reader.next_frame(), Ok(Frame::Whole(&b"one"[..])));
    let error = reader.next_frame().unwrap_err();
    assert_eq!(error, ReadError::Read(ErrorKind::ConnectionReset));
    assert_eq!(error.to_string(), "read failed: ConnectionReset");
    assert_eq!(reader.next_frame(), Ok(Frame::Whole(&b"two"[..])));
    assert_eq!(reader.get_mut().at, 4, "the interrupted read was retried");

    let mut buf = [0u8; 16];
    let mock = MockReader::new(vec![&stream[..]], script);
    let mut reader = asynchat::embedded_io_async::FramedReader::<_, 2>::new(
        mock,
        Terminator::literal(b"\r\n"),
        &mut buf,
    );
    assert_eq!(block_on(reader.next_frame()), Ok(Frame::Whole(&b"one"[..])));
    assert_eq!(
        block_on(reader.next_frame()),
        Err(ReadError::Read(ErrorKind::ConnectionReset))
    );
    assert_eq!(block_on(reader.next_frame()), Ok(Frame::Whole(&b"two"[..])));
    assert_eq!(reader.get_mut().at, 4, "the interrupted read was retried");
}

/// A write error comes out (only `Interrupted` is retried), with the bytes kept.
#[test]
fn write_errors_come_out_interrupted_is_retried() {
    for asynchronous in [false, true] {
        let mut outbox = FixedOutbox::<2>::new();
        outbox.push(b"hello").unwrap();
        outbox.close_when_done();
        let mut writer = MockWriter::new(vec![
            Step::Take(2),
            Step::Fail,
            Step::Interrupt,
            Step::Take(9),
        ]);
        let write = |writer: &mut MockWriter, outbox: &mut FixedOutbox<'_, 2>| {
            if asynchronous {
                block_on(asynchat::embedded_io_async::write_outbox(writer, outbox))
            } else {
                asynchat::embedded_io::write_outbox(writer, outbox)
            }
        };
        assert_eq!(
            write(&mut writer, &mut outbox),
            Err(WriteError::Write(ErrorKind::BrokenPipe))
        );
        assert_eq!(outbox.queued_bytes(), 3);
        assert_eq!(write(&mut writer, &mut outbox), Ok(Drained::Close));
        assert_eq!((&writer.written[..], writer.at), (&b"hello"[..], 4));
    }
}

/// A count limit below the buffer's length refuses a larger count before any of
/// its bytes, blocking and async; the buffer's length is the default limit.
#[test]
fn a_count_above_the_count_limit_is_refused() {
    for asynchronous in [false, true] {
        let stream = b"0123456789abok\r\n";
        let mut buf = [0; 64];
        let reader = MockReader::new(vec![&stream[..]], vec![Step::Take(usize::MAX)]);
        let frames: Vec<Fr> = if asynchronous {
            let mut reader = asynchat::embedded_io_async::FramedReader::<_, 2>::new(
                reader,
                Terminator::Count(12),
                &mut buf,
            );
            reader.set_max_count(Some(8));
            let mut frames = vec![];
            for _ in 0..3 {
                let frame = Fr::from(block_on(reader.next_frame()).unwrap());
                if matches!(frame, Fr::Discarded { .. }) {
                    reader.set_terminator(Terminator::literal(b"\r\n"));
                }
                frames.push(frame);
            }
            frames
        } else {
            let mut reader = FramedReader::<_, 2>::new(reader, Terminator::Count(12), &mut buf);
            reader.set_max_count(Some(8));
            let mut frames = vec![];
            for _ in 0..3 {
                let frame = Fr::from(reader.next_frame().unwrap());
                if matches!(frame, Fr::Discarded { .. }) {
                    reader.set_terminator(Terminator::literal(b"\r\n"));
                }
                frames.push(frame);
            }
            frames
        };
        assert_eq!(
            frames,
            [
                Fr::TooLong {
                    max_frame_len: 8,
                    position: 0,
                    kind: FrameKind::Counted
                },
                Fr::Discarded {
                    frame_len: 12,
                    kind: FrameKind::Counted
                },
                Fr::Whole(b"ok".to_vec()),
            ],
            "async: {asynchronous}"
        );
    }
}
