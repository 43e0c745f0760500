//! The one parser of the command line's lists, ranges and sizes.

use anyhow::Context;

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

/// Parses `10..=200:10`, `10..200:10` or `10,20,40`.
pub fn components(s: &str) -> anyhow::Result<Vec<usize>> {
    if let Some((range, step)) = s.split_once(':') {
        let step: usize = step.parse().context("step")?;
        let (a, b) = range.split_once("..").context("A..=B:STEP")?;
        let incl = b.starts_with('=');
        let (a, b): (usize, usize) = (a.parse()?, b.trim_start_matches('=').parse()?);
        if step == 0 {
            anyhow::bail!("step must be positive");
        }
        let v: Vec<usize> = (a..if incl { b + 1 } else { b }).step_by(step).collect();
        if v.is_empty() || v[0] == 0 {
            anyhow::bail!("component counts must be positive");
        }
        return Ok(v);
    }
    let v = s
        .split(',')
        .map(|t| t.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()?;
    if v.is_empty() || v.contains(&0) {
        anyhow::bail!("component counts must be positive");
    }
    Ok(v)
}

/// Parses `A..B` or `A..=B` (seeds; not empty).
pub fn seeds(s: &str) -> anyhow::Result<Vec<u32>> {
    let (a, b) = s.split_once("..").context("--seeds wants A..B")?;
    let (a, b): (u32, u32) = (a.parse()?, b.trim_start_matches('=').parse()?);
    let b = if s.contains("..=") { b + 1 } else { b };
    if b <= a {
        anyhow::bail!("--seeds: empty range");
    }
    Ok((a..b).collect())
}

/// Parses a comma-separated list, each item by `item`.
pub fn list<T>(s: &str, item: fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    s.split(',').map(|t| item(t.trim())).collect()
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
