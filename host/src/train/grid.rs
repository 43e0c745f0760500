//! `facenmf models`: the device models over a grid of thumbnail sizes,
//! component counts and gallery strategies — accuracy (inductive, through the
//! chip's pipeline) against flash, RAM and multiply-adds per face — and the
//! one picked for an STM32F407 (model ≤ 512 KB of flash, buffers and gallery
//! ≤ 64 KB of RAM).

use std::fmt::Write as _;

use anyhow::{ensure, Result};
use serde::{Deserialize, Serialize};

use super::{assemble, fit_basis, split, GalleryKind, Spec};
use crate::budget::{Budget, Shape};
use crate::chip::{self, Chip};
use crate::data::Dataset;

/// Flash the model may take on the STM32F407 (half its 1 MB).
pub const FLASH_LIMIT: usize = 512 * 1024;
/// RAM the buffers and gallery may take (a third of its 192 KB).
pub const RAM_LIMIT: usize = 64 * 1024;
/// Run-time templates the firmware keeps room for (counted in RAM).
pub const ENROLL_ROOM: usize = 16;

/// One device model of the grid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Thumbnail height and width.
    pub thumb: (usize, usize),
    /// Components asked for and kept.
    pub k: usize,
    /// Gallery strategy.
    pub gallery: GalleryKind,
    /// Templates.
    pub n: usize,
    /// Comparison dimensions.
    pub m: usize,
    /// Test accuracy through the chip's pipeline.
    pub accuracy: f64,
    /// Mean encoder sweeps on the test split.
    pub mean_sweeps: f64,
    /// Flash, RAM and multiply-adds at the mean sweeps.
    pub budget: Budget,
    /// Within the STM32F407 limits.
    pub fits: bool,
}

/// Runs the grid on `ds` with `base` for everything but size, K and gallery.
pub fn run(
    ds: &Dataset,
    base: &Spec,
    thumbs: &[(usize, usize)],
    ks: &[usize],
    progress: bool,
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for &thumb in thumbs {
        for &k in ks {
            let d = base.features.extractor(thumb.1, thumb.0)?.output_len();
            let shape = Shape {
                d,
                work: if base.features.is_raw() {
                    d
                } else {
                    thumb.0 * thumb.1 + d
                },
                k,
                m: k,
                map: base.lda,
                n: ds.class_names.len(),
                c: 0,
                quant: base.quant,
                map_quant: base.quant,
                method: base.method,
            };
            if shape.budget(0, 0).flash_bytes > 2 * FLASH_LIMIT {
                continue; // the basis alone cannot fit: do not fit it
            }
            let mut spec = base.clone();
            spec.thumb = thumb;
            spec.nmf.n_components = k;
            let (train, test) = split(ds, &spec)?;
            let basis = fit_basis(&train, &spec)?;
            for gallery in [
                GalleryKind::ClassMeans,
                GalleryKind::Prototypes,
                GalleryKind::AllFaces,
            ] {
                spec.gallery = gallery;
                let model = assemble(ds, &train, &basis, &spec)?;
                ensure!(!test.is_empty(), "no test image");
                let seen = Chip::new(&model)?.see_all(&test, f32::INFINITY)?;
                let accuracy = chip::accuracy_of(&seen, &test.labels);
                let sweeps: f64 = seen.iter().map(|s| f64::from(s.embedding.sweeps)).sum();
                let mean_sweeps = sweeps / test.len() as f64;
                let budget = Shape::of(&model).budget(mean_sweeps.round() as usize, ENROLL_ROOM);
                let row = Row {
                    thumb,
                    k: model.k,
                    gallery,
                    n: model.templates.len(),
                    m: model.m(),
                    accuracy,
                    mean_sweeps,
                    budget,
                    fits: budget.flash_bytes <= FLASH_LIMIT && budget.ram_bytes <= RAM_LIMIT,
                };
                if progress {
                    eprintln!("{}", line(&row));
                }
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// The most accurate row that fits; ties go to the smaller flash.
pub fn pick(rows: &[Row]) -> Option<&Row> {
    rows.iter().filter(|r| r.fits).max_by(|a, b| {
        a.accuracy
            .total_cmp(&b.accuracy)
            .then(b.budget.flash_bytes.cmp(&a.budget.flash_bytes))
    })
}

pub fn line(r: &Row) -> String {
    format!(
        "| {}x{} | {} | {:?} | {} | {:.1}% | {:.0} | {:.1} | {:.1} | {} | {} |",
        r.thumb.0,
        r.thumb.1,
        r.k,
        r.gallery,
        r.n,
        100.0 * r.accuracy,
        r.mean_sweeps,
        r.budget.flash_bytes as f64 / 1024.0,
        r.budget.ram_bytes as f64 / 1024.0,
        r.budget.macs,
        if r.fits { "yes" } else { "no" }
    )
}

/// The grid as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| thumbnail | K | gallery | templates | accuracy | sweeps | flash KB | RAM KB | MAC/face | fits F407 |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in rows {
        let _ = writeln!(s, "{}", line(r));
    }
    s
}

/// Accuracy against flash, one series per gallery strategy and thumbnail size.
pub fn plot(rows: &[Row], title: &str, path: &std::path::Path) -> Result<()> {
    let mut series: Vec<crate::plot::Series> = Vec::new();
    for r in rows {
        let name = format!(
            "{}x{} {}",
            r.thumb.0,
            r.thumb.1,
            match r.gallery {
                GalleryKind::ClassMeans => "class means",
                GalleryKind::AllFaces => "every face",
                GalleryKind::Prototypes => "3 prototypes",
            }
        );
        let point = (r.budget.flash_bytes as f64 / 1024.0, 100.0 * r.accuracy);
        match series.iter_mut().find(|s| s.name == name) {
            Some(s) => s.points.push(point),
            None => series.push(crate::plot::Series {
                name,
                points: vec![point],
                scatter: false,
            }),
        }
    }
    let chart = crate::plot::Chart {
        title: title.to_string(),
        x_label: "Model flash (KB); the STM32F407 has 512".to_string(),
        y_label: "Accuracy, chip pipeline (%)".to_string(),
        series,
    };
    crate::plot::write(&chart, path)
}
