//! Enrolment at the door: a gesture starts it, the next frames whose
//! encoding converged are averaged into a new person's template, which is
//! stored (durably, through [`facenmf_store::Store`]) and then added to the
//! gallery. Gestures also delete the last person or everybody.
//!
//! [`Door`] is board-independent: the board feeds it each frame's report and
//! projected vector after [`crate::App::step`], and each gesture; it answers
//! with a [`Progress`] the board shows on the indicator
//! ([`Progress::indicator`]).
//!
//! The template is the mean of the accepted vectors: summed in f32 in frame
//! order, then divided by the count ([`mean`]), so the host computes the
//! same bits.

use embedded_storage::nor_flash::NorFlash;
use facenmf_core::gallery::Gallery;
use facenmf_store::{Error as StoreError, Person, Store};

use crate::app::Report;
use crate::gesture::Gesture;

/// How enrolment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Accepted frames averaged into a template (at least 1; default 5).
    pub frames: u8,
    /// Frames seen (accepted or not) before enrolment gives up (default 50).
    pub timeout: u16,
    /// The first label given to an enrolled person: one past the model's
    /// classes, so no flash label is reused.
    pub first_label: u16,
}

impl Config {
    /// 5 frames, a timeout of 50, labels from `first_label`.
    pub const fn new(first_label: u16) -> Self {
        Self {
            frames: 5,
            timeout: 50,
            first_label,
        }
    }
}

/// What the door is doing or just did.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Progress {
    /// Nothing going on.
    Idle,
    /// Collecting: `accepted` of `needed` frames so far, `seen` frames in all.
    Collecting {
        /// Frames whose vectors count.
        accepted: u8,
        /// Frames needed.
        needed: u8,
        /// Frames seen since the start.
        seen: u16,
    },
    /// A frame was skipped (failed, or its encoding did not converge).
    Skipped {
        /// Frames accepted so far.
        accepted: u8,
        /// Frames seen since the start.
        seen: u16,
    },
    /// A person was stored and added to the gallery under `label`.
    Enrolled {
        /// The new label.
        label: u16,
    },
    /// The timeout passed before enough frames were accepted; nothing stored.
    TimedOut {
        /// Frames accepted by then.
        accepted: u8,
    },
    /// The last person was deleted (`None`: nobody was enrolled).
    DeletedLast(Option<u16>),
    /// Every enrolled person was deleted.
    DeletedAll,
    /// The store or the gallery refused; nothing changed in the gallery.
    Failed(Failure),
}

/// Why a step of the door failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Failure {
    /// The store is full (this many people).
    Full(usize),
    /// The flash driver failed.
    Flash,
    /// The mean template is not finite.
    NotFinite,
    /// The gallery refused the stored template (its room is smaller than
    /// the store's).
    GalleryFull,
    /// No label left.
    NoLabel,
}

impl Progress {
    /// The indicator's level for this progress on frame `frame`, when it
    /// overrides the recognition's: blinking while collecting, high after a
    /// person was stored, low after a failure, a timeout or a deletion.
    pub fn indicator(&self, frame: u32) -> Option<bool> {
        match self {
            Self::Idle => None,
            Self::Collecting { .. } | Self::Skipped { .. } => Some(frame.is_multiple_of(2)),
            Self::Enrolled { .. } => Some(true),
            _ => Some(false),
        }
    }
}

/// The mean of `count` vectors whose sum is `sum`: each value divided by
/// `count` as f32.
pub fn mean<const M: usize>(sum: &[f32; M], count: u8) -> [f32; M] {
    let n = f32::from(count.max(1));
    sum.map(|s| s / n)
}

#[derive(Debug, Clone, Copy)]
struct Collect<const M: usize> {
    sum: [f32; M],
    accepted: u8,
    seen: u16,
}

/// Enrolment and deletion over a store and a gallery (see the module docs).
#[derive(Debug)]
pub struct Door<F, const M: usize, const N: usize> {
    store: Store<F, M, N>,
    config: Config,
    collect: Option<Collect<M>>,
}

impl<F: NorFlash, const M: usize, const N: usize> Door<F, M, N> {
    /// A door over an opened store.
    pub fn new(store: Store<F, M, N>, mut config: Config) -> Self {
        config.frames = config.frames.max(1);
        Self {
            store,
            config,
            collect: None,
        }
    }

    /// The store.
    pub fn store(&self) -> &Store<F, M, N> {
        &self.store
    }

    /// Gives the store back.
    pub fn release(self) -> Store<F, M, N> {
        self.store
    }

    /// True while collecting frames.
    pub fn is_collecting(&self) -> bool {
        self.collect.is_some()
    }

    /// Adds the stored people to `gallery` (after its flash templates), in
    /// label order; how many were added. Stops at the first the gallery
    /// refuses (full) and returns [`Failure::GalleryFull`].
    pub fn load(&mut self, gallery: &mut Gallery<'_, M, N>) -> Result<usize, Failure> {
        let mut added = 0;
        for i in 0..self.store.len() {
            let Some(p) = self.store.person(i).map_err(|_| Failure::Flash)? else {
                continue;
            };
            gallery
                .enroll(p.label, p.vector)
                .map_err(|_| Failure::GalleryFull)?;
            added += 1;
        }
        Ok(added)
    }

    /// Acts on a gesture: starts (or restarts) enrolment, deletes the last
    /// person or everybody (from the store first, then the gallery).
    pub fn gesture(&mut self, g: Gesture, gallery: &mut Gallery<'_, M, N>) -> Progress {
        match g {
            Gesture::Enrol => {
                self.collect = Some(Collect {
                    sum: [0.0; M],
                    accepted: 0,
                    seen: 0,
                });
                info!("enrolment: started");
                Progress::Collecting {
                    accepted: 0,
                    needed: self.config.frames,
                    seen: 0,
                }
            }
            Gesture::DeleteLast => {
                self.collect = None;
                match self.store.delete_last() {
                    Ok(label) => {
                        if let Some(l) = label {
                            let _ = gallery.remove(l);
                        }
                        info!("enrolment: deleted the last person {}", label);
                        Progress::DeletedLast(label)
                    }
                    Err(_) => Progress::Failed(Failure::Flash),
                }
            }
            Gesture::DeleteAll => {
                self.collect = None;
                let mut labels: heapless::Vec<u16, N> = heapless::Vec::new();
                for l in self.store.labels() {
                    let _ = labels.push(l);
                }
                match self.store.delete_all() {
                    Ok(()) => {
                        for l in labels {
                            let _ = gallery.remove(l);
                        }
                        info!("enrolment: deleted everybody");
                        Progress::DeletedAll
                    }
                    Err(_) => Progress::Failed(Failure::Flash),
                }
            }
        }
    }

    /// Offers one frame's result and projected vector while collecting.
    pub fn frame<E>(
        &mut self,
        report: &Result<Report<'_>, E>,
        out: &[f32; M],
        gallery: &mut Gallery<'_, M, N>,
    ) -> Progress {
        let Some(c) = &mut self.collect else {
            return Progress::Idle;
        };
        c.seen = c.seen.saturating_add(1);
        let good = matches!(report, Ok(r) if r.converged) && out.iter().all(|v| v.is_finite());
        if good {
            for (s, v) in c.sum.iter_mut().zip(out) {
                *s += v;
            }
            c.accepted += 1;
        }
        let c = *c;
        if c.accepted >= self.config.frames {
            self.collect = None;
            return self.finish(&mean(&c.sum, c.accepted), gallery);
        }
        if c.seen >= self.config.timeout {
            self.collect = None;
            warn!("enrolment: timed out with {} frames", c.accepted);
            return Progress::TimedOut {
                accepted: c.accepted,
            };
        }
        if good {
            Progress::Collecting {
                accepted: c.accepted,
                needed: self.config.frames,
                seen: c.seen,
            }
        } else {
            Progress::Skipped {
                accepted: c.accepted,
                seen: c.seen,
            }
        }
    }

    /// The next free label: one past the highest stored, at least `first_label`.
    pub fn next_label(&self) -> Option<u16> {
        match self.store.labels().last() {
            Some(l) => l.checked_add(1).map(|l| l.max(self.config.first_label)),
            None => Some(self.config.first_label),
        }
    }

    fn finish(&mut self, vector: &[f32; M], gallery: &mut Gallery<'_, M, N>) -> Progress {
        let Some(label) = self.next_label() else {
            return Progress::Failed(Failure::NoLabel);
        };
        if gallery.free() == 0 {
            return Progress::Failed(Failure::GalleryFull);
        }
        let mut name = *b"enrolled 00000";
        let mut n = label;
        for b in name[9..].iter_mut().rev() {
            *b = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let Some(person) = Person::new(label, &name, *vector) else {
            return Progress::Failed(Failure::NoLabel);
        };
        match self.store.enrol(&person) {
            Ok(()) => {}
            Err(StoreError::Full { capacity }) => return Progress::Failed(Failure::Full(capacity)),
            Err(StoreError::NotFinite { .. }) => return Progress::Failed(Failure::NotFinite),
            Err(StoreError::DuplicateLabel(_)) => return Progress::Failed(Failure::NoLabel),
            Err(StoreError::Flash(_)) => return Progress::Failed(Failure::Flash),
        }
        // Room was checked above; the store holds the person either way.
        if gallery.enroll(label, *vector).is_err() {
            return Progress::Failed(Failure::GalleryFull);
        }
        info!("enrolment: stored label {}", label);
        Progress::Enrolled { label }
    }
}
