//! Synthetic faces: a documented generator for machines without real data
//! and for tests that need many identities.
//!
//! Each **identity** is a set of shape parameters drawn once from the seed:
//! face outline (ellipse half-width and half-height), skin tone, hairline
//! height and hair darkness, eye spacing, height, size and darkness, eyebrow
//! thickness and slant, nose length and width, mouth width, height and
//! curvature. Each **image** of that identity then varies what a camera
//! varies: a shift of up to ±6% of the size, a left-right lighting gradient
//! (±25%), overall brightness (±15%), a small change of expression (mouth
//! curvature), and pixel noise (uniform, ±4%). Pixels are f32 in `[0, 1]`.
//!
//! The faces are drawn with soft edges (smoothstep over about one pixel) so
//! that thumbnails of them behave like photographs rather than cartoons.
//!
//! These are not faces of anyone, and recognition rates on them say nothing
//! about real faces: every command that falls back to them says so.

use crate::data::Dataset;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Identities.
    pub people: usize,
    /// Images per identity.
    pub per_person: usize,
    /// Image height in pixels.
    pub height: usize,
    /// Image width in pixels.
    pub width: usize,
    /// Seed of identities and images.
    pub seed: u64,
}

impl Default for Spec {
    /// 40 people, 10 images each, 64 x 64 (the shape of Olivetti).
    fn default() -> Self {
        Self {
            people: 40,
            per_person: 10,
            height: 64,
            width: 64,
            seed: 42,
        }
    }
}

/// SplitMix64, uniform in `[0, 1)`.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `[lo, hi)`.
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }
}

/// The shape of one identity, in units of the image (0..1 across).
#[derive(Debug, Clone, Copy)]
struct Identity {
    face_w: f32,
    face_h: f32,
    skin: f32,
    hairline: f32,
    hair: f32,
    eye_dx: f32,
    eye_y: f32,
    eye_r: f32,
    eye_dark: f32,
    brow: f32,
    brow_slant: f32,
    nose_len: f32,
    nose_w: f32,
    mouth_w: f32,
    mouth_y: f32,
    mouth_curve: f32,
}

impl Identity {
    fn draw(rng: &mut Rng) -> Self {
        Self {
            face_w: rng.range(0.28, 0.40),
            face_h: rng.range(0.38, 0.48),
            skin: rng.range(0.45, 0.85),
            hairline: rng.range(0.12, 0.30),
            hair: rng.range(0.05, 0.5),
            eye_dx: rng.range(0.10, 0.17),
            eye_y: rng.range(0.38, 0.48),
            eye_r: rng.range(0.035, 0.06),
            eye_dark: rng.range(0.05, 0.3),
            brow: rng.range(0.012, 0.03),
            brow_slant: rng.range(-0.4, 0.4),
            nose_len: rng.range(0.10, 0.20),
            nose_w: rng.range(0.03, 0.07),
            mouth_w: rng.range(0.08, 0.16),
            mouth_y: rng.range(0.70, 0.80),
            mouth_curve: rng.range(-1.5, 2.5),
        }
    }
}

/// Smooth 0→1 step as `t` goes from `-edge` to `edge`.
fn step(t: f32, edge: f32) -> f32 {
    let x = ((t + edge) / (2.0 * edge)).clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// One image of `id` (values in [0,1], row-major).
fn render(id: &Identity, spec: &Spec, rng: &mut Rng, out: &mut [f32]) {
    let (h, w) = (spec.height as f32, spec.width as f32);
    let edge = 1.0 / w.min(h);
    let (sx, sy) = (rng.range(-0.06, 0.06), rng.range(-0.06, 0.06));
    let light = rng.range(-0.25, 0.25);
    let gain = rng.range(0.85, 1.15);
    let smile = id.mouth_curve + rng.range(-0.5, 0.5);
    for r in 0..spec.height {
        for c in 0..spec.width {
            let x = (c as f32 + 0.5) / w - 0.5 - sx;
            let y = (r as f32 + 0.5) / h - sy;
            let mut v = 0.3 + 0.1 * y;
            // Face outline.
            let e = (x / id.face_w).powi(2) + ((y - 0.5) / id.face_h).powi(2);
            let face = step(1.0 - e.sqrt(), edge / id.face_w);
            v = v * (1.0 - face) + id.skin * face;
            // Hair above the hairline, inside the outline.
            let hair = face * step(id.hairline + 0.5 - id.face_h + 0.05 - y, edge);
            v = v * (1.0 - hair) + id.hair * hair;
            // Eyes and eyebrows.
            for side in [-1.0f32, 1.0] {
                let (ex, ey) = (side * id.eye_dx, id.eye_y);
                let d = ((x - ex).powi(2) + ((y - ey) * 1.6).powi(2)).sqrt();
                let eye = step(id.eye_r - d, edge);
                v = v * (1.0 - eye) + id.eye_dark * eye;
                let by = ey - 2.2 * id.eye_r + side * id.brow_slant * (x - ex) * 0.3;
                let brow = step(id.brow - (y - by).abs(), edge)
                    * step(1.4 * id.eye_r - (x - ex).abs(), edge);
                v *= 1.0 - 0.6 * brow;
            }
            // Nose: a darker wedge widening downwards.
            let ny = (y - id.eye_y) / id.nose_len;
            if (0.0..=1.0).contains(&ny) {
                let nose = step(id.nose_w * ny - x.abs(), edge) * 0.25;
                v *= 1.0 - nose;
            }
            // Mouth: a dark curved band.
            let my = id.mouth_y - smile * x * x;
            let mouth = step(0.015 - (y - my).abs(), edge) * step(id.mouth_w - x.abs(), edge);
            v *= 1.0 - 0.7 * mouth;
            // Lighting, gain and noise.
            v *= gain * (1.0 + light * x * 2.0);
            v += rng.range(-0.04, 0.04);
            out[r * spec.width + c] = v.clamp(0.0, 1.0);
        }
    }
}

/// Generates `spec.people × spec.per_person` faces, person by person.
pub fn generate(spec: &Spec) -> Dataset {
    let mut rng = Rng(spec.seed);
    let d = spec.height * spec.width;
    let ids: Vec<Identity> = (0..spec.people).map(|_| Identity::draw(&mut rng)).collect();
    let mut images = vec![0.0f32; spec.people * spec.per_person * d];
    let mut labels = Vec::with_capacity(spec.people * spec.per_person);
    for (p, id) in ids.iter().enumerate() {
        for i in 0..spec.per_person {
            let n = p * spec.per_person + i;
            render(id, spec, &mut rng, &mut images[n * d..(n + 1) * d]);
            labels.push(p as u16);
        }
    }
    Dataset {
        images,
        labels,
        class_names: (0..spec.people)
            .map(|p| format!("synthetic_{p:03}"))
            .collect(),
        height: spec.height,
        width: spec.width,
        source: format!(
            "SYNTHETIC faces (facenmf synthetic generator: {} people x {} images, {}x{}, seed {})",
            spec.people, spec.per_person, spec.height, spec.width, spec.seed
        ),
    }
}
