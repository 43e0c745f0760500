//! Pillow's `Image.resize` with its default filter for RGB/L images (bicubic,
//! a = -0.5, support widened by the scale when reducing, i.e. antialiased),
//! ported from Pillow's `Resample.c`: coefficients in double precision,
//! normalised to 22-bit fixed point, horizontal pass first, each pass rounded
//! and clipped to 8 bits.

use super::decode::Image8;

const PRECISION_BITS: u32 = 32 - 8 - 2;

fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// For each output position: first input index, and fixed-point weights.
fn coeffs(in_size: usize, out_size: usize) -> Vec<(usize, Vec<i32>)> {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = 2.0 * filterscale;
    (0..out_size)
        .map(|xx| {
            let center = (xx as f64 + 0.5) * scale;
            let ss = 1.0 / filterscale;
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64);
            let w: Vec<f64> = (xmin..xmax.max(xmin))
                .map(|x| bicubic((x as f64 - center + 0.5) * ss))
                .collect();
            let ww: f64 = w.iter().sum();
            let k = w
                .iter()
                .map(|&v| {
                    let v = if ww != 0.0 { v / ww } else { v };
                    let f = v * f64::from(1u32 << PRECISION_BITS);
                    if v < 0.0 {
                        (-0.5 + f) as i32
                    } else {
                        (0.5 + f) as i32
                    }
                })
                .collect();
            (xmin as usize, k)
        })
        .collect()
}

fn clip8(v: i32) -> u8 {
    // Pillow's clip8: the sums stay within i32 (Pillow itself uses INT32).
    if v >= (1i32 << PRECISION_BITS) * 256 {
        255
    } else if v <= 0 {
        0
    } else {
        (v >> PRECISION_BITS) as u8
    }
}

const HALF: i32 = 1 << (PRECISION_BITS - 1);

/// One output row of the horizontal pass, `N` channels a pixel.
fn horizontal_row<const N: usize>(row: &[u8], k: &[(usize, Vec<i32>)], out: &mut [u8]) {
    for ((xmin, w), dst) in k.iter().zip(out.chunks_exact_mut(N)) {
        let mut ss = [HALF; N];
        let src = &row[xmin * N..(xmin + w.len()) * N];
        for (px, &wx) in src.chunks_exact(N).zip(w) {
            for c in 0..N {
                ss[c] += i32::from(px[c]) * wx;
            }
        }
        for c in 0..N {
            dst[c] = clip8(ss[c]);
        }
    }
}

/// Resizes like Pillow's `img.resize((out_width, out_height))` (bicubic).
/// A dimension that does not change is not resampled (as in Pillow).
pub fn resize_bicubic(img: &Image8, out_width: usize, out_height: usize) -> Image8 {
    let ch = img.channels;
    let mut cur = img.clone();
    if out_width != cur.width {
        let k = coeffs(cur.width, out_width);
        let mut data = vec![0u8; cur.height * out_width * ch];
        for (row, out) in cur
            .data
            .chunks_exact(cur.width * ch)
            .zip(data.chunks_exact_mut(out_width * ch))
        {
            match ch {
                1 => horizontal_row::<1>(row, &k, out),
                3 => horizontal_row::<3>(row, &k, out),
                _ => {
                    // any other channel count: one channel at a time
                    for c in 0..ch {
                        let plane: Vec<u8> = row.iter().skip(c).step_by(ch).copied().collect();
                        let mut o = vec![0u8; out_width];
                        horizontal_row::<1>(&plane, &k, &mut o);
                        for (x, v) in o.into_iter().enumerate() {
                            out[x * ch + c] = v;
                        }
                    }
                }
            }
        }
        cur = Image8 {
            width: out_width,
            height: cur.height,
            channels: ch,
            data,
        };
    }
    if out_height != cur.height {
        let k = coeffs(cur.height, out_height);
        let stride = cur.width * ch;
        let mut data = vec![0u8; out_height * stride];
        let mut acc = vec![0i32; stride];
        for ((ymin, w), out) in k.iter().zip(data.chunks_exact_mut(stride)) {
            acc.fill(HALF);
            for (y, &wy) in w.iter().enumerate() {
                let src = &cur.data[(ymin + y) * stride..(ymin + y + 1) * stride];
                for (a, &v) in acc.iter_mut().zip(src) {
                    *a += i32::from(v) * wy;
                }
            }
            for (o, &a) in out.iter_mut().zip(&acc) {
                *o = clip8(a);
            }
        }
        cur = Image8 {
            width: cur.width,
            height: out_height,
            channels: ch,
            data,
        };
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_stays_constant_and_weights_sum_to_one() {
        for (a, b) in [(125, 87), (94, 65), (10, 30), (7, 7), (250, 3)] {
            for (_, w) in coeffs(a, b) {
                let s: i64 = w.iter().map(|&v| i64::from(v)).sum();
                assert!(
                    (s - (1 << PRECISION_BITS)).abs() <= w.len() as i64,
                    "{a}->{b}: {s}"
                );
            }
        }
        let img = Image8 {
            width: 9,
            height: 5,
            channels: 3,
            data: vec![200; 9 * 5 * 3],
        };
        let out = resize_bicubic(&img, 4, 13);
        assert_eq!((out.width, out.height), (4, 13));
        assert!(out.data.iter().all(|&v| v == 200));
    }
}
