//! What a channel starts with: its limits, budget and timeouts.

use std::time::Duration;

/// asynchat's `ac_in_buffer_size`: bytes read at once.
pub const DEFAULT_READ_BUFFER_LEN: usize = 65536;

/// The line limit a channel starts with, in data bytes: a channel is a server's
/// front door, and a peer that never sends the terminator must not cost more than
/// this in the handler's buffer. Raise it (or lift it) from the handler if the
/// protocol's lines may be longer; a counted body is not subject to it.
pub const DEFAULT_MAX_FRAME_LEN: u64 = 65536;

/// The largest [`Terminator::Count`](crate::Terminator::Count) a whole-frame reader that buffers on the heap
/// (the [`Frames`](super::Frames) adapter, the tokio codec) accepts to begin with: 16 MiB. A larger
/// count is refused where it is set, and the handler hears of it at once. Counts are
/// not subject to the frame limit, which is meant for lines.
pub const DEFAULT_MAX_COUNT: u64 = 16 << 20;

/// Reads one readiness call makes at most before it returns [`Status::Busy`](super::Status::Busy), so that
/// one busy peer cannot starve the others.
pub const DEFAULT_READS_PER_CALL: usize = 4;

/// How long a lingering close waits for the peer to close its side.
pub const DEFAULT_LINGER: Duration = Duration::from_secs(2);

/// How long a channel waits for the peer to make progress (send a byte, or take one
/// of the replies) before it gives up: five minutes, as RFC 5321 asks of an SMTP
/// server between commands.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
