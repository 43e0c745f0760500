//! The user button as gestures: presses counted until the button has been
//! released for a gap of frames. One press enrols, two delete the last
//! person, three (or more) delete everybody.
//!
//! Fed once a frame with the button's level, so it needs no timer and runs
//! the same on a board, on QEMU's scripted trigger and in host tests.

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Gesture {
    /// Enrol the person in front of the camera.
    Enrol,
    /// Delete the last person enrolled.
    DeleteLast,
    /// Delete every enrolled person.
    DeleteAll,
}

impl Gesture {
    /// The gesture of `presses` presses (`None` for 0).
    pub const fn of_presses(presses: u8) -> Option<Self> {
        match presses {
            0 => None,
            1 => Some(Self::Enrol),
            2 => Some(Self::DeleteLast),
            _ => Some(Self::DeleteAll),
        }
    }
}

/// Counts presses (rising edges) and ends a gesture after `gap` frames
/// released.
#[derive(Debug, Clone, Copy)]
pub struct Button {
    gap: u8,
    was_down: bool,
    presses: u8,
    released_for: u8,
}

impl Button {
    /// A decoder ending a gesture after `gap` released frames (at least 1).
    pub const fn new(gap: u8) -> Self {
        Self {
            gap: if gap == 0 { 1 } else { gap },
            was_down: false,
            presses: 0,
            released_for: 0,
        }
    }

    /// The button's level this frame (`true` pressed); a gesture when one
    /// just ended.
    pub fn update(&mut self, down: bool) -> Option<Gesture> {
        if down {
            if !self.was_down {
                self.presses = self.presses.saturating_add(1);
            }
            self.released_for = 0;
        } else if self.presses > 0 {
            self.released_for += 1;
            if self.released_for >= self.gap {
                let g = Gesture::of_presses(self.presses);
                self.presses = 0;
                self.released_for = 0;
                self.was_down = false;
                return g;
            }
        }
        self.was_down = down;
        None
    }
}
