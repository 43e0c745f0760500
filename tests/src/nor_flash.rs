//! A NOR flash in RAM with the rules of the real thing, and a power switch.
//!
//! - A write programs bytes; each byte may be programmed once between
//!   erases (the store never relies on re-programming), so writing over a
//!   byte that is not 0xFF is an error ([`MockError::NotErased`]), as is a
//!   write or erase not aligned to the write unit `W` or the sector.
//! - An erase sets a whole sector to 0xFF.
//! - The power: a budget of byte steps (a write of n bytes takes n, an erase
//!   takes the sector's size). When it runs out mid-operation the bytes done
//!   so far stay (a programmed prefix, an erased prefix), the operation
//!   fails with [`MockError::PowerCut`], and so does every later one until
//!   [`NorMock::power_on`].

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// What the mock refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockError {
    /// The power went.
    PowerCut,
    /// A byte of the write was programmed already.
    NotErased(u32),
    /// Address or length not aligned to the write unit or the sector.
    NotAligned(u32),
    /// Past the end.
    OutOfBounds(u32),
}

impl NorFlashError for MockError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            Self::NotAligned(_) => NorFlashErrorKind::NotAligned,
            Self::OutOfBounds(_) => NorFlashErrorKind::OutOfBounds,
            _ => NorFlashErrorKind::Other,
        }
    }
}

/// NOR flash of `bytes.len()` bytes in sectors of `SECTOR`, written in units of `W`.
#[derive(Debug, Clone)]
pub struct NorMock<const W: usize, const SECTOR: usize> {
    /// The contents.
    pub bytes: Vec<u8>,
    budget: Option<u64>,
    /// Byte steps taken since the power came on.
    pub steps: u64,
    /// Sector erases started.
    pub erases: u64,
    /// Set when the store broke a rule of the flash (not a power cut).
    pub violation: Option<MockError>,
}

impl<const W: usize, const SECTOR: usize> NorMock<W, SECTOR> {
    /// An erased flash of `sectors` sectors, power on, no cut planned.
    pub fn new(sectors: usize) -> Self {
        Self::from_bytes(vec![0xFF; sectors * SECTOR])
    }

    /// A flash holding `bytes` (rebooting on the contents a cut left).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            budget: None,
            steps: 0,
            erases: 0,
            violation: None,
        }
    }

    /// Cuts the power after `steps` more byte steps.
    pub fn cut_after(&mut self, steps: u64) {
        self.budget = Some(steps);
    }

    /// Power on for good.
    pub fn power_on(&mut self) {
        self.budget = None;
    }

    /// True once a planned cut happened.
    pub fn is_cut(&self) -> bool {
        self.budget == Some(0)
    }

    /// Takes up to `n` steps; how many the power allowed.
    fn take(&mut self, n: u64) -> u64 {
        let done = match &mut self.budget {
            None => n,
            Some(b) => {
                let done = n.min(*b);
                *b -= done;
                done
            }
        };
        self.steps += done;
        done
    }

    fn fail(&mut self, e: MockError) -> Result<(), MockError> {
        if self.violation.is_none() {
            self.violation = Some(e);
        }
        Err(e)
    }
}

impl<const W: usize, const SECTOR: usize> ErrorType for NorMock<W, SECTOR> {
    type Error = MockError;
}

impl<const W: usize, const SECTOR: usize> ReadNorFlash for NorMock<W, SECTOR> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), MockError> {
        let start = offset as usize;
        let Some(src) = self.bytes.get(start..start + bytes.len()) else {
            return Err(MockError::OutOfBounds(offset));
        };
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl<const W: usize, const SECTOR: usize> NorFlash for NorMock<W, SECTOR> {
    const WRITE_SIZE: usize = W;
    const ERASE_SIZE: usize = SECTOR;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), MockError> {
        let (from_u, to_u) = (from as usize, to as usize);
        if !from_u.is_multiple_of(SECTOR) || !to_u.is_multiple_of(SECTOR) || to_u < from_u {
            return self.fail(MockError::NotAligned(from));
        }
        if to_u > self.bytes.len() {
            return self.fail(MockError::OutOfBounds(to));
        }
        self.erases += ((to_u - from_u) / SECTOR) as u64;
        let done = self.take((to_u - from_u) as u64) as usize;
        self.bytes[from_u..from_u + done].fill(0xFF);
        if done < to_u - from_u {
            return Err(MockError::PowerCut);
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), MockError> {
        let start = offset as usize;
        if !start.is_multiple_of(W) || !bytes.len().is_multiple_of(W) {
            return self.fail(MockError::NotAligned(offset));
        }
        if start + bytes.len() > self.bytes.len() {
            return self.fail(MockError::OutOfBounds(offset));
        }
        if let Some(i) = self.bytes[start..start + bytes.len()]
            .iter()
            .position(|&b| b != 0xFF)
        {
            return self.fail(MockError::NotErased(offset + i as u32));
        }
        let done = self.take(bytes.len() as u64) as usize;
        self.bytes[start..start + done].copy_from_slice(&bytes[..done]);
        if done < bytes.len() {
            return Err(MockError::PowerCut);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_leaves_a_prefix_and_fails_every_later_operation() {
        let mut f = NorMock::<4, 16>::new(2);
        f.cut_after(6);
        assert_eq!(f.write(0, &[0; 8]), Err(MockError::PowerCut));
        assert_eq!(&f.bytes[..8], &[0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
        assert_eq!(f.write(8, &[0; 4]), Err(MockError::PowerCut));
        assert_eq!(f.erase(0, 16), Err(MockError::PowerCut));
        f.power_on();
        f.cut_after(3);
        assert_eq!(f.erase(0, 16), Err(MockError::PowerCut));
        assert_eq!(&f.bytes[..6], &[0xFF, 0xFF, 0xFF, 0, 0, 0]);
        assert!(f.violation.is_none());
    }

    #[test]
    fn refuses_reprogramming_and_misalignment() {
        let mut f = NorMock::<4, 16>::new(2);
        f.write(4, &[0xF0; 4]).unwrap();
        assert_eq!(f.write(4, &[0; 4]), Err(MockError::NotErased(4)));
        assert_eq!(f.write(2, &[0; 4]), Err(MockError::NotAligned(2)));
        assert_eq!(f.write(8, &[0; 3]), Err(MockError::NotAligned(8)));
        assert_eq!(f.erase(4, 16), Err(MockError::NotAligned(4)));
        assert_eq!(f.violation, Some(MockError::NotErased(4)));
        f.erase(0, 16).unwrap();
        assert_eq!(f.bytes[4], 0xFF);
    }
}
