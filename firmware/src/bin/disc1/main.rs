//! Board 2: STM32F407G-DISC1 with an OV7670 on the DCMI port.
//!
//! The OV7670 is set up over I2C2 (SCCB) by [`facenmf_firmware::ov7670`],
//! clocked from MCO1 (HSI, 16 MHz), and streams QQVGA YUYV frames that DCMI
//! captures (snapshot mode) through DMA2 stream 1 channel 1 into RAM
//! ([`dcmi`]). This file is the board's wiring: clocks, pins, peripherals. Each
//! frame's centre (the model's crop aspect) goes through the exported model;
//! built with a face locator (`$FACENMF_LOCATOR`, `cfg(facenmf_locator)`),
//! each frame is turned into its luma in place, the locator finds the face
//! and its crop goes through the model instead ("no face" frames are logged
//! and not recognised);
//! the green LED (LD4, PD12) is on while a known person is seen, and every
//! result is logged with defmt over RTT (`probe-rs run --chip STM32F407VGTx`).
//! Wiring: see `firmware/README.md`.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m::peripheral::DWT;
use cortex_m_rt::entry;
use defmt_rtt as _;
#[cfg(not(facenmf_locator))]
use facenmf_core::thumbnail::{Crop, PixelFormat};
#[cfg(not(facenmf_locator))]
use facenmf_core::Thumbnailer;
use facenmf_firmware::enrol::{Config as DoorConfig, Door};
use facenmf_firmware::gesture::Button;
use facenmf_firmware::ov7670::Ov7670;
#[cfg(not(facenmf_locator))]
use facenmf_firmware::ov7670::{QQVGA_HEIGHT, QQVGA_WIDTH};
use facenmf_firmware::stm32_flash::Stm32Flash;
use facenmf_firmware::{App, Stopwatch, Workspace};
use facenmf_store::{Region, Store};
use panic_probe as _;
use stm32f4xx_hal::gpio::PinState;
use stm32f4xx_hal::i2c::{I2c, Mode};
use stm32f4xx_hal::pac;
use stm32f4xx_hal::prelude::*;
use stm32f4xx_hal::rcc::Config;

/// The exported model (see `build.rs`).
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}
use model::*;

mod dcmi;
use dcmi::{DcmiCamera, FrameBuf};

#[cfg(facenmf_locator)]
mod located;

const CORE_HZ: u32 = 168_000_000;
/// A frame that has not arrived after this many core cycles (0.5 s) is a
/// timeout.
const FRAME_TIMEOUT_CYCLES: u32 = CORE_HZ / 2;

static mut FRAME: FrameBuf = FrameBuf::new();
static mut THUMB: [f32; WORK_LEN] = [0.0; WORK_LEN];
static mut CODE: [f32; K] = [0.0; K];

/// DWT cycle counter: one tick a core cycle.
struct Cycles(u32);

impl Stopwatch for Cycles {
    fn start(&mut self) {
        self.0 = DWT::cycle_count();
    }
    fn stop(&mut self) -> u32 {
        DWT::cycle_count().wrapping_sub(self.0)
    }
    fn hz(&self) -> u32 {
        CORE_HZ
    }
}

/// The centre of the camera frame with the aspect of the model's crop.
#[cfg(not(facenmf_locator))]
const fn camera_crop() -> Crop {
    let (cw, ch) = (CROP.width, CROP.height);
    let (mut w, mut h) = (QQVGA_WIDTH, QQVGA_WIDTH * ch / cw);
    if h > QQVGA_HEIGHT {
        h = QQVGA_HEIGHT;
        w = QQVGA_HEIGHT * cw / ch;
    }
    Crop {
        x: (QQVGA_WIDTH - w) / 2,
        y: (QQVGA_HEIGHT - h) / 2,
        width: w,
        height: h,
    }
}

/// People enrolled at the door (gallery room and the store's index).
const ENROLLED: usize = 200;
/// The store: flash sectors 10 and 11 (see `memory-disc1.x`), offsets from 0x0800_0000.
const STORE_REGION: Region = Region {
    start: 0x000C_0000,
    sectors: 2,
};

/// The model's thumbnailer for the camera's frames (QQVGA YUYV, centre crop).
#[cfg(not(facenmf_locator))]
fn camera_thumbnailer() -> Result<Thumbnailer, facenmf_core::recognise::Error> {
    Thumbnailer::new_checked(
        QQVGA_WIDTH,
        QQVGA_HEIGHT,
        PixelFormat::Yuyv,
        camera_crop(),
        WIDTH,
        HEIGHT,
    )
    .map_err(Into::into)
}

#[entry]
fn main() -> ! {
    let dp = pac::Peripherals::take().unwrap();
    let mut cp = cortex_m::Peripherals::take().unwrap();
    cp.DCB.enable_trace();
    cp.DWT.enable_cycle_counter();

    // 8 MHz crystal → 168 MHz.
    let mut rcc = dp.RCC.freeze(Config::hse(8.MHz()).sysclk(168.MHz()));
    // SAFETY: single bit-field updates of RCC the HAL does not manage: DCMI
    // and DMA2 clocks on, MCO1 = HSI / 1 (16 MHz camera clock on PA8).
    unsafe {
        let r = &*pac::RCC::ptr();
        r.ahb1enr().modify(|_, w| w.dma2en().set_bit());
        r.ahb2enr().modify(|_, w| w.dcmien().set_bit());
        r.cfgr()
            .modify(|v, w| w.bits(v.bits() & !((0b11 << 21) | (0b111 << 24))));
    }

    let gpioa = dp.GPIOA.split(&mut rcc);
    let gpiob = dp.GPIOB.split(&mut rcc);
    let gpioc = dp.GPIOC.split(&mut rcc);
    let gpiod = dp.GPIOD.split(&mut rcc);
    let gpioe = dp.GPIOE.split(&mut rcc);
    let _xclk = gpioa.pa8.into_alternate::<0>();
    // DCMI: HSYNC PA4, PCLK PA6, VSYNC PB7, D0-D3 PC6-PC9, D4 PE4, D5 PB6, D6 PE5, D7 PE6.
    let _dcmi_pins = (
        gpioa.pa4.into_alternate::<13>(),
        gpioa.pa6.into_alternate::<13>(),
        gpiob.pb7.into_alternate::<13>(),
        gpioc.pc6.into_alternate::<13>(),
        gpioc.pc7.into_alternate::<13>(),
        gpioc.pc8.into_alternate::<13>(),
        gpioc.pc9.into_alternate::<13>(),
        gpioe.pe4.into_alternate::<13>(),
        gpiob.pb6.into_alternate::<13>(),
        gpioe.pe5.into_alternate::<13>(),
        gpioe.pe6.into_alternate::<13>(),
    );
    // The audio codec (CS43L22) shares PA4 and PB6 with the camera: hold it in reset.
    let _codec_reset = gpiod.pd4.into_push_pull_output_in_state(PinState::Low);
    let led = gpiod.pd12.into_push_pull_output();
    let reset = gpiod.pd0.into_push_pull_output();
    let power_down = gpiod.pd1.into_push_pull_output();
    let i2c = I2c::new(
        dp.I2C2,
        (gpiob.pb10, gpiob.pb11),
        Mode::standard(100.kHz()),
        &mut rcc,
    );
    let delay = cp.SYST.delay(&rcc.clocks);

    let mut sensor = Ov7670::new(i2c, reset, power_down, delay);
    match sensor.init() {
        Ok((pid, ver)) => defmt::info!("OV7670 found: PID {=u8:x} VER {=u8:x}", pid, ver),
        Err(e) => {
            defmt::error!("no OV7670: {}", defmt::Debug2Format(&e));
            loop {
                cortex_m::asm::wfi();
            }
        }
    }

    #[cfg(not(facenmf_locator))]
    let thumbnailer = camera_thumbnailer();
    #[cfg(facenmf_locator)]
    let thumbnailer = located::thumbnailer();
    let recogniser = match thumbnailer.and_then(model::recogniser_with::<ENROLLED>) {
        Ok(r) => r,
        Err(e) => defmt::panic!("model: {}", e),
    };
    let camera = DcmiCamera::new(dp.DCMI, dp.DMA2, FRAME_TIMEOUT_CYCLES);
    // SAFETY: main runs once and never returns; these are its only borrows.
    let mut ws = unsafe {
        Workspace {
            frame: (*addr_of_mut!(FRAME)).bytes_mut(),
            thumb: &mut *addr_of_mut!(THUMB),
            code: &mut *addr_of_mut!(CODE),
            out: [0.0; M],
        }
    };
    let mut app = App::new(recogniser, &CLASS_NAMES, camera, led, Cycles(0));
    // The user button B1 (PA0, high while pressed): 1 press enrols, 2 delete
    // the last person, 3 everybody (gestures end after 2 released frames).
    let user = gpioa.pa0.into_pull_down_input();
    let mut button = Button::new(2);
    let mut door =
        match Store::<_, M, ENROLLED>::open(Stm32Flash::new(dp.FLASH), STORE_REGION, MODEL_ID) {
            Ok((store, report)) => {
                defmt::info!(
                    "store: {} people, capacity {}",
                    report.people,
                    store.capacity()
                );
                let mut door = Door::new(store, DoorConfig::new(CLASSES as u16));
                if let Err(e) = door.load(&mut app.recogniser_mut().gallery) {
                    defmt::warn!("store: loading into the gallery failed: {}", e);
                }
                Some(door)
            }
            Err((_, e)) => {
                defmt::warn!("store refused: {}", defmt::Debug2Format(&e));
                None
            }
        };
    #[cfg(facenmf_locator)]
    let mut finder = located::Finder::new();
    // The app logs every result; camera errors are retried on the next frame.
    loop {
        if let (Some(g), Some(door)) = (button.update(user.is_high()), door.as_mut()) {
            let p = door.gesture(g, &mut app.recogniser_mut().gallery);
            defmt::info!("gesture {}: {}", g, p);
        }
        #[cfg(not(facenmf_locator))]
        let result = app.step(&mut ws);
        #[cfg(facenmf_locator)]
        let result = app
            .step_found(&mut ws, |frame, r| finder.find(frame, r))
            .map_err(|_| ())
            .and_then(|r| r.ok_or(()));
        if let Some(door) = door.as_mut() {
            // Stores happen here, between captures.
            let p = door.frame(&result, &ws.out, &mut app.recogniser_mut().gallery);
            if let Some(level) = p.indicator(app.frames()) {
                let _ = app.indicate(level);
            }
        }
    }
}
