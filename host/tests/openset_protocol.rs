//! The open-set experiment on synthetic faces: the threshold is chosen on
//! calibration strangers only, the model carries it, and the chip's vote with
//! that threshold answers `Unknown` for exactly the strangers the report says
//! it rejects.

use std::collections::BTreeMap;

use facenmf_core::gallery::{self, Identity};
use facenmf_host::enroll;
use facenmf_host::model::Model;
use facenmf_host::openset::protocol::{self, Protocol};
use facenmf_host::synthetic;
use facenmf_host::train::Spec;

#[test]
fn threshold_is_chosen_on_calibration_and_carried_to_the_chip() {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 24,
        per_person: 8,
        seed: 11,
        ..Default::default()
    });
    let mut spec = Spec {
        thumb: (24, 24),
        ..Spec::raw()
    };
    spec.nmf.n_components = 24;
    spec.nmf.max_iter = 150;
    let proto = Protocol {
        enrol_photos: vec![1, 3, 7, 8],
        ..Protocol::default()
    };
    let (model, r) = protocol::run(&ds, &spec, &proto, BTreeMap::new()).unwrap();
    assert_eq!(
        (
            r.people.enrolled.len(),
            r.people.calibration.len(),
            r.people.evaluation.len()
        ),
        (18, 3, 3)
    );
    assert_eq!(model.class_names.len(), 18);
    assert_eq!((r.n_calibration, r.n_evaluation), (24, 24));
    assert_eq!(model.threshold, Some(r.threshold));
    assert!(r.calibration.false_accept <= proto.far);
    // The next larger cut on the calibration curve would exceed the target.
    let next = r
        .calibration_curve
        .points
        .iter()
        .find(|p| p.threshold > r.threshold)
        .expect("a larger threshold exists");
    assert!(next.false_accept > proto.far);
    assert!(r.closed_set_accuracy > 0.8, "{}", r.closed_set_accuracy);

    // The chip's vote with the model's threshold on the held-out strangers.
    let accepted = |m: &Model, people: &[u16]| -> f64 {
        let idx: Vec<usize> = (0..ds.len())
            .filter(|&i| people.contains(&ds.labels[i]))
            .collect();
        let v = enroll::vectors(m, &ds.subset(&idx).unwrap()).unwrap();
        let known = v
            .chunks(m.m())
            .filter(|y| {
                let d = gallery::classify(
                    m.templates.iter().map(|t| (t.label, t.vector.as_slice())),
                    y,
                    m.neighbours,
                    m.metric.into(),
                    m.threshold.unwrap(),
                )
                .unwrap();
                d.identity != Identity::Unknown
            })
            .count();
        known as f64 / idx.len() as f64
    };
    assert_eq!(
        accepted(&model, &r.people.evaluation),
        r.evaluation.false_accept
    );
    assert_eq!(
        accepted(&model, &r.people.calibration),
        r.calibration.false_accept
    );

    // The threshold survives save and load.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("m.json");
    model.save(&path).unwrap();
    assert_eq!(Model::load(&path).unwrap().threshold, Some(r.threshold));

    // Enrolment: 6 newcomers with 8 photos; with 8 photos nobody is left to probe.
    let e = &r.enrolment;
    assert_eq!(e.iter().map(|p| p.people).collect::<Vec<_>>(), [6, 6, 6, 0]);
    assert_eq!(e[0].probes, 6 * 7);
    assert!(e[2].newcomer_accuracy > 0.5, "{e:?}");
    assert!(e[3].newcomer_accuracy.is_nan());
}

#[test]
fn bad_protocols_are_refused() {
    let ds = synthetic::generate(&synthetic::Spec {
        people: 3,
        per_person: 4,
        ..Default::default()
    });
    let spec = Spec::raw();
    let far = Protocol {
        far: 1.5,
        ..Protocol::default()
    };
    let e = protocol::run(&ds, &spec, &far, BTreeMap::new()).unwrap_err();
    assert!(e.to_string().contains("false-accept"), "{e}");
    let e = protocol::run(&ds, &spec, &Protocol::default(), BTreeMap::new()).unwrap_err();
    assert!(e.to_string().contains("too few"), "{e}");
}
