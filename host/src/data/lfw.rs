//! Labeled Faces in the Wild from its folder layout
//! (`<First_Last>/<First_Last>_NNNN.jpg`), loaded as scikit-learn's
//! `fetch_lfw_people` loads it, and the shared crop/resize pipeline.

use super::decode::{decode_file, Image8};
use super::resample::resize_bicubic;
use super::rng::RandomState;
use super::{DataError, Dataset, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Rows `rows.0..rows.1` and columns `cols.0..cols.1` of each image (numpy's
/// `slice_ = (slice(r0, r1), slice(c0, c1))`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// First row and one past the last.
    pub rows: (usize, usize),
    /// First column and one past the last.
    pub cols: (usize, usize),
}

impl Slice {
    /// scikit-learn's default `slice_ = (slice(70, 195), slice(78, 172))`.
    pub const LFW_DEFAULT: Slice = Slice {
        rows: (70, 195),
        cols: (78, 172),
    };

    /// Height and width of the cut.
    pub fn size(&self) -> (usize, usize) {
        (
            self.rows.1.saturating_sub(self.rows.0),
            self.cols.1.saturating_sub(self.cols.0),
        )
    }
}

/// How each image is cut and scaled, the same for every source (default: whole image, no resize).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prepare {
    /// The cut, or the whole image.
    pub slice: Option<Slice>,
    /// Scale factor `f`: the cut of h x w becomes `int(f*h) x int(f*w)` (Pillow bicubic).
    pub resize: Option<f64>,
    /// A fixed output size (height, width) instead of a factor, for images of mixed sizes.
    pub size: Option<(usize, usize)>,
}

impl std::fmt::Display for Prepare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.slice {
            Some(s) => write!(
                f,
                "slice rows {}..{} cols {}..{}",
                s.rows.0, s.rows.1, s.cols.0, s.cols.1
            )?,
            None => f.write_str("whole image")?,
        }
        match (self.size, self.resize) {
            (Some((h, w)), _) => write!(f, ", resized to {h}x{w}"),
            (None, Some(r)) => write!(f, ", resize {r}"),
            (None, None) => Ok(()),
        }
    }
}

impl Prepare {
    /// Checks the options themselves (not yet against an image).
    pub fn validate(&self) -> Result<()> {
        if let Some(f) = self.resize {
            if f <= 0.0 || !f.is_finite() {
                return Err(DataError::option(format!("resize must be > 0, got {f}")));
            }
        }
        if let Some((h, w)) = self.size {
            if h == 0 || w == 0 {
                return Err(DataError::option(format!("output size {h} x {w} is empty")));
            }
            if self.resize.is_some() {
                return Err(DataError::option(
                    "give either a resize factor or an output size, not both",
                ));
            }
        }
        if let Some(s) = self.slice {
            let (h, w) = s.size();
            if h == 0 || w == 0 {
                return Err(DataError::option(format!(
                    "slice rows {:?} cols {:?} is empty",
                    s.rows, s.cols
                )));
            }
        }
        Ok(())
    }

    /// Output size for an input of `h x w`.
    pub fn output_size(&self, h: usize, w: usize) -> Result<(usize, usize)> {
        let (h, w) = self.slice.map_or((h, w), |s| s.size());
        let (oh, ow) = match (self.size, self.resize) {
            (Some(s), _) => s,
            (None, Some(f)) => ((f * h as f64) as usize, (f * w as f64) as usize),
            (None, None) => (h, w),
        };
        if oh == 0 || ow == 0 {
            return Err(DataError::option(format!(
                "resize {:?} of a {h} x {w} cut gives an empty {oh} x {ow} image",
                self.resize
            )));
        }
        Ok((oh, ow))
    }

    /// Cut, resize and turn into gray floats, as scikit-learn's `_load_imgs`.
    pub fn apply(&self, img: &Image8, path: &Path) -> Result<(usize, usize, Vec<f32>)> {
        let cut = match self.slice {
            Some(s) => {
                if s.rows.1 > img.height || s.cols.1 > img.width {
                    return Err(DataError::bad(
                        path,
                        format!(
                            "slice rows {}..{} cols {}..{} is outside the {} x {} image",
                            s.rows.0, s.rows.1, s.cols.0, s.cols.1, img.height, img.width
                        ),
                    ));
                }
                img.crop(s.rows.0, s.rows.1, s.cols.0, s.cols.1)
            }
            None => img.clone(),
        };
        let (oh, ow) = self.output_size(img.height, img.width)?;
        let out = if (oh, ow) == (cut.height, cut.width) {
            cut
        } else {
            resize_bicubic(&cut, ow, oh)
        };
        Ok((oh, ow, out.to_gray_f32()))
    }
}

/// `fetch_lfw_people`'s options (gray only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LfwOptions {
    /// Keep people with at least this many pictures (sklearn default 0).
    pub min_faces_per_person: usize,
    /// Cut and scale (sklearn default: slice (70,195),(78,172), resize 0.5).
    pub prepare: Prepare,
    /// Skip (with a warning on stderr) images that fail to decode, instead of failing.
    pub skip_corrupt: bool,
}

impl Default for LfwOptions {
    fn default() -> Self {
        LfwOptions {
            min_faces_per_person: 0,
            prepare: Prepare {
                slice: Some(Slice::LFW_DEFAULT),
                resize: Some(0.5),
                size: None,
            },
            skip_corrupt: false,
        }
    }
}

/// Sorted sub-folders of `dir` (people) and, for each, its sorted files.
/// Hidden entries (starting with `.`) are ignored.
pub(crate) fn scan_people(dir: &Path, images_only: bool) -> Result<Vec<(String, Vec<PathBuf>)>> {
    let list = |d: &Path| -> Result<Vec<PathBuf>> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| DataError::io(d, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        v.sort();
        Ok(v)
    };
    if !dir.is_dir() {
        return Err(DataError::bad(dir, "no such folder"));
    }
    let mut people = Vec::new();
    for p in list(dir)?.into_iter().filter(|p| p.is_dir()) {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let files: Vec<PathBuf> = list(&p)?
            .into_iter()
            .filter(|f| f.is_file() && (!images_only || super::decode::is_image_path(f)))
            .collect();
        people.push((name, files));
    }
    Ok(people)
}

/// Height, width, and (index in the file list, gray pixels) of each loaded image.
pub(crate) type Loaded = (usize, usize, Vec<(usize, Vec<f32>)>);

/// Decodes and prepares `files` in parallel, in order. With `skip_corrupt`,
/// undecodable files are dropped (their index is not in the result).
pub(crate) fn load_images(
    files: &[PathBuf],
    prepare: &Prepare,
    skip_corrupt: bool,
) -> Result<Loaded> {
    prepare.validate()?;
    let results: Vec<Result<(usize, usize, Vec<f32>)>> = files
        .par_iter()
        .map(|f| decode_file(f).and_then(|img| prepare.apply(&img, f)))
        .collect();
    let mut size = None;
    let mut out = Vec::with_capacity(files.len());
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok((h, w, px)) => {
                match size {
                    None => size = Some((h, w)),
                    Some(s) if s != (h, w) => {
                        return Err(DataError::bad(
                            &files[i],
                            format!(
                                "becomes {h} x {w} but earlier images became {} x {}; give a slice or a fixed size",
                                s.0, s.1
                            ),
                        ))
                    }
                    _ => {}
                }
                out.push((i, px));
            }
            Err(e @ DataError::BadFile { .. }) if skip_corrupt => eprintln!("warning: skipped {e}"),
            Err(e) => return Err(e),
        }
    }
    let (h, w) = size.ok_or_else(|| DataError::option("no image could be loaded"))?;
    Ok((h, w, out))
}

/// Loads an LFW folder (the one holding the person folders, e.g. `lfw_funneled`)
/// exactly as `fetch_lfw_people` orders it: people sorted by folder name, their
/// files sorted, people with fewer than `min_faces_per_person` pictures
/// dropped, names with `_` turned into spaces and sorted (labels index them),
/// then all images permuted by `numpy.random.RandomState(42).shuffle`.
pub fn load(dir: &Path, opts: &LfwOptions) -> Result<Dataset> {
    opts.prepare.validate()?;
    let people = scan_people(dir, false)?;
    let mut names = Vec::new();
    let mut files = Vec::new();
    for (name, pics) in people {
        if pics.is_empty() && opts.min_faces_per_person == 0 {
            return Err(DataError::bad(
                &dir.join(&name),
                "person folder holds no image",
            ));
        }
        if pics.len() >= opts.min_faces_per_person && !pics.is_empty() {
            let name = name.replace('_', " ");
            for f in pics {
                names.push(name.clone());
                files.push(f);
            }
        }
    }
    if files.is_empty() {
        return Err(DataError::bad(
            dir,
            format!(
                "no person folder with at least {} images (is this an LFW folder?)",
                opts.min_faces_per_person
            ),
        ));
    }
    let mut classes = names.clone();
    classes.sort();
    classes.dedup();
    if classes.len() > usize::from(u16::MAX) {
        return Err(DataError::bad(dir, "more than 65535 people"));
    }
    let (height, width, loaded) = load_images(&files, &opts.prepare, opts.skip_corrupt)?;
    let mut labels = Vec::with_capacity(loaded.len());
    let mut pixels = Vec::with_capacity(loaded.len());
    for (i, px) in loaded {
        labels.push(classes.binary_search(&names[i]).unwrap_or(0) as u16);
        pixels.push(px);
    }
    let perm = RandomState::new(42).permutation(labels.len());
    let d = height * width;
    let mut images = Vec::with_capacity(perm.len() * d);
    for &i in &perm {
        images.extend_from_slice(&pixels[i]);
    }
    let labels = perm.iter().map(|&i| labels[i]).collect();
    Ok(Dataset {
        images,
        labels,
        class_names: classes,
        height,
        width,
        source: format!(
            "lfw {} (min_faces_per_person {}, {}; sklearn's order)",
            dir.display(),
            opts.min_faces_per_person,
            opts.prepare
        ),
    })
}

/// True when `dir` looks like an LFW folder: person folders named like
/// `First_Last` holding `First_Last_NNNN.jpg`.
pub fn is_lfw_dir(dir: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .take(3)
        .any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            e.path().join(format!("{name}_0001.jpg")).is_file()
        })
}
