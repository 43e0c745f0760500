//! Nearest-neighbour classification against a gallery of templates.
//!
//! A template is `(label, vector)`: one enrolled face, or a person's mean
//! (nearest class mean). Templates come from two places that work together:
//! a `const` slice in flash (exported by the trainer) and up to `N` templates
//! enrolled at run time in `heapless` storage.
//!
//! # Decision
//! [`Gallery::classify`] ranks every live template by its distance to the
//! query; ties keep gallery order (flash templates first, then enrolled ones
//! in the order they came). Among the `k` nearest, the label with the most
//! votes wins; a tie in votes goes to the label whose nearest template ranks
//! first. The decision's distance is that of the winner's nearest template;
//! its score is that distance, or the distance normalised against impostors
//! by the gallery's [`Rule`] (see [`crate::decision`]), and the answer is
//! [`Identity::Unknown`] when the score is above the threshold.
//!
//! Cost: N·M multiply-adds for squared L2, 2·N·M and N square roots for
//! cosine (template norms are not stored).

use crate::decision::Rule;
use crate::error::GalleryError;
use crate::math;

/// Most neighbours `k` a vote may use.
pub const MAX_NEIGHBOURS: usize = 16;

/// Most distinct flash labels [`Gallery::remove`] can hide.
pub const MAX_REMOVED: usize = 16;

/// A template: the person's label and a vector in the comparison space.
pub type Template<const M: usize> = (u16, [f32; M]);

/// How two vectors are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Metric {
    /// `Σ (a_i − b_i)²`.
    SquaredL2,
    /// `1 − a·b / (‖a‖ ‖b‖)`, in `[0, 2]`; 1 when either vector is zero.
    Cosine,
}

impl Metric {
    /// The distance between `a` and `b` (same length), summed left to right.
    #[inline]
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Self::SquaredL2 => {
                let mut s = 0.0f32;
                for (x, y) in a.iter().zip(b) {
                    let d = x - y;
                    s += d * d;
                }
                s
            }
            Self::Cosine => cosine_distance(a, math::norm(a), b),
        }
    }

    /// [`Metric::distance`] of `query` and `b` given `query_norm`, the L2
    /// norm of `query` (used by the cosine metric only): the same bits.
    #[inline]
    pub fn distance_with_norm(self, query: &[f32], query_norm: f32, b: &[f32]) -> f32 {
        match self {
            Self::SquaredL2 => self.distance(query, b),
            Self::Cosine => cosine_distance(query, query_norm, b),
        }
    }
}

/// `1 − a·b / (‖a‖ ‖b‖)` given `‖a‖`; `a·b` and `b·b` are summed left to
/// right in one pass over `b` (bit-identical to two calls of `dot`).
#[inline]
fn cosine_distance(a: &[f32], a_norm: f32, b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (mut ab, mut bb) = (0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        bb += y * y;
    }
    let n = a_norm * math::sqrt(bb);
    if n > 0.0 {
        1.0 - ab / n
    } else {
        1.0
    }
}

/// Who the query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Identity {
    /// A person of the gallery.
    Known(u16),
    /// Nobody close enough.
    Unknown,
}

/// The answer of [`Gallery::classify`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Decision {
    /// The answer after the threshold.
    pub identity: Identity,
    /// The winning label before the threshold (for open-set evaluation).
    pub label: u16,
    /// Distance to the winner's nearest template.
    pub distance: f32,
    /// What the threshold was compared with: the distance, or the distance
    /// normalised by the gallery's [`Rule`].
    pub score: f32,
    /// Votes for the winner among the `k` nearest.
    pub votes: u8,
}

/// A template refused by [`Gallery::enroll`], handed back with the reason.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rejected<const M: usize> {
    /// The template, unchanged.
    pub template: Template<M>,
    /// Why: [`GalleryError::Full`] or [`GalleryError::NotFinite`].
    pub reason: GalleryError,
}

/// Templates of M values: a flash slice plus room for `N` enrolled at run time.
#[derive(Debug, Clone)]
pub struct Gallery<'a, const M: usize, const N: usize> {
    fixed: &'a [Template<M>],
    enrolled: heapless::Vec<Template<M>, N>,
    removed: heapless::Vec<u16, MAX_REMOVED>,
    threshold: f32,
    rule: Rule<'a>,
}

impl<const M: usize, const N: usize> Default for Gallery<'_, M, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, const M: usize, const N: usize> Gallery<'a, M, N> {
    /// An empty gallery that never answers `Unknown`.
    pub const fn new() -> Self {
        Self {
            fixed: &[],
            enrolled: heapless::Vec::new(),
            removed: heapless::Vec::new(),
            threshold: f32::INFINITY,
            rule: Rule::DISTANCE,
        }
    }

    /// A gallery over flash templates, checked once to be finite.
    pub fn new_checked(fixed: &'a [Template<M>]) -> Result<Self, GalleryError> {
        for (_, v) in fixed {
            check_finite(v)?;
        }
        Ok(Self {
            fixed,
            ..Self::new()
        })
    }

    /// Sets the "unknown" threshold: a winner farther than `threshold` is
    /// [`Identity::Unknown`]. `f32::INFINITY` (the default) never is; NaN is
    /// taken as infinity.
    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = if threshold.is_nan() {
            f32::INFINITY
        } else {
            threshold
        };
    }

    /// The "unknown" threshold.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Sets what the threshold is compared with ([`Rule::DISTANCE`], the
    /// default, or a normalised score with its cohort).
    pub fn set_rule(&mut self, rule: Rule<'a>) {
        self.rule = rule;
    }

    /// What the threshold is compared with.
    pub fn rule(&self) -> &Rule<'a> {
        &self.rule
    }

    /// Live templates (flash ones not removed, plus enrolled ones).
    pub fn len(&self) -> usize {
        self.templates().count()
    }

    /// True when no template is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Room left for enrolled templates.
    pub fn free(&self) -> usize {
        N - self.enrolled.len()
    }

    /// Adds a template; hands it back when the gallery is full or the vector
    /// is not finite. Never panics.
    pub fn enroll(&mut self, label: u16, vector: [f32; M]) -> Result<(), Rejected<M>> {
        if let Err(reason) = check_finite(&vector) {
            return Err(Rejected {
                template: (label, vector),
                reason,
            });
        }
        self.enrolled
            .push((label, vector))
            .map_err(|template| Rejected {
                template,
                reason: GalleryError::Full,
            })
    }

    /// Removes every template of `label`: enrolled ones are dropped, flash
    /// ones hidden. Returns how many templates went.
    pub fn remove(&mut self, label: u16) -> Result<usize, GalleryError> {
        let before = self.len();
        let in_flash = self.fixed.iter().any(|(l, _)| *l == label);
        if in_flash && !self.removed.contains(&label) {
            self.removed
                .push(label)
                .map_err(|_| GalleryError::TooManyRemovals)?;
        }
        self.enrolled.retain(|(l, _)| *l != label);
        Ok(before - self.len())
    }

    /// Live templates in gallery order.
    pub fn templates(&self) -> impl Iterator<Item = &Template<M>> + '_ {
        self.fixed
            .iter()
            .filter(|(l, _)| !self.removed.contains(l))
            .chain(self.enrolled.iter())
    }

    /// Classifies `query` by its `k` nearest templates (see the module docs).
    pub fn classify(
        &self,
        query: &[f32; M],
        k: usize,
        metric: Metric,
    ) -> Result<Decision, GalleryError> {
        classify_with(
            self.templates().map(|(l, v)| (*l, v.as_slice())),
            query,
            k,
            metric,
            &self.rule,
            self.threshold,
        )
    }
}

/// The decision of [`Gallery::classify`] over any templates of `query`'s
/// length, in the order given (the host runs the chip's vote through this).
/// Each template must be as long as `query`, and finite (the caller's
/// promise, which [`Gallery`] keeps; a shorter one is compared on the common
/// prefix).
pub fn classify<'t>(
    templates: impl IntoIterator<Item = (u16, &'t [f32])>,
    query: &[f32],
    k: usize,
    metric: Metric,
    threshold: f32,
) -> Result<Decision, GalleryError> {
    classify_with(templates, query, k, metric, &Rule::DISTANCE, threshold)
}

/// [`classify`] with the threshold compared with the score of `rule`
/// (the cohort vectors of `rule` must be as long as `query`).
pub fn classify_with<'t>(
    templates: impl IntoIterator<Item = (u16, &'t [f32])>,
    query: &[f32],
    k: usize,
    metric: Metric,
    rule: &Rule<'_>,
    threshold: f32,
) -> Result<Decision, GalleryError> {
    if k == 0 || k > MAX_NEIGHBOURS {
        return Err(GalleryError::BadK { k });
    }
    check_finite(query)?;
    let mut nearest = Nearest::new(k);
    let mut two = TwoPeople::default();
    // The query's norm once, not once a template: the same distances.
    let query_norm = math::norm(query);
    for (label, v) in templates {
        let distance = metric.distance_with_norm(query, query_norm, v);
        nearest.offer(distance, label, v);
        two.offer(distance, label);
    }
    let (label, distance, votes, winner) = nearest.vote().ok_or(GalleryError::Empty)?;
    let score = rule.apply(
        distance,
        two.runner_up(label),
        (query, query_norm),
        winner,
        metric,
    );
    let identity = if score <= threshold {
        Identity::Known(label)
    } else {
        Identity::Unknown
    };
    Ok(Decision {
        identity,
        label,
        distance,
        score,
        votes,
    })
}

/// The nearest template and the nearest one of another person, in one
/// pass over the templates.
#[derive(Default)]
struct TwoPeople {
    first: Option<(f32, u16)>,
    second: Option<f32>,
}

impl TwoPeople {
    fn offer(&mut self, distance: f32, label: u16) {
        match self.first {
            None => self.first = Some((distance, label)),
            Some((d, l)) if distance < d => {
                if l != label {
                    self.second = Some(d);
                }
                self.first = Some((distance, label));
            }
            Some((_, l)) => {
                if l != label && self.second.is_none_or(|s| distance < s) {
                    self.second = Some(distance);
                }
            }
        }
    }

    /// The distance of the nearest template whose label is not `winner`.
    fn runner_up(&self, winner: u16) -> Option<f32> {
        match self.first {
            Some((d, l)) if l != winner => Some(d),
            _ => self.second,
        }
    }
}

fn check_finite(v: &[f32]) -> Result<(), GalleryError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(GalleryError::NotFinite { index }),
        None => Ok(()),
    }
}

/// The `k` nearest (distance, label, vector) seen so far, sorted by
/// distance; among equal distances the one offered first stays first.
struct Nearest<'t> {
    items: [(f32, u16, &'t [f32]); MAX_NEIGHBOURS],
    len: usize,
    k: usize,
}

impl<'t> Nearest<'t> {
    fn new(k: usize) -> Self {
        Self {
            items: [(0.0, 0, &[]); MAX_NEIGHBOURS],
            len: 0,
            k,
        }
    }

    fn offer(&mut self, distance: f32, label: u16, vector: &'t [f32]) {
        if self.len == self.k && distance >= self.items[self.len - 1].0 {
            return;
        }
        // Insert after every entry not farther than `distance` (stable).
        let mut at = self.len.min(self.k - 1);
        while at > 0 && self.items[at - 1].0 > distance {
            self.items[at] = self.items[at - 1];
            at -= 1;
        }
        self.items[at] = (distance, label, vector);
        self.len = (self.len + 1).min(self.k);
    }

    /// (label, distance of its nearest, votes, its nearest template) of the
    /// winner.
    fn vote(&self) -> Option<(u16, f32, u8, &'t [f32])> {
        let items = &self.items[..self.len];
        let mut best: Option<(u16, f32, u8, &'t [f32])> = None;
        for (i, &(d, label, vector)) in items.iter().enumerate() {
            if items[..i].iter().any(|&(_, l, _)| l == label) {
                continue; // counted at its nearest position
            }
            let votes = items.iter().filter(|&&(_, l, _)| l == label).count() as u8;
            // Earlier positions win ties, so only strictly more votes replace.
            if best.is_none_or(|(_, _, v, _)| votes > v) {
                best = Some((label, d, votes, vector));
            }
        }
        best
    }
}
