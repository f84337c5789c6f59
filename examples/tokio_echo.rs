//! The echo server on tokio: one task per connection on the multi-threaded runtime,
//! frames from [`FrameCodec`] through `FramedRead`, replies through an [`Outbox`].
//!
//! The protocol is the mio echo server's (`examples/echo_server_mio.rs`): any number
//! of `ECHO <len>\n<len bytes>` requests, each echoed back; `QUIT\n` closes when the
//! replies are sent; a line over [`MAX_LINE_LEN`] bytes gets `ERROR line too long`,
//! an `ECHO` length over [`MAX_ECHO_LEN`] or not a number `ERROR bad length`, any
//! other line `ERROR unknown command`, and the connection goes on. Echoed messages
//! go back as the very bytes split off the read buffer: no copy on the way through.
//! A connection idle for [`IDLE`] is closed.
//!
//! usage: `cargo run --example tokio_echo --features tokio-example -- [PORT]` (port 0, the
//! default, picks a free port; it prints `listening on <address>`).
//!
//! [`Outbox`]: asynchat::Outbox

use std::io;
use std::time::Duration;

use asynchat::tokio::{
    close_gracefully, drain_if_paused, write_outbox, FrameCodec, DEFAULT_LINGER,
};
use asynchat::{Frame, Terminator, VecOutbox};
use futures_util::{FutureExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;

/// The longest command line, in bytes.
pub const MAX_LINE_LEN: u64 = 1024;
/// The longest message an `ECHO` may announce: 1 MiB.
pub const MAX_ECHO_LEN: u64 = 1 << 20;
/// How long a connection may send nothing while it owes no reply.
pub const IDLE: Duration = Duration::from_secs(30);

/// Accepts connections forever, each served by its own task. An `accept` that fails
/// does not end it: a connection reset before its turn is skipped, and when the
/// process is out of files or memory the rest waits in the backlog while open
/// connections finish (it tries again every 100 ms).
pub async fn serve(listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) if is_lost_before_accept(&e) => continue,
            Err(_) => {
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        tokio::spawn(async move {
            // A peer that resets or truncates its last request ends its own
            // connection; the server goes on.
            let _ = echo(stream).await;
        });
    }
}

/// Whether an `accept` error concerns only the connection being accepted (it was
/// reset before its turn, or a signal interrupted the call): accept the next one.
/// Any other error (out of files or memory) is the process's.
fn is_lost_before_accept(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// How long `serve` waits before it accepts again after running out of files.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Reads lines again.
fn read_lines(codec: &mut FrameCodec) {
    codec.set_terminator(Terminator::literal(b"\n"));
}

/// Serves one connection until `QUIT`, the end of its stream, or [`IDLE`], then
/// closes it without losing a reply: every request read is answered, even when the
/// peer half-closes or stops inside the next one.
///
/// # Errors
///
/// I/O errors.
pub async fn echo(stream: TcpStream) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut frames = FramedRead::new(reader, FrameCodec::new(Terminator::literal(b"\n")));
    // Lines only: an `ECHO` body is a count, which bounds itself.
    frames.decoder_mut().set_max_frame_len(Some(MAX_LINE_LEN));
    let mut outbox = VecOutbox::new();
    let mut in_message = false;
    loop {
        let frame = match frames.next().now_or_never() {
            Some(frame) => frame,
            None => {
                // Nothing more buffered: send the replies, then wait for the peer.
                write_outbox(&mut writer, &mut outbox).await?;
                match tokio::time::timeout(IDLE, frames.next()).await {
                    Ok(frame) => frame,
                    Err(_idle) => break,
                }
            }
        };
        let Some(frame) = frame else { break };
        match frame? {
            Frame::Whole(message) if in_message => {
                // Not closing: nothing refuses the push.
                let _ = outbox.push(message);
                in_message = false;
                read_lines(frames.decoder_mut());
            }
            Frame::Whole(line) if line == "QUIT" => break,
            Frame::Whole(line) => match line.strip_prefix(b"ECHO ") {
                None => {
                    let _ = outbox.push(&b"ERROR unknown command\n"[..]);
                }
                Some(len) => match std::str::from_utf8(len)
                    .ok()
                    .and_then(|len| len.parse().ok())
                {
                    Some(len) if len <= MAX_ECHO_LEN => {
                        in_message = true;
                        frames.decoder_mut().set_terminator(Terminator::Count(len));
                    }
                    _ => {
                        let _ = outbox.push(&b"ERROR bad length\n"[..]);
                    }
                },
            },
            Frame::TooLong(_) => {}
            Frame::Discarded { .. } => {
                let _ = outbox.push(&b"ERROR line too long\n"[..]);
                read_lines(frames.decoder_mut());
            }
            // The peer closed, perhaps inside a request: what it sent before is
            // answered all the same.
            Frame::End(_) => break,
            // Only length-prefixed frames are malformed; this protocol sets none.
            Frame::Malformed(_) => break,
        }
        // A peer that pipelines requests without reading the replies waits here.
        drain_if_paused(&mut writer, &mut outbox).await?;
    }
    close_gracefully(frames.get_mut(), &mut writer, &mut outbox, DEFAULT_LINGER).await
}

#[allow(dead_code)] // Unused when a test includes this file as a module.
fn main() {
    let port = match std::env::args().nth(1).map(|port| port.parse::<u16>()) {
        None => 0,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("usage: tokio_echo [PORT]");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        println!("listening on {}", listener.local_addr()?);
        serve(listener).await;
        Ok::<(), io::Error>(())
    });
    if let Err(error) = result {
        eprintln!("tokio_echo: {error}");
        std::process::exit(1);
    }
}
