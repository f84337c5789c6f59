//! The open connections, by token, and which of them is the slowest.

use std::time::{Duration, Instant};
use std::vec::Vec;

use mio::Token;

use super::mio_stream::MioStream;
use crate::channel::Channel;

/// One open connection.
pub(super) struct Connection<H> {
    pub(super) channel: Channel<MioStream, H>,
    /// The last round it was served in: one call per round, however many events.
    pub(super) served_in: u64,
}

/// The connections, by token: a slab, so a lookup is an index, and tokens are
/// reused.
pub(super) struct Connections<H> {
    slots: Vec<Option<Connection<H>>>,
    free: Vec<usize>,
    len: usize,
}

impl<H: crate::channel::Handler> Connections<H> {
    pub(super) fn new() -> Self {
        Connections {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn get_mut(&mut self, token: Token) -> Option<&mut Connection<H>> {
        self.slots.get_mut(token.0)?.as_mut()
    }

    pub(super) fn insert(&mut self, connection: Connection<H>) -> (Token, &mut Connection<H>) {
        self.len += 1;
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        (Token(index), self.slots[index].insert(connection))
    }

    pub(super) fn remove(&mut self, token: Token) -> Option<Connection<H>> {
        let connection = self.slots.get_mut(token.0)?.take()?;
        self.free.push(token.0);
        self.len -= 1;
        Some(connection)
    }

    /// The connections whose deadline has passed.
    pub(super) fn expired(&self, now: Instant) -> Vec<Token> {
        self.iter()
            .filter(|(_, c)| c.channel.deadline().is_some_and(|at| at <= now))
            .map(|(token, _)| token)
            .collect()
    }

    /// The connection that gives way to a newcomer: of those part-way through a
    /// frame, the one whose frame has come the slowest ([`slower`]). `None` if no
    /// connection is part-way through a frame.
    pub(super) fn slowest(&self, now: Instant) -> Option<Token> {
        self.iter()
            .filter_map(|(token, c)| Some((token, c.channel.frame_progress()?)))
            .min_by(|(_, a), (_, b)| slower(*a, *b, now))
            .map(|(token, _)| token)
    }

    fn iter(&self) -> impl Iterator<Item = (Token, &Connection<H>)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| Some((Token(index), slot.as_ref()?)))
    }
}

/// Orders two frames' progress (when each began, and its bytes so far) slowest
/// first: by bytes over the time since it began, and the earlier begun of two
/// equally slow.
fn slower(a: (Instant, u64), b: (Instant, u64), now: Instant) -> core::cmp::Ordering {
    let ((a_start, a_bytes), (b_start, b_bytes)) = (a, b);
    // a_bytes / a_time against b_bytes / b_time, without dividing.
    let a_time = elapsed_nanos(now, a_start);
    let b_time = elapsed_nanos(now, b_start);
    (u128::from(a_bytes) * b_time)
        .cmp(&(u128::from(b_bytes) * a_time))
        .then(a_start.cmp(&b_start))
}

/// The time from `start` to `now`, at least a millisecond: a frame that began in
/// this very round has not had the time to be slow.
fn elapsed_nanos(now: Instant, start: Instant) -> u128 {
    now.saturating_duration_since(start)
        .max(Duration::from_millis(1))
        .as_nanos()
}

#[cfg(test)]
mod tests {
    use core::cmp::Ordering::{Equal, Greater, Less};

    use super::*;

    #[test]
    fn the_fewer_bytes_per_second_the_slower() {
        let now = Instant::now() + Duration::from_secs(100);
        let ago = |secs: u64| now - Duration::from_secs(secs);
        // 100 bytes in 10 s (10 a second) against 50 in 1 s (50 a second): fewer
        // bytes, yet faster.
        assert_eq!(slower((ago(10), 100), (ago(1), 50), now), Less);
        assert_eq!(slower((ago(1), 50), (ago(10), 100), now), Greater);
        // The same bytes: the one that took longer is slower.
        assert_eq!(slower((ago(20), 7), (ago(10), 7), now), Less);
        // The same rate: the one begun first goes first.
        assert_eq!(slower((ago(20), 40), (ago(10), 20), now), Less);
        assert_eq!(slower((ago(10), 20), (ago(20), 40), now), Greater);
        assert_eq!(slower((ago(10), 20), (ago(10), 20), now), Equal);
    }

    #[test]
    fn a_frame_begun_this_moment_counts_a_millisecond() {
        let now = Instant::now();
        // One byte just now is a thousand a second: faster than 999 in a second.
        assert_eq!(
            slower((now - Duration::from_secs(1), 999), (now, 1), now),
            Less
        );
        assert_eq!(
            slower((now - Duration::from_secs(1), 1001), (now, 1), now),
            Greater
        );
        assert_eq!(elapsed_nanos(now, now + Duration::from_secs(1)), 1_000_000);
        assert_eq!(
            elapsed_nanos(now + Duration::from_secs(2), now),
            2_000_000_000
        );
    }
}
