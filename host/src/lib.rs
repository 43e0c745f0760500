//! facenmf-host: the offline trainer of facenmf.
//!
//! - [`reference`]: the float64 reference the f32 kernel of `facenmf-core` is
//!   checked against (thumbnail, NNLS, k-NN), written for obviousness.
//! - [`data`]: face datasets behind one [`data::Dataset`] type.
//! - [`selftest`]: the kernel against the reference on synthetic frames.
#![forbid(unsafe_code)]

pub mod data;
pub mod reference;
pub mod selftest;
