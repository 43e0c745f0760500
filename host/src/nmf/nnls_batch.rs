//! The chip's NNLS solver ([`facenmf_core::nnls::solve`]) for many images at
//! once, images in SIMD lanes: the same sweeps, bit for bit.
//!
//! Every image keeps its own lane of an AVX2 register (pulp, dispatched at
//! run time; a portable fallback elsewhere), and the coordinates run over the
//! lanes together: `w` and `b` are held transposed, `[k][lanes]`, so one
//! broadcast Gram entry times one register of `w` is a multiply-add for
//! [`LANE_VECTORS`] × 8 images. Each lane performs exactly the kernel's
//! operations in the kernel's order (a separate multiply and add, never a
//! fused one; each gradient one running sum over `j = 0..k`, which is what
//! the kernel's eight-term steps of `dot4` and `dot` add up to; the same
//! block-of-four corrections, division, sign-bit projection, comparison and
//! stopping test), and IEEE arithmetic is correctly rounded lane by lane, so
//! codes, sweep counts, convergence flags and `‖pg‖` are bit-identical to one
//! [`facenmf_core::nnls::solve`] per image (checked by the tests below).
//!
//! Images do not all need the same number of sweeps. Lanes stay in step
//! sweep by sweep, and after each sweep a lane whose image stopped (converged
//! or reached `max_sweeps`) hands its code back and takes the next image,
//! which starts its own first sweep: no lane waits for the slowest image of
//! a group, and an image's arithmetic never depends on its neighbours. Lanes
//! left without an image hold zeros (which stay zeros) and are ignored.
//!
//! The stopping test's square roots are `f32::sqrt` where the kernel calls
//! `libm::sqrtf`: both correctly rounded, so the same bits. Measured on LFW
//! (2063 images, 2 cores, `StopRule::new(200, 1e-4)`), `transform` took
//! 0.2-0.3 s instead of 0.95-1.0 s at k = 110 and 0.7 s instead of 3.7-4.1 s
//! at k = 200 (GEMM included), the same codes.

use facenmf_core::nnls::{pos, Gram, SolveReport, StopRule};
use facenmf_core::InputError;
use pulp::{bytemuck, Simd};

/// SIMD registers per lane group: two (16 images on AVX2) give eight
/// independent sums in the gradient loop instead of four; on LFW (k = 110)
/// they encoded a little faster than one register in three runs out of three.
pub const LANE_VECTORS: usize = 2;

/// Solves the NNLS problem of each row of `b` (`n×k`, row-major) from the
/// start in the same row of `w` (zeros for a cold start; negative entries are
/// set to zero) and leaves the codes in `w`: the same results, bit for bit,
/// as [`facenmf_core::nnls::solve`] on each row, one report per row.
///
/// Errors as `solve` would on the first row it rejects (a NaN or infinity,
/// the index within the row), or when `w` is not as long as `b` (`expected`
/// is `b`'s length) or `b` is not whole rows (`expected` is `k`, `actual`
/// the values left over). Runs on the calling thread.
pub fn solve_many(
    gram: &Gram<'_>,
    b: &[f32],
    w: &mut [f32],
    rule: StopRule,
) -> Result<Vec<SolveReport>, InputError> {
    check(gram.k(), b, w)?;
    Ok(pulp::Arch::new().dispatch(Batch { gram, b, w, rule }))
}

/// The checks of `solve`, row by row, and its clamp of the start to `w ≥ 0`.
fn check(k: usize, b: &[f32], w: &mut [f32]) -> Result<(), InputError> {
    if w.len() != b.len() {
        return Err(InputError::Length {
            expected: b.len(),
            actual: w.len(),
        });
    }
    if !b.len().is_multiple_of(k) {
        return Err(InputError::Length {
            expected: k,
            actual: b.len() % k,
        });
    }
    for (brow, wrow) in b.chunks(k).zip(w.chunks(k)) {
        if let Some(index) = brow.iter().chain(wrow).position(|v| !v.is_finite()) {
            return Err(InputError::NotFinite { index: index % k });
        }
    }
    for wi in w.iter_mut() {
        *wi = wi.max(0.0);
    }
    Ok(())
}

/// One image's stopping test, as the kernel computes it from `b`.
#[derive(Debug, Clone, Copy)]
struct Stop {
    threshold: f32,
    clearly_above: f32,
}

impl Stop {
    fn new(b: &[f32], tol: f32) -> Self {
        let mut b2 = 0.0f32;
        for &v in b {
            b2 += pos(v) * pos(v);
        }
        let threshold = tol * b2.sqrt();
        let clearly_above = threshold * threshold * (1.0 + 1e-4) + f32::MIN_POSITIVE;
        Self {
            threshold,
            clearly_above,
        }
    }

    /// Whether a sweep that gathered `pg2` meets the tolerance.
    fn met(&self, pg2: f32) -> bool {
        pg2 <= self.clearly_above && pg2.sqrt() <= self.threshold
    }
}

/// The batch being solved (inputs already checked and clamped).
struct Batch<'a, 'g> {
    gram: &'a Gram<'g>,
    b: &'a [f32],
    w: &'a mut [f32],
    rule: StopRule,
}

impl pulp::WithSimd for Batch<'_, '_> {
    type Output = Vec<SolveReport>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Vec<SolveReport> {
        let Batch { gram, b, w, rule } = self;
        let k = gram.k();
        let n = b.len() / k;
        let mut reports = vec![
            SolveReport {
                sweeps: 0,
                pg_norm: f32::INFINITY,
                converged: false,
            };
            n
        ];
        if rule.max_sweeps == 0 || n == 0 {
            return reports;
        }
        let mut lanes = Lanes::<S>::new(simd, k);
        let mut next = 0;
        for lane in 0..lanes.count() {
            next = lanes.fill(lane, next, b, w, rule.tol);
        }
        while lanes.any_busy() {
            let pg2 = sweep(simd, gram.as_slice(), k, &lanes.b, &mut lanes.w);
            let pg2: &[f32] = bytemuck::cast_slice(&pg2[..]);
            for lane in 0..lanes.count() {
                let Some(image) = lanes.image[lane] else {
                    continue;
                };
                lanes.sweeps[lane] += 1;
                let converged = lanes.stop[lane].met(pg2[lane]);
                if converged || lanes.sweeps[lane] == rule.max_sweeps {
                    reports[image] = SolveReport {
                        sweeps: lanes.sweeps[lane],
                        pg_norm: pg2[lane].sqrt(),
                        converged,
                    };
                    lanes.store(lane, &mut w[image * k..(image + 1) * k]);
                    next = lanes.fill(lane, next, b, w, rule.tol);
                }
            }
        }
        reports
    }
}

/// One group of lanes: each register of `w`/`b` holds one coordinate of 8
/// images (AVX2), [`LANE_VECTORS`] registers a coordinate.
struct Lanes<S: Simd> {
    k: usize,
    w: Vec<[S::f32s; LANE_VECTORS]>,
    b: Vec<[S::f32s; LANE_VECTORS]>,
    image: Vec<Option<usize>>,
    sweeps: Vec<u16>,
    stop: Vec<Stop>,
}

impl<S: Simd> Lanes<S> {
    fn new(simd: S, k: usize) -> Self {
        let zero = [simd.splat_f32s(0.0); LANE_VECTORS];
        let count = S::F32_LANES * LANE_VECTORS;
        let idle = Stop {
            threshold: 0.0,
            clearly_above: 0.0,
        };
        Self {
            k,
            w: vec![zero; k],
            b: vec![zero; k],
            image: vec![None; count],
            sweeps: vec![0; count],
            stop: vec![idle; count],
        }
    }

    fn count(&self) -> usize {
        self.image.len()
    }

    fn any_busy(&self) -> bool {
        self.image.iter().any(Option::is_some)
    }

    /// Puts image `next` (if any is left) into `lane`, else zeros; returns
    /// the next image to hand out.
    fn fill(&mut self, lane: usize, next: usize, b: &[f32], w: &[f32], tol: f32) -> usize {
        let (k, count) = (self.k, self.count());
        let bt: &mut [f32] = bytemuck::cast_slice_mut(&mut self.b);
        let wt: &mut [f32] = bytemuck::cast_slice_mut(&mut self.w);
        let brow = b.get(next * k..(next + 1) * k);
        let wrow = w.get(next * k..(next + 1) * k);
        let (Some(brow), Some(wrow)) = (brow, wrow) else {
            for j in 0..k {
                bt[j * count + lane] = 0.0;
                wt[j * count + lane] = 0.0;
            }
            self.image[lane] = None;
            return next;
        };
        for j in 0..k {
            bt[j * count + lane] = brow[j];
            wt[j * count + lane] = wrow[j];
        }
        self.image[lane] = Some(next);
        self.sweeps[lane] = 0;
        self.stop[lane] = Stop::new(brow, tol);
        next + 1
    }

    /// Copies the code in `lane` out to `w`.
    fn store(&self, lane: usize, w: &mut [f32]) {
        let count = self.count();
        let wt: &[f32] = bytemuck::cast_slice(&self.w);
        for (j, wj) in w.iter_mut().enumerate() {
            *wj = wt[j * count + lane];
        }
    }
}

type Group<S> = [<S as Simd>::f32s; LANE_VECTORS];

/// The kernel's `pos` in every lane: `+0.0` where the sign bit is set.
#[inline(always)]
fn pos_v<S: Simd>(simd: S, v: S::f32s) -> S::f32s {
    let negative = simd.less_than_i32s(simd.transmute_i32s_f32s(v), simd.splat_i32s(0));
    simd.select_f32s(negative, simd.splat_f32s(0.0), v)
}

/// The kernel's `step` in every lane of a group.
#[inline(always)]
fn step<S: Simd>(simd: S, w: Group<S>, g: Group<S>, gii: f32, pg2: &mut Group<S>) -> Group<S> {
    let (gii, zero) = (simd.splat_f32s(gii), simd.splat_f32s(0.0));
    let mut new = w;
    for v in 0..LANE_VECTORS {
        new[v] = pos_v(simd, simd.sub_f32s(w[v], simd.div_f32s(g[v], gii)));
        let moved = simd.greater_than_f32s(simd.add_f32s(w[v], new[v]), zero);
        let pg = simd.select_f32s(moved, g[v], zero);
        pg2[v] = simd.add_f32s(pg2[v], simd.mul_f32s(pg, pg));
    }
    new
}

/// `(acc + Σ_q a_q · m_q) − b`, the terms added left to right, lane-wise.
#[inline(always)]
fn corrected<S: Simd>(simd: S, acc: Group<S>, terms: &[(f32, Group<S>)], b: Group<S>) -> Group<S> {
    let mut out = acc;
    for v in 0..LANE_VECTORS {
        let mut s = acc[v];
        for (a, m) in terms {
            s = simd.add_f32s(s, simd.mul_f32s(simd.splat_f32s(*a), m[v]));
        }
        out[v] = simd.sub_f32s(s, b[v]);
    }
    out
}

/// `new − old`, lane-wise.
#[inline(always)]
fn moved<S: Simd>(simd: S, new: Group<S>, old: Group<S>) -> Group<S> {
    let mut out = new;
    for v in 0..LANE_VECTORS {
        out[v] = simd.sub_f32s(new[v], old[v]);
    }
    out
}

/// The gradients `Σ_j row_r[j] · w[j]` of `R` Gram rows, each one running
/// sum in index order (the kernel's `dot4` and `dot`), lane-wise.
#[inline(always)]
fn dots<S: Simd, const R: usize>(simd: S, rows: [&[f32]; R], w: &[Group<S>]) -> [Group<S>; R] {
    let mut acc = [[simd.splat_f32s(0.0); LANE_VECTORS]; R];
    for (j, x) in w.iter().enumerate() {
        for r in 0..R {
            let a = simd.splat_f32s(rows[r][j]);
            for v in 0..LANE_VECTORS {
                acc[r][v] = simd.add_f32s(acc[r][v], simd.mul_f32s(a, x[v]));
            }
        }
    }
    acc
}

/// One sweep of the kernel's `solve_unchecked` over all lanes; returns each
/// lane's `pg2`.
#[inline(always)]
fn sweep<S: Simd>(simd: S, g: &[f32], k: usize, b: &[Group<S>], w: &mut [Group<S>]) -> Group<S> {
    let (g, b, w) = (&g[..k * k], &b[..k], &mut w[..k]);
    let mut pg2 = [simd.splat_f32s(0.0); LANE_VECTORS];
    let mut i = 0;
    while i + 4 <= k {
        let rows = &g[i * k..(i + 4) * k];
        let (r0, rest) = rows.split_at(k);
        let (r1, rest) = rest.split_at(k);
        let (r2, r3) = rest.split_at(k);
        let grad = dots(simd, [r0, r1, r2, r3], w);
        let (a1, a2, a3) = (&r1[i..i + 4], &r2[i..i + 4], &r3[i..i + 4]);
        let (bb, wb) = (&b[i..i + 4], &mut w[i..i + 4]);
        let new0 = step(
            simd,
            wb[0],
            corrected(simd, grad[0], &[], bb[0]),
            r0[i],
            &mut pg2,
        );
        let m0 = moved(simd, new0, wb[0]);
        wb[0] = new0;
        let g1 = corrected(simd, grad[1], &[(a1[0], m0)], bb[1]);
        let new1 = step(simd, wb[1], g1, a1[1], &mut pg2);
        let m1 = moved(simd, new1, wb[1]);
        wb[1] = new1;
        let g2 = corrected(simd, grad[2], &[(a2[0], m0), (a2[1], m1)], bb[2]);
        let new2 = step(simd, wb[2], g2, a2[2], &mut pg2);
        let m2 = moved(simd, new2, wb[2]);
        wb[2] = new2;
        let g3 = corrected(
            simd,
            grad[3],
            &[(a3[0], m0), (a3[1], m1), (a3[2], m2)],
            bb[3],
        );
        wb[3] = step(simd, wb[3], g3, a3[3], &mut pg2);
        i += 4;
    }
    for c in i..k {
        let row = &g[c * k..(c + 1) * k];
        let [grad] = dots(simd, [row], w);
        let gc = corrected(simd, grad, &[], b[c]);
        w[c] = step(simd, w[c], gc, row[c], &mut pg2);
    }
    pg2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::rng::Rng;
    use crate::nmf::transform::gram;
    use facenmf_core::nnls;

    /// A parts-like basis: `k×d`, non-negative, about half zeros, no zero row.
    fn basis(rng: &mut Rng, k: usize, d: usize) -> Vec<f32> {
        let mut h: Vec<f32> = (0..k * d)
            .map(|_| {
                let u = rng.uniform();
                if u < 0.5 {
                    0.0
                } else {
                    (u * rng.uniform()) as f32
                }
            })
            .collect();
        for row in h.chunks_mut(d) {
            row[rng.below(d)] += 0.25;
        }
        h
    }

    /// `b = X Hᵀ` for `n` random non-negative images, with some negative
    /// entries (a shifted copy) when `shift`.
    fn rhs(rng: &mut Rng, h: &[f32], n: usize, k: usize, d: usize, shift: bool) -> Vec<f32> {
        let x: Vec<f32> = (0..n * d).map(|_| rng.uniform() as f32).collect();
        let mut b = vec![0.0f32; n * k];
        for (i, brow) in b.chunks_mut(k).enumerate() {
            for (t, bt) in brow.iter_mut().enumerate() {
                let (xr, hr) = (&x[i * d..(i + 1) * d], &h[t * d..(t + 1) * d]);
                *bt = xr.iter().zip(hr).map(|(a, c)| a * c).sum();
                if shift {
                    *bt -= (rng.normal() as f32) * *bt;
                }
            }
        }
        b
    }

    /// `solve_many` on a given SIMD backend (the tests run the portable one too).
    fn solve_many_with<S: Simd>(
        simd: S,
        gram: &Gram<'_>,
        b: &[f32],
        w: &mut [f32],
        rule: StopRule,
    ) -> Result<Vec<SolveReport>, InputError> {
        check(gram.k(), b, w)?;
        Ok(pulp::WithSimd::with_simd(Batch { gram, b, w, rule }, simd))
    }

    /// `solve` on each row: codes and reports.
    fn one_by_one(
        gram: &Gram<'_>,
        b: &[f32],
        w0: &[f32],
        rule: StopRule,
    ) -> (Vec<f32>, Vec<SolveReport>) {
        let k = gram.k();
        let mut w = w0.to_vec();
        let reports = b
            .chunks(k)
            .zip(w.chunks_mut(k))
            .map(|(br, wr)| nnls::solve(gram, br, wr, rule).unwrap())
            .collect();
        (w, reports)
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Compares both backends with `solve`; returns (converged, not converged).
    fn compare(gram: &Gram<'_>, b: &[f32], w0: &[f32], rule: StopRule) -> (usize, usize) {
        let (want_w, want) = one_by_one(gram, b, w0, rule);
        let mut w = w0.to_vec();
        let got = solve_many(gram, b, &mut w, rule).unwrap();
        let mut w_scalar = w0.to_vec();
        let got_scalar =
            solve_many_with(pulp::Scalar::new(), gram, b, &mut w_scalar, rule).unwrap();
        let ctx = format!("k = {}, n = {}, {rule:?}", gram.k(), want.len());
        for (g, label) in [(&got, "dispatched"), (&got_scalar, "portable")] {
            assert_eq!(g.len(), want.len(), "{label}: {ctx}");
            for (i, (a, e)) in g.iter().zip(&want).enumerate() {
                assert_eq!(
                    (a.sweeps, a.converged, a.pg_norm.to_bits()),
                    (e.sweeps, e.converged, e.pg_norm.to_bits()),
                    "{label}: image {i}, {ctx}"
                );
            }
        }
        assert!(bits(&w) == bits(&want_w), "dispatched codes differ: {ctx}");
        assert!(
            bits(&w_scalar) == bits(&want_w),
            "portable codes differ: {ctx}"
        );
        let conv = want.iter().filter(|r| r.converged).count();
        (conv, want.len() - conv)
    }

    #[test]
    fn bit_identical_to_the_kernel_one_image_at_a_time() {
        let mut rng = Rng::new(20240611);
        let rules = [
            StopRule::new(200, 1e-4),
            StopRule::new(1000, 1e-3),
            StopRule::new(4, 1e-6),
            StopRule::new(30, 0.0),
            StopRule::new(1, 1e-4),
            StopRule::new(0, 1e-4),
        ];
        let (mut conv, mut capped) = (0, 0);
        for &k in &[1usize, 3, 4, 5, 8, 13, 64, 110] {
            let d = 3 * k + 7;
            let h = basis(&mut rng, k, d);
            let g = gram(&h, k, d);
            let gram = Gram::new_checked(&g, k).unwrap();
            for &n in &[1usize, 5, 16, 17, 33] {
                for shift in [false, true] {
                    let b = rhs(&mut rng, &h, n, k, d, shift);
                    let zeros = vec![0.0f32; n * k];
                    let warm: Vec<f32> = (0..n * k).map(|_| rng.normal() as f32).collect();
                    for &rule in &rules {
                        for w0 in [&zeros, &warm] {
                            let (c, m) = compare(&gram, &b, w0, rule);
                            conv += c;
                            capped += m;
                        }
                    }
                }
            }
        }
        assert!(
            conv > 1000 && capped > 1000,
            "{conv} converged, {capped} capped"
        );
    }

    #[test]
    fn rejects_what_the_kernel_rejects() {
        let mut rng = Rng::new(7);
        let (k, d, n) = (5, 20, 4);
        let h = basis(&mut rng, k, d);
        let g = gram(&h, k, d);
        let gram = Gram::new_checked(&g, k).unwrap();
        let rule = StopRule::default();
        let mut b = rhs(&mut rng, &h, n, k, d, false);
        let mut w = vec![0.0f32; n * k];
        b[2 * k + 3] = f32::NAN;
        b[3 * k + 1] = f32::INFINITY;
        let want = nnls::solve(&gram, &b[2 * k..3 * k], &mut w[..k], rule).unwrap_err();
        assert_eq!(solve_many(&gram, &b, &mut w, rule), Err(want));
        b[2 * k + 3] = 1.0;
        w[3 * k + 4] = f32::NEG_INFINITY;
        assert_eq!(
            solve_many(&gram, &b, &mut w, rule),
            Err(InputError::NotFinite { index: 1 })
        );
        assert_eq!(
            solve_many(&gram, &b[..k + 2], &mut w[..k + 2], rule),
            Err(InputError::Length {
                expected: k,
                actual: 2
            })
        );
        assert_eq!(
            solve_many(&gram, &b[..2 * k], &mut w[..k], rule),
            Err(InputError::Length {
                expected: 2 * k,
                actual: k
            })
        );
        assert_eq!(solve_many(&gram, &[], &mut [], rule), Ok(vec![]));
    }
}
