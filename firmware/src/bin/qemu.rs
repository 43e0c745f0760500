//! Board 1: QEMU's `netduinoplus2` (STM32F405, Cortex-M4F).
//!
//! Replays the frames built in from `$FACENMF_FRAMES` through the exported
//! model once each and writes the result lines of `facenmf_wire::lines`
//! over semihosting (a header, one line per frame or error, `profile`,
//! `done`; f32 as `to_bits` hex), which the host parses with the same crate.
//!
//! The `profile` line times the stages once more on the last frame with
//! SysTick (core clock ticks; under `-icount shift=0` a tick is 1e9/168e6
//! instructions), to tell where an inference's instructions go.
//!
//! Built with a face locator (`$FACENMF_LOCATOR`, `cfg(facenmf_locator)`),
//! it replays whole 160 x 120 gray frames instead: locate, crop, recognise
//! ([`facenmf_firmware::locate::Spotter`]); each frame gets a `face=` line
//! (the crop and its score, or `found=0`), then its `frame=` line when it has
//! a face; no `profile` line. The counting plugin's marks come
//! `4 + levels` a frame: before the locator, after each pyramid level, after
//! the search (grouping and the most-voted choice), after the verifier (right
//! after the search when there is none), after the recognition (also when
//! there was no face).
//!
//! It exits through semihosting with the codes of `facenmf_wire::exit`: 0
//! when every frame was recognised, 1 when a frame failed, 2 when it refuses
//! its model or frames, 101 on a panic and 102 on a HardFault. Each
//! inference runs between two calls of [`facenmf_mark`], where the
//! instruction-counting QEMU plugin reads its counter. The stopwatch is
//! SysTick at the core clock (deterministic under `-icount shift=0`).
#![no_std]
#![no_main]

#[cfg(not(facenmf_locator))]
#[cfg(not(facenmf_locator))]
use core::ops::ControlFlow;
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;
use cortex_m_rt::{entry, exception, ExceptionFrame};
#[cfg(not(facenmf_locator))]
use facenmf_core::gallery::Identity;
#[cfg(not(facenmf_locator))]
use facenmf_core::Recogniser;
use facenmf_firmware::frames::Frames;
#[cfg(not(facenmf_locator))]
use facenmf_firmware::frames::{Replay, Synthetic};
#[cfg(not(facenmf_locator))]
use facenmf_firmware::indicator::StatePin;
use facenmf_firmware::Stopwatch;
#[cfg(not(facenmf_locator))]
use facenmf_firmware::{App, AppError, Camera, Report, Workspace};
#[cfg(not(facenmf_locator))]
use facenmf_wire::hex::HexSlice;
use facenmf_wire::{exit, Done, Header};
#[cfg(not(facenmf_locator))]
use facenmf_wire::{ErrorAt, ErrorLine, FrameLine, Profile};
use semihosting::{eprintln, println};

/// The exported model (see `build.rs`).
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}
use model::*;

/// The exported face locator (see `build.rs`).
#[cfg(facenmf_locator)]
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod locator_model {
    include!(concat!(env!("OUT_DIR"), "/locator.rs"));
}

/// The recorded frames (a header only when none were given).
static FRAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/frames.bin"));

/// Synthetic frames run when none are built in.
const SYNTHETIC_FRAMES: usize = 4;

#[cfg(not(facenmf_locator))]
const FRAME_LEN: usize = FRAME_WIDTH * FRAME_HEIGHT * PIXEL_FORMAT.bytes_per_pixel();
/// Whole frames: QQVGA, 8-bit gray.
#[cfg(facenmf_locator)]
const FRAME_LEN: usize = whole::WIDTH * whole::HEIGHT;
/// Core clock of the STM32F405 as QEMU models it.
const CORE_HZ: u32 = 168_000_000;
/// Word written over the free stack before the run.
const PAINT: u32 = 0xDEAD_BEEF;

#[cfg(not(facenmf_locator))]
static mut FRAME: [u8; FRAME_LEN] = [0; FRAME_LEN];
#[cfg(not(facenmf_locator))]
static mut THUMB: [f32; WORK_LEN] = [0.0; WORK_LEN];
#[cfg(not(facenmf_locator))]
static mut CODE: [f32; K] = [0.0; K];

extern "C" {
    /// Lowest address the stack may reach (cortex-m-rt).
    static mut _stack_end: u32;
    /// Initial stack pointer (cortex-m-rt).
    static _stack_start: u32;
}

/// The instruction-counting plugin prints its counter each time this runs.
#[no_mangle]
#[inline(never)]
pub extern "C" fn facenmf_mark() {
    cortex_m::asm::nop();
}

/// SysTick wraps counted by its exception.
static WRAPS: AtomicU32 = AtomicU32::new(0);
const RELOAD: u32 = 0x00FF_FFFF;

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// SysTick at the core clock, extended by counting wraps.
struct SysTickWatch {
    start: u64,
}

impl SysTickWatch {
    fn now() -> u64 {
        loop {
            let w = WRAPS.load(Ordering::Relaxed);
            let v = SYST::get_current();
            if WRAPS.load(Ordering::Relaxed) == w {
                return u64::from(w) * u64::from(RELOAD + 1) + u64::from(RELOAD - v);
            }
        }
    }
}

impl Stopwatch for SysTickWatch {
    fn start(&mut self) {
        facenmf_mark();
        self.start = Self::now();
    }
    fn stop(&mut self) -> u32 {
        let t = Self::now() - self.start;
        facenmf_mark();
        t as u32
    }
    fn hz(&self) -> u32 {
        CORE_HZ
    }
}

#[entry]
fn main() -> ! {
    paint_stack();
    let mut cp = cortex_m::Peripherals::take().unwrap();
    cp.SYST.set_clock_source(SystClkSource::Core);
    cp.SYST.set_reload(RELOAD);
    cp.SYST.clear_current();
    cp.SYST.enable_interrupt();
    cp.SYST.enable_counter();

    let frames = match Frames::new_checked(FRAMES) {
        Ok(f) if f.count() == 0 || f.frame_len() == FRAME_LEN => f,
        Ok(_) => fail(&"the built-in frames do not fit the model's frame size"),
        Err(e) => fail(&e),
    };
    #[cfg(not(facenmf_locator))]
    let recogniser = match model::recogniser::<0>() {
        Ok(r) => r,
        Err(e) => fail(&e),
    };
    let count = frames
        .count()
        .max(SYNTHETIC_FRAMES * usize::from(frames.count() == 0));
    println!(
        "{}",
        Header {
            frames: count,
            frame_len: FRAME_LEN,
            d: D,
            k: K,
            m: M,
            templates: N,
            classes: CLASSES,
        }
    );

    inject_fault();

    #[cfg(facenmf_locator)]
    let errors = whole::run(frames, count);
    #[cfg(not(facenmf_locator))]
    let errors = {
        // SAFETY: main runs once and never returns; these are its only borrows.
        let mut ws = unsafe {
            Workspace {
                frame: &mut *addr_of_mut!(FRAME),
                thumb: &mut *addr_of_mut!(THUMB),
                code: &mut *addr_of_mut!(CODE),
                out: [0.0; M],
            }
        };
        let watch = SysTickWatch { start: 0 };
        match Replay::new(frames) {
            Some(camera) => run(recogniser, camera, watch, &mut ws, frames.count()),
            None => run(
                recogniser,
                Synthetic::new(FRAME_LEN),
                watch,
                &mut ws,
                SYNTHETIC_FRAMES,
            ),
        }
    };
    let (stack_peak, stack_size) = stack_use();
    println!(
        "{}",
        Done {
            frames: count,
            errors,
            stack_peak,
            stack_size,
        }
    );
    semihosting::process::exit(if errors > 0 {
        exit::FRAME_FAILED
    } else {
        exit::OK
    })
}

/// Runs `count` frames, printing a line each; returns how many failed.
#[cfg(not(facenmf_locator))]
fn run<C: Camera>(
    recogniser: Recogniser<'static, M, 0>,
    camera: C,
    watch: SysTickWatch,
    ws: &mut Workspace<'_, M>,
    count: usize,
) -> u32 {
    let mut app = App::new(recogniser, &CLASS_NAMES, camera, StatePin::default(), watch);
    let mut errors = 0;
    let mut seen = 0;
    app.run(ws, |result, ws| {
        match result {
            Ok(r) => print_report(r, ws),
            Err(e) => {
                errors += 1;
                let at = ErrorAt::Frame(seen);
                match e {
                    AppError::Camera(e) => println!(
                        "{}",
                        ErrorLine {
                            at,
                            what: format_args!("camera {e:?}"),
                        }
                    ),
                    AppError::Recognise(e) => println!("{}", ErrorLine { at, what: e }),
                    AppError::Indicator(e) => match *e {},
                }
            }
        }
        seen += 1;
        if seen >= count {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    profile(app.recogniser(), ws);
    errors
}

/// Times each stage on the frame in `ws` and prints the `profile` line. The
/// feature stage is skipped for raw features (they are the thumbnail).
#[cfg(not(facenmf_locator))]
fn profile(r: &Recogniser<'static, M, 0>, ws: &mut Workspace<'_, M>) {
    let mut t = [0u64; 6];
    let (thumb, features) = ws.thumb.split_at_mut(r.thumbnailer().out_len());
    t[0] = SysTickWatch::now();
    let made = r.thumbnailer().run(ws.frame, thumb);
    t[1] = SysTickWatch::now();
    let (x, featured): (&[f32], _) = if r.features().is_identity() {
        (thumb, Ok(()))
    } else {
        let n = r.features().output_len().min(features.len());
        let f = r.features().run(thumb, &mut features[..n]);
        (&features[..n], f)
    };
    t[2] = SysTickWatch::now();
    let code = r.encoder().encode(x, ws.code);
    t[3] = SysTickWatch::now();
    let y = r.projection().apply(ws.code, &mut ws.out).map(|y| {
        let mut v = [0.0; M];
        v.copy_from_slice(y);
        v
    });
    t[4] = SysTickWatch::now();
    let decision = y.map(|y| r.gallery.classify(&y, NEIGHBOURS, METRIC));
    t[5] = SysTickWatch::now();
    if made.is_err() || featured.is_err() || code.is_err() || !matches!(decision, Ok(Ok(_))) {
        println!(
            "{}",
            ErrorLine {
                at: ErrorAt::Profile,
                what: "the stages failed",
            }
        );
        return;
    }
    println!(
        "{}",
        Profile {
            thumbnail: t[1] - t[0],
            features: t[2] - t[1],
            encode: t[3] - t[2],
            project: t[4] - t[3],
            classify: t[5] - t[4],
        }
    );
}

#[cfg(not(facenmf_locator))]
fn print_report(r: &Report<'_>, ws: &Workspace<'_, M>) {
    let known = matches!(r.identity, Identity::Known(_));
    let line = FrameLine {
        frame: r.frame as usize,
        label: r.label,
        known,
        distance: r.distance,
        votes: r.votes,
        sweeps: r.sweeps,
        converged: r.converged,
        ticks: r.ticks,
        led: known,
        code: HexSlice(ws.code),
        out: HexSlice(&ws.out),
        name: r.name.unwrap_or("?"),
    };
    println!("{}", line);
}

/// Whole frames: the face locator in front of the recogniser.
#[cfg(facenmf_locator)]
mod whole {
    use core::ptr::addr_of_mut;

    use facenmf_core::gallery::Identity;
    use facenmf_core::locate::{
        Candidate, Face, Workspace as LocateWork, CANDIDATES, FACES, SEEDS,
    };
    use facenmf_core::thumbnail::{Crop, PixelFormat};
    use facenmf_core::Thumbnailer;
    use facenmf_firmware::frames::{Frames, Replay, Synthetic};
    use facenmf_firmware::locate::Spotter;
    use facenmf_firmware::Camera;
    use facenmf_wire::hex::HexSlice;
    use facenmf_wire::{ErrorAt, ErrorLine, FaceBox, FaceLine, FrameLine};
    use semihosting::println;

    use super::locator_model as loc;
    use super::model::{self, CLASS_NAMES, K, M};
    use super::{facenmf_mark, fail, SysTickWatch, FRAME_LEN, SYNTHETIC_FRAMES};

    /// Frame width (QQVGA).
    pub const WIDTH: usize = 160;
    /// Frame height (QQVGA).
    pub const HEIGHT: usize = 120;
    const _: () = assert!(loc::FRAME.0 == WIDTH && loc::FRAME.1 == HEIGHT);

    static mut FRAME: [u8; FRAME_LEN] = [0; FRAME_LEN];
    static mut THUMB: [f32; model::WORK_LEN] = [0.0; model::WORK_LEN];
    static mut CODE: [f32; K] = [0.0; K];
    static mut TABLE: [u32; loc::TABLE_LEN] = [0; loc::TABLE_LEN];
    static mut COLUMNS: [u32; loc::COLUMNS_LEN] = [0; loc::COLUMNS_LEN];
    static mut MASK: [u32; loc::MASK_LEN] = [0; loc::MASK_LEN];
    static mut CANDIDATE: [Candidate; CANDIDATES] = [Candidate::EMPTY; CANDIDATES];
    static mut SEED: [Candidate; SEEDS] = [Candidate::EMPTY; SEEDS];
    static mut FACE: [Face; FACES] = [Face::EMPTY; FACES];

    fn spotter() -> Spotter<'static, M, 0> {
        let locator = loc::locator().unwrap_or_else(|e| fail(&e));
        let thumbnailer = Thumbnailer::new_checked(
            WIDTH,
            HEIGHT,
            PixelFormat::Gray8,
            Crop::full(WIDTH, HEIGHT),
            model::WIDTH,
            model::HEIGHT,
        )
        .unwrap_or_else(|e| fail(&e));
        let recogniser = model::recogniser_with::<0>(thumbnailer).unwrap_or_else(|e| fail(&e));
        let verifier = loc::verifier().unwrap_or_else(|e| fail(&e));
        Spotter::new_checked(locator, recogniser)
            .unwrap_or_else(|e| fail(&e))
            .with_verifier(verifier)
    }

    /// Runs every built-in frame (or a few synthetic ones); returns how many failed.
    pub fn run(frames: Frames<'static>, count: usize) -> u32 {
        let spotter = spotter();
        match Replay::new(frames) {
            Some(camera) => frames_through(spotter, camera, count),
            None => frames_through(spotter, Synthetic::new(FRAME_LEN), SYNTHETIC_FRAMES),
        }
    }

    fn frames_through<C: Camera>(
        mut spotter: Spotter<'static, M, 0>,
        mut camera: C,
        count: usize,
    ) -> u32 {
        // SAFETY: runs once (from main, which never returns); these are the
        // only borrows of the buffers.
        let (frame, thumb, code) = unsafe {
            (
                &mut *addr_of_mut!(FRAME),
                &mut *addr_of_mut!(THUMB),
                &mut *addr_of_mut!(CODE),
            )
        };
        // SAFETY: as above.
        let mut work = unsafe {
            LocateWork {
                columns: &mut *addr_of_mut!(COLUMNS),
                table: &mut *addr_of_mut!(TABLE),
                candidates: &mut *addr_of_mut!(CANDIDATE),
                seeds: &mut *addr_of_mut!(SEED),
                mask: &mut *addr_of_mut!(MASK),
                faces: &mut *addr_of_mut!(FACE),
            }
        };
        let mut out = [0.0f32; M];
        let mut errors = 0;
        for i in 0..count {
            if let Err(e) = camera.capture(frame) {
                errors += 1;
                println!(
                    "{}",
                    ErrorLine {
                        at: ErrorAt::Frame(i),
                        what: format_args!("camera {e:?}"),
                    }
                );
                continue;
            }
            let t0 = SysTickWatch::now();
            facenmf_mark();
            let located = spotter.locate(frame, &mut work, |_| facenmf_mark(), || facenmf_mark());
            facenmf_mark();
            let recognised = match located {
                Ok(l) => l
                    .crop
                    .map(|c| spotter.recognise(frame, c, thumb, code, &mut out)),
                Err(_) => None,
            };
            facenmf_mark();
            let ticks = (SysTickWatch::now() - t0) as u32;
            let located = match located {
                Ok(l) => l,
                Err(e) => {
                    errors += 1;
                    println!(
                        "{}",
                        ErrorLine {
                            at: ErrorAt::Frame(i),
                            what: e
                        }
                    );
                    continue;
                }
            };
            let face = located.chosen.zip(located.crop).map(|(f, c)| FaceBox {
                top: c.y,
                left: c.x,
                height: c.height,
                width: c.width,
                score: f.neighbours,
            });
            println!(
                "{}",
                FaceLine {
                    frame: i,
                    face,
                    windows: located.windows,
                }
            );
            match recognised {
                None => {}
                Some(Err(e)) => {
                    errors += 1;
                    println!(
                        "{}",
                        ErrorLine {
                            at: ErrorAt::Frame(i),
                            what: e
                        }
                    );
                }
                Some(Ok(r)) => {
                    let d = r.decision;
                    let known = matches!(d.identity, Identity::Known(_));
                    println!(
                        "{}",
                        FrameLine {
                            frame: i,
                            label: d.label,
                            known,
                            distance: d.distance,
                            votes: d.votes,
                            sweeps: r.solve.sweeps,
                            converged: r.solve.converged,
                            ticks,
                            led: known,
                            code: HexSlice(code),
                            out: HexSlice(&out),
                            name: CLASS_NAMES
                                .get(usize::from(d.label))
                                .copied()
                                .unwrap_or("?"),
                        }
                    );
                }
            }
        }
        errors
    }
}

/// Fails on purpose when built with `FACENMF_FAULT` (tests only).
fn inject_fault() {
    #[cfg(facenmf_fault = "panic")]
    panic!("injected (FACENMF_FAULT=panic)");
    #[cfg(facenmf_fault = "hardfault")]
    cortex_m::asm::udf(); // UsageFault, escalated to HardFault
    #[cfg(facenmf_fault = "hang")]
    loop {
        cortex_m::asm::nop();
    }
}

/// Writes [`PAINT`] over the stack below the current frame.
#[inline(never)]
fn paint_stack() {
    let lo = addr_of_mut!(_stack_end) as usize;
    let sp = cortex_m::register::msp::read() as usize;
    let mut a = lo;
    while a + 256 < sp {
        // SAFETY: `lo..sp - 256` is free stack, word aligned, nobody uses it yet.
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
        a += 4;
    }
}

/// (peak bytes used, bytes available) of the stack, from the paint left.
fn stack_use() -> (usize, usize) {
    let lo = addr_of_mut!(_stack_end) as usize;
    let hi = addr_of!(_stack_start) as usize;
    let mut a = lo;
    // SAFETY: reads of aligned words of the stack region.
    while a < hi && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    (hi - a, hi - lo)
}

fn fail(what: &dyn core::fmt::Display) -> ! {
    eprintln!("error: {}", what);
    semihosting::process::exit(exit::SETUP)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    eprintln!("panic: {}", info);
    semihosting::process::exit(exit::PANIC)
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    eprintln!("hardfault at pc={:#010x}", frame.pc());
    semihosting::process::exit(exit::HARDFAULT)
}
