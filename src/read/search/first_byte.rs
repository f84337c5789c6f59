//! Finding a terminator's first byte: the search every frame of a line protocol
//! starts with.
//!
//! `memchr::memchr` picks its code at run time: on `x86_64` it calls through a
//! function pointer to its AVX2 searcher (its SSE2 one without memchr's `std`
//! feature), which the compiler cannot inline. For the `\n` that ends a short
//! line that call costs more than the compares. On `x86_64` the framer does
//! better:
//!
//! - With `std`, on a CPU with AVX2, [`ByteFinder`] calls memchr's AVX2 searcher
//!   directly. It takes 32 bytes a step, and on short lines it leaves its loop at a
//!   predictable point, where the SSE2 searcher's exit is a coin toss on random
//!   lengths. The searcher for a byte value is built once per process, in a static
//!   table, and the framer keeps a reference to it: built anew for every search,
//!   the searcher would be copied in 16-byte halves and read back as one 32-byte
//!   vector, which a CPU cannot forward from two stores.
//! - The first search after a terminator change looks at the first 16 bytes inline
//!   before it calls the AVX2 searcher: a length-prefixed protocol changes its
//!   terminator for every header line, which is short, and would pay for the call
//!   on every message.
//! - Otherwise `find_byte`: memchr's SSE2 searcher, which needs no run-time check
//!   (every `x86_64` has SSE2) and which the compiler inlines.
//!
//! Elsewhere `memchr` decides.

#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(super) use super::arch::kept::ByteFinder;

#[cfg(not(all(feature = "std", target_arch = "x86_64")))]
pub(super) use plain::ByteFinder;

/// [`ByteFinder`] elsewhere: nothing to keep, `find_byte` decides.
#[cfg(not(all(feature = "std", target_arch = "x86_64")))]
mod plain {
    use super::super::arch::find_byte;

    /// A first-byte search with nothing to keep: `find_byte` alone.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct ByteFinder;

    impl ByteFinder {
        /// A finder.
        pub(crate) const fn new() -> Self {
            ByteFinder
        }

        /// The terminator changed: nothing is kept, nothing to do.
        pub(crate) fn terminator_changed(&mut self) {}

        /// The offset of the first `byte` in `haystack`, if any.
        #[inline(always)]
        pub(crate) fn find(&mut self, byte: u8, haystack: &[u8]) -> Option<usize> {
            find_byte(byte, haystack)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::arch::find_byte;
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
    fn byte_finder_agrees_with_memchr_for_every_byte_it_is_asked() {
        // One finder for every search, the byte changing between searches (a
        // searcher kept for one byte never answers for another), with and without
        // a terminator change before each search (which takes the first-search way,
        // with its look at the first 16 bytes).
        let mut finder = ByteFinder::new();
        let lengths: std::vec::Vec<usize> = if cfg!(miri) {
            std::vec![0, 1, 15, 16, 17, 31, 32, 33, 129]
        } else {
            (0..300).collect()
        };
        for changed in [false, true] {
            for byte in [b'\r', b'\n', 0xff, b'\r'] {
                for &len in &lengths {
                    let mut haystack = std::vec![b'a'; len];
                    let find = |finder: &mut ByteFinder, byte, haystack: &[u8]| {
                        if changed {
                            finder.terminator_changed();
                        }
                        finder.find(byte, haystack)
                    };
                    assert_eq!(find(&mut finder, byte, &haystack), None, "{len}");
                    for at in 0..len {
                        haystack.fill(b'\n' ^ b'\r' ^ byte);
                        haystack[at] = byte;
                        haystack[len - 1] = byte;
                        assert_eq!(find(&mut finder, byte, &haystack), Some(at), "{len} {at}");
                        assert_eq!(find(&mut finder, b'x', &haystack), None, "{len} {at}");
                    }
                }
            }
        }
    }

    /// Where the CPU has AVX2, the finder keeps the AVX2 searcher for its byte once
    /// a match lies past the first 16 bytes, and lets it go when the terminator
    /// changes. (Speed, not answers: the test above checks the answers.)
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    #[test]
    fn byte_finder_keeps_the_avx2_searcher_until_the_terminator_changes() {
        let has_avx2 = !cfg!(miri) && std::is_x86_feature_detected!("avx2");
        assert_eq!(
            super::super::arch::kept::searcher(b'\n').is_some(),
            has_avx2
        );
        let mut finder = ByteFinder::new();
        let mut haystack = [b'a'; 100];
        haystack[5] = b'\n';
        assert_eq!(finder.find(b'\n', &haystack), Some(5));
        assert!(finder.avx2.is_none(), "a near match takes no searcher");
        haystack[5] = b'a';
        haystack[50] = b'\n';
        assert_eq!(finder.find(b'\n', &haystack), Some(50));
        assert_eq!(finder.avx2.map(|(_, byte)| byte), has_avx2.then_some(b'\n'));
        finder.terminator_changed();
        assert!(finder.avx2.is_none());
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
