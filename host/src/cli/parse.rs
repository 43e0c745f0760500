//! The one parser of the command line's lists, ranges and sizes.

use crate::data::lfw::Slice;

/// Parses `START:STOP` (STOP > START).
pub fn range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}` is not START:STOP"))?;
    let a = number(a)?;
    let b = number(b)?;
    if b <= a {
        return Err(format!("`{s}` is empty (STOP must be greater than START)"));
    }
    Ok((a, b))
}

/// Parses `R0:R1,C0:C1`.
pub fn slice(s: &str) -> Result<Slice, String> {
    let (r, c) = s
        .split_once(',')
        .ok_or("expected ROW0:ROW1,COL0:COL1, e.g. 70:195,78:172")?;
    Ok(Slice {
        rows: range(r)?,
        cols: range(c)?,
    })
}

/// Parses `HxW` (both at least 1).
pub fn size(s: &str) -> Result<(usize, usize), String> {
    let (h, w) = s.split_once(['x', 'X']).ok_or("expected HxW, e.g. 64x48")?;
    let (h, w) = (number(h)?, number(w)?);
    if h == 0 || w == 0 {
        return Err("height and width must be at least 1".into());
    }
    Ok((h, w))
}

fn number(s: &str) -> Result<usize, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number", s.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_and_sizes() {
        let s = slice("70:195,78:172").unwrap();
        assert_eq!((s.rows, s.cols), ((70, 195), (78, 172)));
        assert!(slice("70:195").is_err());
        assert!(slice("9:3,0:1").is_err());
        assert_eq!(size("32x24").unwrap(), (32, 24));
        assert_eq!(size(" 4 X 5").unwrap(), (4, 5));
        assert!(size("0x4").is_err());
        assert!(size("4").is_err());
        assert!(size("ax4").is_err());
    }
}
