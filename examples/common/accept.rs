//! What the example servers do when `accept` fails.

use std::io;

/// Whether an `accept` error concerns only the connection being accepted (it was
/// reset before its turn, or a signal interrupted the call): accept the next one.
/// Any other error (out of files or memory) is the process's: the connections
/// waiting in the backlog are accepted later, once closes have freed some.
pub fn is_lost_before_accept(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}
