//! Camera-like test frames made from LFW photos, with their true face boxes.
//!
//! - [`make`]: one frame from one photo (placement, scale, exposure, noise)
//!   and face-free frames from the photo's corners.
//! - [`truth`]: the `truth.json` record of every frame (true box, person).
//! - [`generate`]: a seeded folder of frames and its `truth.json`
//!   (`facenmf frames`).
//! - [`split`]: the photos of a model's test split (`facenmf frames --model`).

pub mod generate;
pub mod make;
pub mod rng;
pub mod split;
pub mod truth;

pub use generate::{generate, generate_only, write_pgm};
pub use truth::{FrameTruth, Truth, TruthBox, TRUTH_FILE};
