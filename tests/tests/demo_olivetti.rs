//! `facenmf demo` on real faces (Olivetti from `$FACENMF_DATA`), the whole
//! pipeline including the firmware in QEMU: the report says what it ran on,
//! the kernel passes `check`, and the chip gives the host's answer on every
//! replayed frame of known people and strangers.

use facenmf_host::demo;
use facenmf_tests::firmware::{firmware_lock, tools_present};

#[test]
fn demo_runs_end_to_end_on_olivetti() {
    let Some(dir) = facenmf_tests::data_dir::dataset("olivetti") else {
        return;
    };
    // Without QEMU (outside CI) the demo skips its firmware step itself.
    let firmware = tools_present(false);
    let _lock = firmware_lock();
    let tmp = tempfile::tempdir().unwrap();
    let args = demo::Options {
        data: Some(dir),
        out: tmp.path().join("out"),
        synthetic: false,
        offline: true,
        no_firmware: false,
        sweep: vec![10, 40],
        max_per_person: None,
        strangers: None,
    };
    let s = demo::run(&args).unwrap();
    println!("{}", demo::report::text(&s));
    assert!(!s.synthetic);
    assert_eq!((s.images, s.people, s.frame), (400, 40, (64, 64)));
    assert!(s.check.pass, "check failed: {:?}", s.check);
    let demo::report::OpenSet::HeldOut(open) = &s.openset else {
        panic!("no --strangers, yet the demo took strangers from elsewhere");
    };
    assert!(
        open.closed_set_accuracy > 0.9,
        "device model {}",
        open.closed_set_accuracy
    );
    assert!(open.calibration.false_accept <= 0.05);
    let recipe = s.accuracies.rows[1].inductive.unwrap();
    assert!(recipe > 0.9, "recipe {recipe}");
    if firmware {
        let f = &s.firmware;
        assert_eq!(f.skipped, None);
        let a = f.agreement.expect("the firmware ran");
        assert_eq!((a.frames, a.same_answer, a.bit_identical), (80, 80, 80));
        assert!(f.known_named >= 40, "{f:?}");
    } else {
        assert!(s.firmware.skipped.is_some());
    }
    for f in &s.files {
        assert!(f.is_file(), "{} missing", f.display());
    }
    assert!(
        s.total_seconds < 300.0,
        "the demo took {:.0} s",
        s.total_seconds
    );
}
