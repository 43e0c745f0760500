//! Board 1b: QEMU's `netduinoplus2` with enrolment at the door and a
//! template store that survives a restart of the emulator.
//!
//! The store's flash is a RAM region with NOR rules (bits only go 1 → 0,
//! erase by 8 KiB sector, 4-byte write unit) mirrored into the host file
//! `facenmf-store.bin` in QEMU's working directory through semihosting:
//! it is read at boot (created erased when missing) and every write or erase
//! is written through to the same bytes of the file before it returns, so
//! killing the emulator keeps exactly what the flash would keep.
//!
//! The button is scripted: byte `i` of `facenmf-buttons.bin` (if present)
//! is 1 when the button is down during frame `i`. Gestures are decoded by
//! `facenmf_firmware::gesture::Button` (2 released frames end one).
//!
//! Replays the built-in frames once each. Lines (f32 as `to_bits` hex):
//!
//! ```text
//! facenmf-door frames=<n> m=<M> model=<id hex> classes=<C>
//! store people=<n> torn=<t> erased=<e> resumed=<0|1> capacity=<c> slot=<bytes>
//! store refused <why>                        (another model, bad region, ...)
//! gesture=<i> <Enrol|DeleteLast|DeleteAll> <progress>
//! frame=<i> label=<l> known=<0|1> distance=<hex> converged=<0|1> out=<hex,..>
//! door=<i> <progress>
//! done frames=<n> errors=<e> people=<n>
//! ```
//!
//! While enrolling, [`facenmf_mark`] runs around each frame's inference and
//! around the door's step, for the instruction-counting plugin.
//!
//! Exit codes as the `qemu` board: 0, 1 (a frame failed), 2 (bad model or
//! frames), 101 (panic), 102 (HardFault).
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use facenmf_core::gallery::Identity;
use facenmf_firmware::app::NoStopwatch;
use facenmf_firmware::enrol::{Config, Door, Progress};
use facenmf_firmware::frames::{Frames, Replay};
use facenmf_firmware::gesture::Button;
use facenmf_firmware::indicator::StatePin;
use facenmf_firmware::{App, Workspace};
use facenmf_store::{RamNor, RamNorError, Region, Store};
use semihosting::fs::File;
use semihosting::io::{Read, Seek, SeekFrom, Write};
use semihosting::{eprintln, print, println};

/// The exported model (see `build.rs`).
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}
use model::*;

static FRAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/frames.bin"));

const FRAME_LEN: usize = FRAME_WIDTH * FRAME_HEIGHT * PIXEL_FORMAT.bytes_per_pixel();
/// People the gallery takes beyond the flash templates (and the store's index).
const ENROLLED: usize = 16;
/// The store region: two 8 KiB sectors.
const SECTOR: usize = 8 * 1024;
const SECTORS: usize = 2;
const STORE_LEN: usize = SECTOR * SECTORS;
/// Most frames the button script covers.
const MAX_BUTTON_FRAMES: usize = 256;

static mut FRAME: [u8; FRAME_LEN] = [0; FRAME_LEN];
static mut THUMB: [f32; D] = [0.0; D];
static mut CODE: [f32; K] = [0.0; K];
// Zero-initialised (no flash copy); boot loads the file or erases it.
static mut STORE: [u8; STORE_LEN] = [0; STORE_LEN];
static mut BUTTONS: [u8; MAX_BUTTON_FRAMES] = [0; MAX_BUTTON_FRAMES];

/// What the emulated flash refuses: the NOR rules, or the host file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlashError {
    /// A NOR rule (alignment, bounds, a 0 → 1 bit).
    Nor(RamNorError),
    /// The host file could not be written.
    Io,
}

impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            Self::Nor(e) => e.kind(),
            Self::Io => NorFlashErrorKind::Other,
        }
    }
}

/// NOR rules over RAM ([`RamNor`]), written through to the host file.
struct HostNor {
    nor: RamNor<&'static mut [u8; STORE_LEN], 4, SECTOR>,
    file: File,
}

impl HostNor {
    /// Loads the host file (created erased when missing or of another size).
    fn boot(mem: &'static mut [u8; STORE_LEN]) -> Result<Self, &'static str> {
        let path = c"facenmf-store.bin";
        let existing = File::options().read(true).write(true).open(path).ok();
        let file = match existing {
            Some(mut f) if f.metadata().ok().map(|m| m.len()) == Some(STORE_LEN as u64) => {
                f.read_exact(mem).map_err(|_| "reading facenmf-store.bin")?;
                f
            }
            _ => {
                mem.fill(0xFF);
                let mut f = File::create(path).map_err(|_| "creating facenmf-store.bin")?;
                f.write_all(mem).map_err(|_| "writing facenmf-store.bin")?;
                drop(f);
                File::options()
                    .read(true)
                    .write(true)
                    .open(path)
                    .map_err(|_| "reopening facenmf-store.bin")?
            }
        };
        Ok(Self {
            nor: RamNor::new(mem),
            file,
        })
    }

    /// Writes bytes `from..to` of the region to the host file.
    fn persist(&mut self, from: usize, to: usize) -> Result<(), FlashError> {
        self.file
            .seek(SeekFrom::Start(from as u64))
            .map_err(|_| FlashError::Io)?;
        self.file
            .write_all(&self.nor.bytes()[from..to])
            .map_err(|_| FlashError::Io)
    }
}

impl ErrorType for HostNor {
    type Error = FlashError;
}

impl ReadNorFlash for HostNor {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), FlashError> {
        self.nor.read(offset, bytes).map_err(FlashError::Nor)
    }

    fn capacity(&self) -> usize {
        STORE_LEN
    }
}

impl NorFlash for HostNor {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = SECTOR;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        self.nor.erase(from, to).map_err(FlashError::Nor)?;
        self.persist(from as usize, to as usize)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), FlashError> {
        self.nor.write(offset, bytes).map_err(FlashError::Nor)?;
        self.persist(offset as usize, offset as usize + bytes.len())
    }
}

/// The instruction-counting plugin prints its counter each time this runs:
/// around the inference and around the door's step of each frame seen while
/// enrolling (four marks a frame).
#[no_mangle]
#[inline(never)]
pub extern "C" fn facenmf_mark() {
    cortex_m::asm::nop();
}

fn mark_if(on: bool) {
    if on {
        facenmf_mark();
    }
}

/// Reads the button script into `buf`; how many frames it covers.
fn buttons(buf: &mut [u8; MAX_BUTTON_FRAMES]) -> usize {
    let Ok(mut f) = File::open(c"facenmf-buttons.bin") else {
        return 0;
    };
    let len = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
    let len = len.min(MAX_BUTTON_FRAMES);
    match f.read_exact(&mut buf[..len]) {
        Ok(()) => len,
        Err(_) => 0,
    }
}

#[entry]
fn main() -> ! {
    let frames = match Frames::new_checked(FRAMES) {
        Ok(f) if f.count() > 0 && f.frame_len() == FRAME_LEN => f,
        Ok(_) => fail(&"the built-in frames are missing or do not fit the model's frame size"),
        Err(e) => fail(&e),
    };
    let recogniser = match model::recogniser::<ENROLLED>() {
        Ok(r) => r,
        Err(e) => fail(&e),
    };
    println!(
        "facenmf-door frames={} m={} model={:016x} classes={}",
        frames.count(),
        M,
        MODEL_ID,
        CLASSES
    );
    // SAFETY: main runs once and never returns; these are its only borrows.
    let (mut ws, store_mem, script) = unsafe {
        (
            Workspace {
                frame: &mut *addr_of_mut!(FRAME),
                thumb: &mut *addr_of_mut!(THUMB),
                code: &mut *addr_of_mut!(CODE),
                out: [0.0; M],
            },
            &mut *addr_of_mut!(STORE),
            &mut *addr_of_mut!(BUTTONS),
        )
    };
    let pressed = buttons(script);
    let Some(camera) = Replay::new(frames) else {
        fail(&"no frames")
    };
    let mut app = App::new(
        recogniser,
        &CLASS_NAMES,
        camera,
        StatePin::default(),
        NoStopwatch,
    );
    let flash = match HostNor::boot(store_mem) {
        Ok(f) => f,
        Err(e) => fail(&e),
    };
    let region = Region {
        start: 0,
        sectors: SECTORS as u32,
    };
    let mut door = match Store::<_, M, ENROLLED>::open(flash, region, MODEL_ID) {
        Ok((store, r)) => {
            println!(
                "store people={} torn={} erased={} resumed={} capacity={} slot={}",
                r.people,
                r.torn_slots,
                r.erased_sectors,
                u8::from(r.resumed),
                store.capacity(),
                store.slot_bytes()
            );
            let mut door = Door::new(store, Config::new(CLASSES as u16));
            if let Err(e) = door.load(&mut app.recogniser_mut().gallery) {
                println!("store load failed {:?}", e);
            }
            Some(door)
        }
        Err((_, e)) => {
            println!("store refused {}", e);
            None
        }
    };

    let mut button = Button::new(2);
    let mut errors = 0u32;
    for i in 0..frames.count() {
        let down = script[..pressed].get(i).is_some_and(|&b| b != 0);
        if let (Some(g), Some(door)) = (button.update(down), door.as_mut()) {
            let p = door.gesture(g, &mut app.recogniser_mut().gallery);
            println!("gesture={} {:?} {:?}", i, g, p);
        }
        let enrolling = door.as_ref().is_some_and(|d| d.is_collecting());
        mark_if(enrolling);
        let result = app.step(&mut ws);
        mark_if(enrolling);
        match &result {
            Ok(r) => {
                print!(
                    "frame={} label={} known={} distance={:08x} converged={} out=",
                    r.frame,
                    r.label,
                    u8::from(matches!(r.identity, Identity::Known(_))),
                    r.distance.to_bits(),
                    u8::from(r.converged)
                );
                for (j, x) in ws.out.iter().enumerate() {
                    if j > 0 {
                        print!(",");
                    }
                    print!("{:08x}", x.to_bits());
                }
                println!();
            }
            Err(e) => {
                errors += 1;
                println!("error={} {:?}", i, e);
            }
        }
        if let Some(door) = door.as_mut() {
            mark_if(enrolling);
            let p = door.frame(&result, &ws.out, &mut app.recogniser_mut().gallery);
            mark_if(enrolling);
            if p != Progress::Idle {
                println!("door={} {:?}", i, p);
            }
            if let Some(level) = p.indicator(i as u32) {
                let _ = app.indicate(level);
            }
        }
    }
    println!(
        "done frames={} errors={} people={}",
        frames.count(),
        errors,
        door.as_ref().map_or(0, |d| d.store().len())
    );
    semihosting::process::exit(i32::from(errors > 0))
}

fn fail(what: &dyn core::fmt::Display) -> ! {
    eprintln!("error: {}", what);
    semihosting::process::exit(2)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    eprintln!("panic: {}", info);
    semihosting::process::exit(101)
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    eprintln!("hardfault at pc={:#010x}", frame.pc());
    semihosting::process::exit(102)
}
