//! The end-to-end figure: the chip pipeline's recognition on the faces the
//! locator finds against the same faces cut at their true boxes, on a
//! generated frame folder (`facenmf frames`, ideally `--model`: photos of the
//! model's test split only).
//!
//! Every face frame is recognised twice with the same model, the threshold
//! off (the nearest person, as the trainer's accuracy): (a) at the locator's
//! chosen region, (b) at the true box of `truth.json` rounded to whole
//! pixels. A face frame the locator finds no face in counts as wrong in (a).

use std::path::Path;

use anyhow::{bail, Result};
use facenmf_core::Crop;
use rayon::prelude::*;
use serde::Serialize;

use super::boxerror::{BoxError, Parts};
use super::config::HostLocator;
use super::frames_in::read_gray;
use super::recognise::{locate, name_region};
use super::score::is_located;
use crate::chip::Chip;
use crate::frames::{Truth, TruthBox};

/// One face frame's two answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The frame file.
    pub file: String,
    /// The person in it.
    pub person: String,
    /// The true box, as `truth.json` gives it.
    pub truth: TruthBox,
    /// The true box, rounded to whole pixels.
    pub truth_box: Crop,
    /// The locator's chosen region, `None` for "no face".
    pub located: Option<Crop>,
    /// The nearest person at the true box.
    pub at_truth: String,
    /// The nearest person at the located region.
    pub at_located: Option<String>,
}

impl Pair {
    /// Whether the located region passes the "located" rule.
    pub fn is_located(&self, t: &TruthBox) -> bool {
        self.located.is_some_and(|c| is_located(&c, t))
    }

    /// The located region's error against the true box (`None`: no face).
    pub fn error(&self) -> Option<BoxError> {
        self.located.map(|c| BoxError::of(&c, &self.truth))
    }

    /// Named right at the true box.
    pub fn right_at_truth(&self) -> bool {
        self.at_truth == self.person
    }

    /// Named right at the located region.
    pub fn right_at_located(&self) -> bool {
        self.at_located.as_ref() == Some(&self.person)
    }
}

/// The figure.
#[derive(Debug, Clone, PartialEq)]
pub struct EndToEnd {
    /// Every face frame, in folder order.
    pub pairs: Vec<Pair>,
    /// Face frames.
    pub faces: usize,
    /// Of them, with a face chosen.
    pub answered: usize,
    /// Of them, located by the rule.
    pub located: usize,
    /// Named right at the true box.
    pub correct_truth: usize,
    /// Named right at the located region (no face: wrong).
    pub correct_located: usize,
}

impl EndToEnd {
    /// Accuracy at the true box.
    pub fn accuracy_truth(&self) -> f64 {
        self.correct_truth as f64 / self.faces.max(1) as f64
    }

    /// Accuracy at the located region.
    pub fn accuracy_located(&self) -> f64 {
        self.correct_located as f64 / self.faces.max(1) as f64
    }

    /// Accuracy at the true box minus at the located region, points.
    pub fn gap_points(&self) -> f64 {
        100.0 * (self.accuracy_truth() - self.accuracy_located())
    }

    /// The errors of the located regions, in frame order (frames with a face chosen).
    pub fn errors(&self) -> Vec<BoxError> {
        self.pairs.iter().filter_map(Pair::error).collect()
    }

    /// Frames with a face chosen, by error size ([`BoxError::size`]) in
    /// the bins `edges` bound (`[a, b)`, the last bin open): per bin the
    /// frames and how many are named right at the true box and at the
    /// located region.
    pub fn by_error(&self, edges: &[f64]) -> Vec<ErrorBin> {
        let mut bins: Vec<ErrorBin> = edges
            .iter()
            .enumerate()
            .map(|(i, &from)| ErrorBin {
                from,
                to: edges.get(i + 1).copied(),
                frames: 0,
                right_at_truth: 0,
                right_at_located: 0,
            })
            .collect();
        for p in &self.pairs {
            let Some(e) = p.error() else { continue };
            let size = e.size();
            let Some(b) = bins.iter_mut().rev().find(|b| size >= b.from) else {
                continue;
            };
            b.frames += 1;
            b.right_at_truth += usize::from(p.right_at_truth());
            b.right_at_located += usize::from(p.right_at_located());
        }
        bins
    }
}

/// Frames whose located error size lies in `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ErrorBin {
    /// Lower edge.
    pub from: f64,
    /// Upper edge (`None`: open).
    pub to: Option<f64>,
    /// Frames.
    pub frames: usize,
    /// Of them, named right at the true box.
    pub right_at_truth: usize,
    /// Of them, named right at the located region.
    pub right_at_located: usize,
}

/// The true box rounded to whole pixels inside a `width x height` frame.
pub fn truth_crop(t: &TruthBox, width: usize, height: usize) -> Crop {
    let fit = |start: f64, len: f64, side: usize| {
        let len = (len.round() as usize).clamp(1, side);
        let start = (start.round().max(0.0) as usize).min(side - len);
        (start, len)
    };
    let (y, h) = fit(t.top, t.height, height);
    let (x, w) = fit(t.left, t.width, width);
    Crop {
        x,
        y,
        width: w,
        height: h,
    }
}

/// Runs both paths on every face frame of `dir` (at most `limit`, in
/// order), the located region from `loc`.
pub fn end_to_end(
    chip: &Chip<'_>,
    loc: &HostLocator,
    dir: &Path,
    limit: Option<usize>,
) -> Result<EndToEnd> {
    end_to_end_with(chip, (loc.width, loc.height), dir, limit, |_, px, _| {
        Ok(locate(loc, px)?.map(|(c, _)| c))
    })
}

/// The end-to-end figure with every face frame's "located" region the true
/// box moved by a located error of another frame: face frame `i` takes
/// `errors[(i + 1) % errors.len()]` (its `parts`). Accuracy on these boxes
/// against the located one tells the model's sensitivity to the locator's
/// errors from the content of the located boxes. Fails on no errors.
pub fn jittered(
    chip: &Chip<'_>,
    size: (usize, usize),
    dir: &Path,
    limit: Option<usize>,
    errors: &[BoxError],
    parts: Parts,
) -> Result<EndToEnd> {
    if errors.is_empty() {
        bail!("{}: no located face to take errors from", dir.display());
    }
    end_to_end_with(chip, size, dir, limit, |i, _, b| {
        let e = errors[(i + 1) % errors.len()];
        Ok(Some(truth_crop(&e.apply(b, parts), size.0, size.1)))
    })
}

/// [`end_to_end`] with the located region given by `locate(i, frame, true
/// box)` for the `i`-th face frame of a `width x height` folder (a locator,
/// or a stand-in).
pub fn end_to_end_with(
    chip: &Chip<'_>,
    (width, height): (usize, usize),
    dir: &Path,
    limit: Option<usize>,
    locate: impl Fn(usize, &[u8], &TruthBox) -> Result<Option<Crop>> + Sync,
) -> Result<EndToEnd> {
    let truth = Truth::read(dir)?;
    if (truth.width, truth.height) != (width, height) {
        bail!(
            "{}: frames are {} x {}, the locator takes {width} x {height}",
            dir.display(),
            truth.width,
            truth.height,
        );
    }
    let frames: Vec<_> = truth
        .frames
        .iter()
        .filter_map(|f| f.face.map(|b| (f, b)))
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    let size = (width, height);
    let pairs: Vec<(Pair, bool)> = frames
        .par_iter()
        .enumerate()
        .map(|(i, (f, b))| -> Result<(Pair, bool)> {
            let path = dir.join(&f.file);
            let (w, h, px) = read_gray(&path)?;
            if (w, h) != size {
                bail!(
                    "{}: a {w} x {h} frame, expected {width} x {height}",
                    path.display()
                );
            }
            let truth_box = truth_crop(b, width, height);
            let at_truth = name_region(chip, &px, size, truth_box, f32::INFINITY)?.nearest;
            let located = locate(i, &px, b)?;
            let at_located = located
                .map(|c| name_region(chip, &px, size, c, f32::INFINITY).map(|n| n.nearest))
                .transpose()?;
            let pair = Pair {
                file: f.file.clone(),
                person: f.person.clone(),
                truth: *b,
                truth_box,
                located,
                at_truth,
                at_located,
            };
            let ok = pair.is_located(b);
            Ok((pair, ok))
        })
        .collect::<Result<_>>()?;
    let mut e = EndToEnd {
        pairs: Vec::with_capacity(pairs.len()),
        faces: pairs.len(),
        answered: 0,
        located: 0,
        correct_truth: 0,
        correct_located: 0,
    };
    for (p, ok) in pairs {
        e.answered += usize::from(p.located.is_some());
        e.located += usize::from(ok);
        e.correct_truth += usize::from(p.right_at_truth());
        e.correct_located += usize::from(p.right_at_located());
        e.pairs.push(p);
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(located: Option<Crop>, right_truth: bool, right_located: bool) -> Pair {
        let truth = TruthBox {
            top: 0.0,
            left: 0.0,
            height: 100.0,
            width: 100.0,
        };
        let name = |right: bool| if right { "Ann" } else { "Bo" }.to_string();
        Pair {
            file: "f.pgm".into(),
            person: "Ann".into(),
            truth,
            truth_box: truth_crop(&truth, 160, 120),
            located,
            at_truth: name(right_truth),
            at_located: located.map(|_| name(right_located)),
        }
    }

    #[test]
    fn frames_fall_in_the_bin_of_their_largest_error() {
        let at = |x: usize, size: usize| Crop {
            x,
            y: 0,
            width: size,
            height: size,
        };
        let pairs = vec![
            pair(Some(at(0, 100)), true, true),   // exact: bin 0
            pair(Some(at(2, 100)), true, false),  // 2% column: bin 0
            pair(Some(at(0, 96)), false, true),   // sides 4%, centre 2%: bin 1
            pair(Some(at(30, 100)), true, false), // 30%: the open bin
            pair(None, true, false),              // no face: in no bin
        ];
        let e = EndToEnd {
            faces: pairs.len(),
            answered: 4,
            located: 3,
            correct_truth: 4,
            correct_located: 2,
            pairs,
        };
        let bins = e.by_error(&[0.0, 0.03, 0.1]);
        let got: Vec<_> = bins
            .iter()
            .map(|b| (b.frames, b.right_at_truth, b.right_at_located))
            .collect();
        assert_eq!(got, vec![(2, 2, 1), (1, 0, 1), (1, 1, 0)]);
        assert_eq!((bins[2].from, bins[2].to), (0.1, None));
        assert_eq!(e.errors().len(), 4);
        assert!((e.gap_points() - 40.0).abs() < 1e-9);
    }

    #[test]
    fn the_true_box_rounds_and_stays_inside() {
        let t = TruthBox {
            top: 10.4,
            left: 20.6,
            height: 50.5,
            width: 37.2,
        };
        assert_eq!(
            truth_crop(&t, 160, 120),
            Crop {
                x: 21,
                y: 10,
                width: 37,
                height: 51
            }
        );
        let edge = TruthBox {
            top: 80.0,
            left: 130.0,
            height: 41.0,
            width: 31.0,
        };
        let c = truth_crop(&edge, 160, 120);
        assert!(c.y + c.height <= 120 && c.x + c.width <= 160);
    }
}
