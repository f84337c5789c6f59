//! Writing a length prefix: the header for a body of a given length, for the
//! outbox or for the caller to push.

use core::fmt;

use super::inline_bytes::InlineBytes;
use crate::read::length_prefix::{ByteOrder, Format, LengthPrefix};

/// The most bytes a written header takes: a netstring's twenty digits and its colon.
const MAX_WRITTEN_HEADER_LEN: usize = 21;

impl LengthPrefix {
    /// The header for a body of `body_len` bytes: the declared length is the body's
    /// minus the [adjustment](Self::adjust). Push it before the body, or let
    /// [`Outbox::push_length_prefixed`](crate::Outbox::push_length_prefixed) do it.
    ///
    /// # Errors
    ///
    /// [`EncodeError`] if the length does not fit the field, the framing has an
    /// offset, or a custom decoder.
    pub fn encode_header(&self, body_len: u64) -> Result<InlineBytes, EncodeError> {
        let mut out = [0; MAX_WRITTEN_HEADER_LEN];
        let len = self.encode(body_len, &mut out)?;
        Ok(InlineBytes::new(&out[..len]).expect("a header fits inline bytes"))
    }

    fn encode(
        &self,
        body_len: u64,
        out: &mut [u8; MAX_WRITTEN_HEADER_LEN],
    ) -> Result<usize, EncodeError> {
        if self.offset != 0 {
            return Err(EncodeError::Offset);
        }
        let declared = i128::from(body_len) - i128::from(self.adjustment);
        let declared = u64::try_from(declared).map_err(|_| EncodeError::TooLong)?;
        match self.format {
            Format::Fixed { width, order } => {
                let width = usize::from(width);
                if width < 8 && declared >> (8 * width) != 0 {
                    return Err(EncodeError::TooLong);
                }
                let bytes = match order {
                    ByteOrder::BigEndian => declared.to_be_bytes(),
                    ByteOrder::LittleEndian => declared.to_le_bytes(),
                };
                let field = match order {
                    ByteOrder::BigEndian => &bytes[8 - width..],
                    ByteOrder::LittleEndian => &bytes[..width],
                };
                out[..width].copy_from_slice(field);
                Ok(width)
            }
            Format::Varint => {
                let mut value = declared;
                let mut len = 0;
                loop {
                    let byte = (value & 0x7f) as u8;
                    value >>= 7;
                    if value == 0 {
                        out[len] = byte;
                        return Ok(len + 1);
                    }
                    out[len] = byte | 0x80;
                    len += 1;
                }
            }
            Format::Netstring => {
                let mut digits = [0u8; 20];
                let mut value = declared;
                let mut start = digits.len();
                loop {
                    start -= 1;
                    digits[start] = b'0' + (value % 10) as u8;
                    value /= 10;
                    if value == 0 {
                        break;
                    }
                }
                let len = digits.len() - start;
                out[..len].copy_from_slice(&digits[start..]);
                out[len] = b':';
                Ok(len + 1)
            }
            Format::Custom(_) => Err(EncodeError::Custom),
        }
    }
}

/// Why a length-prefixed frame could not be pushed: its header cannot say its
/// length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The body's length, less the adjustment, does not fit the length field (or is
    /// below 0).
    TooLong,
    /// The framing has an [offset](LengthPrefix::offset): the bytes before the
    /// length are the caller's to write.
    Offset,
    /// A [custom](LengthPrefix::custom) decoder has no writer: push the header
    /// yourself.
    Custom,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodeError::TooLong => "the body's length does not fit the length field",
            EncodeError::Offset => {
                "a length prefix with an offset cannot be written: push the header yourself"
            }
            EncodeError::Custom => {
                "a custom length decoder has no writer: push the header yourself"
            }
        })
    }
}

impl core::error::Error for EncodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::length_prefix::Decoded;

    fn header(prefix: &LengthPrefix, body_len: u64) -> std::vec::Vec<u8> {
        let mut out = [0; MAX_WRITTEN_HEADER_LEN];
        let len = prefix.encode(body_len, &mut out).unwrap();
        out[..len].to_vec()
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let prefixes = [
            LengthPrefix::fixed(1, ByteOrder::BigEndian),
            LengthPrefix::fixed(3, ByteOrder::LittleEndian),
            LengthPrefix::fixed(8, ByteOrder::BigEndian).adjust(-8),
            LengthPrefix::varint(),
            LengthPrefix::netstring(),
        ];
        for prefix in prefixes {
            for body_len in [0, 1, 127, 128, 255, 300, 65_535, 1 << 40] {
                let mut out = [0; MAX_WRITTEN_HEADER_LEN];
                let Ok(len) = prefix.encode(body_len, &mut out) else {
                    continue;
                };
                assert_eq!(
                    prefix.decode(&out[..len]),
                    Ok(Decoded::Header { len, body_len }),
                    "{prefix:?} {body_len}"
                );
                for short in 0..len {
                    assert_eq!(prefix.decode(&out[..short]), Ok(Decoded::Incomplete));
                }
            }
        }
    }

    #[test]
    fn written_headers_are_exact() {
        assert_eq!(
            header(&LengthPrefix::fixed(2, ByteOrder::BigEndian), 258),
            [1, 2]
        );
        assert_eq!(
            header(&LengthPrefix::fixed(2, ByteOrder::LittleEndian), 258),
            [2, 1]
        );
        assert_eq!(header(&LengthPrefix::varint(), 300), [0xac, 0x02]);
        assert_eq!(header(&LengthPrefix::varint(), u64::MAX).len(), 10);
        assert_eq!(header(&LengthPrefix::netstring(), 0), b"0:");
        assert_eq!(
            header(&LengthPrefix::netstring(), u64::MAX),
            b"18446744073709551615:"
        );
        let counts_itself = LengthPrefix::fixed(4, ByteOrder::BigEndian).adjust(-4);
        assert_eq!(header(&counts_itself, 1), [0, 0, 0, 5]);
    }

    #[test]
    fn headers_that_cannot_be_written() {
        let mut out = [0; MAX_WRITTEN_HEADER_LEN];
        let one = LengthPrefix::fixed(1, ByteOrder::BigEndian);
        assert_eq!(one.encode(256, &mut out), Err(EncodeError::TooLong));
        assert_eq!(one.adjust(2).encode(1, &mut out), Err(EncodeError::TooLong));
        assert_eq!(one.offset(1).encode(1, &mut out), Err(EncodeError::Offset));
        let custom = LengthPrefix::custom(|_| Ok(Decoded::Incomplete));
        assert_eq!(custom.encode(1, &mut out), Err(EncodeError::Custom));
    }
}
