//! Tests that cross crate boundaries live in `tests/tests/`. This library holds
//! what they share: seeded generators and locating the real datasets.
#![forbid(unsafe_code)]

pub mod data_dir;
pub mod gen;
pub mod models;
