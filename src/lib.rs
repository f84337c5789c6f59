//! Sans-IO message framing for chat-style protocols: Python's `asynchat`,
//! re-imagined as a `no_std`, zero-copy state machine.
//!
//! Chat-style protocols (SMTP, NNTP, FTP, Redis-like, the classic `ECHO <len>\n`
//! demo) read until a terminator, switch to reading a number of bytes, reply, and
//! close when done. This crate does the framing and the output queueing for them,
//! without doing any I/O itself:
//!
//! - [`Framer`] consumes byte slices and yields [`Event::Data`] (borrowed, never
//!   copied where it can be avoided) and [`Event::Terminator`]. The [`Terminator`]
//!   is a byte string, several of them ([`Terminator::lines`] for `\n` with an
//!   optional `\r`), a byte count, a length header ([`LengthPrefix`]: fixed-width
//!   fields, protobuf varints, netstrings, or a decoder of your own) or none, and
//!   may change after any event; so may the optional maximum frame length, past
//!   which a frame is reported ([`Event::TooLong`]) and skipped to its end
//!   ([`Event::Discarded`]); a count is its own bound, a length header is checked
//!   before its body. The end of the stream is an input too: what remains comes
//!   out, then [`Event::End`].
//! - [`FrameReader`] and the adapters hand out whole frames ([`Frame`]), and refuse
//!   a count larger than they buffer where it is set.
//! - [`Outbox`] queues buffers (borrowed or owned, never copied) and lazy
//!   [`Producer`]s, hands out chunks to write, takes back how much was written, and
//!   says when to close. [`Reply`] is what protocol code pushes replies to, an
//!   outbox or a channel's context alike.
//! - With `std`, `io` moves bytes between these and `std::io` streams, and
//!   `Channel` drives a `Handler` (asynchat's `collect_incoming_data` and
//!   `found_terminator`) over a stream, blocking or from your event loop. With
//!   `mio`, `server` is that event loop (asyncore's `loop()`), with a connection
//!   cap that slow peers cannot hold shut.
//!
//! # Example
//!
//! The run loop, on the echo protocol of PyMOTW's asynchat page: a line
//! `ECHO <len>\n` switches the terminator to a count of `<len>` bytes, in the middle
//! of one received slice.
//!
//! ```
//! use asynchat::{Event, Framer, Terminator};
//!
//! /// After `ECHO <len>`, read `<len>` bytes; after anything else, a line.
//! fn next_terminator(message: &[u8]) -> Terminator {
//!     let len = message.strip_prefix(b"ECHO ").and_then(|len| std::str::from_utf8(len).ok()?.parse().ok());
//!     match len {
//!         Some(len) => Terminator::Count(len),
//!         None => Terminator::literal(b"\n"),
//!     }
//! }
//!
//! let received: &[u8] = b"ECHO 5\nhello";
//! let mut framer = Framer::new(Terminator::literal(b"\n"));
//! let mut message = Vec::new();
//!
//! let mut input: &[u8] = received;
//! while let Some(event) = framer.next_event(&mut input) {
//!     match event {
//!         Event::Data(bytes) => message.extend_from_slice(bytes),
//!         Event::Terminator => framer.set_terminator(next_terminator(&message)),
//!         // Only with a maximum frame length, at the end of the stream, or with a
//!         // length prefix.
//!         Event::TooLong(_) | Event::Discarded { .. } | Event::End(_) | Event::Malformed(_) => {
//!             unreachable!()
//!         }
//!     }
//! }
//! assert_eq!(message, b"ECHO 5hello");
//! // The count fired, and `next_terminator` went back to lines.
//! assert_eq!(framer.terminator(), &Terminator::literal(b"\n"));
//! ```
//!
//! Slices may be cut anywhere: a terminator split across two reads is held back and
//! completed by the next one, and the events are the same once adjacent data is
//! joined.
//!
//! ```
//! use asynchat::{Event, Framer, Terminator};
//!
//! let mut framer = Framer::new(Terminator::literal(b"\r\n"));
//! framer.set_max_frame_len(Some(512));
//! let (mut lines, mut line) = (Vec::new(), Vec::new());
//! for received in [&b"HELO example.org\r"[..], b"\nQUIT\r\n", b""] {
//!     if received.is_empty() {
//!         framer.end_of_stream(); // the peer closed
//!     }
//!     let mut input = received;
//!     while let Some(event) = framer.next_event(&mut input) {
//!         match event {
//!             Event::Data(bytes) => line.extend_from_slice(bytes),
//!             Event::Terminator => lines.push(std::mem::take(&mut line)),
//!             Event::TooLong(_) => line.clear(),
//!             Event::Discarded { .. } => lines.push(b"500 line too long".to_vec()),
//!             Event::End(end) => assert!(end.is_ok(), "the peer hung up mid-line"),
//!             Event::Malformed(_) => unreachable!("only length prefixes are malformed"),
//!         }
//!     }
//! }
//! assert_eq!(lines, [&b"HELO example.org"[..], b"QUIT"]);
//! ```
//!
//! # Crate features
//!
//! - `std` (default): the socket glue; implies `alloc`.
//! - `alloc`: owned buffers and boxed producers in the outbox.
//! - `bytes`: `bytes::Bytes` and `BytesMut` pushed into the outbox without a copy.
//! - `tokio`: `tokio::FrameCodec`, a `tokio_util` decoder that splits frames off the
//!   read buffer, `tokio::write_outbox` and `drain_if_paused`, async drains, and
//!   `close_gracefully`; implies `std`, `bytes`.
//! - `embedded-io`, `embedded-io-async`: `FramedReader` (whole frames read into a
//!   caller's buffer) and `write_outbox` over `embedded-io`'s traits; `no_std`.
//! - `arbitrary`: [`arbitrary::Arbitrary`](https://docs.rs/arbitrary) for the
//!   crate's input types, to fuzz protocols built on it.
//!
//! With no features the crate is `no_std`, allocation-free, and builds for bare-metal
//! targets such as `thumbv7em-none-eabihf`.
//!
//! # Differences from Python's asynchat
//!
//! The framing matches asynchat where asynchat is right: leftmost, non-overlapping
//! matches; a byte-string terminator's bytes are not data, counted bytes are;
//! a partial terminator at the end of the input is held back (the longest proper
//! prefix that matches); no empty data; a count becomes "no terminator" once it
//! fires; a terminator set while handling a frame applies to the rest of the same
//! input; and a terminator is found before the data in front of it in the same input
//! is reported, so a change made on that data event applies from the next frame.
//! Where asynchat is wrong or unsafe, we differ on purpose:
//!
//! | asynchat | here | why |
//! |---|---|---|
//! | `set_terminator(0)` means "no terminator" | [`Terminator::Count(0)`](Terminator::Count) fires at once | asynchat's own echo demo hangs on `ECHO 0`: an empty message never completes |
//! | `set_terminator(b"")` is accepted and means "no terminator" | [`TerminatorError::Empty`] | an empty terminator is a bug that should not pass silently |
//! | terminators of any length | at most `N` bytes (64 by default, a const parameter) | the framer stores nothing else, so its size is a compile-time constant |
//! | at close, held-back bytes and an unfinished frame are dropped | after [`Framer::end_of_stream`] they come out as events, then [`Event::End`] with a [`Truncated`] error | a truncated message must not pass for a complete one, nor vanish |
//! | a frame may grow without bound in `incoming` | an optional limit on lines ([`Framer::set_max_frame_len`]): [`Event::TooLong`], the rest skipped, [`Event::Discarded`] at its end; a count is its own bound, and whole-frame readers refuse one above what they buffer | a peer that never sends the terminator must not exhaust memory, nor desynchronise the protocol |
//! | a count's end overrides a terminator set in `collect_incoming_data` | a change made on the last data event of a count applies from the next frame | the same rule as for byte-string terminators |
//! | re-joins and re-searches its whole input buffer on every read | searches each byte once, keeps only a partial terminator | asynchat is quadratic on long frames fed in small reads |
//! | `discard_buffers` clears input and output together | [`Framer::reset`] and [`Outbox::clear`], which also reports a pending close | the read and write halves are separate values here |
//! | `push` slices a large buffer into `ac_out_buffer_size` pieces up front | one item per push, handed out in pieces as it is written | no copies, no per-piece allocation |
//! | a push after `close_when_done` is silently dropped | refused with [`PushError::Closed`], the item given back | data must not vanish |
//! | a producer's empty `more()` ends it | [`Produced::NotYet`] and [`Produced::Done`] are distinct | a producer may have nothing *yet* |
//! | frames keep being dispatched after `close()` in `found_terminator` | no callback runs after `Context::close_when_done` (`std`) | nothing should act on input after the close |
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod adapters;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod channel;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod io;
mod read;
#[cfg(feature = "mio")]
#[cfg_attr(docsrs, doc(cfg(feature = "mio")))]
pub mod server;
mod write;

#[cfg(feature = "embedded-io")]
pub use adapters::embedded_io;
#[cfg(feature = "embedded-io-async")]
pub use adapters::embedded_io_async;
#[cfg(feature = "tokio")]
pub use adapters::tokio;
#[cfg(feature = "std")]
pub use channel::{Channel, Context, Handler, Transport};
pub use read::delimiters::{Delimiters, MAX_DELIMITERS};
pub use read::error::{FrameTooLong, TerminatorError, Truncated};
pub use read::frame::Frame;
pub use read::frame_kind::FrameKind;
pub use read::framer::{Event, Framer};
pub use read::frames::{FrameBuffer, FrameReader, SliceBuffer};
pub use read::length_prefix::{
    ByteOrder, DecodeLength, Decoded, HeaderError, LengthPrefix, Malformed, MalformedReason,
    MAX_TRAILER_LEN,
};
pub use read::terminator::{Delimiter, Terminator, DEFAULT_MAX_TERMINATOR_LEN};
pub use write::error::{AdvanceError, PushError, PushFrameError};
pub use write::inline_bytes::{InlineBytes, INLINE_CAPACITY};
pub use write::length_header::EncodeError;
#[cfg(feature = "alloc")]
pub use write::outbox::VecOutbox;
#[cfg(feature = "std")]
pub use write::outbox::DEFAULT_MAX_WRITE_SLICES;
pub use write::outbox::{Drained, FixedOutbox, Next, Outbox, Outgoing, DEFAULT_MAX_CHUNK_LEN};
pub use write::producer::{IterProducer, Produced, Producer, SimpleProducer};
pub use write::reply::Reply;
#[cfg(feature = "alloc")]
pub use write::storage::Growable;
pub use write::storage::{Fixed, Storage};

/// The README's examples, compiled and run as doc tests so they cannot drift (they
/// use the std and tokio glue: `cargo test --all-features` runs them, as CI does).
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "tokio"))]
pub struct ReadmeDoctests;
