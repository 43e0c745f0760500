//! facenmf-host: the offline trainer of facenmf.
//!
//! - [`reference`]: the float64 reference the f32 kernel of `facenmf-core` is
//!   checked against (thumbnail, NNLS, k-NN), written for obviousness.
//! - [`data`]: face datasets behind one [`data::Dataset`] type.
//! - [`nmf`]: NMF solvers (scikit-learn's `mu` and `cd`, accelerated HALS), init, transform.
#![forbid(unsafe_code)]

pub mod data;
pub mod nmf;
pub mod reference;
