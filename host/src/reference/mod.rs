//! The float64 reference of the chip's kernel, written for obviousness, not
//! speed. The `check` command and the tests compare `facenmf-core` with it.
//!
//! - [`thumbnail`]: area averaging by direct f64 integration of each
//!   thumbnail pixel's rectangle.
//! - [`nnls`]: non-negative least squares by the Lawson–Hanson active-set
//!   method (exact up to rounding, independent of the kernel's coordinate
//!   descent), and the objective `½‖x − wH‖²`.
//! - [`lbp`]: uniform LBP cell histograms, one pixel at a time.
//! - [`knn`]: k-nearest-neighbour vote by computing every distance and
//!   sorting them.
//! - [`decision`]: the open-set score against the runner-up and a cohort,
//!   by sorting every impostor distance.
//! - [`haar`]: OpenCV's Haar cascade on one window by direct pixel sums
//!   and the file's float values (the verifier's reference).
//! - [`locate`]: the face locator's pieces by direct pixel sums in f64:
//!   block sums, LBP codes, the cascade with float or fixed-point leaves,
//!   bilinear resampling.

pub mod decision;
pub mod haar;
pub mod knn;
pub mod lbp;
pub mod locate;
pub mod nnls;
pub mod thumbnail;
