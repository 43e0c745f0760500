//! From the detector's face to the crop the model's thumbnail takes.
//!
//! The detector's box has its own shape (OpenCV's cascades: a square around
//! eyes, nose and mouth); the model was trained on another crop (for LFW
//! models scikit-learn's face region). The map, learned by the trainer on
//! frames with known boxes, moves the centre by a fraction of the detector
//! box and scales its sides: all four numbers are fixed point, Q12
//! (4096 = 1).

use crate::thumbnail::Crop;

use super::group::Face;

/// Detector box → crop: centre offset and side scales, Q12 of the detector box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BoxMap {
    /// Crop centre row − box centre row, per box height.
    pub row: i32,
    /// Crop centre column − box centre column, per box width.
    pub col: i32,
    /// Crop height per box height.
    pub height: i32,
    /// Crop width per box width.
    pub width: i32,
}

impl BoxMap {
    /// The map that keeps the box as it is.
    pub const IDENTITY: Self = Self {
        row: 0,
        col: 0,
        height: 4096,
        width: 4096,
    };

    /// True when the scales are positive and every number is within ±16.
    pub const fn is_valid(&self) -> bool {
        const LIMIT: i32 = 16 * 4096;
        self.height > 0
            && self.width > 0
            && self.height <= LIMIT
            && self.width <= LIMIT
            && self.row.abs() <= LIMIT
            && self.col.abs() <= LIMIT
    }

    /// The mapped box `(top, left, height, width)`, in frame pixels times
    /// 4096 (before any clamping to the frame).
    pub fn map_q12(&self, f: &Face) -> (i64, i64, i64, i64) {
        let (x, y, w, h) = (
            i64::from(f.x),
            i64::from(f.y),
            i64::from(f.w),
            i64::from(f.h),
        );
        let cy = y * 4096 + h * 2048 + h * i64::from(self.row);
        let cx = x * 4096 + w * 2048 + w * i64::from(self.col);
        let mh = h * i64::from(self.height);
        let mw = w * i64::from(self.width);
        (cy - mh / 2, cx - mw / 2, mh, mw)
    }

    /// The crop for face `f` in a `width x height` frame: the mapped box,
    /// rounded to whole pixels, shrunk to the frame's size if larger and
    /// shifted inside the frame. `None` for an empty frame.
    pub fn crop(&self, f: &Face, width: usize, height: usize) -> Option<Crop> {
        if width == 0 || height == 0 {
            return None;
        }
        let (top, left, h, w) = self.map_q12(f);
        let round = |v: i64| (v + 2048).div_euclid(4096);
        let fit = |start: i64, len: i64, side: usize| -> (usize, usize) {
            let side = side as i64;
            let len = round(len).clamp(1, side);
            let start = round(start).clamp(0, side - len);
            (start as usize, len as usize)
        };
        let (y, ch) = fit(top, h, height);
        let (x, cw) = fit(left, w, width);
        Some(Crop {
            x,
            y,
            width: cw,
            height: ch,
        })
    }
}
