//! What ends a frame: a byte string, a byte count, or nothing.

use core::fmt;
use core::ops::Deref;

use crate::read::delimiters::Delimiters;
use crate::read::error::TerminatorError;
use crate::read::frame_kind::FrameKind;
use crate::read::length_prefix::LengthPrefix;

/// The longest byte-string terminator a [`Framer`](crate::Framer) accepts unless told
/// otherwise: the default of its const parameter `N`.
pub const DEFAULT_MAX_TERMINATOR_LEN: usize = 64;

/// What ends a frame (asynchat's `set_terminator` argument, and the framings of
/// tokio-util, Netty and Twisted).
///
/// `N` is the longest byte string allowed; it must match the
/// [`Framer`](crate::Framer)'s, which is why both default to [`DEFAULT_MAX_TERMINATOR_LEN`].
///
/// # Example
///
/// ```
/// use asynchat::Terminator;
///
/// // Checked at compile time when used in a `const`.
/// const CRLF: Terminator = Terminator::literal(b"\r\n");
/// let boundary: Terminator = Terminator::bytes(b"--frontier").unwrap();
/// let body: Terminator = Terminator::Count(166);
/// assert_eq!(CRLF.as_bytes(), Some(&b"\r\n"[..]));
/// assert!(Terminator::<64>::bytes(b"").is_err());
/// # let _ = (boundary, body);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Terminator<const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    /// A frame ends where this byte string appears; the string itself is not data.
    Bytes(Delimiter<N>),
    /// A frame ends where the first of several byte strings is complete (the longest
    /// of those complete at the same byte); the string is not data.
    /// [`Terminator::lines`] is the common case: `\n`, with one `\r` before it
    /// dropped. [`Framer::matched_delimiter`](crate::Framer::matched_delimiter) says
    /// which string ended the frame.
    AnyOf(Delimiters<N>),
    /// A frame ends after this many bytes, which are data. After it fires, the
    /// terminator becomes [`Terminator::None`] until the caller sets another. While
    /// in progress, [`Framer::terminator`](crate::Framer::terminator) shows how many
    /// bytes remain (asynchat's countdown). `Count(0)` fires at once.
    Count(u64),
    /// Frame after frame, each a header that declares the body's length, then the
    /// body (and an optional trailer): see [`LengthPrefix`]. Unlike a count, it stays
    /// in force. Set it at a frame end: set inside a frame, the bytes that follow
    /// are read as a header.
    LengthPrefixed(LengthPrefix),
    /// No frames: every byte is data (asynchat's `None`).
    None,
}

impl<const N: usize> Terminator<N> {
    /// Which kind of frame this terminator ends.
    pub const fn kind(&self) -> FrameKind {
        match self {
            Terminator::Bytes(_) | Terminator::AnyOf(_) => FrameKind::Delimited,
            Terminator::Count(_) => FrameKind::Counted,
            Terminator::LengthPrefixed(_) => FrameKind::LengthPrefixed,
            Terminator::None => FrameKind::Unterminated,
        }
    }

    /// A byte-string terminator.
    ///
    /// # Errors
    ///
    /// [`TerminatorError::Empty`] for `b""`, and [`TerminatorError::TooLong`] for a
    /// string longer than `N` bytes.
    pub fn bytes(bytes: &[u8]) -> Result<Self, TerminatorError> {
        Delimiter::new(bytes).map(Terminator::Bytes)
    }

    /// Lines: a frame ends at `\n`, and one `\r` before it is dropped too, as most
    /// servers of text protocols accept (tokio-util's `LinesCodec`, Netty's
    /// `LineBasedFrameDecoder`). Any of `\r\n` (index 0) or `\n` (index 1).
    ///
    /// ```
    /// use asynchat::{Event, Framer, Terminator};
    ///
    /// let mut framer = Framer::new(Terminator::lines());
    /// let mut input = &b"unix\nwindows\r\n"[..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"unix")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"windows")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.matched_delimiter(), 0); // `\r\n`
    /// ```
    ///
    /// # Panics
    ///
    /// If `N` is less than 3 (a compile error in a `const`).
    pub const fn lines() -> Self {
        match Delimiters::new(&[b"\r\n", b"\n"]) {
            Ok(delimiters) => Terminator::AnyOf(delimiters),
            Err(_) => panic!("lines need a capacity of at least 3 bytes"),
        }
    }

    /// Several byte-string terminators at once: a frame ends where the first of
    /// them is complete (see [`Delimiters`]).
    ///
    /// ```
    /// use asynchat::{Event, Framer, Terminator};
    ///
    /// let mut framer = Framer::new(Terminator::any_of(&[b";", b"\r\n"]).unwrap());
    /// let mut input = &b"a=1;b=2\r\n"[..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"a=1")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.matched_delimiter(), 0);
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"b=2")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.matched_delimiter(), 1);
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Delimiters::new`].
    pub const fn any_of(delimiters: &[&[u8]]) -> Result<Self, TerminatorError> {
        match Delimiters::new(delimiters) {
            Ok(delimiters) => Ok(Terminator::AnyOf(delimiters)),
            Err(error) => Err(error),
        }
    }

    /// A byte-string terminator from a literal, checked at compile time when used to
    /// initialise a `const` or `static`.
    ///
    /// # Panics
    ///
    /// If `bytes` is empty or longer than `N` (a compile error in a `const`).
    #[track_caller]
    pub const fn literal(bytes: &[u8]) -> Self {
        match Delimiter::new_const(bytes) {
            Ok(delimiter) => Terminator::Bytes(delimiter),
            Err(TerminatorError::Empty) => panic!("a terminator cannot be empty"),
            Err(_) => panic!("terminator longer than the framer's capacity"),
        }
    }

    /// The byte string, if this is a [`Terminator::Bytes`].
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Terminator::Bytes(delimiter) => Some(delimiter),
            _ => None,
        }
    }
}

impl<const N: usize> fmt::Debug for Terminator<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Terminator::Bytes(delimiter) => f.debug_tuple("Bytes").field(delimiter).finish(),
            Terminator::AnyOf(delimiters) => f.debug_tuple("AnyOf").field(delimiters).finish(),
            Terminator::Count(n) => f.debug_tuple("Count").field(n).finish(),
            Terminator::LengthPrefixed(prefix) => {
                f.debug_tuple("LengthPrefixed").field(prefix).finish()
            }
            Terminator::None => f.write_str("None"),
        }
    }
}

/// A validated byte-string terminator: 1 to `N` bytes, stored inline.
///
/// It dereferences to its bytes.
#[derive(Clone, Copy)]
pub struct Delimiter<const N: usize = DEFAULT_MAX_TERMINATOR_LEN> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Delimiter<N> {
    /// Copies `bytes` into a delimiter.
    ///
    /// # Errors
    ///
    /// [`TerminatorError::Empty`] for `b""`, [`TerminatorError::TooLong`] beyond `N`
    /// bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, TerminatorError> {
        Self::new_const(bytes)
    }

    const fn new_const(bytes: &[u8]) -> Result<Self, TerminatorError> {
        if bytes.is_empty() {
            return Err(TerminatorError::Empty);
        }
        if bytes.len() > N {
            return Err(TerminatorError::TooLong {
                len: bytes.len(),
                capacity: N,
            });
        }
        let mut stored = [0; N];
        let mut i = 0;
        while i < bytes.len() {
            stored[i] = bytes[i];
            i += 1;
        }
        Ok(Delimiter {
            bytes: stored,
            len: bytes.len(),
        })
    }

    /// The first byte, without the length check that taking the slice costs: a
    /// delimiter is never empty (`N` is at least 1 for one to exist).
    #[inline(always)]
    pub(crate) fn first(&self) -> u8 {
        self.bytes.first().copied().unwrap_or_default()
    }

    /// The second stored byte, without taking the slice: the delimiter's second byte
    /// if it has two or more, else the zero that pads the storage (`None` only when
    /// `N` is 1). The caller knows the length.
    #[inline(always)]
    pub(crate) fn second(&self) -> Option<u8> {
        self.bytes.get(1).copied()
    }

    /// The length, without taking the slice.
    #[inline(always)]
    pub(crate) fn width(&self) -> usize {
        self.len
    }
}

impl<const N: usize> Deref for Delimiter<N> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl<const N: usize> PartialEq for Delimiter<N> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<const N: usize> Eq for Delimiter<N> {}

impl<const N: usize> core::hash::Hash for Delimiter<N> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl<const N: usize> fmt::Debug for Delimiter<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.escape_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_length() {
        assert_eq!(
            Terminator::<4>::bytes(b""),
            Err(TerminatorError::Empty),
            "empty"
        );
        assert_eq!(
            Terminator::<4>::bytes(b"abcde"),
            Err(TerminatorError::TooLong {
                len: 5,
                capacity: 4
            })
        );
        assert_eq!(
            Terminator::<4>::bytes(b"abcd").unwrap().as_bytes(),
            Some(&b"abcd"[..])
        );
    }

    #[test]
    fn literal_in_const() {
        const T: Terminator<2> = Terminator::literal(b"\r\n");
        assert_eq!(std::format!("{T:?}"), r#"Bytes(b"\r\n")"#);
    }

    #[test]
    #[should_panic(expected = "cannot be empty")]
    fn literal_panics_on_empty() {
        let _ = Terminator::<2>::literal(b"");
    }

    #[test]
    fn equality_ignores_unused_storage() {
        let a = Delimiter::<8>::new(b"ab").unwrap();
        let b = Delimiter::<8>::new(b"ab").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Delimiter::<8>::new(b"abc").unwrap());
    }
}
