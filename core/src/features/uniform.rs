//! The 59 bins of uniform 8-bit LBP patterns, not rotation invariant
//! (scikit-image's `method='nri_uniform'` numbering).
//!
//! A pattern is *uniform* when its 8 bits, read around the circle (bit 7
//! next to bit 0), change between 0 and 1 at most twice: all zeros, all
//! ones, or one circular run of `n` ones (`1 ≤ n ≤ 7`) starting at bit `s`,
//! 2 + 7·8 = 58 patterns. Their bins:
//!
//! - all zeros → 0,
//! - a run of `n` ones starting at bit `s` → `1 + (n − 1)·8 + (8 − s) mod 8`
//!   (1..=56),
//! - all ones → 57,
//!
//! and every other pattern (more than two changes, 198 of them) → 58. This
//! is the numbering of scikit-image's `local_binary_pattern(P=8, R=1,
//! method='nri_uniform')`. It is not its `method='uniform'`, which merges the
//! rotations of a run into one bin (10 bins in all).

/// Bins of the histogram: 58 uniform patterns and one for all the others.
pub const BINS: usize = 59;

/// The bin of every non-uniform pattern.
pub const NON_UNIFORM: u8 = 58;

/// Changes between 0 and 1 around the circle of `pattern`'s 8 bits.
pub const fn transitions(pattern: u8) -> u32 {
    (pattern ^ pattern.rotate_left(1)).count_ones()
}

/// The bin (0..=58) of an 8-bit pattern, by the rules of the module.
pub const fn bin(pattern: u8) -> u8 {
    let ones = pattern.count_ones();
    if transitions(pattern) > 2 {
        NON_UNIFORM
    } else if ones == 0 {
        0
    } else if ones == 8 {
        57
    } else {
        // The run starts at the one bit whose lower neighbour (circularly)
        // is zero; a uniform pattern has exactly one.
        let start = (pattern & !pattern.rotate_left(1)).trailing_zeros();
        (1 + (ones - 1) * 8 + (8 - start) % 8) as u8
    }
}

/// [`bin`] of every pattern, indexed by the pattern.
pub static BIN_OF: [u8; 256] = table();

const fn table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut p = 0;
    while p < 256 {
        t[p] = bin(p as u8);
        p += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_0_to_58_once_each_for_uniform_patterns() {
        let mut seen = [0usize; BINS];
        for p in 0..=255u8 {
            seen[usize::from(BIN_OF[p as usize])] += 1;
        }
        assert!(seen[..58].iter().all(|&n| n == 1), "{seen:?}");
        assert_eq!(seen[58], 256 - 58);
    }

    #[test]
    fn hand_worked_bins() {
        assert_eq!(bin(0b0000_0000), 0);
        assert_eq!(bin(0b0000_0001), 1); // n = 1, s = 0
        assert_eq!(bin(0b1000_0000), 2); // n = 1, s = 7
        assert_eq!(bin(0b0000_0010), 8); // n = 1, s = 1
        assert_eq!(bin(0b1000_0001), 10); // n = 2, s = 7
        assert_eq!(bin(0b1111_1110), 56); // n = 7, s = 1
        assert_eq!(bin(0b1111_1111), 57);
        assert_eq!(bin(0b0000_0101), NON_UNIFORM);
    }
}
