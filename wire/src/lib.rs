//! The formats the host and the firmware share, in one place.
//!
//! - [`frames`]: the frames file (`FRMS`) the QEMU board's replay camera
//!   reads: written by the host (into a caller's buffer, or a `Vec` with the
//!   `alloc` feature), checked once by the firmware's `build.rs` and again by
//!   the board ([`frames::Frames::new_checked`]).
//! - [`lines`]: the result lines the QEMU board prints (header, one line a
//!   frame, errors, `profile`, `done`): each a type whose `Display` writes
//!   the line (the firmware prints them through `core::fmt`) and which
//!   [`lines::Line::parse`] reads back (the host).
//! - [`hex`]: f32 on the wire, as the 8 hex digits of its bits.
//! - [`exit`]: the QEMU board's exit codes.
//!
//! `no_std`, no dependencies, no allocation unless the `alloc` feature asks
//! for [`frames::to_vec`].
#![no_std]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod exit;
pub mod frames;
pub mod hex;
pub mod lines;

pub use frames::{Frames, FramesError, WriteError};
pub use lines::{
    Done, ErrorAt, ErrorLine, FaceBox, FaceLine, FrameLine, Header, Line, LineError, Profile,
};
