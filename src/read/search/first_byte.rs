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
//! - Otherwise [`find_byte`]: memchr's SSE2 searcher, which needs no run-time check
//!   (every `x86_64` has SSE2) and which the compiler inlines.
//!
//! Elsewhere `memchr` decides.

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

pub(crate) use kept::ByteFinder;

/// [`ByteFinder`] with `std` on `x86_64`: memchr's AVX2 searcher, kept.
#[cfg(all(feature = "std", target_arch = "x86_64", target_feature = "sse2"))]
mod kept {
    use memchr::arch::x86_64::avx2::memchr::One;
    use std::sync::OnceLock;

    use super::find_byte;

    /// One SSE2 vector: where a header line usually ends.
    const NEAR: usize = 16;

    /// A first-byte search that keeps its searcher at hand: the framer holds one
    /// in its search memo.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct ByteFinder {
        /// The AVX2 searcher last used, and the byte it finds.
        pub(super) avx2: Option<(&'static One, u8)>,
    }

    impl ByteFinder {
        /// A finder that holds no searcher yet.
        pub(crate) const fn new() -> Self {
            ByteFinder { avx2: None }
        }

        /// The terminator changed: lets go of the searcher, so that the next search
        /// takes the way for a first search, which looks at the first [`NEAR`]
        /// bytes inline before it calls the AVX2 searcher. A length-prefixed
        /// protocol changes its terminator at every header line, which is short; a
        /// line protocol keeps its terminator and its searcher.
        pub(crate) fn terminator_changed(&mut self) {
            self.avx2 = None;
        }

        /// The offset of the first `byte` in `haystack`, if any.
        #[inline(always)]
        pub(crate) fn find(&mut self, byte: u8, haystack: &[u8]) -> Option<usize> {
            match self.avx2 {
                Some((searcher, for_byte)) if for_byte == byte => searcher.find(haystack),
                _ => self.look_up_and_find(byte, haystack),
            }
        }

        /// [`find`](Self::find) without a searcher at hand (the first search since
        /// the terminator changed), out of line: inlined, it would take registers
        /// from the framer's one-byte path. A match in the first [`NEAR`] bytes is
        /// found inline, without taking the searcher back: the next frame of a
        /// length-prefixed protocol is a counted body, and then a header again.
        #[inline(never)]
        fn look_up_and_find(&mut self, byte: u8, haystack: &[u8]) -> Option<usize> {
            if let Some(at) = haystack.get(..NEAR).and_then(|head| find_byte(byte, head)) {
                return Some(at);
            }
            self.take_searcher_and_find(byte, haystack)
        }

        /// The rest of [`look_up_and_find`](Self::look_up_and_find), out of line
        /// again: in one function, the registers this part needs would be saved and
        /// restored on every search, also those settled in the first [`NEAR`]
        /// bytes.
        #[inline(never)]
        fn take_searcher_and_find(&mut self, byte: u8, haystack: &[u8]) -> Option<usize> {
            match searcher(byte) {
                Some(searcher) => {
                    self.avx2 = Some((searcher, byte));
                    searcher.find(haystack)
                }
                // No AVX2 on this CPU: each search comes here.
                None => find_byte(byte, haystack),
            }
        }
    }

    /// The AVX2 searchers, one per byte value, each built at its first use;
    /// `None` where the CPU has no AVX2. 40 KiB in the binary's data section, of
    /// which a process reads in only the pages it touches: for a line protocol,
    /// one or two.
    static SEARCHERS: [OnceLock<Option<One>>; 256] = [const { OnceLock::new() }; 256];

    /// The AVX2 searcher for `byte`, if the CPU has AVX2.
    pub(super) fn searcher(byte: u8) -> Option<&'static One> {
        SEARCHERS[usize::from(byte)]
            .get_or_init(|| One::new(byte))
            .as_ref()
    }
}

/// [`ByteFinder`] elsewhere: nothing to keep, [`find_byte`] decides.
#[cfg(not(all(feature = "std", target_arch = "x86_64", target_feature = "sse2")))]
mod kept {
    use super::find_byte;

    /// A first-byte search with nothing to keep: [`find_byte`] alone.
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
    #[cfg(all(feature = "std", target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn byte_finder_keeps_the_avx2_searcher_until_the_terminator_changes() {
        let has_avx2 = !cfg!(miri) && std::is_x86_feature_detected!("avx2");
        assert_eq!(kept::searcher(b'\n').is_some(), has_avx2);
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
