//! The tokio glue: `FrameCodec` against the gathered reference at every split, frames
//! split off the read buffer without a copy, bounded memory against a peer that never
//! sends the terminator, `write_outbox` under short writes of every size and
//! `Pending`, and `examples/tokio_echo.rs` over real TCP with many concurrent
//! clients on the multi-threaded runtime.

#[allow(dead_code)]
#[path = "../examples/tokio_echo.rs"]
mod tokio_echo;

mod support;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use asynchat::tokio::{write_outbox, FrameCodec};
use asynchat::{Drained, Frame, FrameKind, Terminator, VecOutbox};
use bytes::BytesMut;
use support::framer_model::{slices, Case, Term, CAP};
use support::frames_model::{change_at, gather, random_case, terms, Fr};
use support::rng::Rng;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Feeds the case to a codec slice by slice, as `FramedRead` would, and gathers what
/// it yields.
fn run(case: &Case, lens: &[usize]) -> Vec<Fr> {
    let mut codec = FrameCodec::<CAP>::with_terminator(case.initial.to_terminator().unwrap());
    codec.set_max_frame_len(case.max_frame_len);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut ends = 0;
    let slices = slices(&case.input, lens);
    let last = slices.len() - 1;
    for (i, slice) in slices.into_iter().enumerate() {
        buf.extend_from_slice(slice);
        loop {
            let decoded = if i == last {
                codec.decode_eof(&mut buf)
            } else {
                codec.decode(&mut buf)
            };
            let Some(frame) = decoded.expect("decoding never fails") else {
                break;
            };
            let frame_end = matches!(frame, Frame::Whole(_) | Frame::Discarded { .. });
            frames.push(Fr::from(frame));
            if frame_end {
                if let Some(change) = change_at(case, ends) {
                    if let Some(next) = change.term.as_ref().and_then(Term::to_terminator) {
                        codec.set_terminator(next);
                    }
                    if let Some(next) = change.max_frame_len {
                        codec.set_max_frame_len(next);
                    }
                }
                ends += 1;
            }
        }
    }
    frames
}

#[test]
fn codec_frames_equal_the_gathered_reference_at_every_split() {
    let mut rng = Rng::new(0x70c10);
    let terms = terms();
    for _ in 0..2000 {
        let case = random_case(&mut rng, &terms);
        if case.initial.to_terminator().is_none() {
            continue;
        }
        let expected = gather(case.reference());
        for lens in [vec![1], vec![], vec![rng.below(7), 1 + rng.below(7)]] {
            assert_eq!(run(&case, &lens), expected, "{case:?} {lens:?}");
        }
    }
}

#[test]
fn every_two_piece_split_of_a_switching_stream() {
    // RESP-style: a header line, a counted body, an oversized line, a line.
    let stream = b"$5\r\nhello\r\n$0\r\n\r\nthis line is far too long\r\nok\r\n";
    let expected = [
        Fr::Whole(b"$5".to_vec()),
        Fr::Whole(b"hello\r\n".to_vec()),
        Fr::Whole(b"$0".to_vec()),
        Fr::Whole(b"\r\n".to_vec()),
        Fr::TooLong {
            max_frame_len: 8,
            position: 17 + 8,
            kind: FrameKind::Delimited,
        },
        Fr::Discarded {
            frame_len: 25,
            kind: FrameKind::Delimited,
        },
        Fr::Whole(b"ok".to_vec()),
        Fr::End(Ok(())),
    ];
    for split in 0..=stream.len() {
        let mut codec = FrameCodec::new(Terminator::literal(b"\r\n"));
        codec.set_max_frame_len(Some(8));
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for (i, piece) in [&stream[..split], &stream[split..], b""].iter().enumerate() {
            buf.extend_from_slice(piece);
            loop {
                let decoded = if i == 2 {
                    codec.decode_eof(&mut buf).unwrap()
                } else {
                    codec.decode(&mut buf).unwrap()
                };
                let Some(frame) = decoded else {
                    break;
                };
                match frame {
                    Frame::Whole(data) => {
                        match data.strip_prefix(b"$") {
                            Some(len) => {
                                let len: u64 = std::str::from_utf8(len).unwrap().parse().unwrap();
                                codec.set_terminator(Terminator::Count(len + 2));
                            }
                            None => codec.set_terminator(Terminator::literal(b"\r\n")),
                        }
                        frames.push(Fr::Whole(data.to_vec()));
                    }
                    other => frames.push(Fr::from(other)),
                }
            }
        }
        assert_eq!(frames, expected, "split at {split}");
    }
}

#[test]
fn frames_are_split_off_the_read_buffer_not_copied() {
    let mut codec = FrameCodec::new(Terminator::literal(b"\n"));
    let mut buf = BytesMut::from(&b"one\ntwo\nthr"[..]);
    let range = buf.as_ptr_range();
    for expected in [&b"one"[..], b"two"] {
        match codec.decode(&mut buf).unwrap() {
            Some(Frame::Whole(line)) => {
                assert_eq!(&line[..], expected);
                assert!(range.contains(&line.as_ptr()), "split off, not copied");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
    assert_eq!(
        &buf[..],
        b"thr",
        "the frame in progress stays in the buffer"
    );
    let mut encoded = BytesMut::new();
    codec.encode(&b"reply\n"[..], &mut encoded).unwrap();
    codec.encode("more\n", &mut encoded).unwrap();
    assert_eq!(&encoded[..], b"reply\nmore\n");
}

/// A peer that never sends the terminator: the buffer holds at most the limit and
/// one read, however much arrives, and the stream stays in sync after it.
#[test]
fn a_line_that_never_ends_costs_bounded_memory() {
    let mut codec = FrameCodec::new(Terminator::literal(b"\r\n"));
    assert_eq!(
        codec.framer().max_frame_len(),
        Some(65536),
        "limited by default"
    );
    codec.set_max_frame_len(Some(1000));
    let mut buf = BytesMut::new();
    let read = [b'x'; 4096];
    let mut reports = 0;
    for _ in 0..25_000 {
        // 100 MB in all
        buf.extend_from_slice(&read);
        while let Some(frame) = codec.decode(&mut buf).unwrap() {
            assert!(matches!(frame, Frame::TooLong(_)));
            reports += 1;
        }
        assert!(buf.len() <= 1000 + 4096, "buffer grew to {}", buf.len());
    }
    assert_eq!(reports, 1);
    buf.extend_from_slice(b"\r\nQUIT\r\n");
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Frame::Discarded {
            frame_len: 102_400_000,
            kind: FrameKind::Delimited,
        })
    );
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Frame::Whole(BytesMut::from(&b"QUIT"[..])))
    );
}

/// The end of the stream is a frame, never an error: what completes comes first,
/// then `End`, then `None`, which ends `FramedRead`'s stream.
#[test]
fn the_end_is_a_frame_whole_or_truncated() {
    let mut codec = FrameCodec::new(Terminator::literal(b"\n"));
    let mut buf = BytesMut::from(&b"ECHO 5\nhelloECHO 3\nab"[..]);
    let mut frames = Vec::new();
    while let Some(frame) = codec.decode(&mut buf).unwrap() {
        let next = match &frame {
            Frame::Whole(line) if line.starts_with(b"ECHO 5") => Terminator::Count(5),
            _ => Terminator::literal(b"\n"),
        };
        frames.push(Fr::from(frame));
        codec.set_terminator(next);
    }
    while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
        frames.push(Fr::from(frame));
    }
    assert_eq!(
        frames,
        [
            Fr::Whole(b"ECHO 5".to_vec()),
            Fr::Whole(b"hello".to_vec()),
            Fr::Whole(b"ECHO 3".to_vec()),
            Fr::End(Err((2, None, 21))),
        ]
    );
    assert!(buf.is_empty());
    // `FramedRead` asks again after `None` when more bytes arrive: a new stream.
    buf.extend_from_slice(b"x\n");
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Frame::Whole(BytesMut::from(&b"x"[..])))
    );
    assert_eq!(
        codec.decode_eof(&mut buf).unwrap(),
        Some(Frame::End(Ok(())))
    );
    assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
    // A caller that goes on right after `End`, without asking for the `None`,
    // still gets the new stream's own end.
    buf.extend_from_slice(b"z\n");
    assert!(codec.decode(&mut buf).unwrap().is_some());
    assert_eq!(
        codec.decode_eof(&mut buf).unwrap(),
        Some(Frame::End(Ok(())))
    );
    buf.extend_from_slice(b"w\n");
    assert!(codec.decode(&mut buf).unwrap().is_some());
    assert_eq!(
        codec.decode_eof(&mut buf).unwrap(),
        Some(Frame::End(Ok(())))
    );
    assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
}

/// A writer that follows a script: at most `n` bytes per write, `Pending` (woken at
/// once) or `Ok(0)`.
struct Scripted {
    script: Vec<Step>,
    at: usize,
    written: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Take(usize),
    Pending,
}

impl AsyncWrite for Scripted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let step = self.script[self.at % self.script.len()];
        self.at += 1;
        match step {
            Step::Pending => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Step::Take(n) => {
                let n = n.min(buf.len());
                self.written.extend_from_slice(&buf[..n]);
                Poll::Ready(Ok(n))
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn write_outbox_survives_short_writes_of_every_size_and_pending() {
    let pieces: [&[u8]; 4] = [b"ECHO 5\n", b"hello", b"", b"ERROR bad length\n"];
    let expected: Vec<u8> = pieces.concat();
    runtime().block_on(async {
        for size in 1..=expected.len() + 1 {
            for script in [
                vec![Step::Take(size)],
                vec![Step::Pending, Step::Take(size)],
            ] {
                let mut writer = Scripted {
                    script,
                    at: 0,
                    written: Vec::new(),
                };
                let mut outbox = VecOutbox::new();
                for piece in pieces {
                    outbox.push(piece).unwrap();
                }
                outbox.push(BytesMut::from(&b"!"[..])).unwrap();
                assert_eq!(
                    write_outbox(&mut writer, &mut outbox).await.unwrap(),
                    Drained::Idle
                );
                outbox.close_when_done();
                assert_eq!(
                    write_outbox(&mut writer, &mut outbox).await.unwrap(),
                    Drained::Close
                );
                assert_eq!(
                    writer.written,
                    [&expected[..], b"!"].concat(),
                    "size {size}"
                );
            }
        }
        // A writer that takes nothing: an error, and nothing is lost.
        let mut writer = Scripted {
            script: vec![Step::Take(3), Step::Take(0)],
            at: 0,
            written: Vec::new(),
        };
        let mut outbox = VecOutbox::new();
        outbox.push(&b"hello"[..]).unwrap();
        let error = write_outbox(&mut writer, &mut outbox).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WriteZero);
        assert_eq!(
            (&writer.written[..], outbox.queued_bytes()),
            (&b"hel"[..], 2)
        );
    });
}

/// The example over real TCP: many clients at once on the multi-threaded runtime,
/// each sending requests in random pieces, errors among them; every byte checked.
#[test]
fn tokio_echo_serves_many_concurrent_clients() {
    const CLIENTS: u64 = 200;
    const ECHOES: usize = 10;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(tokio_echo::serve(listener));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| {
                tokio::spawn(async move {
                    let mut rng = Rng::new(id + 1);
                    let mut request = Vec::new();
                    let mut expected = Vec::new();
                    for echo in 0..ECHOES {
                        let len = rng.below(if echo == 0 { 100_000 } else { 3000 });
                        let message: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
                        request.extend_from_slice(format!("ECHO {len}\n").as_bytes());
                        request.extend_from_slice(&message);
                        expected.extend_from_slice(&message);
                        if rng.below(4) == 0 {
                            request.extend_from_slice(b"ECHO lots\n");
                            expected.extend_from_slice(b"ERROR bad length\n");
                        }
                    }
                    request.extend_from_slice(&vec![b'x'; 2000]);
                    request.extend_from_slice(b"\nQUIT\n");
                    expected.extend_from_slice(b"ERROR line too long\n");
                    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                    let (mut reader, mut writer) = stream.into_split();
                    let reply = tokio::spawn(async move {
                        let mut reply = Vec::new();
                        reader.read_to_end(&mut reply).await.unwrap();
                        reply
                    });
                    let mut rest = &request[..];
                    while !rest.is_empty() {
                        let n = (1 + rng.below(5000)).min(rest.len());
                        writer.write_all(&rest[..n]).await.unwrap();
                        rest = &rest[n..];
                    }
                    let reply = reply.await.unwrap();
                    assert!(reply == expected, "client {id}: reply differs");
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
    });
}

/// The example as its own process with `ulimit -n 32` and more clients than that:
/// `accept` fails with "too many open files" while they are connected, and the
/// server goes on, serving the rest from the backlog as the first ones close.
#[cfg(target_os = "linux")]
#[test]
fn tokio_echo_serves_clients_beyond_its_file_limit() {
    let server = support::example_server::Server::start_with(
        "tokio_echo",
        &[],
        &["tokio-example"],
        Some(32),
    );
    support::example_server::echo_clients_in_order(&server, 60);
}

/// A caller that empties the read buffer between calls (not what `FramedRead`
/// does) gets no panic.
#[test]
fn a_buffer_shrunk_between_calls_does_not_panic() {
    let mut codec = FrameCodec::new(Terminator::literal(b"\r\n"));
    let mut buf = BytesMut::from(&b"abc\r"[..]);
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
    buf.clear();
    buf.extend_from_slice(b"\n");
    // The held-back `\r` now ends a frame that began in the bytes thrown away.
    codec.set_terminator(Terminator::literal(b"\r"));
    assert!(matches!(codec.decode(&mut buf), Ok(Some(Frame::Whole(_)))));
    let _ = codec.decode_eof(&mut buf);
}

/// Starts `tokio_echo::serve` on a runtime of its own; returns the runtime (which
/// stops the server when dropped) and the address.
fn tokio_echo_server() -> (tokio::runtime::Runtime, std::net::SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(tokio_echo::serve(listener));
    (runtime, addr)
}

/// Sends `request` (then half-closes) from a thread while reading the whole reply,
/// so that neither side's buffers can block the other.
fn exchange(addr: std::net::SocketAddr, request: Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        let sent = writer.write_all(&request).is_ok();
        let _ = writer.shutdown(std::net::Shutdown::Write);
        sent
    });
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert!(sending.join().unwrap(), "the server stopped reading");
    reply
}

/// A complete request, a truncated one, then the peer's half-close: the complete
/// one is answered every time, because the end of the stream is a frame and the
/// loop writes what it queued before it closes.
#[test]
fn a_truncated_request_and_a_half_close_lose_no_reply() {
    let (_runtime, addr) = tokio_echo_server();
    for attempt in 0..300 {
        let reply = exchange(addr, b"ECHO 5\nhelloECHO 3\nab".to_vec());
        assert_eq!(reply, b"hello", "attempt {attempt}");
    }
}

/// A 1 MiB reply, `QUIT`, then 4 MiB the server never reads: the reply arrives
/// whole, because the close lingers instead of resetting the connection.
#[test]
fn a_reply_arrives_whole_despite_unread_input_after_quit() {
    let (_runtime, addr) = tokio_echo_server();
    for _ in 0..5 {
        let message: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let mut request = format!("ECHO {}\n", message.len()).into_bytes();
        request.extend_from_slice(&message);
        request.extend_from_slice(b"QUIT\n");
        request.extend(std::iter::repeat_n(b'!', 4 << 20));
        let reply = exchange(addr, request);
        assert_eq!(reply.len(), message.len());
        assert!(reply == message);
    }
}

/// `drain_if_paused` writes only while the outbox is above its high watermark, and
/// stops once it is down to the low one, under writes of every size and `Pending`.
#[test]
fn drain_if_paused_writes_down_to_the_low_watermark() {
    use asynchat::tokio::drain_if_paused;
    runtime().block_on(async {
        for size in [1, 7, 100, 999, 1000, 1001, 10_000] {
            for script in [
                vec![Step::Take(size)],
                vec![Step::Pending, Step::Take(size)],
            ] {
                let mut writer = Scripted {
                    script,
                    at: 0,
                    written: Vec::new(),
                };
                let mut outbox = VecOutbox::new();
                outbox.set_watermarks(1000, 4000);
                outbox.push(vec![b'a'; 3000]).unwrap();
                drain_if_paused(&mut writer, &mut outbox).await.unwrap();
                assert!(
                    writer.written.is_empty(),
                    "below the high watermark: no write"
                );
                outbox.push(vec![b'b'; 2000]).unwrap();
                assert!(outbox.should_pause_reading());
                drain_if_paused(&mut writer, &mut outbox).await.unwrap();
                assert!(!outbox.should_pause_reading(), "size {size}");
                assert!(outbox.queued_bytes() <= 1000, "size {size}");
                assert!(
                    outbox.queued_bytes() + size > 1000,
                    "size {size}: wrote past the low watermark"
                );
                assert_eq!(writer.written.len() + outbox.queued_bytes(), 5000);
            }
        }
    });
}

/// A count above the codec's count limit is refused before any of its bytes, and
/// the frame after it is read as usual; the default limit is `DEFAULT_MAX_COUNT`.
#[test]
fn a_count_above_the_codecs_count_limit_is_refused() {
    let mut codec = FrameCodec::new(Terminator::Count(1 << 30));
    let mut buf = BytesMut::from(&b"x"[..]);
    assert!(matches!(
        codec.decode(&mut buf).unwrap(),
        Some(Frame::TooLong(t)) if t.max_frame_len == asynchat::channel::DEFAULT_MAX_COUNT
    ));
    let mut codec = FrameCodec::new(Terminator::Count(12));
    codec.set_max_count(Some(8));
    let mut buf = BytesMut::from(&b"0123456789abok\n"[..]);
    let mut frames = Vec::new();
    while let Some(frame) = codec.decode(&mut buf).unwrap() {
        if matches!(frame, Frame::Discarded { .. }) {
            codec.set_terminator(Terminator::literal(b"\n"));
        }
        frames.push(Fr::from(frame));
    }
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
        ]
    );
}
