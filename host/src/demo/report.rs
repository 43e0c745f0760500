//! The demo's report: what it measured ([`Summary`]), as text for the
//! terminal and `summary.md`, and as `summary.json`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use crate::budget::Budget;
use crate::check::CheckReport;
use crate::eval::{NmfEval, PcaEval};
use crate::openset::protocol::Report as OpenSetReport;
use crate::openset::strangers::Report as StrangersReport;
use crate::qemu::Agreement;

/// One line of the accuracy table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The method.
    pub method: String,
    /// Fit on the training split, test images encoded (what a device does).
    pub inductive: Option<f64>,
    /// Fit on all images, then split (the study's protocol).
    pub transductive: Option<f64>,
}

/// The accuracy table.
#[derive(Debug, Clone, Serialize)]
pub struct Accuracies {
    /// Components of NMF and PCA.
    pub components: usize,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Accuracies {
    /// The table of one evaluation split and the device model.
    pub fn new(nmf: &NmfEval, pca: &PcaEval, open: &OpenSet, k: usize) -> Self {
        let row = |m: &str, i: Option<f64>, t: Option<f64>| Row {
            method: m.to_string(),
            inductive: i,
            transductive: t,
        };
        Self {
            components: k,
            rows: vec![
                row(
                    "NMF codes, 1-NN",
                    nmf.accuracy.inductive,
                    nmf.accuracy.transductive,
                ),
                row(
                    "NMF codes, power 0.7, L2, LDA, Parzen over copies",
                    nmf.recipe_accuracy,
                    None,
                ),
                row(
                    "PCA, 1-NN",
                    pca.accuracy.inductive,
                    pca.accuracy.transductive,
                ),
                row(
                    "PCA whitened, 1-NN",
                    pca.whiten_accuracy.inductive,
                    pca.whiten_accuracy.transductive,
                ),
                row("Fisherfaces", Some(pca.fisherfaces), None),
                row(
                    "device model (chip pipeline, enrolled people)",
                    Some(open.closed_set_accuracy()),
                    None,
                ),
            ],
        }
    }

    /// The table as CSV.
    pub fn csv(&self) -> String {
        let o = |v: Option<f64>| v.map_or(String::new(), |a| format!("{a:.4}"));
        let mut s = String::from("method,components,inductive,transductive\n");
        for r in &self.rows {
            let _ = writeln!(
                s,
                "\"{}\",{},{},{}",
                r.method,
                self.components,
                o(r.inductive),
                o(r.transductive)
            );
        }
        s
    }
}

/// The firmware step.
#[derive(Debug, Clone, Serialize)]
pub struct FirmwareRun {
    /// Why it did not run.
    pub skipped: Option<String>,
    /// Frames of enrolled people replayed.
    pub known_frames: usize,
    /// Frames of strangers replayed.
    pub stranger_frames: usize,
    /// Chip against host.
    pub agreement: Option<Agreement>,
    /// Known frames the chip named correctly (within the threshold).
    pub known_named: usize,
    /// Stranger frames the chip called unknown.
    pub strangers_unknown: usize,
    /// Mean SysTick ticks an inference.
    pub mean_ticks: f64,
    /// Mean instructions an inference, from the ticks
    /// ([`crate::qemu::INSTRUCTIONS_PER_TICK`]).
    pub mean_instructions: f64,
    /// Seconds to build the firmware.
    pub build_seconds: f64,
    /// Seconds of the QEMU run.
    pub run_seconds: f64,
    /// The board's output.
    pub log: Option<PathBuf>,
}

impl FirmwareRun {
    /// A step that did not run, and why.
    pub fn skipped(why: &str) -> Self {
        Self {
            skipped: Some(why.to_string()),
            known_frames: 0,
            stranger_frames: 0,
            agreement: None,
            known_named: 0,
            strangers_unknown: 0,
            mean_ticks: 0.0,
            mean_instructions: 0.0,
            build_seconds: 0.0,
            run_seconds: 0.0,
            log: None,
        }
    }
}

/// The open-set step: strangers held out of SOURCE's own people, or the
/// people of a second dataset (`--strangers`). In `summary.json` the
/// report's own fields.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum OpenSet {
    /// A share of SOURCE's people held out ([`crate::openset::protocol`]).
    HeldOut(Box<OpenSetReport>),
    /// Strangers from a second dataset ([`crate::openset::strangers`]).
    Strangers(Box<StrangersReport>),
}

impl OpenSet {
    /// Known probes named correctly with no threshold.
    pub fn closed_set_accuracy(&self) -> f64 {
        match self {
            Self::HeldOut(r) => r.closed_set_accuracy,
            Self::Strangers(r) => r.closed_set_accuracy,
        }
    }
}

/// Everything the demo measured and wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Where the faces came from.
    pub data: String,
    /// True on synthetic faces.
    pub synthetic: bool,
    /// Images.
    pub images: usize,
    /// People.
    pub people: usize,
    /// Frame height and width.
    pub frame: (usize, usize),
    /// Thumbnail height and width on the chip.
    pub thumb: (usize, usize),
    /// What the device model's NMF is fitted on (`raw`, `lbp:6x5`).
    pub features: String,
    /// Components of the device model.
    pub k: usize,
    /// The accuracy table.
    pub accuracies: Accuracies,
    /// Strangers and newcomers.
    pub openset: OpenSet,
    /// The kernel against float64.
    pub check: CheckReport,
    /// Flash, RAM, multiply-adds of the device model.
    pub budget: Budget,
    /// The firmware in QEMU.
    pub firmware: FirmwareRun,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Seconds of each step.
    pub seconds: Vec<(String, f64)>,
    /// Seconds of the whole demo.
    pub total_seconds: f64,
}

fn pct(v: Option<f64>) -> String {
    match v {
        Some(a) if a.is_finite() => format!("{:.1}%", 100.0 * a),
        _ => "-".into(),
    }
}

/// The summary as Markdown (also what the terminal shows).
pub fn text(s: &Summary) -> String {
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(w, "# facenmf demo\n");
    if s.synthetic {
        let _ = writeln!(
            w,
            "**SYNTHETIC FACES**: the figures below say nothing about real faces.\n"
        );
    }
    let _ = writeln!(
        w,
        "Data: {} — {} images of {} people, {}x{} pixels. Device thumbnail {}x{}, features {}, K = {}.\n",
        s.data,
        s.images,
        s.people,
        s.frame.0,
        s.frame.1,
        s.thumb.0,
        s.thumb.1,
        s.features,
        s.k
    );
    let _ = writeln!(
        w,
        "## Recognition (test split, k = {})\n",
        s.accuracies.components
    );
    let _ = writeln!(w, "| method | inductive | transductive |\n|---|---:|---:|");
    for r in &s.accuracies.rows {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            r.method,
            pct(r.inductive),
            pct(r.transductive)
        );
    }
    match &s.openset {
        OpenSet::HeldOut(o) => held_out_text(w, o),
        OpenSet::Strangers(o) => strangers_text(w, o),
    }
    let c = &s.check;
    let _ = writeln!(
        w,
        "\n## On the chip\n\nModel: {} KB flash, {} KB RAM, at most {} multiply-adds a face.",
        s.budget.flash_bytes / 1024,
        s.budget.ram_bytes / 1024,
        s.budget.macs
    );
    let _ = writeln!(
        w,
        "Check (f32 kernel against float64, {} thumbnails): labels agree {}, objective gap max {:.1e}, mean sweeps {:.1}: {}.",
        c.n,
        pct(Some(c.agreement)),
        c.objective_gap,
        c.mean_sweeps,
        if c.pass { "PASS" } else { "FAIL" }
    );
    let f = &s.firmware;
    match (&f.skipped, f.agreement) {
        (Some(why), _) => {
            let _ = writeln!(w, "Firmware in QEMU: SKIPPED ({why}).");
        }
        (None, Some(a)) => {
            let _ = writeln!(
                w,
                "Firmware in QEMU ({} frames of known people, {} of strangers): the same answer as the host on {}/{} frames, bit-identical codes on {}/{}; known people named {}/{}, strangers called unknown {}/{}; {:.0} instructions an inference ({:.0} SysTick ticks; {:.1} ms at 168 MHz, one instruction a cycle); build {:.0} s, run {:.1} s.",
                f.known_frames,
                f.stranger_frames,
                a.same_answer,
                a.frames,
                a.bit_identical,
                a.frames,
                f.known_named,
                f.known_frames,
                f.strangers_unknown,
                f.stranger_frames,
                f.mean_instructions,
                f.mean_ticks,
                crate::qemu::milliseconds(f.mean_instructions),
                f.build_seconds,
                f.run_seconds
            );
        }
        (None, None) => {}
    }
    let _ = writeln!(w, "\n## Files\n");
    for p in &s.files {
        let _ = writeln!(w, "- {}", p.display());
    }
    let steps: Vec<String> = s
        .seconds
        .iter()
        .map(|(n, v)| format!("{n} {v:.1} s"))
        .collect();
    let _ = writeln!(
        w,
        "\nTime: {:.1} s ({}).",
        s.total_seconds,
        steps.join(", ")
    );
    t
}

/// The open-set section when SOURCE's own people were held out.
fn held_out_text(w: &mut String, o: &OpenSetReport) {
    let _ = writeln!(
        w,
        "\n## Strangers\n\n{} people enrolled, {} strangers chose the threshold, {} others measured it.",
        o.people.enrolled.len(),
        o.people.calibration.len(),
        o.people.evaluation.len()
    );
    let _ = writeln!(
        w,
        "Threshold {:.4} (false-accept rate ≤ {} on the calibration strangers): held-out strangers accepted {}, known people named {} (closed set {}).\n",
        o.threshold,
        pct(Some(o.far_target)),
        pct(Some(o.evaluation.false_accept)),
        pct(Some(o.evaluation.known_correct)),
        pct(Some(o.closed_set_accuracy))
    );
    let _ = writeln!(w, "| photos enrolled per newcomer | newcomers | probes | newcomers named | known named |\n|---:|---:|---:|---:|---:|");
    for e in &o.enrolment {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            e.photos,
            e.people,
            e.probes,
            pct(Some(e.newcomer_accuracy)),
            pct(Some(e.known_accuracy))
        );
    }
}

/// The open-set section with the strangers of a second dataset: the
/// model's decision at each target false-accept rate, and its newcomers.
fn strangers_text(w: &mut String, o: &StrangersReport) {
    let _ = writeln!(
        w,
        "\n## Strangers\n\n{} known people (closed set {}); {} strangers ({} images) chose the thresholds, {} others ({} images) measured them.\n",
        o.known_people,
        pct(Some(o.closed_set_accuracy)),
        o.calibration_people,
        o.calibration_images,
        o.evaluation_people,
        o.evaluation_images
    );
    let Some(d) = o.decisions.first() else {
        return;
    };
    let _ = writeln!(w, "Decision {}:\n", d.decision);
    let _ = writeln!(w, "| target false accepts | threshold | strangers accepted | known people named |\n|---:|---:|---:|---:|");
    for p in &d.operating {
        let _ = writeln!(
            w,
            "| {} | {:.4} | {} | {} |",
            pct(Some(p.far_target)),
            p.threshold,
            pct(Some(p.false_accept)),
            pct(Some(p.known_named))
        );
    }
    let _ = writeln!(
        w,
        "\nNewcomers (evaluation strangers enrolled from a few photos among all known people, probed with their other photos, at {} false accepts):\n",
        pct(Some(o.far))
    );
    let _ = writeln!(w, "| photos enrolled per newcomer | newcomers | probes | named | closed set | known named |\n|---:|---:|---:|---:|---:|---:|");
    for n in &d.newcomers {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            n.photos,
            n.people,
            n.probes,
            pct(Some(n.named)),
            pct(Some(n.closed_set)),
            pct(Some(n.known_named))
        );
    }
}

/// Writes `summary.md` and `summary.json` into `dir`, each whole or not at all.
pub fn write(dir: &Path, s: &Summary) -> Result<()> {
    crate::atomic::write(&dir.join("summary.md"), text(s).as_bytes())?;
    let json = serde_json::to_string_pretty(s)?;
    crate::atomic::write(&dir.join("summary.json"), json.as_bytes())
}
