//! Codes for new images with the basis `H` fixed, by the chip's own NNLS
//! solver (`facenmf_core::nnls`, projected coordinate descent on the Gram
//! matrix `G = H Hᵀ`), batched and parallel: `B = X Hᵀ` through the GEMM, then
//! one independent solve per image on the rayon pool.

use super::linalg::gemm;
use super::NmfError;
use facenmf_core::nnls::{self, Gram, StopRule};
use rayon::prelude::*;

/// Rows of `X` per GEMM batch (bounds the memory of `B`).
pub const BATCH: usize = 1024;

/// Codes of `n` images and what the solver did.
#[derive(Debug, Clone)]
pub struct Codes {
    /// `n×k` non-negative codes, row-major.
    pub w: Vec<f32>,
    /// `k`.
    pub k: usize,
    /// Sweeps run per image.
    pub sweeps: Vec<u16>,
    /// How many images met the tolerance (the rest stopped at `max_sweeps`).
    pub converged: usize,
}

/// `H Hᵀ` made exactly symmetric (the kernel checks symmetry), `k×k`.
pub fn gram(h: &[f32], k: usize, d: usize) -> Vec<f32> {
    let mut g = vec![0.0f32; k * k];
    gemm(&mut g, h, (k, d), false, h, (k, d), true, false);
    for i in 0..k {
        for j in 0..i {
            let m = 0.5 * (g[i * k + j] + g[j * k + i]);
            g[i * k + j] = m;
            g[j * k + i] = m;
        }
    }
    g
}

/// Codes of the rows of `x` (`n×d`) against `h` (`k×d`) with the kernel's
/// NNLS and stopping `rule`. Components whose basis image is all zeros get
/// code 0 (the kernel needs a positive Gram diagonal).
pub fn transform(
    x: &[f32],
    n: usize,
    h: &[f32],
    k: usize,
    d: usize,
    rule: StopRule,
) -> Result<Codes, NmfError> {
    if x.len() != n * d || h.len() != k * d {
        return Err(NmfError::Shape(format!(
            "transform: X has {} values (expected {n}×{d}), H has {} (expected {k}×{d})",
            x.len(),
            h.len()
        )));
    }
    if k == 0 {
        return Err(NmfError::ZeroComponents);
    }
    super::check_non_negative(h)?;
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(NmfError::NonFinite(i));
    }
    let g_full = gram(h, k, d);
    let alive: Vec<usize> = (0..k).filter(|&t| g_full[t * k + t] > 0.0).collect();
    let ka = alive.len();
    let mut out = Codes {
        w: vec![0.0; n * k],
        k,
        sweeps: vec![0; n],
        converged: 0,
    };
    if ka == 0 {
        return Ok(out);
    }
    let g: Vec<f32> = alive
        .iter()
        .flat_map(|&i| alive.iter().map(move |&j| (i, j)))
        .map(|(i, j)| g_full[i * k + j])
        .collect();
    let gram = Gram::new_checked(&g, ka)
        .map_err(|e| NmfError::Invalid(format!("Gram matrix rejected by the kernel: {e:?}")))?;
    let mut b = vec![0.0f32; BATCH.min(n) * k];
    let mut converged = 0usize;
    for start in (0..n).step_by(BATCH) {
        let rows = BATCH.min(n - start);
        let bb = &mut b[..rows * k];
        gemm(
            bb,
            &x[start * d..(start + rows) * d],
            (rows, d),
            false,
            h,
            (k, d),
            true,
            false,
        );
        let wb = &mut out.w[start * k..(start + rows) * k];
        let sb = &mut out.sweeps[start..start + rows];
        let results: Vec<Result<bool, NmfError>> = wb
            .par_chunks_mut(k)
            .zip(bb.par_chunks(k))
            .zip(sb.par_iter_mut())
            .map(|((wrow, brow), sweeps)| {
                let ba: Vec<f32> = alive.iter().map(|&t| brow[t]).collect();
                let mut wa = vec![0.0f32; ka];
                let rep = nnls::solve(&gram, &ba, &mut wa, rule)
                    .map_err(|e| NmfError::Invalid(format!("NNLS input rejected: {e:?}")))?;
                for (&t, &v) in alive.iter().zip(&wa) {
                    wrow[t] = v;
                }
                *sweeps = rep.sweeps;
                Ok(rep.converged)
            })
            .collect();
        for r in results {
            converged += r? as usize;
        }
    }
    out.converged = converged;
    Ok(out)
}
