//! The whole locator: frame → pyramid levels → cascade on every window →
//! grouped faces → the chosen face → the crop.
//!
//! The chosen face is the most confident of the grouped faces (the most
//! accepted windows), ties going to the larger one; it is mapped to the
//! model's crop by [`BoxMap`]. Choosing by confidence rather than size
//! locates more faces on generated LFW frames (measured in `docs/locator.md`).

use crate::thumbnail::Crop;

use super::boxmap::BoxMap;
use super::cascade::LbpCascade;
use super::error::LocateError;
use super::group::{group, Candidate, Face};
use super::integral::{add_row, clear_top, table_len};
use super::pyramid::{resample_row, Level, Pyramid};

/// Largest frame side accepted (integral sums stay exact in `u32`).
pub const MAX_SIDE: usize = 1024;

/// A validated locator for frames of one size.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'a> {
    cascade: LbpCascade<'a>,
    pyramid: Pyramid,
    map: BoxMap,
    min_neighbours: u16,
    width: usize,
    height: usize,
}

/// The caller's work buffers (sized by [`Locator::level_len`],
/// [`Locator::table_len`]; candidates and faces by the caller's choice).
#[derive(Debug)]
pub struct Workspace<'w> {
    /// One row of a pyramid level.
    pub level: &'w mut [u8],
    /// Its integral table.
    pub table: &'w mut [u32],
    /// Accepted windows; more than it holds are counted and dropped.
    pub candidates: &'w mut [Candidate],
    /// Grouped faces, the chosen one first after [`Locator::locate`].
    pub faces: &'w mut [Face],
}

/// What one level cost and found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LevelReport {
    /// Level index.
    pub index: usize,
    /// The level.
    pub level: Level,
    /// Windows the cascade ran on.
    pub windows: u32,
    /// Stages evaluated over all windows (a window rejected at stage `s` counts `s + 1`).
    pub stages: u32,
    /// Windows accepted.
    pub accepted: u32,
}

/// The answer for one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Located {
    /// Faces found (in `Workspace::faces[..faces]`, the chosen one first).
    pub faces: usize,
    /// The chosen face, `None` for "no face".
    pub chosen: Option<Face>,
    /// The crop the model's thumbnail takes, with `chosen`.
    pub crop: Option<Crop>,
    /// Windows evaluated over all levels.
    pub windows: u32,
    /// Accepted windows dropped because the candidate buffer was full.
    pub dropped: u32,
}

impl<'a> Locator<'a> {
    /// Checks the frame size (1..=[`MAX_SIDE`]) and the box map.
    pub fn new_checked(
        cascade: LbpCascade<'a>,
        pyramid: Pyramid,
        map: BoxMap,
        min_neighbours: u16,
        width: usize,
        height: usize,
    ) -> Result<Self, LocateError> {
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(LocateError::FrameSize { width, height });
        }
        if !map.is_valid() {
            return Err(LocateError::Pyramid);
        }
        Ok(Self {
            cascade,
            pyramid,
            map,
            min_neighbours,
            width,
            height,
        })
    }

    /// The cascade.
    pub const fn cascade(&self) -> &LbpCascade<'a> {
        &self.cascade
    }

    /// The pyramid.
    pub const fn pyramid(&self) -> &Pyramid {
        &self.pyramid
    }

    /// The box map.
    pub const fn map(&self) -> BoxMap {
        self.map
    }

    /// Frame width.
    pub const fn width(&self) -> usize {
        self.width
    }

    /// Frame height.
    pub const fn height(&self) -> usize {
        self.height
    }

    fn window(&self) -> (usize, usize) {
        (self.cascade.width(), self.cascade.height())
    }

    /// Level `index`, `None` past the last.
    pub fn level(&self, index: usize) -> Option<Level> {
        self.pyramid
            .level(index, self.width, self.height, self.window())
    }

    /// Bytes of the level row buffer: the widest level's width (0 when the
    /// frame is smaller than the window). Levels are resampled a row at a
    /// time straight into the integral table.
    pub fn level_len(&self) -> usize {
        self.level(0).map_or(0, |l| l.width)
    }

    /// Entries of the largest level's integral table.
    pub fn table_len(&self) -> usize {
        self.level(0).map_or(0, |l| table_len(l.width, l.height))
    }

    /// [`Self::locate_with`] without the per-level reports.
    pub fn locate(&self, frame: &[u8], work: &mut Workspace<'_>) -> Result<Located, LocateError> {
        self.locate_with(frame, work, |_| {})
    }

    /// Finds the faces of `frame` (`width · height` gray bytes), calling
    /// `report` after each level. Errors only when a buffer is too short or
    /// the frame has the wrong length; any frame content answers.
    pub fn locate_with(
        &self,
        frame: &[u8],
        work: &mut Workspace<'_>,
        mut report: impl FnMut(LevelReport),
    ) -> Result<Located, LocateError> {
        if frame.len() != self.width * self.height {
            return Err(LocateError::FrameLength {
                expected: self.width * self.height,
                actual: frame.len(),
            });
        }
        let need = |which, needed: usize, given: usize| {
            if given < needed {
                Err(LocateError::Buffer {
                    which,
                    needed,
                    given,
                })
            } else {
                Ok(())
            }
        };
        need("level row", self.level_len(), work.level.len())?;
        need("integral", self.table_len(), work.table.len())?;
        let (ww, wh) = self.window();
        let mut found = 0usize;
        let mut dropped = 0u32;
        let mut windows = 0u32;
        let mut index = 0;
        while let Some(level) = self.level(index) {
            clear_top(level.width, work.table);
            for ly in 0..level.height {
                let row = &mut work.level[..level.width];
                resample_row(frame, self.width, self.height, &level, ly, row);
                add_row(row, ly, work.table);
            }
            let stride = level.width + 1;
            let step = level.step();
            let mut r = LevelReport {
                index,
                level,
                windows: 0,
                stages: 0,
                accepted: 0,
            };
            let side_w = level.to_frame(ww).min(usize::from(u16::MAX)) as u16;
            let side_h = level.to_frame(wh).min(usize::from(u16::MAX)) as u16;
            for y in (0..=level.height - wh).step_by(step) {
                for x in (0..=level.width - ww).step_by(step) {
                    r.windows += 1;
                    match self.cascade.evaluate(work.table, stride, x, y) {
                        Err(stage) => r.stages += stage as u32 + 1,
                        Ok(score) => {
                            r.stages += self.cascade.stages().len() as u32;
                            r.accepted += 1;
                            match work.candidates.get_mut(found) {
                                Some(slot) => {
                                    *slot = Candidate {
                                        x: level.to_frame(x) as u16,
                                        y: level.to_frame(y) as u16,
                                        w: side_w,
                                        h: side_h,
                                        score,
                                        group: 0,
                                    };
                                    found += 1;
                                }
                                None => dropped += 1,
                            }
                        }
                    }
                }
            }
            windows += r.windows;
            report(r);
            index += 1;
        }
        let faces = group(
            &mut work.candidates[..found],
            self.min_neighbours,
            work.faces,
        );
        let best = (0..faces).max_by_key(|&i| {
            let f = work.faces[i];
            (
                f.neighbours,
                u32::from(f.w) * u32::from(f.h),
                core::cmp::Reverse(i),
            )
        });
        if let Some(b) = best {
            work.faces.swap(0, b);
        }
        let chosen = best.map(|_| work.faces[0]);
        Ok(Located {
            faces,
            chosen,
            crop: chosen.and_then(|f| self.map.crop(&f, self.width, self.height)),
            windows,
            dropped,
        })
    }
}
