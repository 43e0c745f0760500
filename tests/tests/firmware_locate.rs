//! The QEMU board with the face locator (`$FACENMF_LOCATOR`) agrees with the
//! host on whole frames, bit for bit: on each frame the same chosen crop,
//! score and window count (or "no face" on both), and on each face the same
//! label, answer, code, projected vector and distance.
//!
//! Frames: `facenmf frames` from `$FACENMF_DATA/lfw_funneled_min20` (a
//! quarter face-free) plus bad frames (all black, all white, a saturated
//! checkerboard). Locator: OpenCV's LBP cascade (`opencv-data`) with its box
//! map fitted by `facenmf locator fit`'s code on other generated frames.
//! Model: the firmware test's synthetic model (`synthetic_set`, 24 x 32
//! thumbnails, K = 32), trained by the project's code.
//!
//! With `--nocapture` it prints the locator's instructions a frame (the
//! counting plugin, `firmware/tools/icount.c`) and a pyramid level, the
//! recognition's, static RAM and the painted stack peak.

use std::path::{Path, PathBuf};

use facenmf_host::export;
use facenmf_host::frames::generate;
use facenmf_host::locate::config::{HostLocator, LocatorConfig};
use facenmf_host::locate::export::rust_source;
use facenmf_host::locate::fit::fit_map;
use facenmf_host::locate::frames_in::read_gray;
use facenmf_host::locate::on_host::spot_on_host;
use facenmf_tests::firmware::{
    build_plugin, elf_sizes, firmware_dir, firmware_lock, marks, parse_output, run_qemu,
    synthetic_set, tools_present, write_frames, BOARD_SHAPE,
};
use facenmf_tests::{data_dir, opencv};

/// Generated frames through the chip (a quarter face-free).
const GENERATED: usize = 64;
/// Whole frames a build of the board carries (19,200 bytes each).
const BATCH: usize = 24;
/// Seconds before a hung QEMU is cut off.
const TIMEOUT_S: u32 = 300;
/// QQVGA.
const W: usize = 160;
const H: usize = 120;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Mean of `v`.
fn mean(v: &[u64]) -> f64 {
    v.iter().sum::<u64>() as f64 / v.len().max(1) as f64
}

#[test]
fn the_located_firmware_agrees_with_the_host_on_whole_frames() {
    let Some(lfw) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    if opencv::frontal_face_lbp().is_none() || !tools_present(true) {
        return;
    }
    let dir = scratch("firmware_locate");

    // The locator: OpenCV's cascade, its box map fitted on training frames.
    let train = dir.join("train");
    generate(&lfw, &train, 1, 200, 0.25).unwrap();
    let plain = HostLocator::new(LocatorConfig::default(), W, H).unwrap();
    let fitted = fit_map(&plain, &train).unwrap();
    let mut config = plain.config.clone();
    config.map = fitted.map;
    let loc = HostLocator::new(config, W, H).unwrap();
    let locator_rs = dir.join("locator.rs");
    std::fs::write(&locator_rs, rust_source(&loc).unwrap()).unwrap();

    // Whole frames: generated ones, then bad ones.
    let test = dir.join("test");
    let truth = generate(&lfw, &test, 2, GENERATED, 0.25).unwrap();
    let mut frames: Vec<Vec<u8>> = truth
        .frames
        .iter()
        .map(|f| {
            let (w, h, px) = read_gray(&test.join(&f.file)).unwrap();
            assert_eq!((w, h), (W, H), "{}", f.file);
            px
        })
        .collect();
    let face_free = truth.frames.iter().filter(|f| f.face.is_none()).count();
    assert!(face_free >= 8, "only {face_free} face-free frames");
    frames.push(vec![0; W * H]);
    frames.push(vec![255; W * H]);
    frames.push(
        (0..W * H)
            .map(|i| {
                if (i % W + i / W).is_multiple_of(2) {
                    0
                } else {
                    255
                }
            })
            .collect(),
    );
    let bad = 3;

    // The model.
    let set = synthetic_set(7, BOARD_SHAPE);
    let model = set.model;
    let model_rs = dir.join("model.rs");
    export::write(&model, &model_rs).unwrap();

    let host = spot_on_host(&model, &loc, &frames).unwrap();

    // The board's flash holds about 30 whole frames besides the model:
    // the frames go through it in batches, one build each.
    let _lock = firmware_lock();
    let plugin = build_plugin(&dir);
    let mut faces = Vec::new();
    let mut answers = Vec::new();
    let mut counts = Vec::new();
    let (mut stack_peak, mut stack_size, mut wall) = (0, 0, 0.0);
    let mut sizes = None;
    for (b, batch) in frames.chunks(BATCH).enumerate() {
        let first = b * BATCH;
        let frames_bin = dir.join(format!("frames-{b}.bin"));
        write_frames(&frames_bin, batch);
        let elf = facenmf_host::qemu::build_with_locator(
            &firmware_dir(),
            &model_rs,
            Some(&locator_rs),
            &frames_bin,
            None,
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
        let bytes = std::fs::read(&elf).unwrap();
        let s = elf_sizes(
            &bytes,
            &[
                "facenmf_mark",
                "TABLE",
                "CANDIDATE",
                "SEED",
                "COLUMNS",
                "MASK",
                "FACE",
                "FRAME",
                "THUMB",
                "CODE",
            ],
        );
        let mark = s
            .symbols
            .get("facenmf_mark")
            .expect("the firmware has no facenmf_mark symbol")
            .0;
        let run = run_qemu(&elf, Some((&plugin, mark)), TIMEOUT_S);
        let chip = parse_output(&run.stdout)
            .unwrap_or_else(|e| panic!("cannot parse the firmware's output: {e}\n{}", run.stdout));
        assert_eq!(chip.done.errors, 0);
        assert_eq!(chip.header.frame_len, W * H);
        assert_eq!(chip.faces.len(), batch.len(), "batch {b}: face= lines");
        faces.extend(chip.faces.into_iter().map(|mut f| {
            f.frame += first;
            f
        }));
        answers.extend(chip.frames.into_iter().map(|mut f| {
            f.frame += first;
            f
        }));
        counts.extend(marks(&run.stderr));
        stack_peak = stack_peak.max(chip.done.stack_peak);
        stack_size = chip.done.stack_size;
        wall += run.wall.as_secs_f64();
        sizes = Some(s);
    }
    let sizes = sizes.unwrap();

    // Boxes: every frame, in order, bit for bit.
    assert_eq!(faces.len(), frames.len(), "face= lines");
    let mut located = 0;
    for (i, (c, h)) in faces.iter().zip(&host).enumerate() {
        assert_eq!(c.frame, i);
        let chip_box = c.face.map(|b| (b.top, b.left, b.height, b.width, b.score));
        let host_box = h.face.map(|b| (b.top, b.left, b.height, b.width, b.score));
        assert_eq!(chip_box, host_box, "frame {i}: chip box vs host box");
        assert_eq!(c.windows, h.windows, "frame {i}: windows");
        located += usize::from(c.face.is_some());
    }
    // Face-free frames answer "no face" (on chip and host alike, checked
    // above; these seeded frames hold none of the locator's rare false alarms).
    for (i, f) in truth.frames.iter().enumerate() {
        if f.face.is_none() {
            assert!(
                faces[i].face.is_none(),
                "face-free frame {i} answered a face"
            );
        }
    }
    for i in GENERATED..GENERATED + bad {
        assert!(faces[i].face.is_none(), "bad frame {i} answered a face");
    }

    // Answers: one frame= line for each frame with a face, bit for bit.
    let with_face: Vec<(usize, &facenmf_host::qemu::HostFrame)> = host
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.recognised.as_ref().map(|r| (i, r)))
        .collect();
    assert_eq!(answers.len(), with_face.len(), "frame= lines");
    assert_eq!(with_face.len(), located);
    for (c, (i, h)) in answers.iter().zip(&with_face) {
        assert_eq!(c.frame, *i);
        assert_eq!((c.label, c.known), (h.label, h.known), "frame {i}: answer");
        assert_eq!(c.led, c.known, "frame {i}: indicator");
        assert_eq!(c.distance, h.distance.to_bits(), "frame {i}: distance");
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
        assert_eq!(c.code, bits(&h.code), "frame {i}: code");
        assert_eq!(c.out, bits(&h.out), "frame {i}: projected vector");
        assert_eq!(c.sweeps, h.sweeps, "frame {i}: sweeps");
    }

    // Cost: marks before the locator, after each level, after the search,
    // after the verifier, after the recognition.
    let levels = host[0].levels;
    assert!(host.iter().all(|h| h.levels == levels));
    let per_frame = levels + 4;
    assert_eq!(
        counts.len(),
        per_frame * frames.len(),
        "the counting plugin marked {} times for {} frames of {levels} levels",
        counts.len(),
        frames.len()
    );
    let mut locate = Vec::new();
    let mut verify = Vec::new();
    let mut recognise = Vec::new();
    let mut level_sum = vec![0u64; levels];
    for (i, m) in counts.chunks(per_frame).enumerate() {
        locate.push(m[levels + 2] - m[0]);
        verify.push(m[levels + 2] - m[levels + 1]);
        if faces[i].face.is_some() {
            recognise.push(m[levels + 3] - m[levels + 2]);
        }
        for (l, s) in level_sum.iter_mut().enumerate() {
            *s += m[l + 1] - m[l];
        }
    }
    let generated = &locate[..GENERATED];
    let mean_locate = mean(generated);
    let level_means: Vec<String> = level_sum
        .iter()
        .map(|s| format!("{:.0}", *s as f64 / frames.len() as f64))
        .collect();
    let ram_of = |w: &str| {
        sizes
            .symbols
            .iter()
            .filter(|(s, (addr, _))| s.contains(w) && *addr >= 0x2000_0000)
            .map(|(_, (_, size))| *size)
            .sum::<u64>()
    };
    println!(
        "\n=== the face locator on the QEMU board (netduinoplus2, Cortex-M4F)\n\
         frames: {} whole 160x120 ({GENERATED} generated of which {face_free} face-free, {bad} bad); located a face on {located}\n\
         agreement: boxes {n}/{n}, answers and codes {}/{} bit for bit\n\
         locator instructions a frame (generated frames): mean {mean_locate:.0}, min {}, max {}; {:.1} ms at 168 MHz (one instruction a cycle)\n\
         locator instructions a frame (bad frames): {:?}\n\
         of which the verifier (generated frames): mean {:.0}, max {}\n\
         recognition of the crop: mean {:.0} instructions\n\
         per pyramid level, coarse pass first (mean over all frames, {levels} levels): {}\n\
         static RAM {} bytes (integral table {}, columns {}, seed mask {}, candidates {}, seeds {}, faces {}, frame {}, thumbnail {}, code {}); peak stack {} of {} bytes\n\
         flash {} bytes; QEMU run {:.1} s wall",
        frames.len(),
        with_face.len(),
        with_face.len(),
        generated.iter().min().unwrap(),
        generated.iter().max().unwrap(),
        facenmf_host::qemu::milliseconds(mean_locate),
        &locate[GENERATED..],
        mean(&verify[..GENERATED]),
        verify[..GENERATED].iter().max().unwrap(),
        mean(&recognise),
        level_means.join(" "),
        sizes.ram,
        ram_of("TABLE"),
        ram_of("COLUMNS"),
        ram_of("MASK"),
        ram_of("CANDIDATE"),
        ram_of("SEED"),
        ram_of("FACE"),
        ram_of("FRAME"),
        ram_of("THUMB"),
        ram_of("CODE"),
        stack_peak,
        stack_size,
        sizes.flash,
        wall,
        n = frames.len(),
    );
    assert!(sizes.ram <= 128 << 10, "RAM {} > 128 KiB", sizes.ram);
}
