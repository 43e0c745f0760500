//! Codes for new images with the basis `H` fixed, by the chip's own NNLS
//! solver (`facenmf_core::nnls`, projected coordinate descent on the Gram
//! matrix `G = H Hᵀ`), batched and parallel: `B = X Hᵀ` through the GEMM, then
//! the solves, images in SIMD lanes ([`super::nnls_batch`]; bit-identical to
//! one `nnls::solve` per image), groups of images on the rayon pool.

use super::linalg::gemm;
use super::nnls_batch;
use super::NmfError;
use facenmf_core::nnls::{Gram, StopRule};
use rayon::prelude::*;

/// Rows of `X` per GEMM batch (bounds the memory of `B`).
pub const BATCH: usize = 1024;

/// Images per parallel task of the solver: several per SIMD lane, so lanes
/// rarely idle at a task's end, and a few tasks a thread.
pub const SOLVE_CHUNK: usize = 128;

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
        converged += solve_rows(
            &gram,
            &alive,
            bb,
            k,
            rule,
            &mut out.w[start * k..(start + rows) * k],
            &mut out.sweeps[start..start + rows],
        )?;
    }
    out.converged = converged;
    Ok(out)
}

/// Solves the rows of `b` (`rows×k`) on the `alive` components, in parallel
/// groups of [`SOLVE_CHUNK`]; writes their codes into `w` (`rows×k`, the
/// other components left alone) and sweeps, returns how many converged.
fn solve_rows(
    gram: &Gram<'_>,
    alive: &[usize],
    b: &[f32],
    k: usize,
    rule: StopRule,
    w: &mut [f32],
    sweeps: &mut [u16],
) -> Result<usize, NmfError> {
    let (ka, rows) = (alive.len(), sweeps.len());
    let mut ba = vec![0.0f32; rows * ka];
    for (brow, barow) in b.chunks(k).zip(ba.chunks_mut(ka)) {
        for (&t, v) in alive.iter().zip(barow) {
            *v = brow[t];
        }
    }
    let mut wa = vec![0.0f32; rows * ka];
    let results: Vec<_> = ba
        .par_chunks(SOLVE_CHUNK * ka)
        .zip(wa.par_chunks_mut(SOLVE_CHUNK * ka))
        .map(|(bc, wc)| nnls_batch::solve_many(gram, bc, wc, rule))
        .collect();
    let mut converged = 0;
    for (r, group) in results.into_iter().zip(sweeps.chunks_mut(SOLVE_CHUNK)) {
        let reports = r.map_err(|e| NmfError::Invalid(format!("NNLS input rejected: {e:?}")))?;
        for (rep, s) in reports.iter().zip(group) {
            *s = rep.sweeps;
            converged += rep.converged as usize;
        }
    }
    for (wrow, warow) in w.chunks_mut(k).zip(wa.chunks(ka)) {
        for (&t, &v) in alive.iter().zip(warow) {
            wrow[t] = v;
        }
    }
    Ok(converged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::rng::Rng;
    use facenmf_core::nnls;

    /// `transform` gives what one `nnls::solve` per image gives on the live
    /// components, bit for bit, over several parallel groups and a ragged one.
    #[test]
    fn codes_are_the_kernels_one_image_at_a_time() {
        let (n, k, d) = (2 * SOLVE_CHUNK + 45, 12, 50);
        let mut rng = Rng::new(3);
        let mut h: Vec<f32> = (0..k * d).map(|_| rng.uniform() as f32).collect();
        h[5 * d..6 * d].fill(0.0);
        let x: Vec<f32> = (0..n * d).map(|_| rng.uniform() as f32).collect();
        let rule = StopRule::new(40, 1e-4);
        let codes = transform(&x, n, &h, k, d, rule).unwrap();

        let alive: Vec<usize> = (0..k).filter(|&t| t != 5).collect();
        let g_full = gram(&h, k, d);
        let g: Vec<f32> = alive
            .iter()
            .flat_map(|&i| alive.iter().map(|&j| g_full[i * k + j]).collect::<Vec<_>>())
            .collect();
        let gram = Gram::new_checked(&g, k - 1).unwrap();
        let mut b = vec![0.0f32; n * k];
        gemm(&mut b, &x, (n, d), false, &h, (k, d), true, false);
        let mut converged = 0;
        for i in 0..n {
            let ba: Vec<f32> = alive.iter().map(|&t| b[i * k + t]).collect();
            let mut wa = vec![0.0f32; k - 1];
            let rep = nnls::solve(&gram, &ba, &mut wa, rule).unwrap();
            let mut want = vec![0.0f32; k];
            for (&t, &v) in alive.iter().zip(&wa) {
                want[t] = v;
            }
            let got = &codes.w[i * k..(i + 1) * k];
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(got), bits(&want), "image {i}");
            assert_eq!(codes.sweeps[i], rep.sweeps, "image {i}");
            converged += rep.converged as usize;
        }
        assert_eq!(codes.converged, converged);
        assert!(
            converged > 0 && converged < n,
            "{converged} of {n} converged"
        );
    }
}
