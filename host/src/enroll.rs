//! Enrolling people into a trained model from a few photos, after training:
//! each photo goes through the chip's own path (frame of the model's size →
//! [`facenmf_core::thumbnail`] → encoder → projection → map), and the
//! person's templates are added to the model's gallery.
//!
//! The basis and the map stay as trained; a newcomer is described in the
//! space they span. How well that works for people the basis never saw is
//! measured by `facenmf openset` (the enrolment curve).

use std::path::PathBuf;

use anyhow::{anyhow, bail, ensure, Context, Result};

use crate::data::lfw::Slice;
use crate::data::photo::{read_frame, PhotoOptions};
use crate::data::Dataset;
use crate::model::{Model, Template};

/// Which templates a newcomer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateMode {
    /// One template, the mean of the photos' vectors (like a class-means gallery).
    Mean,
    /// One template per photo (like an all-faces gallery).
    Each,
}

/// The chip's vectors (`n × M`) of frames already at the model's frame size
/// (`frames.height × frames.width`, values in `[0, 1]`).
pub fn vectors(model: &Model, frames: &Dataset) -> Result<Vec<f32>> {
    let g = &model.geometry;
    ensure!(
        (frames.height, frames.width) == (g.frame_height, g.frame_width),
        "frames are {}x{} but the model takes {}x{} frames",
        frames.height,
        frames.width,
        g.frame_height,
        g.frame_width
    );
    let thumbs = frames.thumbnails(g.crop(), g.height, g.width)?;
    crate::chip::Chip::new(model)?.vectors(&thumbs)
}

/// The templates of one person from their vectors (`n × M`, `n ≥ 1`).
pub fn templates(
    label: u16,
    vectors: &[f32],
    m: usize,
    mode: TemplateMode,
) -> Result<Vec<Template>> {
    ensure!(
        m > 0 && !vectors.is_empty() && vectors.len().is_multiple_of(m),
        "enrolment needs at least one vector of length {m}"
    );
    if let Some(i) = vectors.iter().position(|v| !v.is_finite()) {
        bail!("vector {} of the enrolled photos is NaN or infinite", i / m);
    }
    Ok(match mode {
        TemplateMode::Each => vectors
            .chunks(m)
            .map(|v| Template {
                label,
                vector: v.to_vec(),
            })
            .collect(),
        TemplateMode::Mean => {
            let n = (vectors.len() / m) as f64;
            let mean = (0..m)
                .map(|j| {
                    (vectors
                        .iter()
                        .skip(j)
                        .step_by(m)
                        .map(|&x| f64::from(x))
                        .sum::<f64>()
                        / n) as f32
                })
                .collect();
            vec![Template {
                label,
                vector: mean,
            }]
        }
    })
}

/// Adds `name` with the templates of `vectors` to `model`; returns the new
/// label. The model is unchanged on error (empty or duplicate name, bad
/// vectors, too many classes).
pub fn add_person(
    model: &mut Model,
    name: &str,
    vectors: &[f32],
    mode: TemplateMode,
) -> Result<u16> {
    let name = name.trim();
    ensure!(!name.is_empty(), "the person's name is empty");
    if model.class_names.iter().any(|n| n == name) {
        bail!(
            "`{name}` is already in the model (label {}); choose another name",
            model
                .class_names
                .iter()
                .position(|n| n == name)
                .unwrap_or(0)
        );
    }
    let label = u16::try_from(model.class_names.len())
        .ok()
        .filter(|&l| l < u16::MAX)
        .ok_or_else(|| anyhow!("the model already holds {} people", model.class_names.len()))?;
    let new = templates(label, vectors, model.m(), mode)?;
    model.class_names.push(name.to_string());
    model.templates.extend(new);
    if let Err(e) = model.validate() {
        model.class_names.pop();
        model.templates.retain(|t| t.label != label);
        return Err(e.context(format!("enrolling `{name}`")));
    }
    Ok(label)
}

/// Reads photos as frames of the model: decoded, optionally cut to `slice`,
/// resized (Pillow-style bicubic) to the model's frame size, gray in `[0, 1]`.
pub fn read_photos(model: &Model, paths: &[PathBuf], slice: Option<Slice>) -> Result<Dataset> {
    ensure!(!paths.is_empty(), "no photo given");
    let g = &model.geometry;
    let opts = PhotoOptions {
        slice,
        exact: false,
    };
    let mut images = Vec::with_capacity(paths.len() * g.frame_height * g.frame_width);
    for path in paths {
        let pixels = read_frame(path, (g.frame_height, g.frame_width), opts)
            .with_context(|| format!("reading photo {}", path.display()))?;
        images.extend(pixels);
    }
    Ok(Dataset {
        images,
        labels: vec![0; paths.len()],
        class_names: vec!["photos".into()],
        height: g.frame_height,
        width: g.frame_width,
        source: format!("{} photos", paths.len()),
    })
}
