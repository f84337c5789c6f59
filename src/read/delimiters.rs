//! Several byte strings, any of which ends a frame, and the search for the first of
//! them to complete.

use core::fmt;

use crate::read::error::TerminatorError;

/// The most byte strings a [`Delimiters`] holds.
pub const MAX_DELIMITERS: usize = 8;

/// 1 to [`MAX_DELIMITERS`] byte strings, each 1 or more bytes, `N` bytes in all,
/// stored inline: the argument of
/// [`Terminator::AnyOf`](crate::Terminator::AnyOf).
///
/// A frame ends where the first of them is complete, reading the stream from the
/// start; when two complete at the same byte, the longer wins. So with `\r\n` and
/// `\n` a line ends at its `\n` and one `\r` before it is dropped, and with `abcd`
/// and `c` the input `abcd` is the frame `ab` ended by `c`, whatever follows.
/// [`Framer::matched_delimiter`](crate::Framer::matched_delimiter) says which one
/// ended the frame.
#[derive(Clone, Copy)]
pub struct Delimiters<const N: usize> {
    bytes: [u8; N],
    /// Where each string ends in `bytes`.
    ends: [u16; MAX_DELIMITERS],
    count: u8,
    /// The strings' distinct first bytes, which the search looks for.
    firsts: [u8; MAX_DELIMITERS],
    first_count: u8,
}

impl<const N: usize> Delimiters<N> {
    /// Copies `delimiters` in, in order.
    ///
    /// # Errors
    ///
    /// [`TerminatorError::Empty`] for no strings or an empty one,
    /// [`TerminatorError::TooLong`] when together they exceed `N` bytes, and
    /// [`TerminatorError::TooMany`] beyond [`MAX_DELIMITERS`].
    pub const fn new(delimiters: &[&[u8]]) -> Result<Self, TerminatorError> {
        if delimiters.is_empty() {
            return Err(TerminatorError::Empty);
        }
        if delimiters.len() > MAX_DELIMITERS {
            return Err(TerminatorError::TooMany {
                count: delimiters.len(),
                max: MAX_DELIMITERS,
            });
        }
        let mut total = 0;
        let mut i = 0;
        while i < delimiters.len() {
            if delimiters[i].is_empty() {
                return Err(TerminatorError::Empty);
            }
            total += delimiters[i].len();
            i += 1;
        }
        if total > N || total > u16::MAX as usize {
            return Err(TerminatorError::TooLong {
                len: total,
                capacity: N,
            });
        }
        let mut stored = Delimiters {
            bytes: [0; N],
            ends: [0; MAX_DELIMITERS],
            count: delimiters.len() as u8,
            firsts: [0; MAX_DELIMITERS],
            first_count: 0,
        };
        let mut at = 0;
        let mut i = 0;
        while i < delimiters.len() {
            let first = delimiters[i][0];
            let mut known = 0;
            while known < stored.first_count as usize && stored.firsts[known] != first {
                known += 1;
            }
            if known == stored.first_count as usize {
                stored.firsts[known] = first;
                stored.first_count += 1;
            }
            let mut j = 0;
            while j < delimiters[i].len() {
                stored.bytes[at] = delimiters[i][j];
                at += 1;
                j += 1;
            }
            stored.ends[i] = at as u16;
            i += 1;
        }
        Ok(stored)
    }

    /// How many strings there are.
    pub fn len(&self) -> usize {
        usize::from(self.count)
    }

    /// Always false: there is at least one string.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `index`-th string, in the order given.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        if index >= self.len() {
            return None;
        }
        let start = if index == 0 {
            0
        } else {
            usize::from(self.ends[index - 1])
        };
        Some(&self.bytes[start..usize::from(self.ends[index])])
    }

    /// The strings, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The longest string's length.
    fn max_len(&self) -> usize {
        self.iter().map(<[u8]>::len).max().unwrap_or(0)
    }
}

impl<const N: usize> PartialEq for Delimiters<N> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<const N: usize> Eq for Delimiters<N> {}

impl<const N: usize> core::hash::Hash for Delimiters<N> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        for delimiter in self.iter() {
            delimiter.hash(state);
        }
    }
}

impl<const N: usize> fmt::Debug for Delimiters<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for delimiter in self.iter() {
            list.entry(&format_args!("b\"{}\"", delimiter.escape_ascii()));
        }
        list.finish()
    }
}

/// Where the first delimiter to complete is, or where a possible one starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FoundAny {
    /// Delimiter `index`, `len` bytes long, starts here.
    At { at: usize, len: usize, index: u8 },
    /// None complete; from here to the end is a proper prefix of one of them. Equal
    /// to the virtual length when nothing may start.
    PrefixFrom(usize),
}

/// The byte at virtual position `i` of `held ++ input`.
fn byte_at(held: &[u8], input: &[u8], i: usize) -> Option<u8> {
    match i.checked_sub(held.len()) {
        None => held.get(i).copied(),
        Some(j) => input.get(j).copied(),
    }
}

/// How many bytes of `needle` match `held ++ input` from virtual position `at`: all
/// of it, or fewer where they differ or the input ends.
fn matched_len(held: &[u8], input: &[u8], at: usize, needle: &[u8]) -> usize {
    needle
        .iter()
        .enumerate()
        .take_while(|&(k, &b)| byte_at(held, input, at + k) == Some(b))
        .count()
}

/// The shortest delimiter that matches whole at `at`, as (length, index).
#[inline]
fn shortest_at<const N: usize>(
    held: &[u8],
    input: &[u8],
    at: usize,
    delimiters: &Delimiters<N>,
) -> Option<(usize, u8)> {
    let mut best: Option<(usize, u8)> = None;
    for (i, d) in delimiters.iter().enumerate() {
        let whole = match at.checked_sub(held.len()) {
            Some(j) => input[j..].starts_with(d),
            None => matched_len(held, input, at, d) == d.len(),
        };
        if whole && best.is_none_or(|(len, _)| d.len() < len) {
            best = Some((d.len(), i as u8));
        }
    }
    best
}

/// The first position in `from..limit` where a delimiter might start: a byte of
/// the held bytes, or a first byte of a delimiter in the input.
#[inline]
fn next_candidate<const N: usize>(
    held: &[u8],
    input: &[u8],
    from: usize,
    limit: usize,
    delimiters: &Delimiters<N>,
) -> Option<usize> {
    if from >= limit {
        return None;
    }
    if from < held.len() {
        return Some(from);
    }
    let rest = &input[from - held.len()..limit - held.len()];
    let found = match delimiters.firsts[..usize::from(delimiters.first_count)] {
        [a] => memchr::memchr(a, rest),
        [a, b] => memchr::memchr2(a, b, rest),
        [a, b, c] => memchr::memchr3(a, b, c, rest),
        ref set => rest.iter().position(|b| set.contains(b)),
    };
    found.map(|i| from + i)
}

/// The first delimiter to complete in `held ++ input` (the longest where several
/// complete at the same byte), or the start of the held-back tail.
pub(crate) fn find_any<const N: usize>(
    held: &[u8],
    input: &[u8],
    delimiters: &Delimiters<N>,
) -> FoundAny {
    let total = held.len() + input.len();
    let mut from = 0;
    // The leftmost whole match and where it ends.
    let mut best: Option<(usize, usize, u8)> = None;
    // Once a match is found, only one that starts before its end can end sooner.
    while let Some(at) = next_candidate(
        held,
        input,
        from,
        best.map_or(total, |(_, end, _)| end),
        delimiters,
    ) {
        if let Some((len, index)) = shortest_at(held, input, at, delimiters) {
            // One starting later completes first only if it ends before this one.
            if best.is_none_or(|(_, end, _)| at + len < end) {
                best = Some((at, at + len, index));
            }
        }
        from = at + 1;
    }
    if let Some((at, end, index)) = best {
        return FoundAny::At {
            at,
            len: end - at,
            index,
        };
    }
    // No match: hold back from the first position that may still become one.
    let tail = total.saturating_sub(delimiters.max_len() - 1);
    (tail..total)
        .find(|&at| {
            delimiters
                .iter()
                .any(|d| matched_len(held, input, at, d) == total - at)
        })
        .map_or(FoundAny::PrefixFrom(total), FoundAny::PrefixFrom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delims(list: &[&[u8]]) -> Delimiters<16> {
        Delimiters::new(list).unwrap()
    }

    #[test]
    fn first_to_complete_wins() {
        let d = delims(&[b"abcd", b"c"]);
        assert_eq!(
            find_any(b"", b"abcd", &d),
            FoundAny::At {
                at: 2,
                len: 1,
                index: 1
            }
        );
        let lines = delims(&[b"\r\n", b"\n"]);
        assert_eq!(
            find_any(b"", b"ab\r\n", &lines),
            FoundAny::At {
                at: 2,
                len: 2,
                index: 0
            }
        );
        assert_eq!(
            find_any(b"", b"a\rb\n", &lines),
            FoundAny::At {
                at: 3,
                len: 1,
                index: 1
            }
        );
        assert_eq!(find_any(b"", b"ab\r", &lines), FoundAny::PrefixFrom(2));
        assert_eq!(
            find_any(b"\r", b"\n", &lines),
            FoundAny::At {
                at: 0,
                len: 2,
                index: 0
            }
        );
        assert_eq!(find_any(b"", b"abc", &lines), FoundAny::PrefixFrom(3));
    }

    #[test]
    fn validates() {
        assert_eq!(Delimiters::<4>::new(&[]), Err(TerminatorError::Empty));
        assert_eq!(
            Delimiters::<4>::new(&[b"a", b""]),
            Err(TerminatorError::Empty)
        );
        assert_eq!(
            Delimiters::<4>::new(&[b"abc", b"de"]),
            Err(TerminatorError::TooLong {
                len: 5,
                capacity: 4
            })
        );
        assert!(matches!(
            Delimiters::<64>::new(&[&b"a"[..]; 9]),
            Err(TerminatorError::TooMany { count: 9, max: 8 })
        ));
        let d = delims(&[b"ab", b"c"]);
        assert_eq!(d.get(1), Some(&b"c"[..]));
        assert_eq!(d.get(2), None);
        assert_eq!((d.len(), d.is_empty()), (2, false));
        assert_eq!(std::format!("{d:?}"), r#"[b"ab", b"c"]"#);
    }

    #[test]
    fn equal_when_the_strings_are() {
        use core::hash::{BuildHasher, BuildHasherDefault};
        type Hasher = BuildHasherDefault<std::collections::hash_map::DefaultHasher>;
        let hash = |d: &Delimiters<16>| Hasher::default().hash_one(d);
        let a = delims(&[b"ab", b"c"]);
        assert_eq!(a, delims(&[b"ab", b"c"]));
        assert_eq!(hash(&a), hash(&delims(&[b"ab", b"c"])));
        for other in [
            delims(&[b"a", b"bc"]),
            delims(&[b"c", b"ab"]),
            delims(&[b"ab"]),
        ] {
            assert_ne!(a, other);
            assert_ne!(hash(&a), hash(&other));
        }
    }
}
