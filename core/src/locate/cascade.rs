//! A boosted cascade of LBP (local binary pattern) stumps, the model format of
//! OpenCV's `lbpcascade_*.xml`, evaluated in integers only.
//!
//! A feature is a 3x3 grid of equal blocks of `w x h` pixels starting at
//! `(x, y)` in the window. Its code is 8 bits, one per outer block, set when
//! that block's sum is at least the centre block's sum; bit 7 is the top-left
//! block, then clockwise: top 6, top-right 5, right 4, bottom-right 3,
//! bottom 2, bottom-left 1, left 0 (OpenCV's order).
//!
//! A weak classifier looks its feature's code up in a 256-bit set and adds
//! `leaves[0]` when the bit is set, `leaves[1]` otherwise. A stage passes a
//! window when its weak classifiers' sum is at least its threshold; a window
//! is a face when it passes every stage. Leaves and thresholds are fixed-point
//! integers (the host rounds OpenCV's floats times [`LEAF_SCALE`]), so the sum
//! is exact and the same on every machine.
//!
//! A stage is often decided before its last weak classifier: once the
//! running sum plus the most the remaining ones can add is below the
//! threshold, the window is rejected; once the sum plus the least they can
//! add reaches it, the stage is passed. Each weak classifier carries these
//! two bounds ([`LbpWeak::decide`], from [`decisions`], checked by
//! [`LbpCascade::new_checked`]), so [`LbpCascade::evaluate`] stops as soon
//! as the stage's outcome is certain: the same outcome as the whole sum,
//! fewer features read.

use super::error::LocateError;
#[cfg(doc)]
use super::integral::rect_sum;

/// Largest window side accepted.
pub const MAX_WINDOW: usize = 64;

/// Fixed-point scale of leaves and thresholds: `round(value · LEAF_SCALE)`.
pub const LEAF_SCALE: f64 = 65536.0;

/// One LBP feature: 3x3 blocks of `w x h` from `(x, y)` of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LbpFeature {
    /// First column of the top-left block.
    pub x: u8,
    /// First row of the top-left block.
    pub y: u8,
    /// Block width.
    pub w: u8,
    /// Block height.
    pub h: u8,
}

/// A stump on one feature's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LbpWeak {
    /// Index into the cascade's features.
    pub feature: u16,
    /// 256-bit set of codes: code `c` is in it when bit `c % 32` of word `c / 32` is set.
    pub subset: [u32; 8],
    /// Added when the code is in the set, and when it is not.
    pub leaves: [i32; 2],
    /// The stage's outcome after this weak classifier: rejected when the
    /// running sum is below `decide[0]`, passed when it is at least
    /// `decide[1]`. Both are the threshold at a stage's last weak
    /// classifier; [`decisions`] gives them all.
    pub decide: [i32; 2],
}

/// One stage: weak classifiers `first..first + count` and the pass threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LbpStage {
    /// First weak classifier.
    pub first: u16,
    /// Number of weak classifiers.
    pub count: u16,
    /// The window passes when the sum is at least this.
    pub threshold: i32,
}

/// A validated cascade over borrowed (typically `const`) tables.
#[derive(Debug, Clone, Copy)]
pub struct LbpCascade<'a> {
    width: usize,
    height: usize,
    features: &'a [LbpFeature],
    weaks: &'a [LbpWeak],
    stages: &'a [LbpStage],
}

/// Checks a cascade's stages, given as `(first, count, threshold)` over
/// `weaks` weak classifiers: at least one stage, none empty, each within
/// the weak classifiers, and no stage's sum able to overflow `i32` —
/// `most(j)`, the largest leaf magnitude of weak classifier `j`, summed over
/// the stage, plus the threshold's magnitude. Shared by the LBP and the
/// Haar cascade.
pub(super) fn check_stages(
    stages: impl Iterator<Item = (u16, u16, i32)>,
    weaks: usize,
    most: impl Fn(usize) -> i64,
) -> Result<(), LocateError> {
    let mut any = false;
    for (i, (first, count, threshold)) in stages.enumerate() {
        any = true;
        let (first, count) = (usize::from(first), usize::from(count));
        if count == 0 {
            return Err(LocateError::EmptyCascade);
        }
        if first + count > weaks {
            return Err(LocateError::StageRange { stage: i });
        }
        let bound = (first..first + count).map(&most).sum::<i64>() + i64::from(threshold).abs();
        if bound > i64::from(i32::MAX) {
            return Err(LocateError::LeafRange { stage: i });
        }
    }
    if any {
        Ok(())
    } else {
        Err(LocateError::EmptyCascade)
    }
}

impl<'a> LbpCascade<'a> {
    /// Checks the window size, that every feature fits the window, every
    /// index is in range and no stage's sum can overflow `i32`.
    pub fn new_checked(
        width: usize,
        height: usize,
        features: &'a [LbpFeature],
        weaks: &'a [LbpWeak],
        stages: &'a [LbpStage],
    ) -> Result<Self, LocateError> {
        if width == 0 || height == 0 || width > MAX_WINDOW || height > MAX_WINDOW {
            return Err(LocateError::Window);
        }
        for (i, f) in features.iter().enumerate() {
            let (x, y, w, h) = (
                usize::from(f.x),
                usize::from(f.y),
                usize::from(f.w),
                usize::from(f.h),
            );
            if w == 0 || h == 0 || x + 3 * w > width || y + 3 * h > height {
                return Err(LocateError::FeatureOutsideWindow { feature: i });
            }
        }
        for (i, w) in weaks.iter().enumerate() {
            if usize::from(w.feature) >= features.len() {
                return Err(LocateError::FeatureIndex { weak: i });
            }
        }
        check_stages(
            stages.iter().map(|s| (s.first, s.count, s.threshold)),
            weaks.len(),
            |j| {
                let w = &weaks[j];
                i64::from(w.leaves[0])
                    .abs()
                    .max(i64::from(w.leaves[1]).abs())
            },
        )?;
        for (i, s) in stages.iter().enumerate() {
            let first = usize::from(s.first);
            let last = i + 1 == stages.len();
            for (j, w) in weaks[first..first + usize::from(s.count)]
                .iter()
                .enumerate()
            {
                if w.decide
                    != stage_decision(
                        &weaks[first..first + usize::from(s.count)],
                        j,
                        s.threshold,
                        last,
                    )
                {
                    return Err(LocateError::Decision { weak: first + j });
                }
            }
        }
        Ok(Self {
            width,
            height,
            features,
            weaks,
            stages,
        })
    }

    /// Window width.
    pub const fn width(&self) -> usize {
        self.width
    }

    /// Window height.
    pub const fn height(&self) -> usize {
        self.height
    }

    /// The stages.
    pub const fn stages(&self) -> &'a [LbpStage] {
        self.stages
    }

    /// The features.
    pub const fn features(&self) -> &'a [LbpFeature] {
        self.features
    }

    /// The weak classifiers.
    pub const fn weaks(&self) -> &'a [LbpWeak] {
        self.weaks
    }

    /// Runs the cascade on the window whose top-left corner is `(x, y)` of an
    /// integral table of row stride `stride`. `Ok(sum)` (the last stage's
    /// whole sum) when it passes every stage, `Err(stage)` with the stage
    /// that rejected it. The caller keeps the window inside the table's image.
    ///
    /// Each stage stops at the first weak classifier whose bounds decide it
    /// (see the module's note); the last one's bounds are the threshold, so
    /// every stage is decided by its end.
    #[inline]
    pub fn evaluate(&self, table: &[u32], stride: usize, x: usize, y: usize) -> Result<i32, usize> {
        let mut sum = 0;
        for (si, stage) in self.stages.iter().enumerate() {
            sum = 0i32;
            let first = usize::from(stage.first);
            for weak in &self.weaks[first..first + usize::from(stage.count)] {
                let f = self.features[usize::from(weak.feature)];
                let c = code(table, stride, x, y, f);
                let hit = weak.subset[usize::from(c >> 5)] & (1 << (c & 31)) != 0;
                sum += weak.leaves[usize::from(!hit)];
                if sum < weak.decide[0] {
                    return Err(si);
                }
                if sum >= weak.decide[1] {
                    break;
                }
            }
        }
        Ok(sum)
    }
}

/// The decision bounds of weak classifier `j` of a stage (`weaks`, its
/// threshold, whether it is the cascade's last stage): `[threshold − the
/// most the later ones add, threshold − the least they add]`. The last
/// stage passes only at its last weak classifier (`i32::MAX` before it), so
/// the sum [`LbpCascade::evaluate`] answers is whole. Saturates at the `i32`
/// range (a cascade whose sums could overflow is refused anyway).
fn stage_decision(weaks: &[LbpWeak], j: usize, threshold: i32, last: bool) -> [i32; 2] {
    let rest = weaks.get(j + 1..).unwrap_or(&[]);
    let most: i64 = rest
        .iter()
        .map(|w| i64::from(w.leaves[0].max(w.leaves[1])))
        .sum();
    let least: i64 = rest
        .iter()
        .map(|w| i64::from(w.leaves[0].min(w.leaves[1])))
        .sum();
    let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let t = i64::from(threshold);
    let pass = if last && !rest.is_empty() {
        i32::MAX
    } else {
        clamp(t - least)
    };
    [clamp(t - most), pass]
}

/// Writes every weak classifier's [`LbpWeak::decide`] from its stage's
/// leaves and threshold. A stage naming weak classifiers outside `weaks`
/// is refused (as [`LbpCascade::new_checked`] does).
pub fn decisions(weaks: &mut [LbpWeak], stages: &[LbpStage]) -> Result<(), LocateError> {
    for (i, s) in stages.iter().enumerate() {
        let first = usize::from(s.first);
        let Some(range) = weaks.get_mut(first..first + usize::from(s.count)) else {
            return Err(LocateError::StageRange { stage: i });
        };
        let last = i + 1 == stages.len();
        for j in 0..range.len() {
            range[j].decide = stage_decision(range, j, s.threshold, last);
        }
    }
    Ok(())
}

/// The 8-bit LBP code of feature `f` in the window at `(x, y)`.
///
/// The nine blocks share the 16 corners of a 4x4 grid, read once each; a
/// block's sum is its four corners combined as in [`rect_sum`] (wrapping:
/// exact because every true block sum fits `u32`).
#[inline(always)]
pub fn code(table: &[u32], stride: usize, x: usize, y: usize, f: LbpFeature) -> u8 {
    let (w, h) = (usize::from(f.w), usize::from(f.h));
    let base = (y + usize::from(f.y)) * stride + x + usize::from(f.x);
    let dy = h * stride;
    // Row `k` of the 4x4 corner grid: one slice of `3w + 1` entries, so
    // that its four reads need no further bounds check.
    let row = |k: usize| -> [u32; 4] {
        let r = &table[base + k * dy..][..=3 * w];
        [r[0], r[w], r[2 * w], r[3 * w]]
    };
    // The differences along a corner row: three strips of one block's
    // width, from the top of the table down to that row; a block's sum is
    // the difference of its bottom and top rows' strips.
    let strips = |k: usize| -> [u32; 3] {
        let r = row(k);
        [
            r[1].wrapping_sub(r[0]),
            r[2].wrapping_sub(r[1]),
            r[3].wrapping_sub(r[2]),
        ]
    };
    let blocks = |a: [u32; 3], b: [u32; 3]| -> [u32; 3] {
        [
            b[0].wrapping_sub(a[0]),
            b[1].wrapping_sub(a[1]),
            b[2].wrapping_sub(a[2]),
        ]
    };
    let (s0, s1, s2, s3) = (strips(0), strips(1), strips(2), strips(3));
    let top = blocks(s0, s1);
    let mid = blocks(s1, s2);
    let bot = blocks(s2, s3);
    let centre = mid[1];
    // Bit 7 the top-left block, then clockwise (OpenCV's order).
    let bit = |v: u32, shift: u32| u8::from(v >= centre) << shift;
    bit(top[0], 7)
        | bit(top[1], 6)
        | bit(top[2], 5)
        | bit(mid[2], 4)
        | bit(bot[2], 3)
        | bit(bot[1], 2)
        | bit(bot[0], 1)
        | bit(mid[0], 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_refused_by_what_is_wrong_with_them() {
        let most = |j: usize| [5i64, 7, 1_000_000_000][j];
        assert_eq!(check_stages([(0, 2, 3)].into_iter(), 3, most), Ok(()));
        assert_eq!(
            check_stages(core::iter::empty(), 3, most),
            Err(LocateError::EmptyCascade)
        );
        assert_eq!(
            check_stages([(0, 2, 3), (2, 0, 0)].into_iter(), 3, most),
            Err(LocateError::EmptyCascade)
        );
        assert_eq!(
            check_stages([(0, 1, 0), (2, 2, 0)].into_iter(), 3, most),
            Err(LocateError::StageRange { stage: 1 })
        );
        // 5 + 7 + 1e9 fits i32; 1e9 and a threshold of 1.2e9 do not.
        assert_eq!(check_stages([(0, 3, 0)].into_iter(), 3, most), Ok(()));
        assert_eq!(
            check_stages([(2, 1, 1_200_000_000)].into_iter(), 3, most),
            Err(LocateError::LeafRange { stage: 0 })
        );
    }
}
