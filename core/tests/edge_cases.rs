//! Edge cases of the kernel: degenerate inputs give a clear error or a
//! sensible answer, never a panic.

use facenmf_core::gallery::{Gallery, Identity, Metric};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{
    Encoder, GalleryError, InputError, LinearMap, ModelError, Projection, StopRule, ThumbnailError,
};

const H: [[f32; 3]; 2] = [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]];
const G: [[f32; 2]; 2] = [[1.25, 0.25], [0.25, 1.25]];

fn encoder() -> Encoder<'static> {
    Encoder::from_arrays(&H, &G, StopRule::default()).unwrap()
}

#[test]
fn zero_image_encodes_to_zero_in_one_sweep() {
    let mut code = [1.0f32; 2];
    let r = encoder().encode(&[0.0; 3], &mut code).unwrap();
    assert_eq!(code, [0.0, 0.0]);
    assert_eq!((r.sweeps, r.converged), (1, true));
}

#[test]
fn all_equal_pixels_encode_to_the_symmetric_code() {
    // x = (1,1,1): b = H x = (1.5, 1.5), and by symmetry w0 = w1 = w with
    // (G00 + G01) w = 1.5, so w = 1.
    let mut code = [0.0f32; 2];
    encoder().encode(&[1.0; 3], &mut code).unwrap();
    let expected = 1.5 / 1.5;
    assert!(
        (code[0] - expected).abs() < 1e-4 && (code[1] - expected).abs() < 1e-4,
        "{code:?}"
    );
}

#[test]
fn nan_or_infinity_in_the_input_is_an_error() {
    let mut code = [0.0f32; 2];
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let err = encoder().encode(&[0.0, bad, 0.0], &mut code).unwrap_err();
        assert_eq!(err, InputError::NotFinite { index: 1 });
    }
    // Finite pixels whose correlation overflows are caught too.
    let err = encoder()
        .encode(&[f32::MAX, f32::MAX, f32::MAX], &mut code)
        .unwrap_err();
    assert!(matches!(err, InputError::NotFinite { .. }));
}

#[test]
fn wrong_lengths_are_errors() {
    let mut code = [0.0f32; 2];
    assert_eq!(
        encoder().encode(&[0.0; 4], &mut code),
        Err(InputError::Length {
            expected: 3,
            actual: 4
        })
    );
    let mut long = [0.0f32; 3];
    assert_eq!(
        encoder().encode(&[0.0; 3], &mut long),
        Err(InputError::Length {
            expected: 2,
            actual: 3
        })
    );
}

#[test]
fn bad_models_are_refused_with_the_offending_index() {
    let rule = StopRule::default();
    let mut h = H;
    h[1][2] = f32::NAN;
    let e = Encoder::from_arrays(&h, &G, rule).unwrap_err();
    assert_eq!(
        e,
        ModelError::NotFinite {
            what: "basis",
            row: 1,
            col: 2
        }
    );
    h[1][2] = -0.5;
    assert_eq!(
        Encoder::from_arrays(&h, &G, rule).unwrap_err(),
        ModelError::Negative {
            what: "basis",
            row: 1,
            col: 2
        }
    );
    let g = [[1.25, 0.25], [0.25, 0.0]];
    assert_eq!(
        Encoder::from_arrays(&H, &g, rule).unwrap_err(),
        ModelError::NonPositiveDiagonal { index: 1 }
    );
    let g = [[1.25, 0.3], [0.3, 1.25]];
    assert_eq!(
        Encoder::from_arrays(&H, &g, rule).unwrap_err(),
        ModelError::GramMismatch { row: 1, col: 0 }
    );
    let g = [[1.25, 0.25], [0.26, 1.25]];
    assert_eq!(
        Encoder::from_arrays(&H, &g, rule).unwrap_err(),
        ModelError::GramMismatch { row: 1, col: 0 }
    );
    let g = [[1.25, f32::INFINITY], [0.25, 1.25]];
    assert!(matches!(
        Encoder::from_arrays(&H, &g, rule),
        Err(ModelError::NotFinite { row: 0, col: 1, .. })
    ));
    assert!(matches!(
        Encoder::new_checked(&[], &[], 0, 0, rule),
        Err(ModelError::Dimension { .. })
    ));
    assert!(matches!(
        Encoder::new_checked(&[1.0; 5], &[1.0], 1, 4, rule),
        Err(ModelError::Length { .. })
    ));
}

#[test]
fn one_component_and_one_pixel() {
    // K = 1, D = 1: w = max(0, x / h).
    let (h, g) = ([[2.0f32; 1]; 1], [[4.0f32; 1]; 1]);
    let enc = Encoder::from_arrays(&h, &g, StopRule::default()).unwrap();
    let mut code = [0.0f32];
    enc.encode(&[3.0], &mut code).unwrap();
    assert_eq!(code, [1.5]);
    enc.encode(&[-3.0], &mut code).unwrap();
    assert_eq!(code, [0.0]);
}

#[test]
fn zero_sweeps_leaves_the_zero_code() {
    let enc = Encoder::from_arrays(&H, &G, StopRule::new(0, 0.0)).unwrap();
    let mut code = [9.0f32; 2];
    let r = enc.encode(&[1.0; 3], &mut code).unwrap();
    assert_eq!((code, r.sweeps, r.converged), ([0.0, 0.0], 0, false));
}

#[test]
fn identity_projection_returns_the_code_itself() {
    let p = Projection::identity(2);
    assert!(p.is_identity());
    let mut code = [0.25f32, 4.0];
    let mut out = [0.0f32; 0];
    let y = p.apply(&mut code, &mut out).unwrap();
    assert_eq!(y, &[0.25, 4.0]);
    assert!(core::ptr::eq(y.as_ptr(), code.as_ptr()));
}

#[test]
fn projection_roots_normalises_and_maps() {
    const P: [[f32; 2]; 1] = [[1.0, -1.0]];
    const C: [f32; 1] = [0.5];
    let map = LinearMap::from_arrays(&P, Some(&C)).unwrap();
    let p = Projection::new_checked(2, true, true, Some(map)).unwrap();
    let mut code = [9.0f32, 16.0];
    let mut out = [0.0f32; 1];
    let y = p.apply(&mut code, &mut out).unwrap();
    // sqrt → (3, 4), normalise → (0.6, 0.8), map → -0.2 + 0.5
    assert!((y[0] - 0.3).abs() < 1e-6, "{y:?}");
    let bad = [[f32::NAN, 0.0]];
    assert!(matches!(
        LinearMap::from_arrays(&bad, None),
        Err(ModelError::NotFinite { row: 0, col: 0, .. })
    ));
    assert!(Projection::new_checked(3, false, false, Some(map)).is_err());
    assert_eq!(
        p.apply(&mut [f32::NAN, 0.0], &mut out),
        Err(InputError::NotFinite { index: 0 })
    );
}

#[test]
fn empty_and_full_galleries() {
    let mut g: Gallery<'_, 2, 2> = Gallery::new();
    assert_eq!(
        g.classify(&[0.0, 0.0], 1, Metric::SquaredL2),
        Err(GalleryError::Empty)
    );
    g.enroll(1, [0.0, 0.0]).unwrap();
    g.enroll(2, [1.0, 0.0]).unwrap();
    let rejected = g.enroll(3, [5.0, 5.0]).unwrap_err();
    assert_eq!(
        (rejected.template, rejected.reason),
        ((3, [5.0, 5.0]), GalleryError::Full)
    );
    let rejected = Gallery::<'_, 2, 4>::new()
        .enroll(3, [f32::NAN, 5.0])
        .unwrap_err();
    assert_eq!(rejected.reason, GalleryError::NotFinite { index: 0 });
    assert_eq!(
        g.classify(&[0.0, 0.0], 0, Metric::SquaredL2),
        Err(GalleryError::BadK { k: 0 })
    );
    assert_eq!(
        g.classify(&[0.0, 0.0], 17, Metric::SquaredL2),
        Err(GalleryError::BadK { k: 17 })
    );
    assert_eq!(
        g.classify(&[f32::NAN, 0.0], 1, Metric::SquaredL2),
        Err(GalleryError::NotFinite { index: 0 })
    );
    assert_eq!(g.remove(1), Ok(1));
    assert_eq!(g.free(), 1);
    assert_eq!(g.remove(2), Ok(1));
    assert_eq!(
        g.classify(&[0.0, 0.0], 1, Metric::SquaredL2),
        Err(GalleryError::Empty)
    );
}

#[test]
fn flash_templates_can_be_removed_and_unknown_is_answered() {
    static FLASH: [(u16, [f32; 2]); 2] = [(7, [1.0, 0.0]), (8, [0.0, 1.0])];
    let mut g: Gallery<'_, 2, 1> = Gallery::new_checked(&FLASH).unwrap();
    g.set_threshold(0.5);
    let d = g.classify(&[0.9, 0.0], 1, Metric::SquaredL2).unwrap();
    assert_eq!(d.identity, Identity::Known(7));
    let d = g.classify(&[0.0, 5.0], 1, Metric::SquaredL2).unwrap();
    assert_eq!((d.identity, d.label), (Identity::Unknown, 8));
    assert_eq!(g.remove(7), Ok(1));
    assert_eq!(
        g.classify(&[0.9, 0.0], 1, Metric::SquaredL2).unwrap().label,
        8
    );
    // Cosine with a zero query: distance 1 to everything.
    assert_eq!(
        g.classify(&[0.0, 0.0], 1, Metric::Cosine).unwrap().distance,
        1.0
    );
}

#[test]
fn thumbnail_geometry_is_checked_once() {
    let crop = Crop {
        x: 2,
        y: 2,
        width: 4,
        height: 4,
    };
    assert!(Thumbnailer::new_checked(8, 8, PixelFormat::Gray8, crop, 2, 2).is_ok());
    let outside = Crop {
        x: 6,
        y: 2,
        width: 4,
        height: 4,
    };
    assert_eq!(
        Thumbnailer::new_checked(8, 8, PixelFormat::Gray8, outside, 2, 2),
        Err(ThumbnailError::CropOutsideFrame)
    );
    let empty = Crop {
        x: 0,
        y: 0,
        width: 0,
        height: 4,
    };
    assert_eq!(
        Thumbnailer::new_checked(8, 8, PixelFormat::Gray8, empty, 2, 2),
        Err(ThumbnailError::CropOutsideFrame)
    );
    assert!(matches!(
        Thumbnailer::new_checked(0, 8, PixelFormat::Gray8, crop, 2, 2),
        Err(ThumbnailError::FrameSize { .. })
    ));
    assert!(matches!(
        Thumbnailer::new_checked(2000, 8, PixelFormat::Gray8, crop, 2, 2),
        Err(ThumbnailError::FrameSize { .. })
    ));
    assert!(matches!(
        Thumbnailer::new_checked(8, 8, PixelFormat::Gray8, crop, 0, 2),
        Err(ThumbnailError::OutputSize { .. })
    ));
    let t = Thumbnailer::new_checked(8, 8, PixelFormat::Rgb565Be, crop, 2, 2).unwrap();
    let mut out = [0.0f32; 4];
    assert_eq!(
        t.run(&[0; 64], &mut out),
        Err(ThumbnailError::FrameLength {
            expected: 128,
            actual: 64
        })
    );
    assert_eq!(
        t.run(&[0; 128], &mut [0.0; 3]),
        Err(ThumbnailError::OutputLength {
            expected: 4,
            actual: 3
        })
    );
}

#[test]
fn thumbnail_of_uniform_frames_is_uniform() {
    // All-equal pixels stay all-equal, in every format.
    let crop = Crop {
        x: 1,
        y: 3,
        width: 7,
        height: 5,
    };
    let t = Thumbnailer::new_checked(9, 9, PixelFormat::Gray8, crop, 3, 2).unwrap();
    let mut out = [0.0f32; 6];
    t.run(&[51u8; 81], &mut out).unwrap();
    assert!(out.iter().all(|&v| v == 0.2), "{out:?}");
    let t = Thumbnailer::new_checked(9, 9, PixelFormat::Rgb565Be, crop, 3, 2).unwrap();
    t.run(&[0xff; 162], &mut out).unwrap();
    assert!(out.iter().all(|&v| v == 1.0), "{out:?}");
    let t = Thumbnailer::new_checked(9, 9, PixelFormat::Yuyv, crop, 3, 2).unwrap();
    let yuyv: Vec<u8> = (0..162)
        .map(|i| if i % 2 == 0 { 255 } else { 17 })
        .collect();
    t.run(&yuyv, &mut out).unwrap();
    assert!(out.iter().all(|&v| v == 1.0), "{out:?}");
}

#[test]
fn errors_display_what_is_wrong() {
    let msg = ModelError::NotFinite {
        what: "basis",
        row: 3,
        col: 9,
    }
    .to_string();
    assert_eq!(msg, "basis is NaN or infinite at (3, 9)");
    assert_eq!(GalleryError::Full.to_string(), "gallery is full");
}
