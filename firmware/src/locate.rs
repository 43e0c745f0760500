//! Whole frames: find the face, then recognise it.
//!
//! [`Spotter`] runs the face locator (`facenmf_core::locate`) on a gray
//! frame ([`Spotter::locate`]), with the verifier (a Haar cascade confirming
//! the grouped faces, `facenmf_core::locate::verify`) when it has one; the
//! crop it chose becomes the recogniser's
//! crop and is recognised ([`Spotter::recognise`]); a frame with no face has
//! no crop and is not recognised. The recogniser's thumbnailer must read
//! 8-bit gray frames of the locator's size (checked once by
//! [`Spotter::new_checked`]); the crop it was built with is replaced on each
//! frame.
//!
//! [`luma_in_place`] turns a YUYV frame into its gray luma in the same
//! buffer, for cameras that send YUYV (the DISC1's OV7670).

use facenmf_core::locate::{
    LevelReport, LocateError, Located, Locator, Verifier, Workspace as LocateWork,
};
use facenmf_core::recognise::{Error as RecogniseError, Recogniser, Recognition};
use facenmf_core::thumbnail::{Crop, PixelFormat};

/// Why a [`Spotter`] cannot be built or a frame cannot be spotted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SpotError {
    /// The recogniser does not read 8-bit gray frames of the locator's size.
    FrameGeometry,
    /// The locator refused the frame or its buffers.
    Locate(LocateError),
    /// The recogniser failed on the chosen crop.
    Recognise(RecogniseError),
}

impl core::fmt::Display for SpotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::FrameGeometry => f.write_str(
                "the model's thumbnailer does not read 8-bit gray frames of the locator's size",
            ),
            Self::Locate(e) => write!(f, "locate: {e}"),
            Self::Recognise(e) => write!(f, "recognise: {e}"),
        }
    }
}

/// The face locator in front of a recogniser.
#[derive(Debug, Clone)]
pub struct Spotter<'m, const M: usize, const N: usize> {
    locator: Locator<'m>,
    verifier: Option<Verifier<'m>>,
    recogniser: Recogniser<'m, M, N>,
}

impl<'m, const M: usize, const N: usize> Spotter<'m, M, N> {
    /// Checks that `recogniser` reads [`PixelFormat::Gray8`] frames of the
    /// locator's width and height.
    pub fn new_checked(
        locator: Locator<'m>,
        recogniser: Recogniser<'m, M, N>,
    ) -> Result<Self, SpotError> {
        let t = recogniser.thumbnailer();
        if t.format() != PixelFormat::Gray8 || t.frame_len() != locator.width() * locator.height() {
            return Err(SpotError::FrameGeometry);
        }
        Ok(Self {
            locator,
            verifier: None,
            recogniser,
        })
    }

    /// The same spotter with `verifier` confirming the grouped faces (the
    /// locator's integral table, as [`Verifier::table_len`] sizes it, serves
    /// as its scratch).
    #[must_use]
    pub fn with_verifier(self, verifier: Option<Verifier<'m>>) -> Self {
        Self { verifier, ..self }
    }

    /// The verifier, if any.
    pub const fn verifier(&self) -> Option<&Verifier<'m>> {
        self.verifier.as_ref()
    }

    /// The locator.
    pub const fn locator(&self) -> &Locator<'m> {
        &self.locator
    }

    /// The recogniser (its crop is the last frame's).
    pub const fn recogniser(&self) -> &Recogniser<'m, M, N> {
        &self.recogniser
    }

    /// Locates the face of `gray` (the locator's width · height bytes),
    /// calling `on_level` after each pyramid level and `on_search` when the
    /// search is done, before the verifier (if any) confirms the faces.
    pub fn locate(
        &self,
        gray: &[u8],
        work: &mut LocateWork<'_>,
        on_level: impl FnMut(LevelReport),
        on_search: impl FnOnce(),
    ) -> Result<Located, SpotError> {
        let located = self
            .locator
            .locate_with(gray, work, on_level)
            .map_err(SpotError::Locate)?;
        on_search();
        match &self.verifier {
            Some(v) => v
                .confirm(&self.locator, gray, located, work)
                .map(|(l, _)| l)
                .map_err(SpotError::Locate),
            None => Ok(located),
        }
    }

    /// Recognises `crop` of `gray` (a crop [`Spotter::locate`] chose) with
    /// `thumb`, `code` and `out` as [`Recogniser::recognise`] does.
    pub fn recognise(
        &mut self,
        gray: &[u8],
        crop: Crop,
        thumb: &mut [f32],
        code: &mut [f32],
        out: &mut [f32; M],
    ) -> Result<Recognition, SpotError> {
        self.recogniser
            .set_crop(crop)
            .map_err(SpotError::Recognise)?;
        self.recogniser
            .recognise(gray, thumb, code, out)
            .map_err(SpotError::Recognise)
    }
}

/// Turns the YUYV frame in `frame` (Y0 U Y1 V …) into its luma, one byte a
/// pixel, in `frame[..frame.len() / 2]`; returns that length. The gray
/// levels are the ones the recogniser reads from YUYV (the luma).
pub fn luma_in_place(frame: &mut [u8]) -> usize {
    let n = frame.len() / 2;
    for i in 0..n {
        frame[i] = frame[2 * i];
    }
    n
}
