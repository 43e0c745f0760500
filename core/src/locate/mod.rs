//! Finding the face in a gray camera frame: a boosted LBP cascade (OpenCV's
//! model format) over an integral image and a small image pyramid, integers
//! only, so host and chip give the same boxes bit for bit.
//!
//! One concept per file:
//! - [`integral`]: the summed-area table and rectangle sums.
//! - [`cascade`]: the LBP cascade and its evaluation on one window.
//! - [`pyramid`]: the scales and the bilinear integer resampling of a level.
//! - [`seed`]: the coarse pass whose seeds limit the fine search.
//! - [`group`]: accepted windows → faces (OpenCV's `groupRectangles`).
//! - [`haar`]: a Haar cascade (OpenCV's model format) on one window.
//! - [`verify`]: the Haar cascade confirming the grouped faces and the choice.
//! - [`boxmap`]: the detector's box → the crop of the model's thumbnail.
//! - [`locator`]: all of it over a frame, with caller-provided buffers.
//! - [`error`]: what the checked constructors reject.
//!
//! Nothing allocates: the caller hands a [`Workspace`] of buffers sized by
//! [`Locator::columns_len`], [`Locator::table_len`] and [`Locator::mask_len`]. No frame content can
//! make it fail or panic; a frame smaller than the window has no level and
//! answers "no face".

pub mod boxmap;
pub mod cascade;
pub mod error;
pub mod group;
pub mod haar;
pub mod integral;
pub mod locator;
pub mod pyramid;
pub mod seed;
pub mod verify;

pub use boxmap::BoxMap;
pub use cascade::{LbpCascade, LbpFeature, LbpStage, LbpWeak, MAX_WINDOW};
pub use error::LocateError;
pub use group::{Candidate, Face, CANDIDATES, FACES};
pub use haar::{HaarCascade, HaarFeature, HaarNode, HaarRect, HaarStage, HaarWeak};
pub use locator::{LevelReport, Located, Locator, Workspace, MAX_SIDE};
pub use pyramid::{Level, Pyramid};
pub use seed::{Region, Seeding, CLUSTERS, SEEDS};
pub use verify::{Verdict, Verified, Verifier, VerifySettings};
