//! The OV7670 driver against a mock bus and mock pins: the power-up and
//! register sequence, a missing camera, a wrong identity, bus errors with
//! retries.

use embedded_hal::i2c::{ErrorKind, NoAcknowledgeSource};
use embedded_hal_mock::eh1::delay::NoopDelay;
use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction as Pin};
use embedded_hal_mock::eh1::i2c::{Mock as I2cMock, Transaction as I2c};
use facenmf_firmware::camera::{Error as _, ErrorKind as CameraErrorKind};
use facenmf_firmware::ov7670::{self, reg, Error, Ov7670, ADDRESS, QQVGA_YUV};

fn read(r: u8, v: u8) -> [I2c; 2] {
    [I2c::write(ADDRESS, vec![r]), I2c::read(ADDRESS, vec![v])]
}

fn write(r: u8, v: u8) -> I2c {
    I2c::write(ADDRESS, vec![r, v])
}

fn nack_address() -> ErrorKind {
    ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
}

/// Power-down low, reset low, reset high.
fn power_up_pins() -> (PinMock, PinMock) {
    let reset = PinMock::new(&[Pin::set(State::Low), Pin::set(State::High)]);
    let pwdn = PinMock::new(&[Pin::set(State::Low)]);
    (reset, pwdn)
}

#[test]
fn init_writes_the_qqvga_yuv_sequence() {
    let mut expected = Vec::new();
    expected.extend(read(reg::PID, 0x76)); // ready
    expected.extend(read(reg::PID, 0x76)); // identity
    expected.extend(read(reg::VER, 0x73));
    expected.push(write(reg::COM7, 0x80)); // register reset
    expected.extend(QQVGA_YUV.iter().map(|&(r, v)| write(r, v)));
    let mut bus = I2cMock::new(&expected);
    let (mut reset, mut pwdn) = power_up_pins();
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    assert_eq!(cam.init(), Ok((0x76, 0x73)));
    bus.done();
    reset.done();
    pwdn.done();
    // YUYV output: TSLB[3] = 0 and COM13[0] = 0.
    let get = |r| QQVGA_YUV.iter().find(|(x, _)| *x == r).unwrap().1;
    assert_eq!(get(reg::TSLB) & 0x08, 0);
    assert_eq!(get(reg::COM13) & 0x01, 0);
    assert_eq!((ov7670::QQVGA_WIDTH, ov7670::QQVGA_HEIGHT), (160, 120));
}

#[test]
fn a_missing_camera_is_reported_after_the_ready_timeout() {
    // Nobody acknowledges the address: every poll fails at the first write.
    let polls = ov7670::READY_TIMEOUT_MS as usize;
    let expected: Vec<I2c> = (0..polls)
        .map(|_| I2c::write(ADDRESS, vec![reg::PID]).with_error(nack_address()))
        .collect();
    let mut bus = I2cMock::new(&expected);
    let (mut reset, mut pwdn) = power_up_pins();
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    let err = cam.init().unwrap_err();
    assert_eq!(err, Error::Missing);
    assert_eq!(err.kind(), CameraErrorKind::NotDetected);
    bus.done();
    reset.done();
    pwdn.done();
}

#[test]
fn a_bus_that_keeps_failing_is_a_timeout_not_a_missing_camera() {
    let polls = ov7670::READY_TIMEOUT_MS as usize;
    let expected: Vec<I2c> = (0..polls)
        .map(|_| I2c::write(ADDRESS, vec![reg::PID]).with_error(ErrorKind::ArbitrationLoss))
        .collect();
    let mut bus = I2cMock::new(&expected);
    let (mut reset, mut pwdn) = power_up_pins();
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    let err = cam.init().unwrap_err();
    assert_eq!(err, Error::Timeout);
    assert_eq!(err.kind(), CameraErrorKind::Timeout);
    bus.done();
    reset.done();
    pwdn.done();
}

#[test]
fn another_chip_at_the_address_is_refused() {
    let mut expected = Vec::new();
    expected.extend(read(reg::PID, 0x77));
    expected.extend(read(reg::PID, 0x77));
    expected.extend(read(reg::VER, 0x21));
    let mut bus = I2cMock::new(&expected);
    let (mut reset, mut pwdn) = power_up_pins();
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    assert_eq!(
        cam.init(),
        Err(Error::WrongId {
            pid: 0x77,
            ver: 0x21
        })
    );
    bus.done();
    reset.done();
    pwdn.done();
}

#[test]
fn a_bus_error_is_retried_then_reported() {
    // Two failures then success: retried.
    let mut bus = I2cMock::new(&[
        write(reg::CLKRC, 1).with_error(ErrorKind::Bus),
        write(reg::CLKRC, 1).with_error(ErrorKind::Bus),
        write(reg::CLKRC, 1),
    ]);
    let (mut reset, mut pwdn) = (PinMock::new(&[]), PinMock::new(&[]));
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    assert_eq!(cam.write_reg(reg::CLKRC, 1), Ok(()));
    bus.done();

    // Failing 1 + retries times: reported as a bus error.
    let retries = 2;
    let mut bus = I2cMock::new(&vec![
        write(reg::CLKRC, 1).with_error(ErrorKind::Bus);
        1 + retries
    ]);
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new())
        .with_retries(retries as u8);
    let err = cam.write_reg(reg::CLKRC, 1).unwrap_err();
    assert_eq!(err, Error::Bus(ErrorKind::Bus));
    assert_eq!(err.kind(), CameraErrorKind::Bus);
    bus.done();

    // A read whose data phase fails every time.
    let mut expected = Vec::new();
    for _ in 0..=retries {
        expected.push(I2c::write(ADDRESS, vec![reg::VER]));
        expected.push(I2c::read(ADDRESS, vec![0]).with_error(ErrorKind::Overrun));
    }
    let mut bus = I2cMock::new(&expected);
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new())
        .with_retries(retries as u8);
    assert_eq!(cam.read_reg(reg::VER), Err(Error::Bus(ErrorKind::Overrun)));
    bus.done();
    reset.done();
    pwdn.done();
}

#[test]
fn power_down_raises_its_pin() {
    let mut bus = I2cMock::new(&[]);
    let mut reset = PinMock::new(&[]);
    let mut pwdn = PinMock::new(&[Pin::set(State::High)]);
    let mut cam = Ov7670::new(bus.clone(), reset.clone(), pwdn.clone(), NoopDelay::new());
    assert_eq!(cam.power_down(), Ok(()));
    bus.done();
    reset.done();
    pwdn.done();
}
