//! Where a channel is: what it tells its caller, and where it is in its life.

use std::time::Instant;

/// What the caller should do after a readiness call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing to do until the stream is ready again: wait for the readiness that
    /// [`Channel::wants_read`](super::Channel::wants_read) and [`Channel::wants_write`](super::Channel::wants_write) ask for (and, while it
    /// lingers, until [`Channel::deadline`](super::Channel::deadline)).
    Waiting,
    /// The call did its share of work and more input may be ready: call again after
    /// serving the other connections, without waiting for readiness (an
    /// edge-triggered loop will not report it again).
    Busy,
    /// Done: the handler closed when done and everything queued was sent, or the peer
    /// closed and everything queued was sent, or the linger ended. Drop the stream to
    /// close the socket.
    Closed,
}

/// Where a connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// [`Handler::handle_connect`](super::Handler::handle_connect) has not run yet.
    Connecting,
    /// Framing input and calling the handler.
    Open,
    /// The handler closed when done: writing what is queued, reading and discarding
    /// input so that the peer's writes do not block nor turn into a reset.
    Closing,
    /// No more input will come (the peer closed): writing what is queued, then closed.
    Flushing,
    /// Everything is written and the writing half is shut down: reading and
    /// discarding input until the peer closes or the deadline passes.
    Lingering {
        until: Instant,
    },
    Closed,
}
