//! facenmf-host: the offline trainer of facenmf.
//!
//! - [`reference`]: the float64 reference the f32 kernel of `facenmf-core` is
//!   checked against (thumbnail, NNLS, k-NN), written for obviousness.
//! - [`demo`]: `facenmf demo`, the whole job in one command.
//! - [`data`]: face datasets behind one [`data::Dataset`] type.
//! - [`nmf`]: NMF solvers (scikit-learn's `mu` and `cd`, accelerated HALS), init, transform.
//! - [`learn`]: k-NN, PCA, LDA, Parzen decision, augmentation (shared by
//!   `eval` and `train`).
//! - [`eval`]: k-NN, PCA, LDA, the two protocols, the sweep's rows and charts.
//! - [`chip`]: the chip's pipeline on the host (frame → thumbnail → code →
//!   vector → decision), the one place a model runs through `facenmf-core`.
//! - [`model`]: the trained model that drives evaluation, export and check.
//! - [`decision`]: the open-set score a model's threshold applies to, and
//!   its cohort.
//! - [`quant`]: i8 rows with a scale a row: quantising the basis and map.
//! - [`budget`]: flash, RAM and multiply-adds of a model on the chip.
//! - [`check`]: the chip's kernel against the reference on a model's test set.
//! - [`export`]: the model as Rust `const` data for the firmware.
//! - [`frames`]: camera-like test frames from LFW photos, with true face boxes.
//! - [`locate`]: the face locator's host side: cascade conversion, box map, scoring, `detect`.
//! - [`atomic`]: output files written whole or not at all.
//! - [`openset`]: recognition with strangers: the unknown threshold, its
//!   curve and the enrolment of newcomers.
//! - [`recognise`]: who is in a user's photos or frames, by a trained model.
//! - [`cli`]: the command line: one file per command, the shared dataset
//!   argument and parsers (no domain module imports it).
//! - [`enroll`]: adding people to a trained model from a few photos.
//! - [`plot`]: self-contained PNG line charts.
//! - [`qemu`]: building and running the firmware in QEMU, and the host's answers to compare.
//! - [`selftest`]: the kernel against the reference on synthetic frames.
//! - [`store`]: the device's template store: model identity, dumps, images.
//! - [`train`]: the recipe that makes a device model.
//! - [`synthetic`]: a documented generator of synthetic faces.
#![forbid(unsafe_code)]

pub mod atomic;
pub mod budget;
pub mod check;
pub mod chip;
pub mod cli;
pub mod data;
pub mod decision;
pub mod demo;
pub mod enroll;
pub mod eval;
pub mod export;
pub mod features;
pub mod frames;
pub mod learn;
pub mod locate;
pub mod model;
pub mod nmf;
pub mod openset;
pub mod plot;
pub mod qemu;
pub mod quant;
pub mod recognise;
pub mod reference;
pub mod selftest;
pub mod store;
pub mod synthetic;
pub mod train;
