//! What kind of frame a terminator ends: a line, a counted block, a length-prefixed
//! frame, or the rest of the stream.

/// What ends a frame, without the terminator's bytes: carried by
/// [`Event::TooLong`](crate::Event::TooLong) and
/// [`Event::Discarded`](crate::Event::Discarded) so that a handler can tell a line
/// it dropped from a counted block it dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum FrameKind {
    /// Ended by a byte string ([`Terminator::Bytes`](crate::Terminator::Bytes)): a line, for most protocols.
    Delimited,
    /// A number of bytes ([`Terminator::Count`](crate::Terminator::Count)).
    Counted,
    /// Of the length its header declares
    /// ([`Terminator::LengthPrefixed`](crate::Terminator::LengthPrefixed)).
    LengthPrefixed,
    /// Not ended at all ([`Terminator::None`](crate::Terminator::None)): the rest of the stream.
    Unterminated,
}
