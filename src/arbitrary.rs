//! `arbitrary::Arbitrary` for the crate's input types, so users can fuzz protocols
//! built on it (feature `arbitrary`).

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::terminator::{Delimiter, Terminator};

impl<'a, const N: usize> Arbitrary<'a> for Delimiter<N> {
    /// 1 to `N` arbitrary bytes.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let len = u.int_in_range(1..=N.max(1))?;
        let bytes = u.bytes(len)?;
        Delimiter::new(bytes).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a, const N: usize> Arbitrary<'a> for Terminator<N> {
    /// A byte string, a count or none, each about a third of the time.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0..=2u8)? {
            0 => Terminator::Bytes(Delimiter::arbitrary(u)?),
            1 => Terminator::Count(u.arbitrary()?),
            _ => Terminator::None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arbitrary_terminators_are_valid() {
        // Bytes from a small LCG, so every variant comes up.
        let mut state = 7u32;
        let data: std::vec::Vec<u8> = (0..4096)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        let mut u = Unstructured::new(&data);
        let mut kinds = [0; 3];
        while let Ok(term) = Terminator::<4>::arbitrary(&mut u) {
            match term {
                Terminator::Bytes(d) => {
                    assert!((1..=4).contains(&d.len()));
                    kinds[0] += 1;
                }
                Terminator::Count(_) => kinds[1] += 1,
                Terminator::None => kinds[2] += 1,
            }
        }
        assert!(kinds.iter().all(|&k| k > 0), "{kinds:?}");
    }
}
