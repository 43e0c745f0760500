//! Recorded frames built into the image, and the cameras that serve them.
//!
//! A frames file is `FRMS`, a little-endian u32 count, a little-endian u32
//! frame length in bytes, then the frames back to back. The QEMU board
//! builds one in from `$FACENMF_FRAMES` (see `build.rs`); the tests crate
//! writes it with the same layout.

use crate::camera::{Camera, ErrorKind, ErrorType};

/// The magic the file starts with.
pub const MAGIC: &[u8; 4] = b"FRMS";

/// Bytes of the header.
pub const HEADER_LEN: usize = 12;

/// A validated frames file: `count` frames of `frame_len` bytes.
#[derive(Debug, Clone, Copy)]
pub struct Frames<'a> {
    data: &'a [u8],
    count: usize,
    frame_len: usize,
}

impl<'a> Frames<'a> {
    /// Checks the header and that the data holds exactly `count` frames.
    pub fn parse(file: &'a [u8]) -> Option<Self> {
        if file.len() < HEADER_LEN || &file[..4] != MAGIC {
            return None;
        }
        let word = |at: usize| {
            u32::from_le_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]) as usize
        };
        let (count, frame_len) = (word(4), word(8));
        let data = &file[HEADER_LEN..];
        if count.checked_mul(frame_len) != Some(data.len()) {
            return None;
        }
        Some(Self {
            data,
            count,
            frame_len,
        })
    }

    /// Number of frames.
    pub const fn count(&self) -> usize {
        self.count
    }

    /// Bytes a frame.
    pub const fn frame_len(&self) -> usize {
        self.frame_len
    }

    /// Frame `i`.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        (i < self.count).then(|| &self.data[i * self.frame_len..(i + 1) * self.frame_len])
    }
}

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
