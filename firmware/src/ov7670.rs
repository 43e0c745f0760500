//! OmniVision OV7670 set-up over SCCB, through an `embedded-hal` 1.0
//! [`I2c`] bus.
//!
//! The driver powers the sensor up (power-down pin low, reset pulse), waits
//! until it answers, checks its identity (PID 0x76, VER 0x73), resets its
//! registers and writes the set-up for QQVGA (160 x 120) YUV 4:2:2 in the
//! byte order Y0 U Y1 V, whose luma is the gray level the thumbnail uses
//! ([`facenmf_core::thumbnail::PixelFormat::Yuyv`]). Pixels then come out
//! of its parallel port (DCMI on an STM32F4); that part is the board's.
//!
//! SCCB is I2C without repeated start: a register is read by a write of its
//! address, a stop, then a one-byte read. Every transfer is retried
//! [`Ov7670::retries`] times; a sensor that never acknowledges its address
//! is reported as missing, and one that does not answer within
//! [`READY_TIMEOUT_MS`] of its reset as a timeout.

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;
use embedded_hal::i2c::{Error as _, ErrorKind as I2cErrorKind, I2c};

use crate::camera::{self, ErrorKind};

/// 7-bit bus address (0x42 to write, 0x43 to read in 8-bit notation).
pub const ADDRESS: u8 = 0x21;
/// Product ID high byte the sensor answers.
pub const PID: u8 = 0x76;
/// Product ID low byte (version).
pub const VER: u8 = 0x73;
/// How long the sensor may take to answer after its reset.
pub const READY_TIMEOUT_MS: u32 = 100;
/// Transfers tried again this many times by default.
pub const DEFAULT_RETRIES: u8 = 3;

/// Register addresses used.
pub mod reg {
    /// Vertical frame control (low bits of VSTART/VSTOP).
    pub const VREF: u8 = 0x03;
    /// Product ID, high byte.
    pub const PID: u8 = 0x0A;
    /// Product ID, low byte.
    pub const VER: u8 = 0x0B;
    /// Common control 3: scaling and downsampling enable.
    pub const COM3: u8 = 0x0C;
    /// Internal clock pre-scaler.
    pub const CLKRC: u8 = 0x11;
    /// Common control 7: reset, output format.
    pub const COM7: u8 = 0x12;
    /// Common control 10: sync signals.
    pub const COM10: u8 = 0x15;
    /// Horizontal start, high 8 bits.
    pub const HSTART: u8 = 0x17;
    /// Horizontal stop, high 8 bits.
    pub const HSTOP: u8 = 0x18;
    /// Vertical start, high 8 bits.
    pub const VSTART: u8 = 0x19;
    /// Vertical stop, high 8 bits.
    pub const VSTOP: u8 = 0x1A;
    /// HREF control (low bits of HSTART/HSTOP).
    pub const HREF: u8 = 0x32;
    /// Line buffer test option: YUV byte order (with COM13).
    pub const TSLB: u8 = 0x3A;
    /// Common control 13: gamma, UV order.
    pub const COM13: u8 = 0x3D;
    /// Common control 14: pixel clock divider, manual scaling.
    pub const COM14: u8 = 0x3E;
    /// Common control 15: output range.
    pub const COM15: u8 = 0x40;
    /// Downsample control.
    pub const SCALING_DCWCTR: u8 = 0x72;
    /// Pixel clock divider of the scaler.
    pub const SCALING_PCLK_DIV: u8 = 0x73;
    /// Pixel clock delay of the scaler.
    pub const SCALING_PCLK_DELAY: u8 = 0xA2;
}

/// COM7 value that resets every register.
pub const COM7_RESET: u8 = 0x80;

/// The register set-up after the reset: QQVGA (VGA downsampled by 4 in
/// each direction), YUV 4:2:2 as Y0 U Y1 V, full 0..255 range, PCLK quiet
/// during horizontal blank. Window values as Linux's ov7670 driver (hstart
/// 158, hstop 14, vstart 12, vstop 492).
pub const QQVGA_YUV: &[(u8, u8)] = &[
    (reg::COM7, 0x00),  // YUV
    (reg::CLKRC, 0x01), // internal clock = input / 2
    (reg::COM15, 0xC0), // output range 00..FF
    (reg::TSLB, 0x04),  // TSLB[3] = 0 ...
    (reg::COM13, 0x88), // ... COM13[0] = 0: Y U Y V; gamma on
    (reg::COM10, 0x20), // PCLK does not toggle during horizontal blank
    (reg::COM3, 0x04),  // downsampling (DCW) on
    (reg::COM14, 0x1A), // manual scaling, PCLK divided by 4
    (reg::SCALING_DCWCTR, 0x22),
    (reg::SCALING_PCLK_DIV, 0xF2),
    (reg::SCALING_PCLK_DELAY, 0x02),
    (reg::HSTART, 0x13),
    (reg::HSTOP, 0x01),
    (reg::HREF, 0xB6),
    (reg::VSTART, 0x03),
    (reg::VSTOP, 0x7B),
    (reg::VREF, 0x00),
];

/// Frame width of [`QQVGA_YUV`].
pub const QQVGA_WIDTH: usize = 160;
/// Frame height of [`QQVGA_YUV`].
pub const QQVGA_HEIGHT: usize = 120;

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error<E> {
    /// A bus transfer failed after every retry.
    Bus(E),
    /// Nothing acknowledged the address: no camera on the bus.
    Missing,
    /// Something answered, but not an OV7670.
    WrongId {
        /// PID read.
        pid: u8,
        /// VER read.
        ver: u8,
    },
    /// The sensor did not answer within [`READY_TIMEOUT_MS`] of its reset.
    Timeout,
    /// The reset or power-down pin failed.
    Pin,
}

impl<E: core::fmt::Debug> camera::Error for Error<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Bus(_) => ErrorKind::Bus,
            Self::Missing | Self::WrongId { .. } => ErrorKind::NotDetected,
            Self::Timeout => ErrorKind::Timeout,
            Self::Pin => ErrorKind::Other,
        }
    }
}

/// The sensor's control side: bus, reset (active low) and power-down
/// (active high) pins, and a delay.
#[derive(Debug)]
pub struct Ov7670<I, R, P, D> {
    i2c: I,
    reset: R,
    power_down: P,
    delay: D,
    retries: u8,
}

impl<I, R, P, D> Ov7670<I, R, P, D>
where
    I: I2c,
    R: OutputPin,
    P: OutputPin,
    D: DelayNs,
{
    /// The driver over its bus and pins, retrying [`DEFAULT_RETRIES`] times.
    pub fn new(i2c: I, reset: R, power_down: P, delay: D) -> Self {
        Self {
            i2c,
            reset,
            power_down,
            delay,
            retries: DEFAULT_RETRIES,
        }
    }

    /// Sets how many times a failed transfer is tried again.
    pub fn with_retries(mut self, retries: u8) -> Self {
        self.retries = retries;
        self
    }

    /// Times a failed transfer is tried again.
    pub const fn retries(&self) -> u8 {
        self.retries
    }

    /// Gives the bus, pins and delay back.
    pub fn release(self) -> (I, R, P, D) {
        (self.i2c, self.reset, self.power_down, self.delay)
    }

    /// Powers up, waits for the sensor, checks its identity, resets its
    /// registers and writes [`QQVGA_YUV`]. Returns (PID, VER).
    pub fn init(&mut self) -> Result<(u8, u8), Error<I::Error>> {
        self.power_up()?;
        self.wait_ready()?;
        let id = self.identify()?;
        self.write_reg(reg::COM7, COM7_RESET)?;
        self.delay.delay_ms(10);
        for &(r, v) in QQVGA_YUV {
            self.write_reg(r, v)?;
        }
        info!("OV7670 PID {=u8:x} VER {=u8:x}: QQVGA YUV", id.0, id.1);
        Ok(id)
    }

    /// Power-down low, reset pulled low for 1 ms, then released; the sensor
    /// needs about 1 ms more before it answers.
    pub fn power_up(&mut self) -> Result<(), Error<I::Error>> {
        self.power_down.set_low().map_err(|_| Error::Pin)?;
        self.reset.set_low().map_err(|_| Error::Pin)?;
        self.delay.delay_ms(1);
        self.reset.set_high().map_err(|_| Error::Pin)?;
        self.delay.delay_ms(1);
        Ok(())
    }

    /// Puts the sensor in power-down.
    pub fn power_down(&mut self) -> Result<(), Error<I::Error>> {
        self.power_down.set_high().map_err(|_| Error::Pin)
    }

    /// Polls PID every millisecond until the sensor answers, for at most
    /// [`READY_TIMEOUT_MS`]. No acknowledge at all means no camera.
    pub fn wait_ready(&mut self) -> Result<(), Error<I::Error>> {
        let mut nacked = true;
        for _ in 0..READY_TIMEOUT_MS {
            match self.read_once(reg::PID) {
                Ok(_) => return Ok(()),
                Err(e) => {
                    nacked &= matches!(e.kind(), I2cErrorKind::NoAcknowledge(_));
                }
            }
            self.delay.delay_ms(1);
        }
        warn!("OV7670 did not answer");
        Err(if nacked {
            Error::Missing
        } else {
            Error::Timeout
        })
    }

    /// Reads PID and VER; an error unless they are an OV7670's.
    pub fn identify(&mut self) -> Result<(u8, u8), Error<I::Error>> {
        let pid = self.read_reg(reg::PID)?;
        let ver = self.read_reg(reg::VER)?;
        if (pid, ver) != (PID, VER) {
            return Err(Error::WrongId { pid, ver });
        }
        Ok((pid, ver))
    }

    /// Writes one register, with retries.
    pub fn write_reg(&mut self, r: u8, value: u8) -> Result<(), Error<I::Error>> {
        let mut attempt = 0;
        loop {
            match self.i2c.write(ADDRESS, &[r, value]) {
                Ok(()) => return Ok(()),
                Err(e) if attempt >= self.retries => return Err(classify(e)),
                Err(_) => attempt += 1,
            }
            self.delay.delay_ms(1);
        }
    }

    /// Reads one register (write of the address, stop, one-byte read), with
    /// retries.
    pub fn read_reg(&mut self, r: u8) -> Result<u8, Error<I::Error>> {
        let mut attempt = 0;
        loop {
            match self.read_once(r) {
                Ok(v) => return Ok(v),
                Err(e) if attempt >= self.retries => return Err(classify(e)),
                Err(_) => attempt += 1,
            }
            self.delay.delay_ms(1);
        }
    }

    fn read_once(&mut self, r: u8) -> Result<u8, I::Error> {
        let mut v = [0u8];
        self.i2c.write(ADDRESS, &[r])?;
        self.i2c.read(ADDRESS, &mut v)?;
        Ok(v[0])
    }
}

/// A transfer that failed every retry: no acknowledge of the address means
/// no camera, anything else is a bus error.
fn classify<E: embedded_hal::i2c::Error>(e: E) -> Error<E> {
    match e.kind() {
        I2cErrorKind::NoAcknowledge(embedded_hal::i2c::NoAcknowledgeSource::Address) => {
            Error::Missing
        }
        _ => Error::Bus(e),
    }
}
