//! The coarse-to-fine search and the level margin against their direct
//! definitions: the windows a seed reaches are exactly those whose centre
//! lies within the reach of the seed's centre (the doubled-integer rule
//! written out per window) at a side within the ratio; the seeded search
//! accepts only windows the full search accepts, and finds most of them on
//! real frames; a level with a margin is the level without it, shifted, with
//! the frame's edge repeated. The clusters a fine level is searched in are
//! disjoint and hold every reached window.

use facenmf_core::locate::pyramid::{resample, ONE};
use facenmf_core::locate::seed::{clusters, mark, marked, mask_bits, region};
use facenmf_core::locate::{Candidate, Pyramid, Region, Seeding, CLUSTERS};
use facenmf_host::locate::config::{Buffers, HostLocator, LocatorConfig};
use facenmf_host::locate::frames_in::read_gray;
use facenmf_tests::{data_dir, opencv};
use proptest::prelude::*;

/// Whether the seed reaches the window at level position `(x, y)`, written
/// window by window: side ratio within `ratio`, doubled centre distance
/// (Q16) within the doubled reach on both axes.
#[allow(clippy::too_many_arguments)]
fn reaches(
    s: &Candidate,
    seeding: &Seeding,
    scale: u32,
    margin: (usize, usize),
    window: usize,
    side: u64,
    x: usize,
    y: usize,
) -> bool {
    let (sh, r, one) = (u64::from(s.h), u64::from(seeding.ratio), u64::from(ONE));
    if sh * one > side * r || side * one > sh * r {
        return false;
    }
    let reach2 = i64::from(s.h) * i64::from(seeding.reach) / 128 * i64::from(ONE);
    let centre2 = |v: usize, m: usize| {
        2 * (v as i64 - m as i64) * i64::from(scale) + window as i64 * i64::from(scale)
    };
    let cx2 = (2 * i64::from(s.x) + i64::from(s.w)) * i64::from(ONE);
    let cy2 = (2 * i64::from(s.y) + i64::from(s.h)) * i64::from(ONE);
    (centre2(x, margin.0) - cx2).abs() <= reach2 && (centre2(y, margin.1) - cy2).abs() <= reach2
}

proptest! {
    #[test]
    fn seeds_reach_the_windows_the_direct_rule_names(
        scale in ONE..4 * ONE,
        mx in 0u8..5,
        my in 0u8..5,
        stride_reach in 0u16..200,
        ratio in ONE + 1..2 * ONE,
        seeds in proptest::collection::vec((-20i16..160, -20i16..120, 20u16..110), 0..14),
    ) {
        let pyramid = Pyramid::new_checked(scale, ONE + ONE / 10, 1).unwrap().with_margin(mx, my).unwrap();
        let Some(level) = pyramid.level(0, 160, 120, (24, 24)) else { return Ok(()) };
        let seeding = Seeding::new_checked(pyramid, 2, 3, stride_reach, ratio).unwrap();
        let seeds: Vec<Candidate> = seeds.iter().map(|&(x, y, side)| Candidate { x, y, w: side, h: side, score: 0, group: 0 }).collect();
        let side = level.to_frame(24) as u64;
        let want = |x: usize, y: usize| seeds.iter().any(|s| reaches(s, &seeding, level.scale, (level.margin_x, level.margin_y), 24, side, x, y));
        // Clusters: disjoint, and every reached window in exactly one.
        let mut cl = [Region { x0: 0, y0: 0, x1: 0, y1: 0 }; CLUSTERS];
        let n = clusters(&seeding, &seeds, &level, (24, 24), &mut cl);
        for y in 0..=level.height - 24 {
            for x in 0..=level.width - 24 {
                let holding = cl[..n].iter().filter(|r| (r.x0..=r.x1).contains(&x) && (r.y0..=r.y1).contains(&y)).count();
                prop_assert!(holding <= 1, "window ({}, {}) in {} clusters", x, y, holding);
                if want(x, y) {
                    prop_assert_eq!(holding, 1, "reached window ({}, {}) in no cluster", x, y);
                }
            }
        }
        match region(&seeding, &seeds, &level, (24, 24)) {
            None => {
                for y in 0..=level.height - 24 {
                    for x in 0..=level.width - 24 {
                        prop_assert!(!want(x, y), "({}, {}) reached but no region", x, y);
                    }
                }
            }
            Some(r) => {
                let mut mask = vec![0u32; mask_bits(&r).div_ceil(32)];
                mark(&seeding, &seeds, &level, (24, 24), &r, &mut mask);
                for y in 0..=level.height - 24 {
                    for x in 0..=level.width - 24 {
                        let inside = (r.x0..=r.x1).contains(&x) && (r.y0..=r.y1).contains(&y);
                        let got = inside && marked(&mask, &r, x, y);
                        prop_assert_eq!(got, want(x, y), "window ({}, {})", x, y);
                    }
                }
            }
        }
    }

    #[test]
    fn a_margin_repeats_the_frame_s_edge((w, h, img) in (2usize..=90, 2usize..=70).prop_flat_map(|(w, h)| (Just(w), Just(h), proptest::collection::vec(any::<u8>(), w * h))), scale in ONE..3 * ONE, mx in 0u8..6, my in 0u8..6) {
        let plain = Pyramid::new_checked(scale, ONE + ONE / 10, 1).unwrap();
        let wide = plain.with_margin(mx, my).unwrap();
        let (Some(a), Some(b)) = (plain.level(0, w, h, (1, 1)), wide.level(0, w, h, (1, 1))) else { return Ok(()) };
        let (mx, my) = (usize::from(mx), usize::from(my));
        prop_assert_eq!((b.width, b.height), (a.width + 2 * mx, a.height + 2 * my));
        let mut pa = vec![0u8; a.width * a.height];
        let mut pb = vec![0u8; b.width * b.height];
        resample(&img, w, h, &a, &mut pa);
        resample(&img, w, h, &b, &mut pb);
        for y in 0..a.height {
            for x in 0..a.width {
                prop_assert_eq!(pb[(y + my) * b.width + x + mx], pa[y * a.width + x]);
            }
        }
        // Left of the frame: column 0 of the frame, blended between rows as
        // the level row's first inner pixel is when its column lies on frame
        // column 0; every margin pixel of a row is the same value.
        for y in 0..b.height {
            let row = &pb[y * b.width..(y + 1) * b.width];
            prop_assert!(row[..mx].iter().all(|&p| p == row[0]));
            prop_assert!(row[b.width - mx..].iter().all(|&p| p == row[b.width - 1]));
        }
    }
}

#[test]
fn the_seeded_search_accepts_only_what_the_full_search_accepts() {
    if opencv::frontal_face_lbp().is_none() {
        return;
    }
    let Some(lfw) = data_dir::dataset("lfw_funneled_min20") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let truth = facenmf_host::frames::generate(&lfw, dir.path(), 5, 24, 0.25).unwrap();
    let seeded = HostLocator::new(LocatorConfig::default(), 160, 120).unwrap();
    assert!(seeded.config.seeding.is_some());
    let full = HostLocator::new(
        LocatorConfig {
            seeding: None,
            ..LocatorConfig::default()
        },
        160,
        120,
    )
    .unwrap();
    let accepted = |loc: &HostLocator, px: &[u8]| -> Vec<(i16, i16, u16)> {
        let core = loc.core().unwrap();
        let mut buffers = Buffers::new(&core);
        let mut found = 0;
        let mut work = buffers.workspace();
        let a = core
            .locate_with(px, &mut work, |r| {
                if !r.coarse {
                    found += r.accepted as usize;
                }
            })
            .unwrap();
        assert_eq!(a.dropped, 0);
        let mut v: Vec<_> = buffers.candidates[..found]
            .iter()
            .map(|c| (c.x, c.y, c.h))
            .collect();
        v.sort_unstable();
        v
    };
    let (mut kept, mut all) = (0, 0);
    for f in &truth.frames {
        let (_, _, px) = read_gray(&dir.path().join(&f.file)).unwrap();
        let (s, u) = (accepted(&seeded, &px), accepted(&full, &px));
        for c in &s {
            assert!(
                u.binary_search(c).is_ok(),
                "{}: {c:?} accepted only by the seeded search",
                f.file
            );
        }
        kept += s.len();
        all += u.len();
    }
    eprintln!("seeded search accepted {kept} of the full search's {all} windows");
    assert!(all > 0 && kept * 10 >= all * 7, "seeded {kept} of {all}");
}
