//! Reading OpenCV's LBP cascade XML (`lbpcascade_frontalface.xml` of Debian's
//! `opencv-data` package, `/usr/share/opencv4/lbpcascades/`; BSD-3-Clause /
//! Apache-2.0, see `/usr/share/doc/opencv-data/copyright`) into the core's
//! integer cascade.
//!
//! Leaves and stage thresholds become `round(value · LEAF_SCALE)`; the
//! 8 subset words are OpenCV's signed 32-bit integers taken bit for bit.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use facenmf_core::locate::cascade::{decisions, LEAF_SCALE};
use facenmf_core::locate::{LbpCascade, LbpFeature, LbpStage, LbpWeak};

/// Where Debian's `opencv-data` puts the frontal-face LBP cascade.
pub const DEFAULT_CASCADE: &str = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml";

/// A cascade owned by the host (the core borrows it).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedCascade {
    /// Window width.
    pub width: usize,
    /// Window height.
    pub height: usize,
    /// Features.
    pub features: Vec<LbpFeature>,
    /// Weak classifiers.
    pub weaks: Vec<LbpWeak>,
    /// Stages.
    pub stages: Vec<LbpStage>,
    /// The float leaves `[l0, l1]` and thresholds as in the file, for the reference.
    pub float_leaves: Vec<[f64; 2]>,
    /// The float stage thresholds as in the file.
    pub float_thresholds: Vec<f64>,
}

impl OwnedCascade {
    /// The core's validated view.
    pub fn view(&self) -> Result<LbpCascade<'_>> {
        LbpCascade::new_checked(
            self.width,
            self.height,
            &self.features,
            &self.weaks,
            &self.stages,
        )
        .map_err(|e| anyhow!("cascade: {e}"))
    }
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Result<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .ok_or_else(|| anyhow!("<{}> has no <{name}>", n.tag_name().name()))
}

fn numbers<T: std::str::FromStr>(n: roxmltree::Node<'_, '_>) -> Result<Vec<T>> {
    n.text()
        .unwrap_or("")
        .split_whitespace()
        .map(|t| {
            t.parse::<T>()
                .map_err(|_| anyhow!("<{}>: `{t}` is not a number", n.tag_name().name()))
        })
        .collect()
}

fn number<T: std::str::FromStr>(n: roxmltree::Node<'_, '_>, name: &str) -> Result<T> {
    numbers::<T>(child(n, name)?)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("<{name}> is empty"))
}

fn items<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name("_"))
}

fn fixed(v: f64, what: &str) -> Result<i32> {
    let q = (v * LEAF_SCALE).round();
    if !q.is_finite() || q.abs() > f64::from(i32::MAX) {
        bail!("{what} {v} is out of range");
    }
    Ok(q as i32)
}

/// Parses an OpenCV LBP cascade (the "new" `opencv-cascade-classifier` format, stumps only).
pub fn parse(text: &str) -> Result<OwnedCascade> {
    let doc = roxmltree::Document::parse(text).context("not XML")?;
    let cascade = doc
        .descendants()
        .find(|n| n.has_tag_name("cascade"))
        .ok_or_else(|| anyhow!("no <cascade> element (not an OpenCV cascade file)"))?;
    let kind = child(cascade, "featureType")?.text().unwrap_or("").trim();
    if kind != "LBP" {
        bail!("feature type `{kind}`: only LBP cascades are supported");
    }
    let width: usize = number(cascade, "width")?;
    let height: usize = number(cascade, "height")?;
    let mut features = Vec::new();
    for f in items(child(cascade, "features")?) {
        let r: Vec<i64> = numbers(child(f, "rect")?)?;
        let ok = r.len() == 4 && r.iter().all(|&v| (0..=255).contains(&v));
        if !ok {
            bail!(
                "feature {}: rect {r:?} is not 4 numbers in 0..=255",
                features.len()
            );
        }
        features.push(LbpFeature {
            x: r[0] as u8,
            y: r[1] as u8,
            w: r[2] as u8,
            h: r[3] as u8,
        });
    }
    let (mut weaks, mut stages) = (Vec::new(), Vec::new());
    let (mut float_leaves, mut float_thresholds) = (Vec::new(), Vec::new());
    for (si, s) in items(child(cascade, "stages")?).enumerate() {
        let threshold: f64 = number(s, "stageThreshold")?;
        let first = weaks.len();
        for w in items(child(s, "weakClassifiers")?) {
            let nodes: Vec<i64> = numbers(child(w, "internalNodes")?)?;
            let leaves: Vec<f64> = numbers(child(w, "leafValues")?)?;
            if nodes.len() != 11 || leaves.len() != 2 || nodes[0] != 0 || nodes[1] != -1 {
                bail!("stage {si}: a weak classifier is not a stump on an LBP feature (depth 1)");
            }
            let feature = u16::try_from(nodes[2])
                .map_err(|_| anyhow!("stage {si}: feature index {}", nodes[2]))?;
            let mut subset = [0u32; 8];
            for (k, v) in nodes[3..].iter().enumerate() {
                subset[k] =
                    i32::try_from(*v).map_err(|_| anyhow!("stage {si}: subset word {v}"))? as u32;
            }
            weaks.push(LbpWeak {
                feature,
                subset,
                leaves: [fixed(leaves[0], "leaf")?, fixed(leaves[1], "leaf")?],
                decide: [0; 2],
            });
            float_leaves.push([leaves[0], leaves[1]]);
        }
        stages.push(LbpStage {
            first: u16::try_from(first)?,
            count: u16::try_from(weaks.len() - first)?,
            threshold: fixed(threshold, "stage threshold")?,
        });
        float_thresholds.push(threshold);
    }
    decisions(&mut weaks, &stages).map_err(|e| anyhow!("cascade: {e}"))?;
    let owned = OwnedCascade {
        width,
        height,
        features,
        weaks,
        stages,
        float_leaves,
        float_thresholds,
    };
    owned.view()?;
    Ok(owned)
}

/// Reads and parses a cascade file; errors name the file.
pub fn load(path: &Path) -> Result<OwnedCascade> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read cascade {} (Debian/Ubuntu: `apt-get install opencv-data`)",
            path.display()
        )
    })?;
    parse(&text).with_context(|| format!("cascade {}", path.display()))
}
