//! `x86_64`: the first byte with SSE2, which every `x86_64` has and the compiler
//! inlines, or with AVX2 kept at hand (with `std`, which can ask the CPU); long
//! terminators with AVX2's or SSE2's packed pair.

use memchr::arch::all::packedpair::Pair;

/// The offset of the first `byte` in `haystack`, if any.
#[inline(always)]
pub(in crate::read::search) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    match memchr::arch::x86_64::sse2::memchr::One::new(byte) {
        Some(searcher) => searcher.find(haystack),
        // Not reached: SSE2 is part of the target. Kept so that no assumption can
        // turn into a wrong answer.
        None => memchr::memchr(byte, haystack),
    }
}

/// The packed-pair search for `needle` with `pair`, if the haystack is long
/// enough for it, else `None`.
#[inline(always)]
pub(in crate::read::search) fn find_with_packed_pair(
    haystack: &[u8],
    needle: &[u8],
    pair: Pair,
) -> Option<Option<usize>> {
    use memchr::arch::x86_64::{avx2, sse2};
    // Borrowed, not moved out of the `Option`: the move would copy the searcher's
    // vectors on every call.
    let avx2 = avx2::packedpair::Finder::with_pair(needle, pair);
    if let Some(finder) = &avx2 {
        (haystack.len() >= finder.min_haystack_len()).then(|| finder.find(haystack, needle))
    } else {
        let finder = sse2::packedpair::Finder::with_pair(needle, pair)?;
        (haystack.len() >= finder.min_haystack_len()).then(|| finder.find(haystack, needle))
    }
}

/// [`ByteFinder`](kept::ByteFinder) with `std`: memchr's AVX2 searcher, kept.
#[cfg(feature = "std")]
pub(in crate::read::search) mod kept {
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
        pub(in crate::read::search) avx2: Option<(&'static One, u8)>,
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
    /// `None` where the CPU has no AVX2. The table lives in the binary's data
    /// section, of which a process reads in only the pages it touches: a line
    /// protocol touches the searchers for one or two bytes.
    static SEARCHERS: [OnceLock<Option<One>>; 256] = [const { OnceLock::new() }; 256];

    /// The AVX2 searcher for `byte`, if the CPU has AVX2.
    pub(in crate::read::search) fn searcher(byte: u8) -> Option<&'static One> {
        SEARCHERS[usize::from(byte)]
            .get_or_init(|| One::new(byte))
            .as_ref()
    }
}
