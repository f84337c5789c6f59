//! Moving bytes between the Sans-IO core and `std::io` streams.

use std::io::{self, IoSlice, Read, Write};
use std::vec;
use std::vec::Vec;

use crate::write::outbox::{Drained, Next, Outbox};
use crate::write::storage::Storage;

/// What one [`read_some`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadOutcome {
    /// This many bytes (at least 1) are at the start of the buffer.
    Read(usize),
    /// The peer closed its side (`Ok(0)` from `read`).
    Eof,
    /// Nothing now (`WouldBlock`): wait for readability.
    WouldBlock,
}

/// Reads once into `buf`, retrying `Interrupted` and turning `WouldBlock` into
/// [`ReadOutcome::WouldBlock`] and `Ok(0)` into [`ReadOutcome::Eof`].
///
/// # Errors
///
/// Any other error from `read`.
pub fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<ReadOutcome> {
    loop {
        return match reader.read(buf) {
            Ok(0) if !buf.is_empty() => Ok(ReadOutcome::Eof),
            Ok(n) => Ok(ReadOutcome::Read(n)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(ReadOutcome::WouldBlock),
            Err(e) => Err(e),
        };
    }
}

/// Slices for one vectored write: on the stack for a short queue, on the heap for a
/// long one, as many as the queue holds up to the outbox's maximum.
// The large variant is the point: most writes need no allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Slices<'s> {
    /// The array, and how many of its slices a write may take.
    Stack([IoSlice<'s>; STACK_SLICES], usize),
    Heap(Vec<IoSlice<'s>>),
}

/// Slices kept on the stack: most writes take a few.
const STACK_SLICES: usize = 64;

impl<'s> Slices<'s> {
    /// Room for the next write of `outbox`.
    pub(crate) fn for_outbox<S: Storage>(outbox: &Outbox<'_, S>) -> Self {
        // An empty queue still gets a slice: a producer may come to life.
        let wanted = outbox.queued_items().clamp(1, outbox.max_write_slices());
        if wanted <= STACK_SLICES {
            Slices::Stack([IoSlice::new(&[]); STACK_SLICES], wanted)
        } else {
            Slices::Heap(vec![IoSlice::new(&[]); wanted])
        }
    }

    pub(crate) fn as_mut(&mut self) -> &mut [IoSlice<'s>] {
        match self {
            Slices::Stack(slices, len) => &mut slices[..*len],
            Slices::Heap(slices) => slices,
        }
    }
}

/// Takes `written` bytes of a write off the outbox; a write of nothing is
/// `WriteZero`, as `Write::write_all` says. Shared with the tokio drain.
pub(crate) fn advance_by_write<S: Storage>(
    outbox: &mut Outbox<'_, S>,
    written: usize,
) -> io::Result<()> {
    if written == 0 {
        return Err(io::Error::new(
            io::ErrorKind::WriteZero,
            "the writer accepted no bytes",
        ));
    }
    outbox
        .advance(written)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes the outbox out with `write_vectored` until it is empty, the writer would
/// block, or the outbox says to close. `Interrupted` is retried.
///
/// # Errors
///
/// Any other write error, and `WriteZero` if the writer accepts nothing. Bytes not
/// written stay queued: nothing is lost.
pub fn write_outbox<S: Storage>(
    writer: &mut impl Write,
    outbox: &mut Outbox<'_, S>,
) -> io::Result<Drained> {
    loop {
        let mut slices = Slices::for_outbox(outbox);
        let slices = slices.as_mut();
        let filled = match outbox.chunks_vectored(slices) {
            Next::Write(filled) => filled,
            Next::Idle => return Ok(Drained::Idle),
            Next::Close => return Ok(Drained::Close),
        };
        match writer.write_vectored(&slices[..filled]) {
            Ok(n) => advance_by_write(outbox, n)?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Drained::WouldBlock),
            Err(e) => return Err(e),
        }
    }
}
