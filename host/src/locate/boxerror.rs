//! How far a located region lies from the true box, in units of the true
//! box: the centre's offset per true height (rows and columns) and the side
//! ratios. The same error moves any true box ([`BoxError::apply`]), which
//! is how the end-to-end figure tells the model's sensitivity to alignment
//! (true boxes moved by the locator's errors) from wrong boxes.

use facenmf_core::Crop;
use serde::Serialize;

use crate::frames::TruthBox;

/// A located region against its true box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoxError {
    /// Located centre row − true centre row, per true height.
    pub row: f64,
    /// Located centre column − true centre column, per true height.
    pub col: f64,
    /// Located height / true height.
    pub height: f64,
    /// Located width / true width.
    pub width: f64,
}

/// Which parts of an error [`BoxError::apply`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Parts {
    /// Centre offset and side ratios.
    All,
    /// The centre offset only (sides kept).
    Shift,
    /// The side ratios only (centre kept).
    Scale,
}

impl BoxError {
    /// The error of `located` against `t`.
    pub fn of(located: &Crop, t: &TruthBox) -> Self {
        let (tr, tc) = t.centre();
        let (h, w) = (located.height as f64, located.width as f64);
        let (lr, lc) = (located.y as f64 + h / 2.0, located.x as f64 + w / 2.0);
        Self {
            row: (lr - tr) / t.height,
            col: (lc - tc) / t.height,
            height: h / t.height,
            width: w / t.width,
        }
    }

    /// The box `t` moved and scaled by this error's `parts`.
    pub fn apply(&self, t: &TruthBox, parts: Parts) -> TruthBox {
        let (shift, scale) = match parts {
            Parts::All => (true, true),
            Parts::Shift => (true, false),
            Parts::Scale => (false, true),
        };
        let (tr, tc) = t.centre();
        let (r, c) = if shift {
            (tr + self.row * t.height, tc + self.col * t.height)
        } else {
            (tr, tc)
        };
        let (h, w) = if scale {
            (t.height * self.height, t.width * self.width)
        } else {
            (t.height, t.width)
        };
        TruthBox {
            top: r - h / 2.0,
            left: c - w / 2.0,
            height: h,
            width: w,
        }
    }

    /// The error's size: the largest of the centre offsets and the side
    /// ratios' distances from 1 (0.05: every part within 5% of the face).
    pub fn size(&self) -> f64 {
        self.row
            .abs()
            .max(self.col.abs())
            .max((self.height - 1.0).abs())
            .max((self.width - 1.0).abs())
    }
}

/// Quantiles of a sample (nearest rank), `q` in 0..=1; 0 for no sample.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

/// The spread of a set of errors: median and 90th percentile of each part's
/// distance from exact (offsets' absolute values, ratios' distance from 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Errors summarised.
    pub count: usize,
    /// `[row, col, height, width]` medians.
    pub median: [f64; 4],
    /// `[row, col, height, width]` 90th percentiles.
    pub p90: [f64; 4],
}

impl Spread {
    /// The spread of `errors`.
    pub fn of(errors: &[BoxError]) -> Self {
        let parts: [Vec<f64>; 4] = [
            errors.iter().map(|e| e.row.abs()).collect(),
            errors.iter().map(|e| e.col.abs()).collect(),
            errors.iter().map(|e| (e.height - 1.0).abs()).collect(),
            errors.iter().map(|e| (e.width - 1.0).abs()).collect(),
        ];
        Self {
            count: errors.len(),
            median: parts.each_ref().map(|p| quantile(p, 0.5)),
            p90: parts.each_ref().map(|p| quantile(p, 0.9)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_box_has_no_error_and_an_error_moves_a_box_onto_its_region() {
        let t = TruthBox {
            top: 10.0,
            left: 20.0,
            height: 50.0,
            width: 40.0,
        };
        let same = Crop {
            x: 20,
            y: 10,
            width: 40,
            height: 50,
        };
        let e = BoxError::of(&same, &t);
        assert_eq!((e.row, e.col, e.height, e.width), (0.0, 0.0, 1.0, 1.0));
        assert_eq!(e.size(), 0.0);
        let off = Crop {
            x: 25,
            y: 5,
            width: 44,
            height: 60,
        };
        let e = BoxError::of(&off, &t);
        let moved = e.apply(&t, Parts::All);
        assert!((moved.top - 5.0).abs() < 1e-9 && (moved.left - 25.0).abs() < 1e-9);
        assert!((moved.height - 60.0).abs() < 1e-9 && (moved.width - 44.0).abs() < 1e-9);
        let shifted = e.apply(&t, Parts::Shift);
        assert_eq!((shifted.height, shifted.width), (50.0, 40.0));
        assert!((shifted.centre().0 - moved.centre().0).abs() < 1e-9);
        let scaled = e.apply(&t, Parts::Scale);
        assert_eq!(scaled.centre(), t.centre());
        assert!((e.size() - 0.2).abs() < 1e-9, "{}", e.size());
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.9), 5.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
