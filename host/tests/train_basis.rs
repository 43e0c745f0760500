//! The fitted NMF basis the chip stores: each component a unit row, so the
//! encoder's Gram matrix has a diagonal of 1 whatever scale the solver left
//! each component at; LBP features too.

use facenmf_host::features::FeatureChoice;
use facenmf_host::synthetic;
use facenmf_host::train::{self, Spec};

fn spec(features: FeatureChoice) -> Spec {
    let mut spec = Spec {
        thumb: (24, 24),
        features,
        ..Spec::raw()
    };
    spec.nmf.n_components = 16;
    spec.nmf.max_iter = 100;
    spec
}

#[test]
fn every_basis_row_has_unit_length() {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 8,
        per_person: 10,
        seed: 5,
        ..Default::default()
    });
    for features in [FeatureChoice::Raw, FeatureChoice::lbp(3, 3)] {
        let spec = spec(features);
        let (train_set, _) = train::split(&ds, &spec).unwrap();
        let basis = train::fit_basis(&train_set, &spec).unwrap();
        let d = basis.h.len() / basis.k;
        for (i, row) in basis.h.chunks(d).enumerate() {
            let norm = row
                .iter()
                .map(|&v| f64::from(v).powi(2))
                .sum::<f64>()
                .sqrt();
            assert!(
                (norm - 1.0).abs() < 1e-6,
                "{features}: row {i} has norm {norm}"
            );
            assert!(row.iter().all(|&v| v >= 0.0), "{features}: row {i}");
        }
    }
}
