//! Finding a terminator's first byte: the search every frame of a line protocol
//! starts with.
//!
//! `memchr::memchr` picks its code at run time: on `x86_64` it calls through a
//! function pointer to its AVX2 searcher (its SSE2 one without memchr's `std`
//! feature), which the compiler cannot inline. For the `\n` that ends a 60-byte
//! line that call costs more than the compares (about 70 instructions in all).
//! Every `x86_64` has SSE2, so memchr's SSE2 searcher needs no run-time check: the
//! framer calls it directly and the compiler inlines it, which takes an eighth off
//! the instructions per line. Elsewhere `memchr` decides.

/// The offset of the first `byte` in `haystack`, if any.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    match memchr::arch::x86_64::sse2::memchr::One::new(byte) {
        Some(searcher) => searcher.find(haystack),
        // Not reached: SSE2 is part of the target. Kept so that no assumption can
        // turn into a wrong answer.
        None => memchr::memchr(byte, haystack),
    }
}

/// The offset of the first `byte` in `haystack`, if any.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
pub(crate) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(byte, haystack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_memchr_at_every_place_and_length() {
        // Across the searcher's vector (16 bytes) and loop (64 bytes) sizes, or
        // under Miri, a thousand times slower, the lengths around them; the byte
        // alone, twice, and absent; bytes with the high bit set, whose compare is
        // signed in SSE2.
        let lengths: std::vec::Vec<usize> = if cfg!(miri) {
            std::vec![0, 1, 15, 16, 17, 63, 64, 65, 80, 129]
        } else {
            (0..200).collect()
        };
        for byte in [b'\n', 0x00, 0x80, 0xff] {
            for &len in &lengths {
                let mut haystack = std::vec![b'a'; len];
                assert_eq!(find_byte(byte, &haystack), None, "{len}");
                for at in 0..len {
                    haystack.fill(b'a');
                    haystack[at] = byte;
                    assert_eq!(find_byte(byte, &haystack), Some(at), "{len} {at}");
                    haystack[len - 1] = byte;
                    assert_eq!(find_byte(byte, &haystack), Some(at), "{len} {at}");
                }
            }
        }
    }

    #[test]
    fn unaligned_haystacks() {
        let mut bytes = [b'x'; 300];
        bytes[150] = b'\n';
        for start in 0..=150 {
            assert_eq!(find_byte(b'\n', &bytes[start..]), Some(150 - start));
        }
    }
}
