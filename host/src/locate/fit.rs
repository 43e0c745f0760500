//! Learning the box map: where the model's crop lies relative to the
//! detector's box, from training frames with known boxes.
//!
//! The locator runs with the identity map; on each face frame whose chosen
//! box's centre lies inside the true box, the four ratios (centre offsets per
//! box side, side ratios) are recorded; the map is their medians, in Q12.

use std::path::Path;

use anyhow::{bail, Result};

use super::config::HostLocator;
use super::score::run_folder;

/// The fitted map and how many frames it was learned on.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// `[row, col, height, width]`, Q12.
    pub map: [i32; 4],
    /// Frames used.
    pub frames: usize,
    /// Face frames in the folder.
    pub faces: usize,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Fits the map of `loc` (whose own map is ignored) on the frames of `dir`.
pub fn fit_map(loc: &HostLocator, dir: &Path) -> Result<Fitted> {
    let mut plain = loc.clone();
    plain.config.map = [0, 0, 4096, 4096];
    let (truth, answers, _) = run_folder(&plain, dir)?;
    let mut ratios: [Vec<f64>; 4] = Default::default();
    let mut faces = 0;
    for (f, a) in truth.frames.iter().zip(&answers) {
        let (Some(t), Some(d)) = (f.face, a.located.chosen) else {
            faces += usize::from(f.face.is_some());
            continue;
        };
        faces += 1;
        let (dh, dw) = (f64::from(d.h), f64::from(d.w));
        let (dr, dc) = (f64::from(d.y) + dh / 2.0, f64::from(d.x) + dw / 2.0);
        let (tr, tc) = t.centre();
        let inside =
            (t.top..t.top + t.height).contains(&dr) && (t.left..t.left + t.width).contains(&dc);
        if !inside {
            continue;
        }
        ratios[0].push((tr - dr) / dh);
        ratios[1].push((tc - dc) / dw);
        ratios[2].push(t.height / dh);
        ratios[3].push(t.width / dw);
    }
    if ratios[0].len() < 10 {
        bail!(
            "{}: only {} frames with a matching detection; the map needs at least 10",
            dir.display(),
            ratios[0].len()
        );
    }
    let frames = ratios[0].len();
    let q = |v: &mut Vec<f64>| (median(v) * 4096.0).round() as i32;
    let map = [
        q(&mut ratios[0]),
        q(&mut ratios[1]),
        q(&mut ratios[2]),
        q(&mut ratios[3]),
    ];
    Ok(Fitted { map, frames, faces })
}
