//! Camera frame → thumbnail: crop, then area-averaging downscale to f32 in `[0, 1]`.
//!
//! # Filter
//! Each thumbnail pixel is the exact mean of the crop over the rectangle it
//! covers: with a crop of `cw x ch` pixels and a thumbnail of `ow x oh`,
//! thumbnail column `ox` covers crop columns `[ox·cw/ow, (ox+1)·cw/ow)`, and
//! partly covered source pixels count with the covered fraction (a box
//! filter, "area averaging", like OpenCV's `INTER_AREA`). Scaled by `ow`
//! (and `oh`), every overlap is a whole number, so the weighted sum is
//! computed exactly in `u32`; the only rounding is the final conversion and
//! division in f32, within 2e-7 of the exact mean. It works for any output
//! size, though faces are only ever reduced.
//!
//! # Gray levels
//! - [`PixelFormat::Gray8`]: one byte a pixel, value / 255.
//! - [`PixelFormat::Yuyv`]: YUV 4:2:2 as cameras send it (Y0 U Y1 V …); the
//!   luma Y / 255 is the gray level.
//! - [`PixelFormat::Rgb565Be`]: two bytes a pixel, high byte first (the
//!   OV7670's order); each channel is widened to 8 bits by bit replication and
//!   gray = (R + G + B) / 765, the mean of the channels as scikit-learn's LFW
//!   loader makes gray.
//!
//! The trainer makes its training thumbnails with this very code, so the chip
//! and the training see the same pixels.

use crate::error::ThumbnailError;

/// Largest frame width or height accepted. It bounds the exact `u32` sums:
/// `1024 · 1024 · 765 < 2³²`.
pub const MAX_FRAME_SIDE: usize = 1024;

/// How a frame's bytes encode its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PixelFormat {
    /// One byte a pixel, 0 = black.
    Gray8,
    /// YUV 4:2:2, byte order Y0 U Y1 V; two bytes a pixel, luma used.
    Yuyv,
    /// RGB565, two bytes a pixel, high byte first.
    Rgb565Be,
}

impl PixelFormat {
    /// Bytes a pixel.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            Self::Gray8 => 1,
            Self::Yuyv | Self::Rgb565Be => 2,
        }
    }

    /// The largest gray level (white).
    const fn max_level(self) -> u32 {
        match self {
            Self::Gray8 | Self::Yuyv => 255,
            Self::Rgb565Be => 765,
        }
    }
}

/// A rectangle of the frame, in pixels: columns `x..x+width`, rows `y..y+height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Crop {
    /// First column.
    pub x: usize,
    /// First row.
    pub y: usize,
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
}

impl Crop {
    /// The whole of a `width x height` frame.
    pub const fn full(width: usize, height: usize) -> Self {
        Self {
            x: 0,
            y: 0,
            width,
            height,
        }
    }
}

/// A validated frame geometry → thumbnail geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Thumbnailer {
    frame_width: usize,
    frame_height: usize,
    format: PixelFormat,
    crop: Crop,
    out_width: usize,
    out_height: usize,
}

impl Thumbnailer {
    /// Checks that the frame fits [`MAX_FRAME_SIDE`], the crop lies inside
    /// the frame and neither crop nor thumbnail is empty.
    pub const fn new_checked(
        frame_width: usize,
        frame_height: usize,
        format: PixelFormat,
        crop: Crop,
        out_width: usize,
        out_height: usize,
    ) -> Result<Self, ThumbnailError> {
        if !side_ok(frame_width) || !side_ok(frame_height) {
            return Err(ThumbnailError::FrameSize {
                width: frame_width,
                height: frame_height,
            });
        }
        if crop.width == 0
            || crop.height == 0
            || crop.x >= frame_width
            || crop.y >= frame_height
            || crop.width > frame_width - crop.x
            || crop.height > frame_height - crop.y
        {
            return Err(ThumbnailError::CropOutsideFrame);
        }
        if !side_ok(out_width) || !side_ok(out_height) {
            return Err(ThumbnailError::OutputSize {
                width: out_width,
                height: out_height,
            });
        }
        Ok(Self {
            frame_width,
            frame_height,
            format,
            crop,
            out_width,
            out_height,
        })
    }

    /// Bytes a frame must hold.
    pub const fn frame_len(&self) -> usize {
        self.frame_width * self.frame_height * self.format.bytes_per_pixel()
    }

    /// Values a thumbnail holds (D = width · height).
    pub const fn out_len(&self) -> usize {
        self.out_width * self.out_height
    }

    /// Thumbnail width.
    pub const fn out_width(&self) -> usize {
        self.out_width
    }

    /// Thumbnail height.
    pub const fn out_height(&self) -> usize {
        self.out_height
    }

    /// The crop rectangle.
    pub const fn crop(&self) -> Crop {
        self.crop
    }

    /// The frame's pixel format.
    pub const fn format(&self) -> PixelFormat {
        self.format
    }

    /// Makes the thumbnail of `frame` into `out` (row-major, top row first).
    ///
    /// Errors only when a buffer has the wrong length. Cost: one load and
    /// add per crop pixel and output pixel it touches (a crop pixel is touched
    /// 1 to 4 times; once when the crop is a whole multiple of the
    /// thumbnail), plus two multiply-adds per output pixel and source row.
    pub fn run(&self, frame: &[u8], out: &mut [f32]) -> Result<(), ThumbnailError> {
        if frame.len() != self.frame_len() {
            return Err(ThumbnailError::FrameLength {
                expected: self.frame_len(),
                actual: frame.len(),
            });
        }
        if out.len() != self.out_len() {
            return Err(ThumbnailError::OutputLength {
                expected: self.out_len(),
                actual: out.len(),
            });
        }
        match self.format {
            PixelFormat::Gray8 => self.area_average(frame, out, |p: &[u8; 1]| u32::from(p[0])),
            PixelFormat::Yuyv => self.area_average(frame, out, |p: &[u8; 2]| u32::from(p[0])),
            PixelFormat::Rgb565Be => self.area_average(frame, out, |p: &[u8; 2]| {
                let v = (u32::from(p[0]) << 8) | u32::from(p[1]);
                let (r, g, b) = (v >> 11, (v >> 5) & 0x3f, v & 0x1f);
                ((r << 3) | (r >> 2)) + ((g << 2) | (g >> 4)) + ((b << 3) | (b >> 2))
            }),
        }
        Ok(())
    }

    /// The area average for pixels of `B` bytes whose gray level is `level`.
    ///
    /// Output columns go in groups of [`COLUMN_GROUP`]: each group's spans
    /// (first source column, count, edge weights) are worked out once, then
    /// every output row of the group sums its source rows with them. The sum
    /// of an output pixel is the same integer as the pixel-by-pixel
    /// definition (integer sums do not depend on order), so the result is
    /// too. When the crop is a whole multiple of the thumbnail on both axes
    /// every weight is the same and the sums are plain box sums.
    #[inline(always)]
    fn area_average<const B: usize>(
        &self,
        frame: &[u8],
        out: &mut [f32],
        level: impl Fn(&[u8; B]) -> u32,
    ) {
        let (cw, ch) = (self.crop.width, self.crop.height);
        let (ow, oh) = (self.out_width, self.out_height);
        // Exact: the weights of one output pixel add up to cw (columns) and ch (rows).
        let denominator = (cw * ch) as f32 * self.format.max_level() as f32;
        let line = |r: usize| {
            let start = ((self.crop.y + r) * self.frame_width + self.crop.x) * B;
            frame[start..start + cw * B].as_chunks::<B>().0
        };
        if cw % ow == 0 && ch % oh == 0 {
            // Every weight is ow (columns) and oh (rows): sum = ow·oh·box sum.
            let (fx, fy) = (cw / ow, ch / oh);
            let scale = (ow * oh) as u32;
            for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                for (group, out_group) in out_row.chunks_mut(COLUMN_GROUP).enumerate() {
                    let mut acc = [0u32; COLUMN_GROUP];
                    let acc = &mut acc[..out_group.len()];
                    let x0 = group * COLUMN_GROUP * fx;
                    for r in oy * fy..(oy + 1) * fy {
                        let px = &line(r)[x0..x0 + acc.len() * fx];
                        for (a, block) in acc.iter_mut().zip(px.chunks_exact(fx)) {
                            for p in block {
                                *a += level(p);
                            }
                        }
                    }
                    for (o, a) in out_group.iter_mut().zip(acc.iter()) {
                        *o = (scale * a) as f32 / denominator;
                    }
                }
            }
            return;
        }
        for x0 in (0..ow).step_by(COLUMN_GROUP) {
            let n = COLUMN_GROUP.min(ow - x0);
            let mut cols = [Span::new(0, 1, 1); COLUMN_GROUP];
            for (j, c) in cols[..n].iter_mut().enumerate() {
                *c = Span::new(x0 + j, cw, ow);
            }
            let cols = &cols[..n];
            for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                let rows = Span::new(oy, ch, oh);
                let mut acc = [0u32; COLUMN_GROUP];
                let acc = &mut acc[..n];
                for r in rows.first..rows.end {
                    let wr = rows.weight(r);
                    let px = line(r);
                    for (a, c) in acc.iter_mut().zip(cols) {
                        *a += wr * c.weighted_sum(px, &level);
                    }
                }
                for (o, a) in out_row[x0..x0 + n].iter_mut().zip(acc.iter()) {
                    *o = *a as f32 / denominator;
                }
            }
        }
    }
}

/// Output columns whose source spans are worked out together (stack room:
/// a few hundred bytes).
const COLUMN_GROUP: usize = 32;

/// A width or height in `1..=MAX_FRAME_SIDE`.
const fn side_ok(n: usize) -> bool {
    n > 0 && n <= MAX_FRAME_SIDE
}

/// The source pixels under output pixel `o` along one axis, in units where a
/// source pixel is `n_out` long and an output pixel `n_src` long.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Start and end of the output pixel, scaled.
    lo: usize,
    hi: usize,
    n_out: usize,
    /// Source pixels `first..end` overlap it.
    first: usize,
    end: usize,
    /// Weights of the first and the last source pixel.
    w_first: u32,
    w_last: u32,
}

impl Span {
    #[inline]
    fn new(o: usize, n_src: usize, n_out: usize) -> Self {
        let (lo, hi) = (o * n_src, (o + 1) * n_src);
        let mut span = Self {
            lo,
            hi,
            n_out,
            first: lo / n_out,
            end: hi.div_ceil(n_out),
            w_first: 0,
            w_last: 0,
        };
        span.w_first = span.weight(span.first);
        span.w_last = span.weight(span.end - 1);
        span
    }

    /// Overlap of source pixel `s` with the output pixel (scaled, exact).
    #[inline]
    fn weight(&self, s: usize) -> u32 {
        let a = (s * self.n_out).max(self.lo);
        let b = ((s + 1) * self.n_out).min(self.hi);
        (b - a) as u32
    }

    /// `Σ weight(s) · level(px[s])` over the span: the first and last source
    /// pixels with their partial weights, the ones between with `n_out`.
    #[inline(always)]
    fn weighted_sum<const B: usize>(
        &self,
        px: &[[u8; B]],
        level: &impl Fn(&[u8; B]) -> u32,
    ) -> u32 {
        match &px[self.first..self.end] {
            [only] => self.w_first * level(only),
            [first, between @ .., last] => {
                let mut inner = 0;
                for p in between {
                    inner += level(p);
                }
                self.w_first * level(first) + self.n_out as u32 * inner + self.w_last * level(last)
            }
            [] => 0,
        }
    }
}
