//! Seeded generators for tests and benchmarks (SplitMix64: tiny, fixed,
//! identical on every platform).

/// A SplitMix64 random stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A non-negative basis of `k` rows of `d` pixels, uniform in `[0, 1)`, each
/// row with one guaranteed positive pixel.
pub fn basis(rng: &mut Rng, k: usize, d: usize) -> Vec<f32> {
    let mut h: Vec<f32> = (0..k * d).map(|_| rng.uniform()).collect();
    for i in 0..k {
        h[i * d + i % d] += 0.5;
    }
    h
}

/// `G = H Hᵀ` in f64, rounded to f32 (as the export writes it).
pub fn gram(h: &[f32], k: usize, d: usize) -> Vec<f32> {
    let mut g = vec![0.0f32; k * k];
    for i in 0..k {
        for j in 0..k {
            let s: f64 = (0..d)
                .map(|p| f64::from(h[i * d + p]) * f64::from(h[j * d + p]))
                .sum();
            g[i * k + j] = s as f32;
        }
    }
    g
}
