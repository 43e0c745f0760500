//! Reading OpenCV's Haar cascade XML (`haarcascade_frontalface_alt2.xml` of
//! Debian's `opencv-data` package, `/usr/share/opencv4/haarcascades/`;
//! BSD-3-Clause / Apache-2.0 for the package, the file's own header the
//! Intel open-source licence (BSD-like); see
//! `/usr/share/doc/opencv-data/copyright`) into the core's integer cascade.
//!
//! Leaves and stage thresholds become `round(value · LEAF_SCALE)`, node
//! thresholds `round(value · NODE_SCALE)`; rectangle weights must be whole
//! numbers (they are in OpenCV's upright cascades); tilted features are refused.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use facenmf_core::locate::cascade::LEAF_SCALE;
use facenmf_core::locate::haar::NODE_SCALE;
use facenmf_core::locate::{HaarCascade, HaarFeature, HaarNode, HaarRect, HaarStage, HaarWeak};

/// Where Debian's `opencv-data` puts the frontal-face Haar cascade `alt2`.
pub const DEFAULT_HAAR: &str = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";

/// A Haar cascade owned by the host (the core borrows it), with the file's
/// float values for the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedHaar {
    /// Window width.
    pub width: usize,
    /// Window height.
    pub height: usize,
    /// Features.
    pub features: Vec<HaarFeature>,
    /// Tree nodes.
    pub nodes: Vec<HaarNode>,
    /// Leaves (Q16).
    pub leaves: Vec<i32>,
    /// Trees.
    pub weaks: Vec<HaarWeak>,
    /// Stages.
    pub stages: Vec<HaarStage>,
    /// Node thresholds as in the file.
    pub float_nodes: Vec<f64>,
    /// Leaves as in the file.
    pub float_leaves: Vec<f64>,
    /// Stage thresholds as in the file.
    pub float_stages: Vec<f64>,
}

impl OwnedHaar {
    /// The core's validated view.
    pub fn view(&self) -> Result<HaarCascade<'_>> {
        HaarCascade::new_checked(
            self.width,
            self.height,
            &self.features,
            &self.nodes,
            &self.leaves,
            &self.weaks,
            &self.stages,
        )
        .map_err(|e| anyhow!("Haar cascade: {e}"))
    }
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Result<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .ok_or_else(|| anyhow!("<{}> has no <{name}>", n.tag_name().name()))
}

fn numbers(n: roxmltree::Node<'_, '_>) -> Result<Vec<f64>> {
    n.text()
        .unwrap_or("")
        .split_whitespace()
        .map(|t| {
            t.parse::<f64>()
                .map_err(|_| anyhow!("<{}>: `{t}` is not a number", n.tag_name().name()))
        })
        .collect()
}

fn items<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name("_"))
}

fn fixed(v: f64, scale: f64, what: &str) -> Result<i32> {
    let q = (v * scale).round();
    if !q.is_finite() || q.abs() > f64::from(i32::MAX) {
        bail!("{what} {v} is out of range");
    }
    Ok(q as i32)
}

fn small(v: f64, what: &str) -> Result<i8> {
    if v.fract() != 0.0 || !(-128.0..=127.0).contains(&v) {
        bail!("{what} {v} is not a whole number in -128..=127");
    }
    Ok(v as i8)
}

/// Parses an OpenCV Haar cascade (the "new" `opencv-cascade-classifier` format).
pub fn parse(text: &str) -> Result<OwnedHaar> {
    let doc = roxmltree::Document::parse(text).context("not XML")?;
    let cascade = doc
        .descendants()
        .find(|n| n.has_tag_name("cascade"))
        .ok_or_else(|| anyhow!("no <cascade> element (not an OpenCV cascade file)"))?;
    let kind = child(cascade, "featureType")?.text().unwrap_or("").trim();
    if kind != "HAAR" {
        bail!("feature type `{kind}`: a Haar cascade is needed here");
    }
    let side = |name: &str| -> Result<usize> {
        let v = numbers(child(cascade, name)?)?;
        match v.first() {
            Some(&s) if s.fract() == 0.0 && (1.0..=255.0).contains(&s) => Ok(s as usize),
            _ => bail!("<{name}> is not a window side"),
        }
    };
    let (width, height) = (side("width")?, side("height")?);
    let mut features = Vec::new();
    for f in items(child(cascade, "features")?) {
        let i = features.len();
        if let Some(t) = f.children().find(|c| c.has_tag_name("tilted")) {
            if t.text().unwrap_or("0").trim() != "0" {
                bail!("feature {i} is tilted: only upright features are supported");
            }
        }
        let mut feature = HaarFeature::default();
        let rects: Vec<_> = items(child(f, "rects")?).collect();
        if rects.is_empty() || rects.len() > 3 {
            bail!("feature {i} has {} rectangles, not 1..=3", rects.len());
        }
        for (k, r) in rects.iter().enumerate() {
            let v = numbers(*r)?;
            let ok = v.len() == 5
                && v[..4]
                    .iter()
                    .all(|&c| c.fract() == 0.0 && (0.0..=255.0).contains(&c));
            if !ok {
                bail!("feature {i}: rectangle {v:?} is not x y w h weight");
            }
            feature.rects[k] = HaarRect {
                x: v[0] as u8,
                y: v[1] as u8,
                w: v[2] as u8,
                h: v[3] as u8,
                weight: small(v[4], &format!("feature {i}: weight"))?,
            };
        }
        features.push(feature);
    }
    let mut out = OwnedHaar {
        width,
        height,
        features,
        nodes: Vec::new(),
        leaves: Vec::new(),
        weaks: Vec::new(),
        stages: Vec::new(),
        float_nodes: Vec::new(),
        float_leaves: Vec::new(),
        float_stages: Vec::new(),
    };
    for (si, s) in items(child(cascade, "stages")?).enumerate() {
        let threshold = numbers(child(s, "stageThreshold")?)?
            .first()
            .copied()
            .ok_or_else(|| anyhow!("stage {si}: empty <stageThreshold>"))?;
        let first = out.weaks.len();
        for w in items(child(s, "weakClassifiers")?) {
            let nodes = numbers(child(w, "internalNodes")?)?;
            let leaves = numbers(child(w, "leafValues")?)?;
            if nodes.is_empty() || nodes.len() % 4 != 0 || leaves.is_empty() {
                bail!("stage {si}: a tree's nodes are not groups of 4 or it has no leaf");
            }
            let weak = HaarWeak {
                node: u16::try_from(out.nodes.len())?,
                nodes: u8::try_from(nodes.len() / 4)
                    .map_err(|_| anyhow!("stage {si}: a tree has too many nodes"))?,
                leaf: u16::try_from(out.leaves.len())?,
                leaves: u8::try_from(leaves.len())
                    .map_err(|_| anyhow!("stage {si}: a tree has too many leaves"))?,
            };
            for n in nodes.chunks(4) {
                let feature = n[2];
                if feature.fract() != 0.0 || !(0.0..=65535.0).contains(&feature) {
                    bail!("stage {si}: feature index {feature}");
                }
                out.nodes.push(HaarNode {
                    feature: feature as u16,
                    threshold: fixed(n[3], NODE_SCALE, "node threshold")?,
                    left: small(n[0], "node child")?,
                    right: small(n[1], "node child")?,
                });
                out.float_nodes.push(n[3]);
            }
            for &l in &leaves {
                out.leaves.push(fixed(l, LEAF_SCALE, "leaf")?);
                out.float_leaves.push(l);
            }
            out.weaks.push(weak);
        }
        out.stages.push(HaarStage {
            first: u16::try_from(first)?,
            count: u16::try_from(out.weaks.len() - first)?,
            threshold: fixed(threshold, LEAF_SCALE, "stage threshold")?,
        });
        out.float_stages.push(threshold);
    }
    out.view()?;
    Ok(out)
}

/// Reads and parses a Haar cascade file; errors name the file.
pub fn load(path: &Path) -> Result<OwnedHaar> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read Haar cascade {} (Debian/Ubuntu: `apt-get install opencv-data`)",
            path.display()
        )
    })?;
    parse(&text).with_context(|| format!("Haar cascade {}", path.display()))
}
