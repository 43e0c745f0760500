//! Device thumbnails of a dataset equal the chip's thumbnail of its 8-bit frames.

use facenmf_core::thumbnail::Crop;
use facenmf_host::data::{cache, Dataset};
use facenmf_tests::data_dir;

#[test]
fn thumbnails_average_areas_of_the_8bit_frame() {
    // 4x4 image, 2x2 blocks of constant value: a 2x2 thumbnail of the full frame is the blocks.
    let vals = [
        10u8, 10, 200, 200, 10, 10, 200, 200, 50, 50, 255, 255, 50, 50, 255, 255,
    ];
    let ds = Dataset {
        images: vals.iter().map(|&v| f32::from(v) / 255.0).collect(),
        labels: vec![0],
        class_names: vec!["x".into()],
        height: 4,
        width: 4,
        source: "toy".into(),
    };
    let t = ds.thumbnails(Crop::full(4, 4), 2, 2).unwrap();
    assert_eq!((t.height, t.width, t.len()), (2, 2, 1));
    let want = [10.0 / 255.0, 200.0 / 255.0, 50.0 / 255.0, 1.0];
    for (a, b) in t.images.iter().zip(want) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    // a crop of the right half, rows 0..2
    let t = ds
        .thumbnails(
            Crop {
                x: 2,
                y: 0,
                width: 2,
                height: 2,
            },
            1,
            1,
        )
        .unwrap();
    assert!((t.images[0] - 200.0 / 255.0).abs() < 1e-6);
    // a crop outside the image is an error, not a panic
    let e = ds
        .thumbnails(
            Crop {
                x: 3,
                y: 0,
                width: 2,
                height: 2,
            },
            1,
            1,
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("crop"), "{e}");
}

#[test]
fn lfw_thumbnails() {
    let Some(dir) = data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    let ds = cache::load(&dir).unwrap().max_per_person(5);
    let t = ds
        .thumbnails(
            Crop {
                x: 0,
                y: 11,
                width: 65,
                height: 65,
            },
            24,
            24,
        )
        .unwrap();
    assert_eq!((t.len(), t.height, t.width), (ds.len(), 24, 24));
    assert_eq!(t.labels, ds.labels);
    assert!(t.images.iter().all(|v| (0.0..=1.0).contains(v)));
    // mean brightness is kept by area averaging (up to edge effects of the crop)
    let m0: f32 = ds.images.iter().sum::<f32>() / ds.images.len() as f32;
    let m1: f32 = t.images.iter().sum::<f32>() / t.images.len() as f32;
    assert!((m0 - m1).abs() < 0.05, "{m0} vs {m1}");
}
