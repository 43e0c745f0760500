//! Tests that cross crate boundaries live in `tests/tests/`. This library holds
//! what they share: seeded generators, locating the real datasets and running
//! the firmware in QEMU.
#![forbid(unsafe_code)]

pub mod data_dir;
pub mod firmware;
pub mod gen;
pub mod models;
pub mod nor_flash;
pub mod opencv;
