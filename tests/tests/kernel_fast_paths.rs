//! The kernel's fast paths against obviously correct expressions.

use facenmf_core::nnls::{dot, dot4, solve, Gram, StopRule};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_tests::gen;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Four rows at once are bit-identical to four separate dot products.
    #[test]
    fn dot4_is_four_dots(n in 0usize..70, seed in any::<u64>()) {
        let mut rng = gen::Rng::new(seed);
        let mut v = || -> Vec<f32> { (0..n).map(|_| rng.uniform() * 4.0 - 2.0).collect() };
        let (r0, r1, r2, r3, x) = (v(), v(), v(), v(), v());
        let got = dot4([&r0, &r1, &r2, &r3], &x);
        let expected = [dot(&r0, &x), dot(&r1, &x), dot(&r2, &x), dot(&r3, &x)];
        prop_assert_eq!(got.map(f32::to_bits), expected.map(f32::to_bits));
    }

    /// The blocked sweep (gradients of four coordinates taken together, then
    /// corrected) makes the same moves as one coordinate at a time, up to
    /// rounding, sweep after sweep.
    #[test]
    fn blocked_sweeps_equal_plain_coordinate_descent(k in 1usize..=13, d in 1usize..=30, sweeps in 1u16..6, seed in any::<u64>()) {
        let mut rng = gen::Rng::new(seed);
        let h = gen::basis(&mut rng, k, d);
        let g = gen::gram(&h, k, d);
        let b: Vec<f32> = (0..k).map(|_| rng.uniform() * 4.0 - 1.0).collect();
        let mut w = vec![0.0f32; k];
        solve(&Gram::new_checked(&g, k).unwrap(), &b, &mut w, StopRule::new(sweeps, 0.0)).unwrap();
        // Plain projected coordinate descent in f64.
        let mut v = vec![0.0f64; k];
        for _ in 0..sweeps {
            for i in 0..k {
                let grad: f64 = (0..k).map(|j| f64::from(g[i * k + j]) * v[j]).sum::<f64>() - f64::from(b[i]);
                v[i] = (v[i] - grad / f64::from(g[i * k + i])).max(0.0);
            }
        }
        let scale = v.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        for i in 0..k {
            prop_assert!((f64::from(w[i]) - v[i]).abs() <= 1e-4 * scale, "w[{}] = {} vs {} ({:?} vs {:?})", i, w[i], v[i], w, v);
        }
    }
}

/// The thumbnail as first written: every source pixel's overlap worked out
/// pixel by pixel, summed exactly in `u32`, one f32 division. The kernel's
/// span tables and box sums must give the very same bits.
fn thumbnail_pixel_by_pixel(t: &Thumbnailer, frame_width: usize, frame: &[u8]) -> Vec<f32> {
    let (crop, ow, oh, format) = (t.crop(), t.out_width(), t.out_height(), t.format());
    let (cw, ch) = (crop.width, crop.height);
    let level = |p: usize| -> u32 {
        match format {
            PixelFormat::Gray8 => u32::from(frame[p]),
            PixelFormat::Yuyv => u32::from(frame[2 * p]),
            PixelFormat::Rgb565Be => {
                let v = (u32::from(frame[2 * p]) << 8) | u32::from(frame[2 * p + 1]);
                let (r, g, b) = (v >> 11, (v >> 5) & 0x3f, v & 0x1f);
                ((r << 3) | (r >> 2)) + ((g << 2) | (g >> 4)) + ((b << 3) | (b >> 2))
            }
        }
    };
    let max = if format == PixelFormat::Rgb565Be {
        765.0
    } else {
        255.0
    };
    // Overlap of source pixel s with output pixel o, in units of 1/n_out source pixel.
    let weight = |o: usize, s: usize, n_src: usize, n_out: usize| -> u32 {
        let (lo, hi) = (o * n_src, (o + 1) * n_src);
        let (a, b) = ((s * n_out).max(lo), ((s + 1) * n_out).min(hi));
        b.saturating_sub(a) as u32
    };
    let denominator = (cw * ch) as f32 * max;
    let mut out = Vec::with_capacity(ow * oh);
    for oy in 0..oh {
        for ox in 0..ow {
            let mut sum = 0u32;
            for r in 0..ch {
                let wr = weight(oy, r, ch, oh);
                if wr == 0 {
                    continue;
                }
                let mut row = 0u32;
                for c in 0..cw {
                    let wc = weight(ox, c, cw, ow);
                    row += wc * level((crop.y + r) * frame_width + crop.x + c);
                }
                sum += wr * row;
            }
            out.push(sum as f32 / denominator);
        }
    }
    out
}

fn any_format() -> impl Strategy<Value = PixelFormat> {
    prop_oneof![
        Just(PixelFormat::Gray8),
        Just(PixelFormat::Yuyv),
        Just(PixelFormat::Rgb565Be)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any crop, any thumbnail size (smaller or larger): bit-identical.
    #[test]
    fn thumbnail_spans_equal_pixel_by_pixel(
        format in any_format(),
        (fw, fh, x, y, cw, ch) in (1usize..=80, 1usize..=60).prop_flat_map(|(fw, fh)| {
            (Just(fw), Just(fh), 0..fw, 0..fh).prop_flat_map(|(fw, fh, x, y)| {
                (Just(fw), Just(fh), Just(x), Just(y), 1..=fw - x, 1..=fh - y)
            })
        }),
        (ow_pick, oh_pick) in (1usize..=70, 1usize..=70),
        seed in any::<u64>(),
    ) {
        let (ow, oh) = (1 + ow_pick % (cw + 40), 1 + oh_pick % (ch + 3));
        let crop = Crop { x, y, width: cw, height: ch };
        let t = Thumbnailer::new_checked(fw, fh, format, crop, ow, oh).unwrap();
        let mut rng = gen::Rng::new(seed);
        let frame: Vec<u8> = (0..t.frame_len()).map(|_| (rng.uniform() * 256.0) as u8).collect();
        let mut out = vec![0.0f32; ow * oh];
        t.run(&frame, &mut out).unwrap();
        let expected = thumbnail_pixel_by_pixel(&t, fw, &frame);
        prop_assert_eq!(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }

    /// Crops a whole multiple of the thumbnail (every weight equal), with
    /// more than one group of output columns: bit-identical.
    #[test]
    fn thumbnail_whole_multiples_equal_pixel_by_pixel(
        format in any_format(),
        (fx, fy, ow, oh) in (1usize..=4, 1usize..=4, 1usize..=70, 1usize..=12),
        (mx, my) in (0usize..4, 0usize..4),
        seed in any::<u64>(),
    ) {
        let (cw, ch) = (fx * ow, fy * oh);
        let (fw, fh) = (cw + mx, ch + my);
        let crop = Crop { x: mx / 2, y: my / 2, width: cw, height: ch };
        let t = Thumbnailer::new_checked(fw, fh, format, crop, ow, oh).unwrap();
        let mut rng = gen::Rng::new(seed);
        let frame: Vec<u8> = (0..t.frame_len()).map(|_| (rng.uniform() * 256.0) as u8).collect();
        let mut out = vec![0.0f32; ow * oh];
        t.run(&frame, &mut out).unwrap();
        let expected = thumbnail_pixel_by_pixel(&t, fw, &frame);
        prop_assert_eq!(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }

    /// Wide crops: groups cut short by the column buffer (256 source
    /// columns), and output columns wider than it (summed row by row):
    /// bit-identical.
    #[test]
    fn thumbnail_wide_crops_equal_pixel_by_pixel(
        format in any_format(),
        (cw, ch, ow, oh) in (200usize..=1024, 1usize..=5, 1usize..=9, 1usize..=3),
        seed in any::<u64>(),
    ) {
        let crop = Crop { x: 0, y: 0, width: cw, height: ch };
        let t = Thumbnailer::new_checked(cw, ch, format, crop, ow, oh).unwrap();
        let mut rng = gen::Rng::new(seed);
        let frame: Vec<u8> = (0..t.frame_len()).map(|_| (rng.uniform() * 256.0) as u8).collect();
        let mut out = vec![0.0f32; ow * oh];
        t.run(&frame, &mut out).unwrap();
        let expected = thumbnail_pixel_by_pixel(&t, cw, &frame);
        prop_assert_eq!(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }
}
