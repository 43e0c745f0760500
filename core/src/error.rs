//! Errors of the kernel: small `Copy` enums, one per stage, each naming the
//! offending index so a bad model or frame can be found.

use core::fmt;

/// Why a thumbnail could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ThumbnailError {
    /// The frame is wider or taller than [`crate::thumbnail::MAX_FRAME_SIDE`], or empty.
    FrameSize { width: usize, height: usize },
    /// The crop rectangle is empty or reaches outside the frame.
    CropOutsideFrame,
    /// The thumbnail is empty or larger than the crop (the filter only reduces).
    OutputSize { width: usize, height: usize },
    /// The frame buffer does not hold `width * height` pixels of its format.
    FrameLength { expected: usize, actual: usize },
    /// The output buffer does not hold `width * height` values.
    OutputLength { expected: usize, actual: usize },
}

/// Why a feature stage was refused, or could not run on the buffers given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FeatureError {
    /// The thumbnail is smaller than `min x min` pixels (the features need
    /// that much) or larger than [`crate::thumbnail::MAX_FRAME_SIDE`] a side.
    ThumbnailSize {
        width: usize,
        height: usize,
        min: usize,
    },
    /// The cell grid has no cell along an axis, or more cells along an axis
    /// than the `max_rows x max_cols` pixels that carry a code.
    Grid {
        rows: usize,
        cols: usize,
        max_rows: usize,
        max_cols: usize,
    },
    /// The thumbnail buffer does not hold `width * height` values.
    InputLength { expected: usize, actual: usize },
    /// The output buffer does not hold the features' length.
    OutputLength { expected: usize, actual: usize },
}

/// Why a basis, its Gram matrix or a linear map was refused by a checked constructor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ModelError {
    /// A dimension is zero or exceeds the kernel's capacity.
    Dimension {
        what: &'static str,
        value: usize,
        max: usize,
    },
    /// A buffer's length disagrees with the dimensions given.
    Length {
        what: &'static str,
        expected: usize,
        actual: usize,
    },
    /// A value is NaN or infinite (`row`, `col` of the offending matrix).
    NotFinite {
        what: &'static str,
        row: usize,
        col: usize,
    },
    /// A value that must be non-negative is negative.
    Negative {
        what: &'static str,
        row: usize,
        col: usize,
    },
    /// A diagonal entry of the Gram matrix is not positive (a zero basis row).
    NonPositiveDiagonal { index: usize },
    /// The Gram matrix is not `H Hᵀ` of the basis (or not symmetric) at `(row, col)`.
    GramMismatch { row: usize, col: usize },
}

/// Why an input could not be encoded, projected or classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum InputError {
    /// The input's length disagrees with the model.
    Length { expected: usize, actual: usize },
    /// The input holds NaN or infinity at `index`.
    NotFinite { index: usize },
}

/// Why a gallery operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum GalleryError {
    /// The gallery holds no template (or all were removed).
    Empty,
    /// No room for another enrolled template.
    Full,
    /// `k` is zero or above [`crate::gallery::MAX_NEIGHBOURS`].
    BadK { k: usize },
    /// A template or query holds NaN or infinity at `index`.
    NotFinite { index: usize },
    /// The list of removed flash templates is full.
    TooManyRemovals,
}

impl fmt::Display for ThumbnailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::FrameSize { width, height } => write!(
                f,
                "frame of {width} x {height} pixels is empty or larger than {m} x {m}",
                m = crate::thumbnail::MAX_FRAME_SIDE
            ),
            Self::CropOutsideFrame => f.write_str("crop rectangle is empty or outside the frame"),
            Self::OutputSize { width, height } => write!(
                f,
                "thumbnail of {width} x {height} is empty or larger than the crop"
            ),
            Self::FrameLength { expected, actual } => {
                write!(f, "frame holds {actual} bytes, expected {expected}")
            }
            Self::OutputLength { expected, actual } => {
                write!(
                    f,
                    "output buffer holds {actual} values, expected {expected}"
                )
            }
        }
    }
}

impl fmt::Display for FeatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ThumbnailSize { width, height, min } => write!(
                f,
                "thumbnail of {width} x {height} is smaller than {min} x {min} or larger than {m} x {m}",
                m = crate::thumbnail::MAX_FRAME_SIDE
            ),
            Self::Grid {
                rows,
                cols,
                max_rows,
                max_cols,
            } => write!(
                f,
                "grid of {rows} x {cols} cells: each side must be between 1 and the {max_rows} x {max_cols} pixels with a code"
            ),
            Self::InputLength { expected, actual } => {
                write!(f, "thumbnail holds {actual} values, expected {expected}")
            }
            Self::OutputLength { expected, actual } => {
                write!(f, "feature buffer holds {actual} values, expected {expected}")
            }
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Dimension { what, value, max } => {
                write!(f, "{what} is {value}, must be between 1 and {max}")
            }
            Self::Length {
                what,
                expected,
                actual,
            } => {
                write!(f, "{what} holds {actual} values, expected {expected}")
            }
            Self::NotFinite { what, row, col } => {
                write!(f, "{what} is NaN or infinite at ({row}, {col})")
            }
            Self::Negative { what, row, col } => write!(f, "{what} is negative at ({row}, {col})"),
            Self::NonPositiveDiagonal { index } => write!(
                f,
                "Gram matrix diagonal {index} is not positive (basis row {index} is zero)"
            ),
            Self::GramMismatch { row, col } => write!(
                f,
                "Gram matrix at ({row}, {col}) is not the product of the basis with itself"
            ),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Length { expected, actual } => {
                write!(f, "input holds {actual} values, expected {expected}")
            }
            Self::NotFinite { index } => write!(f, "input is NaN or infinite at index {index}"),
        }
    }
}

impl fmt::Display for GalleryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("gallery holds no template"),
            Self::Full => f.write_str("gallery is full"),
            Self::BadK { k } => write!(
                f,
                "k = {k} neighbours, must be between 1 and {}",
                crate::gallery::MAX_NEIGHBOURS
            ),
            Self::NotFinite { index } => write!(f, "vector is NaN or infinite at index {index}"),
            Self::TooManyRemovals => f.write_str("too many flash templates removed"),
        }
    }
}

impl core::error::Error for ThumbnailError {}
impl core::error::Error for FeatureError {}
impl core::error::Error for ModelError {}
impl core::error::Error for InputError {}
impl core::error::Error for GalleryError {}
