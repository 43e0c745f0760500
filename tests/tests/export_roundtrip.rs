//! `facenmf export` writes Rust that compiles in a `no_std` crate against
//! `facenmf-core` and reads back bit-identically; bad models and paths give
//! an error and no file.

use std::path::{Path, PathBuf};
use std::process::Command;

use facenmf_host::export;
use facenmf_host::features::FeatureChoice;
use facenmf_host::model::{Method, Model};
use facenmf_tests::models::{fisherfaces, quantised, random_model, random_model_of, Shape};

const SHAPE: Shape = Shape {
    frame: (20, 26),
    thumb: (6, 8),
    k: 5,
    m: Some(3),
    n: 7,
    classes: 4,
};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every f32 of the model in the order the dump program prints them (for a
/// quantised model, its i8 values widened to f32 and its scales).
fn values(model: &Model) -> Vec<u32> {
    let mut v: Vec<f32> = vec![model.tol, model.threshold.unwrap_or(f32::INFINITY)];
    let widen = |q: &[i8]| q.iter().map(|&q| f32::from(q)).collect::<Vec<f32>>();
    match &model.quant {
        None => v.extend(&model.basis),
        Some(q) => {
            v.extend(widen(&q.basis.q));
            v.extend(&q.basis.scales);
        }
    }
    v.extend(&model.gram);
    v.extend(&model.encoder_bias);
    if let Some(map) = &model.map {
        match model.quant.as_ref().and_then(|q| q.map.as_ref()) {
            None => v.extend(&map.p),
            Some(q) => {
                v.extend(widen(&q.q));
                v.extend(&q.scales);
            }
        }
        v.extend(&map.bias);
    }
    for t in &model.templates {
        v.push(f32::from(t.label));
        v.extend(&t.vector);
    }
    if let Some(d) = &model.decision {
        v.extend(&d.cohort);
    }
    v.into_iter().map(f32::to_bits).collect()
}

/// The dump program's start for an f32 model: its values, and the
/// kernel's constructors over its arrays.
const DUMP_F32: &str = r#"
use export_check::model::*;
fn main() {
    let mut v: Vec<f32> = vec![RULE.tol, THRESHOLD];
    v.extend(BASIS.iter().flatten());
    v.extend(GRAM.iter().flatten());
    if let (Some(p), Some(c)) = (MAP, BIAS) {
        v.extend(p.iter().flatten());
        v.extend(c.iter());
    }
    for (l, t) in TEMPLATES.iter() {
        v.push(f32::from(*l));
        v.extend(t.iter());
    }
    v.extend(COHORT.iter().flatten());
    for x in v {
        println!("{:08x}", x.to_bits());
    }
    // The kernel accepts the exported arrays as they are.
    let enc = facenmf_core::Encoder::from_arrays(&BASIS, &GRAM, RULE).expect("encoder");
    let map = facenmf_core::LinearMap::from_arrays(MAP.unwrap(), BIAS).expect("map");
    let (scales, stage) = (0, core::mem::size_of_val(&GRAM));
"#;

/// The same for an f32 Fisherfaces model (a linear stage and its bias, no
/// Gram matrix).
const DUMP_FISHER: &str = r#"
use export_check::model::*;
fn main() {
    let mut v: Vec<f32> = vec![RULE.tol, THRESHOLD];
    v.extend(BASIS.iter().flatten());
    v.extend(ENCODER_BIAS.iter());
    if let (Some(p), Some(c)) = (MAP, BIAS) {
        v.extend(p.iter().flatten());
        v.extend(c.iter());
    }
    for (l, t) in TEMPLATES.iter() {
        v.push(f32::from(*l));
        v.extend(t.iter());
    }
    for x in v {
        println!("{:08x}", x.to_bits());
    }
    // The kernel accepts the exported arrays as they are.
    let enc = facenmf_core::LinearEncoder::from_arrays(&BASIS, &ENCODER_BIAS).expect("encoder");
    let map = facenmf_core::LinearMap::from_arrays(MAP.unwrap(), BIAS).expect("map");
    let (scales, stage) = (0, core::mem::size_of_val(&ENCODER_BIAS));
"#;

/// The same for a quantised model (i8 basis and map with their scales).
const DUMP_I8: &str = r#"
use export_check::model::*;
fn main() {
    let mut v: Vec<f32> = vec![RULE.tol, THRESHOLD];
    v.extend(BASIS.iter().flatten().map(|&q| f32::from(q)));
    v.extend(BASIS_SCALES.iter());
    v.extend(GRAM.iter().flatten());
    if let (Some(p), Some(c)) = (MAP, BIAS) {
        v.extend(p.iter().flatten().map(|&q| f32::from(q)));
        v.extend(MAP_SCALES.iter());
        v.extend(c.iter());
    }
    for (l, t) in TEMPLATES.iter() {
        v.push(f32::from(*l));
        v.extend(t.iter());
    }
    for x in v {
        println!("{:08x}", x.to_bits());
    }
    // The kernel accepts the exported arrays as they are.
    let enc = facenmf_core::Encoder::from_i8_arrays(&BASIS, &BASIS_SCALES, &GRAM, RULE).expect("encoder");
    let map = facenmf_core::LinearMap::from_i8_arrays(&MAP_DATA, &MAP_SCALES, BIAS).expect("map");
    assert!(enc.basis().is_quantised());
    let scales = core::mem::size_of_val(&BASIS_SCALES) + core::mem::size_of_val(&MAP_SCALES);
    let stage = core::mem::size_of_val(&GRAM);
"#;

/// The dump program's end: what both kinds of model share.
const DUMP_TAIL: &str = r#"
    facenmf_core::Projection::new_checked(K, SQRT, NORMALIZE, Some(map)).expect("projection");
    facenmf_core::Gallery::<M, 0>::new_checked(&TEMPLATES).expect("gallery");
    assert_eq!((enc.k(), enc.d()), (K, D));
    println!("names {}", CLASS_NAMES.join("|"));
    let flash = scales
        + stage
        + core::mem::size_of_val(&BASIS)
        + MAP.map_or(0, |p| core::mem::size_of_val(p))
        + BIAS.map_or(0, |b| core::mem::size_of_val(b))
        + core::mem::size_of_val(&TEMPLATES)
        + core::mem::size_of_val(&COHORT);
    println!("flash {flash}");
    // The constructors the boards call build the recogniser of the model.
    let r = export_check::model::recogniser::<0>().expect("recogniser");
    assert_eq!(
        (r.encoder().k(), r.encoder().d(), r.thumbnailer().out_len(), r.features().output_len(), r.work_len()),
        (K, D, WIDTH * HEIGHT, D, WORK_LEN)
    );
    assert_eq!(r.features().features(), FEATURES);
    let other = facenmf_core::Thumbnailer::new_checked(
        2 * FRAME_WIDTH,
        FRAME_HEIGHT,
        facenmf_core::PixelFormat::Yuyv,
        facenmf_core::Crop { x: 0, y: 0, width: FRAME_WIDTH, height: FRAME_HEIGHT },
        WIDTH,
        HEIGHT,
    )
    .expect("thumbnailer");
    export_check::model::recogniser_with::<0>(other).expect("recogniser of another camera");
    let small = facenmf_core::Thumbnailer::new_checked(FRAME_WIDTH, FRAME_HEIGHT, PIXEL_FORMAT, CROP, WIDTH, HEIGHT - 1)
        .expect("thumbnailer");
    println!("wrong thumbnail: {}", export_check::model::recogniser_with::<0>(small).is_err());
    println!("features {FEATURES:?} {D} {WORK_LEN}");
    println!("geometry {FRAME_WIDTH} {FRAME_HEIGHT} {} {} {} {} {N} {CLASSES} {NEIGHBOURS} {:?} {:?}", CROP.x, CROP.y, CROP.width, CROP.height, METRIC, PIXEL_FORMAT);
}
"#;

#[test]
fn export_compiles_no_std_and_reads_back_bit_identically() {
    round_trip(&random_model(7, SHAPE), "raw", "features Raw 48 48");
}

#[test]
fn lbp_model_exports_its_features_and_builds_its_recogniser() {
    let lbp = FeatureChoice::lbp(2, 2);
    let model = random_model_of(7, SHAPE, lbp);
    // 2 x 2 cells of 59 bins over the 8 x 6 thumbnail: D = 236, and the
    // working space holds the 48 thumbnail values before them.
    assert_eq!(model.d(), 236);
    let text = export::render(&model).unwrap();
    assert!(text.contains(
        "pub const FEATURES: Features = Features::Lbp {\n    grid: Grid::new(2, 2),\n    mirror: false,\n    sqrt: false,\n};"
    ));
    assert!(text.contains("pub const WORK_LEN: usize = 284;"));
    round_trip(
        &model,
        "lbp",
        "features Lbp { grid: Grid { rows: 2, cols: 2 }, mirror: false, sqrt: false } 236 284",
    );
}

#[test]
fn model_with_a_cohort_decision_exports_it() {
    let mut model = random_model(7, SHAPE);
    model.decision = Some(facenmf_host::decision::DecisionRule {
        score: "both-z:3".parse().unwrap(),
        cohort: (0..4 * 3).map(|i| 0.25 * i as f32 - 1.0).collect(),
    });
    model.threshold = Some(-0.5);
    let text = export::render(&model).unwrap();
    assert!(text.contains(
        "pub const SCORE: Score = Score::Normalised {\n    impostors: Impostors::Both,\n    form: Form::Z,\n    k: 3,\n};"
    ));
    assert!(text.contains("pub const COHORT_LEN: usize = 4;"));
    round_trip(&model, "decision", "features Raw 48 48");
    // A model without a decision exports the distance score and no cohort.
    let plain = export::render(&random_model(7, SHAPE)).unwrap();
    assert!(plain.contains("pub const SCORE: Score = Score::Distance;"));
    assert!(plain.contains("pub const COHORT_LEN: usize = 0;"));
}

/// A quantised model (i8 basis and map with a scale a row) exports its i8
/// arrays and scales, reads back bit for bit, builds its recogniser through
/// the i8 constructors, and the budget counts its real bytes.
#[test]
fn quantised_model_exports_i8_rows_and_builds_its_recogniser() {
    let lbp = FeatureChoice::lbp(2, 2);
    let model = quantised(random_model_of(7, SHAPE, lbp));
    let text = export::render(&model).unwrap();
    for line in [
        "pub static BASIS: [[i8; D]; K] = [",
        "pub static BASIS_SCALES: [f32; K] = [",
        "pub static MAP_DATA: [[i8; K]; M] = [",
        "pub static MAP_SCALES: [f32; M] = [",
        "pub static MAP: Option<&[[i8; K]; M]> = Some(&MAP_DATA);",
        "Encoder::from_i8_arrays(&BASIS, &BASIS_SCALES, &GRAM, RULE)?",
        "LinearMap::from_i8_arrays(&MAP_DATA, &MAP_SCALES, BIAS)?",
    ] {
        assert!(text.contains(line), "no `{line}` in the export");
    }
    // 5 x 236 i8 + 5 scales, Gram 5 x 5, map 3 x 5 i8 + 3 scales + 3 bias,
    // 7 templates of (4 + 3 x 4) bytes.
    let flash = facenmf_host::budget::Shape::of(&model)
        .budget(0, 0)
        .flash_bytes;
    assert_eq!(flash, 5 * 236 + 20 + 100 + 15 + 12 + 12 + 7 * 16);
    round_trip(
        &model,
        "lbp-i8",
        "features Lbp { grid: Grid { rows: 2, cols: 2 }, mirror: false, sqrt: false } 236 284",
    );
}

/// A Fisherfaces model exports its linear stage (rows and bias, no Gram
/// matrix), reads back bit for bit and builds its recogniser.
#[test]
fn fisherfaces_model_exports_its_linear_stage() {
    let model = fisherfaces(random_model(7, SHAPE), 2);
    round_trip(&model, "fisher", "features Raw 48 48");
}

/// Exports `model` into a scratch crate, checks the file (deterministic,
/// rustfmt-clean), runs its dump on the host (every value's bits, the
/// constructors, the `features` line) and builds it for the chip.
fn round_trip(model: &Model, tag: &str, features_line: &str) {
    let model = model.clone();
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("export-check");
    std::fs::create_dir_all(krate.join("src/bin")).unwrap();
    let core = workspace().join("core");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"export-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nfacenmf-core = {{ path = {:?} }}\n\n[workspace]\n",
            core.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "#![no_std]\n#[rustfmt::skip]\npub mod model;\n",
    )
    .unwrap();
    let head = match (model.method, &model.quant) {
        (Method::Fisherfaces, None) => DUMP_FISHER,
        (_, Some(_)) => DUMP_I8,
        (Method::Nmf, None) => DUMP_F32,
    };
    std::fs::write(krate.join("src/bin/dump.rs"), format!("{head}{DUMP_TAIL}")).unwrap();
    let path = krate.join("src/model.rs");
    let bytes = export::write(&model, &path).unwrap();
    assert_eq!(bytes, std::fs::metadata(&path).unwrap().len() as usize);

    // Deterministic: the same model gives the same bytes.
    assert_eq!(
        export::render(&model).unwrap(),
        std::fs::read_to_string(&path).unwrap()
    );

    // rustfmt-clean as written.
    let fmt = Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .arg(&path)
        .output();
    match fmt {
        Ok(out) => assert!(
            out.status.success(),
            "rustfmt would change the export:\n{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => assert!(
            !facenmf_tests::data_dir::in_ci(),
            "rustfmt missing in CI: {e}"
        ),
    }

    // Compile and run the dump on the host; compare every value's bits.
    // One target directory per model: both tests build a `dump` binary.
    let target = workspace().join("target/export-check").join(tag);
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--release", "--bin", "dump"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export did not compile or run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let expected = values(&model);
    let got: Vec<u32> = lines[..expected.len()]
        .iter()
        .map(|l| u32::from_str_radix(l, 16).unwrap())
        .collect();
    assert_eq!(got, expected, "exported values differ from the model's");
    assert_eq!(
        lines[expected.len()],
        format!("names {}", model.class_names.join("|"))
    );
    // The budget's flash figure is what the compiled arrays take.
    let flash = facenmf_host::budget::Shape::of(&model)
        .budget(0, 0)
        .flash_bytes;
    assert_eq!(lines[expected.len() + 1], format!("flash {flash}"));
    assert_eq!(lines[expected.len() + 2], "wrong thumbnail: true");
    assert_eq!(lines[expected.len() + 3], features_line);
    assert_eq!(
        lines[expected.len() + 4],
        "geometry 20 26 0 0 20 26 7 4 1 SquaredL2 Gray8"
    );

    // The same file builds for the chip (no_std), where the target is installed.
    let chip = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--release",
            "--lib",
            "--target",
            "thumbv7em-none-eabihf",
        ])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&chip.stderr);
    if stderr.contains("target may not be installed") {
        assert!(
            !facenmf_tests::data_dir::in_ci(),
            "thumbv7em-none-eabihf missing in CI"
        );
        eprintln!("SKIPPED the no_std build: `rustup target add thumbv7em-none-eabihf` to run it");
    } else {
        assert!(
            chip.status.success(),
            "export does not build for thumbv7em-none-eabihf:\n{stderr}"
        );
    }
}

#[test]
fn model_without_map_exports_none() {
    let model = random_model(3, Shape { m: None, ..SHAPE });
    let text = export::render(&model).unwrap();
    assert!(text.contains("pub static MAP: Option<&[[f32; K]; M]> = None;"));
    assert!(text.contains(&format!("pub const M: usize = {};", SHAPE.k)));
}

#[test]
fn bad_models_and_paths_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.rs");
    let good = random_model(1, SHAPE);

    let mut nan = good.clone();
    nan.basis[3] = f32::NAN;
    let err = export::write(&nan, &path).unwrap_err();
    assert!(
        format!("{err:#}").contains("basis is NaN or infinite at (0, 3)"),
        "{err:#}"
    );

    let mut sizes = good.clone();
    sizes.basis.pop();
    let err = export::write(&sizes, &path).unwrap_err();
    assert!(
        format!("{err:#}").contains("basis holds 239 values, expected K x D = 5 x 48"),
        "{err:#}"
    );

    let mut gram = good.clone();
    gram.gram[1] *= 2.0;
    assert!(format!("{:#}", export::write(&gram, &path).unwrap_err()).contains("Gram matrix"));

    let mut template = good.clone();
    template.templates[2].vector.push(0.0);
    assert!(
        format!("{:#}", export::write(&template, &path).unwrap_err())
            .contains("template 2 holds 4 values")
    );

    let mut label = good.clone();
    label.templates[0].label = 9;
    assert!(format!("{:#}", export::write(&label, &path).unwrap_err()).contains("label 9"));

    let err = export::write(&good, &dir.path().join("no/such/dir/model.rs")).unwrap_err();
    assert!(format!("{err:#}").contains("cannot create"), "{err:#}");

    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn model_json_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let model = random_model(11, SHAPE);
    model.save(&path).unwrap();
    assert_eq!(Model::load(&path).unwrap(), model);
    std::fs::write(&path, "{\"format_version\": 1}").unwrap();
    assert!(format!("{:#}", Model::load(&path).unwrap_err()).contains("parsing model"));
}

/// Raw models keep the JSON they had (no `features` key, so files saved
/// before the feature stage load as raw); LBP models name theirs, read back
/// exactly, and a grid that does not fit the thumbnail is refused by name.
#[test]
fn model_json_carries_the_features() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let raw = random_model(11, SHAPE);
    let text = serde_json::to_string(&raw).unwrap();
    assert!(
        !text.contains("\"features\""),
        "raw model JSON names features"
    );
    assert!(!text.contains("\"quant\""), "f32 model JSON names quant");
    assert_eq!(raw.features, FeatureChoice::Raw);

    let lbp = random_model_of(11, SHAPE, FeatureChoice::lbp(2, 2));
    lbp.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"features\":\"lbp:2x2\""),
        "{}",
        &text[..200]
    );
    assert_eq!(Model::load(&path).unwrap(), lbp);

    // 8 rows of cells over the 6 rows of codes of an 8-pixel-high thumbnail.
    let mut bad = lbp.clone();
    bad.features = FeatureChoice::lbp(8, 2);
    let err = format!("{:#}", bad.save(&path).unwrap_err());
    assert!(
        err.contains("lbp:8x2") && err.contains("grid of 8 x 2"),
        "{err}"
    );
    // The basis must be as wide as the features are long.
    let mut wide = lbp.clone();
    wide.features = FeatureChoice::Raw;
    let err = format!("{:#}", wide.validate().unwrap_err());
    assert!(
        err.contains("expected K x D = 5 x 48 (raw features)"),
        "{err}"
    );
    // Unknown feature names are a parse error naming the file.
    let text = text.replace("lbp:2x2", "hog:2x2");
    std::fs::write(&path, text).unwrap();
    let err = format!("{:#}", Model::load(&path).unwrap_err());
    assert!(
        err.contains("parsing model") && err.contains("hog:2x2"),
        "{err}"
    );
}

/// A quantised model's JSON carries its i8 rows and scales and reads back
/// exactly; rows that do not stand for the model's f32 basis or map, a bad
/// scale or a negative basis value are refused by name.
#[test]
fn model_json_carries_the_quantised_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let model = quantised(random_model(11, SHAPE));
    model.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"quant\":{\"basis\":{\"q\":["),
        "{}",
        &text[..300]
    );
    assert_eq!(Model::load(&path).unwrap(), model);
    assert_eq!(model.quant_kind(), facenmf_host::quant::Quant::I8);

    let refused = |m: &Model| format!("{:#}", m.validate().unwrap_err());
    let mut basis = model.clone();
    basis.basis[7] += 0.25;
    assert!(
        refused(&basis).contains("basis at (0, 7) is not its quantised value"),
        "{}",
        refused(&basis)
    );
    let mut map = model.clone();
    map.map.as_mut().unwrap().p[4] += 1.0;
    assert!(
        refused(&map).contains("map at (0, 4) is not its quantised value"),
        "{}",
        refused(&map)
    );
    let mut scale = model.clone();
    let q = scale.quant.as_mut().unwrap();
    q.basis.scales[2] = -q.basis.scales[2];
    scale.basis = q.basis.dequantised();
    assert!(
        refused(&scale).contains("row scales is negative at (2, 0)"),
        "{}",
        refused(&scale)
    );
    let mut negative = model.clone();
    let q = negative.quant.as_mut().unwrap();
    let j = q.basis.q.iter().position(|&v| v > 0).unwrap();
    q.basis.q[j] = -q.basis.q[j];
    negative.basis = q.basis.dequantised();
    assert!(
        refused(&negative).contains("basis is negative at"),
        "{}",
        refused(&negative)
    );
    let mut short = model.clone();
    short.quant.as_mut().unwrap().basis.q.pop();
    assert!(
        refused(&short).contains("quantised basis holds 239 values and 5 scales, expected 5 x 48"),
        "{}",
        refused(&short)
    );
}
