//! The STM32F4's own flash behind the `embedded-storage` NOR traits, for the
//! template store (DISC1 board, feature `disc1`).
//!
//! Offsets count from the start of flash (0x0800_0000). Writes program
//! bytes; an erase covers whole 128 KiB sectors (the hal's `UnlockedFlash`,
//! unlocked for each operation and locked again after it). While the flash
//! programs or erases, code fetches from it stall: the firmware stores only
//! between frames, never during a capture.

use embedded_storage::nor_flash::{ErrorType, NorFlash, ReadNorFlash};
use stm32f4xx_hal::flash::{Error, FlashExt, LockedFlash};
use stm32f4xx_hal::pac::FLASH;

/// The chip's flash.
pub struct Stm32Flash {
    flash: LockedFlash,
}

impl core::fmt::Debug for Stm32Flash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Stm32Flash")
    }
}

impl Stm32Flash {
    /// Takes the flash peripheral.
    pub fn new(flash: FLASH) -> Self {
        Self {
            flash: LockedFlash::new(flash),
        }
    }
}

impl ErrorType for Stm32Flash {
    type Error = Error;
}

impl ReadNorFlash for Stm32Flash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Error> {
        ReadNorFlash::read(&mut self.flash, offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.flash.len()
    }
}

impl NorFlash for Stm32Flash {
    const WRITE_SIZE: usize = 1;
    const ERASE_SIZE: usize = 128 * 1024;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Error> {
        NorFlash::erase(&mut self.flash.unlocked(), from, to)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Error> {
        NorFlash::write(&mut self.flash.unlocked(), offset, bytes)
    }
}
