//! Non-negative matrix factorisation `X ≈ W H` in f32, after scikit-learn's
//! `NMF`: the same options, the same update rules and stopping rules, faster.
//!
//! Shapes follow scikit-learn: `X` is `n_samples × n_features` (one image per
//! row), `W` is `n_samples × k`, `H` is `k × n_features` (one basis image per
//! row); all row-major.
//!
//! - [`Solver::Mu`]: multiplicative updates, Frobenius or Kullback–Leibler.
//! - [`Solver::Cd`]: scikit-learn's coordinate descent (fast HALS), with its
//!   `shuffle` option and its violation-ratio stopping rule.
//! - [`Solver::Hals`]: accelerated HALS (Gillis & Glineur 2012): several cheap
//!   inner sweeps on each expensive product.

pub mod cd;
pub mod hals;
pub mod init;
pub mod linalg;
pub mod mu;
pub mod nnls_batch;
pub mod rng;
pub mod sketch;
pub mod transform;

use std::time::Instant;

/// scikit-learn's `EPSILON = np.finfo(np.float32).eps`.
pub const EPSILON: f32 = f32::EPSILON;

/// Which algorithm fits the factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Solver {
    /// Multiplicative updates (scikit-learn `solver='mu'`).
    Mu,
    /// Coordinate descent / fast HALS (scikit-learn `solver='cd'`, its default).
    #[default]
    Cd,
    /// Accelerated HALS: several inner sweeps per product (Gillis & Glineur 2012).
    Hals,
}

/// The divergence minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BetaLoss {
    /// `½‖X − WH‖²_F`.
    #[default]
    Frobenius,
    /// Generalised Kullback–Leibler divergence (only with `mu`).
    KullbackLeibler,
}

/// How the factors start.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// `|N(0,1)| · sqrt(mean(X)/k)` (scikit-learn's scaling).
    Random,
    /// Non-negative double SVD (Boutsidis & Gallopoulos 2008), zeros kept.
    Nndsvd,
    /// NNDSVD with zeros filled by the mean of `X`.
    Nndsvda,
    /// NNDSVD with zeros filled by small random values (`mean(X)·|N(0,1)|/100`).
    Nndsvdar,
    /// Given factors: `w` is `n×k`, `h` is `k×d`.
    Custom {
        /// `n×k` start of `W`.
        w: Vec<f32>,
        /// `k×d` start of `H`.
        h: Vec<f32>,
    },
}

/// Options of [`fit`]; [`Default`] gives scikit-learn's defaults.
#[derive(Debug, Clone)]
pub struct NmfParams {
    /// Number of components `k`.
    pub n_components: usize,
    /// Algorithm.
    pub solver: Solver,
    /// Divergence (`KullbackLeibler` needs `Mu`).
    pub beta_loss: BetaLoss,
    /// `None`: scikit-learn's default, `nndsvda` (when `k ≤ min(n, d)`).
    pub init: Option<Init>,
    /// Maximum number of iterations (one iteration updates `W` then `H`).
    pub max_iter: usize,
    /// Stopping tolerance, with each solver's scikit-learn rule: `mu` checks the
    /// relative decrease of the error every 10 iterations, `cd`/`hals` the
    /// ratio of the projected-gradient violation to the first iteration's.
    pub tol: f64,
    /// Seed of the random init, `nndsvdar` and `shuffle`.
    pub seed: u64,
    /// Regularisation of `W` (scaled by `n_features` as scikit-learn does).
    pub alpha_w: f64,
    /// Regularisation of `H` (scaled by `n_samples`); `None` = same as `alpha_w`.
    pub alpha_h: Option<f64>,
    /// L1 share of the regularisation (0 = L2 only, 1 = L1 only).
    pub l1_ratio: f64,
    /// Randomise the coordinate order of `cd`/`hals` each sweep.
    pub shuffle: bool,
    /// Accelerated HALS without regularisation: extrapolate between
    /// iterations (Ang & Gillis 2019; reaches a given loss in fewer
    /// iterations, see `hals.rs`). Off, it is Gillis & Glineur's HALS alone.
    pub extrapolate: bool,
    /// Take the two big products from a rank-`l` randomised
    /// sketch of `X` (see [`sketch`]) instead of `X`; `None` = exact. The
    /// reported error is always `‖X − WH‖` on `X` itself. `l ≈ 2k` keeps
    /// the loss within a fraction of a percent of the exact fit's.
    pub sketch: Option<usize>,
    /// Show a progress bar on the terminal.
    pub progress: bool,
    /// Record `(iteration, seconds, ‖X−WH‖)` after every iteration (costs one
    /// extra product per iteration for `mu`; used by the benchmark).
    pub trace: bool,
    /// With `trace`: stop as soon as `‖X−WH‖_F` is at most this (benchmarks).
    pub stop_at: Option<f64>,
}

impl Default for NmfParams {
    fn default() -> Self {
        NmfParams {
            n_components: 10,
            solver: Solver::Cd,
            beta_loss: BetaLoss::Frobenius,
            init: None,
            max_iter: 200,
            tol: 1e-4,
            seed: 0,
            alpha_w: 0.0,
            alpha_h: None,
            l1_ratio: 0.0,
            shuffle: false,
            extrapolate: true,
            sketch: None,
            progress: false,
            trace: false,
            stop_at: None,
        }
    }
}

/// A fitted factorisation.
#[derive(Debug, Clone)]
pub struct NmfFit {
    /// `n×k` codes of the training images.
    pub w: Vec<f32>,
    /// `k×d` basis images, one per row.
    pub h: Vec<f32>,
    /// Rows of `X`.
    pub n_samples: usize,
    /// Columns of `X` (pixels).
    pub n_features: usize,
    /// `k`.
    pub n_components: usize,
    /// Iterations run.
    pub n_iter: usize,
    /// scikit-learn's `reconstruction_err_`: `‖X − WH‖_F` for Frobenius,
    /// `sqrt(2·D_KL)` for Kullback–Leibler.
    pub reconstruction_err: f64,
    /// `reconstruction_err / ‖X‖_F` (Frobenius) .
    pub rel_error: f64,
    /// Wall time of the fit (init included).
    pub fit_seconds: f64,
    /// Per-iteration `(iteration, seconds since start, ‖X−WH‖_F)` when
    /// [`NmfParams::trace`] is set.
    pub trace: Vec<(usize, f64, f64)>,
}

/// What can go wrong before a fit starts.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NmfError {
    /// `X` holds a NaN or an infinity.
    #[error("X holds a non-finite value at index {0}")]
    NonFinite(usize),
    /// `X` holds a negative value.
    #[error("X holds a negative value ({value}) at index {index}: NMF needs non-negative data")]
    Negative {
        /// Flat index.
        index: usize,
        /// The value.
        value: f32,
    },
    /// `k = 0`.
    #[error("n_components must be at least 1")]
    ZeroComponents,
    /// `k > min(n, d)` with an SVD-based init.
    #[error(
        "n_components = {k} exceeds min(n_samples, n_features) = {max} (needed by the {init} init)"
    )]
    TooManyComponents {
        /// Requested.
        k: usize,
        /// `min(n, d)`.
        max: usize,
        /// Init name.
        init: &'static str,
    },
    /// Shapes do not match.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// An option is out of range or options do not go together.
    #[error("invalid option: {0}")]
    Invalid(String),
}

/// Checks `X` for NaN, infinities and negative values.
pub fn check_non_negative(x: &[f32]) -> Result<(), NmfError> {
    for (i, &v) in x.iter().enumerate() {
        if !v.is_finite() {
            return Err(NmfError::NonFinite(i));
        }
        if v < 0.0 {
            return Err(NmfError::Negative { index: i, value: v });
        }
    }
    Ok(())
}

/// scikit-learn's regularisation scaling: `(l1_W, l1_H, l2_W, l2_H)`.
pub fn regularization(p: &NmfParams, n_samples: usize, n_features: usize) -> (f32, f32, f32, f32) {
    let aw = p.alpha_w;
    let ah = p.alpha_h.unwrap_or(aw);
    (
        (n_features as f64 * aw * p.l1_ratio) as f32,
        (n_samples as f64 * ah * p.l1_ratio) as f32,
        (n_features as f64 * aw * (1.0 - p.l1_ratio)) as f32,
        (n_samples as f64 * ah * (1.0 - p.l1_ratio)) as f32,
    )
}

pub(crate) fn progress_bar(show: bool, max_iter: usize, what: &str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(max_iter as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{prefix} [{elapsed_precise}] {bar:30} {pos}/{len} it {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_prefix(what.to_string());
    pb
}

/// Fits `X ≈ W H`. `x` is `n_samples × n_features`, row-major, non-negative.
pub fn fit(
    x: &[f32],
    n_samples: usize,
    n_features: usize,
    p: &NmfParams,
) -> Result<NmfFit, NmfError> {
    fit_with_sketch(x, n_samples, n_features, p, None)
}

/// [`fit`] with a sketch of `x` made beforehand (a sweep's
/// [`sketch::RankedSketch::leading`] part), used instead of the one
/// `p.sketch` would make; `None` is [`fit`].
pub fn fit_with_sketch(
    x: &[f32],
    n_samples: usize,
    n_features: usize,
    p: &NmfParams,
    given: Option<sketch::Sketch>,
) -> Result<NmfFit, NmfError> {
    let start = Instant::now();
    if x.len() != n_samples * n_features {
        return Err(NmfError::Shape(format!(
            "X has {} values, expected {n_samples} × {n_features}",
            x.len()
        )));
    }
    if n_samples == 0 || n_features == 0 {
        return Err(NmfError::Shape("X is empty".into()));
    }
    check_non_negative(x)?;
    let k = p.n_components;
    if k == 0 {
        return Err(NmfError::ZeroComponents);
    }
    if p.beta_loss == BetaLoss::KullbackLeibler && p.solver != Solver::Mu {
        return Err(NmfError::Invalid(
            "the Kullback-Leibler loss needs solver mu".into(),
        ));
    }
    if !(0.0..=1.0).contains(&p.l1_ratio) || p.alpha_w < 0.0 || p.alpha_h.is_some_and(|a| a < 0.0) {
        return Err(NmfError::Invalid(
            "alpha_W, alpha_H must be ≥ 0 and l1_ratio in [0, 1]".into(),
        ));
    }
    if p.tol.is_nan() || p.tol < 0.0 {
        return Err(NmfError::Invalid("tol must be ≥ 0".into()));
    }
    if let Some(g) = &given {
        if (g.n, g.d) != (n_samples, n_features) {
            return Err(NmfError::Shape(format!(
                "the sketch is of a {}×{} matrix, X is {n_samples}×{n_features}",
                g.n, g.d
            )));
        }
    }
    if let Some(l) = given.as_ref().map(|g| g.l).or(p.sketch) {
        if p.beta_loss == BetaLoss::KullbackLeibler {
            return Err(NmfError::Invalid(
                "a sketch needs the Frobenius loss (Kullback-Leibler divides by X element by element)"
                    .into(),
            ));
        }
        if l < k || l > n_samples.min(n_features) {
            return Err(NmfError::Invalid(format!(
                "sketch rank {l} must lie between n_components ({k}) and min(n_samples, n_features) ({})",
                n_samples.min(n_features)
            )));
        }
    }
    let init = match &p.init {
        Some(i) => i.clone(),
        None if k <= n_samples.min(n_features) => Init::Nndsvda,
        None => Init::Random,
    };
    // With a sketch, the SVD-based inits use its SVD too (one range finder
    // instead of two).
    let sketch = given.or_else(|| {
        p.sketch.map(|l| {
            let xt = linalg::transpose(x, n_samples, n_features);
            sketch::Sketch::new(x, &xt, n_samples, n_features, l, sketch::POWER_ITER, p.seed)
        })
    });
    let (w, h) = init::initialize(x, n_samples, n_features, k, &init, p.seed, sketch.as_ref())?;
    let reg = regularization(p, n_samples, n_features);
    let mut out = match p.solver {
        Solver::Mu => mu::fit_mu(x, n_samples, n_features, k, w, h, p, reg, sketch, start)?,
        Solver::Cd | Solver::Hals => {
            cd::fit(x, n_samples, n_features, k, w, h, p, reg, sketch, start)?
        }
    };
    out.fit_seconds = start.elapsed().as_secs_f64();
    Ok(out)
}

/// Kullback–Leibler divergence as scikit-learn computes it (entries of `X`
/// below `EPSILON` are left out of the `X log(X/WH)` part).
pub fn kl_divergence(
    x: &[f32],
    w: &[f32],
    h: &[f32],
    n: usize,
    k: usize,
    d: usize,
    buf: &mut Vec<f32>,
) -> f64 {
    use rayon::prelude::*;
    linalg::reconstruct(buf, w, h, n, k, d);
    let (dot, xsum) = x
        .par_chunks(4096)
        .zip(buf.par_chunks(4096))
        .map(|(xa, wa)| {
            let mut dot = 0.0f64;
            let mut xs = 0.0f64;
            for (&a, &b) in xa.iter().zip(wa) {
                if a > EPSILON {
                    let b = b.max(EPSILON);
                    dot += a as f64 * ((a / b) as f64).ln();
                    xs += a as f64;
                }
            }
            (dot, xs)
        })
        .reduce(|| (0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mut wsum = vec![0.0f64; k];
    for row in w.chunks(k) {
        for (s, &v) in wsum.iter_mut().zip(row) {
            *s += v as f64;
        }
    }
    let sum_wh: f64 = h
        .chunks(d)
        .zip(&wsum)
        .map(|(row, ws)| ws * row.iter().map(|&v| v as f64).sum::<f64>())
        .sum();
    dot + sum_wh - xsum
}
