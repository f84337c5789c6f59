//! How a [`Server`](super::Server) treats its connections.

use core::time::Duration;

use crate::channel::{DEFAULT_LINGER, DEFAULT_READS_PER_CALL};
use crate::write::outbox::DEFAULT_WATERMARKS;

/// A server's limits and timing: start from [`Config::default`] and change the
/// fields you need.
///
/// ```
/// use std::time::Duration;
/// use asynchat::server::Config;
///
/// let mut config = Config::default();
/// config.max_connections = 256;
/// config.frame_timeout = Some(Duration::from_secs(10));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The most connections open at once (at least one is). At the cap, a newcomer
    /// takes the place of the slowest peer (see [`Server`](super::Server#slow-peers)),
    /// or waits in the listen backlog while no peer is part-way through a frame.
    pub max_connections: usize,
    /// How long a peer may send nothing and take none of its replies before it is
    /// closed ([`Channel::set_idle_timeout`](crate::Channel::set_idle_timeout));
    /// `None` keeps it for ever.
    pub idle_timeout: Option<Duration>,
    /// How long a frame may take from its first byte to its end
    /// ([`Channel::set_frame_timeout`](crate::Channel::set_frame_timeout)), as a web
    /// server bounds the time to send a request's header and body; `None` lets it
    /// take any time. Allow for the largest frame at the slowest rate you serve.
    pub frame_timeout: Option<Duration>,
    /// Reads one readiness call makes at most, so that a busy peer cannot starve
    /// the others ([`Channel::set_reads_per_call`](crate::Channel::set_reads_per_call)).
    pub reads_per_call: usize,
    /// The outbox's watermarks, low and high: a connection stops reading while more
    /// than the high one of replies wait, and resumes at the low one
    /// ([`Channel::set_watermarks`](crate::Channel::set_watermarks)).
    pub watermarks: (usize, usize),
    /// How long a closing connection waits for its peer to close
    /// ([`Channel::set_linger`](crate::Channel::set_linger)).
    pub linger: Duration,
    /// After a round with events, how long the loop polls without sleeping before
    /// it sleeps again; zero never spins. Under load the next input comes within
    /// microseconds, and a sleeping server makes each peer's send pay for waking
    /// it; an idle server pays the spin once per burst.
    pub spin: Duration,
}

impl Default for Config {
    /// 1,024 connections, a one-minute idle timeout, thirty seconds per frame, the
    /// channel's read budget and linger, watermarks of 16 and 64 KiB, and a 50 µs
    /// spin.
    fn default() -> Self {
        Config {
            max_connections: 1024,
            idle_timeout: Some(Duration::from_secs(60)),
            frame_timeout: Some(Duration::from_secs(30)),
            reads_per_call: DEFAULT_READS_PER_CALL,
            watermarks: DEFAULT_WATERMARKS,
            linger: DEFAULT_LINGER,
            spin: Duration::from_micros(50),
        }
    }
}
