//! Runs the face locator on built-in frames, between calls of
//! `facenmf_mark` that the firmware's QEMU plugin (`firmware/tools/icount.c`)
//! counts: per frame, first the pyramid alone (every level resampled into the
//! integral table), then the whole `Locator::locate`. One line a frame over
//! semihosting with the crop, to compare with `facenmf detect` on the host.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use facenmf_core::locate::integral::{add_row, clear_top};
use facenmf_core::locate::pyramid::resample_row;
use facenmf_core::locate::{Candidate, Face, LbpCascade, Locator, Pyramid, Workspace};
use semihosting::println;

#[allow(dead_code)]
mod model {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}

const W: usize = 160;
const H: usize = 120;
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
    let Ok(cascade) = LbpCascade::new_checked(
        model::WINDOW.0,
        model::WINDOW.1,
        &model::FEATURES,
        &model::WEAKS,
        &model::STAGES,
    ) else {
        semihosting::process::exit(2)
    };
    let Ok(pyramid) = Pyramid::new_checked(model::PYRAMID.0, model::PYRAMID.1, model::PYRAMID.2)
    else {
        semihosting::process::exit(2)
    };
    let pyramid = pyramid.coarse_until(model::PYRAMID.3);
    let Ok(locator) = Locator::new_checked(
        cascade,
        pyramid,
        model::BOX_MAP,
        model::MIN_NEIGHBOURS,
        W,
        H,
    ) else {
        semihosting::process::exit(2)
    };
    // 161 x 121: enough for a first scale of 1.0 too.
    let mut table = [0u32; (W + 1) * (H + 1)];
    let mut row = [0u8; W];
    let mut candidates = [Candidate::default(); facenmf_core::locate::CANDIDATES];
    let mut faces = [Face::default(); facenmf_core::locate::FACES];
    let mut work = Workspace {
        level: &mut row,
        table: &mut table,
        candidates: &mut candidates,
        faces: &mut faces,
    };
    for (i, frame) in FRAMES.chunks_exact(W * H).enumerate() {
        facenmf_mark();
        let mut index = 0;
        while let Some(level) = locator.level(index) {
            clear_top(level.width, work.table);
            for ly in 0..level.height {
                let r = &mut work.level[..level.width];
                resample_row(frame, W, H, &level, ly, r);
                add_row(r, ly, work.table);
            }
            index += 1;
        }
        facenmf_mark();
        let answer = locator.locate(frame, &mut work);
        facenmf_mark();
        match answer {
            Ok(a) => match a.crop {
                Some(c) => println!(
                    "frame={i} top={} left={} height={} width={} windows={}",
                    c.y, c.x, c.height, c.width, a.windows
                ),
                None => println!("frame={i} none windows={}", a.windows),
            },
            Err(_) => println!("frame={i} error"),
        }
    }
    semihosting::process::exit(0)
}
