//! `facenmf-core`'s thumbnail against the direct f64 area average of
//! `facenmf-host`: every pixel within 1e-6 (the kernel's sums are exact in
//! integers; only its final f32 division rounds).

use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_host::reference::thumbnail as reference;
use proptest::prelude::*;

fn case() -> impl Strategy<Value = (usize, usize, PixelFormat, Crop, usize, usize, Vec<u8>)> {
    (
        1usize..=90,
        1usize..=70,
        prop_oneof![
            Just(PixelFormat::Gray8),
            Just(PixelFormat::Yuyv),
            Just(PixelFormat::Rgb565Be)
        ],
    )
        .prop_flat_map(|(fw, fh, format)| {
            (Just(fw), Just(fh), Just(format), 0..fw, 0..fh)
                .prop_flat_map(|(fw, fh, format, x, y)| {
                    (
                        Just(fw),
                        Just(fh),
                        Just(format),
                        Just(x),
                        Just(y),
                        1..=fw - x,
                        1..=fh - y,
                    )
                })
                .prop_flat_map(|(fw, fh, format, x, y, cw, ch)| {
                    let crop = Crop {
                        x,
                        y,
                        width: cw,
                        height: ch,
                    };
                    let bytes = fw * fh * format.bytes_per_pixel();
                    (
                        Just(fw),
                        Just(fh),
                        Just(format),
                        Just(crop),
                        1..=cw + 3,
                        1..=ch + 3,
                        prop::collection::vec(any::<u8>(), bytes),
                    )
                })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn thumbnail_equals_f64_reference((fw, fh, format, crop, ow, oh, frame) in case()) {
        let t = Thumbnailer::new_checked(fw, fh, format, crop, ow, oh).unwrap();
        let mut out = vec![0.0f32; ow * oh];
        t.run(&frame, &mut out).unwrap();
        let expected = reference::thumbnail(&frame, fw, format, crop, ow, oh);
        for (i, (a, b)) in out.iter().zip(&expected).enumerate() {
            prop_assert!((f64::from(*a) - b).abs() <= 1e-6, "pixel {i}: {a} vs {b}");
            prop_assert!((0.0..=1.0).contains(a));
        }
    }
}

#[test]
fn largest_frame_sums_do_not_overflow() {
    // A white 1024 x 1024 RGB565 frame reduced to one pixel: the u32 sum is
    // at its largest and the mean must be exactly 1.
    let side = facenmf_core::thumbnail::MAX_FRAME_SIDE;
    let frame = vec![0xffu8; side * side * 2];
    let t = Thumbnailer::new_checked(
        side,
        side,
        PixelFormat::Rgb565Be,
        Crop::full(side, side),
        1,
        1,
    )
    .unwrap();
    let mut out = [0.0f32];
    t.run(&frame, &mut out).unwrap();
    assert_eq!(out[0], 1.0);
}
