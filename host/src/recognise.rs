//! Recognition of a user's pictures with a trained model: who is in each
//! photo or frame (a name or "unknown"), how far it is from the winner's
//! template and who came second; for pictures whose person is known (a
//! labelled dataset) also the accuracy and the most frequent confusions.
//!
//! Pictures go through the chip's own path ([`crate::chip::Chip`]): frame of
//! the model's size → thumbnail → code → vector → vote with the model's
//! threshold. A picture that cannot be read is a [`Failure`] naming its file;
//! the others are still answered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use crate::chip::Chip;
use crate::data::decode::is_image_path;
use crate::data::lfw::Slice;
use crate::data::photo::{read_frame, PhotoOptions};
use crate::data::source::{self, Format, LoadOptions};
use crate::data::{DataError, Dataset};
use crate::model::Model;

/// The name given to a face farther than the model's threshold.
pub const UNKNOWN: &str = "unknown";

/// The cut LFW photos get when a folder is detected as LFW and no cut is given.
pub const LFW_SLICE: Slice = Slice {
    rows: (70, 195),
    cols: (78, 172),
};

/// One picture to recognise.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Where it came from (a file, or `folder#index` for a cache dataset).
    pub path: String,
    /// Its frame (model's frame size, `[0, 1]`), or why it has none.
    pub frame: std::result::Result<Vec<f32>, String>,
    /// The person, when the picture comes from a labelled dataset.
    pub truth: Option<String>,
}

/// How [`collect`] reads pictures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Options {
    /// How a photo becomes a frame (cut; frames taken as they are).
    pub photo: PhotoOptions,
    /// The kind of a folder given, instead of detecting it.
    pub format: Option<Format>,
    /// Stop at the first picture that cannot be read.
    pub fail_fast: bool,
}

/// The pictures of `paths` as frames of `model`: each file is a photo or
/// frame; a folder of person folders (or LFW) gives labelled photos; a
/// cache folder or `.mat` a labelled dataset; a folder of pictures gives
/// unlabelled photos. A missing path or a folder that cannot be listed is
/// itself a failed item. With `opts.fail_fast` the first failure is the error.
pub fn collect(model: &Model, paths: &[PathBuf], opts: &Options) -> Result<Vec<Item>> {
    let size = (model.geometry.frame_height, model.geometry.frame_width);
    let mut items = Vec::new();
    for path in paths {
        let found = sources(path, opts.format).and_then(|s| s.read(size, opts));
        match found {
            Ok(mut v) => items.append(&mut v),
            Err(e) => items.push(Item {
                path: path.display().to_string(),
                frame: Err(format!("{e:#}")),
                truth: None,
            }),
        }
        if opts.fail_fast {
            if let Some(bad) = items.iter().find(|i| i.frame.is_err()) {
                let why = bad.frame.as_ref().err().cloned().unwrap_or_default();
                return Err(anyhow!("{}: {why}", bad.path));
            }
        }
    }
    Ok(items)
}

/// What one path holds.
enum Source {
    /// Files, each with its person when known, and a cut to apply.
    Files(Vec<(PathBuf, Option<String>)>, Option<Slice>),
    /// A dataset loaded whole (cache folder or `.mat`).
    Loaded(PathBuf, Dataset),
}

fn sources(path: &Path, format: Option<Format>) -> Result<Source> {
    if path.is_file() && format.is_none_or(|f| f != Format::Mat) && !is_mat(path) {
        return Ok(Source::Files(vec![(path.to_path_buf(), None)], None));
    }
    if !path.exists() {
        return Err(anyhow!("no such file or folder"));
    }
    let format = match format {
        Some(f) => Some(f),
        None if is_picture_folder(path)? => None,
        None => Some(source::detect(path)?.0),
    };
    Ok(match format {
        None => {
            let files = list(path)?
                .into_iter()
                .filter(|p| p.is_file() && is_image_path(p))
                .map(|p| (p, None))
                .collect();
            Source::Files(files, None)
        }
        Some(Format::Cache | Format::Mat) => {
            let ds = source::load(path, &LoadOptions::default())?;
            Source::Loaded(path.to_path_buf(), ds)
        }
        Some(f @ (Format::Folder | Format::Lfw)) => {
            let mut files = Vec::new();
            for dir in list(path)?.into_iter().filter(|p| p.is_dir()) {
                let person = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.extend(
                    list(&dir)?
                        .into_iter()
                        .filter(|p| p.is_file() && is_image_path(p))
                        .map(|p| (p, Some(person.clone()))),
                );
            }
            Source::Files(files, (f == Format::Lfw).then_some(LFW_SLICE))
        }
    })
}

impl Source {
    fn read(self, size: (usize, usize), opts: &Options) -> Result<Vec<Item>> {
        match self {
            Source::Files(files, default_slice) => {
                let photo = PhotoOptions {
                    slice: opts.photo.slice.or(default_slice),
                    ..opts.photo
                };
                Ok(files
                    .into_iter()
                    .map(|(path, truth)| Item {
                        frame: read_frame(&path, size, photo).map_err(|e| problem(&e)),
                        path: path.display().to_string(),
                        truth,
                    })
                    .collect())
            }
            Source::Loaded(path, ds) => {
                anyhow::ensure!(
                    (ds.height, ds.width) == size,
                    "its images are {}x{} but the model takes {}x{} frames",
                    ds.height,
                    ds.width,
                    size.0,
                    size.1
                );
                Ok((0..ds.len())
                    .map(|i| Item {
                        path: format!("{}#{i}", path.display()),
                        frame: Ok(ds.image(i).to_vec()),
                        truth: Some(ds.class_names[usize::from(ds.labels[i])].clone()),
                    })
                    .collect())
            }
        }
    }
}

/// The problem of a picture's error, without its path (the item names it).
fn problem(e: &DataError) -> String {
    match e {
        DataError::BadFile { problem, .. } => problem.clone(),
        DataError::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

fn is_mat(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mat"))
}

/// A folder holding pictures and no sub-folder.
fn is_picture_folder(path: &Path) -> Result<bool> {
    let entries = list(path)?;
    Ok(entries.iter().all(|p| !p.is_dir()) && entries.iter().any(|p| is_image_path(p)))
}

/// The entries of `dir`, sorted, hidden ones left out.
fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    v.sort();
    Ok(v)
}

/// The nearest person other than the winner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunnerUp {
    /// Their name.
    pub name: String,
    /// Their distance.
    pub distance: f32,
}

/// The answer for one picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The picture.
    pub path: String,
    /// The person named, or [`UNKNOWN`] beyond the threshold.
    pub name: String,
    /// The nearest person, before the threshold.
    pub nearest: String,
    /// Distance to the nearest person's template.
    pub distance: f32,
    /// The nearest other person, when the gallery holds one.
    pub runner_up: Option<RunnerUp>,
    /// The person in the picture, when known.
    pub truth: Option<String>,
}

/// A picture that could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The picture.
    pub path: String,
    /// Why.
    pub error: String,
}

/// How often one person was answered as another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// The person in the pictures.
    pub truth: String,
    /// The answer given.
    pub answer: String,
    /// How many pictures.
    pub count: usize,
}

/// The score over the answers whose person is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Answers with a known person.
    pub images: usize,
    /// Answers naming that person (or [`UNKNOWN`] for a person the model
    /// does not hold).
    pub correct: usize,
    /// `correct / images`.
    pub accuracy: f64,
    /// The most frequent wrong answers, most frequent first.
    pub confusions: Vec<Confusion>,
}

/// Everything `recognise` found: answers `A` per picture ([`Answer`]) or
/// per whole frame (`locate::recognise::FrameAnswer`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<A = Answer> {
    /// One answer per readable picture or frame, in order.
    pub answers: Vec<A>,
    /// The pictures or frames that could not be answered, in order.
    pub failures: Vec<Failure>,
    /// The score, when some answer's truth is known.
    pub score: Option<Score>,
}

/// Recognises every readable item with `model` (in parallel) and scores
/// the labelled ones; `confusions` caps the confusions listed.
pub fn run(model: &Model, items: Vec<Item>, confusions: usize) -> Result<Outcome> {
    let chip = Chip::new(model)?;
    let g = &model.geometry;
    let mut failures = Vec::new();
    let mut good = Vec::new();
    let mut images = Vec::new();
    for item in items {
        match item.frame {
            Ok(frame) => {
                images.extend(frame);
                good.push((item.path, item.truth));
            }
            Err(error) => failures.push(Failure {
                path: item.path,
                error,
            }),
        }
    }
    let frames = Dataset {
        images,
        labels: vec![0; good.len()],
        class_names: vec!["pictures".into()],
        height: g.frame_height,
        width: g.frame_width,
        source: "pictures to recognise".into(),
    };
    let thumbs = frames.thumbnails(g.crop(), g.height, g.width)?;
    let seen = chip.see_all(&thumbs, chip.threshold())?;
    let name = |label: u16| {
        model
            .class_names
            .get(usize::from(label))
            .cloned()
            .unwrap_or_else(|| format!("label {label}"))
    };
    let answers = good
        .into_iter()
        .zip(&seen)
        .map(|((path, truth), s)| {
            let runner_up = chip
                .runner_up(&s.embedding.vector, s.decision.label)?
                .map(|r| RunnerUp {
                    name: name(r.label),
                    distance: r.distance,
                });
            Ok(Answer {
                path,
                name: if s.known() {
                    name(s.decision.label)
                } else {
                    UNKNOWN.to_string()
                },
                nearest: name(s.decision.label),
                distance: s.decision.distance,
                runner_up,
                truth,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let score = score(model, &answers, confusions);
    Ok(Outcome {
        answers,
        failures,
        score,
    })
}

/// The score of the answers with a known person; `None` when there is none.
pub fn score(model: &Model, answers: &[Answer], confusions: usize) -> Option<Score> {
    let pairs = answers
        .iter()
        .filter_map(|a| Some((a.truth.as_deref()?, a.name.as_str())));
    score_pairs(
        pairs,
        |truth| model.class_names.iter().any(|c| c == truth),
        confusions,
    )
}

/// The score of `(truth, answer)` pairs: an answer is right when it is the
/// truth, or [`UNKNOWN`] for a truth `known` refuses; the `confusions` most
/// frequent wrong pairs are kept. `None` when there is no pair.
pub fn score_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    known: impl Fn(&str) -> bool,
    confusions: usize,
) -> Option<Score> {
    let mut images = 0;
    let mut correct = 0;
    let mut wrong: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (truth, answer) in pairs {
        images += 1;
        let expected = if known(truth) { truth } else { UNKNOWN };
        if answer == expected {
            correct += 1;
        } else {
            *wrong
                .entry((truth.to_string(), answer.to_string()))
                .or_default() += 1;
        }
    }
    if images == 0 {
        return None;
    }
    let mut list: Vec<Confusion> = wrong
        .into_iter()
        .map(|((truth, answer), count)| Confusion {
            truth,
            answer,
            count,
        })
        .collect();
    // Most frequent first; ties in name order (the map's order, kept by a stable sort).
    list.sort_by_key(|c| std::cmp::Reverse(c.count));
    list.truncate(confusions);
    Some(Score {
        images,
        correct,
        accuracy: correct as f64 / images as f64,
        confusions: list,
    })
}
