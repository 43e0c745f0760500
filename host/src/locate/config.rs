//! A locator's settings as the host stores them (`locator.json`) and the
//! core locator built from them.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use facenmf_core::locate::pyramid::ONE;
use facenmf_core::locate::{
    BoxMap, Candidate, Face, LevelReport, Located, Locator, Pyramid, Seeding, Verified, Verifier,
    VerifySettings, Workspace,
};
use serde::{Deserialize, Serialize};

use super::opencv::{load, OwnedCascade, DEFAULT_CASCADE};
use super::opencv_haar::{self, OwnedHaar, DEFAULT_HAAR};

pub use facenmf_core::locate::{CANDIDATES, FACES, SEEDS};

/// Settings of a locator.
/// The default `coarse_until`: windows every second level pixel up to scale
/// 1.7, every pixel above (measured in `docs/locator.md`, "Round 5").
pub const COARSE_UNTIL: f64 = 1.7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocatorConfig {
    /// The OpenCV LBP cascade file.
    pub cascade: PathBuf,
    /// Smallest scale (frame pixels per level pixel).
    pub first_scale: f64,
    /// Scale step between levels.
    pub scale_step: f64,
    /// Most levels.
    pub levels: usize,
    /// Windows every second level pixel up to this scale, every pixel above
    /// (OpenCV: 2; 0 = every pixel everywhere).
    pub coarse_until: f64,
    /// A face needs more than this many accepted windows.
    pub min_neighbours: u16,
    /// Detector box → model crop, Q12.
    pub map: [i32; 4],
    /// Level pixels of margin (the frame's edge repeated) left and right,
    /// above and below every level, so windows reach past the frame's edges
    /// (absent from a file: none).
    #[serde(default)]
    pub margin: [u8; 2],
    /// The coarse pass that limits the fine search; none (also when absent
    /// from a file): every level whole.
    #[serde(default)]
    pub seeding: Option<SeedingConfig>,
    /// The Haar cascade that confirms the grouped faces; none (also when
    /// absent from a file): every group is kept, the most-voted chosen.
    #[serde(default)]
    pub verifier: Option<VerifierConfig>,
}

/// The verifier of a locator (see `facenmf_core::locate::verify`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifierConfig {
    /// The OpenCV Haar cascade file.
    pub cascade: PathBuf,
    /// Group box → expected Haar window `[row, col, height, width]`, Q12.
    pub map: [i32; 4],
    /// Window sizes tried (odd).
    pub scales: u8,
    /// Size step between them.
    pub step: f64,
    /// Window offsets tried each side of the centre, patch pixels.
    pub reach: u8,
    /// Offset step, patch pixels.
    pub stride: u8,
    /// A window hits when it passes this many stages.
    pub stages: u16,
    /// A face is kept when this many windows hit (absent from a file: 1).
    #[serde(default = "one")]
    pub hits: u8,
    /// Faces verified at most (the most-voted first).
    pub most: u8,
}

const fn one() -> u8 {
    1
}

impl Default for VerifierConfig {
    fn default() -> Self {
        Self {
            cascade: PathBuf::from(DEFAULT_HAAR),
            map: [0, 0, 4096, 4096],
            scales: 3,
            step: 1.1,
            reach: 2,
            stride: 1,
            stages: 20,
            hits: 2,
            most: 3,
        }
    }
}

impl VerifierConfig {
    /// The core's settings.
    pub fn settings(&self) -> Result<VerifySettings> {
        let [row, col, height, width] = self.map;
        Ok(VerifySettings {
            map: BoxMap {
                row,
                col,
                height,
                width,
            },
            scales: self.scales,
            step: q16(self.step, "verifier step")?,
            reach: self.reach,
            stride: self.stride,
            stages: self.stages,
            hits: self.hits,
            most: self.most,
        })
    }
}

/// The coarse pass of a locator (see `facenmf_core::locate::seed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedingConfig {
    /// Smallest coarse scale.
    pub first_scale: f64,
    /// Scale step of the coarse pyramid.
    pub scale_step: f64,
    /// Window step of the coarse pass, level pixels.
    pub stride: u8,
    /// A coarse window passing this many stages is a seed.
    pub stages: u16,
    /// Largest centre distance of a fine window from a seed, in seed sides.
    pub reach: f64,
    /// Largest side ratio of a fine window to a seed, either way.
    pub ratio: f64,
}

impl Default for SeedingConfig {
    fn default() -> Self {
        Self {
            first_scale: 1.6,
            scale_step: 1.3,
            stride: 2,
            stages: 9,
            reach: 0.1,
            ratio: 1.25,
        }
    }
}

fn q16(v: f64, what: &str) -> Result<u32> {
    let q = (v * f64::from(ONE)).round();
    if !(q.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&q)) {
        return Err(anyhow!("{what} {v} is out of range"));
    }
    Ok(q as u32)
}

impl SeedingConfig {
    /// The core's seeding with the frame margin of the fine pass.
    pub fn seeding(&self, margin: [u8; 2]) -> Result<Seeding> {
        let pyramid = Pyramid::new_checked(
            q16(self.first_scale, "seeding first scale")?,
            q16(self.scale_step, "seeding scale step")?,
            32,
        )
        .and_then(|p| p.with_margin(margin[0], margin[1]))
        .map_err(|e| anyhow!("seeding: {e}"))?;
        let reach = (self.reach * 256.0).round();
        if !(0.0..=f64::from(u16::MAX)).contains(&reach) {
            return Err(anyhow!("seeding reach {} is out of range", self.reach));
        }
        Seeding::new_checked(
            pyramid,
            self.stride,
            self.stages,
            reach as u16,
            q16(self.ratio, "seeding ratio")?,
        )
        .map_err(|e| anyhow!("{e}"))
    }
}

impl Default for LocatorConfig {
    fn default() -> Self {
        Self {
            cascade: PathBuf::from(DEFAULT_CASCADE),
            first_scale: 1.2,
            scale_step: 1.05,
            levels: 32,
            coarse_until: COARSE_UNTIL,
            min_neighbours: 0,
            map: [0, 0, 4096, 4096],
            margin: [3, 0],
            seeding: Some(SeedingConfig {
                stages: 9,
                ..SeedingConfig::default()
            }),
            verifier: Some(VerifierConfig::default()),
        }
    }
}

impl LocatorConfig {
    /// Reads a `locator.json`.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a locator file", path.display()))
    }

    /// Writes it whole or not at all.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::atomic::write(path, serde_json::to_string_pretty(self)?.as_bytes())
    }

    /// The box map.
    pub fn box_map(&self) -> BoxMap {
        let [row, col, height, width] = self.map;
        BoxMap {
            row,
            col,
            height,
            width,
        }
    }

    /// The pyramid in the core's fixed point.
    pub fn pyramid(&self) -> Result<Pyramid> {
        let q = |v: f64| (v * f64::from(ONE)).round();
        let (first, step) = (q(self.first_scale), q(self.scale_step));
        if !(first.is_finite()
            && step.is_finite()
            && first <= f64::from(u32::MAX)
            && step <= f64::from(u32::MAX))
        {
            return Err(anyhow!(
                "pyramid scales {} / {} are out of range",
                self.first_scale,
                self.scale_step
            ));
        }
        let coarse = q(self.coarse_until).clamp(0.0, f64::from(u32::MAX)) as u32;
        Pyramid::new_checked(first as u32, step as u32, self.levels)
            .and_then(|p| {
                p.coarse_until(coarse)
                    .with_margin(self.margin[0], self.margin[1])
            })
            .map_err(|e| anyhow!("{e}"))
    }
}

/// A locator with its cascade loaded, for frames of one size.
#[derive(Debug, Clone)]
pub struct HostLocator {
    /// Its settings.
    pub config: LocatorConfig,
    /// The cascade.
    pub cascade: OwnedCascade,
    /// The verifier's cascade, with a verifier.
    pub haar: Option<OwnedHaar>,
    /// Frame width.
    pub width: usize,
    /// Frame height.
    pub height: usize,
}

/// One frame's answer with the buffers' contents.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The core's answer.
    pub located: Located,
    /// The grouped faces, chosen first.
    pub faces: Vec<Face>,
    /// Per-level cost.
    pub levels: Vec<LevelReport>,
    /// What the verifier did, with one.
    pub verified: Option<Verified>,
}

impl HostLocator {
    /// Loads the cascade and checks everything for `width x height` frames.
    pub fn new(config: LocatorConfig, width: usize, height: usize) -> Result<Self> {
        let cascade = load(&config.cascade)?;
        let haar = match &config.verifier {
            Some(v) => Some(opencv_haar::load(&v.cascade)?),
            None => None,
        };
        let me = Self {
            config,
            cascade,
            haar,
            width,
            height,
        };
        me.core()?;
        me.verifier()?;
        Ok(me)
    }

    /// The core's verifier, with one.
    pub fn verifier(&self) -> Result<Option<Verifier<'_>>> {
        let (Some(v), Some(h)) = (&self.config.verifier, &self.haar) else {
            return Ok(None);
        };
        let verifier =
            Verifier::new_checked(h.view()?, v.settings()?).map_err(|e| anyhow!("{e}"))?;
        Ok(Some(verifier))
    }

    /// The core's locator.
    pub fn core(&self) -> Result<Locator<'_>> {
        let core = Locator::new_checked(
            self.cascade.view()?,
            self.config.pyramid()?,
            self.config.box_map(),
            self.config.min_neighbours,
            self.width,
            self.height,
        )
        .map_err(|e| anyhow!("locator: {e}"))?;
        Ok(match &self.config.seeding {
            Some(s) => core.with_seeding(s.seeding(self.config.margin)?),
            None => core,
        })
    }

    /// Runs the core locator on one frame.
    pub fn run(&self, frame: &[u8]) -> Result<Answer> {
        let core = self.core()?;
        let verifier = self.verifier()?;
        let mut buffers = Buffers::new(&core);
        if let Some(v) = &verifier {
            buffers.table.resize(v.table_len(&core), 0);
        }
        let mut levels = Vec::new();
        let mut work = buffers.workspace();
        let (located, verified) = match &verifier {
            Some(v) => v
                .locate_with(&core, frame, &mut work, |r| levels.push(r))
                .map(|(l, v)| (l, Some(v))),
            None => core
                .locate_with(frame, &mut work, |r| levels.push(r))
                .map(|l| (l, None)),
        }
        .map_err(|e| anyhow!("{e}"))?;
        let mut faces = buffers.faces;
        faces.truncate(located.faces);
        Ok(Answer {
            located,
            faces,
            levels,
            verified,
        })
    }
}

/// The core locator's working buffers on the heap, sized for one
/// [`Locator`] (the host's counterpart of the boards' static arrays).
#[derive(Debug, Clone)]
pub struct Buffers {
    /// Level column sources.
    pub columns: Vec<u32>,
    /// The integral table.
    pub table: Vec<u32>,
    /// Accepted windows ([`CANDIDATES`]).
    pub candidates: Vec<Candidate>,
    /// Coarse-pass seeds ([`SEEDS`]).
    pub seeds: Vec<Candidate>,
    /// The fine-search mask.
    pub mask: Vec<u32>,
    /// Grouped faces ([`FACES`]).
    pub faces: Vec<Face>,
}

impl Buffers {
    /// Buffers of the lengths `core` needs.
    pub fn new(core: &Locator<'_>) -> Self {
        Self {
            columns: vec![0; core.columns_len()],
            table: vec![0; core.table_len()],
            candidates: vec![Candidate::EMPTY; CANDIDATES],
            seeds: vec![Candidate::EMPTY; SEEDS],
            mask: vec![0; core.mask_len()],
            faces: vec![Face::EMPTY; FACES],
        }
    }

    /// The core's workspace over these buffers.
    pub fn workspace(&mut self) -> Workspace<'_> {
        Workspace {
            columns: &mut self.columns,
            table: &mut self.table,
            candidates: &mut self.candidates,
            seeds: &mut self.seeds,
            mask: &mut self.mask,
            faces: &mut self.faces,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locator_file_without_a_verifier_reads_as_none() {
        let mut v = serde_json::to_value(LocatorConfig::default()).unwrap();
        let map = v.as_object_mut().unwrap();
        assert!(map.remove("verifier").is_some());
        let c: LocatorConfig = serde_json::from_value(v).unwrap();
        assert_eq!(c.verifier, None);
    }

    #[test]
    fn a_verifier_without_hits_needs_one() {
        let mut v = serde_json::to_value(VerifierConfig::default()).unwrap();
        assert!(v.as_object_mut().unwrap().remove("hits").is_some());
        let c: VerifierConfig = serde_json::from_value(v).unwrap();
        assert_eq!(c.hits, 1);
        assert_eq!(VerifierConfig::default().hits, 2);
    }
}
