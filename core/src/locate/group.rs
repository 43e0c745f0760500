//! Grouping the windows a cascade accepted into faces, as OpenCV's
//! `groupRectangles(rects, minNeighbors, eps = 0.2)`, in integers.
//!
//! Two boxes are similar when each of their four edges differs by at most
//! `0.1 · (min width + min height)`. Groups are the transitive closure of
//! similarity; each group becomes the rounded mean of its boxes, with its
//! size as `neighbours`. Groups of `min_neighbours` boxes or fewer are
//! dropped, and so is a group lying inside a bigger-voted one (edges within
//! a fifth of the outer box, the outer group having more than
//! `max(3, neighbours)` boxes).

/// Room for accepted windows that the host and the boards give the locator:
/// one figure, so that a full buffer drops the same windows everywhere.
pub const CANDIDATES: usize = 256;
/// Room for grouped faces that the host and the boards give the locator.
pub const FACES: usize = 16;

/// A window the cascade accepted, in frame pixels (it may start left of or
/// above the frame when the pyramid has a margin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Candidate {
    /// First column.
    pub x: i16,
    /// First row.
    pub y: i16,
    /// Width.
    pub w: u16,
    /// Height.
    pub h: u16,
    /// The cascade's last stage sum.
    pub score: i32,
    /// Work field of the grouping (the group's first member).
    pub group: u16,
}

impl Candidate {
    /// An unused slot (for `static` buffers).
    pub const EMPTY: Self = Self {
        x: 0,
        y: 0,
        w: 0,
        h: 0,
        score: 0,
        group: 0,
    };
}

/// A face: a group of candidates, in frame pixels (it may start left of or
/// above the frame, see [`Candidate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Face {
    /// First column.
    pub x: i16,
    /// First row.
    pub y: i16,
    /// Width.
    pub w: u16,
    /// Height.
    pub h: u16,
    /// Candidates in the group.
    pub neighbours: u16,
    /// Highest last-stage sum in the group.
    pub score: i32,
}

impl Face {
    /// An unused slot (for `static` buffers).
    pub const EMPTY: Self = Self {
        x: 0,
        y: 0,
        w: 0,
        h: 0,
        neighbours: 0,
        score: 0,
    };
}

fn similar(a: &Candidate, b: &Candidate) -> bool {
    // |edge difference| <= 0.1 · (min w + min h), times 10 to stay in integers.
    let delta = u32::from(a.w.min(b.w)) + u32::from(a.h.min(b.h));
    let close = |p: i32, q: i32| p.abs_diff(q) * 10 <= delta;
    let (ax, ay, bx, by) = (
        i32::from(a.x),
        i32::from(a.y),
        i32::from(b.x),
        i32::from(b.y),
    );
    close(ax, bx)
        && close(ay, by)
        && close(ax + i32::from(a.w), bx + i32::from(b.w))
        && close(ay + i32::from(a.h), by + i32::from(b.h))
}

fn root(c: &[Candidate], mut i: usize) -> usize {
    while usize::from(c[i].group) != i {
        i = usize::from(c[i].group);
    }
    i
}

/// Groups `candidates` (at most 65535) into `faces`; returns how many faces
/// were written. Groups beyond `faces.len()` are dropped (the first ones, by
/// candidate order, are kept).
pub fn group(candidates: &mut [Candidate], min_neighbours: u16, faces: &mut [Face]) -> usize {
    let n = candidates.len().min(usize::from(u16::MAX));
    let candidates = &mut candidates[..n];
    for (i, c) in candidates.iter_mut().enumerate() {
        c.group = i as u16;
    }
    for j in 1..n {
        for i in 0..j {
            if similar(&candidates[i], &candidates[j]) {
                let (ri, rj) = (root(candidates, i), root(candidates, j));
                if ri != rj {
                    let (lo, hi) = (ri.min(rj), ri.max(rj));
                    candidates[hi].group = lo as u16;
                }
            }
        }
    }
    for i in 0..n {
        let r = root(candidates, i);
        candidates[i].group = r as u16;
    }
    // Mean box of each group with enough members.
    let mut count = 0;
    for r in 0..n {
        if usize::from(candidates[r].group) != r {
            continue;
        }
        let (mut sx, mut sy, mut sw, mut sh, mut m) = (0i32, 0i32, 0u32, 0u32, 0u32);
        let mut score = i32::MIN;
        for c in candidates[r..].iter().filter(|c| usize::from(c.group) == r) {
            sx += i32::from(c.x);
            sy += i32::from(c.y);
            sw += u32::from(c.w);
            sh += u32::from(c.h);
            m += 1;
            score = score.max(c.score);
        }
        if m <= u32::from(min_neighbours) || count == faces.len() {
            continue;
        }
        let mean = |s: u32| ((s + m / 2) / m) as u16;
        // Rounded half up, also below zero.
        let mean_signed = |s: i32| (s + (m / 2) as i32).div_euclid(m as i32) as i16;
        faces[count] = Face {
            x: mean_signed(sx),
            y: mean_signed(sy),
            w: mean(sw),
            h: mean(sh),
            neighbours: m as u16,
            score,
        };
        count += 1;
    }
    // Drop faces inside a bigger-voted face.
    let mut kept = 0;
    for i in 0..count {
        let a = faces[i];
        let inside = (0..count).any(|j| {
            let b = faces[j];
            if j == i || b.neighbours <= a.neighbours.max(3) {
                return false;
            }
            let (dx, dy) = (i32::from(b.w) / 5, i32::from(b.h) / 5);
            let (ax, ay, aw, ah) = (
                i32::from(a.x),
                i32::from(a.y),
                i32::from(a.w),
                i32::from(a.h),
            );
            let (bx, by, bw, bh) = (
                i32::from(b.x),
                i32::from(b.y),
                i32::from(b.w),
                i32::from(b.h),
            );
            ax >= bx - dx && ay >= by - dy && ax + aw <= bx + bw + dx && ay + ah <= by + bh + dy
        });
        if !inside {
            faces[kept] = a;
            kept += 1;
        }
    }
    kept
}
