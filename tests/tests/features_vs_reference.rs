//! `facenmf-core`'s feature stage against the pixel-by-pixel reference of
//! `facenmf-host`: the LBP histograms bit for bit on random thumbnails
//! (uneven grids, flat images, ties), the 59-bin table against its
//! definition, the cell split, hand-worked codes and the refusals.

use facenmf_core::features::{grid, uniform, FeatureExtractor, Features, Grid};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer, MAX_FRAME_SIDE};
use facenmf_core::FeatureError;
use facenmf_host::reference::lbp as reference;
use facenmf_tests::gen;
use proptest::prelude::*;

/// How a test thumbnail's values are drawn.
#[derive(Debug, Clone, Copy)]
enum Values {
    /// Uniform in `[0, 1)`: ties are rare.
    Uniform,
    /// Five gray levels: ties with the centre everywhere.
    Levels,
    /// One value for every pixel: every code is all ones.
    Flat,
    /// Made by the kernel's thumbnailer from random 8-bit frames four times
    /// larger, as the chip makes them.
    Thumbnailer,
}

fn thumbnail(values: Values, width: usize, height: usize, seed: u64) -> Vec<f32> {
    let mut rng = gen::Rng::new(seed);
    match values {
        Values::Uniform => (0..width * height).map(|_| rng.uniform()).collect(),
        Values::Levels => (0..width * height)
            .map(|_| rng.below(5) as f32 / 4.0)
            .collect(),
        Values::Flat => vec![rng.uniform(); width * height],
        Values::Thumbnailer => {
            let (fw, fh) = (2 * width + 1, 2 * height);
            let frame: Vec<u8> = (0..fw * fh).map(|_| rng.below(4) as u8 * 60).collect();
            let t = Thumbnailer::new_checked(
                fw,
                fh,
                PixelFormat::Gray8,
                Crop::full(fw, fh),
                width,
                height,
            )
            .unwrap();
            let mut out = vec![0.0; width * height];
            t.run(&frame, &mut out).unwrap();
            out
        }
    }
}

fn values() -> impl Strategy<Value = Values> {
    prop_oneof![
        Just(Values::Uniform),
        Just(Values::Levels),
        Just(Values::Flat),
        Just(Values::Thumbnailer)
    ]
}

/// Width, height and a grid that fits their code image.
fn geometry() -> impl Strategy<Value = (usize, usize, Grid)> {
    (3usize..=40, 3usize..=40).prop_flat_map(|(w, h)| {
        (Just(w), Just(h), 1..=h - 2, 1..=w - 2)
            .prop_map(|(w, h, rows, cols)| (w, h, Grid::new(rows, cols)))
    })
}

fn lbp(width: usize, height: usize, grid: Grid, thumb: &[f32]) -> Vec<f32> {
    lbp_with(width, height, grid, (false, false), thumb)
}

/// [`lbp`] with the mirror's codes and the square root chosen.
fn lbp_with(
    width: usize,
    height: usize,
    grid: Grid,
    (mirror, sqrt): (bool, bool),
    thumb: &[f32],
) -> Vec<f32> {
    let features = Features::Lbp { grid, mirror, sqrt };
    let f = FeatureExtractor::new_checked(width, height, features).unwrap();
    let mut out = vec![f32::NAN; f.output_len()];
    f.run(thumb, &mut out).unwrap();
    out
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every value, bit for bit, with and without the mirror's codes and
    /// the square root (the reference flips the thumbnail pixel by pixel).
    #[test]
    fn lbp_equals_pixel_by_pixel_reference(
        (w, h, grid) in geometry(),
        values in values(),
        seed in any::<u64>(),
        options in (any::<bool>(), any::<bool>()),
    ) {
        let thumb = thumbnail(values, w, h, seed);
        let got = lbp_with(w, h, grid, options, &thumb);
        let expected = reference::histograms(&thumb, (w, h), (grid.rows, grid.cols), options).unwrap();
        prop_assert_eq!(got.len(), grid.cells() * 59);
        prop_assert_eq!(bits(&got), bits(&expected));
    }

    /// With the mirror's codes, a thumbnail and its mirror image have the
    /// same features when the cells lie symmetrically (the columns of codes
    /// a multiple of the cells across); square roots keep each cell's
    /// squares summing to 1.
    #[test]
    fn mirrored_features_do_not_see_the_flip(
        (h, rows) in (3usize..=30).prop_flat_map(|h| (Just(h), 1..=h - 2)),
        (cols, per_cell) in (1usize..=6, 1usize..=6),
        values in values(),
        seed in any::<u64>(),
    ) {
        let w = cols * per_cell + 2;
        let grid = Grid::new(rows, cols);
        let thumb = thumbnail(values, w, h, seed);
        let flipped: Vec<f32> = thumb.chunks(w).flat_map(|r| r.iter().rev().copied()).collect();
        let a = lbp_with(w, h, grid, (true, true), &thumb);
        let b = lbp_with(w, h, grid, (true, true), &flipped);
        prop_assert_eq!(bits(&a), bits(&b));
        for cell in a.chunks(59) {
            let squares: f64 = cell.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
            prop_assert!((squares - 1.0).abs() < 1e-5, "squares sum to {}", squares);
        }
    }

    /// Whatever the f32 bits (NaN, infinities, negatives), the stage runs
    /// without panicking and each cell is a histogram: non-negative, summing
    /// to 1 up to rounding.
    #[test]
    fn any_input_gives_histograms((w, h, grid) in geometry(), seed in any::<u64>()) {
        let mut rng = gen::Rng::new(seed);
        let thumb: Vec<f32> = (0..w * h).map(|_| f32::from_bits(rng.next_u64() as u32)).collect();
        let got = lbp(w, h, grid, &thumb);
        for cell in got.chunks(59) {
            prop_assert!(cell.iter().all(|v| v.is_finite() && *v >= 0.0));
            let sum: f64 = cell.iter().map(|&v| f64::from(v)).sum();
            prop_assert!((sum - 1.0).abs() < 1e-5, "cell sums to {}", sum);
        }
    }
}

#[test]
fn flat_thumbnail_is_all_ones_in_every_cell() {
    // Every neighbour equals the centre: `>=` sets every bit, bin 57.
    let (w, h) = (11, 7);
    let got = lbp(w, h, Grid::new(2, 3), &vec![0.25; w * h]);
    for cell in got.chunks(59) {
        for (b, &v) in cell.iter().enumerate() {
            assert_eq!(v, if b == 57 { 1.0 } else { 0.0 }, "bin {b}");
        }
    }
}

#[test]
fn hand_worked_codes() {
    // One interior pixel (centre 0.5): the neighbours set bit p when >= 0.5.
    // Layout (rows top to bottom):     bit positions:
    //   n3 n2 n1                          3 2 1
    //   n4  c n0                          4 c 0
    //   n5 n6 n7                          5 6 7
    let case = |set: &[usize]| {
        let offsets = reference::NEIGHBOURS;
        let mut t = [0.25f32; 9];
        t[4] = 0.5;
        for &p in set {
            let (dr, dc) = offsets[p];
            // A tie with the centre counts as greater or equal.
            t[((1 + dr) * 3 + 1 + dc) as usize] = 0.5;
        }
        let out = lbp(3, 3, Grid::new(1, 1), &t);
        out.iter().position(|&v| v == 1.0).unwrap()
    };
    assert_eq!(case(&[]), 0);
    assert_eq!(case(&[0]), 1); // one 1 starting at bit 0
    assert_eq!(case(&[0, 1]), 9); // two 1s starting at bit 0: 1 + 8 + 0
    assert_eq!(case(&[7, 0]), 10); // two 1s starting at bit 7: 1 + 8 + 1
    assert_eq!(case(&[2, 3, 4]), 1 + 2 * 8 + 6); // three from bit 2
    assert_eq!(case(&[0, 1, 2, 3, 4, 5, 6, 7]), 57);
    assert_eq!(case(&[0, 2]), 58); // 1 0 1 0 …: four changes
    assert_eq!(case(&[0, 4]), 58);
}

#[test]
fn uniform_table_matches_its_definition() {
    let uniform: Vec<u8> = (0..=255u8)
        .filter(|&p| reference::transitions(p) <= 2)
        .collect();
    assert_eq!(
        uniform.len(),
        58,
        "uniform patterns: at most 2 circular changes"
    );
    let mut bins_seen = std::collections::BTreeSet::new();
    for p in 0..=255u8 {
        let bin = uniform::BIN_OF[usize::from(p)];
        assert_eq!(
            uniform::transitions(p) as usize,
            reference::transitions(p),
            "pattern {p:08b}"
        );
        assert_eq!(
            usize::from(bin),
            reference::nri_uniform_bin(p),
            "pattern {p:08b}"
        );
        if uniform.contains(&p) {
            assert!(bins_seen.insert(bin), "bin {bin} given twice");
            assert!(bin < uniform::NON_UNIFORM);
        } else {
            assert_eq!(bin, uniform::NON_UNIFORM, "pattern {p:08b}");
        }
    }
    assert_eq!(bins_seen.len(), 58);
    assert_eq!(uniform::BINS, 59);
}

#[test]
fn cells_split_every_side_in_near_equal_parts() {
    for n in 1..=80usize {
        for m in 1..=n {
            let mut next = 0;
            for i in 0..m {
                let r = grid::split(n, m, i);
                assert_eq!(r.start, next, "n = {n}, m = {m}, cell {i}");
                assert!(
                    r.len() == n / m || r.len() == n.div_ceil(m),
                    "n = {n}, m = {m}, cell {i}: {r:?}"
                );
                for p in r.clone() {
                    assert_eq!(
                        reference::cell_of(p, n, m),
                        i,
                        "n = {n}, m = {m}, pixel {p}"
                    );
                }
                next = r.end;
            }
            assert_eq!(next, n);
        }
    }
    // The documented example: 46 rows in 6 cells.
    let sizes: Vec<usize> = (0..6).map(|i| grid::split(46, 6, i).len()).collect();
    assert_eq!(sizes, [7, 8, 8, 7, 8, 8]);
}

#[test]
fn sizes_of_the_documented_model() {
    // 8 x 6 cells over 64 x 48: D = 2832, 11 328 bytes of f32.
    let f = FeatureExtractor::new_checked(
        48,
        64,
        Features::Lbp {
            grid: Grid::new(8, 6),
            mirror: false,
            sqrt: false,
        },
    )
    .unwrap();
    assert_eq!((f.input_len(), f.output_len()), (3072, 2832));
    let raw = FeatureExtractor::new_checked(24, 32, Features::Raw).unwrap();
    assert_eq!((raw.input_len(), raw.output_len()), (768, 768));
}

#[test]
fn raw_features_are_the_thumbnail() {
    let thumb = thumbnail(Values::Uniform, 5, 4, 7);
    let f = FeatureExtractor::new_checked(5, 4, Features::Raw).unwrap();
    let mut out = vec![0.0; 20];
    f.run(&thumb, &mut out).unwrap();
    assert_eq!(bits(&out), bits(&thumb));
    assert!(f.is_identity());
    // One pixel is a valid raw thumbnail.
    assert!(FeatureExtractor::new_checked(1, 1, Features::Raw).is_ok());
    let t = Thumbnailer::new_checked(8, 8, PixelFormat::Gray8, Crop::full(8, 8), 3, 2).unwrap();
    let raw = FeatureExtractor::raw(&t);
    assert_eq!((raw.width(), raw.height(), raw.output_len()), (3, 2, 6));
}

#[test]
fn bad_arguments_are_refused() {
    let lbp = |rows, cols| Features::Lbp {
        grid: Grid::new(rows, cols),
        mirror: false,
        sqrt: false,
    };
    let err = |w, h, f| FeatureExtractor::new_checked(w, h, f).unwrap_err();
    // A thumbnail smaller than 3 x 3 has no interior pixel.
    for (w, h) in [(2, 10), (10, 2), (0, 0)] {
        assert_eq!(
            err(w, h, lbp(1, 1)),
            FeatureError::ThumbnailSize {
                width: w,
                height: h,
                min: 3
            }
        );
    }
    assert_eq!(
        err(0, 4, Features::Raw),
        FeatureError::ThumbnailSize {
            width: 0,
            height: 4,
            min: 1
        }
    );
    let big = MAX_FRAME_SIDE + 1;
    assert_eq!(
        err(big, 4, Features::Raw),
        FeatureError::ThumbnailSize {
            width: big,
            height: 4,
            min: 1
        }
    );
    // Zero cells, or more cells than codes (a 10 x 6 thumbnail has 8 x 4 codes).
    let grid = |rows, cols| FeatureError::Grid {
        rows,
        cols,
        max_rows: 4,
        max_cols: 8,
    };
    assert_eq!(err(10, 6, lbp(0, 3)), grid(0, 3));
    assert_eq!(err(10, 6, lbp(2, 0)), grid(2, 0));
    assert_eq!(err(10, 6, lbp(5, 8)), grid(5, 8));
    assert_eq!(err(10, 6, lbp(4, 9)), grid(4, 9));
    assert!(FeatureExtractor::new_checked(10, 6, lbp(4, 8)).is_ok());
    // Buffers of the wrong length.
    let f = FeatureExtractor::new_checked(10, 6, lbp(2, 2)).unwrap();
    let mut out = vec![0.0; 4 * 59];
    assert_eq!(
        f.run(&[0.0; 59], &mut out),
        Err(FeatureError::InputLength {
            expected: 60,
            actual: 59
        })
    );
    assert_eq!(
        f.run(&[0.0; 60], &mut out[1..]),
        Err(FeatureError::OutputLength {
            expected: 236,
            actual: 235
        })
    );
    let raw = FeatureExtractor::new_checked(10, 6, Features::Raw).unwrap();
    assert_eq!(
        raw.run(&[0.0; 60], &mut out),
        Err(FeatureError::OutputLength {
            expected: 60,
            actual: 236
        })
    );
    // The messages name the problem.
    assert_eq!(
        err(10, 6, lbp(5, 8)).to_string(),
        "grid of 5 x 8 cells: each side must be between 1 and the 4 x 8 pixels with a code"
    );
    assert_eq!(
        err(2, 10, lbp(1, 1)).to_string(),
        "thumbnail of 2 x 10 is smaller than 3 x 3 or larger than 1024 x 1024"
    );
    assert_eq!(
        FeatureError::OutputLength {
            expected: 236,
            actual: 235
        }
        .to_string(),
        "feature buffer holds 235 values, expected 236"
    );
    assert_eq!(
        FeatureError::InputLength {
            expected: 60,
            actual: 59
        }
        .to_string(),
        "thumbnail holds 59 values, expected 60"
    );
}
