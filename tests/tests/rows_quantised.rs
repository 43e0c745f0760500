//! Quantised rows: the kernel's i8 dot products (`facenmf_core::rows`)
//! against obviously correct expressions, the host's quantisation
//! (`facenmf_host::quant`) against its contract and the kernel, and the
//! encoder and map over i8 rows.

use facenmf_core::nnls::dot;
use facenmf_core::{Encoder, LinearMap, ModelError, Rows, StopRule, Storage};
use facenmf_host::model::gram_of;
use facenmf_host::quant::{quantise, QuantRows, Q_MAX};
use facenmf_tests::gen::{self, Rng};
use proptest::prelude::*;

/// Random i8 rows (`0..=127` when `non_negative`) and scales.
fn random_rows(rng: &mut Rng, rows: usize, cols: usize, non_negative: bool) -> QuantRows {
    let q = (0..rows * cols)
        .map(|_| {
            let v = rng.below(255) as i32 - 127;
            (if non_negative { v.abs() } else { v }) as i8
        })
        .collect();
    let scales = (0..rows)
        .map(|_| rng.uniform() * 10f32.powi(rng.below(7) as i32 - 4))
        .collect();
    QuantRows { q, scales }
}

fn vector(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.uniform() * 4.0 - 2.0).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Row i's dot product is, bit for bit, `scale_i` times the left-to-right
    /// f32 sum of `(q as f32) · x`; four rows at a time (`Rows::mul`) give
    /// the same bits as one row at a time.
    #[test]
    fn i8_rows_sum_as_defined(rows in 1usize..=9, cols in 1usize..70, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let r = random_rows(&mut rng, rows, cols, false);
        let x = vector(&mut rng, cols);
        let m = Rows::new_checked("rows", r.storage(), rows, cols, false).unwrap();
        let mut out = vec![0.0f32; rows];
        m.mul(&x, &mut out);
        for i in 0..rows {
            let naive = r.q[i * cols..(i + 1) * cols]
                .iter()
                .zip(&x)
                .fold(0.0f32, |s, (&q, &v)| s + f32::from(q) * v);
            let expected = r.scales[i] * naive;
            prop_assert_eq!(m.dot(i, &x).to_bits(), expected.to_bits(), "row {}", i);
            prop_assert_eq!(out[i].to_bits(), expected.to_bits(), "row {} of mul", i);
        }
    }

    /// The i8 dot product is within the f32 summation bound of the f64 dot
    /// product of the dequantised row: `|s − Σ scale·q_j·x_j| ≤ (n + 1) ·
    /// 2⁻²⁴ · 1.01 · Σ |scale·q_j·x_j|` (left-to-right sum of n terms, then
    /// one multiplication by the scale).
    #[test]
    fn i8_dot_is_near_the_f64_dot_of_the_dequantised_row(cols in 1usize..300, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let r = random_rows(&mut rng, 1, cols, false);
        let x = vector(&mut rng, cols);
        let m = Rows::new_checked("rows", r.storage(), 1, cols, false).unwrap();
        let scale = f64::from(r.scales[0]);
        let terms: Vec<f64> = r.q.iter().zip(&x).map(|(&q, &v)| scale * f64::from(q) * f64::from(v)).collect();
        let exact: f64 = terms.iter().sum();
        let bound = (cols as f64 + 1.0) * 2f64.powi(-24) * 1.01 * terms.iter().map(|t| t.abs()).sum::<f64>();
        let got = f64::from(m.dot(0, &x));
        prop_assert!((got - exact).abs() <= bound, "{} vs {} (bound {:e})", got, exact, bound);
    }

    /// f32 rows: `Rows::mul` is the plain dot product a row, bit for bit
    /// (the storage of every f32 model, unchanged).
    #[test]
    fn f32_rows_are_plain_dots(rows in 1usize..=9, cols in 1usize..70, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let v = vector(&mut rng, rows * cols);
        let x = vector(&mut rng, cols);
        let m = Rows::new_checked("rows", Storage::F32(&v), rows, cols, false).unwrap();
        let mut out = vec![0.0f32; rows];
        m.mul(&x, &mut out);
        for i in 0..rows {
            prop_assert_eq!(out[i].to_bits(), dot(&v[i * cols..(i + 1) * cols], &x).to_bits());
        }
    }

    /// The host's quantisation keeps its contract: `|q| ≤ 127`, the scale is
    /// `max|row| / 127` rounded up by less than 2⁻¹⁴ of it, every value is
    /// within half a step of its row, `scale · q` is exact in f32 (its f32
    /// and f64 products agree), non-negative rows give non-negative q, and
    /// the kernel reads the very values the host dequantises.
    #[test]
    fn host_quantisation_keeps_its_contract(rows in 1usize..=6, cols in 1usize..80, signed in any::<bool>(), seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let magnitude = 10f32.powi(rng.below(9) as i32 - 4);
        let values: Vec<f32> = (0..rows * cols)
            .map(|_| {
                let v = rng.uniform() * magnitude;
                if signed && rng.below(2) == 0 { -v } else { v }
            })
            .collect();
        let r = quantise(&values, rows, cols).unwrap();
        let deq = r.dequantised();
        let m = Rows::new_checked("rows", r.storage(), rows, cols, !signed).unwrap();
        for i in 0..rows {
            let row = &values[i * cols..(i + 1) * cols];
            let max = row.iter().fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
            let s = f64::from(r.scales[i]);
            prop_assert!(s >= max / 127.0 && s <= max / 127.0 * (1.0 + 2f64.powi(-14)), "scale {} for max {}", s, max);
            for j in 0..cols {
                let q = r.q[i * cols + j];
                prop_assert!((-Q_MAX..=Q_MAX).contains(&q));
                prop_assert!(signed || q >= 0);
                let h = f64::from(row[j]);
                prop_assert!((h - s * f64::from(q)).abs() <= 0.5 * s * (1.0 + 1e-12), "({}, {}): {} vs {} · {}", i, j, h, s, q);
                prop_assert_eq!(f64::from(deq[i * cols + j]), s * f64::from(q));
                prop_assert_eq!(m.value(i, j).to_bits(), deq[i * cols + j].to_bits());
            }
        }
    }

    /// The encoder over i8 rows accepts the Gram matrix of the dequantised
    /// basis (summed in f64, as the trainer makes it), and its correlation
    /// `b = H x` is the rows' own products.
    #[test]
    fn encoder_accepts_the_gram_of_the_dequantised_basis(k in 1usize..=12, d in 1usize..=40, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let h = gen::basis(&mut rng, k, d);
        let r = quantise(&h, k, d).unwrap();
        let g = gram_of(&r.dequantised(), k, d);
        let rows = Rows::new_checked("basis", r.storage(), k, d, true).unwrap();
        let enc = Encoder::from_rows(rows, &g, StopRule::default()).unwrap();
        let x: Vec<f32> = (0..d).map(|_| rng.uniform()).collect();
        let mut b = vec![0.0f32; k];
        enc.correlate(&x, &mut b).unwrap();
        for (i, bi) in b.iter().enumerate() {
            prop_assert_eq!(bi.to_bits(), rows.dot(i, &x).to_bits());
        }
    }
}

/// Bad i8 rows are refused by name when the model is built, never later.
#[test]
fn bad_i8_rows_are_refused() {
    let q = [1i8, 2, 3, 4, 5, 6];
    let check = |q: &[i8], scales: &[f32], non_negative| {
        Rows::new_checked("basis", Storage::I8 { q, scales }, 2, 3, non_negative).map(|_| ())
    };
    assert_eq!(check(&q, &[1.0, 2.0], true), Ok(()));
    assert_eq!(
        check(&q[..5], &[1.0, 2.0], true),
        Err(ModelError::Length {
            what: "basis",
            expected: 6,
            actual: 5
        })
    );
    assert!(matches!(
        check(&q, &[1.0], true),
        Err(ModelError::Length {
            what: "row scales",
            ..
        })
    ));
    assert_eq!(
        check(&q, &[1.0, f32::NAN], true),
        Err(ModelError::NotFinite {
            what: "row scales",
            row: 1,
            col: 0
        })
    );
    assert_eq!(
        check(&q, &[-1.0, 1.0], true),
        Err(ModelError::Negative {
            what: "row scales",
            row: 0,
            col: 0
        })
    );
    let negative = [1i8, 2, 3, 4, -5, 6];
    assert_eq!(
        check(&negative, &[1.0, 1.0], true),
        Err(ModelError::Negative {
            what: "basis",
            row: 1,
            col: 1
        })
    );
    // A map may be negative; an encoder's basis may not, whoever checked it.
    assert_eq!(check(&negative, &[1.0, 1.0], false), Ok(()));
    let rows = Rows::new_checked(
        "rows",
        Storage::I8 {
            q: &negative,
            scales: &[1.0, 1.0],
        },
        2,
        3,
        false,
    )
    .unwrap();
    assert!(matches!(
        Encoder::from_rows(rows, &[1.0, 0.0, 0.0, 1.0], StopRule::default()),
        Err(ModelError::Negative { what: "basis", .. })
    ));
}

/// A Gram matrix that is not that of the dequantised basis is refused.
#[test]
fn encoder_refuses_a_foreign_gram_matrix() {
    let mut rng = Rng::new(3);
    let (k, d) = (5, 30);
    let r = quantise(&gen::basis(&mut rng, k, d), k, d).unwrap();
    let mut g = gram_of(&r.dequantised(), k, d);
    let rows = Rows::new_checked("basis", r.storage(), k, d, true).unwrap();
    assert!(Encoder::from_rows(rows, &g, StopRule::default()).is_ok());
    g[k + 2] *= 1.5;
    g[2 * k + 1] *= 1.5;
    assert!(matches!(
        Encoder::from_rows(rows, &g, StopRule::default()),
        Err(ModelError::GramMismatch { .. })
    ));
}

/// An i8 map projects as its rows' products plus the bias, four rows at a
/// time (M = 7: one block of four and three rows alone).
#[test]
fn i8_map_projects_by_its_rows() {
    let mut rng = Rng::new(9);
    let (m, k) = (7, 11);
    let r = random_rows(&mut rng, m, k, false);
    let bias: Vec<f32> = vector(&mut rng, m);
    let rows = Rows::new_checked("linear map", r.storage(), m, k, false).unwrap();
    let map = LinearMap::from_rows(rows, Some(&bias)).unwrap();
    let projection = facenmf_core::Projection::new_checked(k, false, false, Some(map)).unwrap();
    let mut code = vector(&mut rng, k);
    let mut out = vec![0.0f32; m];
    let y = projection.apply(&mut code, &mut out).unwrap().to_vec();
    for i in 0..m {
        assert_eq!(y[i].to_bits(), (rows.dot(i, &code) + bias[i]).to_bits());
    }
}
