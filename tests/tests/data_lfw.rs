//! LFW from the JPEG folder reproduces scikit-learn's
//! `fetch_lfw_people(min_faces_per_person=20, resize=0.7)`: same order, same
//! labels, pixels within mean 0.5/255 and max 4/255.

use facenmf_host::data::{cache, lfw};
use facenmf_tests::data_dir;
use std::time::Instant;

#[test]
fn lfw_folder_matches_sklearn() {
    let Some(jpegs) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let Some(reference) = data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    let want = cache::load(&reference).unwrap();
    let raw = std::fs::read(reference.join("images.u8")).unwrap();

    let mut opts = lfw::LfwOptions {
        min_faces_per_person: 20,
        ..Default::default()
    };
    opts.prepare.resize = Some(0.7);
    let t = Instant::now();
    let got = lfw::load(&jpegs, &opts).unwrap();
    let secs = t.elapsed().as_secs_f64();

    assert_eq!((got.height, got.width), (87, 65));
    assert_eq!(got.class_names, want.class_names);
    assert_eq!(
        got.labels, want.labels,
        "order or labels differ from sklearn"
    );
    let (mut sum, mut max) = (0f64, 0f64);
    for (&a, &b) in got.images.iter().zip(&raw) {
        let d = (f64::from(a) * 255.0 - f64::from(b)).abs();
        sum += d;
        max = max.max(d);
    }
    let mean = sum / raw.len() as f64;
    eprintln!(
        "LFW parity: {} images, load {secs:.2} s on {} threads; |255*x - ref| mean {mean:.3}, max {max:.3} (limits 0.5, 4)",
        got.len(),
        rayon::current_num_threads()
    );
    assert!(mean <= 0.5, "mean abs diff {mean}/255 > 0.5/255");
    assert!(max <= 4.0, "max abs diff {max}/255 > 4/255");
}
