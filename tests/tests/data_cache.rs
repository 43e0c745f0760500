//! The raw cache format: loading the shared folders, round trips, bad input.

use facenmf_host::data::{cache, Dataset};
use facenmf_tests::data_dir;
use std::fs;

fn toy() -> Dataset {
    let (h, w) = (3, 2);
    let labels = vec![0u16, 1, 0, 2, 1, 0];
    let images = (0..labels.len() * h * w)
        .map(|k| (k % 256) as f32 / 255.0)
        .collect();
    Dataset {
        images,
        labels,
        class_names: vec!["a".into(), "b".into(), "c".into()],
        height: h,
        width: w,
        source: "toy".into(),
    }
}

#[test]
fn olivetti_cache_loads_as_sklearn() {
    let Some(dir) = data_dir::dataset("olivetti") else {
        return;
    };
    let ds = cache::load(&dir).unwrap();
    assert_eq!(
        (ds.len(), ds.height, ds.width, ds.class_names.len()),
        (400, 64, 64, 40)
    );
    assert_eq!(ds.labels[17], 1);
    // sklearn's first row of image 0: 0.30991736 0.3677686 0.41735536 0.44214877
    let want = [0.309_917_36f32, 0.367_768_6, 0.417_355_36, 0.442_148_77];
    for (a, b) in ds.image(0)[..4].iter().zip(want) {
        assert!((a - b).abs() < 1e-7, "{a} vs {b}");
    }
    assert_eq!(ds.max_per_person(3).len(), 120);
}

#[test]
fn lfw_cache_loads() {
    let Some(dir) = data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    let ds = cache::load(&dir).unwrap();
    assert_eq!(
        (ds.len(), ds.height, ds.width, ds.class_names.len()),
        (3023, 87, 65, 62)
    );
    assert_eq!(ds.class_names[usize::from(ds.labels[0])], "Winona Ryder");
    assert_eq!(ds.class_counts()[14], 530);
    let capped = ds.max_per_person(50);
    assert_eq!(capped.class_counts().iter().max(), Some(&50));
    assert_eq!(capped.class_counts()[4], 20);
    // the first 50 of each person, in dataset order
    let first_bush: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.labels[i] == 14)
        .take(50)
        .collect();
    let capped_bush: Vec<&[f32]> = (0..capped.len())
        .filter(|&i| capped.labels[i] == 14)
        .map(|i| capped.image(i))
        .collect();
    assert_eq!(capped_bush.len(), 50);
    for (k, &i) in first_bush.iter().enumerate() {
        assert_eq!(capped_bush[k], ds.image(i));
    }
}

#[test]
fn strangers_cache_loads_u16_labels() {
    let Some(dir) = data_dir::dataset("lfw_people_1to9_r07") else {
        return;
    };
    let ds = cache::load(&dir).unwrap();
    assert_eq!(
        (ds.len(), ds.height, ds.width, ds.class_names.len()),
        (8909, 87, 65, 5591)
    );
    // Labels above 255 exist and every class has 1..9 images.
    assert!(ds.labels.iter().any(|&l| l > 255));
    let counts = ds.class_counts();
    assert!(counts.iter().all(|&c| (1..=9).contains(&c)), "{counts:?}");
    assert_eq!(counts.iter().filter(|&&c| c == 1).count(), 4069);
    assert_eq!(counts.iter().filter(|&&c| c >= 4).count(), 452);
}

/// A toy dataset of `classes` people, one image each, labels in reverse order.
fn many_classes(classes: usize) -> Dataset {
    Dataset {
        images: (0..classes).map(|i| (i % 256) as f32 / 255.0).collect(),
        labels: (0..classes as u16).rev().collect(),
        class_names: (0..classes).map(|i| format!("p{i}")).collect(),
        height: 1,
        width: 1,
        source: "toy".into(),
    }
}

#[test]
fn more_than_256_classes_round_trip_through_labels_u16() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let wide = many_classes(300);
    cache::save(&wide, d, None).unwrap();
    assert!(d.join("labels.u16").is_file() && !d.join("labels.u8").exists());
    assert_eq!(fs::read(d.join("labels.u16")).unwrap().len(), 600);
    let back = cache::load(d).unwrap();
    assert_eq!(back.labels, wide.labels);
    assert_eq!(back.class_names, wide.class_names);
    // Saving a narrow set over it replaces the wide label file.
    cache::save(&toy(), d, None).unwrap();
    assert!(d.join("labels.u8").is_file() && !d.join("labels.u16").exists());
    assert_eq!(cache::load(d).unwrap().labels, toy().labels);
    // 256 classes still fit in bytes.
    cache::save(&many_classes(256), d, None).unwrap();
    assert!(d.join("labels.u8").is_file() && !d.join("labels.u16").exists());
    assert_eq!(cache::load(d).unwrap().labels, many_classes(256).labels);
}

#[test]
fn bad_u16_label_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    cache::save(&many_classes(300), d, None).unwrap();
    let labels = fs::read(d.join("labels.u16")).unwrap();
    // An odd byte count is not n u16 values.
    fs::write(d.join("labels.u16"), &labels[..labels.len() - 1]).unwrap();
    expect_err(
        d,
        "labels.u16: has 599 bytes, but meta.json says n=300, i.e. 600 bytes",
    );
    // Same size, changed content: the recorded sha256 disagrees.
    let mut changed = labels.clone();
    changed[0] ^= 1;
    fs::write(d.join("labels.u16"), &changed).unwrap();
    expect_err(d, "sha256");
    // A label past the class list is named.
    let mut m: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("meta.json")).unwrap()).unwrap();
    m["files"].as_object_mut().unwrap().remove("labels.u16");
    fs::write(d.join("meta.json"), m.to_string()).unwrap();
    let mut big = labels.clone();
    big[0..2].copy_from_slice(&300u16.to_le_bytes());
    fs::write(d.join("labels.u16"), &big).unwrap();
    expect_err(d, "label 300 of image 0 is out of range");
    // Both label files: ambiguous, refused.
    fs::write(d.join("labels.u16"), &labels).unwrap();
    fs::write(d.join("labels.u8"), vec![0u8; 300]).unwrap();
    expect_err(d, "holds both labels.u8 and labels.u16");
    // Neither.
    fs::remove_file(d.join("labels.u8")).unwrap();
    fs::remove_file(d.join("labels.u16")).unwrap();
    expect_err(d, "has no label file");
}

#[test]
fn round_trip_and_split() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = toy();
    cache::save(&ds, tmp.path(), None).unwrap();
    let back = cache::load(tmp.path()).unwrap();
    assert_eq!(back.labels, ds.labels);
    assert_eq!(back.class_names, ds.class_names);
    for (a, b) in back.images.iter().zip(&ds.images) {
        assert!((a - b).abs() < 1e-6);
    }
    // sklearn: train_test_split(range(6), test_size=0.25, random_state=42) takes
    // RandomState(42).permutation(6); n_test = ceil(1.5) = 2 first entries are the test set.
    let perm = facenmf_host::data::rng::RandomState::new(42).permutation(6);
    let s = ds.train_test_split(0.25, 42, false).unwrap();
    assert_eq!(s.test_indices, perm[..2]);
    assert_eq!(s.train_indices, perm[2..]);
    assert_eq!(s.test.labels, vec![ds.labels[perm[0]], ds.labels[perm[1]]]);
    let s = ds.train_test_split(0.5, 1, true).unwrap();
    assert_eq!(s.train.len() + s.test.len(), 6);
    let t = s.test.class_counts();
    assert_eq!(t[0], 2); // round(0.5*3)=2, within 1..=2
    assert_eq!(t[1], 1);
    assert_eq!(t[2], 0); // a single image stays in train
    assert!(ds.train_test_split(1.0, 1, false).is_err());
}

fn expect_err(dir: &std::path::Path, needle: &str) {
    let err = cache::load(dir).unwrap_err().to_string();
    assert!(
        err.contains(needle),
        "error `{err}` should mention `{needle}`"
    );
}

#[test]
fn bad_cache_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    expect_err(&d.join("nope"), "no such folder");
    cache::save(&toy(), d, None).unwrap();
    // truncated images.u8
    let img = fs::read(d.join("images.u8")).unwrap();
    fs::write(d.join("images.u8"), &img[..img.len() - 5]).unwrap();
    expect_err(d, "images.u8: has 31 bytes");
    // same size, changed content: the sha256 disagrees
    let mut changed = img.clone();
    changed[0] ^= 1;
    fs::write(d.join("images.u8"), &changed).unwrap();
    expect_err(d, "sha256");
    fs::write(d.join("images.u8"), &img).unwrap();
    cache::load(d).unwrap();
    // meta.json disagreeing with the files
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("meta.json")).unwrap()).unwrap();
    let mut m = meta.clone();
    m["n"] = 7.into();
    fs::write(d.join("meta.json"), m.to_string()).unwrap();
    expect_err(d, "meta.json says n=7");
    let mut m = meta.clone();
    m["classes"] = serde_json::json!(["a", "b"]);
    fs::write(d.join("meta.json"), m.to_string()).unwrap();
    expect_err(d, "out of range");
    fs::write(d.join("meta.json"), "{not json").unwrap();
    expect_err(d, "meta.json: not valid JSON");
    fs::remove_file(d.join("labels.u8")).unwrap();
    fs::write(d.join("meta.json"), meta.to_string()).unwrap();
    expect_err(d, "labels.u8");
}
