//! The cameras of recorded and made-up frames.
//!
//! The frames file (`FRMS`, count, frame length, frames) is
//! [`facenmf_wire::frames`]; the QEMU board builds one in from
//! `$FACENMF_FRAMES` (checked by `build.rs`) and replays it with [`Replay`].

use crate::camera::{Camera, ErrorKind, ErrorType};

pub use facenmf_wire::frames::{Frames, FramesError};

/// A camera that replays recorded frames in order, from the first again
/// after the last.
#[derive(Debug, Clone)]
pub struct Replay<'a> {
    frames: Frames<'a>,
    next: usize,
}

impl<'a> Replay<'a> {
    /// Replays `frames` (at least one).
    pub fn new(frames: Frames<'a>) -> Option<Self> {
        (frames.count() > 0).then_some(Self { frames, next: 0 })
    }

    /// Index of the frame the next capture serves.
    pub const fn position(&self) -> usize {
        self.next
    }
}

impl ErrorType for Replay<'_> {
    type Error = ErrorKind;
}

impl Camera for Replay<'_> {
    fn frame_len(&self) -> usize {
        self.frames.frame_len()
    }

    fn capture(&mut self, frame: &mut [u8]) -> Result<(), ErrorKind> {
        let src = self.frames.get(self.next).ok_or(ErrorKind::Other)?;
        if frame.len() != src.len() {
            return Err(ErrorKind::FrameSize);
        }
        frame.copy_from_slice(src);
        self.next = (self.next + 1) % self.frames.count();
        Ok(())
    }
}

/// A camera of made-up frames (a moving diagonal pattern), for a board built
/// without recorded frames: the pipeline runs, the answers mean nothing.
#[derive(Debug, Clone)]
pub struct Synthetic {
    frame_len: usize,
    n: u32,
}

impl Synthetic {
    /// Frames of `frame_len` bytes.
    pub const fn new(frame_len: usize) -> Self {
        Self { frame_len, n: 0 }
    }
}

impl ErrorType for Synthetic {
    type Error = ErrorKind;
}

impl Camera for Synthetic {
    fn frame_len(&self) -> usize {
        self.frame_len
    }

    fn capture(&mut self, frame: &mut [u8]) -> Result<(), ErrorKind> {
        if frame.len() != self.frame_len {
            return Err(ErrorKind::FrameSize);
        }
        for (i, b) in frame.iter_mut().enumerate() {
            let i = i as u32;
            *b = (i.wrapping_mul(7) ^ (i >> 5)).wrapping_add(self.n.wrapping_mul(41)) as u8;
        }
        self.n = self.n.wrapping_add(1);
        Ok(())
    }
}
