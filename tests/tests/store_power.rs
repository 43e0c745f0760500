//! The template store through power cuts, on a mock NOR flash that enforces
//! program-once bytes, write-unit alignment and sector erase
//! (`facenmf_tests::nor_flash`).
//!
//! A scripted sequence (enrol, enrol, delete, enrol, fill to capacity and
//! one more, deletes, enrolments that force a compaction, delete-all, ...)
//! runs once for every byte step of its writes and erases, with the power cut
//! at that step. After each cut the flash is "rebooted" (the store opened
//! again on its contents) and must hold exactly the state before or after
//! the interrupted operation: no torn template, no acknowledged enrolment
//! lost, and a further enrolment must succeed and survive. The reboot after
//! each cut is itself cut (at up to 48 steps spread over its repair), and
//! the enrolment of sequential-storage's issue #136 (two interrupted stores,
//! then a clean one) runs at every pair of cut points.
//!
//! `--nocapture` prints `cut points: N, acknowledged enrolments lost: L, torn records: T`.

use facenmf_store::{Error, Person, Region, Store};
use facenmf_tests::nor_flash::{MockError, NorMock};

const M: usize = 8;
const N: usize = 64;
const MODEL: u64 = 0x5EED_F00D_0000_0001;

type Content = Vec<(u16, Vec<u8>, [u32; M])>;

#[derive(Debug, Clone, Copy)]
enum Op {
    Enrol(u16),
    DeleteLast,
    DeleteAll,
}

fn person(label: u16) -> Person<M> {
    let vector = std::array::from_fn(|i| f32::from(label) * 0.5 + i as f32 * 0.125 - 1.0);
    Person::new(label, format!("person {label}").as_bytes(), vector).unwrap()
}

fn key(p: &Person<M>) -> (u16, Vec<u8>, [u32; M]) {
    (p.label, p.name().to_vec(), p.vector.map(f32::to_bits))
}

fn content<F: embedded_storage::nor_flash::NorFlash>(s: &mut Store<F, M, N>) -> Content {
    (0..s.len())
        .map(|i| {
            key(&s
                .person(i)
                .ok()
                .flatten()
                .expect("an indexed person reads back"))
        })
        .collect()
}

/// The model's answer: the content after `op` on `before`.
fn apply(before: &Content, op: Op, capacity: usize) -> Content {
    let mut after = before.clone();
    match op {
        Op::Enrol(l) if after.len() < capacity => {
            after.push(key(&person(l)));
            after.sort_by_key(|p| p.0);
        }
        Op::Enrol(_) => {}
        Op::DeleteLast => {
            after.pop();
        }
        Op::DeleteAll => after.clear(),
    }
    after
}

fn region(sectors: usize) -> Region {
    Region {
        start: 0,
        sectors: sectors as u32,
    }
}

/// The scripted sequence for a store of `capacity` people.
fn script(capacity: usize) -> Vec<Op> {
    let mut ops = vec![Op::Enrol(0), Op::Enrol(1), Op::DeleteLast, Op::Enrol(2)];
    let mut next = 3;
    // Fill to capacity, then one more (refused).
    for _ in 0..capacity - 1 {
        ops.push(Op::Enrol(next));
        next += 1;
    }
    ops.extend([Op::DeleteLast, Op::DeleteLast]);
    for _ in 0..3 {
        ops.push(Op::Enrol(next));
        next += 1;
    }
    ops.extend([Op::DeleteAll, Op::Enrol(next), Op::Enrol(next + 1)]);
    ops.extend([Op::DeleteLast, Op::Enrol(next + 2), Op::DeleteAll]);
    ops
}

fn run<F: embedded_storage::nor_flash::NorFlash<Error = MockError>>(
    s: &mut Store<F, M, N>,
    op: Op,
) -> Result<(), MockError> {
    let flash = |e: MockError| e;
    match op {
        Op::Enrol(l) => match s.enrol(&person(l)) {
            Ok(()) | Err(Error::Full { .. }) => Ok(()),
            Err(Error::Flash(e)) => Err(flash(e)),
            Err(e) => panic!("enrol {l}: {e}"),
        },
        Op::DeleteLast => s.delete_last().map(drop),
        Op::DeleteAll => s.delete_all(),
    }
}

#[derive(Debug, Default)]
struct Tally {
    cuts: u64,
    lost: usize,
    torn: usize,
}

/// Opens the store on `bytes` (a reboot); panics when it does not open.
fn reboot<const W: usize, const S: usize>(
    bytes: Vec<u8>,
    sectors: usize,
) -> (NorMock<W, S>, Content) {
    let mut flash = NorMock::<W, S>::from_bytes(bytes);
    let mut store = match Store::<_, M, N>::open(&mut flash, region(sectors), MODEL) {
        Ok((s, _)) => s,
        Err((_, e)) => panic!("the store does not open after a cut: {e}"),
    };
    let c = content(&mut store);
    drop(store);
    assert_eq!(flash.violation, None, "the repair broke a flash rule");
    (flash, c)
}

/// Counts what a reboot lost or tore against the states before and after.
fn judge(tally: &mut Tally, got: &Content, before: &Content, after: &Content, what: &str) {
    tally.lost += before
        .iter()
        .filter(|p| after.contains(p) && !got.contains(p))
        .count();
    tally.torn += got
        .iter()
        .filter(|p| !before.contains(p) && !after.contains(p))
        .count();
    assert!(
        got == before || got == after,
        "{what}: the store holds {:?}, neither the state before {:?} nor after {:?}",
        labels(got),
        labels(before),
        labels(after)
    );
}

fn labels(c: &Content) -> Vec<u16> {
    c.iter().map(|p| p.0).collect()
}

/// Runs the script with every cut point; returns the tally.
fn every_cut<const W: usize, const S: usize>(sectors: usize) -> Tally {
    let capacity = {
        let mut flash = NorMock::<W, S>::new(sectors);
        let (store, _) = Store::<_, M, N>::open(&mut flash, region(sectors), MODEL).unwrap();
        store.capacity()
    };
    assert!(capacity >= 4, "geometry too small for the script");
    let ops = script(capacity);
    // The script compacts (erases) before its first delete-all.
    {
        let mut flash = NorMock::<W, S>::new(sectors);
        let mut store = Store::<_, M, N>::open(&mut flash, region(sectors), MODEL)
            .unwrap()
            .0;
        for &op in ops.iter().take_while(|op| !matches!(op, Op::DeleteAll)) {
            run(&mut store, op).unwrap();
        }
        drop(store);
        assert!(flash.erases > 0, "the script never compacts");
    }
    let mut tally = Tally::default();
    let mut total_steps = None;
    for cut in 0.. {
        let mut flash = NorMock::<W, S>::new(sectors);
        flash.cut_after(cut);
        let mut store = Store::<_, M, N>::open(&mut flash, region(sectors), MODEL)
            .unwrap()
            .0;
        let mut state: Content = Vec::new();
        let mut interrupted = None;
        for (i, &op) in ops.iter().enumerate() {
            let after = apply(&state, op, capacity);
            match run(&mut store, op) {
                Ok(()) => {
                    assert_eq!(content(&mut store), after, "op {i} {op:?} without a cut");
                    state = after;
                }
                Err(MockError::PowerCut) => {
                    interrupted = Some((i, op, after));
                    break;
                }
                Err(e) => panic!("op {i} {op:?}: flash rule broken: {e:?}"),
            }
        }
        drop(store);
        assert_eq!(flash.violation, None);
        let Some((i, op, after)) = interrupted else {
            total_steps = Some(flash.steps);
            break;
        };
        tally.cuts += 1;
        let bytes = flash.bytes.clone();
        let what = format!("cut at step {cut} in op {i} {op:?}");
        let (mut rebooted, got) = reboot::<W, S>(bytes.clone(), sectors);
        judge(&mut tally, &got, &state, &after, &what);

        // A further enrolment works and survives.
        {
            let mut store = Store::<_, M, N>::open(&mut rebooted, region(sectors), MODEL)
                .unwrap()
                .0;
            let probe = person(999);
            if store.len() < store.capacity() {
                store
                    .enrol(&probe)
                    .unwrap_or_else(|e| panic!("{what}: enrol after reboot: {e}"));
            } else {
                assert!(matches!(store.enrol(&probe), Err(Error::Full { .. })));
            }
            let want = content(&mut store);
            drop(store);
            let (_, again) = reboot::<W, S>(rebooted.bytes.clone(), sectors);
            assert_eq!(again, want, "{what}: the enrolment after the reboot");
        }

        // The reboot's repair cut too: the next reboot still gives before or after.
        let repair_steps = {
            let mut f = NorMock::<W, S>::from_bytes(bytes.clone());
            drop(Store::<_, M, N>::open(&mut f, region(sectors), MODEL).unwrap());
            f.steps
        };
        let tries = repair_steps.min(48);
        for t in 0..tries {
            let second = t * repair_steps / tries;
            let mut f = NorMock::<W, S>::from_bytes(bytes.clone());
            f.cut_after(second);
            let opened = Store::<_, M, N>::open(&mut f, region(sectors), MODEL);
            assert!(opened.is_err(), "{what}: the repair ran past its cut");
            assert_eq!(f.violation, None);
            let (_, got) = reboot::<W, S>(f.bytes.clone(), sectors);
            judge(
                &mut tally,
                &got,
                &state,
                &after,
                &format!("{what}, repair cut at {second}"),
            );
        }
    }
    assert!(total_steps.is_some_and(|s| s + 1 == tally.cuts + 1));
    tally
}

#[test]
fn every_cut_point_leaves_the_state_before_or_after() {
    let mut all = Tally::default();
    for t in [
        every_cut::<1, 256>(4),
        every_cut::<4, 512>(4),
        every_cut::<8, 512>(3),
        every_cut::<4, 1024>(2),
    ] {
        all.cuts += t.cuts;
        all.lost += t.lost;
        all.torn += t.torn;
    }
    println!(
        "cut points: {}, acknowledged enrolments lost: {}, torn records: {}",
        all.cuts, all.lost, all.torn
    );
    assert_eq!(all.lost, 0);
    assert_eq!(all.torn, 0);
    assert!(all.cuts > 10_000, "too few cut points: {}", all.cuts);
}

/// sequential-storage #136: two interrupted first stores, then a clean store
/// that is acknowledged; after a reboot the person must be there. Every pair
/// of cut points, one-byte write unit.
#[test]
fn two_interrupted_enrolments_then_a_clean_one_survive_a_reboot() {
    const SECTORS: usize = 2;
    let steps = {
        let mut f = NorMock::<1, 256>::new(SECTORS);
        let mut s = Store::<_, M, N>::open(&mut f, region(SECTORS), MODEL)
            .unwrap()
            .0;
        s.enrol(&person(7)).unwrap();
        drop(s);
        f.steps
    };
    for a in 0..steps {
        for b in 0..steps {
            let mut bytes = NorMock::<1, 256>::new(SECTORS).bytes;
            for cut in [a, b] {
                let mut f = NorMock::<1, 256>::from_bytes(bytes);
                f.cut_after(cut);
                if let Ok((mut s, _)) = Store::<_, M, N>::open(&mut f, region(SECTORS), MODEL) {
                    // Cut, or done when the earlier attempt left less to do.
                    let _ = s.enrol(&person(7));
                }
                assert_eq!(f.violation, None);
                bytes = f.bytes;
            }
            let mut f = NorMock::<1, 256>::from_bytes(bytes);
            let mut s = Store::<_, M, N>::open(&mut f, region(SECTORS), MODEL)
                .unwrap()
                .0;
            let p = person(7);
            match s.enrol(&p) {
                Ok(()) => {}
                Err(Error::DuplicateLabel(7)) => {} // an interrupted store that landed
                Err(e) => panic!("cuts {a}, {b}: {e}"),
            }
            drop(s);
            let (_, got) = reboot::<1, 256>(f.bytes, SECTORS);
            assert_eq!(got, vec![key(&p)], "cuts {a}, {b}");
        }
    }
}
