//! Open-set recognition: most faces a camera sees belong to nobody in the
//! gallery.
//!
//! - [`curve`]: the "unknown" threshold's curve from the vote's decisions
//!   (known people named correctly, strangers wrongly accepted).
//! - [`protocol`]: the experiment end to end: people split into enrolled
//!   and strangers, the model trained on the enrolled only, the threshold
//!   chosen on one half of the strangers at a target false-accept rate and
//!   measured on the other half, and how recognition of newcomers grows
//!   with the number of photos enrolled.
//! - [`strangers`]: the experiment against a second dataset of strangers:
//!   thresholds chosen on one half of them, measured on the other, the
//!   decisions compared, newcomers enrolled from 1 and 3 photos.
//! - [`chart`]: the curves as a chart (and as CSV).

pub mod chart;
pub mod curve;
pub mod protocol;
pub mod strangers;

pub use curve::{decide, Curve, Point, Probe};
