//! Enrolment at the door on the host: the firmware's `Door` and `Button`
//! over the app loop, a mock NOR flash and a two-pixel model (the code is
//! the frame / 255; Ada and Alan are the two pixels).
//!
//! A press starts enrolment; five converged frames become a new person,
//! stored and then recognised, also after a reboot (store reopened on the
//! flash contents, gallery loaded after the flash templates). Frames that
//! fail the quality gate are skipped; a timeout stores nothing; two presses
//! delete the last person, three everybody; a full store refuses.

use std::convert::Infallible;

use embedded_hal::digital::{ErrorType as PinErrorType, OutputPin};
use facenmf_core::gallery::{Gallery, Identity};
use facenmf_core::Recogniser;
use facenmf_firmware::app::NoStopwatch;
use facenmf_firmware::camera::ErrorKind;
use facenmf_firmware::enrol::{mean, Config, Door, Failure, Progress};
use facenmf_firmware::gesture::{Button, Gesture};
use facenmf_firmware::{App, AppError, Report, Workspace};
use facenmf_store::{Region, Store};
use facenmf_tests::nor_flash::NorMock;

mod two_pixel;
use two_pixel::{Script, NAMES, TEMPLATES};

const N: usize = 8;
type Flash = NorMock<4, 512>;

const MODEL: u64 = 7;

fn recogniser() -> Recogniser<'static, 2, N> {
    two_pixel::recogniser(0.01)
}

/// An indicator that remembers its last level.
#[derive(Debug, Default)]
struct Led(bool);

impl PinErrorType for Led {
    type Error = Infallible;
}

impl OutputPin for Led {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.0 = false;
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.0 = true;
        Ok(())
    }
}

fn region() -> Region {
    Region {
        start: 0,
        sectors: 2,
    }
}

type Board<'f> = (
    App<'static, Script, Led, NoStopwatch, 2, N>,
    Door<&'f mut Flash, 2, N>,
);

/// Boots: opens the store, loads it into the gallery after the flash templates.
fn boot(flash: &mut Flash, frames: Vec<[u8; 2]>) -> Board<'_> {
    let store = Store::open(flash, region(), MODEL).unwrap().0;
    let mut door = Door::new(store, Config::new(NAMES.len() as u16));
    let mut app = App::new(
        recogniser(),
        &NAMES,
        Script(frames),
        Led(false),
        NoStopwatch,
    );
    door.load(&mut app.recogniser_mut().gallery).unwrap();
    (app, door)
}

/// Runs every frame of the camera through the app and the door, pressing the
/// button as `presses` says (frame index → pressed); returns the reports'
/// identities and the door's progress each frame.
fn run(
    app: &mut App<'static, Script, Led, NoStopwatch, 2, N>,
    door: &mut Door<&mut Flash, 2, N>,
    presses: &[usize],
) -> Vec<(Option<Identity>, Progress)> {
    let (mut f, mut t, mut c) = (vec![0u8; 2], vec![0.0f32; 2], vec![0.0f32; 2]);
    let mut ws = Workspace {
        frame: &mut f,
        thumb: &mut t,
        code: &mut c,
        out: [0.0; 2],
    };
    let mut button = Button::new(2);
    let mut log = Vec::new();
    for i in 0.. {
        let gallery_gesture = button.update(presses.contains(&i));
        if let Some(g) = gallery_gesture {
            let p = door.gesture(g, &mut app.recogniser_mut().gallery);
            log.push((None, p));
        }
        let r = app.step(&mut ws);
        if matches!(r, Err(AppError::Camera(ErrorKind::Timeout))) {
            break;
        }
        let p = door.frame(&r, &ws.out, &mut app.recogniser_mut().gallery);
        if let Some(level) = p.indicator(i as u32) {
            app.indicate(level).unwrap();
        }
        log.push((r.ok().map(|r| r.identity), p));
    }
    log
}

const NEW: [[u8; 2]; 5] = [[200, 100], [201, 99], [199, 100], [200, 101], [202, 100]];
const NOT_USED: [u8; 2] = [200, 99];

fn enrolled_vector() -> [f32; 2] {
    let mut sum = [0.0f32; 2];
    for f in NEW {
        for (s, p) in sum.iter_mut().zip(f) {
            *s += f32::from(p) / 255.0;
        }
    }
    mean(&sum, 5)
}

#[test]
fn a_press_and_five_frames_enrol_a_person_who_is_known_after_a_reboot() {
    let mut flash = Flash::new(2);
    // Frame 0 unknown; pressed on frame 1, the gesture ends two released
    // frames later, so collecting starts with frame 3.
    let mut frames = vec![NOT_USED, [0, 0], [0, 0]];
    frames.extend(NEW);
    frames.push(NOT_USED);
    {
        let (mut app, mut door) = boot(&mut flash, frames);
        let log = run(&mut app, &mut door, &[1]);
        assert_eq!(log[0].0, Some(Identity::Unknown));
        let enrolled: Vec<_> = log
            .iter()
            .filter_map(|(_, p)| match p {
                Progress::Enrolled { label } => Some(*label),
                _ => None,
            })
            .collect();
        assert_eq!(enrolled, [2], "{log:?}");
        let collecting = log
            .iter()
            .filter(|(_, p)| matches!(p, Progress::Collecting { .. }))
            .count();
        assert_eq!(collecting, 5, "the gesture and four frames");
        assert_eq!(log.last().unwrap().0, Some(Identity::Known(2)));
        let t = app
            .recogniser()
            .gallery
            .templates()
            .last()
            .copied()
            .unwrap();
        assert_eq!(t.0, 2);
        assert_eq!(t.1.map(f32::to_bits), enrolled_vector().map(f32::to_bits));
    }
    // Reboot: the stored person loads after the flash templates.
    let (mut app, mut door) = boot(&mut flash, vec![NOT_USED, [255, 0], [9, 9]]);
    let labels: Vec<u16> = app.recogniser().gallery.templates().map(|t| t.0).collect();
    assert_eq!(labels, [0, 1, 2]);
    let log = run(&mut app, &mut door, &[]);
    assert_eq!(log[0].0, Some(Identity::Known(2)));
    assert_eq!(log[1].0, Some(Identity::Known(0)));
    assert_eq!(log[2].0, Some(Identity::Unknown));
}

#[test]
fn the_indicator_blinks_while_collecting_and_stays_high_after_enrolling() {
    let mut flash = Flash::new(2);
    let (mut app, mut door) = boot(&mut flash, NEW.to_vec());
    let (mut f, mut t, mut c) = (vec![0u8; 2], vec![0.0f32; 2], vec![0.0f32; 2]);
    let mut ws = Workspace {
        frame: &mut f,
        thumb: &mut t,
        code: &mut c,
        out: [0.0; 2],
    };
    door.gesture(Gesture::Enrol, &mut app.recogniser_mut().gallery);
    let mut levels = Vec::new();
    for i in 0..5u32 {
        let r = app.step(&mut ws);
        let p = door.frame(&r, &ws.out, &mut app.recogniser_mut().gallery);
        if let Some(level) = p.indicator(i) {
            app.indicate(level).unwrap();
        }
        levels.push(p.indicator(i));
    }
    assert_eq!(
        levels,
        [Some(true), Some(false), Some(true), Some(false), Some(true)],
        "four frames collect (blinking), the fifth enrols (high)"
    );
    let (_, led, _) = app.release();
    assert!(led.0);
}

#[test]
fn frames_that_fail_the_gate_are_skipped_and_a_timeout_stores_nothing() {
    let mut flash = Flash::new(2);
    let store = Store::open(&mut flash, region(), MODEL).unwrap().0;
    let cfg = Config {
        frames: 3,
        timeout: 6,
        first_label: 2,
    };
    let mut door = Door::new(store, cfg);
    let mut gallery: Gallery<'_, 2, N> = Gallery::new_checked(&TEMPLATES).unwrap();
    let report = |converged| -> Result<Report<'static>, ()> {
        Ok(Report {
            frame: 0,
            identity: Identity::Unknown,
            label: 0,
            name: None,
            distance: 1.0,
            votes: 1,
            sweeps: 50,
            converged,
            ticks: 0,
            micros: 0,
        })
    };
    assert_eq!(
        door.frame(&report(true), &[0.5, 0.5], &mut gallery),
        Progress::Idle
    );
    door.gesture(Gesture::Enrol, &mut gallery);
    let v = [0.25f32, 0.75];
    assert!(matches!(
        door.frame(&report(true), &v, &mut gallery),
        Progress::Collecting {
            accepted: 1,
            needed: 3,
            seen: 1
        }
    ));
    assert!(matches!(
        door.frame(&report(false), &v, &mut gallery),
        Progress::Skipped {
            accepted: 1,
            seen: 2
        }
    ));
    assert!(matches!(
        door.frame(&Err(()), &v, &mut gallery),
        Progress::Skipped { accepted: 1, .. }
    ));
    assert!(matches!(
        door.frame(&report(true), &[f32::NAN, 0.0], &mut gallery),
        Progress::Skipped { accepted: 1, .. }
    ));
    assert!(matches!(
        door.frame(&report(true), &v, &mut gallery),
        Progress::Collecting { accepted: 2, .. }
    ));
    assert_eq!(
        door.frame(&report(false), &v, &mut gallery),
        Progress::TimedOut { accepted: 2 }
    );
    assert!(!door.is_collecting());
    assert_eq!(gallery.len(), 2);
    assert!(door.store().is_empty());
    // Frames that never converge: the same timeout, nothing stored.
    door.gesture(Gesture::Enrol, &mut gallery);
    let outcome: Vec<_> = (0..6)
        .map(|_| door.frame(&report(false), &v, &mut gallery))
        .collect();
    assert_eq!(outcome[5], Progress::TimedOut { accepted: 0 });
    assert!(door.store().is_empty());
    // Three good frames enrol, with the mean of their vectors.
    door.gesture(Gesture::Enrol, &mut gallery);
    for _ in 0..2 {
        door.frame(&report(true), &v, &mut gallery);
    }
    assert_eq!(
        door.frame(&report(true), &v, &mut gallery),
        Progress::Enrolled { label: 2 }
    );
    assert_eq!(
        gallery.templates().last(),
        Some(&(2, mean(&[0.75, 2.25], 3)))
    );
    let _ = door.release().release();
    let mut store = Store::<_, 2, N>::open(&mut flash, region(), MODEL)
        .unwrap()
        .0;
    let p = store.person(0).unwrap().unwrap();
    assert_eq!((p.label, p.name()), (2, b"enrolled 00002".as_slice()));
}

#[test]
fn two_presses_delete_the_last_person_and_three_everybody() {
    let mut flash = Flash::new(2);
    let mut frames = vec![[0, 0]];
    frames.extend(NEW);
    frames.extend([[0, 0]; 3]);
    frames.extend([[50, 200]; 5]);
    frames.extend([[0, 0]; 8]);
    let (mut app, mut door) = boot(&mut flash, frames);
    // Pressed on frames 0 and 9: collecting frames 2-6 and 11-15.
    let log = run(&mut app, &mut door, &[0, 9]);
    let enrolled = log
        .iter()
        .filter(|(_, p)| matches!(p, Progress::Enrolled { .. }))
        .count();
    assert_eq!(enrolled, 2, "{log:?}");
    assert_eq!(door.store().labels().collect::<Vec<_>>(), [2, 3]);
    drop((app, door));

    let (mut app, mut door) = boot(&mut flash, vec![[0, 0]; 6]);
    let log = run(&mut app, &mut door, &[0, 2]);
    assert!(
        log.iter()
            .any(|(_, p)| *p == Progress::DeletedLast(Some(3))),
        "{log:?}"
    );
    assert_eq!(
        app.recogniser()
            .gallery
            .templates()
            .map(|t| t.0)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    drop((app, door));

    let (mut app, mut door) = boot(&mut flash, vec![[0, 0]; 8]);
    assert_eq!(app.recogniser().gallery.len(), 3);
    let log = run(&mut app, &mut door, &[0, 2, 4]);
    assert!(
        log.iter().any(|(_, p)| *p == Progress::DeletedAll),
        "{log:?}"
    );
    assert_eq!(app.recogniser().gallery.len(), 2);
    drop((app, door));
    let (app, door) = boot(&mut flash, vec![]);
    assert_eq!(app.recogniser().gallery.len(), 2);
    assert!(door.store().is_empty());
}

#[test]
fn a_full_store_refuses_and_the_gallery_is_unchanged() {
    // Two 128-byte sectors: one sector of room, fewer people than N.
    let mut flash = NorMock::<4, 128>::new(2);
    let store = Store::<_, 2, N>::open(&mut flash, region(), MODEL)
        .unwrap()
        .0;
    let cap = store.capacity();
    assert!((1..N).contains(&cap), "{cap}");
    let mut door = Door::new(
        store,
        Config {
            frames: 1,
            timeout: 5,
            first_label: 2,
        },
    );
    let mut gallery: Gallery<'_, 2, N> = Gallery::new_checked(&TEMPLATES).unwrap();
    let ok: Result<Report<'static>, ()> = Ok(Report {
        frame: 0,
        identity: Identity::Unknown,
        label: 0,
        name: None,
        distance: 1.0,
        votes: 1,
        sweeps: 1,
        converged: true,
        ticks: 0,
        micros: 0,
    });
    for i in 0..cap {
        door.gesture(Gesture::Enrol, &mut gallery);
        let p = door.frame(&ok, &[i as f32, 1.0], &mut gallery);
        assert_eq!(
            p,
            Progress::Enrolled {
                label: 2 + i as u16
            }
        );
    }
    door.gesture(Gesture::Enrol, &mut gallery);
    let p = door.frame(&ok, &[9.0, 9.0], &mut gallery);
    assert_eq!(p, Progress::Failed(Failure::Full(cap)));
    assert_eq!(p.indicator(0), Some(false));
    assert_eq!(gallery.len(), 2 + cap);
}

#[test]
fn the_button_counts_presses_into_gestures() {
    let mut b = Button::new(2);
    let levels = |b: &mut Button, l: &[u8]| -> Vec<Option<Gesture>> {
        l.iter().map(|&x| b.update(x == 1)).collect()
    };
    assert_eq!(
        levels(&mut b, &[1, 1, 1, 0, 0, 0]),
        [None, None, None, None, Some(Gesture::Enrol), None]
    );
    assert_eq!(
        levels(&mut b, &[1, 0, 1, 0, 0]),
        [None, None, None, None, Some(Gesture::DeleteLast)]
    );
    assert_eq!(
        levels(&mut b, &[1, 0, 1, 0, 1, 1, 0, 1, 0, 0]).last(),
        Some(&Some(Gesture::DeleteAll))
    );
    assert_eq!(levels(&mut b, &[0, 0, 0]), [None, None, None]);
}

#[test]
fn the_mean_is_the_f32_sum_over_the_count_and_close_to_the_f64_mean() {
    let rows: Vec<[f32; 3]> = (0..5)
        .map(|i| [0.1 * i as f32, 1.0 / (i as f32 + 3.0), 7.5 - i as f32])
        .collect();
    let mut sum = [0.0f32; 3];
    for r in &rows {
        for (s, v) in sum.iter_mut().zip(r) {
            *s += v;
        }
    }
    let m = mean(&sum, 5);
    for j in 0..3 {
        assert_eq!(m[j].to_bits(), (sum[j] / 5.0).to_bits());
        let exact = rows.iter().map(|r| f64::from(r[j])).sum::<f64>() / 5.0;
        assert!((f64::from(m[j]) - exact).abs() <= 1e-6 * exact.abs().max(1.0));
    }
}
