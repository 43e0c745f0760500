//! The coarse pass that seeds the fine search (coarse to fine).
//!
//! A coarse pyramid (few scales, windows every [`Seeding::stride`] level
//! pixels) is scanned first; every window that passes at least
//! [`Seeding::stages`] stages of the cascade is a *seed*. The fine pyramid
//! then evaluates, on each level, only the windows whose side is within
//! [`Seeding::ratio`] of a seed's side and whose centre is within
//! [`Seeding::reach`] of that seed's centre ([`mark`]), resampling the level
//! only over the bounding regions of those windows ([`clusters`]). A fine
//! level with no seed near its scale is skipped. A face the
//! full fine search accepts is found as well whenever a coarse window near
//! it passes the first stages, which the measurements in `docs/locator.md`
//! count. More seeds than the buffer holds search every fine level whole.

use super::error::LocateError;
use super::group::Candidate;
use super::pyramid::{Level, Pyramid, ONE};

/// Room for seeds that the host and the boards give the locator: one
/// figure, so that a full buffer changes the search the same way everywhere.
pub const SEEDS: usize = 64;

/// Most separate regions a fine level is searched in (see [`clusters`]).
pub const CLUSTERS: usize = 8;

/// The coarse pass and how far its seeds reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Seeding {
    /// Scales of the coarse pass (its own step rule is not used).
    pub pyramid: Pyramid,
    /// Window step of the coarse pass, level pixels (1..=8).
    pub stride: u8,
    /// A coarse window passing this many stages (at least 1) is a seed.
    pub stages: u16,
    /// Largest centre distance of a fine window from a seed, per 256 of the seed's side.
    pub reach: u16,
    /// Largest side ratio of a fine window to a seed, either way, Q16 (above 1).
    pub ratio: u32,
}

impl Seeding {
    /// Checks the stride (1..=8), the stages (at least 1), the ratio (above
    /// 1, at most 4) and the reach (at most 4 seed sides).
    pub const fn new_checked(
        pyramid: Pyramid,
        stride: u8,
        stages: u16,
        reach: u16,
        ratio: u32,
    ) -> Result<Self, LocateError> {
        if stride == 0
            || stride > 8
            || stages == 0
            || ratio <= ONE
            || ratio > 4 * ONE
            || reach > 1024
        {
            return Err(LocateError::Seeding);
        }
        Ok(Self {
            pyramid,
            stride,
            stages,
            reach,
            ratio,
        })
    }
}

/// Window positions of one level: top-left corners `x0..=x1`, `y0..=y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Region {
    /// First column.
    pub x0: usize,
    /// First row.
    pub y0: usize,
    /// Last column.
    pub x1: usize,
    /// Last row.
    pub y1: usize,
}

impl Region {
    /// Every window of `level` for a `window` (w, h); `None` when none fits.
    pub fn whole(level: &Level, window: (usize, usize)) -> Option<Self> {
        (level.width >= window.0 && level.height >= window.1).then(|| Self {
            x0: 0,
            y0: 0,
            x1: level.width - window.0,
            y1: level.height - window.1,
        })
    }

    fn intersects(&self, other: &Self) -> bool {
        self.x0 <= other.x1 && other.x0 <= self.x1 && self.y0 <= other.y1 && other.y0 <= self.y1
    }

    fn area(&self) -> usize {
        (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)
    }

    fn union(self, other: Self) -> Self {
        Self {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
}

/// Level positions `lo..=hi` (clamped to `0..=last`) whose window centre,
/// `(v − margin)·s + side·s/2`, lies within `reach2 / 2` of `centre2 / 2`
/// (frame pixels; both doubled to stay in integers).
fn span(
    centre2: i64,
    reach2: i64,
    side: usize,
    margin: usize,
    scale: u32,
    last: usize,
) -> Option<(usize, usize)> {
    let s = i64::from(scale);
    let one = i64::from(ONE);
    let base = side as i64 * s;
    let den = 2 * s;
    let lo_num = (centre2 - reach2) * one - base;
    let hi_num = (centre2 + reach2) * one - base;
    let lo = -floor_div(-lo_num, den) + margin as i64;
    let hi = floor_div(hi_num, den) + margin as i64;
    let (lo, hi) = (lo.max(0), hi.min(last as i64));
    (lo <= hi).then_some((lo as usize, hi as usize))
}

/// `n.div_euclid(d)` for a positive `d`, in 32 bits when both fit (the
/// Cortex-M4 divides 32-bit integers in hardware, 64-bit ones in software).
#[inline]
fn floor_div(n: i64, d: i64) -> i64 {
    match (i32::try_from(n), i32::try_from(d)) {
        (Ok(n), Ok(d)) => i64::from(n.div_euclid(d)),
        _ => n.div_euclid(d),
    }
}

/// Calls `each` with the region of `level` that each seed of `seeds`
/// reaches (see [`Seeding`]); seeds far from this level's scale reach none.
pub fn reached(
    seeding: &Seeding,
    seeds: &[Candidate],
    level: &Level,
    window: (usize, usize),
    mut each: impl FnMut(Region),
) {
    let Some(whole) = Region::whole(level, window) else {
        return;
    };
    let side = level.to_frame(window.1) as u64;
    let ratio = u64::from(seeding.ratio);
    let one = u64::from(ONE);
    for s in seeds {
        let sh = u64::from(s.h);
        if sh * one > side * ratio || side * one > sh * ratio {
            continue;
        }
        let reach2 = i64::from(s.h) * i64::from(seeding.reach) / 128;
        let cx2 = 2 * i64::from(s.x) + i64::from(s.w);
        let cy2 = 2 * i64::from(s.y) + i64::from(s.h);
        let xs = span(cx2, reach2, window.0, level.margin_x, level.scale, whole.x1);
        let ys = span(cy2, reach2, window.1, level.margin_y, level.scale, whole.y1);
        if let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) {
            each(Region { x0, y0, x1, y1 });
        }
    }
}

/// The bounding region of all that `seeds` reach on `level`, `None` when
/// no seed is near this level's scale or position.
pub fn region(
    seeding: &Seeding,
    seeds: &[Candidate],
    level: &Level,
    window: (usize, usize),
) -> Option<Region> {
    let mut out: Option<Region> = None;
    reached(seeding, seeds, level, window, |r| {
        out = Some(out.map_or(r, |o| o.union(r)));
    });
    out
}

/// The regions `seeds` reach on `level`, merged into at most [`CLUSTERS`]
/// bounding regions that share no window position, written to `out`;
/// returns how many. A reached region joins the cluster it overlaps (and
/// clusters that then overlap merge); with every slot taken it joins the
/// cluster whose bounding region grows least. The fine level is resampled
/// and searched cluster by cluster, so two faces far apart cost two small
/// images instead of one large one.
pub fn clusters(
    seeding: &Seeding,
    seeds: &[Candidate],
    level: &Level,
    window: (usize, usize),
    out: &mut [Region; CLUSTERS],
) -> usize {
    let mut n = 0usize;
    reached(seeding, seeds, level, window, |r| {
        let mut r = r;
        // Absorb every cluster r overlaps, then put r back; repeat until
        // r overlaps none.
        let mut i = 0;
        while i < n {
            if out[i].intersects(&r) {
                r = r.union(out[i]);
                n -= 1;
                out[i] = out[n];
                i = 0;
            } else {
                i += 1;
            }
        }
        if n < CLUSTERS {
            out[n] = r;
            n += 1;
            return;
        }
        // Full: grow the cluster that grows least, then absorb the ones it
        // now overlaps.
        let mut best = 0;
        let mut growth = usize::MAX;
        for (i, c) in out.iter().enumerate() {
            let g = c.union(r).area() - c.area();
            if g < growth {
                (best, growth) = (i, g);
            }
        }
        let mut m = out[best].union(r);
        n -= 1;
        out[best] = out[n];
        let mut i = 0;
        while i < n {
            if out[i].intersects(&m) {
                m = m.union(out[i]);
                n -= 1;
                out[i] = out[n];
                i = 0;
            } else {
                i += 1;
            }
        }
        out[n] = m;
        n += 1;
    });
    n
}

/// Bits a mask of `bounds`'s windows takes: one a window position, row by row.
pub const fn mask_bits(bounds: &Region) -> usize {
    (bounds.x1 - bounds.x0 + 1) * (bounds.y1 - bounds.y0 + 1)
}

/// Sets in `mask` (cleared first, [`mask_bits`] of `bounds` long) the bit
/// of every window position within `bounds` that a seed reaches. The caller
/// checks the length.
pub fn mark(
    seeding: &Seeding,
    seeds: &[Candidate],
    level: &Level,
    window: (usize, usize),
    bounds: &Region,
    mask: &mut [u32],
) {
    let cols = bounds.x1 - bounds.x0 + 1;
    mask[..mask_bits(bounds).div_ceil(32)].fill(0);
    reached(seeding, seeds, level, window, |r| {
        let (x0, x1) = (r.x0.max(bounds.x0), r.x1.min(bounds.x1));
        if x0 > x1 {
            return;
        }
        for y in r.y0.max(bounds.y0)..=r.y1.min(bounds.y1) {
            let start = (y - bounds.y0) * cols + (x0 - bounds.x0);
            set_bits(mask, start, x1 - x0 + 1);
        }
    });
}

/// Sets bits `start..start + len` of `mask` (bit `b` is bit `b % 32` of
/// word `b / 32`), a word at a time. The caller keeps them inside `mask`.
pub fn set_bits(mask: &mut [u32], start: usize, len: usize) {
    if len == 0 {
        return;
    }
    let end = start + len;
    let (mut word, last) = (start / 32, end.div_ceil(32));
    for m in mask[word..last].iter_mut() {
        let lo = (start.max(word * 32) - word * 32) as u32;
        let hi = (end.min(word * 32 + 32) - word * 32) as u32;
        // Bits lo..hi of this word (hi - lo is 1..=32).
        *m |= (u32::MAX >> (32 - (hi - lo))) << lo;
        word += 1;
    }
}

/// True when `mask` (as [`mark`] wrote it for `bounds`) holds position `(x, y)`.
#[inline]
pub fn marked(mask: &[u32], bounds: &Region, x: usize, y: usize) -> bool {
    let bit = (y - bounds.y0) * (bounds.x1 - bounds.x0 + 1) + (x - bounds.x0);
    mask[bit / 32] & (1 << (bit % 32)) != 0
}

#[cfg(test)]
mod tests {
    use super::{floor_div, set_bits};

    #[test]
    fn floor_div_is_div_euclid_in_and_out_of_32_bits() {
        let ns = [
            0i64,
            1,
            -1,
            7,
            -7,
            65_535,
            -65_536,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
            1 << 40,
            -(1 << 40) - 3,
        ];
        let ds = [1i64, 2, 3, 7, 131_072, i64::from(i32::MAX), 1 << 33];
        for n in ns {
            for d in ds {
                assert_eq!(floor_div(n, d), n.div_euclid(d), "{n} / {d}");
            }
        }
    }

    #[test]
    fn set_bits_sets_the_bits_one_at_a_time_would() {
        for start in 0..100 {
            for len in 0..100 {
                let mut fast = [0u32; 7];
                set_bits(&mut fast, start, len);
                let mut plain = [0u32; 7];
                for b in start..start + len {
                    plain[b / 32] |= 1 << (b % 32);
                }
                assert_eq!(fast, plain, "start {start}, len {len}");
            }
        }
    }
}
