//! `arbitrary::Arbitrary` for the crate's input types, so users can fuzz protocols
//! built on it (feature `arbitrary`).

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::read::delimiters::{Delimiters, MAX_DELIMITERS};
use crate::read::length_prefix::{ByteOrder, Decoded, HeaderError, LengthPrefix, MAX_TRAILER_LEN};
use crate::read::terminator::{Delimiter, Terminator};

impl<'a, const N: usize> Arbitrary<'a> for Delimiter<N> {
    /// 1 to `N` arbitrary bytes.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let len = u.int_in_range(1..=N.max(1))?;
        let bytes = u.bytes(len)?;
        Delimiter::new(bytes).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a, const N: usize> Arbitrary<'a> for Delimiters<N> {
    /// 1 to [`MAX_DELIMITERS`] strings of 1 or more arbitrary bytes, `N` in all.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(1..=MAX_DELIMITERS.min(N.max(1)))?;
        let mut lens = [0; MAX_DELIMITERS];
        let mut room = N;
        for len in &mut lens[..count] {
            *len = u.int_in_range(1..=room.saturating_sub(count - 1).max(1))?;
            room = room.saturating_sub(*len);
        }
        let mut strings: [&[u8]; MAX_DELIMITERS] = [&[]; MAX_DELIMITERS];
        for (string, &len) in strings.iter_mut().zip(&lens[..count]) {
            *string = u.bytes(len)?;
        }
        Delimiters::new(&strings[..count]).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

/// A custom length decoder for fuzzing: four hexadecimal digits, as ADB writes.
fn four_hex_digits(header: &[u8]) -> core::result::Result<Decoded, HeaderError> {
    if let Some(at) = header.iter().take(4).position(|b| !b.is_ascii_hexdigit()) {
        let byte = header[at];
        return Err(HeaderError::UnexpectedByte {
            at: at as u16,
            byte,
        });
    }
    let Some(digits) = header.get(..4) else {
        return Ok(Decoded::Incomplete);
    };
    let text = core::str::from_utf8(digits).map_err(|_| HeaderError::Other(0))?;
    let body_len = u64::from_str_radix(text, 16).map_err(|_| HeaderError::Other(0))?;
    Ok(Decoded::Header { len: 4, body_len })
}

impl<'a> Arbitrary<'a> for LengthPrefix {
    /// Any length field, varint, netstring, or a custom decoder of four hex digits,
    /// with an arbitrary offset, adjustment, strip and trailer.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut prefix = match u.int_in_range(0..=3u8)? {
            0 => LengthPrefix::fixed(u.int_in_range(1..=8)?, ByteOrder::arbitrary(u)?),
            1 => LengthPrefix::varint(),
            2 => LengthPrefix::netstring(),
            _ => LengthPrefix::custom(four_hex_digits),
        };
        prefix = prefix
            .offset(u.int_in_range(0..=3)?)
            .adjust(u.int_in_range(-4..=4)?);
        if u.arbitrary()? {
            prefix = prefix.strip(u.int_in_range(0..=12)?);
        }
        if u.arbitrary()? {
            let len = u.int_in_range(0..=MAX_TRAILER_LEN)?;
            prefix = prefix.trailer(u.bytes(len)?);
        }
        Ok(prefix)
    }
}

impl<'a, const N: usize> Arbitrary<'a> for Terminator<N> {
    /// A byte string, several, a count, a length prefix or none, each about a fifth
    /// of the time.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0..=4u8)? {
            0 => Terminator::Bytes(Delimiter::arbitrary(u)?),
            1 => Terminator::AnyOf(Delimiters::arbitrary(u)?),
            2 => Terminator::Count(u.arbitrary()?),
            3 => Terminator::LengthPrefixed(LengthPrefix::arbitrary(u)?),
            _ => Terminator::None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::length_prefix::Format;

    /// Bytes from a small LCG, so that every choice comes up.
    fn lcg_bytes(len: usize) -> std::vec::Vec<u8> {
        let mut state = 7u32;
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect()
    }

    #[test]
    fn arbitrary_terminators_are_valid() {
        let data = lcg_bytes(4096);
        let mut u = Unstructured::new(&data);
        let mut kinds = [0; 5];
        let mut one_delimiter_of_n = 0;
        while let Ok(term) = Terminator::<4>::arbitrary(&mut u) {
            match term {
                Terminator::Bytes(d) => {
                    assert!((1..=4).contains(&d.len()));
                    kinds[0] += 1;
                }
                Terminator::AnyOf(d) => {
                    assert!(d.iter().map(<[u8]>::len).sum::<usize>() <= 4);
                    // A single delimiter may take the whole capacity.
                    if d.iter().map(<[u8]>::len).eq([4]) {
                        one_delimiter_of_n += 1;
                    }
                    kinds[1] += 1;
                }
                Terminator::Count(_) => kinds[2] += 1,
                Terminator::LengthPrefixed(_) => kinds[3] += 1,
                Terminator::None => kinds[4] += 1,
            }
        }
        assert!(kinds.iter().all(|&k| k > 0), "{kinds:?}");
        assert!(one_delimiter_of_n > 0);
    }

    #[test]
    fn arbitrary_length_prefixes_draw_every_form() {
        let data = lcg_bytes(4096);
        let mut u = Unstructured::new(&data);
        let mut formats = [0; 4];
        let (mut negative, mut positive, mut kept, mut trailers) = (0, 0, 0, 0);
        // Drawing from exhausted data succeeds with the first choices: stop there.
        while !u.is_empty() {
            let prefix = LengthPrefix::arbitrary(&mut u).unwrap();
            formats[match prefix.format {
                Format::Fixed { .. } => 0,
                Format::Varint => 1,
                Format::Netstring => 2,
                Format::Custom(_) => 3,
            }] += 1;
            negative += usize::from(prefix.adjustment < 0);
            positive += usize::from(prefix.adjustment > 0);
            kept += usize::from(prefix.kept_len(12) > 0);
            trailers += usize::from(!prefix.trailer_bytes().is_empty());
        }
        assert!(formats.iter().all(|&f| f > 0), "{formats:?}");
        assert!(negative > 0 && positive > 0 && kept > 0 && trailers > 0);
    }

    #[test]
    fn four_hex_digits_reads_adb_lengths() {
        assert_eq!(
            four_hex_digits(b"00ffxyz"),
            Ok(Decoded::Header {
                len: 4,
                body_len: 255
            })
        );
        assert_eq!(four_hex_digits(b"0F"), Ok(Decoded::Incomplete));
        assert_eq!(
            four_hex_digits(b"0g"),
            Err(HeaderError::UnexpectedByte { at: 1, byte: b'g' })
        );
    }
}
