//! The identity of a model: 64-bit FNV-1a over the little-endian bytes of
//! its basis, then its map and bias when it has them (each part preceded by
//! its length in values, so moving values between parts changes the hash).
//!
//! The host's export writes it as `MODEL_ID`; the store tags every sector
//! with it, so templates made with another model are refused.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// The identity of a model with this basis (K·D values), map (M·K) and bias (M).
pub fn model_id(basis: &[f32], map: Option<&[f32]>, bias: Option<&[f32]>) -> u64 {
    let mut h = OFFSET;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for part in [Some(basis), map, bias] {
        match part {
            Some(values) => {
                add(&(values.len() as u64).to_le_bytes());
                for v in values {
                    add(&v.to_le_bytes());
                }
            }
            None => add(&u64::MAX.to_le_bytes()),
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differs_when_any_value_or_part_differs() {
        let basis = [1.0f32, 2.0, 3.0, 4.0];
        let a = model_id(&basis, Some(&[0.5, 0.25]), Some(&[0.0]));
        assert_eq!(a, model_id(&basis, Some(&[0.5, 0.25]), Some(&[0.0])));
        assert_ne!(a, model_id(&basis, Some(&[0.5, 0.26]), Some(&[0.0])));
        assert_ne!(a, model_id(&basis, Some(&[0.5]), Some(&[0.25, 0.0])));
        assert_ne!(a, model_id(&basis, None, None));
        assert_ne!(
            model_id(&basis, None, None),
            model_id(&[1.0, 2.0, 3.0, 4.5], None, None)
        );
    }
}
