//! The kernel's fast paths against obviously correct expressions.

use facenmf_core::nnls::{dot, dot4, solve, Gram, StopRule};
use facenmf_tests::gen;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Four rows at once are bit-identical to four separate dot products.
    #[test]
    fn dot4_is_four_dots(n in 0usize..70, seed in any::<u64>()) {
        let mut rng = gen::Rng::new(seed);
        let mut v = || -> Vec<f32> { (0..n).map(|_| rng.uniform() * 4.0 - 2.0).collect() };
        let (r0, r1, r2, r3, x) = (v(), v(), v(), v(), v());
        let got = dot4([&r0, &r1, &r2, &r3], &x);
        let expected = [dot(&r0, &x), dot(&r1, &x), dot(&r2, &x), dot(&r3, &x)];
        prop_assert_eq!(got.map(f32::to_bits), expected.map(f32::to_bits));
    }

    /// The blocked sweep (gradients of four coordinates taken together, then
    /// corrected) makes the same moves as one coordinate at a time, up to
    /// rounding, sweep after sweep.
    #[test]
    fn blocked_sweeps_equal_plain_coordinate_descent(k in 1usize..=13, d in 1usize..=30, sweeps in 1u16..6, seed in any::<u64>()) {
        let mut rng = gen::Rng::new(seed);
        let h = gen::basis(&mut rng, k, d);
        let g = gen::gram(&h, k, d);
        let b: Vec<f32> = (0..k).map(|_| rng.uniform() * 4.0 - 1.0).collect();
        let mut w = vec![0.0f32; k];
        solve(&Gram::new_checked(&g, k).unwrap(), &b, &mut w, StopRule::new(sweeps, 0.0)).unwrap();
        // Plain projected coordinate descent in f64.
        let mut v = vec![0.0f64; k];
        for _ in 0..sweeps {
            for i in 0..k {
                let grad: f64 = (0..k).map(|j| f64::from(g[i * k + j]) * v[j]).sum::<f64>() - f64::from(b[i]);
                v[i] = (v[i] - grad / f64::from(g[i * k + i])).max(0.0);
            }
        }
        let scale = v.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        for i in 0..k {
            prop_assert!((f64::from(w[i]) - v[i]).abs() <= 1e-4 * scale, "w[{}] = {} vs {} ({:?} vs {:?})", i, w[i], v[i], w, v);
        }
    }
}
