//! asynchat's `async_chat`, for porting: a [`Handler`] with the two callbacks, driven
//! over a stream by a [`Channel`], blocking or from any readiness-based event loop.

use std::boxed::Box;
use std::io::{self, Read, Write};
use std::vec;

use crate::error::{PushError, Truncated};
use crate::framer::{Event, Framer};
use crate::io::{read_some, write_outbox, ReadOutcome, WriteOutcome};
use crate::outbox::Buf;
use crate::producer::Producer;
use crate::terminator::Terminator;
use crate::VecOutbox;

/// asynchat's `ac_in_buffer_size`: bytes read at once.
pub const DEFAULT_READ_BUFFER_LEN: usize = 65536;

/// The protocol: what to do with incoming data and complete frames (an
/// `async_chat` subclass).
pub trait Handler {
    /// Bytes of the current frame (asynchat's `collect_incoming_data`). Never empty.
    fn collect_incoming_data(&mut self, data: &[u8]);

    /// The current frame is complete (asynchat's `found_terminator`). Set the next
    /// terminator, push replies and close through `ctx`.
    fn found_terminator(&mut self, ctx: &mut Context<'_>);

    /// The connection is established: push a greeting or a request here. The default
    /// does nothing.
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        let _ = ctx;
    }

    /// The peer closed its side. `end` is `Err` if it did so inside a frame (the
    /// data already delivered is not a complete message). Replies pushed here are
    /// still written before the channel closes. The default does nothing.
    fn handle_eof(&mut self, end: Result<(), Truncated>, ctx: &mut Context<'_>) {
        let _ = (end, ctx);
    }
}

/// What a handler may do from a callback: change the terminator, queue output, close.
pub struct Context<'c> {
    framer: &'c mut Framer,
    outbox: &'c mut VecOutbox<'static>,
    closing: &'c mut bool,
}

impl Context<'_> {
    /// Sets the terminator; it applies to the rest of the data already received.
    pub fn set_terminator(&mut self, terminator: Terminator) {
        self.framer.set_terminator(terminator);
    }

    /// The terminator in force.
    pub fn terminator(&self) -> &Terminator {
        self.framer.terminator()
    }

    /// Queues bytes to send (asynchat's `push`).
    ///
    /// # Errors
    ///
    /// [`PushError::Closed`] after [`close_when_done`](Self::close_when_done), with the
    /// bytes given back.
    pub fn push(&mut self, buf: impl Into<Buf<'static>>) -> Result<(), PushError<Buf<'static>>> {
        self.outbox.push(buf)
    }

    /// Queues a producer (asynchat's `push_with_producer`).
    ///
    /// # Errors
    ///
    /// As [`push`](Self::push).
    pub fn push_producer<P: Producer + 'static>(
        &mut self,
        producer: P,
    ) -> Result<(), PushError<P>> {
        self.outbox.push_producer(producer)
    }

    /// Closes once everything queued is sent. No callback runs after this one: the
    /// rest of the input is ignored (asynchat keeps dispatching frames).
    pub fn close_when_done(&mut self) {
        self.outbox.close_when_done();
        *self.closing = true;
    }

    /// Bytes queued and not yet sent.
    pub fn queued_len(&self) -> usize {
        self.outbox.queued_len()
    }
}

/// Whether the channel is still open after a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Keep calling.
    Open,
    /// Done: the handler closed when done, or the peer closed and everything queued
    /// was sent. Drop the stream to close the socket.
    Closed,
}

/// A connection: a stream, a [`Handler`], a [`Framer`] and an outbox (asynchat's
/// `async_chat` instance).
///
/// Drive it either with [`run`](Self::run) on a blocking stream, or from an event loop
/// on a non-blocking one: call [`handle_readable`](Self::handle_readable) and
/// [`handle_writable`](Self::handle_writable) when the socket is ready, register
/// interest per [`wants_read`](Self::wants_read) and
/// [`wants_write`](Self::wants_write), and drop the channel once a call returns
/// [`Status::Closed`]. Both calls do all the work they can (read, dispatch, write)
/// until the stream would block, so they suit edge-triggered loops such as `mio`.
pub struct Channel<S, H> {
    stream: S,
    handler: H,
    framer: Framer,
    outbox: VecOutbox<'static>,
    read_buffer: Box<[u8]>,
    /// The handler asked to close: no more callbacks.
    closing: bool,
    /// The peer closed its side.
    eof: bool,
    connected: bool,
    closed: bool,
}

impl<S: Read + Write, H: Handler> Channel<S, H> {
    /// A channel over `stream`, waiting for `terminator`.
    pub fn new(stream: S, handler: H, terminator: Terminator) -> Self {
        Channel {
            stream,
            handler,
            framer: Framer::new(terminator),
            outbox: VecOutbox::new(),
            read_buffer: vec![0; DEFAULT_READ_BUFFER_LEN].into_boxed_slice(),
            closing: false,
            eof: false,
            connected: false,
            closed: false,
        }
    }

    /// Sets the read buffer's size (asynchat's `ac_in_buffer_size`); at least 1.
    pub fn set_read_buffer_len(&mut self, len: usize) {
        self.read_buffer = vec![0; len.max(1)].into_boxed_slice();
    }

    /// The outbox's watermarks: reading stops while more than `high` bytes are queued
    /// and resumes at `low`.
    pub fn set_watermarks(&mut self, low: usize, high: usize) {
        self.outbox.set_watermarks(low, high);
    }

    /// Runs on a blocking stream until the handler closes when done or the peer
    /// closes and everything queued is sent. The stream stays open until the channel
    /// (or the stream from [`into_parts`](Self::into_parts)) is dropped.
    ///
    /// # Errors
    ///
    /// The first I/O error other than `Interrupted`.
    pub fn run(&mut self) -> io::Result<()> {
        while self.pump()? == Status::Open {}
        Ok(())
    }

    /// The socket is readable: read, dispatch and write until it would block.
    ///
    /// # Errors
    ///
    /// The first I/O error other than `Interrupted` and `WouldBlock`; what was queued
    /// stays queued.
    pub fn handle_readable(&mut self) -> io::Result<Status> {
        self.pump()
    }

    /// The socket is writable: write, and read again if backpressure had stopped
    /// reading, until it would block.
    ///
    /// # Errors
    ///
    /// As [`handle_readable`](Self::handle_readable).
    pub fn handle_writable(&mut self) -> io::Result<Status> {
        self.pump()
    }

    /// Whether to watch for readability: open, the peer has not closed, and the
    /// outbox is below its high watermark (asynchat's `readable`).
    pub fn wants_read(&self) -> bool {
        !self.closed && !self.eof && !self.closing && !self.outbox.should_pause_reading()
    }

    /// Whether to watch for writability: something is queued or a close is pending
    /// (asynchat's `writable`).
    pub fn wants_write(&self) -> bool {
        !self.closed && self.outbox.wants_write()
    }

    /// Bytes queued to send and not yet sent (buffers; producers are not counted).
    pub fn queued_len(&self) -> usize {
        self.outbox.queued_len()
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// The handler, mutably.
    pub fn handler_mut(&mut self) -> &mut H {
        &mut self.handler
    }

    /// The stream.
    pub fn stream(&self) -> &S {
        &self.stream
    }

    /// The stream, mutably: to register it with an event loop. Reading or writing
    /// it directly bypasses the channel.
    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The stream, the handler.
    pub fn into_parts(self) -> (S, H) {
        (self.stream, self.handler)
    }

    fn context(&mut self) -> (&mut H, Context<'_>) {
        (
            &mut self.handler,
            Context {
                framer: &mut self.framer,
                outbox: &mut self.outbox,
                closing: &mut self.closing,
            },
        )
    }

    /// Does all it can: write, read and dispatch, until the stream would block (or,
    /// blocking, after one read).
    fn pump(&mut self) -> io::Result<Status> {
        if self.closed {
            return Ok(Status::Closed);
        }
        if !self.connected {
            self.connected = true;
            let (handler, mut ctx) = self.context();
            handler.handle_connect(&mut ctx);
        }
        loop {
            match write_outbox(&mut self.stream, &mut self.outbox)? {
                WriteOutcome::Close => return Ok(self.close()),
                WriteOutcome::Idle if self.eof => return Ok(self.close()),
                WriteOutcome::Idle | WriteOutcome::WouldBlock => {}
            }
            if !self.wants_read() {
                return Ok(Status::Open);
            }
            match read_some(&mut self.stream, &mut self.read_buffer)? {
                ReadOutcome::Read(n) => self.dispatch(n),
                ReadOutcome::Eof => self.end_of_stream(),
                ReadOutcome::WouldBlock => return Ok(Status::Open),
            }
        }
    }

    fn close(&mut self) -> Status {
        self.closed = true;
        Status::Closed
    }

    /// Frames `read_buffer[..len]` and calls the handler, until it asks to close.
    fn dispatch(&mut self, len: usize) {
        let mut input = &self.read_buffer[..len];
        while !self.closing {
            let Some(event) = self.framer.next_event(&mut input) else {
                break;
            };
            match event {
                Event::Data(bytes) => self.handler.collect_incoming_data(bytes),
                Event::Terminator => {
                    let mut ctx = Context {
                        framer: &mut self.framer,
                        outbox: &mut self.outbox,
                        closing: &mut self.closing,
                    };
                    self.handler.found_terminator(&mut ctx);
                }
                // The channel's framer has no frame limit: these cannot happen.
                Event::TooLong(_) | Event::Discarded { .. } => {}
                Event::End(end) => {
                    let mut ctx = Context {
                        framer: &mut self.framer,
                        outbox: &mut self.outbox,
                        closing: &mut self.closing,
                    };
                    self.handler.handle_eof(end, &mut ctx);
                    break;
                }
            }
        }
    }

    fn end_of_stream(&mut self) {
        self.eof = true;
        // Pending frame ends and held-back bytes come out, then `End`.
        self.framer.end_of_stream();
        self.dispatch(0);
    }
}

impl<S, H> core::fmt::Debug for Channel<S, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("framer", &self.framer)
            .field("outbox", &self.outbox)
            .field("closing", &self.closing)
            .field("eof", &self.eof)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}
