//! The whole locator: frame → pyramid levels → cascade on every window →
//! grouped faces → the chosen face → the crop.
//!
//! With [`Seeding`] a coarse pass runs first and each fine level is searched
//! only in the region its seeds reach (see [`super::seed`]); without it every
//! fine level is searched whole. Each searched region is resampled a row at
//! a time straight into its own integral table.
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
use super::integral::{clear_top, table_len};
use super::pyramid::{columns, frame_rows, sample, Level, Pyramid};
use super::seed::{clusters, mark, marked, mask_bits, Region, Seeding, CLUSTERS};

/// Table row `here` (`cols.len() + 1` entries) = table row `above` + the
/// running sum of the level row that `cols` sample between the frame rows
/// `upper` and `lower` at vertical fraction `fy` (see [`sample`]). Kept out
/// of line: its loop then keeps most values in registers.
#[inline(never)]
fn integrate_row(
    upper: &[u8],
    lower: &[u8],
    fy: u32,
    cols: &[u32],
    above: &[u32],
    here: &mut [u32],
) {
    here[0] = 0;
    // Rows of one length: one bounds check serves both.
    let lower = &lower[..upper.len()];
    // One length for the three, so that the loop's indexing needs no check.
    let n = cols.len().min(above.len() - 1).min(here.len() - 1);
    let (cols, above, here) = (&cols[..n], &above[1..=n], &mut here[1..=n]);
    let mut run = 0u32;
    for c in 0..n {
        run += sample(upper, lower, fy, cols[c]);
        here[c] = above[c] + run;
    }
}

/// Largest frame side accepted (integral sums stay exact in `u32`).
pub const MAX_SIDE: usize = 1024;

/// A validated locator for frames of one size.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'a> {
    cascade: LbpCascade<'a>,
    pyramid: Pyramid,
    seeding: Option<Seeding>,
    map: BoxMap,
    min_neighbours: u16,
    width: usize,
    height: usize,
}

/// The caller's work buffers (sized by [`Locator::columns_len`],
/// [`Locator::table_len`], [`Locator::mask_len`]; candidates, seeds and
/// faces by the caller's choice, the same on every machine that must agree).
#[derive(Debug)]
pub struct Workspace<'w> {
    /// The frame column each level column samples (see [`super::pyramid::columns`]).
    pub columns: &'w mut [u32],
    /// Its integral table.
    pub table: &'w mut [u32],
    /// Accepted windows; more than it holds are counted and dropped.
    pub candidates: &'w mut [Candidate],
    /// Seeds of the coarse pass; more than it holds search every fine level whole.
    pub seeds: &'w mut [Candidate],
    /// The windows of one fine level that seeds reach, a bit each (sized by
    /// [`Locator::mask_len`]; may be empty without seeding).
    pub mask: &'w mut [u32],
    /// Grouped faces, the chosen one first after [`Locator::locate`].
    pub faces: &'w mut [Face],
}

/// What one level cost and found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LevelReport {
    /// Level index (within its pass).
    pub index: usize,
    /// True for a level of the coarse (seeding) pass.
    pub coarse: bool,
    /// The level.
    pub level: Level,
    /// Level pixels resampled (the searched region's image).
    pub pixels: u32,
    /// Windows the cascade ran on.
    pub windows: u32,
    /// Stages evaluated over all windows (a window rejected at stage `s` counts `s + 1`).
    pub stages: u32,
    /// Windows accepted (coarse pass: seeds).
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
    /// Windows evaluated over all levels of both passes.
    pub windows: u32,
    /// Accepted windows dropped because the candidate buffer was full.
    pub dropped: u32,
    /// Seeds of the coarse pass (0 without seeding); above the seed
    /// buffer's length every fine level was searched whole.
    pub seeds: u32,
}

/// What a scan of one region counts.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    windows: u32,
    stages: u32,
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
            seeding: None,
            map,
            min_neighbours,
            width,
            height,
        })
    }

    /// The same locator with a coarse pass whose seeds limit the fine
    /// search (see [`super::seed`]).
    pub const fn with_seeding(self, seeding: Seeding) -> Self {
        Self {
            seeding: Some(seeding),
            ..self
        }
    }

    /// The cascade.
    pub const fn cascade(&self) -> &LbpCascade<'a> {
        &self.cascade
    }

    /// The pyramid.
    pub const fn pyramid(&self) -> &Pyramid {
        &self.pyramid
    }

    /// The coarse pass, if any.
    pub const fn seeding(&self) -> Option<Seeding> {
        self.seeding
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

    /// Level `index` of the fine pyramid, `None` past the last.
    pub fn level(&self, index: usize) -> Option<Level> {
        self.pyramid
            .level(index, self.width, self.height, self.window())
    }

    /// Level `index` of the coarse pyramid, `None` past the last or without seeding.
    pub fn coarse_level(&self, index: usize) -> Option<Level> {
        self.seeding?
            .pyramid
            .level(index, self.width, self.height, self.window())
    }

    /// The first (largest) levels of both pyramids.
    fn largest(&self) -> [Option<Level>; 2] {
        [self.level(0), self.coarse_level(0)]
    }

    /// Entries of the column buffer: the widest level's width.
    pub fn columns_len(&self) -> usize {
        self.largest()
            .iter()
            .flatten()
            .map(|l| l.width)
            .max()
            .unwrap_or(0)
    }

    /// Entries of the largest level's integral table.
    pub fn table_len(&self) -> usize {
        self.largest()
            .iter()
            .flatten()
            .map(|l| table_len(l.width, l.height))
            .max()
            .unwrap_or(0)
    }

    /// Words of the seed mask: a bit for every window position of the
    /// largest fine level; 0 without seeding.
    pub fn mask_len(&self) -> usize {
        match (self.seeding, self.level(0)) {
            (Some(_), Some(l)) => {
                Region::whole(&l, self.window()).map_or(0, |r| mask_bits(&r).div_ceil(32))
            }
            _ => 0,
        }
    }

    /// [`Self::locate_with`] without the per-level reports.
    pub fn locate(&self, frame: &[u8], work: &mut Workspace<'_>) -> Result<Located, LocateError> {
        self.locate_with(frame, work, |_| {})
    }

    /// Resamples `region` of `level` into the integral table and runs the
    /// cascade on its windows every `step` level pixels (on the level's grid
    /// of multiples of `step`) that `mask` holds (all without a mask),
    /// handing each window's result to `found`.
    #[allow(clippy::too_many_arguments)]
    fn scan(
        &self,
        frame: &[u8],
        level: &Level,
        region: Region,
        step: usize,
        mask: Option<&[u32]>,
        xs: &mut [u32],
        table: &mut [u32],
        mut found: impl FnMut(usize, usize, Result<i32, usize>),
    ) -> (Counts, u32) {
        let (ww, wh) = self.window();
        let (cols, rows) = (region.x1 + ww - region.x0, region.y1 + wh - region.y0);
        let stride = cols + 1;
        clear_top(cols, table);
        let xs = &mut xs[..cols];
        columns(level, region.x0, self.width, xs);
        for r in 0..rows {
            let mut pad = [0u8; 4];
            let (upper, lower, fy) = frame_rows(
                frame,
                self.width,
                self.height,
                level,
                region.y0 + r,
                &mut pad,
            );
            let (above, rest) = table[r * stride..].split_at_mut(stride);
            integrate_row(upper, lower, fy, xs, above, &mut rest[..stride]);
        }
        let first = |v: usize| v.div_ceil(step) * step;
        let mut c = Counts::default();
        for y in (first(region.y0)..=region.y1).step_by(step) {
            for x in (first(region.x0)..=region.x1).step_by(step) {
                if mask.is_some_and(|m| !marked(m, &region, x, y)) {
                    continue;
                }
                c.windows += 1;
                let verdict = self
                    .cascade
                    .evaluate(table, stride, x - region.x0, y - region.y0);
                c.stages += match verdict {
                    Err(stage) => stage as u32 + 1,
                    Ok(_) => self.cascade.stages().len() as u32,
                };
                found(x, y, verdict);
            }
        }
        (c, (cols * rows) as u32)
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
        need("columns", self.columns_len(), work.columns.len())?;
        need("integral", self.table_len(), work.table.len())?;
        need("seed mask", self.mask_len(), work.mask.len())?;
        let window = self.window();
        let mut windows = 0u32;

        // Coarse pass: seeds.
        let mut seeds = 0usize;
        if let Some(seeding) = self.seeding {
            let mut index = 0;
            while let Some(level) = self.coarse_level(index) {
                let Some(whole) = Region::whole(&level, window) else {
                    break;
                };
                let side_w = level.to_frame(window.0).min(usize::from(u16::MAX)) as u16;
                let side_h = level.to_frame(window.1).min(usize::from(u16::MAX)) as u16;
                let before = seeds;
                let (c, pixels) = self.scan(
                    frame,
                    &level,
                    whole,
                    usize::from(seeding.stride),
                    None,
                    work.columns,
                    work.table,
                    |x, y, verdict| {
                        let passed = verdict.map_or_else(|s| s, |_| usize::MAX);
                        if passed >= usize::from(seeding.stages) {
                            if let Some(slot) = work.seeds.get_mut(seeds) {
                                *slot = Candidate {
                                    x: level.frame_x(x) as i16,
                                    y: level.frame_y(y) as i16,
                                    w: side_w,
                                    h: side_h,
                                    score: passed.min(i32::MAX as usize) as i32,
                                    group: 0,
                                };
                            }
                            seeds += 1;
                        }
                    },
                );
                windows += c.windows;
                report(LevelReport {
                    index,
                    coarse: true,
                    level,
                    pixels,
                    windows: c.windows,
                    stages: c.stages,
                    accepted: (seeds - before) as u32,
                });
                index += 1;
            }
        }
        let seeded = self.seeding.filter(|_| seeds <= work.seeds.len());

        // Fine pass: candidates.
        let mut found = 0usize;
        let mut dropped = 0u32;
        let mut index = 0;
        while let Some(level) = self.level(index) {
            let side_w = level.to_frame(window.0).min(usize::from(u16::MAX)) as u16;
            let side_h = level.to_frame(window.1).min(usize::from(u16::MAX)) as u16;
            let before = found as u32 + dropped;
            let mut regions = [Region {
                x0: 0,
                y0: 0,
                x1: 0,
                y1: 0,
            }; CLUSTERS];
            let count = match seeded {
                Some(s) => clusters(&s, &work.seeds[..seeds], &level, window, &mut regions),
                None => match Region::whole(&level, window) {
                    Some(r) => {
                        regions[0] = r;
                        1
                    }
                    None => 0,
                },
            };
            let mut c = Counts::default();
            let mut pixels = 0;
            for r in &regions[..count] {
                let mask = match seeded {
                    Some(s) => {
                        mark(&s, &work.seeds[..seeds], &level, window, r, work.mask);
                        Some(&*work.mask)
                    }
                    None => None,
                };
                let (rc, rp) = self.scan(
                    frame,
                    &level,
                    *r,
                    level.step(),
                    mask,
                    work.columns,
                    work.table,
                    |x, y, verdict| {
                        if let Ok(score) = verdict {
                            match work.candidates.get_mut(found) {
                                Some(slot) => {
                                    *slot = Candidate {
                                        x: level.frame_x(x) as i16,
                                        y: level.frame_y(y) as i16,
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
                    },
                );
                c.windows += rc.windows;
                c.stages += rc.stages;
                pixels += rp;
            }
            windows += c.windows;
            report(LevelReport {
                index,
                coarse: false,
                level,
                pixels,
                windows: c.windows,
                stages: c.stages,
                accepted: found as u32 + dropped - before,
            });
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
            seeds: seeds.min(u32::MAX as usize) as u32,
        })
    }
}
