//! Training-set augmentation for the supervised map: mirrored, shifted,
//! turned and scaled copies of the training faces.
//!
//! LDA estimates a within-class scatter from about 26 faces a person (LFW);
//! copies moved by a pixel or mirrored show it the misalignment it must
//! ignore. Only the map and the decision (the class means, or the Parzen
//! gallery of every training face and copy) see the copies: the NMF basis is
//! fitted on the original images, and the test faces are never touched.

/// Which copies of each training image to add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Augment {
    /// Add the left-right mirror image.
    pub flip: bool,
    /// Add copies shifted by `1..=shift` pixels up, down, left and right
    /// (the edge row or column repeated into the gap).
    pub shift: usize,
    /// Add copies turned by `+turn` and `−turn` degrees about the image
    /// centre (0: none); bilinear, edges repeated.
    pub turn: u8,
    /// Add copies scaled by `1 + zoom/100` and `1 − zoom/100` about the
    /// image centre (0: none); bilinear, edges repeated.
    pub zoom: u8,
}

impl Augment {
    /// No copies.
    pub const NONE: Augment = Augment {
        flip: false,
        shift: 0,
        turn: 0,
        zoom: 0,
    };

    /// Copies made of each image.
    pub fn copies(&self) -> usize {
        usize::from(self.flip)
            + 4 * self.shift
            + 2 * usize::from(self.turn > 0)
            + 2 * usize::from(self.zoom > 0)
    }

    /// The copies of `images` (`n` images of `height×width`, row-major), all
    /// copies of image 0 first, then of image 1, ...; with their labels.
    pub fn apply(
        &self,
        images: &[f32],
        labels: &[u16],
        (height, width): (usize, usize),
    ) -> (Vec<f32>, Vec<u16>) {
        let d = height * width;
        let mut out = Vec::with_capacity(images.len() * self.copies());
        let mut out_labels = Vec::with_capacity(labels.len() * self.copies());
        for (img, &label) in images.chunks_exact(d).zip(labels) {
            if self.flip {
                for row in img.chunks_exact(width) {
                    out.extend(row.iter().rev());
                }
                out_labels.push(label);
            }
            for s in 1..=self.shift as isize {
                for (dy, dx) in [(s, 0), (-s, 0), (0, s), (0, -s)] {
                    shifted(img, height, width, dy, dx, &mut out);
                    out_labels.push(label);
                }
            }
            let turn = f32::from(self.turn).to_radians();
            let zoom = f32::from(self.zoom) / 100.0;
            let turns = [(turn, 1.0), (-turn, 1.0)];
            let zooms = [(0.0, 1.0 + zoom), (0.0, 1.0 - zoom)];
            let turns = if self.turn > 0 { &turns[..] } else { &[] };
            let zooms = if self.zoom > 0 { &zooms[..] } else { &[] };
            for &(angle, scale) in turns.iter().chain(zooms) {
                warped(img, height, width, angle, scale, &mut out);
                out_labels.push(label);
            }
        }
        (out, out_labels)
    }

    /// `features` of the training `images` (one row each, in order) followed
    /// by the features `encode(copies, count)` gives their copies, with the
    /// labels to match: what the map and the decision are fitted on. With
    /// no copies `encode` is not called.
    pub fn with_copies<E>(
        &self,
        mut features: Vec<f32>,
        images: &[f32],
        labels: &[u16],
        shape: (usize, usize),
        encode: impl FnOnce(&[f32], usize) -> Result<Vec<f32>, E>,
    ) -> Result<(Vec<f32>, Vec<u16>), E> {
        if self.copies() == 0 {
            return Ok((features, labels.to_vec()));
        }
        let (copies, copy_labels) = self.apply(images, labels, shape);
        features.extend(encode(&copies, copy_labels.len())?);
        Ok((features, [labels, &copy_labels].concat()))
    }
}

/// Appends `img` turned by `angle` radians and scaled by `scale` about its
/// centre: output pixel `p` is the input sampled (bilinear, coordinates
/// clamped to the image) at `centre + R(−angle)·(p − centre) / scale`.
fn warped(img: &[f32], height: usize, width: usize, angle: f32, scale: f32, out: &mut Vec<f32>) {
    let (cy, cx) = ((height as f32 - 1.0) / 2.0, (width as f32 - 1.0) / 2.0);
    let (sin, cos) = angle.sin_cos();
    let at = |r: usize, c: usize| img[r * width + c];
    for r in 0..height {
        for c in 0..width {
            let (y, x) = (r as f32 - cy, c as f32 - cx);
            let sy = ((cos * y - sin * x) / scale + cy).clamp(0.0, height as f32 - 1.0);
            let sx = ((sin * y + cos * x) / scale + cx).clamp(0.0, width as f32 - 1.0);
            let (r0, c0) = (sy.floor() as usize, sx.floor() as usize);
            let (r1, c1) = ((r0 + 1).min(height - 1), (c0 + 1).min(width - 1));
            let (fy, fx) = (sy - r0 as f32, sx - c0 as f32);
            let top = at(r0, c0) * (1.0 - fx) + at(r0, c1) * fx;
            let bottom = at(r1, c0) * (1.0 - fx) + at(r1, c1) * fx;
            out.push(top * (1.0 - fy) + bottom * fy);
        }
    }
}

/// Appends `img` moved by `(dy, dx)` pixels: output pixel `(r, c)` is input
/// pixel `(r − dy, c − dx)` clamped to the image.
fn shifted(img: &[f32], height: usize, width: usize, dy: isize, dx: isize, out: &mut Vec<f32>) {
    let clamp = |v: isize, n: usize| v.clamp(0, n as isize - 1) as usize;
    for r in 0..height {
        let sr = clamp(r as isize - dy, height);
        for c in 0..width {
            out.push(img[sr * width + clamp(c as isize - dx, width)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Just;
    use proptest::strategy::Strategy;

    #[test]
    fn mirror_and_shift_move_pixels_where_expected() {
        // 2x3 image 0 1 2 / 3 4 5.
        let img: Vec<f32> = (0..6).map(|v| v as f32).collect();
        let aug = Augment {
            flip: true,
            shift: 1,
            ..Augment::NONE
        };
        let (out, labels) = aug.apply(&img, &[7], (2, 3));
        assert_eq!(labels, vec![7; 5]);
        let copies: Vec<&[f32]> = out.chunks(6).collect();
        assert_eq!(copies[0], &[2., 1., 0., 5., 4., 3.]); // mirror
        assert_eq!(copies[1], &[0., 1., 2., 0., 1., 2.]); // down 1
        assert_eq!(copies[2], &[3., 4., 5., 3., 4., 5.]); // up 1
        assert_eq!(copies[3], &[0., 0., 1., 3., 3., 4.]); // right 1
        assert_eq!(copies[4], &[1., 2., 2., 4., 5., 5.]); // left 1
    }

    proptest::proptest! {
        #[test]
        fn copies_are_counted_labelled_and_mirror_twice_is_identity(
            (h, w, n, img) in (1usize..6, 1usize..6, 1usize..4).prop_flat_map(|(h, w, n)| {
                (Just(h), Just(w), Just(n), proptest::collection::vec(0.0f32..1.0, h * w * n))
            }),
            shift in 0usize..3,
        ) {
            let labels: Vec<u16> = (0..n as u16).collect();
            let aug = Augment { flip: true, shift, ..Augment::NONE };
            let (out, out_labels) = aug.apply(&img, &labels, (h, w));
            let c = aug.copies();
            proptest::prop_assert_eq!(out.len(), n * c * h * w);
            proptest::prop_assert_eq!(out_labels.len(), n * c);
            for (i, copy) in out.chunks(h * w).enumerate() {
                let label = out_labels[i];
                proptest::prop_assert_eq!(usize::from(label), i / c);
                let src = &img[usize::from(label) * h * w..][..h * w];
                // Every pixel of a copy is a pixel of its own source image.
                proptest::prop_assert!(copy.iter().all(|v| src.contains(v)));
            }
            // Mirroring the mirror gives the original back.
            let first_mirror = &out[..h * w];
            let (back, _) = Augment { flip: true, ..Augment::NONE }.apply(first_mirror, &[0], (h, w));
            proptest::prop_assert_eq!(&back[..], &img[..h * w]);
        }
    }

    #[test]
    fn with_copies_appends_encoded_copies_after_the_originals() {
        let img: Vec<f32> = (0..12).map(|v| v as f32).collect(); // two 2x3 images
        let aug = Augment {
            flip: true,
            ..Augment::NONE
        };
        let sum = |x: &[f32], n: usize| -> Result<Vec<f32>, ()> {
            Ok(x.chunks(x.len() / n).map(|c| c.iter().sum()).collect())
        };
        let (f, l) = aug
            .with_copies(vec![-1.0, -2.0], &img, &[3, 4], (2, 3), sum)
            .unwrap();
        assert_eq!(f, vec![-1.0, -2.0, 15.0, 51.0]);
        assert_eq!(l, vec![3, 4, 3, 4]);
        let (f, l) = Augment::NONE
            .with_copies(
                vec![9.0],
                &img[..6],
                &[1],
                (2, 3),
                |_, _| -> Result<Vec<f32>, ()> { panic!("nothing to encode") },
            )
            .unwrap();
        assert_eq!((f, l), (vec![9.0], vec![1]));
    }

    #[test]
    fn warp_turns_and_scales_about_the_centre() {
        // 3x3 image 0..9: the identity warp leaves it alone, a quarter turn
        // moves each pixel where the index arithmetic says.
        let img: Vec<f32> = (0..9).map(|v| v as f32).collect();
        let mut out = Vec::new();
        warped(&img, 3, 3, 0.0, 1.0, &mut out);
        assert_eq!(out, img);
        out.clear();
        warped(&img, 3, 3, std::f32::consts::FRAC_PI_2, 1.0, &mut out);
        // Output (r, c) samples input (2 − c, r).
        let want: Vec<f32> = (0..3)
            .flat_map(|r| (0..3).map(move |c| ((2 - c) * 3 + r) as f32))
            .collect();
        for (o, w) in out.iter().zip(&want) {
            assert!((o - w).abs() < 1e-4, "{out:?} vs {want:?}");
        }
        // Zooming in by 2 about the centre of a 1x5 ramp halves the slope.
        out.clear();
        warped(&[0.0, 1.0, 2.0, 3.0, 4.0], 1, 5, 0.0, 2.0, &mut out);
        assert_eq!(out, vec![1.0, 1.5, 2.0, 2.5, 3.0]);
        let aug = Augment {
            turn: 5,
            zoom: 4,
            ..Augment::NONE
        };
        assert_eq!(aug.copies(), 4);
    }

    proptest::proptest! {
        /// Bilinear copies never leave the range of their source image.
        #[test]
        fn turned_and_zoomed_copies_stay_in_the_source_range(
            (h, w, img) in (1usize..7, 1usize..7).prop_flat_map(|(h, w)| {
                (Just(h), Just(w), proptest::collection::vec(0.0f32..1.0, h * w))
            }),
            turn in 0u8..20,
            zoom in 0u8..20,
        ) {
            let aug = Augment { turn, zoom, ..Augment::NONE };
            let (out, labels) = aug.apply(&img, &[5], (h, w));
            proptest::prop_assert_eq!(labels.len(), aug.copies());
            proptest::prop_assert_eq!(out.len(), aug.copies() * h * w);
            let lo = img.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = img.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            proptest::prop_assert!(out.iter().all(|&v| v >= lo - 1e-6 && v <= hi + 1e-6));
        }
    }

    #[test]
    fn none_adds_nothing() {
        let (out, labels) = Augment::NONE.apply(&[1.0; 12], &[0, 1, 2], (2, 2));
        assert!(out.is_empty() && labels.is_empty());
        assert_eq!(Augment::NONE.copies(), 0);
    }
}
