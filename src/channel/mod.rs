//! asynchat's `async_chat`, for porting: a [`Handler`] with the callbacks, driven over
//! a stream by a [`Channel`], blocking or from any readiness-based event loop.

use std::boxed::Box;
use std::io;
use std::time::{Duration, Instant};
use std::vec;

mod defaults;
mod frame_handler;
mod handler;
mod state;
mod timeout;
mod transport;

use crate::io::{read_some, write_outbox, ReadOutcome};
use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::framer::{Event, Framer};
use crate::read::length_prefix::Malformed;
use crate::read::terminator::{Terminator, DEFAULT_MAX_TERMINATOR_LEN};
use crate::write::outbox::{Drained, VecOutbox};
use state::State;

pub use defaults::{
    DEFAULT_IDLE_TIMEOUT, DEFAULT_LINGER, DEFAULT_MAX_COUNT, DEFAULT_MAX_FRAME_LEN,
    DEFAULT_READS_PER_CALL, DEFAULT_READ_BUFFER_LEN,
};
pub use frame_handler::{FrameHandler, Frames};
pub use handler::{Context, Handler};
pub use state::Status;
pub use timeout::Timeout;
pub use transport::Transport;

/// A connection: a stream, a [`Handler`], a [`Framer`] and an outbox (asynchat's
/// `async_chat` instance).
///
/// Drive it either with [`run`](Self::run) on a blocking stream, or from an event loop
/// on a non-blocking one:
///
/// 1. When the socket is ready, call [`handle_ready`](Self::handle_ready) (it does
///    what is due, whatever woke you: write, read,
///    dispatch). Each call does a bounded amount of work: at most
///    [`DEFAULT_READS_PER_CALL`] reads ([`set_reads_per_call`](Self::set_reads_per_call)).
/// 2. On [`Status::Busy`], call again after serving the other connections, without
///    waiting for readiness. On [`Status::Waiting`], register interest per
///    [`wants_read`](Self::wants_read) and [`wants_write`](Self::wants_write), and if
///    [`deadline`](Self::deadline) is set, call again once it has passed. On
///    [`Status::Closed`], drop the channel.
///
/// # Limits
///
/// A line (a frame of unknown length) may carry at most [`DEFAULT_MAX_FRAME_LEN`]
/// data bytes unless the handler sets another limit
/// ([`Context::set_max_frame_len`]); past it the handler hears
/// [`Handler::frame_too_long`] and, at the frame's end,
/// [`Handler::frame_discarded`]. A [`Terminator::Count`] bounds itself; a
/// [`Frames`] handler, which gathers it, refuses one above its count limit
/// ([`Context::set_max_count`]). The channel itself holds a fixed read buffer, the
/// framer and the outbox.
///
/// # Backpressure
///
/// The handler is called only while the outbox is below its high watermark
/// ([`set_watermarks`](Self::set_watermarks)). When a reply takes it above, the
/// channel stops between two events, keeps the rest of the read buffer, and reads
/// nothing more until the writes bring the outbox down to its low watermark; then it
/// goes on where it stopped. However many requests one read brings, a peer that
/// does not read its replies costs at most the high watermark plus one reply.
///
/// # Time
///
/// A peer that neither sends a byte nor takes a byte of the replies for the idle
/// timeout ([`DEFAULT_IDLE_TIMEOUT`], [`set_idle_timeout`](Self::set_idle_timeout))
/// ends the connection; so does, with a frame timeout
/// ([`set_frame_timeout`](Self::set_frame_timeout), none by default), a peer that
/// started a frame and has not finished it in that time, however steadily it
/// trickles. [`run`](Self::run) and [`handle_ready`](Self::handle_ready) then return
/// a `TimedOut` error holding a [`Timeout`] ([`Timeout::of`]), and the channel is
/// closed. An event loop learns when to call through [`deadline`](Self::deadline).
///
/// # Closing
///
/// When the handler closes when done, the channel writes what is queued, shuts down
/// its writing half, and lingers: it reads and discards input until the peer closes
/// or [`DEFAULT_LINGER`] passes ([`set_linger`](Self::set_linger)). Closing a socket
/// with unread input makes the system answer with a reset, which can destroy a reply
/// still in flight; lingering is how Apache and nginx avoid it.
pub struct Channel<S, H> {
    stream: S,
    handler: H,
    framer: Framer,
    outbox: VecOutbox<'static>,
    read_buffer: Box<[u8]>,
    state: State,
    reads_per_call: usize,
    linger: Duration,
    /// Input of the last read not yet dispatched, when the handler was paused at
    /// the outbox's high watermark; empty if only the framer has events left (a
    /// frame end found with its data).
    pending: Option<core::ops::Range<usize>>,
    idle_timeout: Option<Duration>,
    /// When the peer last sent a byte or took one.
    last_progress: Instant,
    frame_timeout: Option<Duration>,
    /// When the read that began the unfinished frame was made; `None` between frames.
    frame_started: Option<Instant>,
    /// The framer's stream position at the last frame end: bytes consumed past it
    /// belong to an unfinished frame.
    frame_boundary: u64,
    /// The read and write timeout `run` last gave the stream.
    stream_timeout: Option<Duration>,
}

/// An event with the framer's borrow released, so that the handler's context can
/// take the framer.
enum Dispatch {
    /// Data at this range of the read buffer.
    Input(core::ops::Range<usize>),
    /// Data held back by the framer from an earlier read, copied out: fewer than
    /// [`DEFAULT_MAX_TERMINATOR_LEN`] bytes.
    Held([u8; DEFAULT_MAX_TERMINATOR_LEN], usize),
    Terminator,
    TooLong(FrameTooLong),
    Discarded(u64, FrameKind),
    End(Result<(), Truncated>),
    Malformed(Malformed),
}

impl<S: Transport, H: Handler> Channel<S, H> {
    /// A channel over `stream`, waiting for `terminator`, with the default frame
    /// limit, read buffer, budget and linger.
    pub fn new(stream: S, handler: H, terminator: Terminator) -> Self {
        let mut framer = Framer::new(terminator);
        framer.set_max_frame_len(Some(DEFAULT_MAX_FRAME_LEN));
        Channel {
            stream,
            handler,
            framer,
            outbox: VecOutbox::new(),
            read_buffer: vec![0; DEFAULT_READ_BUFFER_LEN].into_boxed_slice(),
            state: State::Connecting,
            reads_per_call: DEFAULT_READS_PER_CALL,
            linger: DEFAULT_LINGER,
            pending: None,
            idle_timeout: Some(DEFAULT_IDLE_TIMEOUT),
            last_progress: Instant::now(),
            frame_timeout: None,
            frame_started: None,
            frame_boundary: 0,
            stream_timeout: None,
        }
    }

    /// Sets how long the peer may make no progress (send no byte, take no byte of
    /// the replies) before the channel gives up on it; `None` waits for ever. The
    /// clock starts at the channel's creation and restarts at each byte read or
    /// written.
    pub fn set_idle_timeout(&mut self, idle_timeout: Option<Duration>) {
        self.idle_timeout = idle_timeout;
    }

    /// Sets how long a frame may take from its first byte to its end; `None` (the
    /// default) lets it take any time, as long as the peer is not idle. A peer that
    /// trickles a byte at a time, never idle, never finishing, is what this stops;
    /// allow for the largest frame the protocol takes at the slowest rate it should
    /// serve.
    ///
    /// The clock starts at the read that brings a frame's first byte, and stops at
    /// the frame's end ([`Handler::found_terminator`], or the end of a frame that was
    /// too long or malformed). It runs only while the channel is open.
    pub fn set_frame_timeout(&mut self, frame_timeout: Option<Duration>) {
        self.frame_timeout = frame_timeout;
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

    /// Sets how many reads one readiness call may make before it returns
    /// [`Status::Busy`]; at least 1.
    pub fn set_reads_per_call(&mut self, reads: usize) {
        self.reads_per_call = reads.max(1);
    }

    /// Sets how long a lingering close waits for the peer to close;
    /// `Duration::ZERO` closes as soon as everything queued is written.
    pub fn set_linger(&mut self, linger: Duration) {
        self.linger = linger;
    }

    /// Sets the frame limit from outside a callback, e.g. before the first read; see
    /// [`Context::set_max_frame_len`].
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        self.framer.set_max_frame_len(max_frame_len);
    }

    /// Runs on a blocking stream until the handler closes when done (and the linger
    /// ends) or the peer closes and everything queued is sent. The stream stays open
    /// until the channel (or the stream from [`into_parts`](Self::into_parts)) is
    /// dropped.
    ///
    /// It sets the stream's read and write timeouts to what is left of the idle
    /// timeout (or of the frame timeout, if that ends first), so that neither a
    /// silent peer, nor one that never reads its replies, nor one that trickles can
    /// hold the calling thread. With no idle timeout, the stream's own timeouts
    /// apply between frames; once a frame timeout has been in force, they are
    /// cleared when it ends.
    ///
    /// # Errors
    ///
    /// The first I/O error other than `Interrupted`. When the peer makes no progress
    /// for the idle timeout, or, with no idle timeout, when the stream's own read or
    /// write timeout passes, a `TimedOut` error holding [`Timeout::Idle`]; when a
    /// frame outlasts the frame timeout, one holding [`Timeout::Frame`]
    /// ([`Timeout::of`] tells them apart from the stream's errors). On a
    /// non-blocking stream, a read that would block counts as the stream's timeout:
    /// use [`handle_ready`](Self::handle_ready) there.
    pub fn run(&mut self) -> io::Result<()> {
        // The caller may have set the stream's timeouts since the last call.
        self.stream_timeout = None;
        loop {
            match self.give_up_at() {
                Some(deadline) => {
                    // A zero timeout means none to the stream: at least a moment.
                    let moment = Duration::from_millis(1);
                    let left = deadline
                        .saturating_duration_since(Instant::now())
                        .max(moment);
                    // Set again only when the timeout set last would overrun the
                    // deadline by more than that moment: progress moves the deadline
                    // on, and two more system calls per request would cost as much
                    // as the request.
                    if self.stream_timeout.is_none_or(|set| set > left + moment) {
                        self.set_stream_timeout(Some(left))?;
                    }
                }
                // No deadline now (no idle timeout, and the frame that had one has
                // ended): the timeout set for it must not outlive it.
                None if self.stream_timeout.is_some() => self.set_stream_timeout(None)?,
                None => {}
            }
            match self.pump()? {
                Status::Closed => return Ok(()),
                Status::Busy => {}
                // A blocking stream waits only when its timeout (ours or its own)
                // passed, or a lingering read reached its deadline.
                Status::Waiting if matches!(self.state, State::Lingering { .. }) => {}
                Status::Waiting => match self.idle_timeout {
                    _ if self.frame_deadline().is_some_and(|at| at <= Instant::now()) => {
                        return Err(self.time_out())
                    }
                    Some(idle) if self.last_progress.elapsed() < idle => {}
                    // The timeout set for the frame's deadline, a moment early.
                    None if self.frame_deadline().is_some() => {}
                    _ => return Err(self.time_out_idle()),
                },
            }
        }
    }

    /// The socket is readable, writable or both: write, read and dispatch, within the
    /// call's budget. Whichever readiness woke you, the channel does what is due.
    /// It reads until the stream would block, or, if the stream says a short read
    /// empties it ([`Transport::short_read_drains`]), until a read leaves room in the
    /// buffer.
    ///
    /// # Errors
    ///
    /// The first I/O error other than `Interrupted` and `WouldBlock`; what was queued
    /// stays queued. Once the idle or frame timeout has passed, a `TimedOut` error
    /// holding a [`Timeout`]. Drop the channel.
    pub fn handle_ready(&mut self) -> io::Result<Status> {
        if self.give_up_at().is_some_and(|at| at <= Instant::now()) {
            return Err(self.time_out());
        }
        self.pump()
    }

    /// Gives the stream `timeout` for its reads and writes, and records it.
    fn set_stream_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.stream.set_read_timeout(timeout)?;
        self.stream.set_write_timeout(timeout)?;
        self.stream_timeout = timeout;
        Ok(())
    }

    /// When the unfinished frame runs out of time, while the channel is open.
    fn frame_deadline(&self) -> Option<Instant> {
        match self.state {
            State::Open => Some(self.frame_started? + self.frame_timeout?),
            _ => None,
        }
    }

    /// The earlier of the idle and the frame deadline.
    fn give_up_at(&self) -> Option<Instant> {
        match (self.idle_deadline(), self.frame_deadline()) {
            (Some(idle), Some(frame)) => Some(idle.min(frame)),
            (idle, frame) => idle.or(frame),
        }
    }

    /// When the idle timeout runs out, unless the channel is closed or lingering
    /// (which has its own deadline).
    fn idle_deadline(&self) -> Option<Instant> {
        match self.state {
            State::Lingering { .. } | State::Closed => None,
            _ => self.idle_timeout.map(|idle| self.last_progress + idle),
        }
    }

    /// Closes the channel for a peer past a deadline: the frame's, if it has passed,
    /// else the idle one.
    fn time_out(&mut self) -> io::Error {
        match (self.frame_deadline(), self.frame_started) {
            (Some(at), Some(started)) if at <= Instant::now() => {
                self.state = State::Closed;
                let timeout = Timeout::Frame(started.elapsed());
                io::Error::new(io::ErrorKind::TimedOut, timeout)
            }
            _ => self.time_out_idle(),
        }
    }

    /// Closes the channel for a peer that made no progress.
    fn time_out_idle(&mut self) -> io::Error {
        self.state = State::Closed;
        let timeout = Timeout::Idle(self.last_progress.elapsed());
        io::Error::new(io::ErrorKind::TimedOut, timeout)
    }

    /// Whether to watch for readability: open, below the outbox's high watermark
    /// (asynchat's `readable`) and with no input of an earlier read left to
    /// dispatch, or closing, when input is read and discarded.
    pub fn wants_read(&self) -> bool {
        match self.state {
            State::Connecting | State::Closing | State::Lingering { .. } => true,
            State::Open => !self.outbox.should_pause_reading() && self.pending.is_none(),
            State::Flushing | State::Closed => false,
        }
    }

    /// Whether to watch for writability: something is queued or a close is pending
    /// (asynchat's `writable`).
    pub fn wants_write(&self) -> bool {
        match self.state {
            State::Lingering { .. } | State::Closed => false,
            _ => self.outbox.wants_write(),
        }
    }

    /// When the channel gives up waiting for the peer: the end of the idle timeout
    /// or of the frame timeout, whichever comes first, or of the linger while it
    /// lingers. Call [`handle_ready`](Self::handle_ready) once this has passed.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Lingering { until } => Some(until),
            _ => self.give_up_at(),
        }
    }

    /// The progress of the frame the peer is sending, if one is unfinished: when the
    /// read that began it was made, and how many bytes of it the framer has taken
    /// since (data, held-back and skipped bytes alike). `None` between frames, and
    /// once the channel is no longer open. A server uses it to tell a slow peer from
    /// an idle one.
    pub fn frame_progress(&self) -> Option<(Instant, u64)> {
        if self.state != State::Open {
            return None;
        }
        let started = self.frame_started?;
        Some((started, self.framer.position() - self.frame_boundary))
    }

    /// Bytes queued to send and not yet sent (buffers; producers are not counted).
    pub fn queued_bytes(&self) -> usize {
        self.outbox.queued_bytes()
    }

    /// The framer, to look at the terminator, the limit or the frame in progress.
    pub fn framer(&self) -> &Framer {
        &self.framer
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
                state: &mut self.state,
            },
        )
    }

    /// One readiness call: write, then read and dispatch, until the stream would
    /// block, the budget is spent, or the channel closes.
    fn pump(&mut self) -> io::Result<Status> {
        if self.state == State::Connecting {
            self.state = State::Open;
            let (handler, mut ctx) = self.context();
            handler.handle_connect(&mut ctx);
            // A `Count(0)` set there fires without input.
            self.dispatch(0..0);
        }
        let mut reads = 0;
        let mut drained = false;
        loop {
            match self.state {
                State::Closed => return Ok(Status::Closed),
                State::Lingering { until } => {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(self.close());
                    }
                    if reads == self.reads_per_call {
                        return Ok(Status::Busy);
                    }
                    reads += 1;
                    // A blocking stream must not wait past the deadline.
                    if self.stream.set_read_timeout(Some(left)).is_err() {
                        return Ok(self.close());
                    }
                    // Input is discarded; an error or the end means the peer is gone.
                    match read_some(&mut self.stream, &mut self.read_buffer) {
                        Ok(ReadOutcome::Read(_)) => continue,
                        Ok(ReadOutcome::WouldBlock) => return Ok(Status::Waiting),
                        Ok(ReadOutcome::Eof) | Err(_) => return Ok(self.close()),
                    }
                }
                _ => {}
            }
            let mut written = 0;
            let outcome = write_outbox(
                &mut Counting {
                    inner: &mut self.stream,
                    written: &mut written,
                },
                &mut self.outbox,
            )?;
            if written > 0 {
                self.last_progress = Instant::now();
            }
            match outcome {
                Drained::Close => {
                    self.start_lingering();
                    continue;
                }
                Drained::Idle if self.state == State::Flushing => return Ok(self.close()),
                Drained::Idle | Drained::WouldBlock => {}
            }
            if self.pending.is_some() && self.state == State::Open {
                // Input left by a pause: go on with it once the replies drained.
                if self.outbox.should_pause_reading() {
                    return Ok(Status::Waiting);
                }
                if reads == self.reads_per_call {
                    return Ok(Status::Busy);
                }
                reads += 1;
                if let Some(pending) = self.pending.take() {
                    let boundary = self.frame_boundary;
                    self.dispatch(pending);
                    self.track_frame(boundary, self.last_progress);
                }
                continue;
            }
            if !self.wants_read() || drained {
                return Ok(Status::Waiting);
            }
            if reads == self.reads_per_call {
                return Ok(Status::Busy);
            }
            reads += 1;
            match read_some(&mut self.stream, &mut self.read_buffer)? {
                // While closing, `dispatch` calls no handler: the input is discarded.
                ReadOutcome::Read(n) => {
                    let now = Instant::now();
                    self.last_progress = now;
                    drained = n < self.read_buffer.len() && self.stream.short_read_drains();
                    let boundary = self.frame_boundary;
                    self.dispatch(0..n);
                    self.track_frame(boundary, now);
                }
                ReadOutcome::Eof => self.end_of_stream(),
                ReadOutcome::WouldBlock => return Ok(Status::Waiting),
            }
        }
    }

    /// After a dispatch that began with the last frame end at `boundary`: starts the
    /// frame clock at `read_at` if an unfinished frame began in that input, stops it
    /// if none is left.
    fn track_frame(&mut self, boundary: u64, read_at: Instant) {
        // Without a terminator there are no frames, only data, and none to finish.
        if *self.framer.terminator() == Terminator::None {
            self.frame_boundary = self.framer.position();
        }
        if self.framer.position() == self.frame_boundary {
            self.frame_started = None;
        } else if self.frame_started.is_none() || self.frame_boundary != boundary {
            self.frame_started = Some(read_at);
        }
    }

    fn start_lingering(&mut self) {
        if self.state == State::Flushing
            || self.linger.is_zero()
            || self.stream.shutdown_write().is_err()
        {
            self.state = State::Closed;
            return;
        }
        self.state = State::Lingering {
            until: Instant::now() + self.linger,
        };
    }

    fn close(&mut self) -> Status {
        self.state = State::Closed;
        Status::Closed
    }

    /// Frames the read buffer's bytes in `range` and calls the handler, until they
    /// are used up, the channel closes, or a reply takes the outbox above its high
    /// watermark: then the rest is kept in `pending` for when it drains.
    fn dispatch(&mut self, range: core::ops::Range<usize>) {
        let end = range.end;
        let mut input = &self.read_buffer[range];
        while self.state == State::Open {
            if self.outbox.should_pause_reading() {
                self.pending = Some(end - input.len()..end);
                return;
            }
            let offset = end - input.len();
            let read = self.read_buffer.as_ptr_range();
            let Some(event) = self.framer.next_event(&mut input) else {
                break;
            };
            // The framer lends held-back bytes and headers from its own storage.
            let dispatch = match event {
                Event::Data(bytes) if !read.contains(&bytes.as_ptr()) => {
                    let mut held = [0; DEFAULT_MAX_TERMINATOR_LEN];
                    held[..bytes.len()].copy_from_slice(bytes);
                    Dispatch::Held(held, bytes.len())
                }
                Event::Data(bytes) => {
                    let start = bytes.as_ptr() as usize - read.start as usize;
                    debug_assert!(start >= offset, "data from before the input");
                    Dispatch::Input(start..start + bytes.len())
                }
                Event::Terminator => Dispatch::Terminator,
                Event::TooLong(too_long) => Dispatch::TooLong(too_long),
                Event::Discarded { frame_len, kind } => Dispatch::Discarded(frame_len, kind),
                Event::End(end) => Dispatch::End(end),
                Event::Malformed(malformed) => Dispatch::Malformed(malformed),
            };
            let mut ctx = Context {
                framer: &mut self.framer,
                outbox: &mut self.outbox,
                state: &mut self.state,
            };
            let handler = &mut self.handler;
            match dispatch {
                Dispatch::Input(range) => {
                    handler.collect_incoming_data(&self.read_buffer[range], &mut ctx)
                }
                Dispatch::Held(held, len) => handler.collect_incoming_data(&held[..len], &mut ctx),
                Dispatch::Terminator => {
                    self.frame_boundary = ctx.framer.position();
                    handler.found_terminator(&mut ctx)
                }
                Dispatch::TooLong(too_long) => handler.frame_too_long(too_long, &mut ctx),
                Dispatch::Discarded(frame_len, kind) => {
                    self.frame_boundary = ctx.framer.position();
                    handler.frame_discarded(frame_len, kind, &mut ctx)
                }
                Dispatch::Malformed(malformed) => {
                    self.frame_boundary = ctx.framer.position();
                    handler.frame_malformed(malformed, &mut ctx)
                }
                Dispatch::End(end) => {
                    handler.handle_eof(end, &mut ctx);
                    // Nothing more comes from the peer: write what is queued, close.
                    self.state = State::Flushing;
                    break;
                }
            }
        }
        // Closed or used up: nothing is left for later.
        self.pending = None;
    }

    /// The peer closed its side: the framer's last events, then flushing. A pause
    /// among those events leaves the channel open until they are all dispatched;
    /// `End` then starts the flush.
    fn end_of_stream(&mut self) {
        if self.state == State::Open {
            self.framer.end_of_stream();
            self.dispatch(0..0);
            if self.pending.is_some() {
                return;
            }
        }
        self.state = State::Flushing;
    }
}

/// A writer that counts what it wrote: the channel's evidence that the peer takes
/// its replies.
struct Counting<'a, W> {
    inner: &'a mut W,
    written: &'a mut usize,
}

impl<W: io::Write> io::Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        *self.written += n;
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.inner.write_vectored(bufs)?;
        *self.written += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<S, H> core::fmt::Debug for Channel<S, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("state", &self.state)
            .field("framer", &self.framer)
            .field("outbox", &self.outbox)
            .finish_non_exhaustive()
    }
}
