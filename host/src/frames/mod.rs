//! Camera-like test frames made from LFW photos, with their true face boxes.
//!
//! - [`make`]: one frame from one photo (placement, scale, exposure, noise)
//!   and face-free frames from the photo's corners.
//! - [`truth`]: the `truth.json` record of every frame (true box, person).
//! - [`generate`]: a seeded folder of frames and its `truth.json`
//!   (`facenmf frames`).

pub mod generate;
pub mod make;
pub mod rng;
pub mod truth;

pub use generate::{generate, write_pgm};
pub use truth::{FrameTruth, Truth, TruthBox, TRUTH_FILE};
