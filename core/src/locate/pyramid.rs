//! The image pyramid: the frame shrunk by scales `first · stepⁱ` (fixed point,
//! Q16), each level resampled bilinearly in integers.
//!
//! Level `i` of a `W x H` frame at scale `s` is `round(W / s) x round(H / s)`;
//! its pixel `(lx, ly)` samples the frame at `((lx + ½) · s − ½, (ly + ½) · s − ½)`
//! (pixel centres aligned, as OpenCV's `INTER_LINEAR`), with the coordinate
//! clamped to the frame and its fraction cut to 8 bits. A window of the
//! cascade at `(lx, ly)` of level `i` covers the frame box of side
//! `window · s` at `(lx · s, ly · s)` (rounded). Windows are tried every
//! [`Level::step`] level pixels.

use super::error::LocateError;

/// One in Q16.
pub const ONE: u32 = 1 << 16;

/// Most levels a pyramid may have.
pub const MAX_LEVELS: usize = 64;

/// Scales of the pyramid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Pyramid {
    first: u32,
    step: u32,
    levels: usize,
    coarse_until: u32,
}

/// One level: its scale and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Level {
    /// Frame pixels per level pixel, Q16.
    pub scale: u32,
    /// Width in level pixels.
    pub width: usize,
    /// Height in level pixels.
    pub height: usize,
    /// Largest scale windowed every second pixel, Q16.
    pub coarse_until: u32,
}

impl Level {
    /// A level coordinate or length in frame pixels (rounded to nearest).
    pub const fn to_frame(&self, v: usize) -> usize {
        ((v as u64 * self.scale as u64 + (ONE as u64 / 2)) >> 16) as usize
    }

    /// Window step in level pixels: 2 up to the pyramid's `coarse_until`
    /// scale, then 1.
    pub const fn step(&self) -> usize {
        if self.scale <= self.coarse_until {
            2
        } else {
            1
        }
    }
}

impl Pyramid {
    /// Scales `first · stepⁱ` (Q16) for at most `levels` levels: `first`
    /// at least 1 (`ONE`), `step` above 1, `levels` within [`MAX_LEVELS`].
    /// Windows are tried every second level pixel up to scale 2 and at every
    /// pixel above (OpenCV's rule; see [`Self::coarse_until`]).
    pub const fn new_checked(first: u32, step: u32, levels: usize) -> Result<Self, LocateError> {
        if first < ONE || step <= ONE || levels == 0 || levels > MAX_LEVELS {
            return Err(LocateError::Pyramid);
        }
        Ok(Self {
            first,
            step,
            levels,
            coarse_until: 2 * ONE,
        })
    }

    /// The same scales with windows every second level pixel up to scale
    /// `scale` (Q16) and at every pixel above; 0 for every pixel everywhere.
    pub const fn coarse_until(self, scale: u32) -> Self {
        Self {
            coarse_until: scale,
            ..self
        }
    }

    /// First scale, Q16.
    pub const fn first(&self) -> u32 {
        self.first
    }

    /// Step between scales, Q16.
    pub const fn step(&self) -> u32 {
        self.step
    }

    /// Most levels.
    pub const fn levels(&self) -> usize {
        self.levels
    }

    /// Level `index` of a `width x height` frame, `None` when it is smaller
    /// than `window` (w, h) or beyond the last level.
    pub fn level(
        &self,
        index: usize,
        width: usize,
        height: usize,
        window: (usize, usize),
    ) -> Option<Level> {
        if index >= self.levels {
            return None;
        }
        let mut scale = u64::from(self.first);
        for _ in 0..index {
            scale = (scale * u64::from(self.step) + u64::from(ONE / 2)) >> 16;
            if scale > u64::from(u32::MAX) {
                return None;
            }
        }
        let shrink = |side: usize| ((side as u64 * u64::from(ONE) + scale / 2) / scale) as usize;
        let (w, h) = (shrink(width), shrink(height));
        (w >= window.0 && h >= window.1).then_some(Level {
            scale: scale as u32,
            width: w,
            height: h,
            coarse_until: self.coarse_until,
        })
    }
}

/// Resamples `frame` (`width x height`) into `out[..level.width · level.height]`.
/// The caller checks the lengths.
pub fn resample(frame: &[u8], width: usize, height: usize, level: &Level, out: &mut [u8]) {
    for (ly, row) in out[..level.width * level.height]
        .chunks_exact_mut(level.width)
        .enumerate()
    {
        resample_row(frame, width, height, level, ly, row);
    }
}

/// Resamples row `ly` of the level into `row[..level.width]`. The caller
/// checks the lengths and keeps `ly` below the level's height.
pub fn resample_row(
    frame: &[u8],
    width: usize,
    height: usize,
    level: &Level,
    ly: usize,
    row: &mut [u8],
) {
    // Source position of level coordinate v, Q16, clamped at 0: (v + ½)·s − ½.
    let source = |v: usize, limit: usize| -> (usize, u32) {
        let q = ((2 * v as u64 + 1) * u64::from(level.scale)) / 2;
        let q = q.saturating_sub(u64::from(ONE / 2));
        let i = (q >> 16) as usize;
        if i + 1 >= limit {
            (limit - 1, 0)
        } else {
            (i, ((q >> 8) & 0xff) as u32)
        }
    };
    let (y0, fy) = source(ly, height);
    let y1 = (y0 + 1).min(height - 1);
    let (r0, r1) = (&frame[y0 * width..][..width], &frame[y1 * width..][..width]);
    for (lx, o) in row[..level.width].iter_mut().enumerate() {
        let (x0, fx) = source(lx, width);
        let x1 = (x0 + 1).min(width - 1);
        let top = u32::from(r0[x0]) * (256 - fx) + u32::from(r0[x1]) * fx;
        let bottom = u32::from(r1[x0]) * (256 - fx) + u32::from(r1[x1]) * fx;
        *o = ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16) as u8;
    }
}
