//! facenmf-core: the allocation-free f32 kernel that runs on the chip.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`thumbnail`]: camera frame (8-bit gray or RGB565) → crop → area-averaged
//!    thumbnail in `[0, 1]`.
//! 2. [`features`]: thumbnail → what the basis is fitted on: the pixels
//!    themselves, or uniform LBP histograms per cell.
//! 3. [`encode`]: features → non-negative code against a fixed NMF basis, by
//!    the coordinate descent of [`nnls`]; the basis (and the map of
//!    [`project`]) in f32 or as i8 rows with a scale a row ([`rows`]); or,
//!    as the model chooses ([`coder`]), a [`linear`] stage `code = W x + c`.
//! 4. [`project`]: code → optional square root, L2 normalisation and linear map
//!    (e.g. LDA) into the space where faces are compared.
//! 5. [`gallery`]: nearest-neighbour classification against templates in
//!    flash and enrolled at run time, with an "unknown" threshold.
//!
//! Before them, [`locate`] finds the face in a whole frame and gives the crop.
//!
//! [`recognise`] chains the five, checked once to fit together.
//!
//! Every model buffer is validated once by a checked constructor; after that
//! the inner loops cannot fail. Nothing allocates and nothing panics on bad
//! input: errors are the small `Copy` enums of [`error`].
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod coder;
pub mod decision;
pub mod encode;
pub mod error;
pub mod features;
pub mod gallery;
pub mod linear;
pub mod locate;
pub mod math;
pub mod nnls;
pub mod project;
pub mod recognise;
pub mod rows;
pub mod thumbnail;
mod validate;

pub use coder::Coder;
pub use decision::{Form, Impostors, Rule, Score};
pub use encode::Encoder;
pub use error::{FeatureError, GalleryError, InputError, ModelError, ThumbnailError};
pub use features::{FeatureExtractor, Features, Grid};
pub use gallery::{Decision, Gallery, Identity, Metric};
pub use linear::LinearEncoder;
pub use nnls::{Gram, SolveReport, StopRule};
pub use project::{LinearMap, Projection};
pub use recognise::{Recogniser, Recognition};
pub use rows::{Rows, Storage};
pub use thumbnail::{Crop, PixelFormat, Thumbnailer};
