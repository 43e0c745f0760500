//! The firmware in QEMU (`-machine netduinoplus2`, a Cortex-M4F) agrees
//! with `facenmf-core` on the host, frame by frame: same label, same answer
//! after the threshold, codes bit-identical (or within 1e-6 relative).
//! Prints what an inference costs on the chip (run with `--nocapture`):
//! instructions counted by a TCG plugin against the multiply-adds of the
//! model, flash and RAM from the ELF, peak stack from the painted stack.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use facenmf_host::export;
use facenmf_host::features::FeatureChoice;
use facenmf_host::model::{Method, Model};
use facenmf_host::qemu;
use facenmf_host::quant::Quant;
use facenmf_host::train::{self, Spec};
use facenmf_tests::data_dir;
use facenmf_tests::firmware::Profile;
use facenmf_tests::firmware::{
    build_plugin, build_qemu_firmware, elf_sizes, firmware_lock, marks, parse_output,
    predict_on_host, run_qemu, synthetic_set, tools_present, write_frames, BOARD_SHAPE,
};

/// At least this many frames go through the chip.
const MIN_FRAMES: usize = 50;

/// Seconds before a hung QEMU is cut off.
const TIMEOUT_S: u32 = 120;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn firmware_in_qemu_agrees_with_the_host() {
    if !tools_present(true) {
        return;
    }
    let _lock = firmware_lock();
    let dir = scratch("firmware_qemu");
    // The model is a path: a trained model (`facenmf` JSON) drops in here.
    let set = synthetic_set(7, BOARD_SHAPE);
    let model_json = dir.join("model.json");
    set.model.save(&model_json).unwrap();
    check_firmware(&model_json, &set.frames, &dir);

    eprintln!("(the next four failures, with their messages, are expected)");
    // A board that fails makes the run fail with a clear message. Run after
    // the check above, in the same test, since they build the same binary.
    let model_rs = dir.join("model.rs");
    let frames_bin = dir.join("frames.bin");
    let failure = |elf: &Path, timeout_s| {
        let payload = std::panic::catch_unwind(|| run_qemu(elf, None, timeout_s)).unwrap_err();
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    };
    // Frames of the wrong size: it refuses to start (exit 2).
    let bad: Vec<Vec<u8>> = set.frames.iter().map(|f| f[1..].to_vec()).collect();
    let bad_bin = dir.join("frames-wrong-size.bin");
    write_frames(&bad_bin, &bad);
    let msg = failure(&build_qemu_firmware(&model_rs, &bad_bin, None), TIMEOUT_S);
    assert!(
        msg.contains("refused its model or frames") && msg.contains("do not fit"),
        "unexpected failure message: {msg}"
    );
    // A panic, a HardFault and a hang.
    for (fault, timeout_s, expected) in [
        ("panic", TIMEOUT_S, "the firmware panicked"),
        ("hardfault", TIMEOUT_S, "the firmware hit a HardFault"),
        ("hang", 3, "the firmware hung"),
    ] {
        let msg = failure(
            &build_qemu_firmware(&model_rs, &frames_bin, Some(fault)),
            timeout_s,
        );
        assert!(msg.contains(expected), "{fault}: unexpected message: {msg}");
    }
}

/// The open-set decision on the chip: the synthetic model carrying a
/// cohort score (`both-diff:4`: the winner's distance less the mean of the
/// 4 nearest of the runner-up and 8 cohort vectors, the strangers' first
/// frames), its threshold at the median score of the frames, so about half
/// the answers are unknown. Every frame agrees with the host.
#[test]
fn firmware_applies_the_cohort_decision_as_the_host_does() {
    if !tools_present(true) {
        return;
    }
    let _lock = firmware_lock();
    let dir = scratch("firmware_qemu_decision");
    let mut set = synthetic_set(7, BOARD_SHAPE);
    let chip = facenmf_host::chip::Chip::new(&set.model).unwrap();
    let seen = chip.see_frames(&set.frames).unwrap();
    let cohort: Vec<f32> = seen
        .iter()
        .zip(&set.people)
        .filter(|(_, &p)| p >= BOARD_SHAPE.known)
        .take(8)
        .flat_map(|(s, _)| s.embedding.vector.iter().copied())
        .collect();
    assert_eq!(cohort.len(), 8 * set.model.m());
    set.model.decision = Some(facenmf_host::decision::DecisionRule {
        score: "both-diff:4".parse().unwrap(),
        cohort,
    });
    let mut scores: Vec<f32> = facenmf_host::chip::Chip::new(&set.model)
        .unwrap()
        .see_frames(&set.frames)
        .unwrap()
        .iter()
        .map(|s| s.decision.score)
        .collect();
    scores.sort_by(f32::total_cmp);
    set.model.threshold = Some(scores[scores.len() / 2]);
    let model_json = dir.join("model.json");
    set.model.save(&model_json).unwrap();
    check_firmware(&model_json, &set.frames, &dir);
}

/// Real faces through the raw-pixel model (`Spec::raw()`: 32 x 24
/// thumbnails, K = 96, f32, LDA, class means) trained here on the shared
/// LFW set (at most 50 images a person, scikit-learn's `resize=0.7` frames
/// of 65 x 87), then the first 64 frames of its own test split through the
/// chip.
#[test]
fn firmware_runs_the_raw_lfw_model_and_agrees_with_the_host() {
    lfw_model_in_qemu(&Spec::raw(), "firmware_qemu_lfw");
}

/// The same with the feature stage on the chip and a quantised model: LBP
/// histograms over 8 x 6 cells of a 64 x 48 thumbnail (D = 2832), K = 96,
/// the basis and the LDA map as i8 rows with a scale a row (`--quant i8`):
/// the model (331 KB; 1.1 MB in f32) and the 64 built-in frames (362 KB)
/// fit the board's 768 KB of flash.
#[test]
fn firmware_runs_a_quantised_lbp_lfw_model_and_agrees_with_the_host() {
    let mut spec = Spec {
        thumb: (64, 48),
        features: FeatureChoice::lbp(8, 6),
        quant: Quant::I8,
        ..Spec::raw()
    };
    spec.nmf.n_components = 96;
    lfw_model_in_qemu(&spec, "firmware_qemu_lfw_lbp_i8");
}

/// The Fisherfaces baseline on the chip: the same LBP features, whitened
/// PCA of P = 96 rows as the linear stage (i8 rows, no encoder sweeps),
/// L2, the i8 LDA map, class means (287 KB, so the 64 frames fit beside it).
#[test]
fn firmware_runs_a_fisherfaces_lbp_lfw_model_and_agrees_with_the_host() {
    lfw_model_in_qemu(&fisherfaces_lbp(), "firmware_qemu_lfw_fisher");
}

/// The Fisherfaces baseline's recipe: LBP 8 x 6 over 64 x 48, P = 96, i8.
fn fisherfaces_lbp() -> Spec {
    let mut spec = Spec {
        thumb: (64, 48),
        features: FeatureChoice::lbp(8, 6),
        method: Method::Fisherfaces,
        sqrt: false,
        quant: Quant::I8,
        ..Spec::raw()
    };
    spec.nmf.n_components = 96;
    spec
}

/// The default device model, the recipe of `facenmf train` / `facenmf
/// export` (`Spec::default()`): LBP histograms over 6 x 5 cells of a 64 x 48
/// thumbnail (D = 1770), K = 192, the basis and the LDA map as i8 rows with
/// a scale a row. Its model arrays (about 515 KB) and the 64 built-in
/// frames (362 KB) fill more than the DISC1's 768 KiB of code sectors; the
/// QEMU board links them into the whole 1 MiB (`firmware/memory-qemu.x`).
#[test]
fn firmware_runs_the_default_lfw_model_and_agrees_with_the_host() {
    let spec = Spec::default();
    assert_eq!(
        (spec.thumb, spec.features, spec.quant, spec.nmf.n_components),
        ((64, 48), FeatureChoice::lbp(6, 5), Quant::I8, 192),
        "the default recipe this test's figures describe"
    );
    lfw_model_in_qemu(&spec, "firmware_qemu_lfw_default");
}

/// Trains `spec` on the shared LFW set and checks the first 64 frames of
/// its test split on the chip against the host (scratch directory `name`).
fn lfw_model_in_qemu(spec: &Spec, name: &str) {
    let Some(lfw) = data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    if !tools_present(true) {
        return;
    }
    let ds = data_dir::load_study(&lfw);
    let (model, report) = train::train(&ds, spec, BTreeMap::new()).unwrap();
    eprintln!("LFW model ({} features): {report:?}", model.features);
    let split = model.split.expect("the trained model records its split");
    let test = ds
        .train_test_split(split.test_size, split.seed, split.stratify)
        .unwrap()
        .test;
    let frames = test.frames()[..64].to_vec();
    let _lock = firmware_lock();
    let dir = scratch(name);
    let model_json = dir.join("model.json");
    model.save(&model_json).unwrap();
    check_firmware(&model_json, &frames, &dir);
}

/// Exports the model at `model_json`, builds the QEMU firmware with it and
/// `frames`, runs it and compares every frame with the host; prints the
/// cost figures.
fn check_firmware(model_json: &Path, frames: &[Vec<u8>], dir: &Path) {
    assert!(frames.len() >= MIN_FRAMES, "only {} frames", frames.len());
    let model = Model::load(model_json).unwrap();
    let model_rs = dir.join("model.rs");
    export::write(&model, &model_rs).unwrap();
    let frames_bin = dir.join("frames.bin");
    write_frames(&frames_bin, frames);
    let host = predict_on_host(&model, frames);

    let elf = build_qemu_firmware(&model_rs, &frames_bin, None);
    let bytes = std::fs::read(&elf).unwrap();
    let sizes = elf_sizes(
        &bytes,
        &[
            "facenmf_mark",
            "BASIS",
            "GRAM",
            "MAP_DATA",
            "MAP_SCALES",
            "ENCODER_BIAS",
            "TEMPLATES",
            "COHORT",
            "FRAMES",
        ],
    );
    let mark = sizes
        .symbols
        .get("facenmf_mark")
        .expect("the firmware has no facenmf_mark symbol")
        .0;
    let plugin = build_plugin(dir);
    let run = run_qemu(&elf, Some((&plugin, mark)), TIMEOUT_S);
    let chip = parse_output(&run.stdout)
        .unwrap_or_else(|e| panic!("cannot parse the firmware's output: {e}\n{}", run.stdout));

    // Every frame, in order, agrees with the host.
    assert_eq!(chip.frames.len(), frames.len(), "frames reported");
    assert_eq!(chip.done.errors, 0);
    let (mut bit_equal, mut worst_rel) = (0usize, 0.0f64);
    for (i, (c, h)) in chip.frames.iter().zip(&host).enumerate() {
        assert_eq!(c.frame, i);
        assert_eq!(
            (c.label, c.known),
            (h.label, h.known),
            "frame {i}: the chip says label {} known {}, the host label {} known {}",
            c.label,
            c.known,
            h.label,
            h.known
        );
        assert_eq!(c.led, c.known, "frame {i}: indicator");
        let name = &model.class_names[usize::from(c.label)];
        assert_eq!(&c.name, name, "frame {i}: name");
        let host_code: Vec<u32> = h.code.iter().map(|v| v.to_bits()).collect();
        let host_out: Vec<u32> = h.out.iter().map(|v| v.to_bits()).collect();
        if c.code == host_code && c.out == host_out && c.distance == h.distance.to_bits() {
            bit_equal += 1;
        } else {
            for (a, b) in c.code.iter().chain(&c.out).zip(h.code.iter().chain(&h.out)) {
                let (a, b) = (f64::from(f32::from_bits(*a)), f64::from(*b));
                let rel = (a - b).abs() / a.abs().max(b.abs()).max(f64::MIN_POSITIVE);
                worst_rel = worst_rel.max(rel);
                assert!(
                    rel <= 1e-6,
                    "frame {i}: chip {a:e} and host {b:e} differ by {rel:e} relative"
                );
            }
        }
    }

    // Cost figures.
    let counts = marks(&run.stderr);
    assert_eq!(
        counts.len(),
        2 * frames.len(),
        "the counting plugin marked {} times for {} frames:\n{}",
        counts.len(),
        frames.len(),
        run.stderr
    );
    let instructions: Vec<u64> = counts.chunks(2).map(|p| p[1] - p[0]).collect();
    let (d, k, m, n) = (
        model.d() as u64,
        model.k as u64,
        model.m() as u64,
        model.templates.len() as u64,
    );
    let map_macs = if model.map.is_some() { m * k } else { 0 };
    // The decision's cohort: one distance a cohort vector.
    let cohort_macs = model.decision.as_ref().map_or(0, |r| r.cohort.len() as u64);
    // The linear stage of Fisherfaces runs no sweep.
    let sweep_k2 = if model.method == Method::Nmf {
        k * k
    } else {
        0
    };
    let macs: Vec<u64> = chip
        .frames
        .iter()
        .map(|f| d * k + u64::from(f.sweeps) * sweep_k2 + map_macs + n * m + cohort_macs)
        .collect();
    let total_i: u64 = instructions.iter().sum();
    let total_m: u64 = macs.iter().sum();
    let frames_n = frames.len() as u64;
    let mean_i = total_i as f64 / frames_n as f64;
    let mean_m = total_m as f64 / frames_n as f64;
    let per_mac = total_i as f64 / total_m as f64;
    let ms_168 = qemu::milliseconds(mean_i);
    let sweeps: f64 =
        chip.frames.iter().map(|f| f64::from(f.sweeps)).sum::<f64>() / frames_n as f64;
    let known = chip.frames.iter().filter(|f| f.known).count();
    // Every model array once (an i8 model's scales beside its rows).
    let model_bytes: u64 = sizes
        .symbols
        .iter()
        .filter(|(s, _)| {
            [
                "BASIS",
                "GRAM",
                "MAP_DATA",
                "MAP_SCALES",
                "BIAS_DATA",
                "ENCODER_BIAS",
                "TEMPLATES",
                "COHORT",
            ]
            .iter()
            .any(|w| s.contains(w))
        })
        .map(|(_, (_, size))| *size)
        .sum();
    for (name, (addr, _)) in &sizes.symbols {
        if ["BASIS", "GRAM", "TEMPLATES"]
            .iter()
            .any(|w| name.contains(w))
        {
            assert!(
                *addr < 0x2000_0000,
                "{name} is at {addr:#x}: the model must stay in flash"
            );
        }
    }
    let frames_bytes = std::fs::metadata(&frames_bin).unwrap().len();
    let peak = chip.done.stack_peak;
    let stage = |s: fn(&Profile) -> u64| {
        chip.profile
            .as_ref()
            .map_or(f64::NAN, |p| s(p) as f64 * qemu::INSTRUCTIONS_PER_TICK)
    };
    let (thumb_i, features_i, encode_i) = (
        stage(|p| p.thumbnail),
        stage(|p| p.features),
        stage(|p| p.encode),
    );
    let encode_macs =
        (d * k) as f64 + f64::from(chip.frames.last().unwrap().sweeps) * (k * k) as f64;
    let sections: Vec<String> = sizes
        .sections
        .iter()
        .map(|(s, (_, size))| format!("{s} {size}"))
        .collect();
    println!(
        "\n=== facenmf firmware in QEMU (netduinoplus2, Cortex-M4F)\n\
         model: D = {d} ({} features of {}x{}), K = {k} ({:?} rows, {:?}), M = {m}, N = {n} templates, {} classes, {} frames ({} known after the threshold)\n\
         agreement: {}/{} labels equal the host's; {bit_equal}/{} frames bit-identical (code, vector, distance); worst relative difference otherwise {worst_rel:e}\n\
         instructions per inference: mean {mean_i:.0}, min {}, max {} (exact, TCG plugin)\n\
         multiply-adds per inference: mean {mean_m:.0} = D·K {} + sweeps·K² ({sweeps:.2} sweeps avg) + M·K {map_macs} + N·M {} + cohort C·M {cohort_macs}\n\
         instructions per multiply-add: {per_mac:.3} (target <= 3: {})\n\
         by stage (last frame, SysTick, ~6 instructions a tick): thumbnail ~{thumb_i:.0} ({} frame pixels), features ~{features_i:.0}, encode ~{encode_i:.0} ({:.2} a multiply-add), project ~{:.0}, classify ~{:.0}\n\
         at 168 MHz, one instruction a cycle: {ms_168:.3} ms per inference (target <= 100 ms: {})\n\
         flash: {} bytes (model arrays {model_bytes}, built-in test frames {frames_bytes}, the rest code and constants {})\n\
         RAM (static): {} bytes; peak stack: {peak} bytes of {}\n\
         sections: {}\n\
         QEMU run: {:.2} s wall for {} frames",
        model.features,
        model.geometry.width,
        model.geometry.height,
        model.quant_kind(),
        model.method,
        model.class_names.len(),
        frames.len(),
        known,
        frames.len(),
        frames.len(),
        frames.len(),
        instructions.iter().min().unwrap(),
        instructions.iter().max().unwrap(),
        d * k,
        n * m,
        if !model.features.is_raw() {
            "not comparable: the feature stage's instructions count no multiply-add"
        } else if per_mac <= 3.0 {
            "met"
        } else {
            "NOT met"
        },
        model.geometry.crop[2] * model.geometry.crop[3],
        encode_i / encode_macs,
        stage(|p| p.project),
        stage(|p| p.classify),
        if ms_168 <= 100.0 { "met" } else { "NOT met" },
        sizes.flash,
        sizes.flash.saturating_sub(model_bytes + frames_bytes),
        sizes.ram,
        chip.done.stack_size,
        sections.join(", "),
        run.wall.as_secs_f64(),
        frames.len(),
    );
    assert!(sizes.flash <= 1 << 20, "flash {} > 1 MiB", sizes.flash);
    assert!(sizes.ram <= 128 << 10, "RAM {} > 128 KiB", sizes.ram);
}

/// `facenmf check --qemu`'s run (`qemu::replay_model`): the Fisherfaces
/// baseline ([`fisherfaces_lbp`]) on the first 64 frames of its own test
/// split (`train::test_frames`, in the order of the thumbnails `check`
/// compares), every answer and vector the host's; frames of another size
/// are refused by name.
#[test]
fn check_qemu_replays_the_test_frames_of_a_model() {
    let Some(lfw) = data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    if !tools_present(false) {
        return;
    }
    let ds = data_dir::load_study(&lfw);
    let (model, _) = train::train(&ds, &fisherfaces_lbp(), BTreeMap::new()).unwrap();
    let frames = train::test_frames(&model, &ds).unwrap();
    let thumbs = train::test_split(&model, &ds).unwrap();
    assert_eq!(frames.labels, thumbs.labels, "the same split, in order");
    let g = &model.geometry;
    let first = frames
        .subset(&[0])
        .unwrap()
        .thumbnails(g.crop(), g.height, g.width)
        .unwrap();
    assert_eq!(first.image(0), thumbs.image(0), "frame 0 is thumbnail 0");

    let _lock = firmware_lock();
    let dir = scratch("check_qemu");
    let run = qemu::replay_model(&model, &frames.frames(), &dir).unwrap();
    assert_eq!(run.agreement.frames, qemu::MODEL_FRAMES);
    assert_eq!(run.agreement.same_answer, run.agreement.frames);
    assert_eq!(run.agreement.bit_identical, run.agreement.frames);
    assert!(run.mean_instructions > 0.0 && run.max_instructions >= run.mean_instructions);
    eprintln!(
        "check --qemu: {:?}, {:.0} instructions an inference (max {:.0})",
        run.agreement, run.mean_instructions, run.max_instructions
    );

    let cut: Vec<Vec<u8>> = frames.frames().iter().map(|f| f[1..].to_vec()).collect();
    let err = qemu::replay_model(&model, &cut, &dir).unwrap_err();
    assert!(
        format!("{err:#}").contains("do not fit the model's frame size"),
        "unexpected error: {err:#}"
    );
}
