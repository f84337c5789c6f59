//! Why a channel gave up on its peer.

use std::io;
use std::time::Duration;

/// Why a channel gave up on its peer: the error inside the `TimedOut` [`io::Error`]
/// that [`Channel::run`](super::Channel::run) and [`Channel::handle_ready`](super::Channel::handle_ready) return. Tell it apart from an
/// error of the stream with [`Timeout::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// The peer sent no byte and took no byte of the replies for this long: the idle
    /// timeout ([`Channel::set_idle_timeout`](super::Channel::set_idle_timeout)), or, with none, a blocking stream's own
    /// read or write timeout.
    Idle(Duration),
    /// The peer started a frame and had not finished it after this long: the frame
    /// timeout ([`Channel::set_frame_timeout`](super::Channel::set_frame_timeout)).
    Frame(Duration),
}

impl Timeout {
    /// The channel's timeout inside `error`, if that is what it holds.
    pub fn of(error: &io::Error) -> Option<Timeout> {
        error.get_ref()?.downcast_ref::<Timeout>().copied()
    }
}

impl core::fmt::Display for Timeout {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Timeout::Idle(idle_for) => write!(f, "the peer made no progress for {idle_for:?}"),
            Timeout::Frame(open_for) => {
                write!(f, "the peer left a frame unfinished for {open_for:?}")
            }
        }
    }
}

impl std::error::Error for Timeout {}
