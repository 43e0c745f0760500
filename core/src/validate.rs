//! The checks the `new_checked` constructors share.

use crate::error::{InputError, ModelError};

/// `value` is in `1..=max`.
pub(crate) fn dimension(what: &'static str, value: usize, max: usize) -> Result<(), ModelError> {
    if value == 0 || value > max {
        return Err(ModelError::Dimension { what, value, max });
    }
    Ok(())
}

/// `values` holds `expected` values, all finite (and non-negative when
/// `non_negative`); errors name the row and column of a `cols`-wide matrix.
pub(crate) fn matrix(
    what: &'static str,
    values: &[f32],
    expected: usize,
    cols: usize,
    non_negative: bool,
) -> Result<(), ModelError> {
    if values.len() != expected {
        return Err(ModelError::Length {
            what,
            expected,
            actual: values.len(),
        });
    }
    for (idx, &v) in values.iter().enumerate() {
        let (row, col) = (idx / cols, idx % cols);
        if !v.is_finite() {
            return Err(ModelError::NotFinite { what, row, col });
        }
        if non_negative && v < 0.0 {
            return Err(ModelError::Negative { what, row, col });
        }
    }
    Ok(())
}

/// Every value of an input is finite; the error names the first that is not.
pub(crate) fn finite(values: &[f32]) -> Result<(), InputError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(InputError::NotFinite { index }),
        None => Ok(()),
    }
}
