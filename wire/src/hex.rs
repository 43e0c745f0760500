//! f32 on the wire: the 8 lowercase hex digits of its bits (`to_bits`), so
//! a value reads back bit for bit; lists of them joined by commas.

use core::fmt;

/// Digits of one value.
pub const DIGITS: usize = 8;

/// Writes `x` as the 8 hex digits of its bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hex(pub f32);

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0.to_bits())
    }
}

/// Writes values as [`Hex`] joined by commas (nothing for none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HexSlice<'a>(pub &'a [f32]);

impl fmt::Display for HexSlice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &x) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            Hex(x).fmt(f)?;
        }
        Ok(())
    }
}

/// Value of a hex digit already known to be one.
const fn nibble(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => (b - b'0') as u32,
        b'a'..=b'f' => (b - b'a' + 10) as u32,
        b'A'..=b'F' => (b - b'A' + 10) as u32,
        _ => 0,
    }
}

/// Bits of `s` when it is exactly 8 hex digits (either case).
pub fn parse_bits(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    (b.len() == DIGITS && b.iter().all(u8::is_ascii_hexdigit))
        .then(|| b.iter().fold(0, |acc, &d| acc << 4 | nibble(d)))
}

/// The f32 of `s` when it is exactly 8 hex digits (either case).
pub fn parse(s: &str) -> Option<f32> {
    parse_bits(s).map(f32::from_bits)
}

/// A checked comma-separated list of 8-digit hex values (empty text is the
/// empty list). Reading its values cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexList<'a> {
    text: &'a str,
    len: usize,
}

impl<'a> HexList<'a> {
    /// Checks that `text` is 8 hex digits, comma, 8 hex digits, ... (or
    /// empty); `None` otherwise.
    pub fn new_checked(text: &'a str) -> Option<Self> {
        if text.is_empty() {
            return Some(Self { text, len: 0 });
        }
        let mut len = 0;
        for item in text.split(',') {
            parse_bits(item)?;
            len += 1;
        }
        Some(Self { text, len })
    }

    /// Number of values.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True for the empty list.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text as it was read.
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The values' bits in order.
    pub fn bits(&self) -> impl ExactSizeIterator<Item = u32> + 'a {
        // Checked: every item is 8 digits followed by a comma or the end.
        let text = self.text.as_bytes();
        (0..self.len).map(move |i| {
            text[i * (DIGITS + 1)..i * (DIGITS + 1) + DIGITS]
                .iter()
                .fold(0, |acc, &d| acc << 4 | nibble(d))
        })
    }

    /// The values in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = f32> + 'a {
        self.bits().map(f32::from_bits)
    }
}

impl fmt::Display for HexList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}
