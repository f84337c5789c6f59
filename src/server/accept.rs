//! What the server does when `accept` fails.

use std::io;

/// Whether an `accept` error concerns only the connection being accepted (it was
/// reset before its turn, or a signal interrupted the call): accept the next one.
pub(super) fn is_lost_before_accept(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// Whether the process (`EMFILE`) or the system (`ENFILE`) is out of files: a
/// connection closed makes room for the one waiting.
pub(super) fn is_out_of_files(error: &io::Error) -> bool {
    // The standard library has no kind for these; the numbers are the same on
    // Linux, the BSDs and macOS.
    cfg!(unix) && matches!(error.raw_os_error(), Some(23 | 24))
}
