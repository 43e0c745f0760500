//! Host benchmark of the chip's kernel at a realistic size (D = 1200 pixels,
//! K = 64 components, N = 600 templates of M = 64): multiply-adds per second
//! of `encode` and `classify`, side by side with the float64 reference in the
//! same run (a ratio, since the machine is noisy). A base to compare the chip
//! against.
//!
//! Run: `cargo bench -p facenmf-tests --bench kernel`.

use std::hint::black_box;
use std::time::Instant;

use facenmf_core::gallery::{Gallery, Metric};
use facenmf_core::{Encoder, StopRule};
use facenmf_host::reference::{knn, nnls::Basis};
use facenmf_tests::gen::{self, Rng};

const D: usize = 1200;
const K: usize = 64;
const N: usize = 600;
const M: usize = 64;
const FACES: usize = 200;

fn main() {
    let mut rng = Rng::new(2024);
    // A sparse non-negative basis, like a fitted NMF basis, and faces that
    // are noisy non-negative mixtures of it.
    let h: Vec<f32> = gen::basis(&mut rng, K, D)
        .into_iter()
        .map(|v| if v < 0.7 { 0.0 } else { v })
        .collect();
    let g = gen::gram(&h, K, D);
    let faces: Vec<Vec<f32>> = (0..FACES)
        .map(|_| {
            let w: Vec<f32> = (0..K)
                .map(|_| {
                    if rng.uniform() < 0.5 {
                        0.0
                    } else {
                        rng.uniform() * 0.1
                    }
                })
                .collect();
            (0..D)
                .map(|p| (0..K).map(|i| w[i] * h[i * D + p]).sum::<f32>() + 0.02 * rng.uniform())
                .collect()
        })
        .collect();
    println!("kernel benchmark: D = {D}, K = {K}, N = {N}, M = {M}, {FACES} faces");

    for rule in [StopRule::new(100, 1e-4), StopRule::new(30, 0.0)] {
        let enc = Encoder::new_checked(&h, &g, K, D, rule).expect("valid basis");
        let mut code = [0.0f32; K];
        let (mut sweeps, mut macs) = (0u64, 0u64);
        let start = Instant::now();
        for x in &faces {
            let r = enc.encode(black_box(x), &mut code).expect("valid face");
            sweeps += u64::from(r.sweeps);
            macs += (D * K) as u64 + u64::from(r.sweeps) * (K * K) as u64;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "encode  (max {} sweeps, tol {:e}): {:.1} sweeps/face, {:.0} MAC/face, {:.1} us/face, {:.2} GMAC/s",
            rule.max_sweeps,
            rule.tol,
            sweeps as f64 / FACES as f64,
            macs as f64 / FACES as f64,
            secs / FACES as f64 * 1e6,
            macs as f64 / secs / 1e9
        );
    }

    let basis = Basis::from_f32(&h, K, D).expect("valid basis");
    let start = Instant::now();
    let few = 20;
    for x in faces.iter().take(few) {
        black_box(basis.encode(black_box(x)));
    }
    let ref_per_face = start.elapsed().as_secs_f64() / few as f64;
    let enc = Encoder::new_checked(&h, &g, K, D, StopRule::new(100, 1e-4)).expect("valid basis");
    let mut code = [0.0f32; K];
    let start = Instant::now();
    for x in faces.iter().take(few) {
        enc.encode(black_box(x), &mut code).expect("valid face");
    }
    let kernel_per_face = start.elapsed().as_secs_f64() / few as f64;
    println!(
        "encode  f64 Lawson-Hanson reference: {:.1} us/face; kernel is {:.1}x faster",
        ref_per_face * 1e6,
        ref_per_face / kernel_per_face
    );

    let templates: Vec<(u16, [f32; M])> = (0..N)
        .map(|i| ((i % 62) as u16, core::array::from_fn(|_| rng.uniform())))
        .collect();
    let queries: Vec<[f32; M]> = (0..FACES)
        .map(|_| core::array::from_fn(|_| rng.uniform()))
        .collect();
    let gallery: Gallery<'_, M, 0> = Gallery::new_checked(&templates).expect("finite templates");
    for (metric, name, macs_per) in [
        (Metric::SquaredL2, "squared L2", N * M),
        (Metric::Cosine, "cosine", 2 * N * M),
    ] {
        let start = Instant::now();
        let reps = 5;
        for _ in 0..reps {
            for q in &queries {
                black_box(
                    gallery
                        .classify(black_box(q), 1, metric)
                        .expect("non-empty"),
                );
            }
        }
        let secs = start.elapsed().as_secs_f64() / (reps * FACES) as f64;
        println!(
            "classify ({name}, k = 1): {:.1} us/query, {:.2} GMAC/s",
            secs * 1e6,
            macs_per as f64 / secs / 1e9
        );
    }
    let vecs: Vec<(u16, Vec<f32>)> = templates.iter().map(|(l, v)| (*l, v.to_vec())).collect();
    let start = Instant::now();
    for q in queries.iter().take(few) {
        black_box(knn::classify(&vecs, q, 1, knn::Metric::SquaredL2));
    }
    let ref_secs = start.elapsed().as_secs_f64() / few as f64;
    println!(
        "classify f64 brute-force reference: {:.1} us/query",
        ref_secs * 1e6
    );
}
