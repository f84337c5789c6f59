//! The protocol side of a [`Channel`](crate::Channel): asynchat's callbacks, and the
//! [`Context`] through which they act on the connection.

use core::fmt;

use super::state::State;
use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::framer::Framer;
use crate::read::length_prefix::Malformed;
use crate::read::terminator::Terminator;
use crate::write::error::PushError;
use crate::write::outbox::Outgoing;
use crate::write::outbox::VecOutbox;
use crate::write::producer::Producer;

/// The protocol: what to do with incoming data and complete frames (an
/// `async_chat` subclass).
///
/// Every callback gets a [`Context`] to set the next terminator and frame limit,
/// queue replies, or close. No callback runs after the handler closes when done.
pub trait Handler {
    /// Bytes of the current frame (asynchat's `collect_incoming_data`). Never empty,
    /// never more than the frame limit in total per frame.
    fn collect_incoming_data(&mut self, data: &[u8], ctx: &mut Context<'_>);

    /// The current frame is complete (asynchat's `found_terminator`). Set the next
    /// terminator and limit, push replies and close through `ctx`.
    fn found_terminator(&mut self, ctx: &mut Context<'_>);

    /// The current frame went past the [frame limit](Context::set_max_frame_len) (a
    /// line), or a count above the [count limit](Context::set_max_count) was just
    /// set (a counted block, refused before any of its bytes): `too_long.kind` says
    /// which. What was delivered of a line is not a message; the rest is skipped,
    /// and its end comes as [`frame_discarded`](Self::frame_discarded). Drop what
    /// was collected.
    ///
    /// The default closes the connection (after sending what is queued): a handler
    /// that does not expect oversized frames must not take the bytes it collected for
    /// a message. Override it to go on, typically replying at the frame's end.
    fn frame_too_long(&mut self, too_long: FrameTooLong, ctx: &mut Context<'_>) {
        let _ = too_long;
        ctx.close_when_done();
    }

    /// The end of a frame that was [too long](Self::frame_too_long), `frame_len` data
    /// bytes in all, of `kind` (a line or a counted block): the place to reply with
    /// an error (`500 line too long`) and set the next terminator and limit, as in
    /// [`found_terminator`](Self::found_terminator). The default does nothing.
    fn frame_discarded(&mut self, frame_len: u64, kind: FrameKind, ctx: &mut Context<'_>) {
        let _ = (frame_len, kind, ctx);
    }

    /// A [length-prefixed](crate::Terminator::LengthPrefixed) frame's header or
    /// trailer cannot be read: the stream cannot be framed further with that
    /// terminator, which is now [`Terminator::None`](crate::Terminator::None). The
    /// default closes the connection (after sending what is queued); override it to
    /// reply with an error first, or to set another terminator.
    fn frame_malformed(&mut self, malformed: Malformed, ctx: &mut Context<'_>) {
        let _ = malformed;
        ctx.close_when_done();
    }

    /// The connection is established: push a greeting or a request, set the first
    /// terminator. Called once, at the first readiness call. The default does nothing.
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        let _ = ctx;
    }

    /// The peer closed its side, and every byte before the end was delivered. `end`
    /// is `Err` if it did so inside a frame (the data already delivered is not a
    /// complete message). Replies pushed here are still written before the channel
    /// closes. The default does nothing.
    fn handle_eof(&mut self, end: Result<(), Truncated>, ctx: &mut Context<'_>) {
        let _ = (end, ctx);
    }
}

/// What a handler may do from a callback: change the terminator and frame limit,
/// queue output, close.
pub struct Context<'c> {
    pub(crate) framer: &'c mut Framer,
    pub(crate) outbox: &'c mut VecOutbox<'static>,
    pub(crate) state: &'c mut State,
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

    /// Sets the most data bytes a frame may carry, from the current frame on; `None`
    /// for no limit. A channel starts with
    /// [`DEFAULT_MAX_FRAME_LEN`](crate::channel::DEFAULT_MAX_FRAME_LEN). See
    /// [`Framer::set_max_frame_len`].
    pub fn set_max_frame_len(&mut self, max_frame_len: Option<u64>) {
        self.framer.set_max_frame_len(max_frame_len);
    }

    /// The frame limit in force.
    pub fn max_frame_len(&self) -> Option<u64> {
        self.framer.max_frame_len()
    }

    /// Sets the largest [`Terminator::Count`] the connection accepts, or `None` for
    /// any (the default for a [`Handler`]; a [`Frames`](crate::channel::Frames)
    /// handler starts at [`DEFAULT_MAX_COUNT`](crate::channel::DEFAULT_MAX_COUNT)).
    /// A larger count is refused where it is set: the next callback is
    /// [`Handler::frame_too_long`] with [`FrameKind::Counted`], before any of its
    /// bytes; they are skipped, and [`Handler::frame_discarded`] comes at their end,
    /// so the protocol stays in sync. A count set earlier and not yet started is
    /// checked again.
    pub fn set_max_count(&mut self, max_count: Option<u64>) {
        self.framer.set_max_count(max_count);
    }

    /// The limit set with [`set_max_count`](Self::set_max_count).
    pub fn max_count(&self) -> Option<u64> {
        self.framer.max_count()
    }

    /// Queues bytes to send (asynchat's `push`).
    ///
    /// # Errors
    ///
    /// [`PushError::Closed`] after [`close_when_done`](Self::close_when_done), with the
    /// bytes given back.
    pub fn push(
        &mut self,
        buf: impl Into<Outgoing<'static>>,
    ) -> Result<(), PushError<Outgoing<'static>>> {
        self.outbox.push(buf)
    }

    /// Queues a producer (asynchat's `push_with_producer`).
    ///
    /// # Errors
    ///
    /// As [`push`](Self::push).
    pub fn push_producer<P: Producer + Send + 'static>(
        &mut self,
        producer: P,
    ) -> Result<(), PushError<P>> {
        self.outbox.push_producer(producer)
    }

    /// Closes once everything queued is sent, without losing it: the channel shuts
    /// down its writing side and reads and discards input for a while (a lingering
    /// close), so that unread input does not make the peer's system destroy the reply
    /// in flight. No callback runs after this one: the rest of the input is ignored
    /// (asynchat keeps dispatching frames).
    pub fn close_when_done(&mut self) {
        self.outbox.close_when_done();
        if *self.state == State::Open {
            *self.state = State::Closing;
        }
    }

    /// Whether the data just given to [`Handler::collect_incoming_data`] ends its
    /// frame: [`Handler::found_terminator`] follows at once. If no data of that
    /// frame came earlier, it is the whole frame.
    pub fn ends_frame(&self) -> bool {
        self.framer.frame_end_pending()
    }

    /// Whether [`close_when_done`](Self::close_when_done) was called.
    pub fn is_closing(&self) -> bool {
        self.outbox.is_closing()
    }

    /// Bytes queued and not yet sent.
    pub fn queued_bytes(&self) -> usize {
        self.outbox.queued_bytes()
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("terminator", self.framer.terminator())
            .field("max_frame_len", &self.framer.max_frame_len())
            .field("queued_bytes", &self.outbox.queued_bytes())
            .field("closing", &self.outbox.is_closing())
            .finish()
    }
}

impl crate::write::reply::Reply<'static> for Context<'_> {
    fn push(
        &mut self,
        buf: impl Into<Outgoing<'static>>,
    ) -> Result<(), PushError<Outgoing<'static>>> {
        Context::push(self, buf)
    }

    fn close_when_done(&mut self) {
        Context::close_when_done(self);
    }

    fn is_closing(&self) -> bool {
        Context::is_closing(self)
    }

    fn queued_bytes(&self) -> usize {
        Context::queued_bytes(self)
    }
}
