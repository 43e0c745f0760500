//! `facenmf detect --json`'s shape: `{"frames": [{"file", "faces": [{"top",
//! "left", "height", "width", "score"}]}]}`, chosen face first, an empty list
//! for "no face"; boxes inside the frame.

use facenmf_host::frames::write_pgm;
use facenmf_host::locate::config::LocatorConfig;
use facenmf_host::locate::detect::detect;
use facenmf_tests::{data_dir, opencv};

#[test]
fn detect_json_has_the_issue_s_shape() {
    if opencv::frontal_face_lbp().is_none() {
        return;
    }
    let Some(lfw) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let truth = facenmf_host::frames::generate(&lfw, dir.path(), 4, 12, 0.0).unwrap();
    let black = dir.path().join("black.pgm");
    write_pgm(&black, 160, 120, &[0u8; 160 * 120]).unwrap();
    let mut files: Vec<_> = truth
        .frames
        .iter()
        .map(|f| dir.path().join(&f.file))
        .collect();
    files.push(black);
    let out = detect(&LocatorConfig::default(), &files).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    let frames = v["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 13);
    let mut with_face = 0;
    for f in frames {
        assert!(f["file"].is_string());
        for face in f["faces"].as_array().unwrap() {
            let n = |k: &str| face[k].as_f64().unwrap();
            assert!(n("top") + n("height") <= 120.0 && n("left") + n("width") <= 160.0);
            assert!(n("score") >= 4.0);
        }
        with_face += usize::from(!f["faces"].as_array().unwrap().is_empty());
    }
    assert!(
        with_face >= 8,
        "faces found on only {with_face} of 12 face frames"
    );
    assert_eq!(
        frames[12]["faces"].as_array().unwrap().len(),
        0,
        "a black frame has a face"
    );
}
