//! Training thumbnails cut where the locator finds the face: each training
//! photo (an LFW JPEG of the trainer's training split) made into camera-like
//! frames ([`crate::frames::make::face_frame`]), the locator run on each, and
//! the model's thumbnail taken at the located region, as the chip takes it.
//! A model given these learns the geometry (and exposure) it will see on
//! located faces. Only frames whose chosen face passes the "located"
//! rule are kept (a false detection teaches nothing about the person).
//! With [`LocatedFaces::jitter`] the faces are cut at their true boxes moved
//! by other frames' located errors instead (the same error distribution).

use std::path::Path;

use anyhow::{bail, Context, Result};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use rayon::prelude::*;

use crate::data::Dataset;
use crate::frames::make::{face_frame, read_photo, Frame, Settings};
use crate::frames::rng::FrameRng;
use crate::frames::split::Photo;
use crate::frames::TruthBox;
use crate::locate::boxerror::{BoxError, Parts};
use crate::locate::config::HostLocator;
use crate::locate::endtoend::truth_crop;
use crate::locate::recognise::{locate, model_crop};
use crate::locate::score::is_located;
use crate::model::Geometry;

/// Where located training faces come from and how many.
#[derive(Debug, Clone)]
pub struct LocatedFaces {
    /// The locator (its box map fitted on training frames).
    pub locator: HostLocator,
    /// Frames made of each training photo.
    pub copies: usize,
    /// Seed of the frames (frame `i · copies + c` of photo `i`).
    pub seed: u64,
    /// Cut each face at its true box moved by the located error of the
    /// next located frame (in frame order, wrapping) instead of at its own
    /// located region: the locator's error distribution without its
    /// dependence on the face.
    pub jitter: bool,
}

/// What [`thumbnails`] made.
#[derive(Debug, Clone)]
pub struct Located {
    /// The thumbnails with their labels (`classes` order).
    pub thumbs: Dataset,
    /// Frames made.
    pub frames: usize,
    /// Of them, with the face located and kept.
    pub kept: usize,
}

/// The located thumbnails of `photos` (name, JPEG) for a model of geometry
/// `g` whose people are `classes`; every name must be one of them.
pub fn thumbnails(
    photos: &[Photo],
    classes: &[String],
    g: &Geometry,
    how: &LocatedFaces,
) -> Result<Located> {
    if how.copies == 0 {
        bail!("--located-copies must be at least 1");
    }
    let settings = Settings::default();
    let loc = &how.locator;
    if (loc.width, loc.height) != (settings.width, settings.height) {
        bail!(
            "the locator takes {} x {} frames, the frames are {} x {}",
            loc.width,
            loc.height,
            settings.width,
            settings.height
        );
    }
    let d = g.d();
    // Frame `c` of photo `i` with the photo's label; the photo decoded anew
    // each time (frames are a function of the seed and the index only).
    let frame_of = |i: usize, c: usize| -> Result<(u16, Frame)> {
        let (name, path) = &photos[i];
        let label = classes.binary_search(name).ok().with_context(|| {
            format!(
                "{}: {name} is not one of the model's people",
                path.display()
            )
        })? as u16;
        let photo = read_photo(path)?;
        let index = (i * how.copies + c) as u64;
        let rng = &mut FrameRng::for_item(how.seed, index);
        Ok((label, face_frame(&photo, &settings, rng)))
    };
    // Every frame's true box and located region (located frames only).
    let found: Vec<(usize, usize, TruthBox, Crop)> = (0..photos.len() * how.copies)
        .into_par_iter()
        .map(|n| -> Result<Option<(usize, usize, TruthBox, Crop)>> {
            let (i, c) = (n / how.copies, n % how.copies);
            let (_, frame) = frame_of(i, c)?;
            let Some(truth) = frame.face else {
                return Ok(None);
            };
            let Some((region, _)) = locate(loc, &frame.pixels)? else {
                return Ok(None);
            };
            Ok(is_located(&region, &truth).then_some((i, c, truth, region)))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let cut = |k: usize| -> Result<(u16, Vec<f32>)> {
        let (i, c, truth, region) = found[k];
        let (label, frame) = frame_of(i, c)?;
        let region = if how.jitter {
            let (_, _, t, r) = found[(k + 1) % found.len()];
            let moved = BoxError::of(&r, &t).apply(&truth, Parts::All);
            truth_crop(&moved, settings.width, settings.height)
        } else {
            region
        };
        let crop = model_crop(region, g);
        let t = Thumbnailer::new_checked(
            settings.width,
            settings.height,
            PixelFormat::Gray8,
            crop,
            g.width,
            g.height,
        )
        .map_err(|e| anyhow::anyhow!("thumbnail of crop {crop:?}: {e}"))?;
        let mut thumb = vec![0.0f32; d];
        t.run(&frame.pixels, &mut thumb)
            .map_err(|e| anyhow::anyhow!("thumbnail: {e}"))?;
        Ok((label, thumb))
    };
    let per_frame: Vec<(u16, Vec<f32>)> = (0..found.len())
        .into_par_iter()
        .map(cut)
        .collect::<Result<_>>()?;
    let mut images = Vec::new();
    let mut labels = Vec::new();
    for (label, thumb) in per_frame {
        images.extend(thumb);
        labels.push(label);
    }
    let kept = labels.len();
    Ok(Located {
        thumbs: Dataset {
            images,
            labels,
            class_names: classes.to_vec(),
            height: g.height,
            width: g.width,
            source: "located training faces".to_string(),
        },
        frames: photos.len() * how.copies,
        kept,
    })
}

/// The located thumbnails of the training photos under `from` (an LFW JPEG
/// folder with the people of `classes`) for the trainer's split `split`
/// with at most `max_per_person` photos a person.
pub fn of_training_split(
    from: &Path,
    classes: &[String],
    split: crate::model::SplitInfo,
    max_per_person: Option<usize>,
    g: &Geometry,
    how: &LocatedFaces,
) -> Result<Located> {
    let photos = crate::frames::split::split_photos(from, classes, split, max_per_person)?;
    thumbnails(&photos.train, classes, g, how)
}
