//! The feature stage a model chooses, by name: `raw` (the thumbnail itself)
//! or `lbp:RxC` (uniform LBP histograms over R rows x C columns of cells,
//! see `facenmf_core::features`), optionally followed by `+mirror` (each
//! cell counts the mirror image's codes too) and `+sqrt` (each value
//! square-rooted), in that order.
//!
//! The same text is the `--features` option and the `features` field of a
//! model's JSON; a model file without the field has raw features.

use std::fmt;
use std::str::FromStr;

use facenmf_core::features::{FeatureExtractor, Features, Grid};
use serde::{Deserialize, Serialize};

/// The features a model is fitted on, as the host stores and parses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum FeatureChoice {
    /// The thumbnail's pixels.
    #[default]
    Raw,
    /// Uniform LBP histograms over `rows x cols` cells.
    Lbp {
        /// Cells down.
        rows: usize,
        /// Cells across.
        cols: usize,
        /// The mirror image's codes counted too.
        mirror: bool,
        /// Each value square-rooted.
        sqrt: bool,
    },
}

impl FeatureChoice {
    /// Plain LBP histograms over `rows x cols` cells (no mirror, no root).
    pub const fn lbp(rows: usize, cols: usize) -> Self {
        Self::Lbp {
            rows,
            cols,
            mirror: false,
            sqrt: false,
        }
    }

    /// Whether the features are the thumbnail itself.
    pub fn is_raw(&self) -> bool {
        matches!(self, Self::Raw)
    }

    /// The kernel's representation.
    pub fn kernel(self) -> Features {
        match self {
            Self::Raw => Features::Raw,
            Self::Lbp {
                rows,
                cols,
                mirror,
                sqrt,
            } => Features::Lbp {
                grid: Grid::new(rows, cols),
                mirror,
                sqrt,
            },
        }
    }

    /// The kernel's feature stage for a `width x height` thumbnail; the
    /// error names the choice and the thumbnail.
    pub fn extractor(self, width: usize, height: usize) -> anyhow::Result<FeatureExtractor> {
        FeatureExtractor::new_checked(width, height, self.kernel()).map_err(|e| {
            anyhow::anyhow!("features `{self}` over a {height}x{width} (HxW) thumbnail: {e}")
        })
    }
}

impl fmt::Display for FeatureChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Raw => f.write_str("raw"),
            Self::Lbp {
                rows,
                cols,
                mirror,
                sqrt,
            } => {
                write!(f, "lbp:{rows}x{cols}")?;
                if *mirror {
                    f.write_str("+mirror")?;
                }
                if *sqrt {
                    f.write_str("+sqrt")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for FeatureChoice {
    type Err = String;

    /// Parses `raw` or `lbp:RxC` (R, C ≥ 1) followed by `+mirror`, `+sqrt`
    /// or `+mirror+sqrt`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{s}` is not a feature choice: expected `raw` or `lbp:RxC` (cells down x across, e.g. lbp:8x6), then optionally `+mirror`, `+sqrt` or `+mirror+sqrt`")
        };
        if s == "raw" {
            return Ok(Self::Raw);
        }
        let rest = s.strip_prefix("lbp:").ok_or_else(bad)?;
        let (grid, sqrt) = match rest.strip_suffix("+sqrt") {
            Some(g) => (g, true),
            None => (rest, false),
        };
        let (grid, mirror) = match grid.strip_suffix("+mirror") {
            Some(g) => (g, true),
            None => (grid, false),
        };
        let (rows, cols) = grid.split_once(['x', 'X']).ok_or_else(bad)?;
        let (rows, cols): (usize, usize) = match (rows.parse(), cols.parse()) {
            (Ok(r), Ok(c)) if r > 0 && c > 0 => (r, c),
            _ => return Err(bad()),
        };
        Ok(Self::Lbp {
            rows,
            cols,
            mirror,
            sqrt,
        })
    }
}

impl TryFrom<String> for FeatureChoice {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<FeatureChoice> for String {
    fn from(f: FeatureChoice) -> Self {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_back() {
        for s in [
            "raw",
            "lbp:8x6",
            "lbp:1x1",
            "lbp:10x8",
            "lbp:6x5+mirror",
            "lbp:6x5+sqrt",
            "lbp:6x5+mirror+sqrt",
        ] {
            let f: FeatureChoice = s.parse().unwrap();
            assert_eq!(f.to_string(), s);
        }
        assert_eq!(
            "lbp:6x5".parse::<FeatureChoice>(),
            Ok(FeatureChoice::lbp(6, 5))
        );
        assert_eq!(
            "lbp:6x5+mirror+sqrt".parse::<FeatureChoice>(),
            Ok(FeatureChoice::Lbp {
                rows: 6,
                cols: 5,
                mirror: true,
                sqrt: true
            })
        );
    }

    #[test]
    fn refuses_malformed_choices() {
        for s in [
            "",
            "lbp",
            "lbp:",
            "lbp:8",
            "lbp:0x6",
            "lbp:8x0",
            "lbp:ax6",
            "hog:8x6",
            "Raw",
            "lbp:6x5+sqrt+mirror",
            "lbp:6x5+sqrt+sqrt",
            "lbp:6x5+",
            "lbp:6x5+hog",
            "raw+sqrt",
        ] {
            let e = s.parse::<FeatureChoice>().unwrap_err();
            assert!(e.contains("lbp:RxC"), "{s}: {e}");
        }
    }

    #[test]
    fn json_is_the_text() {
        let f = FeatureChoice::lbp(8, 6);
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"lbp:8x6\"");
        let back: FeatureChoice = serde_json::from_str("\"lbp:8x6\"").unwrap();
        assert_eq!(back, f);
        assert!(serde_json::from_str::<FeatureChoice>("\"lbp:0x6\"").is_err());
    }

    #[test]
    fn extractor_lengths_and_errors() {
        let f = FeatureChoice::lbp(8, 6);
        assert_eq!(f.extractor(48, 64).unwrap().output_len(), 2832);
        assert_eq!(
            FeatureChoice::Raw.extractor(24, 32).unwrap().output_len(),
            768
        );
        let e = FeatureChoice::lbp(40, 6)
            .extractor(24, 32)
            .unwrap_err()
            .to_string();
        assert!(e.contains("lbp:40x6") && e.contains("32x24"), "{e}");
    }
}
