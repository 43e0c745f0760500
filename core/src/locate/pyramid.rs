//! The image pyramid: the frame shrunk by scales `first · stepⁱ` (fixed point,
//! Q16), each level resampled bilinearly in integers.
//!
//! Level `i` of a `W x H` frame at scale `s` is `round(W / s) x round(H / s)`
//! plus an optional margin of `mx` columns left and right and `my` rows above
//! and below; its pixel `(lx, ly)` samples the frame at
//! `((lx − mx + ½) · s − ½, (ly − my + ½) · s − ½)` (pixel centres aligned, as
//! OpenCV's `INTER_LINEAR`), with the coordinate clamped to the frame (so the
//! margin repeats the frame's edge) and its fraction cut to 8 bits. A window
//! of the cascade at `(lx, ly)` of level `i` covers the frame box of side
//! `window · s` at `((lx − mx) · s, (ly − my) · s)` (rounded; it may start
//! left of or above the frame in the margin). Windows are tried every
//! [`Level::step`] level pixels.

use super::error::LocateError;

/// One in Q16.
pub const ONE: u32 = 1 << 16;

/// Most levels a pyramid may have.
pub const MAX_LEVELS: usize = 64;

/// Widest margin, in level pixels.
pub const MAX_MARGIN: u8 = 32;

/// Scales of the pyramid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Pyramid {
    first: u32,
    step: u32,
    levels: usize,
    coarse_until: u32,
    margin: (u8, u8),
}

/// One level: its scale and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Level {
    /// Frame pixels per level pixel, Q16.
    pub scale: u32,
    /// Width in level pixels, margins included.
    pub width: usize,
    /// Height in level pixels, margins included.
    pub height: usize,
    /// Largest scale windowed every second pixel, Q16.
    pub coarse_until: u32,
    /// Columns of margin on each side.
    pub margin_x: usize,
    /// Rows of margin above and below.
    pub margin_y: usize,
}

impl Level {
    /// A level length in frame pixels (rounded to nearest).
    pub const fn to_frame(&self, v: usize) -> usize {
        ((v as u64 * self.scale as u64 + (ONE as u64 / 2)) >> 16) as usize
    }

    /// The frame column of level column `v` (rounded; negative in the left margin).
    pub const fn frame_x(&self, v: usize) -> i32 {
        Self::signed(v, self.margin_x, self.scale)
    }

    /// The frame row of level row `v` (rounded; negative in the top margin).
    pub const fn frame_y(&self, v: usize) -> i32 {
        Self::signed(v, self.margin_y, self.scale)
    }

    const fn signed(v: usize, margin: usize, scale: u32) -> i32 {
        let d = v as i64 - margin as i64;
        ((d * scale as i64 + (ONE as i64 / 2)) >> 16) as i32
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
    /// pixel above (OpenCV's rule; see [`Self::coarse_until`]); no margin.
    pub const fn new_checked(first: u32, step: u32, levels: usize) -> Result<Self, LocateError> {
        if first < ONE || step <= ONE || levels == 0 || levels > MAX_LEVELS {
            return Err(LocateError::Pyramid);
        }
        Ok(Self {
            first,
            step,
            levels,
            coarse_until: 2 * ONE,
            margin: (0, 0),
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

    /// The same scales with `x` columns of margin left and right of every
    /// level and `y` rows above and below (the frame's edge repeated), so
    /// that windows reach past the frame's edges; each at most [`MAX_MARGIN`].
    pub const fn with_margin(self, x: u8, y: u8) -> Result<Self, LocateError> {
        if x > MAX_MARGIN || y > MAX_MARGIN {
            return Err(LocateError::Pyramid);
        }
        Ok(Self {
            margin: (x, y),
            ..self
        })
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

    /// The largest scale windowed every second pixel, Q16.
    pub const fn coarse_limit(&self) -> u32 {
        self.coarse_until
    }

    /// Margin columns and rows of every level.
    pub const fn margin(&self) -> (u8, u8) {
        self.margin
    }

    /// Level `index` of a `width x height` frame, `None` when the frame at
    /// that scale (margins aside) is smaller than `window` (w, h) or beyond
    /// the last level.
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
        let (mx, my) = (usize::from(self.margin.0), usize::from(self.margin.1));
        (w >= window.0 && h >= window.1).then_some(Level {
            scale: scale as u32,
            width: w + 2 * mx,
            height: h + 2 * my,
            coarse_until: self.coarse_until,
            margin_x: mx,
            margin_y: my,
        })
    }
}

/// Resamples `frame` (`width x height`, at most [`super::MAX_SIDE`] wide)
/// into `out[..level.width · level.height]`. The caller checks the lengths.
pub fn resample(frame: &[u8], width: usize, height: usize, level: &Level, out: &mut [u8]) {
    let mut cols = [0u32; super::MAX_SIDE + 2 * MAX_MARGIN as usize];
    let cols = &mut cols[..level.width];
    columns(level, 0, width, cols);
    for (ly, row) in out[..level.width * level.height]
        .chunks_exact_mut(level.width)
        .enumerate()
    {
        let mut pad = [0u8; 4];
        let (upper, lower, fy) = frame_rows(frame, width, height, level, ly, &mut pad);
        for (o, &e) in row.iter_mut().zip(cols.iter()) {
            *o = sample(upper, lower, fy, e) as u8;
        }
    }
}

/// The frame index and 8-bit fraction that level coordinate `v` (margin
/// `margin`) samples, on a frame side of `limit` pixels: the position
/// `(v − margin + ½)·s − ½` in Q16 is `(v − margin)·s + ⌊s/2⌋ − ½`, clamped
/// to `0..=limit − 1`.
#[inline(always)]
pub fn source(v: usize, margin: usize, scale: u32, limit: usize) -> (usize, u32) {
    let Some(d) = v.checked_sub(margin) else {
        return (0, 0);
    };
    let q =
        (d as u64 * u64::from(scale) + u64::from(scale >> 1)).saturating_sub(u64::from(ONE / 2));
    let i = (q >> 16) as usize;
    if i + 1 >= limit {
        (limit - 1, 0)
    } else {
        (i, ((q >> 8) & 0xff) as u32)
    }
}

/// Writes into `out` the frame column that level columns `x0..x0 +
/// out.len()` sample with its fraction, `index << 9 | fraction` (see
/// [`source`]); a column clamped to the frame's last one (fraction 0) is
/// written as the one before it with the fraction 256, the same pixel, so
/// that the next column always exists in a frame at least two wide.
/// Computed once a level region, read for every row.
pub fn columns(level: &Level, x0: usize, width: usize, out: &mut [u32]) {
    for (lx, o) in (x0..).zip(out.iter_mut()) {
        let (i, fx) = source(lx, level.margin_x, level.scale, width);
        let (i, fx) = if i + 1 >= width && width >= 2 {
            (width - 2, 256)
        } else {
            (i, fx)
        };
        *o = (i as u32) << 9 | fx;
    }
}

/// The two frame rows that level row `ly` samples, upper and lower (the
/// same row at the frame's bottom edge), and its vertical fraction `fy`. A
/// frame one column wide is copied into `pad`, each pixel twice, so that
/// [`sample`] can always read a column and the next. The caller keeps `ly`
/// inside the level.
pub fn frame_rows<'f>(
    frame: &'f [u8],
    width: usize,
    height: usize,
    level: &Level,
    ly: usize,
    pad: &'f mut [u8; 4],
) -> (&'f [u8], &'f [u8], u32) {
    let (y0, fy) = source(ly, level.margin_y, level.scale, height);
    let y1 = (y0 + 1).min(height - 1);
    if width >= 2 {
        (
            &frame[y0 * width..][..width],
            &frame[y1 * width..][..width],
            fy,
        )
    } else {
        *pad = [frame[y0], frame[y0], frame[y1], frame[y1]];
        let (upper, lower) = pad.split_at(2);
        (upper, lower, fy)
    }
}

/// The level pixel of column entry `e` (from [`columns`]) between the
/// frame rows `upper` and `lower` of [`frame_rows`] at vertical fraction
/// `fy`: the two columns blended vertically (exact, Q8),
/// then horizontally, rounded once:
/// `((a·(256−fx) + b·fx)·(256−fy) + (c·(256−fx) + d·fx)·fy + 2¹⁵) >> 16`.
#[inline(always)]
pub fn sample(upper: &[u8], lower: &[u8], fy: u32, e: u32) -> u32 {
    let (i, fx) = ((e >> 9) as usize, e & 0x1ff);
    let (a, b) = (&upper[i..i + 2], &lower[i..i + 2]);
    let gy = 256 - fy;
    let v0 = u32::from(a[0]) * gy + u32::from(b[0]) * fy;
    let v1 = u32::from(a[1]) * gy + u32::from(b[1]) * fy;
    (v0 * (256 - fx) + v1 * fx + (1 << 15)) >> 16
}
