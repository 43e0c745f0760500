//! Training-set augmentation of the device model: the copies shape the map
//! and the class means only; the basis, the exported sizes and the gallery of
//! single faces are those of the originals.

use std::collections::BTreeMap;

use facenmf_host::data::Dataset;
use facenmf_host::learn::augment::Augment;
use facenmf_host::synthetic;
use facenmf_host::train::{self, GalleryKind, Spec};

fn data() -> Dataset {
    synthetic::generate(&synthetic::Spec {
        people: 8,
        per_person: 10,
        seed: 3,
        ..Default::default()
    })
}

fn spec(augment: Augment, gallery: GalleryKind) -> Spec {
    let mut spec = Spec {
        thumb: (24, 24),
        augment,
        gallery,
        ..Spec::raw()
    };
    spec.nmf.n_components = 16;
    spec.nmf.max_iter = 100;
    spec
}

#[test]
fn copies_change_the_map_but_not_the_basis_or_the_sizes() {
    let ds = data();
    let on = Augment {
        flip: true,
        shift: 1,
        ..Augment::NONE
    };
    let (plain, _) = train::train(
        &ds,
        &spec(Augment::NONE, GalleryKind::ClassMeans),
        BTreeMap::new(),
    )
    .unwrap();
    let (aug, report) =
        train::train(&ds, &spec(on, GalleryKind::ClassMeans), BTreeMap::new()).unwrap();
    assert_eq!(plain.basis, aug.basis, "the NMF fit never sees the copies");
    assert_eq!(plain.templates.len(), aug.templates.len());
    let (pm, am) = (plain.map.as_ref().unwrap(), aug.map.as_ref().unwrap());
    assert_eq!((pm.m, pm.p.len()), (am.m, am.p.len()));
    assert_ne!(pm.p, am.p, "the copies must reach the LDA map");
    assert!(
        report.accuracy > 0.6,
        "augmented model accuracy {}",
        report.accuracy
    );
    assert!(aug.provenance["recipe"].contains("flip: true"));
}

#[test]
fn a_gallery_of_faces_holds_the_training_faces_only() {
    let ds = data();
    let on = Augment {
        flip: true,
        shift: 2,
        ..Augment::NONE
    };
    let (model, report) =
        train::train(&ds, &spec(on, GalleryKind::AllFaces), BTreeMap::new()).unwrap();
    assert_eq!(model.templates.len(), report.n_train);
}
