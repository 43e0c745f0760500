//! facenmf-store: people enrolled on the device, kept in NOR flash through
//! power cuts.
//!
//! - [`Store`]: open (repairing whatever a power cut left half done), enrol,
//!   delete the last person, delete everybody; capacity stated and a full
//!   store refused without writing.
//! - [`Person`]: label, name bytes and template of M values.
//! - [`model_id`]: the identity of the model the templates belong to; a
//!   store of another model is refused.
//! - [`RamNor`]: NOR flash rules over bytes in memory (store images on the
//!   host, the QEMU board's emulated region).
//!
//! Blocking, over the `embedded-storage` [`NorFlash`] traits: the firmware's
//! loop is blocking, and a write or erase stalls the core anyway on an
//! STM32F4 (reads from the flash wait while it programs).
//!
//! The on-flash format is in `layout.rs`, the commit points in `store.rs`.
//!
//! [`NorFlash`]: embedded_storage::nor_flash::NorFlash
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

mod crc;
mod error;
mod layout;
mod model_id;
mod person;
mod ram;
mod store;

pub use crc::Crc32;
pub use error::{Error, OpenError, RegionError};
pub use model_id::model_id;
pub use person::{Person, NAME_MAX};
pub use ram::{RamNor, RamNorError};
pub use store::{OpenReport, Region, Store, MAX_SECTORS};

/// Bytes a template slot of `m` values takes for a flash written in units of
/// `write_size` bytes, and the people a region of `sectors` sectors of
/// `sector_size` bytes holds: `(slot bytes, people)`.
pub fn capacity(sector_size: u32, sectors: u32, write_size: u32, m: usize) -> (u32, usize) {
    let l = layout::Layout::new(0, sector_size, sectors, write_size, m);
    (l.slot_len, l.capacity())
}
