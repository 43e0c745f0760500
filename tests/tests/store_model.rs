//! The template store against a plain `Vec` model, and its answers to bad
//! input: another model's store, a corrupt or erased region, a full store,
//! a stored label, a non-finite template, a region that does not fit.

use facenmf_store::{capacity, Error, OpenError, Person, Region, RegionError, Store};
use facenmf_tests::nor_flash::NorMock;
use proptest::prelude::*;

const M: usize = 6;
const N: usize = 32;
const MODEL: u64 = 42;
type Flash = NorMock<4, 512>;

fn person(label: u16, seed: u32) -> Person<M> {
    let v = std::array::from_fn(|i| (seed as f32) * 0.25 + i as f32);
    Person::new(label, format!("p{label}-{seed}").as_bytes(), v).unwrap()
}

fn region(sectors: u32) -> Region {
    Region { start: 0, sectors }
}

fn people(s: &mut Store<&mut Flash, M, N>) -> Vec<Person<M>> {
    (0..s.len())
        .map(|i| s.person(i).unwrap().unwrap())
        .collect()
}

#[derive(Debug, Clone)]
enum Op {
    Enrol(u16, u32),
    DeleteLast,
    DeleteAll,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u16..40, any::<u32>()).prop_map(|(l, s)| Op::Enrol(l, s)),
        2 => Just(Op::DeleteLast),
        1 => Just(Op::DeleteAll),
        1 => Just(Op::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any sequence of operations gives what a sorted `Vec` gives, across
    /// reopenings, with `Full` exactly when the model is at capacity.
    #[test]
    fn the_store_behaves_like_a_sorted_vec(ops in prop::collection::vec(op(), 1..120)) {
        let mut flash = Flash::new(3);
        let mut store = Store::<_, M, N>::open(&mut flash, region(3), MODEL).unwrap().0;
        let cap = store.capacity();
        let mut model: Vec<Person<M>> = Vec::new();
        for op in ops {
            match op {
                Op::Enrol(label, seed) => {
                    let p = person(label, seed);
                    let got = store.enrol(&p);
                    if model.iter().any(|q| q.label == label) {
                        prop_assert_eq!(got, Err(Error::DuplicateLabel(label)));
                    } else if model.len() == cap {
                        prop_assert_eq!(got, Err(Error::Full { capacity: cap }));
                    } else {
                        prop_assert_eq!(got, Ok(()));
                        model.push(p);
                        model.sort_by_key(|q| q.label);
                    }
                }
                Op::DeleteLast => {
                    prop_assert_eq!(store.delete_last().unwrap(), model.pop().map(|p| p.label));
                }
                Op::DeleteAll => {
                    store.delete_all().unwrap();
                    model.clear();
                }
                Op::Reopen => {
                    drop(store);
                    let (s, report) = Store::<_, M, N>::open(&mut flash, region(3), MODEL).unwrap();
                    prop_assert_eq!(report.people, model.len());
                    prop_assert_eq!(report.torn_slots, 0);
                    store = s;
                }
            }
            prop_assert_eq!(people(&mut store), model.clone());
        }
        drop(store);
        prop_assert_eq!(flash.violation, None);
    }
}

#[test]
fn an_erased_region_is_an_empty_store_and_writes_nothing() {
    let mut flash = Flash::new(3);
    let (store, report) = Store::<_, M, N>::open(&mut flash, region(3), MODEL).unwrap();
    assert!(store.is_empty());
    assert_eq!(report, Default::default());
    drop(store);
    assert_eq!(flash.steps, 0);
}

#[test]
fn another_models_store_is_refused_and_left_alone() {
    let mut flash = Flash::new(3);
    let mut store = Store::<_, M, N>::open(&mut flash, region(3), MODEL)
        .unwrap()
        .0;
    store.enrol(&person(3, 1)).unwrap();
    drop(store);
    let before = flash.bytes.clone();
    let err = Store::<_, M, N>::open(&mut flash, region(3), MODEL + 1)
        .unwrap_err()
        .1;
    assert_eq!(
        err,
        OpenError::ForeignModel {
            found: MODEL,
            expected: MODEL + 1
        }
    );
    assert!(err.to_string().contains("000000000000002a"), "{err}");
    assert_eq!(flash.bytes, before);
    // Another M is another model too.
    let err = Store::<_, 7, N>::open(&mut flash, region(3), MODEL)
        .unwrap_err()
        .1;
    assert!(matches!(err, OpenError::ForeignModel { .. }));
    // format() is the way out.
    let (store, _) = Store::<_, M, N>::format(&mut flash, region(3), MODEL + 1).unwrap();
    assert!(store.is_empty());
}

#[test]
fn a_corrupt_region_is_erased_and_opens_empty() {
    let mut flash = Flash::new(3);
    let mut x = 12345u32;
    for b in &mut flash.bytes {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let (mut store, report) = Store::<_, M, N>::open(&mut flash, region(3), MODEL).unwrap();
    assert!(store.is_empty());
    assert_eq!(report.erased_sectors, 3);
    store.enrol(&person(1, 1)).unwrap();
    drop(store);
    assert_eq!(flash.violation, None);
}

#[test]
fn a_corrupt_template_is_skipped_and_the_others_kept() {
    let mut flash = Flash::new(3);
    let mut store = Store::<_, M, N>::open(&mut flash, region(3), MODEL)
        .unwrap()
        .0;
    for l in 0..3 {
        store.enrol(&person(l, 9)).unwrap();
    }
    let slot = store.slot_bytes();
    drop(store);
    // Flip a bit in the second template's vector (a programmed 0 cannot
    // become 1 on NOR; this is a read disturbance or a bad write).
    let header = 36;
    flash.bytes[header + slot + 40] ^= 0x01;
    let (mut store, report) = Store::<_, M, N>::open(&mut flash, region(3), MODEL).unwrap();
    assert_eq!(report.torn_slots, 1);
    assert_eq!(store.labels().collect::<Vec<_>>(), [0, 2]);
    store.enrol(&person(1, 9)).unwrap();
}

#[test]
fn a_full_store_refuses_and_overwrites_nothing() {
    let mut flash = Flash::new(2);
    let mut store = Store::<_, M, N>::open(&mut flash, region(2), MODEL)
        .unwrap()
        .0;
    let cap = store.capacity();
    assert_eq!(cap, store.slots_per_sector());
    for l in 0..cap as u16 {
        store.enrol(&person(l, 0)).unwrap();
    }
    let kept = people(&mut store);
    let got = store.enrol(&person(500, 0));
    assert_eq!(got, Err(Error::Full { capacity: cap }));
    assert_eq!(
        got.unwrap_err().to_string(),
        format!("the store is full ({cap} people)")
    );
    assert_eq!(people(&mut store), kept);
    drop(store);
    let bytes = flash.bytes.clone();
    let mut store = Store::<_, M, N>::open(&mut flash, region(2), MODEL)
        .unwrap()
        .0;
    assert_eq!(people(&mut store), kept);
    drop(store);
    assert_eq!(flash.bytes, bytes);
}

#[test]
fn a_stored_label_and_a_non_finite_template_are_refused() {
    let mut flash = Flash::new(2);
    let mut store = Store::<_, M, N>::open(&mut flash, region(2), MODEL)
        .unwrap()
        .0;
    store.enrol(&person(5, 0)).unwrap();
    assert_eq!(store.enrol(&person(5, 1)), Err(Error::DuplicateLabel(5)));
    let mut p = person(6, 0);
    p.vector[4] = f32::NAN;
    assert_eq!(store.enrol(&p), Err(Error::NotFinite { index: 4 }));
    assert_eq!(store.labels().collect::<Vec<_>>(), [5]);
    assert!(Person::<M>::new(1, &[b'x'; 33], [0.0; M]).is_none());
}

#[test]
fn a_region_that_does_not_fit_is_refused() {
    let mut flash = Flash::new(4);
    let refuse = |f: &mut Flash, r: Region| Store::<_, M, N>::open(f, r, MODEL).unwrap_err().1;
    assert_eq!(
        refuse(&mut flash, region(1)),
        OpenError::Region(RegionError::SectorCount(1))
    );
    assert_eq!(
        refuse(
            &mut flash,
            Region {
                start: 100,
                sectors: 2
            }
        ),
        OpenError::Region(RegionError::Unaligned(100))
    );
    assert_eq!(
        refuse(
            &mut flash,
            Region {
                start: 1024,
                sectors: 3
            }
        ),
        OpenError::Region(RegionError::PastEnd {
            end: 2560,
            capacity: 2048
        })
    );
    let err = Store::<_, 200, N>::open(&mut flash, region(2), MODEL)
        .unwrap_err()
        .1;
    assert!(matches!(
        err,
        OpenError::Region(RegionError::SectorTooSmall { .. })
    ));
}

/// The DISC1 layout: two 128 KiB sectors (10 and 11) of the STM32F407,
/// byte-programmed, templates of the default device model (M = 61).
#[test]
fn two_stm32f4_sectors_hold_at_least_200_people_of_the_default_model() {
    let (slot, people) = capacity(128 * 1024, 2, 1, 61);
    println!("DISC1 store: 2 x 128 KiB, slot {slot} B, {people} people");
    assert_eq!(slot, 4 + 32 + 61 * 4 + 4 + 8);
    assert!(people >= 200, "{people}");
}

/// The export names the model identity the store checks: `MODEL_ID` is
/// `model_id` of basis, map and bias, and changes with any basis value.
#[test]
fn the_export_writes_the_model_identity() {
    use facenmf_tests::models::{random_model, Shape};
    let shape = Shape {
        frame: (12, 16),
        thumb: (6, 8),
        k: 5,
        m: Some(3),
        n: 4,
        classes: 2,
    };
    let mut model = random_model(3, shape);
    let map = model.map.as_ref().unwrap();
    let id = facenmf_store::model_id(&model.basis, Some(&map.p), Some(&map.bias));
    assert_eq!(facenmf_host::store::model_id(&model), id);
    let text = facenmf_host::export::render(&model).unwrap();
    assert!(text.contains(&format!("pub const MODEL_ID: u64 = 0x{id:016x};\n")));
    model.basis[7] += 0.5;
    assert_ne!(facenmf_host::store::model_id(&model), id);
}
