//! Runs the face locator on built-in frames, between calls of
//! `facenmf_mark` that the firmware's QEMU plugin (`firmware/tools/icount.c`)
//! counts: per frame one mark before `Locator::locate_with`, one after each
//! pyramid level (coarse pass first, then fine), one after the search and
//! one after the verifier (right after the search without one), so the
//! differences are each level's instructions (resampling its searched region
//! into the integral table and the cascade on its windows), then the
//! grouping and choice, then the verifier. One line a frame over semihosting with the crop and
//! the number of levels, to compare with `facenmf detect` on the host.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use facenmf_core::locate::{Candidate, Face, Workspace, CANDIDATES, FACES, SEEDS};
use semihosting::println;

#[allow(dead_code)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}

const W: usize = model::FRAME.0;
const H: usize = model::FRAME.1;
static FRAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/frames.bin"));

/// Counted by the plugin each time it runs.
#[no_mangle]
#[inline(never)]
pub extern "C" fn facenmf_mark() {
    cortex_m::asm::nop();
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    semihosting::process::exit(101)
}

#[entry]
fn main() -> ! {
    let Ok(locator) = model::locator() else {
        semihosting::process::exit(2)
    };
    let Ok(verifier) = model::verifier() else {
        semihosting::process::exit(2)
    };
    let mut table = [0u32; model::TABLE_LEN];
    let mut columns = [0u32; model::COLUMNS_LEN];
    let mut mask = [0u32; model::MASK_LEN];
    let mut candidates = [Candidate::EMPTY; CANDIDATES];
    let mut seeds = [Candidate::EMPTY; SEEDS];
    let mut faces = [Face::EMPTY; FACES];
    let mut work = Workspace {
        columns: &mut columns,
        table: &mut table,
        candidates: &mut candidates,
        seeds: &mut seeds,
        mask: &mut mask,
        faces: &mut faces,
    };
    for (i, frame) in FRAMES.chunks_exact(W * H).enumerate() {
        let mut levels = 0;
        facenmf_mark();
        let answer = locator.locate_with(frame, &mut work, |_| {
            levels += 1;
            facenmf_mark();
        });
        facenmf_mark();
        let answer = match (answer, &verifier) {
            (Ok(a), Some(v)) => v.confirm(&locator, frame, a, &mut work).map(|(a, _)| a),
            (answer, _) => answer,
        };
        facenmf_mark();
        match answer {
            Ok(a) => match a.crop {
                Some(c) => println!(
                    "frame={i} levels={levels} top={} left={} height={} width={} windows={}",
                    c.y, c.x, c.height, c.width, a.windows
                ),
                None => println!("frame={i} levels={levels} none windows={}", a.windows),
            },
            Err(_) => println!("frame={i} levels={levels} error"),
        }
    }
    semihosting::process::exit(0)
}
