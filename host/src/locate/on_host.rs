//! Whole frames on the host, as the firmware's `locate::Spotter` runs them:
//! the core's locator chooses the crop, then the model's pipeline
//! (`crate::qemu::predict_on_host`) recognises that crop of the frame. The
//! QEMU board built with a locator must give the same boxes and answers, bit
//! for bit.

use anyhow::{anyhow, ensure, Result};

use super::config::HostLocator;
use crate::model::Model;
use crate::qemu::{predict_on_host, HostFrame};

/// The chosen face of one frame: the crop the thumbnail takes, in frame
/// pixels, and its score (accepted windows in its group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostBox {
    /// First row.
    pub top: usize,
    /// First column.
    pub left: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// Accepted windows in the face's group.
    pub score: u16,
}

/// One whole frame on the host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostSpot {
    /// The chosen face, `None` for "no face".
    pub face: Option<HostBox>,
    /// Windows the cascade ran on.
    pub windows: u32,
    /// Pyramid levels run.
    pub levels: usize,
    /// The recognition of the chosen crop, with a face.
    pub recognised: Option<HostFrame>,
}

/// Locates and recognises each of `frames` (8-bit gray, the locator's size)
/// with `model`, whose thumbnail size is kept and whose crop is the
/// locator's on each frame.
pub fn spot_on_host(model: &Model, loc: &HostLocator, frames: &[Vec<u8>]) -> Result<Vec<HostSpot>> {
    let mut whole = model.clone();
    whole.geometry.frame_width = loc.width;
    whole.geometry.frame_height = loc.height;
    frames
        .iter()
        .enumerate()
        .map(|(i, frame)| {
            ensure!(
                frame.len() == loc.width * loc.height,
                "frame {i}: {} bytes, not {} x {} gray",
                frame.len(),
                loc.width,
                loc.height
            );
            let answer = loc.run(frame).map_err(|e| anyhow!("frame {i}: {e:#}"))?;
            let located = answer.located;
            let face = located.chosen.zip(located.crop).map(|(f, c)| HostBox {
                top: c.y,
                left: c.x,
                height: c.height,
                width: c.width,
                score: f.neighbours,
            });
            let recognised = match located.crop {
                Some(c) => {
                    whole.geometry.crop = [c.x, c.y, c.width, c.height];
                    let mut r = predict_on_host(&whole, std::slice::from_ref(frame))
                        .map_err(|e| anyhow!("frame {i}: {e:#}"))?;
                    r.pop()
                }
                None => None,
            };
            Ok(HostSpot {
                face,
                windows: located.windows,
                levels: answer.levels.len(),
                recognised,
            })
        })
        .collect()
}
