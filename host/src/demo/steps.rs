//! The demo's steps, one function each, in the order they run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use super::find::{Found, Strangers};
use super::report::{Accuracies, FirmwareRun, OpenSet, Summary};
use super::Options;
use crate::data::Dataset;
use crate::eval::sweep::{self, sweep_chart, SweepRow};
use crate::eval::{eval_nmf, eval_pca, EvalConfig, PcaFits, Recipe};
use crate::learn::knn::Metric;
use crate::model::Model;
use crate::openset::protocol::{self, Protocol};
use crate::openset::strangers;
use crate::train::Spec;
use facenmf_core::StopRule;

/// Seed of every split and fit of the demo.
const SEED: u32 = 8;
/// Share of images held out for testing.
const TEST_SIZE: f64 = 0.2;
/// Frames of known people and of strangers replayed on the chip, at most.
const CHIP_KNOWN: usize = 60;
const CHIP_STRANGERS: usize = 20;

/// Prints a step's header and returns when it started.
fn step(n: usize, what: &str) -> Instant {
    eprintln!("[{n}/6] {what}");
    Instant::now()
}

/// The pixel recipe for `ds`, what the study's steps evaluate and, without
/// `--strangers`, what the demo trains: [`Spec::raw`] with a thumbnail of 32
/// rows and the frames' aspect ratio (32 x 24 on LFW, 32 x 32 on Olivetti),
/// and at most one component a six training images (K = 96 on LFW, 40 on
/// Olivetti): with more, the basis of a small set is dense, the chip's
/// encoder needs more sweeps than its cap and `check` fails (measured on
/// Olivetti: K = 96 and 64 fail, 48 and 40 pass).
pub fn spec_for(ds: &Dataset) -> Spec {
    sized(
        ds,
        Spec::raw(),
        32,
        1.0 - Protocol::default().stranger_share,
    )
}

/// The device recipe for `ds` with every person known, what the demo
/// trains with `--strangers`: [`Spec::default`] (LBP over a 64-row
/// thumbnail, K = 192 on LFW) with the frames' aspect ratio and the same
/// cap on K as [`spec_for`].
pub fn device_spec_for(ds: &Dataset) -> Spec {
    sized(ds, Spec::default(), 64, 1.0)
}

/// `spec` with a thumbnail of `rows` rows in the frames' aspect ratio and K
/// at most one a six training images, when `share` of the images are known.
fn sized(ds: &Dataset, spec: Spec, rows: usize, share: f64) -> Spec {
    let w = ((rows * ds.width) as f64 / ds.height as f64).round() as usize;
    let mut spec = Spec {
        thumb: (rows, w.clamp(8, rows * 3 / 2)),
        ..spec
    };
    let n_train = (ds.len() as f64 * share * (1.0 - spec.test_size)) as usize;
    spec.nmf.n_components = (n_train / 6).clamp(16, spec.nmf.n_components);
    // As `facenmf train` and `facenmf openset` seed it, so they reproduce the demo.
    spec.nmf.seed = u64::from(spec.seed);
    spec.nmf.progress = true;
    spec
}

fn eval_config(spec: &Spec, k: usize) -> EvalConfig {
    EvalConfig {
        nmf: crate::nmf::NmfParams {
            n_components: k,
            progress: false,
            ..spec.nmf.clone()
        },
        knn_k: 1,
        metric: Metric::SquaredL2,
        transform_rule: StopRule::new(200, 1e-4),
        sketches: None,
        side_by_side: false,
        recipe: Some(Recipe::default()),
        inductive: true,
        transductive: true,
    }
}

/// Runs every step; see the module docs of [`super`].
pub fn all(args: &Options, found: &Found, started: Instant) -> Result<Summary> {
    let ds = &found.ds;
    let spec = spec_for(ds);
    let out = &args.out;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut seconds = Vec::new();

    let t = step(
        1,
        "evaluate NMF on the chip's thumbnails: both protocols, PCA, Fisherfaces",
    );
    let all_thumbs = ds.thumbnails(
        facenmf_core::thumbnail::Crop {
            x: 0,
            y: 0,
            width: ds.width,
            height: ds.height,
        },
        spec.thumb.0,
        spec.thumb.1,
    )?;
    let split = all_thumbs.train_test_split(TEST_SIZE, SEED, true)?;
    let k = spec.nmf.n_components.min(split.train_indices.len());
    let cfg = eval_config(&spec, k);
    let nmf = eval_nmf(&all_thumbs, &split.train_indices, &split.test_indices, &cfg)?;
    let fits = PcaFits::fit(
        &all_thumbs,
        &split.train_indices,
        k,
        cfg.transductive,
        u64::from(SEED),
    );
    let pca = eval_pca(
        &all_thumbs,
        &split.train_indices,
        &split.test_indices,
        &cfg,
        &fits,
    )?;
    seconds.push(("evaluate", t.elapsed().as_secs_f64()));

    let t = step(2, "sweep the number of components");
    let rows = sweep(&all_thumbs, &split, &spec, &args.sweep)?;
    let sweep_png = out.join("sweep.png");
    let title = format!(
        "{} images of {} people, {}x{} thumbnails: accuracy against the number of components",
        ds.len(),
        ds.class_names.len(),
        spec.thumb.0,
        spec.thumb.1
    );
    crate::plot::write(&sweep_chart(&rows, &title), &sweep_png)?;
    files.push(sweep_png);
    seconds.push(("sweep", t.elapsed().as_secs_f64()));

    let t = step(3, "train the device model; strangers and newcomers");
    let provenance = std::collections::BTreeMap::from([
        ("data".to_string(), found.origin.clone()),
        ("command".to_string(), "facenmf demo".to_string()),
    ]);
    let trained = match &found.strangers {
        None => held_out(ds, &spec, provenance)?,
        Some(st) => with_strangers(ds, st, provenance)?,
    };
    let model = &trained.model;
    let curve_png = out.join("openset.png");
    let curve = match &trained.open {
        OpenSet::HeldOut(r) => crate::openset::chart::chart(r),
        OpenSet::Strangers(r) => crate::openset::chart::strangers_chart(r),
    };
    crate::plot::write(&curve, &curve_png)?;
    files.push(curve_png);
    // A basis over pixels is a set of pictures; one over LBP histograms is not.
    let pictures = model.features == crate::features::FeatureChoice::Raw;
    if pictures {
        let (h, w) = (model.geometry.height, model.geometry.width);
        let comps_png = out.join("components.png");
        crate::eval::components::component_grid(&model.basis, h, w, None, &comps_png)?;
        files.push(comps_png);
    }
    seconds.push(("train", t.elapsed().as_secs_f64()));

    let t = step(
        4,
        "export the model for the firmware and check the kernel against float64",
    );
    let known_ds = &trained.known;
    let device = &trained.spec;
    let known_split = known_ds.train_test_split(device.test_size, device.seed, device.stratify)?;
    let test = crate::train::test_split(model, known_ds)?;
    let thumbs: Vec<Vec<f32>> = (0..test.len()).map(|i| test.image(i).to_vec()).collect();
    let check = crate::check::run(model, &thumbs)?;
    if pictures {
        let recon_png = out.join("reconstructions.png");
        reconstruction_figure(model, &test, &recon_png)?;
        files.push(recon_png);
    }
    let model_json = out.join("model.json");
    let model_rs = out.join("model.rs");
    crate::export::write(model, &model_rs)?;
    model.save(&model_json)?;
    files.extend([model_json, model_rs.clone()]);
    seconds.push(("export+check", t.elapsed().as_secs_f64()));

    let t = step(5, "run the firmware in QEMU and compare with the host");
    let strangers_ds = &trained.strangers;
    let firmware = if args.no_firmware {
        FirmwareRun::skipped("--no-firmware")
    } else {
        let known_test = known_ds.subset(&known_split.test_indices)?;
        let known = (known_test.frames(), known_test.labels.as_slice());
        firmware(model, &model_rs, known, &strangers_ds.frames(), out)?
    };
    if let Some(log) = &firmware.log {
        files.push(log.clone());
    }
    seconds.push(("firmware", t.elapsed().as_secs_f64()));

    let _ = step(6, "write the report");
    let accuracies = Accuracies::new(&nmf, &pca, &trained.open, k);
    let csv = out.join("accuracy.csv");
    crate::atomic::write(&csv, accuracies.csv().as_bytes())?;
    let sweep_csv = out.join("sweep.csv");
    crate::atomic::write(&sweep_csv, sweep::sweep_csv(&rows).as_bytes())?;
    files.extend([csv, sweep_csv]);
    let budget = crate::budget::Shape::of(model).budget(usize::from(model.max_sweeps), 0);
    Ok(Summary {
        data: found.origin.clone(),
        synthetic: found.synthetic,
        images: ds.len(),
        people: ds.class_names.len(),
        frame: (ds.height, ds.width),
        thumb: device.thumb,
        features: model.features.to_string(),
        k: model.k,
        accuracies,
        openset: trained.open,
        check,
        budget,
        firmware,
        files,
        seconds: seconds
            .into_iter()
            .map(|(s, v)| (s.to_string(), v))
            .collect(),
        total_seconds: started.elapsed().as_secs_f64(),
    })
}

/// The device model of step 3 and the people around it.
struct Trained {
    /// The recipe it was trained with.
    spec: Spec,
    /// The model, carrying the "unknown" threshold.
    model: Model,
    /// Strangers and newcomers measured.
    open: OpenSet,
    /// The known people's images (its training and test split).
    known: Dataset,
    /// Images of the strangers that measured the threshold.
    strangers: Dataset,
}

/// Step 3 without `--strangers`: a share of SOURCE's people held out as
/// strangers, the pixel recipe ([`spec_for`]).
fn held_out(
    ds: &Dataset,
    spec: &Spec,
    provenance: std::collections::BTreeMap<String, String>,
) -> Result<Trained> {
    let proto = Protocol {
        seed: SEED,
        ..Protocol::default()
    };
    let (model, open) = protocol::run(ds, spec, &proto, provenance)?;
    Ok(Trained {
        spec: spec.clone(),
        known: protocol::people_subset(ds, &open.people.enrolled)?,
        strangers: protocol::people_subset(ds, &open.people.evaluation)?,
        model,
        open: OpenSet::HeldOut(Box::new(open)),
    })
}

/// Step 3 with `--strangers DIR`: every SOURCE person known, the device
/// recipe ([`device_spec_for`]) with the device's decision, the strangers
/// split by person into a half that chooses the threshold and a half that
/// measures it and enrols as newcomers ([`crate::openset::strangers`]; no
/// cohort: the device's decision needs none; every calibration stranger
/// with two pictures or more teaches the LDA map, as `facenmf train
/// --strangers` does by default).
fn with_strangers(
    ds: &Dataset,
    st: &Strangers,
    mut provenance: std::collections::BTreeMap<String, String>,
) -> Result<Trained> {
    provenance.insert("strangers".to_string(), st.origin.clone());
    let spec = device_spec_for(ds);
    let opts = strangers::Options {
        seed: SEED,
        ..strangers::Options::default()
    };
    let st = &st.ds;
    let (model, open) = strangers::run(
        ds,
        st,
        &spec,
        &opts,
        crate::train::Extra::default(),
        provenance,
    )?;
    let first: Vec<usize> = (0..st.len())
        .filter(|&i| open.split.evaluation.contains(&st.labels[i]))
        .take(CHIP_STRANGERS)
        .collect();
    Ok(Trained {
        spec,
        model,
        open: OpenSet::Strangers(Box::new(open)),
        known: ds.clone(),
        strangers: st.subset(&first)?,
    })
}

/// The sweep: NMF (both protocols, recipe) and PCA at each component count.
fn sweep(
    ds: &Dataset,
    split: &crate::data::select::Split,
    spec: &Spec,
    ks: &[usize],
) -> Result<Vec<SweepRow>> {
    let bar = indicatif::ProgressBar::new(ks.len() as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "  sweep {bar:30} {pos}/{len} k = {msg} [{elapsed}]",
    ) {
        bar.set_style(style);
    }
    let mut rows = Vec::new();
    // One PCA fit at the largest count; each row truncates it.
    let k_max = ks
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .min(split.train_indices.len());
    let fits = PcaFits::fit(
        ds,
        &split.train_indices,
        k_max,
        eval_config(spec, k_max).transductive,
        u64::from(SEED),
    );
    for &k in ks {
        bar.set_message(k.to_string());
        let cfg = eval_config(spec, k.min(split.train_indices.len()));
        rows.push(SweepRow {
            components: k,
            nmf: eval_nmf(ds, &split.train_indices, &split.test_indices, &cfg)?,
            pca: Some(eval_pca(
                ds,
                &split.train_indices,
                &split.test_indices,
                &cfg,
                &fits,
            )?),
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(rows)
}

/// Original, reconstruction and residual of the first test face of each of
/// up to six people, with the chip's codes (before root and normalisation).
fn reconstruction_figure(model: &Model, test: &Dataset, path: &Path) -> Result<()> {
    let mut picked = Vec::new();
    for i in 0..test.len() {
        if picked.len() < 6
            && !picked
                .iter()
                .any(|&j: &usize| test.labels[j] == test.labels[i])
        {
            picked.push(i);
        }
    }
    let faces = test.subset(&picked)?;
    let codes: Vec<f32> = crate::chip::Chip::new(model)?
        .see_all(&faces, f32::INFINITY)?
        .into_iter()
        .flat_map(|s| s.embedding.raw)
        .collect();
    let (h, w) = (model.geometry.height, model.geometry.width);
    crate::eval::components::reconstructions(&faces.images, &codes, &model.basis, h, w, path)
}

/// Builds the QEMU board with `model` and as many frames of known people
/// and strangers as fit its flash, runs it, compares with the host.
/// `known` are frames with their true labels.
fn firmware(
    model: &Model,
    model_rs: &Path,
    (known, labels): (Vec<Vec<u8>>, &[u16]),
    strangers: &[Vec<u8>],
    out: &Path,
) -> Result<FirmwareRun> {
    use crate::qemu;
    let Some(dir) = qemu::firmware_dir() else {
        return Ok(FirmwareRun::skipped(
            "the firmware sources are not next to this binary (run the demo from a clone of the repository)",
        ));
    };
    let missing = qemu::missing_tools(false);
    if !missing.is_empty() {
        let why = format!("missing {}", missing.join(", "));
        eprintln!("\n!!! the firmware step is SKIPPED: {why}\n");
        return Ok(FirmwareRun::skipped(&why));
    }
    let frame_bytes = known.first().or(strangers.first()).map_or(1, Vec::len);
    let room = qemu::frames_room(model, frame_bytes);
    let n_known = known.len().min(CHIP_KNOWN).min(room * 3 / 4);
    let n_strangers = strangers.len().min(CHIP_STRANGERS).min(room - n_known);
    let frames: Vec<Vec<u8>> = known[..n_known]
        .iter()
        .chain(&strangers[..n_strangers])
        .cloned()
        .collect();
    anyhow::ensure!(
        !frames.is_empty(),
        "no frame fits the board's flash next to the model"
    );
    let replay = qemu::replay(&dir, model, model_rs, &frames, out)?;
    let chip = &replay.chip;
    let known_named = chip.frames[..n_known]
        .iter()
        .zip(labels)
        .filter(|(c, &l)| c.known && c.label == l)
        .count();
    let strangers_unknown = chip.frames[n_known..].iter().filter(|c| !c.known).count();
    Ok(FirmwareRun {
        skipped: None,
        known_frames: n_known,
        stranger_frames: n_strangers,
        agreement: Some(replay.agreement),
        known_named,
        strangers_unknown,
        mean_ticks: replay.mean_ticks,
        mean_instructions: replay.mean_instructions,
        build_seconds: replay.build_seconds,
        run_seconds: replay.run_seconds,
        log: Some(replay.log.clone()),
    })
}
