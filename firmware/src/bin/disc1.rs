//! Board 2: STM32F407G-DISC1 with an OV7670 on the DCMI port.
//!
//! The OV7670 is set up over I2C2 (SCCB) by [`facenmf_firmware::ov7670`],
//! clocked from MCO1 (HSI, 16 MHz), and streams QQVGA YUYV frames that DCMI
//! captures (snapshot mode) through DMA2 stream 1 channel 1 into RAM. Each
//! frame's centre (the model's crop aspect) goes through the exported model;
//! the green LED (LD4, PD12) is on while a known person is seen, and every
//! result is logged with defmt over RTT (`probe-rs run --chip STM32F407VGTx`).
//! Wiring: see `firmware/README.md`.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m::peripheral::DWT;
use cortex_m_rt::entry;
use defmt_rtt as _;
use facenmf_core::gallery::Gallery;
use facenmf_core::thumbnail::{Crop, PixelFormat};
use facenmf_core::{Encoder, LinearMap, Projection, Recogniser, Thumbnailer};
use facenmf_firmware::camera::{Camera, ErrorKind, ErrorType};
use facenmf_firmware::enrol::{Config as DoorConfig, Door};
use facenmf_firmware::gesture::Button;
use facenmf_firmware::ov7670::{Ov7670, QQVGA_HEIGHT, QQVGA_WIDTH};
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

const CORE_HZ: u32 = 168_000_000;
const FRAME_LEN: usize = QQVGA_WIDTH * QQVGA_HEIGHT * 2;
/// A frame that has not arrived after this many core cycles (0.5 s) is a
/// timeout.
const FRAME_TIMEOUT_CYCLES: u32 = CORE_HZ / 2;

/// DMA writes words: the frame buffer is word aligned.
#[repr(C, align(4))]
struct FrameBuf([u8; FRAME_LEN]);

static mut FRAME: FrameBuf = FrameBuf([0; FRAME_LEN]);
static mut THUMB: [f32; D] = [0.0; D];
static mut CODE: [f32; K] = [0.0; K];

/// DCMI_DR, where DMA reads the pixels.
const DCMI_DR: u32 = 0x5005_0000 + 0x28;
/// DMA2 stream 1 CR: channel 1, high priority, word to word, memory
/// increment, peripheral to memory (RM0090 10.5.5).
const DMA_CR: u32 = (1 << 25) | (0b10 << 16) | (0b10 << 13) | (0b10 << 11) | (1 << 10);
/// FIFO on, full threshold.
const DMA_FCR: u32 = 0b111;
/// LISR/LIFCR bits of stream 1: TCIF1, HTIF1, TEIF1, DMEIF1, FEIF1.
const DMA_S1_FLAGS: u32 = 0x0F40;
const DMA_TCIF1: u32 = 1 << 11;
const DMA_TEIF1: u32 = 1 << 9;
/// DCMI CR: snapshot, PCLK rising edge, VSYNC high and HREF low in blanking
/// (the OV7670's defaults), 8-bit data (RM0090 15.8.1).
const DCMI_CR: u32 = (1 << 1) | (1 << 5) | (1 << 7);
const DCMI_ENABLE: u32 = 1 << 14;
const DCMI_CAPTURE: u32 = 1 << 0;

/// DCMI + DMA capture of one QQVGA YUYV frame.
struct DcmiCamera {
    dcmi: pac::DCMI,
    dma: pac::DMA2,
}

impl ErrorType for DcmiCamera {
    type Error = ErrorKind;
}

impl Camera for DcmiCamera {
    fn frame_len(&self) -> usize {
        FRAME_LEN
    }

    fn capture(&mut self, frame: &mut [u8]) -> Result<(), ErrorKind> {
        if frame.len() != FRAME_LEN || !(frame.as_ptr() as usize).is_multiple_of(4) {
            return Err(ErrorKind::FrameSize);
        }
        let st = self.dma.st(1);
        // SAFETY: raw register values from RM0090; the stream is disabled
        // before it is set up, and `frame` outlives the transfer, which ends
        // (or is stopped) before this returns.
        unsafe {
            st.cr().write(|w| w.bits(0));
            while st.cr().read().bits() & 1 != 0 {}
            self.dma.lifcr().write(|w| w.bits(DMA_S1_FLAGS));
            st.par().write(|w| w.bits(DCMI_DR));
            st.m0ar().write(|w| w.bits(frame.as_mut_ptr() as u32));
            st.ndtr().write(|w| w.bits((FRAME_LEN / 4) as u32));
            st.fcr().write(|w| w.bits(DMA_FCR));
            st.cr().write(|w| w.bits(DMA_CR | 1));
            self.dcmi.icr().write(|w| w.bits(0x1F));
            self.dcmi.cr().write(|w| w.bits(DCMI_CR | DCMI_ENABLE));
            self.dcmi
                .cr()
                .write(|w| w.bits(DCMI_CR | DCMI_ENABLE | DCMI_CAPTURE));
        }
        let start = DWT::cycle_count();
        let result = loop {
            let flags = self.dma.lisr().read().bits();
            if flags & DMA_TEIF1 != 0 {
                break Err(ErrorKind::Other);
            }
            if flags & DMA_TCIF1 != 0 {
                break Ok(());
            }
            if DWT::cycle_count().wrapping_sub(start) > FRAME_TIMEOUT_CYCLES {
                break Err(ErrorKind::Timeout);
            }
        };
        // SAFETY: stopping the capture and the stream.
        unsafe {
            self.dcmi.cr().write(|w| w.bits(0));
            st.cr().write(|w| w.bits(0));
        }
        // The DMA wrote behind the compiler's back.
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
        result
    }
}

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
/// The store: flash sectors 10 and 11 (see `memory.x`), offsets from 0x0800_0000.
const STORE_REGION: Region = Region {
    start: 0x000C_0000,
    sectors: 2,
};

fn build() -> Result<Recogniser<'static, M, ENROLLED>, facenmf_core::recognise::Error> {
    let thumbnailer = Thumbnailer::new_checked(
        QQVGA_WIDTH,
        QQVGA_HEIGHT,
        PixelFormat::Yuyv,
        camera_crop(),
        WIDTH,
        HEIGHT,
    )?;
    let encoder = Encoder::from_arrays(&BASIS, &GRAM, RULE)?;
    let map = match MAP {
        Some(p) => Some(LinearMap::from_arrays(p, BIAS)?),
        None => None,
    };
    let projection = Projection::new_checked(K, SQRT, NORMALIZE, map)?;
    let mut gallery = Gallery::new_checked(&TEMPLATES)?;
    gallery.set_threshold(THRESHOLD);
    Recogniser::new_checked(
        thumbnailer,
        encoder,
        projection,
        gallery,
        NEIGHBOURS,
        METRIC,
    )
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

    let recogniser = match build() {
        Ok(r) => r,
        Err(e) => defmt::panic!("model: {}", e),
    };
    let camera = DcmiCamera {
        dcmi: dp.DCMI,
        dma: dp.DMA2,
    };
    // SAFETY: main runs once and never returns; these are its only borrows.
    let mut ws = unsafe {
        Workspace {
            frame: &mut (*addr_of_mut!(FRAME)).0,
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
    // The app logs every result; camera errors are retried on the next frame.
    loop {
        if let (Some(g), Some(door)) = (button.update(user.is_high()), door.as_mut()) {
            let p = door.gesture(g, &mut app.recogniser_mut().gallery);
            defmt::info!("gesture {}: {}", g, p);
        }
        let result = app.step(&mut ws);
        if let Some(door) = door.as_mut() {
            // Stores happen here, between captures.
            let p = door.frame(&result, &ws.out, &mut app.recogniser_mut().gallery);
            if let Some(level) = p.indicator(app.frames()) {
                let _ = app.indicate(level);
            }
        }
    }
}
