//! Running the firmware in QEMU from tests: the tools it needs, the files it
//! is built from (model and frames), the build, the run, the parse of its
//! output, the instruction counts of the TCG plugin and the ELF's sizes.
//!
//! Outside CI a missing tool (qemu-system-arm, the thumbv7em target, gcc)
//! skips the test with a loud message saying how to install it; in CI
//! (`CI=true`) it is a failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use facenmf_host::model::{gram_of, Geometry, Map, MetricName, Model, Template, FORMAT_VERSION};

use crate::data_dir::in_ci;
use crate::gen::Rng;

pub use facenmf_host::qemu::{
    marks, ChipFrame, ChipOutput, HostFrame, QemuRun, EXIT_FRAME_FAILED, EXIT_HARDFAULT,
    EXIT_PANIC, EXIT_SETUP, EXIT_TIMEOUT, TARGET,
};
pub use facenmf_wire::{Done, Header, Profile};

/// Held while a test builds and runs the QEMU board: every test builds into
/// the same `firmware/target`.
pub fn firmware_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The repository root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The firmware crate.
pub fn firmware_dir() -> PathBuf {
    workspace().join("firmware")
}

/// True when qemu-system-arm, the thumbv7em target and (if `gcc` is asked
/// for, to build the counting plugin) gcc are there. Otherwise prints how to
/// get them and returns false, or panics in CI.
pub fn tools_present(need_gcc: bool) -> bool {
    let missing = facenmf_host::qemu::missing_tools(need_gcc);
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "\n=== SKIPPED: the firmware test needs {}.\n",
        missing.join(", ")
    );
    if in_ci() {
        panic!("{msg}(CI=true: a missing tool is a failure)");
    }
    eprintln!("{msg}");
    false
}

/// Writes `frames` (all of one size) as a frames file
/// ([`facenmf_wire::frames`]), which the QEMU board replays.
pub fn write_frames(path: &Path, frames: &[Vec<u8>]) {
    let bytes = facenmf_wire::frames::to_vec(frames)
        .unwrap_or_else(|e| panic!("frames file {}: {e}", path.display()));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// Builds the QEMU board with the exported model `model_rs` and the frames
/// file `frames`; returns the ELF. `fault` (`panic`, `hardfault`, `hang`)
/// builds one that fails on purpose.
pub fn build_qemu_firmware(model_rs: &Path, frames: &Path, fault: Option<&str>) -> PathBuf {
    let started = Instant::now();
    let elf = facenmf_host::qemu::build(&firmware_dir(), model_rs, frames, fault)
        .unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "built the QEMU firmware in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    elf
}

/// Compiles the instruction-counting TCG plugin (`firmware/tools/icount.c`)
/// into `out_dir`.
pub fn build_plugin(out_dir: &Path) -> PathBuf {
    let so = out_dir.join("libicount.so");
    let out = Command::new("gcc")
        .args(["-shared", "-fPIC", "-O2", "-Wall", "-o"])
        .arg(&so)
        .arg(firmware_dir().join("tools/icount.c"))
        .output()
        .expect("run gcc");
    assert!(
        out.status.success(),
        "compiling the QEMU plugin failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    so
}

/// Runs `elf` in QEMU (see [`facenmf_host::qemu::run`]); panics with a
/// clear message on a panic, HardFault, hang or any other non-zero exit.
pub fn run_qemu(elf: &Path, plugin: Option<(&Path, u64)>, timeout_s: u32) -> QemuRun {
    facenmf_host::qemu::run(elf, plugin, timeout_s).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Parses the board's stdout (the lines of [`facenmf_wire::lines`]).
pub fn parse_output(stdout: &str) -> Result<ChipOutput, String> {
    facenmf_host::qemu::parse_output(stdout).map_err(|e| format!("{e:#}"))
}

/// Thumbnail, code and projected vector of each frame, with the sweeps run.
pub fn embed_on_host(model: &Model, frames: &[Vec<u8>]) -> Vec<facenmf_host::qemu::Embedded> {
    facenmf_host::qemu::embed_on_host(model, frames).expect("host embedding")
}

/// Runs `model` through facenmf-core on the host, frame by frame.
pub fn predict_on_host(model: &Model, frames: &[Vec<u8>]) -> Vec<HostFrame> {
    facenmf_host::qemu::predict_on_host(model, frames).expect("host prediction")
}

/// A synthetic but face-like test set for the firmware: frames and a model
/// whose gallery holds faces of the same people.
#[derive(Debug, Clone)]
pub struct SyntheticSet {
    /// The model (templates enrolled from other frames of the same people).
    pub model: Model,
    /// Test frames, 8-bit gray, of the model's frame geometry.
    pub frames: Vec<Vec<u8>>,
    /// The person of each frame (people `>= model.class_names.len()` are
    /// strangers, not in the gallery).
    pub people: Vec<usize>,
}

/// The shape of a [`synthetic_set`].
#[derive(Debug, Clone, Copy)]
pub struct SyntheticShape {
    /// Thumbnail width and height.
    pub thumb: (usize, usize),
    /// Frame pixels a thumbnail pixel (each side).
    pub scale: usize,
    /// Components K.
    pub k: usize,
    /// Rows M of the linear map.
    pub m: usize,
    /// People in the gallery.
    pub known: usize,
    /// People not in it.
    pub strangers: usize,
    /// Enrolled templates a known person.
    pub templates_each: usize,
    /// Test frames a person.
    pub frames_each: usize,
}

/// The firmware tests' synthetic model: 8 people (6 in the gallery, 3
/// templates each), 8 frames each, 72 x 96 frames to 24 x 32 thumbnails,
/// K = 32, M = 16.
pub const BOARD_SHAPE: SyntheticShape = SyntheticShape {
    thumb: (24, 32),
    scale: 3,
    k: 32,
    m: 16,
    known: 6,
    strangers: 2,
    templates_each: 3,
    frames_each: 8,
};

/// People made of K smooth non-negative components (Gaussian blobs on the
/// thumbnail grid), each person a fixed mixture; a frame is that mixture with
/// jitter and noise drawn at `scale` times the thumbnail size. The model
/// (square root, normalisation, a random map, cosine metric, 3 neighbours)
/// enrols `templates_each` frames a known person; its threshold is the 75th
/// percentile of the test frames' distances, so some answers are "unknown".
pub fn synthetic_set(seed: u64, s: SyntheticShape) -> SyntheticSet {
    let mut rng = Rng::new(seed);
    let (w, h) = s.thumb;
    let d = w * h;
    let mut basis = vec![0.0f32; s.k * d];
    for i in 0..s.k {
        let (cy, cx, sd) = (
            rng.uniform() * h as f32,
            rng.uniform() * w as f32,
            1.0 + 3.0 * rng.uniform(),
        );
        for p in 0..d {
            let (y, x) = ((p / w) as f32, (p % w) as f32);
            basis[i * d + p] = (-((y - cy).powi(2) + (x - cx).powi(2)) / (2.0 * sd * sd)).exp();
        }
    }
    let people = s.known + s.strangers;
    let mixtures: Vec<Vec<f32>> = (0..people)
        .map(|_| {
            (0..s.k)
                .map(|_| {
                    if rng.uniform() < 0.5 {
                        0.0
                    } else {
                        rng.uniform()
                    }
                })
                .collect()
        })
        .collect();
    let (fw, fh) = (w * s.scale, h * s.scale);
    let frame_of = |person: usize, rng: &mut Rng| -> Vec<u8> {
        let mix: Vec<f32> = mixtures[person]
            .iter()
            .map(|&v| v * (0.8 + 0.4 * rng.uniform()))
            .collect();
        let img: Vec<f32> = (0..d)
            .map(|p| (0..s.k).map(|i| mix[i] * basis[i * d + p]).sum())
            .collect();
        let peak = img.iter().cloned().fold(1e-6, f32::max);
        (0..fw * fh)
            .map(|q| {
                let (y, x) = (q / fw / s.scale, q % fw / s.scale);
                let v = img[y * w + x] / peak * 230.0 + 20.0 * rng.uniform();
                v.clamp(0.0, 255.0) as u8
            })
            .collect()
    };
    let mut enrol = Vec::new();
    for person in 0..s.known {
        for _ in 0..s.templates_each {
            enrol.push((person, frame_of(person, &mut rng)));
        }
    }
    let mut frames = Vec::new();
    let mut who = Vec::new();
    for n in 0..people * s.frames_each {
        let person = n % people;
        frames.push(frame_of(person, &mut rng));
        who.push(person);
    }
    let gram = gram_of(&basis, s.k, d);
    let map = Map {
        m: s.m,
        p: (0..s.m * s.k).map(|_| rng.uniform() - 0.5).collect(),
        bias: (0..s.m).map(|_| 0.1 * (rng.uniform() - 0.5)).collect(),
    };
    const NAMES: [&str; 8] = [
        "Ada Lovelace",
        "Alan Turing",
        "Grace Hopper",
        "Edsger W. Dijkstra",
        "Barbara Liskov",
        "Donald Knuth",
        "Frances Allen",
        "John von Neumann",
    ];
    let mut model = Model {
        format_version: FORMAT_VERSION,
        geometry: Geometry {
            frame_width: fw,
            frame_height: fh,
            crop: [0, 0, fw, fh],
            width: w,
            height: h,
        },
        features: Default::default(),
        method: Default::default(),
        k: s.k,
        basis,
        gram,
        encoder_bias: Vec::new(),
        max_sweeps: 50,
        tol: 1e-4,
        sqrt: true,
        normalize: true,
        map: Some(map),
        quant: None,
        templates: Vec::new(),
        class_names: (0..s.known)
            .map(|i| {
                NAMES
                    .get(i)
                    .map_or(format!("Person {i}"), |n| n.to_string())
            })
            .collect(),
        metric: MetricName::Cosine,
        neighbours: 3,
        threshold: None,
        decision: None,
        split: None,
        provenance: BTreeMap::from([(
            "dataset".to_string(),
            format!("synthetic firmware test set, seed {seed}"),
        )]),
    };
    // Enrol: the templates are the host's vectors of the enrolment frames.
    finish(&mut model, &enrol, &frames);
    SyntheticSet {
        model,
        frames,
        people: who,
    }
}

/// Enrols the host's vectors of `enrol` as templates, sets the threshold at
/// the 75th percentile of the distances of `frames`, validates.
fn finish(model: &mut Model, enrol: &[(usize, Vec<u8>)], frames: &[Vec<u8>]) {
    let enrol_frames: Vec<Vec<u8>> = enrol.iter().map(|(_, f)| f.clone()).collect();
    model.templates = embed_on_host(model, &enrol_frames)
        .into_iter()
        .zip(enrol)
        .map(|((_, _, out), (person, _))| Template {
            label: *person as u16,
            vector: out,
        })
        .collect();
    let mut distances: Vec<f32> = predict_on_host(model, frames)
        .iter()
        .map(|h| h.distance)
        .collect();
    distances.sort_by(f32::total_cmp);
    model.threshold = Some(distances[distances.len() * 3 / 4]);
    model.validate().expect("test model is valid");
}

/// Sizes read from the firmware's ELF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    /// Flash: `.vector_table`, `.text`, `.rodata` and `.data`'s load image.
    pub flash: u64,
    /// Static RAM: `.data`, `.bss`, `.uninit`.
    pub ram: u64,
    /// Each allocated section's (address, size), by name.
    pub sections: BTreeMap<String, (u64, u64)>,
    /// (address, size) of symbols whose name contains one of the asked words.
    pub symbols: BTreeMap<String, (u64, u64)>,
}

/// Section sizes and a few symbols (those whose name contains one of
/// `words`) of a 32-bit little-endian ELF.
pub fn elf_sizes(elf: &[u8], words: &[&str]) -> Sizes {
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap()) as usize;
    assert_eq!(&elf[..5], b"\x7fELF\x01", "not a 32-bit ELF");
    let (shoff, shentsize, shnum, shstrndx) = (u32_at(32), u16_at(46), u16_at(48), u16_at(50));
    struct Sh {
        name: usize,
        kind: usize,
        flags: usize,
        addr: usize,
        offset: usize,
        size: usize,
        link: usize,
    }
    let sh: Vec<Sh> = (0..shnum)
        .map(|i| {
            let o = shoff + i * shentsize;
            Sh {
                name: u32_at(o),
                kind: u32_at(o + 4),
                flags: u32_at(o + 8),
                addr: u32_at(o + 12),
                offset: u32_at(o + 16),
                size: u32_at(o + 20),
                link: u32_at(o + 24),
            }
        })
        .collect();
    let cstr = |table: &Sh, at: usize| {
        let start = table.offset + at;
        let end = elf[start..].iter().position(|&b| b == 0).unwrap() + start;
        String::from_utf8_lossy(&elf[start..end]).into_owned()
    };
    let shstr = &sh[shstrndx];
    const SHF_ALLOC: usize = 2;
    const SHT_NOBITS: usize = 8;
    const SHT_SYMTAB: usize = 2;
    let mut sizes = Sizes {
        flash: 0,
        ram: 0,
        sections: BTreeMap::new(),
        symbols: BTreeMap::new(),
    };
    for s in &sh {
        if s.flags & SHF_ALLOC == 0 || s.size == 0 {
            continue;
        }
        let name = cstr(shstr, s.name);
        let in_ram = (0x2000_0000..0x4000_0000).contains(&s.addr);
        if in_ram {
            sizes.ram += s.size as u64;
        }
        if !in_ram || s.kind != SHT_NOBITS {
            // Code and constants, or the initial values of `.data`.
            sizes.flash += s.size as u64;
        }
        sizes.sections.insert(name, (s.addr as u64, s.size as u64));
    }
    for s in sh.iter().filter(|s| s.kind == SHT_SYMTAB) {
        let strtab = &sh[s.link];
        for e in (s.offset..s.offset + s.size).step_by(16) {
            let name = cstr(strtab, u32_at(e));
            if words.iter().any(|w| name.contains(w)) {
                sizes
                    .symbols
                    .insert(name, (u32_at(e + 4) as u64, u32_at(e + 8) as u64));
            }
        }
    }
    sizes
}
