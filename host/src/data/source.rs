//! One entry point for every source: detect what a path holds (cache folder,
//! LFW folder, Olivetti `.mat`, image folder) or take it from `format`, load it
//! with the given options, then apply the per-person selections.

use super::lfw::{self, LfwOptions, Prepare, Slice};
use super::{cache, folder, olivetti, DataError, Dataset, Result};
use std::path::{Path, PathBuf};

/// The kinds of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A raw cache folder (`images.u8`, `labels.u8`, `meta.json`).
    Cache,
    /// An LFW folder (`<First_Last>/<First_Last>_NNNN.jpg`), loaded as scikit-learn does.
    Lfw,
    /// scikit-learn's `olivettifaces.mat`.
    Mat,
    /// A folder with one sub-folder of pictures per person.
    Folder,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Cache => "cache",
            Format::Lfw => "lfw",
            Format::Mat => "mat",
            Format::Folder => "folder",
        })
    }
}

/// Options of [`load`]; `None` means the source's default.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadOptions {
    /// The kind of source, or detect it.
    pub format: Option<Format>,
    /// Keep people with at least this many images.
    pub min_faces_per_person: Option<usize>,
    /// Resize factor (LFW default 0.5; image folders default none).
    pub resize: Option<f64>,
    /// Cut (LFW default rows 70..195, columns 78..172; image folders default none).
    pub slice: Option<Slice>,
    /// Fixed output size (height, width) instead of a factor.
    pub size: Option<(usize, usize)>,
    /// Keep the first N images of each person, in dataset order.
    pub max_per_person: Option<usize>,
    /// Skip undecodable pictures with a warning instead of failing.
    pub skip_corrupt: bool,
}

/// What `path` holds, by looking at it. LFW is also found one or two levels
/// down (`lfw_home/lfw_funneled`, as scikit-learn and `facenmf fetch` lay it out).
pub fn detect(path: &Path) -> Result<(Format, PathBuf)> {
    if !path.exists() {
        return Err(DataError::bad(path, "no such file or folder"));
    }
    if path.is_file() {
        let mut head = [0u8; 6];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| DataError::io(path, e))?;
        if head[..n].starts_with(b"MATLAB")
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("mat"))
        {
            return Ok((Format::Mat, path.to_path_buf()));
        }
        return Err(DataError::bad(
            path,
            "is a file, but not a MATLAB .mat file; give a folder or a .mat file",
        ));
    }
    if cache::is_cache_dir(path) {
        return Ok((Format::Cache, path.to_path_buf()));
    }
    if lfw::is_lfw_dir(path) {
        return Ok((Format::Lfw, path.to_path_buf()));
    }
    for sub in [
        "lfw_funneled",
        "lfw",
        "lfw_home/lfw_funneled",
        "lfw_home/lfw",
    ] {
        let p = path.join(sub);
        if lfw::is_lfw_dir(&p) {
            return Ok((Format::Lfw, p));
        }
    }
    let mat = path.join("olivettifaces.mat");
    if mat.is_file() {
        return Ok((Format::Mat, mat));
    }
    let has_subdirs = std::fs::read_dir(path)
        .map_err(|e| DataError::io(path, e))?
        .filter_map(|e| e.ok())
        .any(|e| e.path().is_dir());
    if has_subdirs {
        return Ok((Format::Folder, path.to_path_buf()));
    }
    Err(DataError::bad(
        path,
        "is neither a cache folder (meta.json + images.u8), an LFW folder, an olivettifaces.mat nor a folder of person folders",
    ))
}

/// Loads `path` with `opts`: the source's own loader, then `min_faces_per_person`
/// (for sources that do not do it themselves) and `max_per_person`.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Dataset> {
    let (format, path) = match opts.format {
        Some(f) => {
            if !path.exists() {
                return Err(DataError::bad(path, "no such file or folder"));
            }
            (f, path.to_path_buf())
        }
        None => detect(path)?,
    };
    let prepared = opts.resize.is_some() || opts.slice.is_some() || opts.size.is_some();
    let mut ds = match format {
        Format::Cache | Format::Mat => {
            if prepared {
                return Err(DataError::option(format!(
                    "--resize/--slice/--size apply to image folders (LFW, own pictures); the {format} images at {} are already prepared",
                    path.display()
                )));
            }
            let ds = if format == Format::Cache {
                cache::load(&path)?
            } else {
                olivetti::load_mat(&path)?
            };
            match opts.min_faces_per_person {
                Some(n) => ds.with_min_per_person(n),
                None => ds,
            }
        }
        Format::Lfw => {
            let d = LfwOptions::default();
            let prepare = Prepare {
                slice: opts.slice.or(d.prepare.slice),
                resize: if opts.size.is_some() {
                    None
                } else {
                    opts.resize.or(d.prepare.resize)
                },
                size: opts.size,
            };
            let o = LfwOptions {
                min_faces_per_person: opts.min_faces_per_person.unwrap_or(0),
                prepare,
                skip_corrupt: opts.skip_corrupt,
            };
            lfw::load(&path, &o)?
        }
        Format::Folder => {
            let o = folder::FolderOptions {
                prepare: Prepare {
                    slice: opts.slice,
                    resize: opts.resize,
                    size: opts.size,
                },
                min_images: opts.min_faces_per_person.unwrap_or(0),
                skip_corrupt: opts.skip_corrupt,
            };
            folder::load(&path, &o)?
        }
    };
    if let Some(n) = opts.max_per_person {
        if n == 0 {
            return Err(DataError::option("max_per_person must be at least 1"));
        }
        ds = ds.max_per_person(n);
    }
    Ok(ds)
}
