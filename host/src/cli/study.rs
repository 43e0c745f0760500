//! The arguments `eval` and `sweep` share: the dataset, the split, the NMF
//! fit, the k-NN, the chip's transform and the recipe.

use anyhow::Result;
use facenmf_core::nnls::StopRule;

use super::dataset::SourceArgs;
use crate::data::Dataset;
use crate::eval::{Decision, EvalConfig, Recipe};
use crate::learn::knn::Metric;
use crate::nmf::{Init, NmfParams, Solver};

/// Which protocols to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// Fit on the training split, encode the test split (what a device does).
    Inductive,
    /// Fit on all images, split the codes (the study's protocol).
    Transductive,
    /// Both.
    Both,
}

/// The recipe's decision, by name (see [`Decision`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DecisionKind {
    /// Soft minimum of the cosine distances to every training face and copy.
    Parzen,
    /// The nearest class mean (the device's).
    ClassMean,
}

/// Starting factors, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitName {
    /// `|N(0,1)|·sqrt(mean/k)`.
    Random,
    /// NNDSVD.
    Nndsvd,
    /// NNDSVD, zeros filled with the mean.
    Nndsvda,
    /// NNDSVD, zeros filled with small random values.
    Nndsvdar,
}

impl From<InitName> for Init {
    fn from(i: InitName) -> Init {
        match i {
            InitName::Random => Init::Random,
            InitName::Nndsvd => Init::Nndsvd,
            InitName::Nndsvda => Init::Nndsvda,
            InitName::Nndsvdar => Init::Nndsvdar,
        }
    }
}

/// `--sketch`: a fixed rank `L`, or `Fk`, `F` times each fit's component
/// count (rounded up), which a sweep over `k` needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SketchRank {
    /// `L`.
    Fixed(usize),
    /// `F k`, `F ≥ 1`.
    PerComponent(f64),
}

impl SketchRank {
    /// The rank for a fit with `k` components.
    pub fn rank(self, k: usize) -> usize {
        match self {
            SketchRank::Fixed(l) => l,
            SketchRank::PerComponent(f) => (f * k as f64).ceil() as usize,
        }
    }
}

impl std::str::FromStr for SketchRank {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{s}`: expected a rank L or a multiple Fk of the components (e.g. 220 or 2k)")
        };
        match s.strip_suffix('k') {
            Some(f) => {
                let f: f64 = f.parse().map_err(|_| bad())?;
                if f.is_finite() && f >= 1.0 {
                    Ok(SketchRank::PerComponent(f))
                } else {
                    Err(format!(
                        "`{s}`: the factor must be at least 1 (a sketch needs rank ≥ k)"
                    ))
                }
            }
            None => s.parse().map(SketchRank::Fixed).map_err(|_| bad()),
        }
    }
}

/// A finite number above 0, else an error saying `expected`.
fn finite_above_zero(s: &str, expected: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}`: expected {expected}")),
    }
}

/// `--code-power`: a finite power above 0 (0 or less sends zero codes to
/// infinity or one).
fn positive_power(s: &str) -> Result<f32, String> {
    finite_above_zero(s, "a power above 0, e.g. 0.5 (square root) or 0.7")
}

/// `--parzen-width`: a finite width above 0.
fn positive_width(s: &str) -> Result<f32, String> {
    finite_above_zero(s, "a width above 0, e.g. 0.05")
}

/// Options shared by `eval` and `sweep`.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Share of images in the test split.
    #[arg(long, default_value_t = 0.2)]
    pub test_size: f64,
    /// Seed of the split (scikit-learn's `random_state`: the same split) and of the fit.
    #[arg(long, default_value_t = 8)]
    pub seed: u32,
    /// Stratify the split by person.
    #[arg(long)]
    pub stratify: bool,
    /// NMF solver.
    #[arg(long, value_enum, default_value_t = Solver::Mu)]
    pub solver: Solver,
    /// NMF init (default: scikit-learn's, nndsvda).
    #[arg(long, value_enum)]
    pub init: Option<InitName>,
    /// hals: no extrapolation between iterations (Gillis & Glineur's HALS alone).
    #[arg(long)]
    pub no_extrapolate: bool,
    /// mu (Frobenius), cd, hals: take the big products from a randomised sketch of X of rank L, or of F times the component count with `Fk` (`2k` keeps the loss within a fraction of a percent; default: exact). A sweep makes one sketch per protocol at its largest rank and gives each fit its leading part.
    #[arg(long, value_name = "L|Fk")]
    pub sketch: Option<SketchRank>,
    /// Most NMF iterations.
    #[arg(long, default_value_t = 400)]
    pub max_iter: usize,
    /// NMF tolerance (scikit-learn's rule of the solver; 0 runs max_iter).
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Neighbours of the k-NN.
    #[arg(
        long = "neighbours",
        value_name = "N",
        default_value_t = 1,
        alias = "k"
    )]
    pub k: usize,
    /// Metric of the k-NN.
    #[arg(long, value_enum, default_value_t = Metric::SquaredL2)]
    pub metric: Metric,
    /// Protocols to run.
    #[arg(long, value_enum, default_value_t = Protocol::Both)]
    pub protocol: Protocol,
    /// Most sweeps of the chip's NNLS per image in transform.
    #[arg(
        long = "sweeps",
        value_name = "N",
        default_value_t = 200,
        alias = "transform-sweeps"
    )]
    pub transform_sweeps: u16,
    /// Relative tolerance of the chip's NNLS in transform.
    #[arg(
        long = "encode-tol",
        value_name = "TOL",
        default_value_t = 1e-4,
        alias = "transform-tol"
    )]
    pub transform_tol: f32,
    /// Skip the recipe (codes → power 0.7 → L2 → LDA → Parzen decision over the training faces and copies).
    #[arg(long)]
    pub no_recipe: bool,
    /// Recipe: no element-wise square root of the codes (same as --code-power 1).
    #[arg(long, conflicts_with = "code_power")]
    pub no_sqrt: bool,
    /// Recipe: raise the codes to this power element-wise (0.5: square root, as on the device; 1: none).
    #[arg(long, value_name = "P", default_value_t = Recipe::default().power, value_parser = positive_power)]
    pub code_power: f32,
    /// Recipe: no L2 normalisation of the codes.
    #[arg(long = "no-normalize", alias = "no-l2")]
    pub no_l2: bool,
    /// Recipe: metric of the nearest class mean in the LDA space (--decision class-mean; the Parzen decision is cosine).
    #[arg(long, value_enum, default_value_t = Metric::Cosine)]
    pub recipe_metric: Metric,
    /// Recipe: the decision in the LDA space (parzen: soft minimum of the cosine distances to every training face and copy; class-mean: the nearest class mean, as on the device).
    #[arg(long, value_enum, default_value_t = DecisionKind::Parzen)]
    pub decision: DecisionKind,
    /// Recipe: kernel width of the parzen decision, in cosine distance (unused with --decision class-mean).
    #[arg(long, value_name = "W", default_value_t = Decision::PARZEN_WIDTH, value_parser = positive_width)]
    pub parzen_width: f32,
    /// Recipe: ridge of the LDA's within-class scatter (relative to its mean diagonal).
    #[arg(long, default_value_t = 1e-6)]
    pub lda_reg: f64,
    /// Recipe and Fisherfaces: fit the LDA as scikit-learn's solver='svd' (rank cut-off at this tol, e.g. 1e-4) instead of the ridge.
    #[arg(long, value_name = "TOL")]
    pub lda_svd_tol: Option<f64>,
    /// Recipe: do not add the mirror image of each training face to the map's training set.
    #[arg(long)]
    pub no_augment_flip: bool,
    /// Recipe: add copies of each training face shifted by 1..=N pixels up, down, left and right (0: none).
    #[arg(long, value_name = "N", default_value_t = Recipe::default().augment.shift)]
    pub augment_shift: usize,
    /// Recipe: add copies of each training face turned by +DEG and −DEG degrees (0: none).
    #[arg(long, value_name = "DEG", default_value_t = Recipe::default().augment.turn)]
    pub augment_turn: u8,
    /// Recipe: add copies of each training face scaled by 1 ± PCT/100 about the centre (0: none).
    #[arg(long, value_name = "PCT", default_value_t = Recipe::default().augment.zoom)]
    pub augment_zoom: u8,
    /// Recipe: add the distances to the classes of N NMF bases (fits with seeds seed, seed + 1, …).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub ensemble: usize,
    /// Skip the PCA baselines.
    #[arg(long)]
    pub no_pca: bool,
    /// Show progress bars.
    #[arg(long)]
    pub progress: bool,
}

impl CommonArgs {
    /// Loads the dataset.
    pub fn load(&self) -> Result<Dataset> {
        Ok(self.source.load()?.0)
    }

    /// The evaluation's settings for `k` components.
    pub fn config(&self, k: usize) -> EvalConfig {
        EvalConfig {
            nmf: NmfParams {
                n_components: k,
                solver: self.solver,
                init: self.init.map(Init::from),
                max_iter: self.max_iter,
                tol: self.tol,
                extrapolate: !self.no_extrapolate,
                sketch: self.sketch.map(|r| r.rank(k)),
                seed: self.seed as u64,
                progress: self.progress,
                ..NmfParams::default()
            },
            knn_k: self.k,
            metric: self.metric,
            transform_rule: StopRule::new(self.transform_sweeps, self.transform_tol),
            sketches: None,
            side_by_side: false,
            recipe: (!self.no_recipe).then_some(Recipe {
                power: if self.no_sqrt { 1.0 } else { self.code_power },
                l2: !self.no_l2,
                metric: self.recipe_metric,
                decision: match self.decision {
                    DecisionKind::ClassMean => Decision::ClassMean,
                    DecisionKind::Parzen => Decision::Parzen {
                        width: self.parzen_width,
                    },
                },
                lda_reg: self.lda_reg,
                lda_svd_tol: self.lda_svd_tol,
                augment: crate::learn::augment::Augment {
                    flip: !self.no_augment_flip,
                    shift: self.augment_shift,
                    turn: self.augment_turn,
                    zoom: self.augment_zoom,
                },
                ensemble: self.ensemble,
            }),
            inductive: self.protocol != Protocol::Transductive,
            transductive: self.protocol != Protocol::Inductive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Decision, SketchRank};

    #[test]
    fn sketch_rank_is_fixed_or_a_rounded_up_multiple_of_k() {
        let r = |s: &str, k| s.parse::<SketchRank>().map(|r| r.rank(k));
        assert_eq!(r("220", 110), Ok(220));
        assert_eq!(r("220", 10), Ok(220));
        assert_eq!(r("2k", 110), Ok(220));
        assert_eq!(r("1.5k", 7), Ok(11));
        assert_eq!(r("1k", 40), Ok(40));
        for bad in ["0.9k", "k", "-2k", "NaNk", "infk", "2.5", ""] {
            assert!(r(bad, 10).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn code_power_is_finite_and_positive() {
        assert_eq!(super::positive_power("0.7"), Ok(0.7));
        assert_eq!(super::positive_power("1"), Ok(1.0));
        for bad in ["0", "-0.5", "NaN", "inf", "x"] {
            assert!(super::positive_power(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn parzen_width_is_finite_and_positive() {
        assert_eq!(super::positive_width("0.05"), Ok(0.05));
        assert_eq!(Decision::PARZEN_WIDTH, 0.05);
        for bad in ["0", "-0.1", "NaN", "inf", ""] {
            assert!(super::positive_width(bad).is_err(), "{bad} accepted");
        }
    }
}
