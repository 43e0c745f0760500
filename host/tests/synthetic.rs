//! The synthetic face generator: deterministic, well-formed, and its
//! identities are told apart by raw-pixel nearest neighbour far above chance.

use facenmf_host::synthetic::{generate, Spec};

#[test]
fn synthetic_faces_are_deterministic_and_well_formed() {
    let spec = Spec {
        people: 6,
        per_person: 4,
        height: 32,
        width: 24,
        seed: 9,
    };
    let a = generate(&spec);
    assert_eq!(a, generate(&spec));
    assert_ne!(a.images, generate(&Spec { seed: 10, ..spec }).images);
    assert_eq!(
        (a.len(), a.height, a.width, a.class_names.len()),
        (24, 32, 24, 6)
    );
    assert!(a.images.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(
        a.labels,
        (0..24).map(|i| (i / 4) as u16).collect::<Vec<_>>()
    );
    assert!(a.source.contains("SYNTHETIC"));
}

#[test]
fn identities_are_recognisable() {
    let spec = Spec {
        people: 20,
        per_person: 6,
        height: 40,
        width: 32,
        seed: 1,
    };
    let ds = generate(&spec);
    let dist = |i: usize, j: usize| -> f32 {
        ds.image(i)
            .iter()
            .zip(ds.image(j))
            .map(|(a, b)| (a - b) * (a - b))
            .sum()
    };
    // Leave-one-out 1-NN on raw pixels.
    let correct = (0..ds.len())
        .filter(|&i| {
            let nn = (0..ds.len())
                .filter(|&j| j != i)
                .min_by(|&a, &b| dist(i, a).total_cmp(&dist(i, b)))
                .unwrap();
            ds.labels[nn] == ds.labels[i]
        })
        .count();
    let accuracy = correct as f64 / ds.len() as f64;
    assert!(accuracy > 0.5, "1-NN accuracy {accuracy} (chance 0.05)");
}
