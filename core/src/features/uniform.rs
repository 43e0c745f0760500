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

/// The pattern of the same pixel in the mirror image (the thumbnail
/// flipped left to right): neighbours (0, +1) and (0, −1) swap (bits 0 and
/// 4), so do (−1, +1) and (−1, −1) (bits 1 and 3) and (+1, −1) and (+1, +1)
/// (bits 5 and 7); bits 2 and 6 (straight up and down) stay.
pub const fn mirrored(pattern: u8) -> u8 {
    const TO: [u32; 8] = [4, 3, 2, 1, 0, 7, 6, 5];
    let mut out = 0u8;
    let mut i = 0;
    while i < 8 {
        out |= ((pattern >> i) & 1) << TO[i];
        i += 1;
    }
    out
}

/// [`bin`] of every pattern, indexed by the pattern.
pub static BIN_OF: [u8; 256] = table(false);

/// [`bin`] of every pattern's [`mirrored`] pattern, indexed by the pattern.
pub static MIRRORED_BIN_OF: [u8; 256] = table(true);

const fn table(mirror: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut p = 0;
    while p < 256 {
        let pattern = p as u8;
        t[p] = bin(if mirror { mirrored(pattern) } else { pattern });
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
    fn mirroring_twice_is_the_identity_and_keeps_uniform_patterns_uniform() {
        for p in 0..=255u8 {
            assert_eq!(mirrored(mirrored(p)), p);
            assert_eq!(transitions(mirrored(p)), transitions(p));
            assert_eq!(
                MIRRORED_BIN_OF[usize::from(p)],
                BIN_OF[usize::from(mirrored(p))]
            );
        }
        assert_eq!(mirrored(0b0000_0001), 0b0001_0000); // right → left
        assert_eq!(mirrored(0b0010_0000), 0b1000_0000); // down-left → down-right
        assert_eq!(mirrored(0b0100_0100), 0b0100_0100); // up and down stay
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
