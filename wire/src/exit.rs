//! The QEMU board's exit codes (through semihosting), which the host reads
//! as QEMU's exit status.

/// Every frame was recognised.
pub const OK: i32 = 0;
/// A frame failed (its `error=` line says why).
pub const FRAME_FAILED: i32 = 1;
/// The board refused its model or its built-in frames.
pub const SETUP: i32 = 2;
/// A panic.
pub const PANIC: i32 = 101;
/// A HardFault.
pub const HARDFAULT: i32 = 102;
