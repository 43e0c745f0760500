//! More people for the LDA map: they shape its directions but add none
//! unless `--map-dims` asks (the model's flash stays), and never reach the
//! basis or the templates.

use std::collections::BTreeMap;

use facenmf_host::data::Dataset;
use facenmf_host::synthetic;
use facenmf_host::train::{self, Extra, Spec};

fn people(n: usize, seed: u64) -> Dataset {
    synthetic::generate(&synthetic::Spec {
        people: n,
        per_person: 10,
        seed,
        ..Default::default()
    })
}

fn spec() -> Spec {
    let mut spec = Spec {
        thumb: (24, 24),
        ..Spec::raw()
    };
    spec.nmf.n_components = 16;
    spec.nmf.max_iter = 100;
    spec
}

#[test]
fn identities_reach_the_map_only() {
    let known = people(5, 3);
    let extra = Extra {
        identities: Some(people(12, 4)),
        ..Extra::default()
    };
    let (plain, _) = train::train(&known, &spec(), BTreeMap::new()).unwrap();
    let (wide, _) = train::train_with(&known, &spec(), BTreeMap::new(), Some(&extra)).unwrap();
    assert_eq!(plain.basis, wide.basis, "the NMF fit never sees them");
    let (pm, wm) = (plain.map.as_ref().unwrap(), wide.map.as_ref().unwrap());
    assert_eq!(pm.m, 4, "5 known people: 4 directions");
    assert_eq!(
        wm.m, 4,
        "5 + 12 people: still the known people's 4 directions"
    );
    assert_ne!(pm.p, wm.p, "the extra people shape the directions");
    assert_eq!(wide.templates.len(), 5, "templates are the known people's");
    assert!(wide.templates.iter().all(|t| usize::from(t.label) < 5));
    assert!(wide.provenance["map_identities"].contains("12 more people"));

    let capped = Spec {
        map_dims: Some(7),
        ..spec()
    };
    let (narrow, _) = train::train_with(&known, &capped, BTreeMap::new(), Some(&extra)).unwrap();
    assert_eq!(
        narrow.map.as_ref().unwrap().m,
        7,
        "more than the known people give"
    );
    let wide = Spec {
        map_dims: Some(usize::MAX),
        ..spec()
    };
    let (widest, _) = train::train_with(&known, &wide, BTreeMap::new(), Some(&extra)).unwrap();
    assert_eq!(
        widest.map.as_ref().unwrap().m,
        16,
        "5 + 12 people: 16 directions at most, and K = 16"
    );
}

#[test]
fn identities_of_another_size_are_refused() {
    let known = people(5, 3);
    let mut people = people(6, 4);
    people.width -= 1;
    people
        .images
        .truncate(people.len() * people.width * people.height);
    let extra = Extra {
        identities: Some(people),
        ..Extra::default()
    };
    let err = train::train_with(&known, &spec(), BTreeMap::new(), Some(&extra)).unwrap_err();
    assert!(format!("{err:#}").contains("extra people"), "{err:#}");
}
