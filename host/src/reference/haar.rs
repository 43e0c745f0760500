//! OpenCV's Haar cascade on one window in plain f64, as `cascadedetect.cpp`
//! defines it: direct pixel sums, the spread `nf = sqrt(A · Σp² − (Σp)²)`
//! over the window shrunk by one pixel (1 when not positive), a node goes
//! left when `value / nf < threshold`, a stage passes when the sum of its
//! trees' leaves is at least its threshold; the file's float values.

use crate::locate::opencv_haar::OwnedHaar;

fn block(img: &[u8], width: usize, x: usize, y: usize, w: usize, h: usize) -> f64 {
    (y..y + h)
        .map(|r| {
            img[r * width + x..r * width + x + w]
                .iter()
                .map(|&p| f64::from(p))
                .sum::<f64>()
        })
        .sum()
}

/// The spread `nf` of the window at `(x, y)` of `img` (row length `width`).
pub fn spread(c: &OwnedHaar, img: &[u8], width: usize, x: usize, y: usize) -> f64 {
    let (w, h) = (c.width - 2, c.height - 2);
    let (mut s, mut q) = (0.0, 0.0);
    for r in y + 1..y + 1 + h {
        for &p in &img[r * width + x + 1..r * width + x + 1 + w] {
            s += f64::from(p);
            q += f64::from(p) * f64::from(p);
        }
    }
    let nf = (w * h) as f64 * q - s * s;
    if nf > 0.0 {
        nf.sqrt()
    } else {
        1.0
    }
}

/// Each stage's sum on the window at `(x, y)` up to the first stage that
/// rejects it (the last entry then is below its threshold).
pub fn stage_sums(c: &OwnedHaar, img: &[u8], width: usize, x: usize, y: usize) -> Vec<f64> {
    let nf = spread(c, img, width, x, y);
    let mut out = Vec::new();
    for (si, st) in c.stages.iter().enumerate() {
        let mut sum = 0.0;
        for w in &c.weaks[usize::from(st.first)..usize::from(st.first) + usize::from(st.count)] {
            let mut k = 0usize;
            let leaf = loop {
                let at = usize::from(w.node) + k;
                let n = c.nodes[at];
                let f = &c.features[usize::from(n.feature)];
                let v: f64 = f
                    .rects
                    .iter()
                    .filter(|r| r.weight != 0)
                    .map(|r| {
                        f64::from(r.weight)
                            * block(
                                img,
                                width,
                                x + usize::from(r.x),
                                y + usize::from(r.y),
                                usize::from(r.w),
                                usize::from(r.h),
                            )
                    })
                    .sum();
                let next = if v / nf < c.float_nodes[at] {
                    n.left
                } else {
                    n.right
                };
                if next > 0 {
                    k = next as usize;
                } else {
                    break usize::from(next.unsigned_abs());
                }
            };
            sum += c.float_leaves[usize::from(w.leaf) + leaf];
        }
        out.push(sum);
        if sum < c.float_stages[si] {
            break;
        }
    }
    out
}

/// `Ok(last stage's sum)` when the window passes every stage, `Err(stage)`
/// with the stage that rejects it.
pub fn evaluate(c: &OwnedHaar, img: &[u8], width: usize, x: usize, y: usize) -> Result<f64, usize> {
    let sums = stage_sums(c, img, width, x, y);
    let last = sums.len() - 1;
    if sums[last] < c.float_stages[last] {
        Err(last)
    } else {
        Ok(sums[last])
    }
}
