//! The host side of the face locator (the core's `locate`): converting
//! OpenCV's cascade, learning the box map, scoring, `facenmf detect`.
//!
//! - [`opencv`]: OpenCV LBP cascade XML → the core's integer cascade.
//! - [`opencv_haar`]: OpenCV Haar cascade XML → the core's integer Haar cascade (the verifier).
//! - [`config`]: `locator.json` and the core locator built from it.
//! - [`frames_in`]: reading gray frames.
//! - [`fit`]: learning the detector-box → crop map on training frames.
//! - [`score`]: located %, false alarms and cost on a frame folder.
//! - [`on_host`]: whole frames (locate, then recognise) as the firmware runs them.
//! - [`export`]: a locator as Rust `const` data for the firmware.
//! - [`detect`]: the faces of whole frames (`facenmf detect`).
//! - [`recognise`]: whole frames located then recognised (`facenmf recognise --locator`).
//! - [`endtoend`]: recognition on located faces against the true boxes.
//! - [`boxerror`]: a located region's error against the true box.
//! - [`refine`]: aligning a located face by the NMF reconstruction residual.

pub mod boxerror;
pub mod config;
pub mod detect;
pub mod endtoend;
pub mod export;
pub mod fit;
pub mod frames_in;
pub mod on_host;
pub mod opencv;
pub mod opencv_haar;
pub mod recognise;
pub mod refine;
pub mod score;
