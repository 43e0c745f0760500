//! The Olivetti faces from scikit-learn's `olivettifaces.mat`, loaded as
//! `fetch_olivetti_faces(shuffle=False)` does.

use super::{mat, DataError, Dataset, Result};
use std::path::Path;

/// Side of an Olivetti image.
pub const SIDE: usize = 64;
/// Images per subject.
pub const PER_SUBJECT: usize = 10;

/// Loads `olivettifaces.mat` (variable `faces`, 4096 x N, each column an image
/// stored transposed) as scikit-learn does: float32, minus the minimum,
/// divided by the maximum, each image transposed upright; label `i / 10`;
/// names `subject_01`, `subject_02`, ...
pub fn load_mat(path: &Path) -> Result<Dataset> {
    let m = mat::read_variable(path, "faces")?;
    let d = SIDE * SIDE;
    if m.dims.len() != 2 || m.dims[0] != d || m.dims[1] == 0 || m.dims[1] % PER_SUBJECT != 0 {
        return Err(DataError::bad(
            path,
            format!(
                "`faces` has dimensions {:?}, expected [4096, N] with N a multiple of 10",
                m.dims
            ),
        ));
    }
    let n = m.dims[1];
    let vals: Vec<f32> = m.data.iter().map(|&v| v as f32).collect();
    let min = vals.iter().copied().fold(f32::INFINITY, f32::min);
    let max = vals.iter().map(|&v| v - min).fold(0.0f32, f32::max);
    if max <= 0.0 || max.is_nan() {
        return Err(DataError::bad(
            path,
            "`faces` is constant: cannot scale by its maximum",
        ));
    }
    let mut images = vec![0f32; n * d];
    for i in 0..n {
        let col = &vals[i * d..(i + 1) * d];
        let img = &mut images[i * d..(i + 1) * d];
        for r in 0..SIDE {
            for c in 0..SIDE {
                img[r * SIDE + c] = (col[c * SIDE + r] - min) / max;
            }
        }
    }
    let subjects = n / PER_SUBJECT;
    Ok(Dataset {
        images,
        labels: (0..n).map(|i| (i / PER_SUBJECT) as u16).collect(),
        class_names: (1..=subjects).map(|s| format!("subject_{s:02}")).collect(),
        height: SIDE,
        width: SIDE,
        source: format!(
            "olivetti {} (scaled as sklearn: (x-min)/max)",
            path.display()
        ),
    })
}
