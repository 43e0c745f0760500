//! The f32 kernel of `facenmf-core` against the float64 reference of
//! `facenmf-host`, on seeded random problems (proptest).
//!
//! Tolerances, and why:
//! - KKT: with the converged rule below, every coordinate's gradient
//!   `g = Gw − b` (f64, at the f32 code) satisfies `g_i ≥ −ε` where
//!   `w_i = 0` and `|g_i| ≤ ε` where `w_i > 0`, `ε = KKT_TOL · ‖b₊‖`.
//! - Objective: `(f(w₃₂) − f(w*)) / max(f(w*), 1e-4 · f(0)) ≤ 1e-4` where
//!   `f(w) = ½‖x − wH‖²` in f64, `w*` the Lawson–Hanson solution; the floor
//!   (`reference::nnls::GAP_FLOOR`, which says why) keeps images the basis
//!   represents exactly from dividing by a rounding error.
//! - Codes: `‖w₃₂ − w*‖∞ ≤ CODE_TOL · max(1, ‖w*‖∞)`, on well-conditioned
//!   bases only (each component owns a block of pixels), where the solution is
//!   unique; on a rank-deficient basis (K > D) many codes are optimal and only
//!   the objective can be compared.

use facenmf_core::{Encoder, StopRule};
use facenmf_host::reference::nnls::{gradient, relative_gap, Basis};
use facenmf_tests::gen;
use proptest::prelude::*;

const CONVERGED: StopRule = StopRule::new(20_000, 1e-6);
const KKT_TOL: f64 = 1e-4;
const GAP_TOL: f64 = 1e-4;
const CODE_TOL: f64 = 1e-3;

/// A random problem: basis (k x d), Gram matrix, one image.
#[derive(Debug, Clone)]
struct Problem {
    h: Vec<f32>,
    g: Vec<f32>,
    x: Vec<f32>,
    k: usize,
    d: usize,
    /// The code `x` was made from (well-conditioned problems with `planted`).
    planted: Vec<f32>,
}

fn problem() -> impl Strategy<Value = Problem> {
    (1usize..=12, 1usize..=48, any::<u64>(), 0.0f32..1.0).prop_map(|(k, d, seed, sparsity)| {
        let mut rng = gen::Rng::new(seed);
        let mut h = gen::basis(&mut rng, k, d);
        // Zero out a share of the pixels, as NMF bases are sparse.
        for v in h.iter_mut() {
            if rng.uniform() < sparsity * 0.7 {
                *v = 0.0;
            }
        }
        for i in 0..k {
            h[i * d + i % d] += 0.5;
        }
        let g = gen::gram(&h, k, d);
        let x = (0..d).map(|_| rng.uniform()).collect();
        Problem {
            h,
            g,
            x,
            k,
            d,
            planted: vec![],
        }
    })
}

/// Each component owns its own block of 6 pixels, plus a little shared
/// background: full rank and well conditioned, so the NNLS solution is
/// unique. With `planted`, the image is `w H` for a random sparse `w ≥ 0`.
fn well_conditioned(planted: bool) -> impl Strategy<Value = Problem> {
    (1usize..=10, any::<u64>()).prop_map(move |(k, seed)| {
        let block = 6;
        let d = k * block;
        let mut rng = gen::Rng::new(seed);
        let mut h = vec![0.0f32; k * d];
        for i in 0..k {
            for p in 0..d {
                h[i * d + p] = if p / block == i {
                    0.5 + rng.uniform()
                } else {
                    0.05 * rng.uniform()
                };
            }
        }
        let g = gen::gram(&h, k, d);
        let code: Vec<f32> = (0..k)
            .map(|_| {
                if rng.uniform() < 0.3 {
                    0.0
                } else {
                    2.0 * rng.uniform()
                }
            })
            .collect();
        let x: Vec<f32> = if planted {
            (0..d)
                .map(|p| (0..k).map(|i| code[i] * h[i * d + p]).sum())
                .collect()
        } else {
            (0..d).map(|_| rng.uniform()).collect()
        };
        Problem {
            h,
            g,
            x,
            k,
            d,
            planted: if planted { code } else { vec![] },
        }
    })
}

fn encode(p: &Problem, rule: StopRule) -> (Vec<f32>, facenmf_core::SolveReport) {
    let enc = Encoder::new_checked(&p.h, &p.g, p.k, p.d, rule).expect("valid model");
    let mut code = vec![0.0f32; p.k];
    let report = enc.encode(&p.x, &mut code).expect("valid input");
    (code, report)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn codes_are_never_negative(p in problem(), sweeps in 0u16..50) {
        let (code, _) = encode(&p, StopRule::new(sweeps, 0.0));
        prop_assert!(code.iter().all(|&v| v >= 0.0), "negative code {code:?}");
    }

    #[test]
    fn kkt_conditions_hold(p in problem()) {
        let (code, report) = encode(&p, CONVERGED);
        let basis = Basis::from_f32(&p.h, p.k, p.d).unwrap();
        let g = basis.gram();
        let b = basis.correlate(&p.x);
        let b_plus = b.iter().map(|v| v.max(0.0).powi(2)).sum::<f64>().sqrt();
        let w: Vec<f64> = code.iter().map(|&v| f64::from(v)).collect();
        let grad = gradient(&g, &b, &w);
        let eps = KKT_TOL * b_plus;
        for i in 0..p.k {
            if w[i] == 0.0 {
                prop_assert!(grad[i] >= -eps, "w[{i}] = 0 but gradient {} < -{eps} ({report:?})", grad[i]);
            } else {
                prop_assert!(grad[i].abs() <= eps, "w[{i}] > 0 but |gradient| {} > {eps} ({report:?})", grad[i]);
            }
        }
    }

    /// On the shapes the kernel serves (K ≤ D; a model's basis has far more
    /// pixels than components). With K > D the Gram matrix is singular and
    /// coordinate descent can crawl along its null space past the sweep cap
    /// (12 components over 6 pixels can stop at 20,000 sweeps 5e-2 above an
    /// optimum of 1e-5 of f(0)); those shapes keep the KKT property above.
    #[test]
    fn f32_objective_matches_f64_reference(p in problem()) {
        prop_assume!(p.k <= p.d);
        let (code, report) = encode(&p, CONVERGED);
        let basis = Basis::from_f32(&p.h, p.k, p.d).unwrap();
        let exact = basis.encode(&p.x);
        let w: Vec<f64> = code.iter().map(|&v| f64::from(v)).collect();
        let (f32_obj, f64_obj) = (basis.objective(&p.x, &w), basis.objective(&p.x, &exact));
        let f0 = basis.objective(&p.x, &vec![0.0; p.k]);
        let gap = relative_gap(f32_obj, f64_obj, f0);
        prop_assert!(gap <= GAP_TOL, "objective gap {gap:e} ({f32_obj} vs {f64_obj}, {report:?})");
    }

    #[test]
    fn f32_codes_match_f64_reference(p in well_conditioned(false)) {
        let (code, report) = encode(&p, CONVERGED);
        let exact = Basis::from_f32(&p.h, p.k, p.d).unwrap().encode(&p.x);
        let wmax = exact.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        let diff = code.iter().zip(&exact).fold(0.0f64, |m, (a, b)| m.max((f64::from(*a) - b).abs()));
        prop_assert!(diff <= CODE_TOL * wmax, "codes differ by {diff:e}: {code:?} vs {exact:?} ({report:?})");
    }

    #[test]
    fn planted_code_is_recovered(p in well_conditioned(true)) {
        let planted = p.planted.clone();
        let (code, report) = encode(&p, CONVERGED);
        for i in 0..p.k {
            prop_assert!((code[i] - planted[i]).abs() <= 1e-4 * (1.0 + planted[i]),
                "component {i}: {} vs planted {} ({report:?})", code[i], planted[i]);
        }
    }
}
