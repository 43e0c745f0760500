//! Olivetti from the `.mat` file equals the shared u8 cache divided by 242, exactly.

use facenmf_host::data::{cache, mat, olivetti};
use facenmf_tests::data_dir;

#[test]
fn olivetti_mat_matches_sklearn_exactly() {
    let Some(dir) = data_dir::dataset("olivetti") else {
        return;
    };
    let ds = olivetti::load_mat(&dir.join("olivettifaces.mat")).unwrap();
    assert_eq!(
        (ds.len(), ds.height, ds.width, ds.class_names.len()),
        (400, 64, 64, 40)
    );
    let raw = std::fs::read(dir.join("images.u8")).unwrap();
    assert_eq!(raw.len(), ds.images.len());
    for (k, (&a, &b)) in ds.images.iter().zip(&raw).enumerate() {
        assert_eq!(a, f32::from(b) / 242.0, "pixel {k}");
    }
    let labels = std::fs::read(dir.join("labels.u8")).unwrap();
    assert!(ds
        .labels
        .iter()
        .zip(&labels)
        .all(|(&a, &b)| a == u16::from(b)));
    // the shared cache folder loads to the same floats
    let c = cache::load(&dir).unwrap();
    assert_eq!(c.images, ds.images);
    assert_eq!(c.class_names, ds.class_names);
}

#[test]
fn bad_mat_files() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("x.mat");
    std::fs::write(&p, b"hello").unwrap();
    let e = olivetti::load_mat(&p).unwrap_err().to_string();
    assert!(e.contains("x.mat") && e.contains("too short"), "{e}");
    std::fs::write(&p, [b' '; 200]).unwrap();
    let e = olivetti::load_mat(&p).unwrap_err().to_string();
    assert!(e.contains("not a MATLAB v5"), "{e}");
    let e = olivetti::load_mat(&tmp.path().join("missing.mat"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.mat"), "{e}");
    if let Some(dir) = data_dir::dataset("olivetti") {
        let good = std::fs::read(dir.join("olivettifaces.mat")).unwrap();
        std::fs::write(&p, &good[..good.len() / 2]).unwrap();
        let e = olivetti::load_mat(&p).unwrap_err().to_string();
        assert!(e.contains("x.mat"), "{e}");
        let e = mat::read_variable(&dir.join("olivettifaces.mat"), "nope")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no numeric variable `nope`"), "{e}");
    }
}
