//! NOR flash rules over bytes in memory: a write only clears bits (a 0 → 1
//! change is refused, not silently dropped), writes are aligned to `W`
//! bytes, erases cover whole sectors of `S` bytes and set them to 0xFF.
//!
//! The host writes store images through it, and the QEMU board keeps its
//! emulated store region in it. The tests' power-cutting mock
//! (`tests/src/nor_flash.rs`) is stricter on purpose: it also refuses to
//! program a byte twice between erases.

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// What [`RamNor`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RamNorError {
    /// Offset or length not a multiple of the write unit or the sector.
    NotAligned,
    /// Past the end of the bytes.
    OutOfBounds,
    /// A write asked for a 0 → 1 bit change, which NOR cannot do.
    BitUp,
}

impl NorFlashError for RamNorError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            Self::NotAligned => NorFlashErrorKind::NotAligned,
            Self::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            Self::BitUp => NorFlashErrorKind::Other,
        }
    }
}

/// NOR flash over `bytes` (a `Vec<u8>`, an array, a `&mut [u8]`), written in
/// units of `W` bytes, erased in sectors of `S` bytes.
#[derive(Debug, Clone)]
pub struct RamNor<B, const W: usize, const S: usize> {
    bytes: B,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>, const W: usize, const S: usize> RamNor<B, W, S> {
    /// The flash holding `bytes` as they are.
    pub fn new(bytes: B) -> Self {
        Self { bytes }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The bytes, handed back.
    pub fn into_inner(self) -> B {
        self.bytes
    }

    /// The bytes `from..from + len`, or `OutOfBounds`.
    fn span(&mut self, from: usize, len: usize) -> Result<&mut [u8], RamNorError> {
        let to = from.checked_add(len).ok_or(RamNorError::OutOfBounds)?;
        self.bytes
            .as_mut()
            .get_mut(from..to)
            .ok_or(RamNorError::OutOfBounds)
    }
}

impl<B, const W: usize, const S: usize> ErrorType for RamNor<B, W, S> {
    type Error = RamNorError;
}

impl<B: AsRef<[u8]> + AsMut<[u8]>, const W: usize, const S: usize> ReadNorFlash
    for RamNor<B, W, S>
{
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), RamNorError> {
        bytes.copy_from_slice(self.span(offset as usize, bytes.len())?);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.as_ref().len()
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>, const W: usize, const S: usize> NorFlash for RamNor<B, W, S> {
    const WRITE_SIZE: usize = W;
    const ERASE_SIZE: usize = S;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), RamNorError> {
        let (from, to) = (from as usize, to as usize);
        if !from.is_multiple_of(S) || !to.is_multiple_of(S) || to < from {
            return Err(RamNorError::NotAligned);
        }
        self.span(from, to - from)?.fill(0xFF);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), RamNorError> {
        let at = offset as usize;
        if !at.is_multiple_of(W) || !bytes.len().is_multiple_of(W) {
            return Err(RamNorError::NotAligned);
        }
        let dst = self.span(at, bytes.len())?;
        if dst.iter().zip(bytes).any(|(&old, &new)| new & !old != 0) {
            return Err(RamNorError::BitUp);
        }
        for (d, &b) in dst.iter_mut().zip(bytes) {
            *d &= b;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_clear_bits_only_and_erases_whole_sectors() {
        let mut f = RamNor::<_, 4, 8>::new(vec![0xFF; 16]);
        f.write(4, &[0xF0, 0x0F, 0xFF, 0x00]).unwrap();
        // Clearing more bits of a programmed byte is NOR's own rule.
        f.write(4, &[0xF0, 0x0E, 0xFF, 0x00]).unwrap();
        assert_eq!(&f.bytes()[4..8], &[0xF0, 0x0E, 0xFF, 0x00]);
        assert_eq!(f.write(4, &[0xF1, 0, 0, 0]), Err(RamNorError::BitUp));
        assert_eq!(f.write(2, &[0; 4]), Err(RamNorError::NotAligned));
        assert_eq!(f.write(4, &[0; 3]), Err(RamNorError::NotAligned));
        assert_eq!(f.write(16, &[0; 4]), Err(RamNorError::OutOfBounds));
        assert_eq!(f.erase(4, 8), Err(RamNorError::NotAligned));
        assert_eq!(f.erase(8, 24), Err(RamNorError::OutOfBounds));
        f.erase(0, 8).unwrap();
        assert_eq!(f.bytes()[..8], [0xFF; 8]);
        let mut out = [0u8; 4];
        assert_eq!(f.read(14, &mut out), Err(RamNorError::OutOfBounds));
        assert_eq!(f.into_inner().len(), 16);
    }
}
