//! The core's face locator against its f64 definitions (`facenmf_host::reference::locate`):
//! integral-image sums equal direct sums; the bilinear integer pyramid is
//! the written-out integer formula pixel for pixel (margins, frames one
//! pixel wide or tall included) and within 2.5 gray levels of the exact f64
//! interpolation; the integer
//! cascade's verdict and sum on every window equal the direct evaluation with
//! the same fixed-point leaves, and its accept/reject agrees with OpenCV's
//! float leaves on all but a few windows (counted), with the stages decided
//! early by bounds that are the written-out sums of the later leaves; no
//! frame, of any size or content, makes it fail, and bad frames answer "no
//! face".

use facenmf_core::locate::group::group;
use facenmf_core::locate::integral::{build, rect_sum, table_len};
use facenmf_core::locate::pyramid::{resample, source, ONE};
use facenmf_core::locate::{BoxMap, Candidate, Face, Pyramid};
use facenmf_host::locate::config::{HostLocator, LocatorConfig};
use facenmf_host::locate::opencv::load;
use facenmf_host::reference::locate as reference;
use facenmf_tests::{data_dir, opencv};
use proptest::prelude::*;

fn image() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (1usize..=40, 1usize..=40).prop_flat_map(|(w, h)| {
        (
            Just(w),
            Just(h),
            proptest::collection::vec(any::<u8>(), w * h),
        )
    })
}

proptest! {
    #[test]
    fn integral_sums_equal_direct_sums(((w, h, img), a, b, c, d) in (image(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>())) {
        let mut table = vec![0u32; table_len(w, h)];
        build(&img, w, h, &mut table);
        let x = usize::from(a) % w;
        let y = usize::from(b) % h;
        let rw = 1 + usize::from(c) % (w - x);
        let rh = 1 + usize::from(d) % (h - y);
        prop_assert_eq!(f64::from(rect_sum(&table, w + 1, x, y, rw, rh)), reference::block_sum(&img, w, x, y, rw, rh));
    }

    #[test]
    fn pyramid_pixels_are_the_integer_bilinear_formula((w, h, img) in (1usize..=60, 1usize..=50).prop_flat_map(|(w, h)| (Just(w), Just(h), proptest::collection::vec(any::<u8>(), w * h))), scale in ONE..4 * ONE, mx in 0u8..4, my in 0u8..4) {
        let p = Pyramid::new_checked(scale, ONE + ONE / 10, 1).unwrap().with_margin(mx, my).unwrap();
        if let Some(level) = p.level(0, w, h, (1, 1)) {
            let mut out = vec![0u8; level.width * level.height];
            resample(&img, w, h, &level, &mut out);
            for ly in 0..level.height {
                let (y0, fy) = source(ly, level.margin_y, level.scale, h);
                let y1 = (y0 + 1).min(h - 1);
                for lx in 0..level.width {
                    let (x0, fx) = source(lx, level.margin_x, level.scale, w);
                    let x1 = (x0 + 1).min(w - 1);
                    let px = |x: usize, y: usize| u64::from(img[y * w + x]);
                    let (fx, fy) = (u64::from(fx), u64::from(fy));
                    let top = px(x0, y0) * (256 - fx) + px(x1, y0) * fx;
                    let bottom = px(x0, y1) * (256 - fx) + px(x1, y1) * fx;
                    let want = (top * (256 - fy) + bottom * fy + (1 << 15)) >> 16;
                    prop_assert_eq!(u64::from(out[ly * level.width + lx]), want, "level pixel ({}, {})", lx, ly);
                }
            }
        }
    }

    #[test]
    fn pyramid_levels_are_the_bilinear_interpolation((w, h, img) in (2usize..=90, 2usize..=70).prop_flat_map(|(w, h)| (Just(w), Just(h), proptest::collection::vec(any::<u8>(), w * h))), scale in ONE..5 * ONE) {
        let p = Pyramid::new_checked(scale, ONE + ONE / 10, 1).unwrap();
        if let Some(level) = p.level(0, w, h, (1, 1)) {
            let mut out = vec![0u8; level.width * level.height];
            resample(&img, w, h, &level, &mut out);
            let want = reference::bilinear(&img, w, h, f64::from(level.scale) / f64::from(ONE), level.width, level.height);
            for (i, (&g, &r)) in out.iter().zip(&want).enumerate() {
                prop_assert!((f64::from(g) - r).abs() <= 2.5, "pixel {}: {} vs {}", i, g, r);
            }
        }
    }

    #[test]
    fn the_crop_always_lies_inside_the_frame(x in -40i16..300, y in -40i16..300, w in 1u16..300, h in 1u16..300, row in -8000i32..8000, col in -8000i32..8000, sh in 1i32..12000, sw in 1i32..12000, fw in 1usize..200, fh in 1usize..200) {
        let map = BoxMap { row, col, height: sh, width: sw };
        let f = Face { x, y, w, h, neighbours: 4, score: 0 };
        let c = map.crop(&f, fw, fh).unwrap();
        prop_assert!(c.width >= 1 && c.height >= 1 && c.x + c.width <= fw && c.y + c.height <= fh);
    }
}

#[test]
fn grouping_keeps_groups_above_the_neighbour_count() {
    let b = |x, y, s| Candidate {
        x,
        y,
        w: s,
        h: s,
        score: 1,
        group: 0,
    };
    // Four near-identical boxes and, far away, three.
    let mut c = [
        b(10, 10, 30),
        b(11, 10, 30),
        b(10, 12, 31),
        b(12, 11, 30),
        b(100, 60, 30),
        b(101, 60, 30),
        b(100, 61, 30),
    ];
    let mut faces = [Face::default(); 4];
    let n = group(&mut c, 3, &mut faces);
    assert_eq!(n, 1);
    assert_eq!(
        (faces[0].x, faces[0].y, faces[0].w, faces[0].neighbours),
        (11, 11, 30, 4)
    );
    let n = group(&mut c, 2, &mut faces);
    assert_eq!(n, 2);
}

fn locator(width: usize, height: usize) -> Option<HostLocator> {
    opencv::frontal_face_lbp()?;
    Some(HostLocator::new(LocatorConfig::default(), width, height).unwrap())
}

#[test]
fn bad_frames_answer_no_face() {
    let Some(loc) = locator(160, 120) else { return };
    let checker: Vec<u8> = (0..160 * 120)
        .map(|i| if (i / 160 + i % 160) % 2 == 0 { 0 } else { 255 })
        .collect();
    for (name, frame) in [
        ("black", vec![0u8; 160 * 120]),
        ("white", vec![255u8; 160 * 120]),
        ("saturated checkerboard", checker),
    ] {
        let a = loc.run(&frame).unwrap();
        assert_eq!(a.located.chosen, None, "{name} frame: {:?}", a.located);
    }
    let small = locator(23, 23).unwrap();
    let a = small.run(&vec![128u8; 23 * 23]).unwrap();
    assert_eq!((a.located.chosen, a.located.windows), (None, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn no_frame_makes_the_locator_fail(w in 1usize..=170, h in 1usize..=130, seed in any::<u64>(), kind in 0u8..4) {
        let Some(loc) = locator(w, h) else { return Ok(()) };
        let mut s = seed | 1;
        let frame: Vec<u8> = (0..w * h).map(|i| match kind {
            0 => { s ^= s << 13; s ^= s >> 7; s ^= s << 17; s as u8 }
            1 => (seed as u8).wrapping_add((i / w) as u8),
            2 => if (seed >> (i % 64)) & 1 == 1 { 255 } else { 0 },
            _ => seed as u8,
        }).collect();
        let a = loc.run(&frame).unwrap();
        if let Some(c) = a.located.crop {
            prop_assert!(c.x + c.width <= w && c.y + c.height <= h);
        }
        prop_assert!(a.faces.len() == a.located.faces);
    }
}

#[test]
fn the_integer_cascade_is_the_direct_evaluation_on_real_frames() {
    let Some(path) = opencv::frontal_face_lbp() else {
        return;
    };
    let Some(lfw) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let cascade = load(&path).unwrap();
    let view = cascade.view().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let truth = facenmf_host::frames::generate(&lfw, dir.path(), 3, 8, 0.25).unwrap();
    let pyramid = Pyramid::new_checked(ONE, ONE + ONE / 10, 32).unwrap();
    let (mut windows, mut accepted, mut float_disagree) = (0usize, 0usize, 0usize);
    for f in &truth.frames {
        let (w, h, px) =
            facenmf_host::locate::frames_in::read_gray(&dir.path().join(&f.file)).unwrap();
        for index in [0, 5, 9] {
            let level = pyramid.level(index, w, h, (24, 24)).unwrap();
            let mut img = vec![0u8; level.width * level.height];
            resample(&px, w, h, &level, &mut img);
            let mut table = vec![0u32; table_len(level.width, level.height)];
            build(&img, level.width, level.height, &mut table);
            for y in 0..=level.height - 24 {
                for x in 0..=level.width - 24 {
                    windows += 1;
                    let got = view.evaluate(&table, level.width + 1, x, y);
                    let want = reference::cascade(&img, level.width, x, y, &cascade, true);
                    assert_eq!(
                        got.map(f64::from),
                        want,
                        "frame {} level {index} window ({x}, {y})",
                        f.file
                    );
                    accepted += usize::from(got.is_ok());
                    let float = reference::cascade(&img, level.width, x, y, &cascade, false);
                    float_disagree += usize::from(float.is_ok() != got.is_ok());
                }
            }
        }
    }
    eprintln!("{windows} windows, {accepted} accepted, {float_disagree} where OpenCV's float leaves decide otherwise");
    assert!(
        accepted > 0,
        "no window accepted: the comparison would be empty"
    );
    assert!(
        float_disagree * 1000 <= windows,
        "{float_disagree} of {windows} windows differ from the float cascade"
    );
}

#[test]
fn the_early_decision_bounds_are_the_threshold_less_the_later_leaves() {
    let Some(path) = opencv::frontal_face_lbp() else {
        return;
    };
    let cascade = load(&path).unwrap();
    let last = cascade.stages.len() - 1;
    let mut early = 0;
    for (si, s) in cascade.stages.iter().enumerate() {
        let first = usize::from(s.first);
        let weaks = &cascade.weaks[first..first + usize::from(s.count)];
        for (j, w) in weaks.iter().enumerate() {
            let later = &weaks[j + 1..];
            let most: i64 = later
                .iter()
                .map(|v| i64::from(v.leaves[0].max(v.leaves[1])))
                .sum();
            let least: i64 = later
                .iter()
                .map(|v| i64::from(v.leaves[0].min(v.leaves[1])))
                .sum();
            let t = i64::from(s.threshold);
            let pass = if si == last && !later.is_empty() {
                i64::from(i32::MAX)
            } else {
                t - least
            };
            assert_eq!(
                [i64::from(w.decide[0]), i64::from(w.decide[1])],
                [t - most, pass],
                "stage {si}, weak classifier {j}"
            );
            early += usize::from(!later.is_empty());
        }
    }
    assert!(
        early > 100,
        "only {early} weak classifiers can decide early"
    );
    let mut bad = cascade.clone();
    bad.weaks[5].decide[0] -= 1;
    let err = bad.view().unwrap_err().to_string();
    assert!(err.contains("weak classifier 5"), "{err}");
}
