//! This target's searches, chosen when the crate is built: the first byte of a
//! terminator (`find_byte`), and a long terminator with a SIMD packed pair
//! (`find_with_packed_pair`, `None` where the target has none or the haystack is
//! too short for it). Each file offers the same two functions (and `x86_64`, with
//! `std`, a first-byte search that keeps memchr's AVX2 searcher at hand); the
//! search rule in the folder above calls them and knows no target.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod portable;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(target_arch = "aarch64")]
pub(super) use aarch64::*;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(super) use portable::*;
#[cfg(target_arch = "x86_64")]
pub(super) use x86_64::*;
