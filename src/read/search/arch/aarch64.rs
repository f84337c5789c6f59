//! `aarch64`: the first byte as memchr finds it, long terminators with NEON's
//! packed pair.

use memchr::arch::all::packedpair::Pair;

/// The offset of the first `byte` in `haystack`, if any.
#[inline(always)]
pub(in crate::read::search) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(byte, haystack)
}

/// The packed-pair search for `needle` with `pair`, if the haystack is long
/// enough for it, else `None`.
#[inline(always)]
pub(in crate::read::search) fn find_with_packed_pair(
    haystack: &[u8],
    needle: &[u8],
    pair: Pair,
) -> Option<Option<usize>> {
    use memchr::arch::aarch64::neon;
    let finder = neon::packedpair::Finder::with_pair(needle, pair)?;
    (haystack.len() >= finder.min_haystack_len()).then(|| finder.find(haystack, needle))
}
