//! Length-prefixed frames: a header that says how long the body is.

use core::fmt;

/// The longest trailer a [`LengthPrefix`] checks after the body.
pub const MAX_TRAILER_LEN: usize = 4;

/// What a length decoder found at the start of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decoded {
    /// The bytes so far are the start of a valid header: more are needed.
    Incomplete,
    /// A whole header.
    Header {
        /// The header's length in bytes: at least 1, at most the bytes given.
        len: usize,
        /// The body length the header declares, before the
        /// [adjustment](LengthPrefix::adjust).
        body_len: u64,
    },
}

/// A length decoder the user supplies: it is given the bytes at the start of a frame
/// (after the [offset](LengthPrefix::offset)), as many as have arrived, up to the
/// framer's capacity, and says whether they hold a whole header.
///
/// It must decide from the bytes it is given: once it answers for some bytes, it
/// must give the same answer for any longer input that starts with them, so that
/// the events do not depend on how the stream was cut into reads. An `Err` is a
/// malformed header, carried by [`Malformed`] as [`MalformedReason::Rejected`].
pub type DecodeLength = fn(&[u8]) -> Result<Decoded, HeaderError>;

/// Why a [length decoder](DecodeLength) of the user's refused a header. Small and
/// `Copy`, so that an [`Event`](crate::Event) stays four words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderError {
    /// A byte that has no place in the header, `at` bytes into it.
    UnexpectedByte {
        /// Offset of the byte in the header (after the offset bytes).
        at: u16,
        /// The byte.
        byte: u8,
    },
    /// The length does not fit in a `u64`, or is past what the protocol allows.
    LengthOutOfRange,
    /// A reason of the decoder's own, by a code of its choosing.
    Other(u16),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::UnexpectedByte { at, byte } => {
                write!(
                    f,
                    "byte \"{}\" at offset {at} of the header",
                    byte.escape_ascii()
                )
            }
            HeaderError::LengthOutOfRange => f.write_str("length out of range"),
            HeaderError::Other(code) => write!(f, "reason {code}"),
        }
    }
}

/// The order of a fixed-width length field's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ByteOrder {
    /// Most significant byte first (network order).
    BigEndian,
    /// Least significant byte first.
    LittleEndian,
}

/// How the length is written in the header.
#[derive(Clone, Copy, Debug, Eq)]
pub(crate) enum Format {
    /// An unsigned integer of 1 to 8 bytes.
    Fixed { width: u8, order: ByteOrder },
    /// An unsigned LEB128 integer (protobuf's varint): 1 to 10 bytes.
    Varint,
    /// Decimal digits and a colon, as in `12:hello world!,`.
    Netstring,
    /// The user's decoder.
    Custom(DecodeLength),
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            // Two custom framings are the same if they call the same function.
            (Format::Custom(a), Format::Custom(b)) => core::ptr::fn_addr_eq(*a, *b),
            (Format::Custom(_), _) | (_, Format::Custom(_)) => false,
            (Format::Fixed { width, order }, Format::Fixed { width: w, order: o }) => {
                (width, order) == (w, o)
            }
            (a, b) => core::mem::discriminant(a) == core::mem::discriminant(b),
        }
    }
}

impl core::hash::Hash for Format {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        core::mem::discriminant(self).hash(state);
        match self {
            Format::Fixed { width, order } => (width, order).hash(state),
            Format::Custom(decode) => (*decode as usize).hash(state),
            Format::Varint | Format::Netstring => {}
        }
    }
}

/// A length-prefixed framing: the header declares the body's length, and the frame
/// ends after the body (and an optional trailer). Used as
/// [`Terminator::LengthPrefixed`](crate::Terminator::LengthPrefixed), it stays in
/// force frame after frame, like a byte string.
///
/// The header is `offset` bytes the framer does not interpret, then the length in
/// one of these forms:
///
/// | constructor | header | as in |
/// |---|---|---|
/// | [`fixed`](Self::fixed) | an unsigned integer of 1 to 8 bytes, either byte order | Netty's `LengthFieldBasedFrameDecoder`, tokio-util's `LengthDelimitedCodec`, Twisted's `Int32StringReceiver` |
/// | [`varint`](Self::varint) | an unsigned LEB128 integer of at most 10 bytes | protobuf's length-delimited messages |
/// | [`netstring`](Self::netstring) | decimal digits, `:`, and a `,` after the body | D. J. Bernstein's netstrings, Twisted's `NetstringReceiver` |
/// | [`custom`](Self::custom) | whatever a [`DecodeLength`] function reads | ADB's four hex digits, RESP's `$5\r\n` |
///
/// The body's length is the declared length plus the [adjustment](Self::adjust)
/// (negative when the length counts the header too). By default the header is not
/// part of the frame's data; [`keep_header`](Self::keep_header) and
/// [`strip`](Self::strip) report it, or the end of it, as data before the body.
/// [`Framer::header`](crate::Framer::header) shows it in any case.
///
/// The limit set with [`Framer::set_max_frame_len`](crate::Framer::set_max_frame_len)
/// is checked on the header, before any body byte is taken: a frame whose data (the
/// body, and the header bytes reported) would be longer is
/// [`TooLong`](crate::Event::TooLong) at once, and is skipped as it arrives. A header
/// the framer cannot read is [`Malformed`](crate::Event::Malformed).
///
/// # Example
///
/// ```
/// use asynchat::{ByteOrder, Event, Framer, LengthPrefix, Terminator};
///
/// // A two-byte big-endian length, then the body.
/// let mut framer = Framer::new(Terminator::LengthPrefixed(LengthPrefix::fixed(2, ByteOrder::BigEndian)));
/// let mut input = &b"\x00\x05hello\x00\x02hi"[..];
/// let mut frames = Vec::new();
/// let mut frame = Vec::new();
/// while let Some(event) = framer.next_event(&mut input) {
///     match event {
///         Event::Data(bytes) => frame.extend_from_slice(bytes),
///         Event::Terminator => frames.push(std::mem::take(&mut frame)),
///         other => panic!("{other:?}"),
///     }
/// }
/// assert_eq!(frames, [&b"hello"[..], b"hi"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LengthPrefix {
    pub(crate) format: Format,
    pub(crate) offset: u8,
    pub(crate) adjustment: i64,
    /// Header bytes not reported as data; `u16::MAX` for all of them.
    strip: u16,
    trailer: [u8; MAX_TRAILER_LEN],
    trailer_len: u8,
}

impl LengthPrefix {
    const fn with_format(format: Format) -> Self {
        LengthPrefix {
            format,
            offset: 0,
            adjustment: 0,
            strip: u16::MAX,
            trailer: [0; MAX_TRAILER_LEN],
            trailer_len: 0,
        }
    }

    /// A length field of `width` bytes, an unsigned integer in `order`.
    ///
    /// # Panics
    ///
    /// If `width` is 0 or more than 8 (a compile error in a `const`).
    #[track_caller]
    pub const fn fixed(width: u8, order: ByteOrder) -> Self {
        assert!(
            width >= 1 && width <= 8,
            "a length field is 1 to 8 bytes wide"
        );
        Self::with_format(Format::Fixed { width, order })
    }

    /// An unsigned LEB128 length, as protobuf writes before each message of a
    /// length-delimited stream: seven bits per byte, least significant first, the
    /// high bit set on every byte but the last. More than 10 bytes, or a value past
    /// `u64::MAX`, is malformed.
    ///
    /// ```
    /// use asynchat::{Event, Framer, LengthPrefix, Terminator};
    ///
    /// let mut framer = Framer::new(Terminator::LengthPrefixed(LengthPrefix::varint()));
    /// let mut input = &[0x03, b'a', b'b', b'c', 0xff, 0xff][..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"abc")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.header(), [0x03]);
    /// assert_eq!(framer.next_event(&mut input), None); // the next header is not whole
    /// ```
    pub const fn varint() -> Self {
        Self::with_format(Format::Varint)
    }

    /// A netstring: `<decimal length>:<body>,`. A header of anything but digits and
    /// its colon, a length with a leading zero, or a body not followed by `,` is
    /// malformed.
    ///
    /// ```
    /// use asynchat::{Event, Framer, LengthPrefix, MalformedReason, Terminator};
    ///
    /// let mut framer = Framer::new(Terminator::LengthPrefixed(LengthPrefix::netstring()));
    /// let mut input = &b"5:hello,2:hi;"[..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"hello")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"hi")));
    /// let Some(Event::Malformed(malformed)) = framer.next_event(&mut input) else { panic!() };
    /// assert_eq!(malformed.position, 12);
    /// assert_eq!(malformed.reason, MalformedReason::BadTrailer { expected: b',', found: b';' });
    /// ```
    pub const fn netstring() -> Self {
        Self::with_format(Format::Netstring).trailer(b",")
    }

    /// A header read by `decode`; see [`DecodeLength`] for its contract.
    ///
    /// RESP's bulk strings, `$<length>\r\n<bytes>\r\n`:
    ///
    /// ```
    /// use asynchat::{Decoded, Event, Framer, HeaderError, LengthPrefix, Terminator};
    ///
    /// fn bulk(header: &[u8]) -> Result<Decoded, HeaderError> {
    ///     if let Some(&byte) = header.first().filter(|&&b| b != b'$') {
    ///         return Err(HeaderError::UnexpectedByte { at: 0, byte });
    ///     }
    ///     let Some(end) = header.windows(2).position(|w| w == b"\r\n") else {
    ///         return Ok(Decoded::Incomplete);
    ///     };
    ///     let len = std::str::from_utf8(&header[1..end]).ok().and_then(|d| d.parse().ok());
    ///     let body_len = len.ok_or(HeaderError::LengthOutOfRange)?;
    ///     Ok(Decoded::Header { len: end + 2, body_len })
    /// }
    ///
    /// let resp = LengthPrefix::custom(bulk).trailer(b"\r\n");
    /// let mut framer = Framer::new(Terminator::LengthPrefixed(resp));
    /// let mut input = &b"$5\r\nhello\r\n"[..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"hello")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// ```
    pub const fn custom(decode: DecodeLength) -> Self {
        Self::with_format(Format::Custom(decode))
    }

    /// `offset` bytes before the length (a type, flags, a magic number): part of the
    /// header, not interpreted.
    pub const fn offset(mut self, offset: u8) -> Self {
        self.offset = offset;
        self
    }

    /// Adds `adjustment` to the declared length to get the body's length: for
    /// example `-(header length)` when the length counts the header too. A result
    /// below 0 or past `u64::MAX` is malformed. As Netty's `lengthAdjustment`;
    /// tokio-util's `length_adjustment` counts from the end of the bytes it skips
    /// instead, so with its `num_skip(s)` use `length_adjustment + s - header length`.
    pub const fn adjust(mut self, adjustment: i64) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// Reports the whole header as data, before the body.
    ///
    /// A one-byte type, then a two-byte length that counts the whole frame, as
    /// Netty's `LengthFieldBasedFrameDecoder` would be set up for it:
    ///
    /// ```
    /// use asynchat::{ByteOrder, Event, Framer, LengthPrefix, Terminator};
    ///
    /// let prefix = LengthPrefix::fixed(2, ByteOrder::BigEndian).offset(1).adjust(-3).keep_header();
    /// let mut framer = Framer::new(Terminator::LengthPrefixed(prefix));
    /// let mut input = &b"T\x00\x05hi"[..];
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"T\x00\x05")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Data(b"hi")));
    /// assert_eq!(framer.next_event(&mut input), Some(Event::Terminator));
    /// ```
    pub const fn keep_header(self) -> Self {
        self.strip(0)
    }

    /// Leaves out the first `len` bytes of the header from the frame's data and
    /// reports the rest of it before the body (tokio-util's `num_skip`, Netty's
    /// `initialBytesToStrip`). By default the whole header is left out.
    pub const fn strip(mut self, len: u16) -> Self {
        self.strip = len;
        self
    }

    /// Bytes that must follow the body (a netstring's `,`, RESP's `\r\n`): checked,
    /// consumed, not data. A different byte there is malformed.
    ///
    /// # Panics
    ///
    /// If `trailer` is longer than [`MAX_TRAILER_LEN`] bytes.
    #[track_caller]
    pub const fn trailer(mut self, trailer: &[u8]) -> Self {
        assert!(
            trailer.len() <= MAX_TRAILER_LEN,
            "a trailer is at most MAX_TRAILER_LEN bytes"
        );
        let mut stored = [0; MAX_TRAILER_LEN];
        let mut i = 0;
        while i < trailer.len() {
            stored[i] = trailer[i];
            i += 1;
        }
        self.trailer = stored;
        self.trailer_len = trailer.len() as u8;
        self
    }

    /// The bytes that must follow each body.
    pub fn trailer_bytes(&self) -> &[u8] {
        &self.trailer[..usize::from(self.trailer_len)]
    }

    /// How many of a header of `header_len` bytes are reported as data.
    pub(crate) fn kept_len(&self, header_len: usize) -> usize {
        header_len - header_len.min(usize::from(self.strip))
    }

    /// Reads the header at the start of `bytes`, the first bytes of a frame.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Result<Decoded, MalformedReason> {
        let offset = usize::from(self.offset);
        let Some(field) = bytes.get(offset..) else {
            return Ok(Decoded::Incomplete);
        };
        let decoded = match self.format {
            Format::Fixed { width, order } => decode_fixed(field, width, order),
            Format::Varint => decode_varint(field)?,
            Format::Netstring => decode_netstring(field)?,
            Format::Custom(decode) => match decode(field) {
                Ok(Decoded::Header { len, .. }) if len == 0 || len > field.len() => {
                    return Err(MalformedReason::DecoderClaimedTooMuch)
                }
                Ok(decoded) => decoded,
                Err(error) => return Err(MalformedReason::Rejected(error)),
            },
        };
        Ok(match decoded {
            Decoded::Incomplete => Decoded::Incomplete,
            Decoded::Header { len, body_len } => Decoded::Header {
                len: offset + len,
                body_len: adjusted(body_len, self.adjustment)
                    .ok_or(MalformedReason::LengthOutOfRange)?,
            },
        })
    }
}

/// `len + adjustment`, if it is a length.
fn adjusted(len: u64, adjustment: i64) -> Option<u64> {
    u64::try_from(i128::from(len) + i128::from(adjustment)).ok()
}

fn decode_fixed(field: &[u8], width: u8, order: ByteOrder) -> Decoded {
    let width = usize::from(width);
    let Some(field) = field.get(..width) else {
        return Decoded::Incomplete;
    };
    let mut value = 0u64;
    for i in 0..width {
        let byte = match order {
            ByteOrder::BigEndian => field[i],
            ByteOrder::LittleEndian => field[width - 1 - i],
        };
        value = value << 8 | u64::from(byte);
    }
    Decoded::Header {
        len: width,
        body_len: value,
    }
}

fn decode_varint(field: &[u8]) -> Result<Decoded, MalformedReason> {
    let mut value = 0u64;
    for (i, &byte) in field.iter().enumerate() {
        // The tenth byte holds the top bit of 64; anything more overflows.
        if i == 9 && byte > 1 {
            return Err(MalformedReason::VarintTooLong);
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Decoded::Header {
                len: i + 1,
                body_len: value,
            });
        }
    }
    Ok(Decoded::Incomplete)
}

fn decode_netstring(field: &[u8]) -> Result<Decoded, MalformedReason> {
    let mut value = 0u64;
    for (i, &byte) in field.iter().enumerate() {
        match byte {
            b':' if i > 0 => {
                return Ok(Decoded::Header {
                    len: i + 1,
                    body_len: value,
                })
            }
            b'0'..=b'9' if !(i == 1 && field[0] == b'0') => {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(byte - b'0')))
                    .ok_or(MalformedReason::LengthOutOfRange)?;
            }
            _ => return Err(MalformedReason::NotANetstring { byte }),
        }
    }
    Ok(Decoded::Incomplete)
}

/// Why a length-prefixed frame's header or trailer could not be read. Carried by
/// [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The header did not end within the framer's capacity (its const parameter
    /// `N`), so it cannot be read.
    HeaderTooLong {
        /// The most header bytes the framer holds (saturated at `u32::MAX`).
        capacity: u32,
    },
    /// A varint of more than 10 bytes, or past `u64::MAX`.
    VarintTooLong,
    /// The length, after the adjustment, is below 0 or past `u64::MAX`.
    LengthOutOfRange,
    /// A netstring's header holds this byte where a digit or its colon belongs (or
    /// a leading zero).
    NotANetstring {
        /// The unexpected byte.
        byte: u8,
    },
    /// The body is not followed by the trailer.
    BadTrailer {
        /// The trailer's byte expected here.
        expected: u8,
        /// The byte found instead.
        found: u8,
    },
    /// The user's length decoder refused the header.
    Rejected(HeaderError),
    /// The user's length decoder said the header is empty, or longer than the bytes
    /// it was given: a bug in the decoder, reported rather than trusted.
    DecoderClaimedTooMuch,
}

/// A length-prefixed frame whose header or trailer cannot be read: the stream
/// cannot be framed further with that terminator. Carried by
/// [`Event::Malformed`](crate::Event::Malformed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Malformed {
    /// Stream position of the first byte of the frame's header (of a bad trailer:
    /// of the byte that should have been the trailer's).
    pub position: u64,
    /// What is wrong.
    pub reason: MalformedReason,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.position;
        match self.reason {
            MalformedReason::HeaderTooLong { capacity } => write!(
                f,
                "length header at byte {at} is longer than the framer's capacity of {capacity} bytes"
            ),
            MalformedReason::VarintTooLong => {
                write!(f, "varint length at byte {at} is longer than 64 bits")
            }
            MalformedReason::LengthOutOfRange => {
                write!(f, "length at byte {at} is out of range after its adjustment")
            }
            MalformedReason::NotANetstring { byte } => write!(
                f,
                "netstring length at byte {at} holds \"{}\" where a digit or ':' belongs",
                byte.escape_ascii()
            ),
            MalformedReason::BadTrailer { expected, found } => write!(
                f,
                "byte {at} is \"{}\" where the frame's trailer has \"{}\"",
                found.escape_ascii(),
                expected.escape_ascii()
            ),
            MalformedReason::Rejected(error) => {
                write!(f, "length header at byte {at} refused: {error}")
            }
            MalformedReason::DecoderClaimedTooMuch => write!(
                f,
                "the length decoder claimed a header at byte {at} it was not given"
            ),
        }
    }
}

impl core::error::Error for Malformed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_headers() {
        let varint = LengthPrefix::varint();
        assert_eq!(varint.decode(&[0xff; 9]), Ok(Decoded::Incomplete));
        assert_eq!(
            varint.decode(&[0xff; 10]),
            Err(MalformedReason::VarintTooLong)
        );
        let mut max = [0xff; 10];
        max[9] = 1;
        assert_eq!(
            varint.decode(&max),
            Ok(Decoded::Header {
                len: 10,
                body_len: u64::MAX
            })
        );
        let net = LengthPrefix::netstring();
        assert_eq!(
            net.decode(b":"),
            Err(MalformedReason::NotANetstring { byte: b':' })
        );
        assert_eq!(
            net.decode(b"01:"),
            Err(MalformedReason::NotANetstring { byte: b'1' })
        );
        assert_eq!(
            net.decode(b"1a"),
            Err(MalformedReason::NotANetstring { byte: b'a' })
        );
        assert_eq!(
            net.decode(b"99999999999999999999:"),
            Err(MalformedReason::LengthOutOfRange)
        );
        let negative = LengthPrefix::fixed(1, ByteOrder::BigEndian).adjust(-2);
        assert_eq!(
            negative.decode(&[1]),
            Err(MalformedReason::LengthOutOfRange)
        );
        let liar = LengthPrefix::custom(|_| {
            Ok(Decoded::Header {
                len: 5,
                body_len: 0,
            })
        });
        assert_eq!(
            liar.decode(b"ab"),
            Err(MalformedReason::DecoderClaimedTooMuch)
        );
        let empty = LengthPrefix::custom(|_| {
            Ok(Decoded::Header {
                len: 0,
                body_len: 0,
            })
        });
        assert_eq!(
            empty.decode(b"ab"),
            Err(MalformedReason::DecoderClaimedTooMuch)
        );
        let no = LengthPrefix::custom(|_| Err(HeaderError::Other(7)));
        assert_eq!(
            no.decode(b"a"),
            Err(MalformedReason::Rejected(HeaderError::Other(7)))
        );
    }

    #[test]
    fn offset_and_strip() {
        let prefix = LengthPrefix::fixed(1, ByteOrder::BigEndian)
            .offset(2)
            .strip(1);
        assert_eq!(prefix.decode(b"ab"), Ok(Decoded::Incomplete));
        assert_eq!(
            prefix.decode(b"ab\x05"),
            Ok(Decoded::Header {
                len: 3,
                body_len: 5
            })
        );
        assert_eq!(prefix.kept_len(3), 2);
        assert_eq!(LengthPrefix::varint().kept_len(3), 0);
        assert_eq!(LengthPrefix::varint().keep_header().kept_len(3), 3);
    }

    #[test]
    fn framings_compare_and_hash_by_what_they_read() {
        use core::hash::{BuildHasher, BuildHasherDefault};
        type Hasher = BuildHasherDefault<std::collections::hash_map::DefaultHasher>;
        let hash = |p: &LengthPrefix| Hasher::default().hash_one(p);
        fn one(_: &[u8]) -> Result<Decoded, HeaderError> {
            Ok(Decoded::Incomplete)
        }
        fn other(_: &[u8]) -> Result<Decoded, HeaderError> {
            Err(HeaderError::Other(1))
        }
        let framings = [
            LengthPrefix::fixed(2, ByteOrder::BigEndian),
            LengthPrefix::fixed(2, ByteOrder::LittleEndian),
            LengthPrefix::fixed(3, ByteOrder::BigEndian),
            LengthPrefix::varint(),
            LengthPrefix::netstring(),
            LengthPrefix::custom(one),
            LengthPrefix::custom(other),
        ];
        for (i, a) in framings.iter().enumerate() {
            for (j, b) in framings.iter().enumerate() {
                assert_eq!(a == b, i == j, "{a:?} {b:?}");
                assert_eq!(hash(a) == hash(b), i == j, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn messages_say_where() {
        let malformed = Malformed {
            position: 7,
            reason: MalformedReason::BadTrailer {
                expected: b',',
                found: b'x',
            },
        };
        assert_eq!(
            std::format!("{malformed}"),
            "byte 7 is \"x\" where the frame's trailer has \",\""
        );
    }
}
