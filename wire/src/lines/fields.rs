//! Reading `key=value` fields in the order the format has them.

use core::str::{FromStr, Split};

use super::LineError;
use crate::hex::{self, HexList};

/// The fields of one line, read front to back.
pub(crate) struct Fields<'a> {
    rest: Split<'a, char>,
}

impl<'a> Fields<'a> {
    /// The fields of `text` (one space apart).
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            rest: text.split(' '),
        }
    }

    /// The value of the next field, which must be `key`.
    pub(crate) fn raw(&mut self, key: &'static str) -> Result<&'a str, LineError> {
        self.rest
            .next()
            .and_then(|t| t.strip_prefix(key))
            .and_then(|t| t.strip_prefix('='))
            .ok_or(LineError::Missing { field: key })
    }

    /// A decimal number (digits only).
    pub(crate) fn number<T: FromStr>(&mut self, key: &'static str) -> Result<T, LineError> {
        let v = self.raw(key)?;
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LineError::BadValue { field: key });
        }
        v.parse().map_err(|_| LineError::BadValue { field: key })
    }

    /// `0` or `1`.
    pub(crate) fn flag(&mut self, key: &'static str) -> Result<bool, LineError> {
        match self.raw(key)? {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(LineError::BadValue { field: key }),
        }
    }

    /// One f32 as hex.
    pub(crate) fn hex(&mut self, key: &'static str) -> Result<f32, LineError> {
        hex::parse(self.raw(key)?).ok_or(LineError::BadValue { field: key })
    }

    /// A list of f32 as hex.
    pub(crate) fn hex_list(&mut self, key: &'static str) -> Result<HexList<'a>, LineError> {
        HexList::new_checked(self.raw(key)?).ok_or(LineError::BadValue { field: key })
    }

    /// Checks that no field is left.
    pub(crate) fn end(mut self) -> Result<(), LineError> {
        match self.rest.next() {
            None => Ok(()),
            Some(_) => Err(LineError::Trailing),
        }
    }
}
