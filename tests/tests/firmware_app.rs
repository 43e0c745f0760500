//! The firmware's board-independent loop on the host: frames in, reports
//! out, the indicator high only for a known face and low on any error,
//! camera errors passed through, replayed frames in order. The model is
//! [`two_pixel`]'s.

use std::ops::ControlFlow;

use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction as Pin};
use facenmf_core::gallery::Identity;
use facenmf_core::thumbnail::Crop;
use facenmf_core::Recogniser;
use facenmf_firmware::app::NoStopwatch;
use facenmf_firmware::camera::{Camera, ErrorKind};
use facenmf_firmware::frames::{Frames, FramesError, Replay};
use facenmf_firmware::{App, AppError, Stopwatch, Workspace};

mod two_pixel;
use two_pixel::{Script, NAMES};

fn recogniser() -> Recogniser<'static, 2, 0> {
    two_pixel::recogniser(0.1)
}

/// Counts ticks: 5 an inference at 1 kHz.
struct Fake(u32);

impl Stopwatch for Fake {
    fn start(&mut self) {
        self.0 += 1;
    }
    fn stop(&mut self) -> u32 {
        5
    }
    fn hz(&self) -> u32 {
        1000
    }
}

fn buffers() -> (Vec<u8>, Vec<f32>, Vec<f32>) {
    (vec![0; 2], vec![0.0; 2], vec![0.0; 2])
}

#[test]
fn known_faces_light_the_indicator_and_others_do_not() {
    let camera = Script(vec![[255, 0], [0, 255], [128, 128], [255, 0]]);
    let mut pin = PinMock::new(&[
        Pin::set(State::High), // Ada
        Pin::set(State::High), // Alan
        Pin::set(State::Low),  // unknown
        Pin::set(State::High), // Ada
        Pin::set(State::Low),  // camera timeout
    ]);
    let (mut f, mut t, mut c) = buffers();
    let mut ws = Workspace {
        frame: &mut f,
        thumb: &mut t,
        code: &mut c,
        out: [0.0; 2],
    };
    let mut app = App::new(recogniser(), &NAMES, camera, pin.clone(), Fake(0));
    let mut reports = Vec::new();
    app.run(&mut ws, |r, ws| {
        reports.push((r.clone(), ws.code.to_vec(), ws.out));
        if r.is_err() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(reports.len(), 5);
    let ok: Vec<_> = reports[..4]
        .iter()
        .map(|(r, ..)| r.clone().unwrap())
        .collect();
    assert_eq!(ok[0].identity, Identity::Known(0));
    assert_eq!(ok[0].name, Some("Ada"));
    assert_eq!(ok[0].distance, 0.0);
    assert_eq!(reports[0].1, vec![1.0, 0.0]);
    assert_eq!(reports[0].2, [1.0, 0.0]);
    assert_eq!(ok[1].identity, Identity::Known(1));
    assert_eq!(ok[1].name, Some("Alan"));
    assert_eq!(ok[2].identity, Identity::Unknown);
    assert!(ok[2].distance > 0.1);
    assert_eq!(ok[3].frame, 3);
    assert!(ok
        .iter()
        .all(|r| r.ticks == 5 && r.micros == 5000 && r.converged));
    assert_eq!(
        reports[4].0.clone().unwrap_err(),
        AppError::Camera(ErrorKind::Timeout)
    );
    assert_eq!(app.frames(), 5);
    let (_, _, watch) = app.release();
    assert_eq!(
        watch.0, 4,
        "the stopwatch times inferences, not failed captures"
    );
    pin.done();
}

#[test]
fn a_frame_of_the_wrong_size_is_an_error_and_the_indicator_goes_low() {
    let frames_file = facenmf_wire::frames::to_vec(&[[1u8, 2, 3]]).unwrap();
    let frames = Frames::new_checked(&frames_file).unwrap();
    let camera = Replay::new(frames).unwrap();
    let mut pin = PinMock::new(&[Pin::set(State::Low)]);
    let (mut f, mut t, mut c) = buffers();
    let mut ws = Workspace {
        frame: &mut f,
        thumb: &mut t,
        code: &mut c,
        out: [0.0; 2],
    };
    let mut app = App::new(recogniser(), &NAMES, camera, pin.clone(), NoStopwatch);
    // The replay camera holds 3-byte frames; the model wants 2 bytes.
    assert_eq!(
        app.step(&mut ws).unwrap_err(),
        AppError::Camera(ErrorKind::FrameSize)
    );
    pin.done();
}

#[test]
fn replay_serves_frames_in_order_and_wraps() {
    let file = facenmf_wire::frames::to_vec(&[[1u8, 2], [3, 4], [5, 6]]).unwrap();
    let frames = Frames::new_checked(&file).unwrap();
    assert_eq!((frames.count(), frames.frame_len()), (3, 2));
    let mut cam = Replay::new(frames).unwrap();
    let mut got = Vec::new();
    for _ in 0..4 {
        let mut f = [0u8; 2];
        cam.capture(&mut f).unwrap();
        got.push(f);
    }
    assert_eq!(got, [[1, 2], [3, 4], [5, 6], [1, 2]]);
    // Bad files are refused; a file of no frames is no camera.
    assert!(matches!(
        Frames::new_checked(&file[..file.len() - 1]),
        Err(FramesError::Length {
            count: 3,
            frame_len: 2,
            data: 5
        })
    ));
    assert!(matches!(
        Frames::new_checked(b"FRMX\0\0\0\0\0\0\0\0"),
        Err(FramesError::BadMagic { .. })
    ));
    let empty = facenmf_wire::frames::header(0, 2);
    assert!(Replay::new(Frames::new_checked(&empty).unwrap()).is_none());
}

#[test]
fn a_found_frame_is_recognised_from_the_bytes_find_names_and_no_face_is_no_report() {
    use facenmf_firmware::locate::luma_in_place;
    // Luma [255, 0] (Ada), [0, 0] (no face), [0, 255] (Alan); then a timeout.
    let camera = Script::<4>(vec![[255, 7, 0, 9], [0, 7, 0, 9], [0, 7, 255, 9]]);
    let mut pin = PinMock::new(&[
        Pin::set(State::High), // Ada
        Pin::set(State::Low),  // no face
        Pin::set(State::High), // Alan
        Pin::set(State::Low),  // camera timeout
    ]);
    let (mut t, mut c) = (vec![0.0; 2], vec![0.0; 2]);
    let mut f = vec![0u8; 4];
    let mut ws = Workspace {
        frame: &mut f,
        thumb: &mut t,
        code: &mut c,
        out: [0.0; 2],
    };
    let mut app = App::new(recogniser(), &NAMES, camera, pin.clone(), Fake(0));
    let mut seen = Vec::new();
    let mut find = |frame: &mut [u8], r: &mut Recogniser<'static, 2, 0>| {
        let n = luma_in_place(frame);
        seen.push(frame[..n].to_vec());
        r.set_crop(Crop::full(2, 1)).unwrap();
        (frame[..n].iter().any(|&v| v > 0)).then_some(n)
    };
    let a = app.step_found(&mut ws, &mut find).unwrap().unwrap();
    assert_eq!((a.identity, a.name), (Identity::Known(0), Some("Ada")));
    assert_eq!(app.step_found(&mut ws, &mut find), Ok(None));
    let b = app.step_found(&mut ws, &mut find).unwrap().unwrap();
    assert_eq!((b.identity, b.frame), (Identity::Known(1), 2));
    assert_eq!(
        app.step_found(&mut ws, &mut find),
        Err(AppError::Camera(ErrorKind::Timeout))
    );
    assert_eq!(seen, [vec![255, 0], vec![0, 0], vec![0, 255]]);
    // A crop outside the frame is refused and the recogniser keeps its own.
    let outside = Crop {
        x: 1,
        y: 0,
        width: 2,
        height: 1,
    };
    assert!(app.recogniser_mut().set_crop(outside).is_err());
    assert_eq!(app.recogniser().thumbnailer().crop(), Crop::full(2, 1));
    let (_, _, watch) = app.release();
    assert_eq!(watch.0, 2, "only found faces are timed");
    pin.done();
}
