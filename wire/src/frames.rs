//! The frames file: recorded camera frames for the QEMU board's replay
//! camera.
//!
//! Layout: the magic `FRMS`, a little-endian u32 count, a little-endian u32
//! frame length in bytes, then the `count` frames back to back. Nothing
//! else: the file is exactly `12 + count * frame_len` bytes. A file of no
//! frames (count 0, any frame length) is valid.

use core::fmt;

/// The magic the file starts with.
pub const MAGIC: [u8; 4] = *b"FRMS";

/// Bytes of the header (magic, count, frame length).
pub const HEADER_LEN: usize = 12;

/// Why bytes are not a frames file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramesError {
    /// Fewer bytes than the header.
    TooShort {
        /// Bytes there are.
        len: usize,
    },
    /// The file does not start with [`MAGIC`].
    BadMagic {
        /// Its first four bytes.
        found: [u8; 4],
    },
    /// The header's count and frame length do not match the bytes after it.
    Length {
        /// Frames the header announces.
        count: u32,
        /// Bytes a frame the header announces.
        frame_len: u32,
        /// Bytes after the header.
        data: usize,
    },
}

impl fmt::Display for FramesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TooShort { len } => write!(
                f,
                "not a frames file: {len} bytes, shorter than its {HEADER_LEN}-byte header \
                 (FRMS, u32 LE count, u32 LE frame length)"
            ),
            Self::BadMagic { found } => write!(
                f,
                "not a frames file: it starts with {found:02x?}, not FRMS"
            ),
            Self::Length {
                count,
                frame_len,
                data,
            } => match data_len(count, frame_len) {
                Some(need) => write!(
                    f,
                    "truncated or padded frames file: {count} frames of {frame_len} bytes need \
                     {need} bytes after the header, the file has {data}"
                ),
                None => write!(
                    f,
                    "bad frames file: {count} frames of {frame_len} bytes do not fit in memory"
                ),
            },
        }
    }
}

impl core::error::Error for FramesError {}

/// Why frames cannot be written as a frames file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// Frame `index` has `len` bytes, the first frame `expected`.
    UnequalFrames {
        /// The frame that differs.
        index: usize,
        /// Bytes of the first frame.
        expected: usize,
        /// Bytes of this one.
        len: usize,
    },
    /// The count or the frame length does not fit a u32, or the file does
    /// not fit in memory.
    TooLarge,
    /// The caller's buffer is smaller than the file.
    BufferTooSmall {
        /// Bytes the file takes.
        needed: usize,
        /// Bytes of the buffer.
        len: usize,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnequalFrames {
                index,
                expected,
                len,
            } => write!(
                f,
                "frame {index} has {len} bytes, the first frame {expected}: a frames file holds \
                 frames of one size"
            ),
            Self::TooLarge => f.write_str("too many or too large frames for a frames file"),
            Self::BufferTooSmall { needed, len } => write!(
                f,
                "the frames file takes {needed} bytes, the buffer has {len}"
            ),
        }
    }
}

impl core::error::Error for WriteError {}

/// Bytes after the header for `count` frames of `frame_len` bytes (`None`
/// when that overflows `usize`).
fn data_len(count: u32, frame_len: u32) -> Option<usize> {
    usize::try_from(count)
        .ok()?
        .checked_mul(usize::try_from(frame_len).ok()?)
}

/// The header of a file of `count` frames of `frame_len` bytes.
pub fn header(count: u32, frame_len: u32) -> [u8; HEADER_LEN] {
    let mut h = [0; HEADER_LEN];
    h[..4].copy_from_slice(&MAGIC);
    h[4..8].copy_from_slice(&count.to_le_bytes());
    h[8..].copy_from_slice(&frame_len.to_le_bytes());
    h
}

/// Bytes of the file that holds `frames` (all of one size).
pub fn file_len<F: AsRef<[u8]>>(frames: &[F]) -> Result<usize, WriteError> {
    let (count, frame_len) = shape(frames)?;
    data_len(count, frame_len)
        .and_then(|n| n.checked_add(HEADER_LEN))
        .ok_or(WriteError::TooLarge)
}

/// Count and frame length of `frames`, checked to be of one size.
fn shape<F: AsRef<[u8]>>(frames: &[F]) -> Result<(u32, u32), WriteError> {
    let expected = frames.first().map_or(0, |f| f.as_ref().len());
    if let Some((index, f)) = frames
        .iter()
        .enumerate()
        .find(|(_, f)| f.as_ref().len() != expected)
    {
        return Err(WriteError::UnequalFrames {
            index,
            expected,
            len: f.as_ref().len(),
        });
    }
    let count = u32::try_from(frames.len()).map_err(|_| WriteError::TooLarge)?;
    let frame_len = u32::try_from(expected).map_err(|_| WriteError::TooLarge)?;
    Ok((count, frame_len))
}

/// Writes the file of `frames` (all of one size) at the start of `buf`;
/// returns its length. On an error nothing is written.
pub fn write<F: AsRef<[u8]>>(frames: &[F], buf: &mut [u8]) -> Result<usize, WriteError> {
    let needed = file_len(frames)?;
    let (count, frame_len) = shape(frames)?;
    let Some(out) = buf.get_mut(..needed) else {
        return Err(WriteError::BufferTooSmall {
            needed,
            len: buf.len(),
        });
    };
    let (head, data) = out.split_at_mut(HEADER_LEN);
    head.copy_from_slice(&header(count, frame_len));
    if frame_len > 0 {
        for (dst, f) in data.chunks_exact_mut(frame_len as usize).zip(frames) {
            dst.copy_from_slice(f.as_ref());
        }
    }
    Ok(needed)
}

/// The file of `frames` (all of one size) in a new `Vec`.
#[cfg(feature = "alloc")]
pub fn to_vec<F: AsRef<[u8]>>(frames: &[F]) -> Result<alloc::vec::Vec<u8>, WriteError> {
    let mut bytes = alloc::vec![0; file_len(frames)?];
    write(frames, &mut bytes)?;
    Ok(bytes)
}

/// A checked frames file: `count` frames of `frame_len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frames<'a> {
    data: &'a [u8],
    count: usize,
    frame_len: usize,
}

impl<'a> Frames<'a> {
    /// Checks the magic and that the bytes after the header are exactly
    /// `count` frames of `frame_len` bytes.
    pub fn new_checked(file: &'a [u8]) -> Result<Self, FramesError> {
        let Some((head, data)) = file.split_first_chunk::<HEADER_LEN>() else {
            return Err(FramesError::TooShort { len: file.len() });
        };
        let word =
            |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        if head[..4] != MAGIC {
            return Err(FramesError::BadMagic {
                found: [head[0], head[1], head[2], head[3]],
            });
        }
        let (count, frame_len) = (word(4), word(8));
        if data_len(count, frame_len) != Some(data.len()) {
            return Err(FramesError::Length {
                count,
                frame_len,
                data: data.len(),
            });
        }
        Ok(Self {
            data,
            count: count as usize,
            frame_len: frame_len as usize,
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

    /// Frame `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.count {
            return None;
        }
        self.data.get(i * self.frame_len..(i + 1) * self.frame_len)
    }

    /// The frames in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let (data, frame_len) = (self.data, self.frame_len);
        (0..self.count).map(move |i| &data[i * frame_len..(i + 1) * frame_len])
    }
}
