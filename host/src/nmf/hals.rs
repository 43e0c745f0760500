//! What accelerated HALS (Gillis & Glineur 2012) adds to the coordinate
//! descent of [`super::cd`]: several cheap inner sweeps per expensive
//! product ([`max_inner`]; a sweep is repeated while it still moves the
//! factor) and, without regularisation, extrapolation of both factors
//! (Ang & Gillis 2019, [`Extrapolation`]).

use super::linalg::gram;
use rayon::prelude::*;

/// Inner sweeps allowed per product for accelerated HALS: `⌊1 + α ρ⌋` with
/// `ρ` the cost of the products over the cost of one sweep and `α = 0.5`
/// (Gillis & Glineur), where a sweep's multiply-add is counted as 8 of the
/// GEMM's. `rows`, `other` are the dimensions of the data as seen by the
/// factor being updated (the counts of `X`, also on a sketch); the result
/// is at least 1. Why 8 and why `X`'s counts: `docs/recipe.md`.
pub fn max_inner(rows: usize, other: usize, k: usize) -> usize {
    let products = (rows * other * k + other * k * k) as f64;
    let one_sweep = 8.0 * (rows * k * k) as f64;
    let rho = 1.0 + products / one_sweep;
    (1.0 + 0.5 * rho).floor().max(1.0) as usize
}

/// State of the extrapolation of accelerated HALS (see [`super::cd::run`]).
#[derive(Debug)]
pub(super) struct Extrapolation {
    xnorm2: f64,
    best: f64,
    beta: f32,
    beta_bar: f32,
    pub(super) acc_w: Vec<f32>,
    pub(super) acc_ht: Vec<f32>,
    prev_w: Vec<f32>,
    prev_ht: Vec<f32>,
    gh: Vec<f32>,
}

impl Extrapolation {
    /// Ang & Gillis' parameters: β₀ = 0.5, grows by 1.05 (its cap β̄ by
    /// 1.01, up to 1) after a success, shrinks by 1.5 after a failure.
    const GAMMA: f32 = 1.05;
    const GAMMA_BAR: f32 = 1.01;
    const ETA: f32 = 1.5;

    pub(super) fn new(xnorm2: f64, w: &[f32], ht: &[f32], k: usize) -> Self {
        Extrapolation {
            xnorm2,
            best: f64::INFINITY,
            beta: 0.5,
            beta_bar: 1.0,
            acc_w: w.to_vec(),
            acc_ht: ht.to_vec(),
            prev_w: w.to_vec(),
            prev_ht: ht.to_vec(),
            gh: vec![0.0; k * k],
        }
    }

    /// After an iteration produced `(w, ht)` (with `xtw = Xᵀ w` and
    /// `gw = wᵀw`, both from the update of `ht`): accept or reject it, and
    /// leave in `(w, ht)` the start of the next iteration.
    pub(super) fn step(
        &mut self,
        w: &mut [f32],
        ht: &mut [f32],
        xtw: &[f32],
        gw: &[f32],
        d: usize,
        k: usize,
    ) {
        gram(&mut self.gh, ht, d, k);
        // Partial sums collected in order, then added in order: the
        // accept/reject decision does not depend on the thread count.
        let cross: f64 = xtw
            .par_chunks(4096)
            .zip(ht.par_chunks(4096))
            .map(|(a, b)| {
                a.iter()
                    .zip(b)
                    .map(|(&a, &b)| a as f64 * b as f64)
                    .sum::<f64>()
            })
            .collect::<Vec<f64>>()
            .iter()
            .sum();
        let gram: f64 = gw
            .iter()
            .zip(&self.gh)
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum();
        let loss = self.xnorm2 - 2.0 * cross + gram;
        if loss < self.best {
            self.best = loss;
            std::mem::swap(&mut self.prev_w, &mut self.acc_w);
            std::mem::swap(&mut self.prev_ht, &mut self.acc_ht);
            self.acc_w.copy_from_slice(w);
            self.acc_ht.copy_from_slice(ht);
            self.beta = (Self::GAMMA * self.beta).min(self.beta_bar);
            self.beta_bar = (Self::GAMMA_BAR * self.beta_bar).min(1.0);
            let beta = self.beta;
            let extrapolate = |y: &mut [f32], acc: &[f32], prev: &[f32]| {
                y.par_chunks_mut(4096)
                    .zip(acc.par_chunks(4096))
                    .zip(prev.par_chunks(4096))
                    .for_each(|((y, a), p)| {
                        for ((y, &a), &p) in y.iter_mut().zip(a).zip(p) {
                            *y = (a + beta * (a - p)).max(0.0);
                        }
                    });
            };
            extrapolate(w, &self.acc_w, &self.prev_w);
            extrapolate(ht, &self.acc_ht, &self.prev_ht);
        } else {
            self.beta_bar = self.beta;
            self.beta /= Self::ETA;
            w.copy_from_slice(&self.acc_w);
            ht.copy_from_slice(&self.acc_ht);
        }
    }
}
