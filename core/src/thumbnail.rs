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

    /// The same frames and thumbnail with another crop (checked as by
    /// [`Thumbnailer::new_checked`]): the crop a face locator chose.
    pub const fn with_crop(&self, crop: Crop) -> Result<Self, ThumbnailError> {
        Self::new_checked(
            self.frame_width,
            self.frame_height,
            self.format,
            crop,
            self.out_width,
            self.out_height,
        )
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
    /// multiply-add per crop pixel and output row it falls under (1 or 2
    /// when reducing; 1 when the crop is a whole multiple of the thumbnail), plus, per
    /// output pixel, a weighted sum of its source columns and one division.
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
    /// Output columns go in groups whose source columns fit a buffer of
    /// [`COLUMN_BUFFER`] sums. For each output row, the source rows under it
    /// add their weighted levels into the buffer (one multiply-add a source
    /// pixel and row, up to three rows a pass), then each output pixel takes
    /// the weighted sum
    /// of its source columns from the buffer. This is the same integer as the
    /// pixel-by-pixel definition (integer sums do not depend on order), so
    /// the result is too. An output column wider than the buffer (a crop
    /// more than 255 times wider than the thumbnail) sums row by row.
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
        let mut sums = [0u32; COLUMN_BUFFER];
        let mut x0 = 0;
        while x0 < ow {
            // The group: output columns x0..x1 (at most COLUMN_GROUP) over
            // source columns first..end (at most COLUMN_BUFFER).
            let mut cols = [Edges::default(); COLUMN_GROUP];
            let first = Span::new(x0, cw, ow).first;
            let mut x1 = x0;
            let mut end = first;
            while x1 < ow && x1 - x0 < COLUMN_GROUP {
                let col = Span::new(x1, cw, ow);
                if x1 > x0 && col.end - first > COLUMN_BUFFER {
                    break;
                }
                cols[x1 - x0] = Edges::of(&col, first);
                end = col.end;
                x1 += 1;
            }
            let cols = &cols[..x1 - x0];
            if end - first > COLUMN_BUFFER {
                // One output column wider than the buffer: row by row.
                let col = Span::new(x0, cw, ow);
                let edges = Edges::of(&col, 0);
                for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                    let rows = Span::new(oy, ch, oh);
                    let mut sum = 0u32;
                    for r in rows.first..rows.end {
                        let px = &line(r)[col.first..col.end];
                        sum += rows.weight(r) * edges.weighted_sum(px, ow as u32, &level);
                    }
                    out_row[x0] = sum as f32 / denominator;
                }
                x0 = x1;
                continue;
            }
            let sums = &mut sums[..end - first];
            for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                let rows = Span::new(oy, ch, oh);
                sums.fill(0);
                // Source rows three, two or one at a time: one load and store
                // of a column sum serves several rows.
                let mut r = rows.first;
                while r + 3 <= rows.end {
                    let w = [rows.weight(r), rows.weight(r + 1), rows.weight(r + 2)];
                    let (a, b, c) = (
                        &line(r)[first..end],
                        &line(r + 1)[first..end],
                        &line(r + 2)[first..end],
                    );
                    for (((v, pa), pb), pc) in sums.iter_mut().zip(a).zip(b).zip(c) {
                        *v += w[0] * level(pa) + w[1] * level(pb) + w[2] * level(pc);
                    }
                    r += 3;
                }
                if r + 2 == rows.end {
                    let w = [rows.weight(r), rows.weight(r + 1)];
                    let (a, b) = (&line(r)[first..end], &line(r + 1)[first..end]);
                    for ((v, pa), pb) in sums.iter_mut().zip(a).zip(b) {
                        *v += w[0] * level(pa) + w[1] * level(pb);
                    }
                } else if r + 1 == rows.end {
                    let wr = rows.weight(r);
                    for (v, p) in sums.iter_mut().zip(&line(r)[first..end]) {
                        *v += wr * level(p);
                    }
                }
                for (c, o) in cols.iter().zip(&mut out_row[x0..x1]) {
                    let sum = c.weighted_sum(&sums[c.first..c.end], ow as u32, &|v: &u32| *v);
                    *o = sum as f32 / denominator;
                }
            }
            x0 = x1;
        }
    }
}

/// Source columns a group of output columns may span (stack room: 1 KiB).
const COLUMN_BUFFER: usize = 256;

/// Output columns a group holds at most (stack room: 512 bytes).
const COLUMN_GROUP: usize = 32;

/// An output column's source columns `first..end` (relative to its group)
/// and the weights of the first and last; the ones between weigh `n_out`.
#[derive(Debug, Clone, Copy, Default)]
struct Edges {
    first: usize,
    end: usize,
    w_first: u32,
    w_last: u32,
}

impl Edges {
    fn of(span: &Span, origin: usize) -> Self {
        Self {
            first: span.first - origin,
            end: span.end - origin,
            w_first: span.weight(span.first),
            w_last: span.weight(span.end - 1),
        }
    }

    /// `Σ weight · level` over `px`, the span's source pixels (or column
    /// sums): the first and the last with their partial weights, the ones
    /// between with `n_out`.
    #[inline(always)]
    fn weighted_sum<T>(&self, px: &[T], n_out: u32, level: &impl Fn(&T) -> u32) -> u32 {
        match px {
            [only] => self.w_first * level(only),
            [first, between @ .., last] => {
                let mut inner = 0;
                for p in between {
                    inner += level(p);
                }
                self.w_first * level(first) + n_out * inner + self.w_last * level(last)
            }
            [] => 0,
        }
    }
}

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
}

impl Span {
    #[inline]
    fn new(o: usize, n_src: usize, n_out: usize) -> Self {
        let (lo, hi) = (o * n_src, (o + 1) * n_src);
        Self {
            lo,
            hi,
            n_out,
            first: lo / n_out,
            end: hi.div_ceil(n_out),
        }
    }

    /// Overlap of source pixel `s` with the output pixel (scaled, exact).
    #[inline]
    fn weight(&self, s: usize) -> u32 {
        let a = (s * self.n_out).max(self.lo);
        let b = ((s + 1) * self.n_out).min(self.hi);
        (b - a) as u32
    }
}
