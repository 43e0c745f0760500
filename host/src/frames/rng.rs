//! A small seeded generator for the frames (SplitMix64): each frame draws from
//! its own stream, a function of the seed and the frame's index only, so a
//! folder is the same whatever the number of threads.

/// SplitMix64 (Steele, Lea, Flood 2014).
#[derive(Debug, Clone)]
pub struct FrameRng {
    state: u64,
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl FrameRng {
    /// The stream of item `index` under `seed`.
    pub fn for_item(seed: u64, index: u64) -> Self {
        Self {
            state: mix(seed ^ mix(index.wrapping_add(GOLDEN))),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `[0, 1)` (53 bits).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_repeat_and_differ() {
        let a: Vec<u64> = (0..4)
            .map(|_| FrameRng::for_item(7, 3).next_u64())
            .collect();
        assert!(a.iter().all(|&x| x == a[0]));
        assert_ne!(
            FrameRng::for_item(7, 3).next_u64(),
            FrameRng::for_item(7, 4).next_u64()
        );
        assert_ne!(
            FrameRng::for_item(7, 3).next_u64(),
            FrameRng::for_item(8, 3).next_u64()
        );
    }

    #[test]
    fn ints_cover_their_range_only() {
        let mut r = FrameRng::for_item(1, 1);
        let mut seen = [false; 5];
        for _ in 0..200 {
            let v = r.int(-2, 2);
            assert!((-2..=2).contains(&v));
            seen[(v + 2) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(r.int(3, 3), 3);
        assert_eq!(r.int(3, 1), 3);
    }
}
