//! `chip::Chip`: its parallel batch methods give, image for image and bit
//! for bit, what its one-image methods give; the runner-up is the nearest
//! template of another person by a naive f64 distance.

use std::collections::BTreeMap;

use facenmf_host::chip::{self, Chip};
use facenmf_host::data::Dataset;
use facenmf_host::model::{MetricName, Model};
use facenmf_host::synthetic;
use facenmf_host::train::{self, GalleryKind, Spec};

fn setup(gallery: GalleryKind, metric: MetricName) -> (Dataset, Model) {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 5,
        per_person: 8,
        seed: 3,
        ..Default::default()
    });
    let mut spec = Spec {
        thumb: (24, 24),
        gallery,
        metric,
        ..Spec::raw()
    };
    spec.nmf.n_components = 12;
    spec.nmf.max_iter = 60;
    let (model, _) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    (ds, model)
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn naive_distance(metric: MetricName, a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(x) * f64::from(y))
        .sum();
    let na: f64 = a.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>();
    let nb: f64 = b.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>();
    match metric {
        MetricName::SquaredL2 => na + nb - 2.0 * dot,
        MetricName::Cosine => 1.0 - dot / (na.sqrt() * nb.sqrt()),
    }
}

#[test]
fn batches_equal_one_image_at_a_time() {
    for (gallery, metric) in [
        (GalleryKind::ClassMeans, MetricName::Cosine),
        (GalleryKind::AllFaces, MetricName::SquaredL2),
    ] {
        let (ds, model) = setup(gallery, metric);
        let chip = Chip::new(&model).unwrap();
        let g = &model.geometry;
        let thumbs = ds.thumbnails(g.crop(), g.height, g.width).unwrap();
        let seen = chip.see_all(&thumbs, f32::INFINITY).unwrap();
        let vectors = chip.vectors(&thumbs).unwrap();
        let prepared = chip.prepared_codes(&thumbs.images).unwrap();
        let decisions = chip.decide_all(&vectors, f32::INFINITY).unwrap();
        let (k, m) = (model.k, model.m());
        for i in 0..thumbs.len() {
            let one = chip.see_thumbnail(thumbs.image(i), f32::INFINITY).unwrap();
            assert_eq!(seen[i], one, "image {i}");
            assert_eq!(
                bits(&vectors[i * m..(i + 1) * m]),
                bits(&one.embedding.vector)
            );
            assert_eq!(
                bits(&prepared[i * k..(i + 1) * k]),
                bits(&one.embedding.code)
            );
            assert_eq!(decisions[i], one.decision);
        }
        let correct = seen
            .iter()
            .zip(&thumbs.labels)
            .filter(|(s, &l)| s.decision.label == l)
            .count();
        let accuracy = chip.accuracy(&thumbs).unwrap();
        assert_eq!(accuracy, correct as f64 / thumbs.len() as f64);
        assert_eq!(chip::accuracy_of(&seen, &thumbs.labels), accuracy);

        // Frames: the same as thumbnail then the one-image path.
        let frames: Vec<Vec<u8>> = (0..6)
            .map(|i| {
                ds.image(i)
                    .iter()
                    .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
                    .collect()
            })
            .collect();
        let many = chip.see_frames(&frames).unwrap();
        let embedded = chip.embed_frames(&frames).unwrap();
        for (i, f) in frames.iter().enumerate() {
            let one = chip.see_frame(f).unwrap();
            assert_eq!(many[i], one);
            assert_eq!(embedded[i], one.embedding);
            assert_eq!(bits(&chip.thumbnail(f).unwrap()), bits(thumbs.image(i)));
        }
        assert!(chip.see_frames(&[vec![0u8; 3]]).is_err());
    }
}

#[test]
fn the_runner_up_is_the_nearest_other_person() {
    for metric in [MetricName::Cosine, MetricName::SquaredL2] {
        let (ds, model) = setup(GalleryKind::AllFaces, metric);
        let chip = Chip::new(&model).unwrap();
        let g = &model.geometry;
        let thumbs = ds.thumbnails(g.crop(), g.height, g.width).unwrap();
        for s in chip.see_all(&thumbs, f32::INFINITY).unwrap() {
            let v = &s.embedding.vector;
            let r = chip.runner_up(v, s.decision.label).unwrap().unwrap();
            assert_ne!(r.label, s.decision.label);
            let best = model
                .templates
                .iter()
                .filter(|t| t.label != s.decision.label)
                .map(|t| naive_distance(metric, v, &t.vector))
                .min_by(f64::total_cmp)
                .unwrap();
            assert!(
                (f64::from(r.distance) - best).abs() <= 1e-4,
                "{} vs {best}",
                r.distance
            );
            assert!(r.distance >= s.decision.distance - 1e-6);
        }
    }
}
