//! A boosted cascade of Haar-like features with small decision trees, the
//! model format of OpenCV's `haarcascade_*.xml` (upright features only),
//! evaluated in integers over an integral and a squared integral table.
//!
//! A feature is up to three weighted rectangles of the window; its value is
//! `v = Σ weight · rectangle sum` (integer weights, as OpenCV's upright
//! cascades have). OpenCV normalises it by the window's spread
//! `nf = sqrt(A · Σp² − (Σp)²)` over the window shrunk by one pixel on every
//! side (`A` its area; `nf = 1` when that is not positive) and a tree node
//! goes left when `v / nf < threshold`. Here the test is
//! `v · 2³² < threshold_q28 · nf16` with `threshold_q28 = round(threshold · 2²⁸)`
//! and `nf16 = floor(sqrt(16² · (A · Σp² − (Σp)²)))` (16 when not positive),
//! exact in `i64`, so host and chip decide alike bit for bit.
//!
//! A node's `left` / `right` above 0 name another node of the same tree
//! (always a later one), 0 or below the leaf `-left` / `-right` (OpenCV's
//! convention). A stage sums its trees' leaves (Q16, [`super::cascade::LEAF_SCALE`])
//! and passes the window when the sum is at least its threshold.

use super::error::LocateError;
use super::integral::rect_sum;
use super::MAX_WINDOW;

/// Fixed-point scale of node thresholds: `round(value · NODE_SCALE)`.
pub const NODE_SCALE: f64 = 268_435_456.0;

/// One weighted rectangle of a feature; weight 0 marks an unused slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HaarRect {
    /// First column in the window.
    pub x: u8,
    /// First row in the window.
    pub y: u8,
    /// Width.
    pub w: u8,
    /// Height.
    pub h: u8,
    /// Integer weight.
    pub weight: i8,
}

/// A Haar-like feature: up to three weighted rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HaarFeature {
    /// The rectangles; unused ones have weight 0.
    pub rects: [HaarRect; 3],
}

/// A tree node: feature, threshold and where each side goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HaarNode {
    /// Index into the cascade's features.
    pub feature: u16,
    /// Threshold on the normalised value, Q28 ([`NODE_SCALE`]).
    pub threshold: i32,
    /// Below the threshold: a later node of the tree (> 0) or leaf `-left`.
    pub left: i8,
    /// At or above: a later node of the tree (> 0) or leaf `-right`.
    pub right: i8,
}

/// A tree: `nodes` nodes from `node`, `leaves` leaves from `leaf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HaarWeak {
    /// First node.
    pub node: u16,
    /// Nodes.
    pub nodes: u8,
    /// First leaf.
    pub leaf: u16,
    /// Leaves.
    pub leaves: u8,
}

/// One stage: trees `first..first + count` and the pass threshold (Q16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HaarStage {
    /// First tree.
    pub first: u16,
    /// Trees.
    pub count: u16,
    /// The window passes when the sum is at least this.
    pub threshold: i32,
}

/// A validated Haar cascade over borrowed (typically `const`) tables.
#[derive(Debug, Clone, Copy)]
pub struct HaarCascade<'a> {
    width: usize,
    height: usize,
    features: &'a [HaarFeature],
    nodes: &'a [HaarNode],
    leaves: &'a [i32],
    weaks: &'a [HaarWeak],
    stages: &'a [HaarStage],
}

/// The window's spread for the node test: `floor(16 · sqrt(d))`, 16 when
/// `d <= 0` (see the module's note).
pub fn spread16(d: i64) -> i64 {
    if d <= 0 {
        return 16;
    }
    isqrt((d as u64) << 8) as i64
}

/// `floor(sqrt(v))`, digit by digit.
pub fn isqrt(v: u64) -> u64 {
    let (mut rem, mut root) = (v, 0u64);
    let mut bit = 1u64 << 62;
    while bit > rem {
        bit >>= 2;
    }
    while bit != 0 {
        if rem >= root + bit {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    root
}

impl<'a> HaarCascade<'a> {
    /// Checks the window (3..=[`MAX_WINDOW`] a side), that every rectangle
    /// fits the window, every index is in range, every tree ends (children
    /// are later nodes) and no stage's sum can overflow `i32`.
    pub fn new_checked(
        width: usize,
        height: usize,
        features: &'a [HaarFeature],
        nodes: &'a [HaarNode],
        leaves: &'a [i32],
        weaks: &'a [HaarWeak],
        stages: &'a [HaarStage],
    ) -> Result<Self, LocateError> {
        if !(3..=MAX_WINDOW).contains(&width) || !(3..=MAX_WINDOW).contains(&height) {
            return Err(LocateError::Window);
        }
        for (i, f) in features.iter().enumerate() {
            let fits = f.rects.iter().all(|r| {
                r.weight == 0
                    || (r.w > 0
                        && r.h > 0
                        && usize::from(r.x) + usize::from(r.w) <= width
                        && usize::from(r.y) + usize::from(r.h) <= height)
            });
            if !fits || f.rects[0].weight == 0 {
                return Err(LocateError::FeatureOutsideWindow { feature: i });
            }
        }
        for (i, w) in weaks.iter().enumerate() {
            let (n0, nn) = (usize::from(w.node), usize::from(w.nodes));
            let (l0, nl) = (usize::from(w.leaf), usize::from(w.leaves));
            if nn == 0 || n0 + nn > nodes.len() || nl == 0 || l0 + nl > leaves.len() {
                return Err(LocateError::Tree { weak: i });
            }
            for (k, n) in nodes[n0..n0 + nn].iter().enumerate() {
                if usize::from(n.feature) >= features.len() {
                    return Err(LocateError::FeatureIndex { weak: i });
                }
                let ok = |c: i8| {
                    if c > 0 {
                        (c as usize) > k && (c as usize) < nn
                    } else {
                        (c.unsigned_abs() as usize) < nl
                    }
                };
                if !ok(n.left) || !ok(n.right) {
                    return Err(LocateError::Tree { weak: i });
                }
            }
        }
        super::cascade::check_stages(
            stages.iter().map(|s| (s.first, s.count, s.threshold)),
            weaks.len(),
            |j| {
                let (l0, nl) = (usize::from(weaks[j].leaf), usize::from(weaks[j].leaves));
                leaves[l0..l0 + nl]
                    .iter()
                    .map(|&l| i64::from(l).abs())
                    .max()
                    .unwrap_or(0)
            },
        )?;
        Ok(Self {
            width,
            height,
            features,
            nodes,
            leaves,
            weaks,
            stages,
        })
    }

    /// Window width.
    pub const fn width(&self) -> usize {
        self.width
    }

    /// Window height.
    pub const fn height(&self) -> usize {
        self.height
    }

    /// The stages.
    pub const fn stages(&self) -> &'a [HaarStage] {
        self.stages
    }

    /// The features.
    pub const fn features(&self) -> &'a [HaarFeature] {
        self.features
    }

    /// The nodes.
    pub const fn nodes(&self) -> &'a [HaarNode] {
        self.nodes
    }

    /// The leaves (Q16).
    pub const fn leaves(&self) -> &'a [i32] {
        self.leaves
    }

    /// The trees.
    pub const fn weaks(&self) -> &'a [HaarWeak] {
        self.weaks
    }

    /// The spread `nf16` of the window at `(x, y)` (see the module's note)
    /// from the integral `sum` and squared integral `sq` of row stride `stride`.
    pub fn spread(&self, sum: &[u32], sq: &[u32], stride: usize, x: usize, y: usize) -> i64 {
        let (w, h) = (self.width - 2, self.height - 2);
        let s = i64::from(rect_sum(sum, stride, x + 1, y + 1, w, h));
        let q = i64::from(rect_sum(sq, stride, x + 1, y + 1, w, h));
        spread16((w * h) as i64 * q - s * s)
    }

    /// The integer value `Σ weight · rectangle sum` of feature `f` in the
    /// window at `(x, y)`.
    #[inline]
    pub fn value(&self, sum: &[u32], stride: usize, x: usize, y: usize, f: &HaarFeature) -> i64 {
        let mut v = 0i64;
        for r in &f.rects {
            if r.weight != 0 {
                let s = rect_sum(
                    sum,
                    stride,
                    x + usize::from(r.x),
                    y + usize::from(r.y),
                    usize::from(r.w),
                    usize::from(r.h),
                );
                v += i64::from(r.weight) * i64::from(s);
            }
        }
        v
    }

    /// Runs the cascade on the window whose top-left corner is `(x, y)` of
    /// the integral `sum` and squared integral `sq` (row stride `stride`).
    /// `Ok(sum)` (the last stage's sum) when it passes every stage,
    /// `Err(stage)` with the stage that rejected it. `trees` counts the
    /// trees evaluated. The caller keeps the window inside the tables' image.
    pub fn evaluate(
        &self,
        sum: &[u32],
        sq: &[u32],
        stride: usize,
        x: usize,
        y: usize,
        trees: &mut u32,
    ) -> Result<i32, usize> {
        let nf = self.spread(sum, sq, stride, x, y);
        let mut total = 0;
        for (si, stage) in self.stages.iter().enumerate() {
            total = 0i32;
            let first = usize::from(stage.first);
            for weak in &self.weaks[first..first + usize::from(stage.count)] {
                let nodes = &self.nodes[usize::from(weak.node)..][..usize::from(weak.nodes)];
                let leaves = &self.leaves[usize::from(weak.leaf)..][..usize::from(weak.leaves)];
                let mut k = 0usize;
                let leaf = loop {
                    let n = nodes[k];
                    let f = &self.features[usize::from(n.feature)];
                    let v = self.value(sum, stride, x, y, f);
                    let next = if (v << 32) < i64::from(n.threshold) * nf {
                        n.left
                    } else {
                        n.right
                    };
                    if next > 0 {
                        k = next as usize;
                    } else {
                        break next.unsigned_abs() as usize;
                    }
                };
                total += leaves[leaf];
            }
            *trees += u32::from(stage.count);
            if total < stage.threshold {
                return Err(si);
            }
        }
        Ok(total)
    }
}
