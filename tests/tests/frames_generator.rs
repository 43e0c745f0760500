//! `facenmf frames`: the same seed gives the same bytes, another seed other
//! frames; true boxes lie inside the frame at 40–100 pixels tall, face-free
//! frames come in the asked share; every frame is a 160x120 PGM.

use facenmf_host::frames::{generate, Truth};
use facenmf_tests::data_dir;
use std::path::Path;

fn files(dir: &Path, truth: &Truth) -> Vec<Vec<u8>> {
    truth
        .frames
        .iter()
        .map(|f| std::fs::read(dir.join(&f.file)).unwrap())
        .collect()
}

#[test]
fn frames_are_deterministic_for_a_seed_and_boxes_fit() {
    let Some(lfw) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let ta = generate(&lfw, a.path(), 11, 40, 0.25).unwrap();
    let tb = generate(&lfw, b.path(), 11, 40, 0.25).unwrap();
    let tc = generate(&lfw, c.path(), 12, 40, 0.25).unwrap();
    assert_eq!(ta, tb);
    // truth.json reads back (boxes to the last bits of their decimal form).
    let back = Truth::read(a.path()).unwrap();
    assert_eq!(back.frames.len(), ta.frames.len());
    for (x, y) in back.frames.iter().zip(&ta.frames) {
        assert_eq!((&x.file, &x.source, x.label), (&y.file, &y.source, y.label));
        assert_eq!(x.face.is_some(), y.face.is_some());
        if let (Some(p), Some(q)) = (x.face, y.face) {
            assert!(
                (p.top - q.top).abs() + (p.left - q.left).abs() + (p.height - q.height).abs()
                    < 1e-9
            );
        }
    }
    let (fa, fb, fc) = (
        files(a.path(), &ta),
        files(b.path(), &tb),
        files(c.path(), &tc),
    );
    assert_eq!(fa, fb, "same seed, different bytes");
    assert_ne!(fa, fc, "another seed gave the same frames");

    let free = ta.frames.iter().filter(|f| f.face.is_none()).count();
    assert_eq!(free, 10);
    for (f, bytes) in ta.frames.iter().zip(&fa) {
        assert!(bytes.starts_with(b"P5\n160 120\n255\n"));
        assert_eq!(bytes.len(), 15 + 160 * 120);
        assert_eq!(ta.classes[usize::from(f.label)], f.person);
        if let Some(b) = f.face {
            assert!(
                b.top >= 0.0
                    && b.left >= 0.0
                    && b.top + b.height <= 120.0
                    && b.left + b.width <= 160.0
            );
            assert!((39.0..=101.0).contains(&b.height), "{b:?}");
        }
    }
}

#[test]
fn a_folder_without_photos_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = generate(empty.path(), out.path(), 1, 4, 0.25).unwrap_err();
    assert!(format!("{e:#}").contains("--from"), "{e:#}");
    assert!(!out.path().join("truth.json").exists());
}
