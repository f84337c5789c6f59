//! Where a protocol puts its replies, whatever drives it.

use crate::write::error::PushError;
use crate::write::outbox::{Outbox, Outgoing};
use crate::write::storage::Storage;

/// A queue of replies: an [`Outbox`] (tokio, embedded-io, your own loop) or a
/// channel's `Context` (with `std`). Protocol code written
/// against it serves every adapter.
///
/// The methods are those of the types themselves, which keep them as inherent
/// methods too: no import is needed to call them on a concrete type.
///
/// # Example
///
/// One reply function for an outbox here and a channel's context elsewhere:
///
/// ```
/// use asynchat::{FixedOutbox, Reply};
///
/// fn answer(command: &[u8], out: &mut impl Reply<'static>) {
///     match command {
///         b"PING" => drop(out.push(&b"+PONG\r\n"[..])),
///         b"QUIT" => out.close_when_done(),
///         _ => drop(out.push(&b"-ERR unknown command\r\n"[..])),
///     }
/// }
///
/// let mut outbox = FixedOutbox::<'static, 4>::new();
/// answer(b"PING", &mut outbox);
/// answer(b"QUIT", &mut outbox);
/// assert_eq!(outbox.queued_bytes(), 7);
/// assert!(outbox.is_closing());
/// ```
pub trait Reply<'a> {
    /// Queues `buf` after everything queued before.
    ///
    /// # Errors
    ///
    /// [`PushError::Closed`] after [`close_when_done`](Self::close_when_done), and
    /// [`PushError::Full`] from a full fixed-size outbox; the buffer comes back.
    fn push(&mut self, buf: impl Into<Outgoing<'a>>) -> Result<(), PushError<Outgoing<'a>>>;

    /// Closes once everything queued is written (asynchat's `close_when_done`).
    fn close_when_done(&mut self);

    /// Whether [`close_when_done`](Self::close_when_done) was called.
    fn is_closing(&self) -> bool;

    /// Bytes queued and not yet written.
    fn queued_bytes(&self) -> usize;
}

impl<'a, S: Storage> Reply<'a> for Outbox<'a, S> {
    fn push(&mut self, buf: impl Into<Outgoing<'a>>) -> Result<(), PushError<Outgoing<'a>>> {
        Outbox::push(self, buf)
    }

    fn close_when_done(&mut self) {
        Outbox::close_when_done(self);
    }

    fn is_closing(&self) -> bool {
        Outbox::is_closing(self)
    }

    fn queued_bytes(&self) -> usize {
        Outbox::queued_bytes(self)
    }
}
