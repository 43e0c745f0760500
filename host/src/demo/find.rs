//! Where the demo's faces come from, in this order: `--data`; Olivetti in
//! `$FACENMF_DATA` or the cache (as `facenmf fetch` leaves it); Olivetti
//! downloaded (1.4 MB, sha256-checked) unless `--offline`; and when none of
//! that works, synthetic faces, said loudly.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::data::fetch::{self, Remote};
use crate::data::source::{self, LoadOptions};
use crate::data::Dataset;
use crate::synthetic;

/// The faces the demo runs on and where they came from.
#[derive(Debug)]
pub struct Found {
    /// The images.
    pub ds: Dataset,
    /// A one-line account of where they came from.
    pub origin: String,
    /// True when they are the synthetic generator's, not real faces.
    pub synthetic: bool,
    /// Strangers from a second dataset (`--strangers`), if given.
    pub strangers: Option<Strangers>,
}

/// The strangers of `--strangers DIR`: images of the known people's size.
#[derive(Debug)]
pub struct Strangers {
    /// The images.
    pub ds: Dataset,
    /// A one-line account of where they came from.
    pub origin: String,
}

/// Loads the strangers of `dir`, refusing images of another size than the
/// known people's `known`.
pub fn strangers(dir: &Path, known: &Dataset) -> Result<Strangers> {
    let ds = source::load(dir, &LoadOptions::default())
        .with_context(|| format!("loading the strangers (--strangers {})", dir.display()))?;
    anyhow::ensure!(
        (ds.height, ds.width) == (known.height, known.width),
        "the strangers (--strangers {}) are {}x{} images but the known people's are {}x{}: make both with the same cut and size",
        dir.display(),
        ds.height,
        ds.width,
        known.height,
        known.width
    );
    Ok(Strangers {
        origin: format!("{} ({})", dir.display(), ds.source),
        ds,
    })
}

/// Olivetti as a cache folder or `.mat` under `home`, if there.
fn olivetti_in(home: &Path) -> Option<PathBuf> {
    let dir = home.join("olivetti");
    [dir.join("meta.json"), dir.join("olivettifaces.mat")]
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| {
            if p.ends_with("meta.json") {
                dir.clone()
            } else {
                p
            }
        })
}

/// The synthetic faces of the demo: 40 people, 12 images each, 64 x 64.
pub fn synthetic_faces() -> Dataset {
    synthetic::generate(&synthetic::Spec {
        people: 40,
        per_person: 12,
        ..synthetic::Spec::default()
    })
}

/// The loud notice printed (and written in the summary) on synthetic faces.
pub const SYNTHETIC_NOTICE: &str = "\
!!! SYNTHETIC FACES: no real face data was found, so this demo runs on faces drawn by
!!! facenmf's generator (host/src/synthetic.rs). Its accuracy says nothing about real faces.
!!! For real data: `cargo run --release -p facenmf-host -- fetch olivetti` (1.4 MB),
!!! or pass SOURCE (an olivettifaces.mat, an LFW folder, a folder of person folders),
!!! or set FACENMF_DATA to a folder holding `olivetti/`.";

/// Finds the faces: `data` if given, else Olivetti locally, else a download
/// (not when `offline`), else synthetic faces. `synthetic` forces the last.
pub fn find(data: Option<&Path>, synthetic: bool, offline: bool) -> Result<Found> {
    if synthetic {
        return Ok(Found {
            ds: synthetic_faces(),
            origin: "synthetic faces (asked for with --synthetic)".into(),
            synthetic: true,
            strangers: None,
        });
    }
    if let Some(path) = data {
        let ds = source::load(path, &LoadOptions::default())
            .with_context(|| format!("loading {}", path.display()))?;
        return Ok(Found {
            origin: format!("{} ({})", path.display(), ds.source),
            ds,
            synthetic: false,
            strangers: None,
        });
    }
    let home = fetch::data_home().ok();
    if let Some(path) = home.as_deref().and_then(olivetti_in) {
        let ds = source::load(&path, &LoadOptions::default())
            .with_context(|| format!("loading {}", path.display()))?;
        return Ok(Found {
            origin: format!("Olivetti at {}", path.display()),
            ds,
            synthetic: false,
            strangers: None,
        });
    }
    let mut why = match &home {
        Some(h) => format!("no Olivetti in {}", h.display()),
        None => "no data folder (FACENMF_DATA unset and no cache directory)".to_string(),
    };
    if let (false, Some(h)) = (offline, &home) {
        eprintln!(
            "demo: downloading Olivetti (1.4 MB) into {} ...",
            h.display()
        );
        match fetch::fetch(&Remote::olivetti(), h, true) {
            Ok(path) => {
                let ds = source::load(&path, &LoadOptions::default())
                    .with_context(|| format!("loading {}", path.display()))?;
                return Ok(Found {
                    origin: format!("Olivetti downloaded to {}", path.display()),
                    ds,
                    synthetic: false,
                    strangers: None,
                });
            }
            Err(e) => why = format!("{why}; the download failed: {e}"),
        }
    } else if offline {
        why.push_str("; --offline: no download");
    }
    Ok(Found {
        ds: synthetic_faces(),
        origin: format!("synthetic faces ({why})"),
        synthetic: true,
        strangers: None,
    })
}
