//! CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`), four bits a step
//! through a 16-entry table: small in flash, about 2 table look-ups a byte.

const POLY: u32 = 0xEDB8_8320;

const TABLE: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut j = 0;
        while j < 4 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY } else { c >> 1 };
            j += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// A running CRC-32.
#[derive(Debug, Clone, Copy)]
pub struct Crc32(u32);

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32 {
    /// The CRC of no bytes so far.
    pub const fn new() -> Self {
        Self(!0)
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c ^= u32::from(b);
            c = (c >> 4) ^ TABLE[(c & 15) as usize];
            c = (c >> 4) ^ TABLE[(c & 15) as usize];
        }
        self.0 = c;
    }

    /// The CRC of the bytes added.
    pub const fn finish(self) -> u32 {
        !self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_value() {
        let mut c = Crc32::new();
        c.update(b"123456789");
        assert_eq!(c.finish(), 0xCBF4_3926);
    }

    #[test]
    fn matches_a_bitwise_crc_on_every_byte_value() {
        let bytes: [u8; 256] = core::array::from_fn(|i| i as u8);
        let mut bitwise = !0u32;
        for &b in &bytes {
            bitwise ^= u32::from(b);
            for _ in 0..8 {
                bitwise = if bitwise & 1 != 0 {
                    (bitwise >> 1) ^ POLY
                } else {
                    bitwise >> 1
                };
            }
        }
        let mut c = Crc32::new();
        c.update(&bytes);
        assert_eq!(c.finish(), !bitwise);
    }
}
