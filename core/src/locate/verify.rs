//! A second cascade on the few grouped faces: each face is confirmed by a
//! Haar cascade ([`super::haar`]) run at a handful of windows around it,
//! the faces it does not confirm are dropped and the best-confirmed face is
//! chosen.
//!
//! For one face the verifier maps the group's box by its own [`BoxMap`] to
//! the expected Haar window (centre and height), then for each of `scales`
//! sizes (`step⁰, step^±1, …` times that height, the middle one first)
//! resamples a patch of the frame around the centre to `window + 2 · reach`
//! pixels a side, so that the window is the cascade's own size, builds its
//! integral and squared integral tables in the caller's scratch buffer and
//! runs the cascade at every `stride`-th offset within `±reach` pixels,
//! the centred window first and then ring by ring outwards. The
//! face's verdict is how many of those windows pass `stages` stages (the
//! search stops at `hits` of them) and the most stages any window passes. A patch pixel samples the frame bilinearly at
//! its centre (8-bit fractions, coordinates clamped to the frame, the same
//! rule as the pyramid), integers only: host and chip agree bit for bit.
//!
//! A face is kept when `hits` windows pass; the chosen face is the kept one
//! with the most stages passed, then the most windows in its group, then
//! the larger. Only the first `most` faces by window count are
//! verified; the others are dropped.

use super::boxmap::BoxMap;
use super::error::LocateError;
use super::group::{Face, FACES};
use super::haar::HaarCascade;
use super::locator::{LevelReport, Located, Locator, Workspace};
use super::pyramid::ONE;

/// Widest patch side (window plus both reaches), in patch pixels.
pub const MAX_PATCH: usize = 128;

/// A validated verifier.
#[derive(Debug, Clone, Copy)]
pub struct Verifier<'a> {
    cascade: HaarCascade<'a>,
    map: BoxMap,
    scales: u8,
    step: u32,
    reach: u8,
    stride: u8,
    stages: u16,
    hits: u8,
    most: u8,
}

/// The verifier's settings besides its cascade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VerifySettings {
    /// Group box → expected Haar window (centre offset, height), Q12.
    pub map: BoxMap,
    /// Window sizes tried (odd: the middle one and as many either side).
    pub scales: u8,
    /// Size step between them, Q16 (above 1).
    pub step: u32,
    /// Window offsets tried each side of the centre, patch pixels.
    pub reach: u8,
    /// Offset step, patch pixels.
    pub stride: u8,
    /// A window hits when it passes this many stages.
    pub stages: u16,
    /// A face is kept when this many windows hit (1..=16).
    pub hits: u8,
    /// Faces verified at most (the most-voted first).
    pub most: u8,
}

/// What verifying a frame's faces cost and found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Verified {
    /// Faces verified.
    pub verified: u8,
    /// Faces kept.
    pub kept: u8,
    /// The chosen face's verdict (stages passed), 0 without one.
    pub stages: u16,
    /// Windows the Haar cascade ran on.
    pub windows: u32,
    /// Trees it evaluated.
    pub trees: u32,
}

/// One face's verdict and cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Verdict {
    /// Windows that hit, at most the verifier's `hits`.
    pub hits: u8,
    /// Most stages passed by a window around the face.
    pub stages: u16,
    /// Windows run.
    pub windows: u32,
    /// Trees evaluated.
    pub trees: u32,
}

/// The window offsets `(x, y)`, each `0, stride, 2 · stride, …` up to
/// `2 · reach` (the centred window at `(reach, reach)`), every pair once,
/// ordered by their Chebyshev distance from the centre, then row by row:
/// the centre first, so that a face's hits, which cluster there, end its
/// search sooner.
fn centre_first(reach: usize, stride: usize) -> impl Iterator<Item = (usize, usize)> {
    let last = 2 * reach / stride;
    let away = move |i: usize| (i * stride).abs_diff(reach);
    (0..=reach).flat_map(move |d| {
        (0..=last).flat_map(move |j| {
            (0..=last)
                .filter(move |&i| away(i).max(away(j)) == d)
                .map(move |i| (i * stride, j * stride))
        })
    })
}

impl<'a> Verifier<'a> {
    /// Checks the settings: a valid map, 1..=9 scales (odd) with a step in
    /// (1, 2], a stride of 1..=8, a patch side within [`MAX_PATCH`], a stage
    /// count within the cascade's and at least one face verified.
    pub fn new_checked(cascade: HaarCascade<'a>, s: VerifySettings) -> Result<Self, LocateError> {
        let patch = cascade.width().max(cascade.height()) + 2 * usize::from(s.reach);
        let ok = s.map.is_valid()
            && s.scales % 2 == 1
            && s.scales <= 9
            && s.step > ONE
            && s.step <= 2 * ONE
            && (1..=8).contains(&s.stride)
            && patch <= MAX_PATCH
            && usize::from(s.stages) <= cascade.stages().len()
            && (1..=16).contains(&s.hits)
            && s.most > 0;
        if !ok {
            return Err(LocateError::Verifier);
        }
        Ok(Self {
            cascade,
            map: s.map,
            scales: s.scales,
            step: s.step,
            reach: s.reach,
            stride: s.stride,
            stages: s.stages,
            hits: s.hits,
            most: s.most,
        })
    }

    /// The cascade.
    pub const fn cascade(&self) -> &HaarCascade<'a> {
        &self.cascade
    }

    /// The settings.
    pub const fn settings(&self) -> VerifySettings {
        VerifySettings {
            map: self.map,
            scales: self.scales,
            step: self.step,
            reach: self.reach,
            stride: self.stride,
            stages: self.stages,
            hits: self.hits,
            most: self.most,
        }
    }

    /// Patch width and height, patch pixels.
    pub fn patch(&self) -> (usize, usize) {
        let r = 2 * usize::from(self.reach);
        (self.cascade.width() + r, self.cascade.height() + r)
    }

    /// Entries of scratch the verifier needs: the patch's integral and
    /// squared integral tables.
    pub fn scratch_len(&self) -> usize {
        let (pw, ph) = self.patch();
        2 * (pw + 1) * (ph + 1)
    }

    /// Entries of the locator's integral table when it also serves as the
    /// verifier's scratch: the larger of the two needs.
    pub fn table_len(&self, locator: &Locator<'_>) -> usize {
        locator.table_len().max(self.scratch_len())
    }

    /// The relative size of the `k`-th scale tried (Q16): 1, step, 1/step,
    /// step², 1/step², …
    fn relative(&self, k: u8) -> u64 {
        let mut r = u64::from(ONE);
        for _ in 0..k.div_ceil(2) {
            r = if k % 2 == 1 {
                (r * u64::from(self.step)) >> 16
            } else {
                (r << 16) / u64::from(self.step)
            };
        }
        r
    }

    /// Resamples the patch around centre `(cx, cy)` (frame pixels, Q16) at
    /// `p` frame pixels a patch pixel (Q16) into the integral `sum` and
    /// squared integral `sq` (row stride `pw + 1`).
    #[allow(clippy::too_many_arguments)]
    fn patch_tables(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        (cx, cy): (i64, i64),
        p: i64,
        sum: &mut [u32],
        sq: &mut [u32],
    ) {
        let (pw, ph) = self.patch();
        let stride = pw + 1;
        // Source index and 8-bit fraction of patch pixel `j` of `n` around
        // centre `c` in a frame side of `side` pixels.
        let source = |j: usize, n: usize, c: i64, side: usize| -> (usize, usize, u32) {
            let s = c + ((2 * j as i64 + 1 - n as i64) * p) / 2 - i64::from(ONE / 2);
            let last = side as i64 - 1;
            let i = s >> 16;
            let f = ((s >> 8) & 255) as u32;
            let (a, b) = (i.clamp(0, last), (i + 1).clamp(0, last));
            let f = if i < 0 || i >= last { 0 } else { f };
            (a as usize, b as usize, f)
        };
        let mut cols = [(0usize, 0usize, 0u32); MAX_PATCH];
        for (j, c) in cols[..pw].iter_mut().enumerate() {
            *c = source(j, pw, cx, width);
        }
        sum[..stride].fill(0);
        sq[..stride].fill(0);
        for r in 0..ph {
            let (y0, y1, fy) = source(r, ph, cy, height);
            let (top, bottom) = (&frame[y0 * width..][..width], &frame[y1 * width..][..width]);
            let (mut run, mut run2) = (0u32, 0u32);
            let base = r * stride;
            sum[base + stride] = 0;
            sq[base + stride] = 0;
            for (j, &(x0, x1, fx)) in cols[..pw].iter().enumerate() {
                let t = u32::from(top[x0]) * (256 - fx) + u32::from(top[x1]) * fx;
                let b = u32::from(bottom[x0]) * (256 - fx) + u32::from(bottom[x1]) * fx;
                let v = (t * (256 - fy) + b * fy + (1 << 15)) >> 16;
                run += v;
                run2 += v * v;
                sum[base + stride + j + 1] = sum[base + j + 1] + run;
                sq[base + stride + j + 1] = sq[base + j + 1] + run2;
            }
        }
    }

    /// The verdict on face `f` of a `width x height` frame (`width · height`
    /// bytes), with `scratch` of at least [`Self::scratch_len`] entries.
    /// Errors only on those lengths; an empty frame gets the empty verdict.
    pub fn verdict(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        f: &Face,
        scratch: &mut [u32],
    ) -> Result<Verdict, LocateError> {
        self.check(frame, width, height, scratch)?;
        Ok(self.verdict_unchecked(frame, width, height, f, scratch))
    }

    /// The lengths [`Self::verdict`] and [`Self::choose`] need.
    fn check(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        scratch: &[u32],
    ) -> Result<(), LocateError> {
        if frame.len() != width * height {
            return Err(LocateError::FrameLength {
                expected: width * height,
                actual: frame.len(),
            });
        }
        if scratch.len() < self.scratch_len() {
            return Err(LocateError::Buffer {
                which: "verifier scratch",
                needed: self.scratch_len(),
                given: scratch.len(),
            });
        }
        Ok(())
    }

    /// [`Self::verdict`] once the lengths are checked.
    fn verdict_unchecked(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        f: &Face,
        scratch: &mut [u32],
    ) -> Verdict {
        if width == 0 || height == 0 {
            return Verdict::default();
        }
        let (pw, ph) = self.patch();
        let n = (pw + 1) * (ph + 1);
        let (sum, rest) = scratch.split_at_mut(n);
        let sq = &mut rest[..n];
        let (top, left, h, w) = self.map.map_q12(f);
        // Centre in Q16 frame pixels; the window's height in Q16.
        let (cy, cx) = ((2 * top + h) * 8, (2 * left + w) * 8);
        let side = h * 16;
        let all = self.cascade.stages().len() as u16;
        let mut v = Verdict::default();
        let (reach, stride) = (usize::from(self.reach), usize::from(self.stride));
        for k in 0..self.scales {
            let p = ((side * self.relative(k) as i64) >> 16) / self.cascade.height() as i64;
            if p <= 0 {
                continue;
            }
            self.patch_tables(frame, width, height, (cx, cy), p, sum, sq);
            for (x, y) in centre_first(reach, stride) {
                v.windows += 1;
                let passed = match self.cascade.evaluate(sum, sq, pw + 1, x, y, &mut v.trees) {
                    Ok(_) => all,
                    Err(s) => s as u16,
                };
                v.stages = v.stages.max(passed);
                if passed >= self.stages {
                    v.hits += 1;
                    if v.hits == self.hits {
                        return v;
                    }
                }
            }
        }
        v
    }

    /// Verifies `faces` (the most-voted `most` of them; past [`FACES`] they
    /// are dropped) of a `width x height` frame, keeps the confirmed ones at
    /// the front of `faces`, the chosen one first, and returns how many it
    /// kept with the cost. Errors only when the frame's or the scratch's
    /// length is wrong.
    pub fn choose(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        faces: &mut [Face],
        scratch: &mut [u32],
    ) -> Result<(usize, Verified), LocateError> {
        self.check(frame, width, height, scratch)?;
        let n = faces.len().min(FACES);
        let faces = &mut faces[..n];
        // Most-voted first (ties: larger, then earlier): a stable order.
        let key = |f: &Face| {
            (
                core::cmp::Reverse(f.neighbours),
                core::cmp::Reverse(u32::from(f.w) * u32::from(f.h)),
            )
        };
        for i in 1..n {
            let mut j = i;
            while j > 0 && key(&faces[j]) < key(&faces[j - 1]) {
                faces.swap(j, j - 1);
                j -= 1;
            }
        }
        let mut out = Verified::default();
        let mut verdicts = [(0u8, 0u16); FACES];
        let most = n.min(usize::from(self.most));
        for (i, f) in faces[..most].iter().enumerate() {
            let v = self.verdict_unchecked(frame, width, height, f, scratch);
            verdicts[i] = (v.hits, v.stages);
            out.windows += v.windows;
            out.trees += v.trees;
        }
        out.verified = most as u8;
        let mut kept = 0;
        for i in 0..most {
            if verdicts[i].0 >= self.hits {
                faces[kept] = faces[i];
                verdicts[kept] = verdicts[i];
                kept += 1;
            }
        }
        let best = (0..kept).max_by_key(|&i| {
            let f = faces[i];
            (
                verdicts[i].1,
                f.neighbours,
                u32::from(f.w) * u32::from(f.h),
                core::cmp::Reverse(i),
            )
        });
        if let Some(b) = best {
            faces.swap(0, b);
            verdicts.swap(0, b);
            out.stages = verdicts[0].1;
        }
        out.kept = kept as u8;
        Ok((kept, out))
    }

    /// [`Locator::locate_with`], then [`Self::choose`] on its faces with the
    /// locator's integral table as scratch (free once the search is done;
    /// sized by [`Self::table_len`]):
    /// the answer keeps only the confirmed faces, the chosen one first,
    /// and its crop.
    pub fn locate_with(
        &self,
        locator: &Locator<'_>,
        frame: &[u8],
        work: &mut Workspace<'_>,
        report: impl FnMut(LevelReport),
    ) -> Result<(Located, Verified), LocateError> {
        let located = locator.locate_with(frame, work, report)?;
        self.confirm(locator, frame, located, work)
    }

    /// [`Self::choose`] on the faces `located` (the answer of `locator` on
    /// `frame`) left in `work`, with the locator's integral table as
    /// scratch: the answer with only the confirmed faces, the chosen one
    /// first, and its crop.
    pub fn confirm(
        &self,
        locator: &Locator<'_>,
        frame: &[u8],
        located: Located,
        work: &mut Workspace<'_>,
    ) -> Result<(Located, Verified), LocateError> {
        let n = located.faces.min(work.faces.len());
        let (kept, verified) = self.choose(
            frame,
            locator.width(),
            locator.height(),
            &mut work.faces[..n],
            work.table,
        )?;
        let chosen = work.faces[..kept].first().copied();
        Ok((
            Located {
                faces: kept,
                chosen,
                crop: chosen
                    .and_then(|f| locator.map().crop(&f, locator.width(), locator.height())),
                ..located
            },
            verified,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::centre_first;

    /// The raster order the offsets would otherwise come in.
    fn raster(reach: usize, stride: usize) -> Vec<(usize, usize)> {
        let axis: Vec<usize> = (0..=2 * reach).step_by(stride).collect();
        axis.iter()
            .flat_map(|&y| axis.iter().map(move |&x| (x, y)))
            .collect()
    }

    #[test]
    fn centre_first_is_the_raster_set_ordered_by_distance() {
        for reach in 0..=7 {
            for stride in 1..=8 {
                let order: Vec<_> = centre_first(reach, stride).collect();
                let mut sorted = order.clone();
                sorted.sort_by_key(|&(x, y)| (y, x));
                assert_eq!(
                    sorted,
                    raster(reach, stride),
                    "reach {reach} stride {stride}"
                );
                let away = |(x, y): (usize, usize)| x.abs_diff(reach).max(y.abs_diff(reach));
                assert!(
                    order.windows(2).all(|w| away(w[0]) <= away(w[1])),
                    "reach {reach} stride {stride}: {order:?}"
                );
                if reach % stride == 0 {
                    assert_eq!(order[0], (reach, reach));
                }
            }
        }
    }
}
