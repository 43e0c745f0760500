//! facenmf on a microcontroller, board-independent part.
//!
//! - [`camera`]: the small camera trait the application takes frames from.
//! - [`app`]: the loop frame → [`facenmf_core::Recogniser`] → report →
//!   indicator pin, generic over camera, pin and stopwatch.
//! - [`ov7670`]: the OV7670 camera's register set-up over an `embedded-hal`
//!   1.0 `I2c` bus (SCCB).
//! - [`frames`]: the recorded frames a replay camera serves.
//! - `stm32_flash` (feature `disc1`): the STM32F4 flash behind the NOR traits.
//! - [`locate`]: whole frames: the face locator, then the recogniser on its crop.
//! - [`enrol`]: enrolment at the door into the flash store ([`gesture`]:
//!   the user button's presses as gestures).
//!
//! The library builds on any target (the tests crate tests it on the host);
//! the boards are the binaries in `src/bin/`, which carry the exported model.
#![no_std]

#[macro_use]
mod log;

pub mod app;
pub mod camera;
pub mod enrol;
pub mod frames;
pub mod gesture;
pub mod indicator;
pub mod locate;
pub mod ov7670;
#[cfg(feature = "disc1")]
pub mod stm32_flash;

pub use app::{App, AppError, Report, Stopwatch, Workspace};
pub use camera::{Camera, ErrorKind, ErrorType};
