//! Scoring a locator on a generated frame folder (`facenmf frames`).
//!
//! A face frame is *located* when the chosen crop's centre lies within 20% of
//! the true box's height from the true centre and its height within ±25% of
//! the true height. A face-free frame with any chosen face is a *false alarm*.
//! Cost is counted, not timed on the chip: windows and stages per level.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Result};
use facenmf_core::Crop;
use rayon::prelude::*;

use super::config::{Answer, HostLocator};
use super::frames_in::read_gray;
use crate::frames::{Truth, TruthBox};

/// True when `crop` locates the true box `t` (the issue's rule).
pub fn is_located(crop: &Crop, t: &TruthBox) -> bool {
    let (tr, tc) = t.centre();
    let cr = crop.y as f64 + crop.height as f64 / 2.0;
    let cc = crop.x as f64 + crop.width as f64 / 2.0;
    let dist = ((cr - tr).powi(2) + (cc - tc).powi(2)).sqrt();
    dist <= 0.2 * t.height && (crop.height as f64 - t.height).abs() <= 0.25 * t.height
}

/// One level's mean cost per frame.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCost {
    /// A level of the coarse (seeding) pass.
    pub coarse: bool,
    /// Level pixels resampled per frame.
    pub pixels: f64,
    /// Scale (frame pixels per level pixel).
    pub scale: f64,
    /// Level size.
    pub size: (usize, usize),
    /// Windows per frame.
    pub windows: f64,
    /// Stages evaluated per frame.
    pub stages: f64,
}

/// The scores of a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Face frames.
    pub faces: usize,
    /// Of them, located.
    pub located: usize,
    /// Of them, with some face chosen (located or not).
    pub answered: usize,
    /// Of them, where some grouped face (chosen or not) locates the true
    /// box: what a perfect verifier and chooser among the groups reaches.
    pub some_located: usize,
    /// Grouped faces that do not locate the true box, on face frames.
    pub stray_groups: usize,
    /// Face-free frames.
    pub face_free: usize,
    /// Of them, with a face chosen.
    pub false_alarms: usize,
    /// Grouped faces on face-free frames, and face-free frames with any.
    pub free_groups: (usize, usize),
    /// Mean windows per frame.
    pub windows: f64,
    /// Mean seeds per frame, and frames with more seeds than the buffer holds.
    pub seeds: (f64, usize),
    /// Per level, the coarse pass first.
    pub levels: Vec<LevelCost>,
    /// Host wall time per frame, one thread, ms (for orientation only).
    pub host_ms: f64,
}

/// Runs the locator on every frame of `dir` (in parallel) with its truth.
pub fn run_folder(loc: &HostLocator, dir: &Path) -> Result<(Truth, Vec<Answer>, f64)> {
    let truth = Truth::read(dir)?;
    if (truth.width, truth.height) != (loc.width, loc.height) {
        bail!(
            "{}: frames are {} x {}, the locator was built for {} x {}",
            dir.display(),
            truth.width,
            truth.height,
            loc.width,
            loc.height
        );
    }
    let results: Vec<Result<(Answer, f64)>> = truth
        .frames
        .par_iter()
        .map(|f| {
            let (w, h, px) = read_gray(&dir.join(&f.file))?;
            if (w, h) != (loc.width, loc.height) {
                bail!(
                    "{}: {w} x {h}, expected {} x {}",
                    f.file,
                    loc.width,
                    loc.height
                );
            }
            let t = Instant::now();
            let a = loc.run(&px)?;
            Ok((a, t.elapsed().as_secs_f64()))
        })
        .collect();
    let mut answers = Vec::with_capacity(results.len());
    let mut secs = 0.0;
    for r in results {
        let (a, s) = r?;
        secs += s;
        answers.push(a);
    }
    let ms = 1000.0 * secs / answers.len().max(1) as f64;
    Ok((truth, answers, ms))
}

/// Scores answers against their truth.
pub fn summarise(loc: &HostLocator, truth: &Truth, answers: &[Answer], host_ms: f64) -> Summary {
    let map = loc.config.box_map();
    let mut s = Summary {
        faces: 0,
        located: 0,
        answered: 0,
        some_located: 0,
        stray_groups: 0,
        face_free: 0,
        false_alarms: 0,
        free_groups: (0, 0),
        windows: 0.0,
        seeds: (0.0, 0),
        levels: Vec::new(),
        host_ms,
    };
    for (f, a) in truth.frames.iter().zip(answers) {
        match (&f.face, a.located.crop) {
            (Some(t), crop) => {
                s.faces += 1;
                let hits = a
                    .faces
                    .iter()
                    .filter(|f| {
                        map.crop(f, truth.width, truth.height)
                            .is_some_and(|c| is_located(&c, t))
                    })
                    .count();
                s.some_located += usize::from(hits > 0);
                s.stray_groups += a.faces.len() - hits;
                if let Some(c) = crop {
                    s.answered += 1;
                    s.located += usize::from(is_located(&c, t));
                }
            }
            (None, crop) => {
                s.face_free += 1;
                s.false_alarms += usize::from(crop.is_some());
                s.free_groups.0 += a.faces.len();
                s.free_groups.1 += usize::from(!a.faces.is_empty());
            }
        }
        s.windows += f64::from(a.located.windows);
        s.seeds.0 += f64::from(a.located.seeds);
        s.seeds.1 += usize::from(a.located.seeds as usize > super::config::SEEDS);
        for r in &a.levels {
            let at = s.levels.iter().position(|l| {
                l.coarse == r.coarse && l.scale == f64::from(r.level.scale) / 65536.0
            });
            let at = at.unwrap_or_else(|| {
                s.levels.push(LevelCost {
                    coarse: r.coarse,
                    pixels: 0.0,
                    scale: f64::from(r.level.scale) / 65536.0,
                    size: (r.level.width, r.level.height),
                    windows: 0.0,
                    stages: 0.0,
                });
                s.levels.len() - 1
            });
            s.levels[at].pixels += f64::from(r.pixels);
            s.levels[at].windows += f64::from(r.windows);
            s.levels[at].stages += f64::from(r.stages);
        }
    }
    let n = answers.len().max(1) as f64;
    s.windows /= n;
    s.seeds.0 /= n;
    s.levels
        .sort_by(|a, b| b.coarse.cmp(&a.coarse).then(a.scale.total_cmp(&b.scale)));
    for l in &mut s.levels {
        l.pixels /= n;
        l.windows /= n;
        l.stages /= n;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_follows_the_issue_s_rule() {
        let t = TruthBox {
            top: 20.0,
            left: 30.0,
            height: 50.0,
            width: 40.0,
        };
        let crop = |y, x, height| Crop {
            x,
            y,
            width: 40,
            height,
        };
        assert!(is_located(&crop(20, 30, 50), &t));
        // Centre 10 px (= 20% of 50) off: still located; 11 px: not.
        assert!(is_located(&crop(30, 30, 50), &t));
        assert!(!is_located(&crop(31, 30, 50), &t));
        // Height within ±25%: 38 (−24%) yes, 37 no (centre kept within 0.5 px).
        assert!(is_located(&crop(26, 30, 38), &t));
        assert!(!is_located(&crop(26, 30, 37), &t));
    }
}
