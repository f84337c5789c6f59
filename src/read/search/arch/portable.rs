//! Other targets: memchr decides.

use memchr::arch::all::packedpair::Pair;

/// The offset of the first `byte` in `haystack`, if any.
#[inline(always)]
pub(in crate::read::search) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(byte, haystack)
}

/// No packed pair here: `memmem` decides.
#[inline(always)]
pub(in crate::read::search) fn find_with_packed_pair(
    _haystack: &[u8],
    _needle: &[u8],
    _pair: Pair,
) -> Option<Option<usize>> {
    None
}
