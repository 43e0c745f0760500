//! The few scalar functions the kernel needs, in one place.
//!
//! `sqrt` is libm's `sqrtf`: correctly rounded (0.5 ulp), so host and chip
//! agree bit for bit. With the `micromath` feature it is micromath's
//! approximation instead: measured worst relative error 6.1e-2 over
//! `[1e-6, 1e6]` (`cargo test -p facenmf-core --features micromath`), enough
//! to reorder close cosine distances, so it is off by default. It would only
//! pay where sqrt is hot, which it is not in this kernel (at most K + 2 calls
//! per face against D·K multiply-adds).

/// Square root of `x` (`x ≥ 0`).
#[inline]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(feature = "micromath")]
    {
        micromath::F32Ext::sqrt(x)
    }
    #[cfg(not(feature = "micromath"))]
    {
        libm::sqrtf(x)
    }
}

/// Euclidean norm, summed left to right.
#[inline]
pub fn norm(v: &[f32]) -> f32 {
    sqrt(crate::nnls::dot(v, v))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqrt_accuracy() {
        let mut worst = 0.0f64;
        let mut x = 1e-6f32;
        while x < 1e6 {
            let exact = f64::from(x).sqrt();
            let rel = ((f64::from(super::sqrt(x)) - exact) / exact).abs();
            worst = worst.max(rel);
            x *= 1.01;
        }
        let bound = if cfg!(feature = "micromath") {
            6.2e-2
        } else {
            6e-8
        };
        assert!(
            worst <= bound,
            "worst relative error {worst:e} above {bound:e}"
        );
    }
}
