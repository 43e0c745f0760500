//! Thumbnail → features: what the NMF basis is fitted on and the encoder
//! encodes.
//!
//! The model chooses one of [`Features`]:
//! - [`Features::Raw`]: the thumbnail itself (D = width · height),
//! - [`Features::Lbp`]: uniform LBP histograms per cell of a grid
//!   ([`lbp`]; D = cells · 59), of the thumbnail alone or with its mirror
//!   image, as counted or square-rooted.
//!
//! [`FeatureExtractor::new_checked`] checks the choice once against the
//! thumbnail size; after that [`FeatureExtractor::run`] only checks the
//! lengths of the caller's buffers. Nothing allocates; the output is f32,
//! finite and non-negative for a finite non-negative thumbnail, and the same
//! bits on the host and the chip (integer codes and counts, one f32
//! division a value, and one correctly rounded square root with `sqrt`).

pub mod grid;
pub mod lbp;
pub mod uniform;

pub use grid::Grid;

use crate::error::FeatureError;
use crate::thumbnail::{Thumbnailer, MAX_FRAME_SIDE};

/// The features a model is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Features {
    /// The thumbnail's pixels, unchanged.
    Raw,
    /// Uniform LBP histograms (8 neighbours, radius 1, 59 bins) per cell of
    /// `grid` over the thumbnail's interior pixels; see [`lbp`].
    Lbp {
        grid: Grid,
        /// Each cell counts the mirror image's codes too.
        mirror: bool,
        /// Each value square-rooted (the Hellinger form).
        sqrt: bool,
    },
}

impl Features {
    /// The smallest thumbnail side these features accept.
    pub const fn min_side(self) -> usize {
        match self {
            Self::Raw => 1,
            Self::Lbp { .. } => 3,
        }
    }
}

/// A feature choice validated for a `width x height` thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FeatureExtractor {
    features: Features,
    width: usize,
    height: usize,
}

impl FeatureExtractor {
    /// Checks `features` against a `width x height` thumbnail: each side in
    /// `min_side..=MAX_FRAME_SIDE` (3 for LBP, whose codes need the border
    /// around them), and an LBP grid of `1..=height − 2` rows and
    /// `1..=width − 2` columns of cells (no cell without a code).
    pub const fn new_checked(
        width: usize,
        height: usize,
        features: Features,
    ) -> Result<Self, FeatureError> {
        let min = features.min_side();
        if width < min || height < min || width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE {
            return Err(FeatureError::ThumbnailSize { width, height, min });
        }
        if let Features::Lbp { grid, .. } = features {
            let (max_rows, max_cols) = (height - 2, width - 2);
            if grid.rows == 0 || grid.cols == 0 || grid.rows > max_rows || grid.cols > max_cols {
                return Err(FeatureError::Grid {
                    rows: grid.rows,
                    cols: grid.cols,
                    max_rows,
                    max_cols,
                });
            }
        }
        Ok(Self {
            features,
            width,
            height,
        })
    }

    /// Raw features of the thumbnails `thumbnailer` makes (cannot fail: its
    /// size is already checked).
    pub const fn raw(thumbnailer: &Thumbnailer) -> Self {
        Self {
            features: Features::Raw,
            width: thumbnailer.out_width(),
            height: thumbnailer.out_height(),
        }
    }

    /// The features chosen.
    pub const fn features(&self) -> Features {
        self.features
    }

    /// Whether the output is the thumbnail itself ([`Features::Raw`]).
    pub const fn is_identity(&self) -> bool {
        matches!(self.features, Features::Raw)
    }

    /// Thumbnail width.
    pub const fn width(&self) -> usize {
        self.width
    }

    /// Thumbnail height.
    pub const fn height(&self) -> usize {
        self.height
    }

    /// Values of the input thumbnail (width · height).
    pub const fn input_len(&self) -> usize {
        self.width * self.height
    }

    /// Values of the output (the basis width D): width · height for raw
    /// pixels, cells · 59 for LBP.
    pub const fn output_len(&self) -> usize {
        match self.features {
            Features::Raw => self.input_len(),
            Features::Lbp { grid, .. } => grid.cells() * uniform::BINS,
        }
    }

    /// Computes the features of `thumb` (row-major, top row first) into `out`.
    ///
    /// Errors only when a buffer has the wrong length. Raw features copy the
    /// thumbnail; see [`lbp`] for the LBP histograms and their cost.
    pub fn run(&self, thumb: &[f32], out: &mut [f32]) -> Result<(), FeatureError> {
        if thumb.len() != self.input_len() {
            return Err(FeatureError::InputLength {
                expected: self.input_len(),
                actual: thumb.len(),
            });
        }
        if out.len() != self.output_len() {
            return Err(FeatureError::OutputLength {
                expected: self.output_len(),
                actual: out.len(),
            });
        }
        match self.features {
            Features::Raw => out.copy_from_slice(thumb),
            Features::Lbp { grid, mirror, sqrt } => {
                lbp::histograms(thumb, (self.width, self.height), grid, (mirror, sqrt), out);
            }
        }
        Ok(())
    }
}
