//! Where things are in the region: sectors, their headers and fixed-size
//! template slots. Every field starts on a multiple of the unit
//! `U = max(WRITE_SIZE, 4)` and is written whole, so each write is aligned.
//!
//! ```text
//! sector: header body (32 B, padded to U) | retire word (U) | slot 0 | slot 1 | ...
//! header body: magic u32 | version u16 | M u16 | model id u64 | seq u32 |
//!              gc source u32 | flags u32 | crc32 of the 28 bytes before
//! slot:   body (40 + 4M B, padded to U) | commit word (U) | delete word (U)
//! body:   kind u8 | name length u8 | label u16 | name [u8; 32] | M f32 | crc32
//! ```
//!
//! All integers little-endian. A word is "erased" when all its bytes are
//! 0xFF; the commit word counts only when all its bytes are 0x00; the retire
//! and delete words count when any byte is programmed.

use crate::person::NAME_MAX;

/// Sector header magic, "FNMS" read as little-endian bytes.
pub(crate) const MAGIC: u32 = u32::from_le_bytes(*b"FNMS");
/// Format version.
pub(crate) const VERSION: u16 = 1;
/// Header body bytes (CRC included).
pub(crate) const HEADER_BODY: u32 = 32;
/// "No GC source" in a header.
pub(crate) const NO_SOURCE: u32 = u32::MAX;
/// Header flag: every sector with a lower sequence number is deleted.
pub(crate) const FLAG_CLEAR: u32 = 1;
/// Slot kind of a person.
pub(crate) const KIND_PERSON: u8 = 1;
/// Slot body bytes before the CRC: kind, name length, label, name.
pub(crate) const BODY_FIXED: usize = 4 + NAME_MAX;
/// Bytes moved a flash access.
pub(crate) const CHUNK: usize = 64;

/// The region's geometry, checked once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub base: u32,
    pub sector: u32,
    pub sectors: u32,
    pub unit: u32,
    pub header_len: u32,
    pub body_len: u32,
    pub slot_len: u32,
    pub slots: u32,
}

pub(crate) const fn round_up(x: u32, unit: u32) -> u32 {
    x.div_ceil(unit) * unit
}

impl Layout {
    /// The layout of `sectors` sectors of `sector` bytes from `base`, for
    /// templates of `m` values written in units of `write` bytes.
    pub fn new(base: u32, sector: u32, sectors: u32, write: u32, m: usize) -> Self {
        let unit = if write > 4 { write } else { 4 };
        let header_len = round_up(HEADER_BODY, unit) + unit;
        let body_len = round_up((BODY_FIXED + 4 * m + 4) as u32, unit);
        let slot_len = body_len + 2 * unit;
        let slots = sector.saturating_sub(header_len) / slot_len;
        Self {
            base,
            sector,
            sectors,
            unit,
            header_len,
            body_len,
            slot_len,
            slots,
        }
    }

    /// Start of sector `s`.
    pub fn sector_start(&self, s: u32) -> u32 {
        self.base + s * self.sector
    }

    /// Address of the retire word of sector `s`.
    pub fn retire_word(&self, s: u32) -> u32 {
        self.sector_start(s) + self.header_len - self.unit
    }

    /// Start of slot `i` of sector `s`.
    pub fn slot(&self, s: u32, i: u32) -> u32 {
        self.sector_start(s) + self.header_len + i * self.slot_len
    }

    /// Address of the commit word of the slot at `slot`.
    pub fn commit_word(&self, slot: u32) -> u32 {
        slot + self.body_len
    }

    /// Address of the delete word of the slot at `slot`.
    pub fn delete_word(&self, slot: u32) -> u32 {
        slot + self.body_len + self.unit
    }

    /// People the region holds at most: one sector is kept erased for
    /// compaction and delete-all.
    pub fn capacity(&self) -> usize {
        ((self.sectors - 1) * self.slots) as usize
    }
}
