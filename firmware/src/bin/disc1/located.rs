//! The face locator on the DISC1's frames (`cfg(facenmf_locator)`): each
//! QQVGA YUYV frame is turned into its luma in place, the locator (exported
//! by `facenmf locator export`, see `build.rs`) finds the face, its verifier
//! (if it has one) confirms it, and its crop becomes the recogniser's crop
//! over the gray frame.
//!
//! RAM: the integral table of the first pyramid level (56,560 B at a first
//! scale of 1.2 with 3 columns of margin) lies in the 64 KiB CCM (`.ccm` in
//! `memory-disc1.x`; the CPU alone reads it, DCMI's DMA writes the frame into main
//! SRAM), so the main SRAM keeps room for the gallery of enrolled people;
//! the level columns, the seed mask, 256 candidates, 64 seeds and 16 faces
//! beside the frame buffer.

use core::ptr::addr_of_mut;

use facenmf_core::locate::{
    Candidate, Face, Locator, Verifier, Workspace as LocateWork, CANDIDATES, FACES, SEEDS,
};
use facenmf_core::recognise::{Error, Recogniser};
use facenmf_core::thumbnail::{Crop, PixelFormat};
use facenmf_core::Thumbnailer;
use facenmf_firmware::locate::luma_in_place;
use facenmf_firmware::ov7670::{QQVGA_HEIGHT, QQVGA_WIDTH};

use super::model::{HEIGHT, M, WIDTH};

/// The exported face locator (see `build.rs`).
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod loc {
    include!(concat!(env!("OUT_DIR"), "/locator.rs"));
}
const _: () = assert!(loc::FRAME.0 == QQVGA_WIDTH && loc::FRAME.1 == QQVGA_HEIGHT);

/// In CCM, not zeroed at boot: [`Finder::new`] clears it.
#[link_section = ".ccm"]
static mut TABLE: [u32; loc::TABLE_LEN] = [0; loc::TABLE_LEN];
static mut COLUMNS: [u32; loc::COLUMNS_LEN] = [0; loc::COLUMNS_LEN];
static mut MASK: [u32; loc::MASK_LEN] = [0; loc::MASK_LEN];
static mut CANDIDATE: [Candidate; CANDIDATES] = [Candidate::EMPTY; CANDIDATES];
static mut SEED: [Candidate; SEEDS] = [Candidate::EMPTY; SEEDS];
static mut FACE: [Face; FACES] = [Face::EMPTY; FACES];

/// The model's thumbnailer for the gray luma of the camera's frames (QQVGA,
/// 8-bit); its crop is replaced on each frame by the located one.
pub fn thumbnailer() -> Result<Thumbnailer, Error> {
    Thumbnailer::new_checked(
        QQVGA_WIDTH,
        QQVGA_HEIGHT,
        PixelFormat::Gray8,
        Crop::full(QQVGA_WIDTH, QQVGA_HEIGHT),
        WIDTH,
        HEIGHT,
    )
    .map_err(Into::into)
}

/// The locator with its buffers.
pub struct Finder {
    locator: Locator<'static>,
    verifier: Option<Verifier<'static>>,
    work: LocateWork<'static>,
}

impl Finder {
    /// Checks the exported locator once; a bad one stops the board with a
    /// message.
    pub fn new() -> Self {
        let locator = match loc::locator() {
            Ok(l) => l,
            Err(e) => defmt::panic!("locator: {}", e),
        };
        let verifier = match loc::verifier() {
            Ok(v) => v,
            Err(e) => defmt::panic!("verifier: {}", e),
        };
        // SAFETY: called once, from main; these are the buffers' only borrows.
        let table = unsafe { &mut *addr_of_mut!(TABLE) };
        table.fill(0);
        // SAFETY: as above.
        let work = unsafe {
            LocateWork {
                columns: &mut *addr_of_mut!(COLUMNS),
                table,
                candidates: &mut *addr_of_mut!(CANDIDATE),
                seeds: &mut *addr_of_mut!(SEED),
                mask: &mut *addr_of_mut!(MASK),
                faces: &mut *addr_of_mut!(FACE),
            }
        };
        Self {
            locator,
            verifier,
            work,
        }
    }

    /// Turns the YUYV `frame` into its luma in place, locates the face and
    /// sets `recogniser`'s crop to it; the gray frame's length, or `None`
    /// when there is no face.
    pub fn find<const N: usize>(
        &mut self,
        frame: &mut [u8],
        recogniser: &mut Recogniser<'_, M, N>,
    ) -> Option<usize> {
        let n = luma_in_place(frame);
        let gray = &frame[..n];
        let located =
            self.locator
                .locate(gray, &mut self.work)
                .and_then(|l| match &self.verifier {
                    Some(v) => v
                        .confirm(&self.locator, gray, l, &mut self.work)
                        .map(|(l, _)| l),
                    None => Ok(l),
                });
        let located = match located {
            Ok(l) => l,
            Err(e) => {
                defmt::warn!("locate: {}", e);
                return None;
            }
        };
        let Some((face, crop)) = located.chosen.zip(located.crop) else {
            defmt::info!("no face ({} windows)", located.windows);
            return None;
        };
        defmt::info!(
            "face at top {} left {} height {} width {} (score {})",
            crop.y,
            crop.x,
            crop.height,
            crop.width,
            face.neighbours
        );
        match recogniser.set_crop(crop) {
            Ok(()) => Some(n),
            Err(e) => {
                defmt::warn!("crop: {}", e);
                None
            }
        }
    }
}
