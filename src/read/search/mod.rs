//! Finding a byte-string terminator in the held-back bytes followed by new input.
//!
//! The framer sees its input as one virtual slice: the few bytes it held back (fewer
//! than the terminator's length) and then the caller's slice. Positions below are
//! offsets into that virtual slice. [`find`] is the only entry: the framer's fast path
//! and its general step both call it, so there is one search rule.
//!
//! The rule is written once, here, for every target. What differs by target is
//! which of memchr's searchers it runs: `arch/` holds one file per target, and
//! `first_byte.rs` the first-byte search that every frame of a line protocol
//! starts with.

use memchr::arch::all::packedpair::Pair;

mod arch;
mod first_byte;

use crate::read::terminator::Delimiter;
use first_byte::ByteFinder;

/// What the search keeps between calls: for the terminator, the two of its bytes
/// that `memchr`'s packed-pair searcher looks for (choosing them ranks every byte
/// of the terminator, which is worth doing once per terminator rather than once
/// per read of a long body); and the first-byte searcher. The framer renews it
/// whenever its terminator changes.
#[derive(Clone, Copy, Debug)]
// Not aligned beyond its fields, so that it packs among the framer's one-byte
// fields and a `Framer` without `std` stays small.
pub(crate) struct Memo {
    pair: Option<Pair>,
    /// The first-byte search. A new terminator makes it take its first-search
    /// way again ([`ByteFinder::terminator_changed`]); it checks the byte it is
    /// asked for in any case.
    first: ByteFinder,
}

impl Memo {
    /// A memo that knows nothing yet.
    pub(crate) const fn new() -> Self {
        Memo {
            pair: None,
            first: ByteFinder::new(),
        }
    }

    /// Forgets what belongs to the old terminator, for a new one.
    pub(crate) fn renew(&mut self) {
        self.pair = None;
        self.first.terminator_changed();
    }

    /// The pair for `needle`, the terminator this memo belongs to.
    fn pair(&mut self, needle: &[u8]) -> Option<Pair> {
        // A pair that does not fit the needle would make the searcher panic; the
        // framer renews the memo with each terminator, and this keeps a slip there
        // from becoming a panic.
        let fits = |pair: &Pair| usize::from(pair.index1().max(pair.index2())) < needle.len();
        if !self.pair.as_ref().is_some_and(fits) {
            self.pair = Pair::new(needle);
        }
        self.pair
    }
}

/// Where the leftmost terminator is, or where a possible one starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A whole terminator starts here.
    At(usize),
    /// No whole terminator; from here to the end is a proper prefix of it, which
    /// must be held back until more input (or the end of the stream) decides it.
    /// Equal to the virtual length when nothing matches.
    PrefixFrom(usize),
}

/// Inputs up to this length are scanned with a plain loop instead of `memchr`, whose
/// set-up costs more than the scan on the few bytes a UART or a `recv` of 1 returns.
const SHORT_INPUT: usize = 16;

/// Leftmost, non-overlapping search of the terminator `delimiter` in `held ++ input`.
///
/// Cost: the held bytes are checked naively (`held.len()` times the terminator's
/// length, both bounded by the framer's capacity); the input is scanned once for
/// the terminator's first byte ([`ByteFinder`]; `memmem` past false candidates in a
/// long input), plus its final bytes, fewer than the terminator's length, once more
/// for a partial match.
#[inline(always)]
pub(crate) fn find<const N: usize>(
    held: &[u8],
    input: &[u8],
    delimiter: &Delimiter<N>,
    memo: &mut Memo,
) -> Found {
    for start in 0..held.len() {
        if let Some(whole) = matches_at(&held[start..], input, delimiter) {
            return if whole {
                Found::At(start)
            } else {
                Found::PrefixFrom(start)
            };
        }
    }
    let base = held.len();
    // The slice of the terminator is taken only once a candidate is found: its
    // length check would otherwise run on every call, also one byte at a time.
    let first = delimiter.first();
    // The first candidate settles most searches for `\n` or `\r\n`: it is a match,
    // or there is none. Only the rest goes out of line.
    let candidate = if input.len() <= SHORT_INPUT {
        match input {
            // One byte (a UART, a `recv` of 1): one compare, where the loop
            // would set up an iterator.
            [byte] => (*byte == first).then_some(0),
            _ => input.iter().position(|&b| b == first),
        }
    } else {
        memo.first.find(first, input)
    };
    let Some(at) = candidate else {
        return Found::PrefixFrom(base + input.len());
    };
    match input.get(at + 1..at + delimiter.width()) {
        Some(tail) if is_tail(tail, delimiter) => Found::At(base + at),
        // The first byte, last in the input, of a longer terminator: it starts a
        // possible one (the `\r` of `\r\n` read alone, once a line one byte at a
        // time), and no earlier byte could. Decided inline, because one byte at a
        // time it is the common case.
        None if at + 1 == input.len() => Found::PrefixFrom(base + at),
        _ => match find_after_first_candidate(&input[at..], delimiter, memo) {
            Found::At(i) => Found::At(base + at + i),
            Found::PrefixFrom(i) => Found::PrefixFrom(base + at + i),
        },
    }
}

/// Whether `tail`, as long as the terminator without its first byte, is that rest
/// of it. The common two-byte case (`\r\n`) is one compare, with no slice taken.
#[inline(always)]
fn is_tail<const N: usize>(tail: &[u8], delimiter: &Delimiter<N>) -> bool {
    match tail {
        [] => true,
        [byte] => delimiter.second() == Some(*byte),
        _ => same(tail, delimiter.get(1..).unwrap_or_default()),
    }
}

/// Terminators of at least this many bytes, in inputs of at least [`LONG_INPUT`]
/// bytes, go to `memmem` after a false first candidate.
const LONG_NEEDLE: usize = 3;
/// See [`LONG_NEEDLE`].
const LONG_INPUT: usize = 256;

/// [`find`] in an input that starts with a false or cut-off candidate.
///
/// A long terminator's first byte is usually common (the `\r` of `\r\n.\r\n`
/// starts every line): after one false candidate in a long input, `memmem` beats
/// more candidates.
#[inline(never)]
fn find_after_first_candidate<const N: usize>(
    input: &[u8],
    delimiter: &Delimiter<N>,
    memo: &mut Memo,
) -> Found {
    let needle: &[u8] = delimiter;
    let found = if needle.len() >= LONG_NEEDLE && input.len() >= LONG_INPUT {
        find_with_memmem(input, needle, memo)
    } else {
        find_whole(input, needle, memo)
    };
    match found {
        Some(at) => Found::At(at),
        None => Found::PrefixFrom(input.len() - partial_suffix_len(input, needle)),
    }
}

/// Does `needle` match `head ++ tail` from its first byte? `Some(true)` for a whole
/// match, `Some(false)` when the virtual slice ends inside a match, `None` otherwise.
fn matches_at(head: &[u8], tail: &[u8], needle: &[u8]) -> Option<bool> {
    let from_head = head.len().min(needle.len());
    if !same(&head[..from_head], &needle[..from_head]) {
        return None;
    }
    let rest = &needle[from_head..];
    let from_tail = tail.len().min(rest.len());
    if !same(&tail[..from_tail], &rest[..from_tail]) {
        return None;
    }
    Some(from_tail == rest.len())
}

/// The leftmost whole match inside `haystack`.
///
/// The memo's [`ByteFinder`] on the needle's first byte, then a compare: for the
/// terminators chat protocols use (`\n`, `\r\n`) the first byte is rare in the data
/// and this runs at memchr speed without building a substring searcher per call (the
/// framer cannot keep a `memmem::Finder` borrowing its own storage, and building one
/// per short frame costs more than the frame). When the first byte keeps matching
/// without the rest (`\r` in a `\r\n.\r\n` search), it hands the rest of the
/// haystack to `memmem`, whose set-up cost is then paid once for a long stretch.
fn find_whole(haystack: &[u8], needle: &[u8], memo: &mut Memo) -> Option<usize> {
    /// False candidates before switching to `memmem`.
    const MAX_MISSES: usize = 4;
    let (&first, rest) = needle.split_first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    let mut from = 0;
    for _ in 0..MAX_MISSES {
        if from > last_start {
            return None;
        }
        let i = from + memo.first.find(first, &haystack[from..=last_start])?;
        if same(&haystack[i + 1..i + needle.len()], rest) {
            return Some(i);
        }
        from = i + 1;
    }
    find_with_memmem(&haystack[from..], needle, memo).map(|i| from + i)
}

/// `memmem` for a long stretch: the SIMD "packed pair" search that `memmem` itself
/// runs for short needles, built directly. `memchr::memmem::find` would build a
/// whole `memmem` searcher on every call (a Rabin-Karp table, the pair, the dispatch),
/// paid once per slice when an SMTP body arrives in small reads. The framer cannot
/// keep a built searcher (it would borrow the framer's own
/// terminator, and its SIMD registers would double the framer's size); it keeps the
/// pair in `memo`. Out of line: the searchers need a large stack frame.
#[inline(never)]
fn find_with_memmem(haystack: &[u8], needle: &[u8], memo: &mut Memo) -> Option<usize> {
    match find_with_packed_pair(haystack, needle, memo) {
        Some(found) => found,
        None => memchr::memmem::find(haystack, needle),
    }
}

/// The packed-pair search where this target has one and the haystack is long enough
/// for it, else `None`.
fn find_with_packed_pair(haystack: &[u8], needle: &[u8], memo: &mut Memo) -> Option<Option<usize>> {
    let pair = memo.pair(needle)?;
    arch::find_with_packed_pair(haystack, needle, pair)
}

/// Slice equality without a call to libc's `memcmp`, which `==` on slices becomes:
/// terminators are a few bytes long, and for those the call costs more than the
/// compare. The one-byte case (the `\n` after `\r`) is spelled out, because the
/// iterator over a zip costs more on every frame.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    match (a, b) {
        ([x], [y]) => x == y,
        _ => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// Length of the longest suffix of `haystack` that is a proper prefix of `needle`.
/// Assumes `haystack` holds no whole match.
fn partial_suffix_len(haystack: &[u8], needle: &[u8]) -> usize {
    let longest = haystack.len().min(needle.len() - 1);
    let start = |k: usize| haystack.len() - k;
    // The first byte alone rejects nearly every length, without a slice compare.
    (1..=longest)
        .rev()
        .find(|&k| haystack[start(k)] == needle[0] && same(&haystack[start(k)..], &needle[..k]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `find` with a plain byte string for the terminator.
    fn find_bytes(held: &[u8], input: &[u8], needle: &[u8]) -> Found {
        find(
            held,
            input,
            &Delimiter::<8>::new(needle).unwrap(),
            &mut Memo::new(),
        )
    }

    #[test]
    fn finds_leftmost_whole_match() {
        assert_eq!(
            find_whole(b"xx\r\nyy\r\n", b"\r\n", &mut Memo::new()),
            Some(2)
        );
        assert_eq!(find_whole(b"aaab", b"aab", &mut Memo::new()), Some(1));
        assert_eq!(find_whole(b"\r\r\n", b"\r\n", &mut Memo::new()), Some(1));
        assert_eq!(find_whole(b"\r", b"\r\n", &mut Memo::new()), None);
        assert_eq!(find_whole(b"", b"\n", &mut Memo::new()), None);
        assert_eq!(find_whole(b"ab\n", b"\n", &mut Memo::new()), Some(2));
        // Past the false candidates, memmem takes over.
        assert_eq!(
            find_whole(
                b"\r\n\r\n\r\n\r\n\r\n\r\n.\r\n",
                b"\r\n.\r\n",
                &mut Memo::new()
            ),
            Some(10)
        );
        assert_eq!(
            find_whole(b"\r\r\r\r\r\r\r", b"\r\n", &mut Memo::new()),
            None
        );
    }

    #[test]
    fn first_candidate_settles_the_common_cases() {
        assert_eq!(find_bytes(b"", b"abc\r\nx", b"\r\n"), Found::At(3));
        assert_eq!(find_bytes(b"", b"\r\n", b"\r\n"), Found::At(0));
        assert_eq!(find_bytes(b"", b"abc", b"\r\n"), Found::PrefixFrom(3));
        assert_eq!(find_bytes(b"", b"", b"\r\n"), Found::PrefixFrom(0));
        assert_eq!(find_bytes(b"", b"a\rb\r\n", b"\r\n"), Found::At(3));
        assert_eq!(find_bytes(b"", b"ab\r", b"\r\n"), Found::PrefixFrom(2));
        assert_eq!(find_bytes(b"", b"ab\n", b"\n"), Found::At(2));
        // One byte at a time.
        assert_eq!(find_bytes(b"", b"\n", b"\n"), Found::At(0));
        assert_eq!(find_bytes(b"", b"\r", b"\r\n"), Found::PrefixFrom(0));
        assert_eq!(find_bytes(b"", b"x", b"\r\n"), Found::PrefixFrom(1));
        assert_eq!(find_bytes(b"", b"x", b"\n"), Found::PrefixFrom(1));
        // The candidate last in the input starts a possible terminator; one that
        // the input cuts off later may not.
        assert_eq!(find_bytes(b"\r", b"ab\r", b"\r\n"), Found::PrefixFrom(3));
        assert_eq!(
            find_bytes(b"", b"abc\r", b"\r\n.\r\n"),
            Found::PrefixFrom(3)
        );
        assert_eq!(
            find_bytes(b"", b"ab\r\n.", b"\r\n.\r\n"),
            Found::PrefixFrom(2)
        );
        assert_eq!(
            find_bytes(b"", b"ab\rx.", b"\r\n.\r\n"),
            Found::PrefixFrom(5)
        );
        // A false candidate followed by bytes like the storage's padding.
        assert_eq!(find_bytes(b"", b"a\r\0\r\x01\r\n", b"\r\n"), Found::At(5));
        assert_eq!(find_bytes(b"", b"\r\0", b"\r\n"), Found::PrefixFrom(2));
        assert_eq!(find_bytes(b"", b"\r\x01\r\n", b"\r\n"), Found::At(2));
        // Longer than the short-input loop: memchr finds the candidates.
        let mut long = [b'x'; 40].to_vec();
        long.extend_from_slice(b"\r\r\n");
        assert_eq!(find_bytes(b"", &long, b"\r\n"), Found::At(41));
        assert_eq!(find_bytes(b"", &long[..41], b"\r\n"), Found::PrefixFrom(40));
        assert_eq!(find_bytes(b"", &long[..40], b"\r\n"), Found::PrefixFrom(40));
        assert_eq!(find_bytes(b"", &long[1..], b"\r\r"), Found::At(39));
        assert_eq!(find_bytes(b"x", &long[1..], b"\r\r"), Found::At(40));
    }

    #[test]
    fn short_and_long_inputs_agree() {
        // The same candidates on both sides of the short-input loop's length.
        for len in [SHORT_INPUT - 1, SHORT_INPUT, SHORT_INPUT + 1] {
            let mut input = std::vec![b'a'; len];
            assert_eq!(find_bytes(b"", &input, b"\n"), Found::PrefixFrom(len));
            input[len - 1] = b'\n';
            assert_eq!(find_bytes(b"", &input, b"\n"), Found::At(len - 1));
            input[len - 1] = b'\r';
            assert_eq!(find_bytes(b"", &input, b"\r\n"), Found::PrefixFrom(len - 1));
            input[0] = b'\r';
            assert_eq!(find_bytes(b"", &input, b"\r\n"), Found::PrefixFrom(len - 1));
        }
    }

    #[test]
    fn packed_pair_agrees_with_memmem() {
        // Around the packed-pair searcher's shortest haystack, with the match at
        // every place, cut off at the end, and absent; needles of 2 to 6 bytes.
        for needle in [&b"\r\n"[..], b"\r\n.\r\n", b"aab", b"xyzxyz"] {
            for len in 0..80 {
                for at in 0..=len {
                    let mut haystack = std::vec![b'a'; len];
                    let end = (at + needle.len()).min(len);
                    haystack[at..end].copy_from_slice(&needle[..end - at]);
                    assert_eq!(
                        find_with_memmem(&haystack, needle, &mut Memo::new()),
                        memchr::memmem::find(&haystack, needle),
                        "{needle:?} in {haystack:?}"
                    );
                }
            }
        }
        // And where there is one, it is taken: the point is its speed.
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        assert_eq!(
            find_with_packed_pair(&[b'a'; 256], b"\r\n.\r\n", &mut Memo::new()),
            Some(None)
        );
    }

    #[test]
    fn memo_keeps_a_pair_that_fits() {
        let mut memo = Memo::new();
        let long = memo.pair(b"\r\n.\r\n").unwrap();
        assert_eq!((long.index1(), long.index2()), (2, 0), "memchr's choice");
        // Kept for the same needle; renewed when it would not fit a shorter one.
        let again = memo.pair(b"\r\n.\r\n").unwrap();
        assert_eq!((again.index1(), again.index2()), (2, 0));
        let short = memo.pair(b"\r\r").unwrap();
        assert!(short.index1() < 2 && short.index2() < 2);
        // A pair reaching past the end of a shorter needle is renewed too.
        let mut memo = Memo::new();
        let long = memo.pair(b"aaaaz").unwrap();
        assert_eq!(long.index1(), 4, "memchr's choice: the rare z");
        let short = memo.pair(b"\r\n").unwrap();
        assert!(short.index1() < 2 && short.index2() < 2);
    }

    #[test]
    fn renew_forgets_what_belongs_to_the_old_terminator() {
        let mut memo = Memo::new();
        let _ = memo.pair(b"\r\n.\r\n");
        assert!(memo.pair.is_some());
        memo.renew();
        assert!(memo.pair.is_none(), "the pair is the old terminator's");
    }

    #[test]
    fn longest_partial_suffix() {
        assert_eq!(partial_suffix_len(b"xaaa", b"aaab"), 3);
        assert_eq!(partial_suffix_len(b"xaba", b"abab"), 3);
        assert_eq!(partial_suffix_len(b"x\r", b"\r\n"), 1);
        assert_eq!(partial_suffix_len(b"xyz", b"\r\n"), 0);
        assert_eq!(partial_suffix_len(b"", b"\r\n"), 0);
        assert_eq!(partial_suffix_len(b"a", b"a"), 0);
        // A suffix that starts like the needle and then differs is no prefix.
        assert_eq!(partial_suffix_len(b"x\rx", b"\r\n.\r\n"), 0);
        assert_eq!(partial_suffix_len(b"\r\n.x", b"\r\n.\r\n"), 0);
        assert_eq!(partial_suffix_len(b"\r\n\r\n.", b"\r\n.\r\n"), 3);
    }

    #[test]
    fn search_spans_held_bytes() {
        // held "aaa", input "ab": the match starts one byte into the held bytes.
        assert_eq!(find_bytes(b"aaa", b"ab", b"aaab"), Found::At(1));
        assert_eq!(find_bytes(b"aaa", b"a", b"aaab"), Found::PrefixFrom(1));
        assert_eq!(find_bytes(b"\r", b"\n", b"\r\n"), Found::At(0));
        assert_eq!(find_bytes(b"\r", b"x\r\n", b"\r\n"), Found::At(2));
        assert_eq!(find_bytes(b"\r", b"x", b"\r\n"), Found::PrefixFrom(2));
        assert_eq!(find_bytes(b"", b"", b"\r\n"), Found::PrefixFrom(0));
        // After a terminator change, held bytes may hold a whole match.
        assert_eq!(find_bytes(b"ab", b"", b"b"), Found::At(1));
    }
}
