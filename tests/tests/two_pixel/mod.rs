//! The two-pixel model and the scripted camera of the firmware's host
//! tests (`firmware_app`, `firmware_enrol`).
//!
//! A 2 x 1 frame is its own thumbnail; the basis is the two pixels, so the
//! code is the frame / 255 and the gallery has one person a pixel: Ada
//! (label 0) and Alan (label 1).

use facenmf_core::gallery::{Gallery, Metric};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{Encoder, FeatureExtractor, Projection, Recogniser, StopRule};
use facenmf_firmware::camera::{Camera, ErrorKind, ErrorType};

static BASIS: [[f32; 2]; 2] = [[1.0, 0.0], [0.0, 1.0]];
static GRAM: [[f32; 2]; 2] = [[1.0, 0.0], [0.0, 1.0]];
/// The flash templates: one person a pixel.
pub static TEMPLATES: [(u16, [f32; 2]); 2] = [(0, [1.0, 0.0]), (1, [0.0, 1.0])];
/// Their names.
pub static NAMES: [&str; 2] = ["Ada", "Alan"];

/// The two-pixel recogniser with room for `N` enrolled people, the nearest
/// template (squared L2) known within `threshold`.
pub fn recogniser<const N: usize>(threshold: f32) -> Recogniser<'static, 2, N> {
    let thumbnailer =
        Thumbnailer::new_checked(2, 1, PixelFormat::Gray8, Crop::full(2, 1), 2, 1).unwrap();
    let encoder = Encoder::from_arrays(&BASIS, &GRAM, StopRule::new(50, 1e-6)).unwrap();
    let projection = Projection::new_checked(2, false, false, None).unwrap();
    let mut gallery = Gallery::new_checked(&TEMPLATES).unwrap();
    gallery.set_threshold(threshold);
    Recogniser::new_checked(
        thumbnailer,
        FeatureExtractor::raw(&thumbnailer),
        encoder,
        projection,
        gallery,
        1,
        Metric::SquaredL2,
    )
    .unwrap()
}

/// A camera that serves the given frames of `N` bytes in order, then times
/// out (2 bytes: a gray 2 x 1 frame; 4: the same in YUYV).
pub struct Script<const N: usize = 2>(pub Vec<[u8; N]>);

impl<const N: usize> ErrorType for Script<N> {
    type Error = ErrorKind;
}

impl<const N: usize> Camera for Script<N> {
    fn frame_len(&self) -> usize {
        N
    }
    fn capture(&mut self, frame: &mut [u8]) -> Result<(), ErrorKind> {
        if self.0.is_empty() {
            return Err(ErrorKind::Timeout);
        }
        frame.copy_from_slice(&self.0.remove(0));
        Ok(())
    }
}
