//! Whole camera frames through the locator and the chip's pipeline
//! (`facenmf recognise --locator`): locate → the chosen face's crop (the
//! region the model's frames show) → the model's own crop inside it → the
//! model's thumbnail → code → vote. A frame without a face answers
//! [`NO_FACE`]; a frame not of the locator's size is a failure naming it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use facenmf_core::Crop;
use rayon::prelude::*;
use serde::Serialize;

use super::config::HostLocator;
use super::detect::FaceOut;
use super::frames_in::read_gray;
use crate::chip::Chip;
use crate::frames::{Truth, TRUTH_FILE};
use crate::model::Geometry;
use crate::recognise::{score_pairs, Failure, RunnerUp, Score, UNKNOWN};

/// The answer for a frame in which no face was found.
pub const NO_FACE: &str = "no face";

/// The frame size the locator takes: QQVGA, the camera's and the box map's.
pub const FRAME_SIZE: (usize, usize) = (160, 120);

/// The model's crop inside `region`, the frame-pixel box that shows what the
/// model's whole training frame showed (for LFW models scikit-learn's face
/// region): the model's crop `[x, y, w, h]` of its `frame_width x
/// frame_height` frames scaled to `region`, rounded to whole pixels, at
/// least one pixel and inside `region`.
pub fn model_crop(region: Crop, g: &Geometry) -> Crop {
    let [x, y, w, h] = g.crop;
    let scale = |v: usize, side: usize, of: usize| (v * side + of / 2) / of.max(1);
    let axis = |start: usize, len: usize, r0: usize, rlen: usize, of: usize| {
        let a = scale(start, rlen, of).min(rlen.saturating_sub(1));
        let b = scale(start + len, rlen, of).clamp(a + 1, rlen.max(a + 1));
        (r0 + a, b - a)
    };
    let (cx, cw) = axis(x, w, region.x, region.width, g.frame_width);
    let (cy, ch) = axis(y, h, region.y, region.height, g.frame_height);
    Crop {
        x: cx,
        y: cy,
        width: cw,
        height: ch,
    }
}

/// One frame's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameAnswer {
    /// The frame.
    pub path: String,
    /// The person named, [`UNKNOWN`] beyond the threshold, or [`NO_FACE`].
    pub name: String,
    /// The nearest person, before the threshold (`None` without a face).
    pub nearest: Option<String>,
    /// Distance to the nearest person's template.
    pub distance: Option<f32>,
    /// The nearest other person, when the gallery holds one.
    pub runner_up: Option<RunnerUp>,
    /// The person in the frame, when its folder's `truth.json` says
    /// ([`NO_FACE`] for a face-free frame).
    pub truth: Option<String>,
    /// The chosen face: the located region, in frame pixels, with its score.
    #[serde(rename = "box")]
    pub face: Option<FaceOut>,
}

/// Everything `recognise --locator` found.
pub type FrameOutcome = crate::recognise::Outcome<FrameAnswer>;

/// One face (the chip's pipeline on `crop` of `frame`): name, nearest,
/// distance, runner-up; the threshold given.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// The name ([`UNKNOWN`] beyond the threshold).
    pub name: String,
    /// The nearest person.
    pub nearest: String,
    /// Their distance.
    pub distance: f32,
    /// The runner-up.
    pub runner_up: Option<RunnerUp>,
}

/// Recognises the face shown by `region` of a `width x height` frame.
pub fn name_region(
    chip: &Chip<'_>,
    frame: &[u8],
    (width, height): (usize, usize),
    region: Crop,
    threshold: f32,
) -> Result<Named> {
    let model = chip.model();
    let crop = model_crop(region, &model.geometry);
    let thumb = chip.thumbnail_of(frame, width, height, crop)?;
    let seen = chip.see_thumbnail(&thumb, threshold)?;
    let name = |label: u16| {
        model
            .class_names
            .get(usize::from(label))
            .cloned()
            .unwrap_or_else(|| format!("label {label}"))
    };
    let runner_up = chip
        .runner_up(&seen.embedding.vector, seen.decision.label)?
        .map(|r| RunnerUp {
            name: name(r.label),
            distance: r.distance,
        });
    Ok(Named {
        name: if seen.known() {
            name(seen.decision.label)
        } else {
            UNKNOWN.to_string()
        },
        nearest: name(seen.decision.label),
        distance: seen.decision.distance,
        runner_up,
    })
}

/// Reads a frame and checks it has the locator's size; errors name the file.
pub fn read_frame(path: &Path, loc: &HostLocator) -> Result<Vec<u8>> {
    let (w, h, px) = read_gray(path)?;
    if (w, h) != (loc.width, loc.height) {
        bail!(
            "{}: a {w} x {h} frame; the locator takes {} x {} frames",
            path.display(),
            loc.width,
            loc.height
        );
    }
    Ok(px)
}

/// The chosen face's region and box of one frame, `None` for "no face".
pub fn locate(loc: &HostLocator, frame: &[u8]) -> Result<Option<(Crop, FaceOut)>> {
    let answer = loc.run(frame)?;
    Ok(answer
        .located
        .chosen
        .zip(answer.located.crop)
        .map(|(f, c)| {
            (
                c,
                FaceOut {
                    top: c.y,
                    left: c.x,
                    height: c.height,
                    width: c.width,
                    score: f64::from(f.neighbours),
                },
            )
        }))
}

fn answer_frame(chip: &Chip<'_>, loc: &HostLocator, path: &Path) -> Result<FrameAnswer> {
    let frame = read_frame(path, loc)?;
    let path_s = path.display().to_string();
    let Some((region, face)) = locate(loc, &frame)? else {
        return Ok(FrameAnswer {
            path: path_s,
            name: NO_FACE.to_string(),
            nearest: None,
            distance: None,
            runner_up: None,
            truth: None,
            face: None,
        });
    };
    let n = name_region(
        chip,
        &frame,
        (loc.width, loc.height),
        region,
        chip.threshold(),
    )?;
    Ok(FrameAnswer {
        path: path_s,
        name: n.name,
        nearest: Some(n.nearest),
        distance: Some(n.distance),
        runner_up: n.runner_up,
        truth: None,
        face: Some(face),
    })
}

/// The frames of `paths` (files, or folders of frames: their image files in
/// name order), each located and recognised (in parallel, answers in
/// order). A frame that cannot be read or has the wrong size is a
/// [`Failure`] naming it; the others are answered. Frames in a folder with
/// a `truth.json` (from `facenmf frames`) are scored against it.
pub fn recognise_frames(
    chip: &Chip<'_>,
    loc: &HostLocator,
    paths: &[PathBuf],
    confusions: usize,
) -> Result<FrameOutcome> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && crate::data::decode::is_image_path(f))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    let truths = truths_of(&files);
    let results: Vec<Result<FrameAnswer>> = files
        .par_iter()
        .map(|p| answer_frame(chip, loc, p))
        .collect();
    let mut answers = Vec::new();
    let mut failures = Vec::new();
    for (path, r) in files.iter().zip(results) {
        match r {
            Ok(mut a) => {
                a.truth = truths.get(path).cloned();
                answers.push(a);
            }
            Err(e) => failures.push(Failure {
                path: path.display().to_string(),
                error: format!("{e:#}"),
            }),
        }
    }
    let score = score(&chip.model().class_names, &answers, confusions);
    Ok(crate::recognise::Outcome {
        answers,
        failures,
        score,
    })
}

/// The person (or [`NO_FACE`]) of each file listed in its folder's `truth.json`.
fn truths_of(files: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut seen = BTreeMap::new();
    for f in files {
        let Some(dir) = f.parent() else { continue };
        if !dir.join(TRUTH_FILE).is_file() {
            continue;
        }
        let truth = seen
            .entry(dir.to_path_buf())
            .or_insert_with(|| Truth::read(dir).ok());
        let Some(t) = truth else { continue };
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(ft) = t.frames.iter().find(|ft| Some(&ft.file) == name.as_ref()) {
            let who = if ft.face.is_some() {
                ft.person.clone()
            } else {
                NO_FACE.to_string()
            };
            out.insert(f.clone(), who);
        }
    }
    out
}

/// The score of answers with a known truth ([`UNKNOWN`] expected for a
/// person the model does not hold, [`NO_FACE`] for a face-free frame);
/// `None` when there is none.
pub fn score(classes: &[String], answers: &[FrameAnswer], confusions: usize) -> Option<Score> {
    let pairs = answers
        .iter()
        .filter_map(|a| Some((a.truth.as_deref()?, a.name.as_str())));
    let known = |truth: &str| truth == NO_FACE || classes.iter().any(|c| c == truth);
    score_pairs(pairs, known, confusions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(crop: [usize; 4]) -> Geometry {
        Geometry {
            frame_width: 65,
            frame_height: 87,
            crop,
            width: 24,
            height: 32,
        }
    }

    #[test]
    fn the_whole_frame_crop_is_the_region() {
        let r = Crop {
            x: 10,
            y: 7,
            width: 47,
            height: 63,
        };
        assert_eq!(model_crop(r, &geometry([0, 0, 65, 87])), r);
    }

    #[test]
    fn a_sub_crop_scales_with_the_region() {
        // Twice the model's frame: every coordinate doubles.
        let r = Crop {
            x: 3,
            y: 5,
            width: 130,
            height: 174,
        };
        let c = model_crop(r, &geometry([4, 10, 50, 60]));
        assert_eq!(
            c,
            Crop {
                x: 3 + 8,
                y: 5 + 20,
                width: 100,
                height: 120
            }
        );
    }

    #[test]
    fn a_tiny_region_still_gives_a_pixel_inside_it() {
        let r = Crop {
            x: 2,
            y: 2,
            width: 1,
            height: 1,
        };
        let c = model_crop(r, &geometry([60, 80, 5, 7]));
        assert_eq!((c.x, c.y, c.width, c.height), (2, 2, 1, 1));
    }
}
