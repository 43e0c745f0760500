//! The whole pipeline on one frame: thumbnail → features → encode → project
//! → classify.
//!
//! [`Recogniser::new_checked`] checks once that the stages fit together
//! (thumbnail size = feature input, feature length = basis width D, code
//! length K = projection input, projection output = template length M, `k`
//! within bounds); after that [`Recogniser::recognise`] only checks the
//! caller's buffers.
//!
//! # Working space
//! [`Recogniser::recognise`] takes one `work` buffer of
//! [`Recogniser::work_len`] values: the thumbnail, followed by the features
//! unless they are the thumbnail itself ([`crate::Features::Raw`], whose
//! `work` is just the thumbnail). In f32: raw 32 x 24 → 3 KiB; LBP 8 x 6
//! cells over 64 x 48 → 3072 + 2832 values, 23 KiB (11 KiB of it the
//! features).

use crate::coder::Coder;
use crate::error::{FeatureError, GalleryError, InputError, ModelError, ThumbnailError};
use crate::features::FeatureExtractor;
use crate::gallery::{Decision, Gallery, Metric, MAX_NEIGHBOURS};
use crate::nnls::SolveReport;
use crate::project::Projection;
use crate::thumbnail::{Crop, Thumbnailer};
use crate::validate;

/// Any error of the pipeline, by stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error {
    /// The stages do not fit together, or a model buffer is invalid.
    Model(ModelError),
    /// The frame or thumbnail buffer is wrong.
    Thumbnail(ThumbnailError),
    /// The feature stage refused its size or buffers.
    Features(FeatureError),
    /// A buffer between stages is wrong.
    Input(InputError),
    /// The gallery refused (empty, bad k).
    Gallery(GalleryError),
}

impl From<ModelError> for Error {
    fn from(e: ModelError) -> Self {
        Self::Model(e)
    }
}
impl From<ThumbnailError> for Error {
    fn from(e: ThumbnailError) -> Self {
        Self::Thumbnail(e)
    }
}
impl From<FeatureError> for Error {
    fn from(e: FeatureError) -> Self {
        Self::Features(e)
    }
}
impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}
impl From<GalleryError> for Error {
    fn from(e: GalleryError) -> Self {
        Self::Gallery(e)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Model(e) => write!(f, "model: {e}"),
            Self::Thumbnail(e) => write!(f, "thumbnail: {e}"),
            Self::Features(e) => write!(f, "features: {e}"),
            Self::Input(e) => write!(f, "encode: {e}"),
            Self::Gallery(e) => write!(f, "gallery: {e}"),
        }
    }
}

impl core::error::Error for Error {}

/// What [`Recogniser::recognise`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Recognition {
    /// Who, how far, how many votes.
    pub decision: Decision,
    /// What the encoder did.
    pub solve: SolveReport,
}

/// The five stages, validated to fit together. Templates have M values; the
/// gallery has room for N enrolled at run time.
#[derive(Debug, Clone)]
pub struct Recogniser<'a, const M: usize, const N: usize> {
    thumbnailer: Thumbnailer,
    features: FeatureExtractor,
    encoder: Coder<'a>,
    projection: Projection<'a>,
    /// The gallery; enrol and remove people through it.
    pub gallery: Gallery<'a, M, N>,
    k: usize,
    metric: Metric,
}

impl<'a, const M: usize, const N: usize> Recogniser<'a, M, N> {
    /// Checks that the stages fit together. `encoder` is the NMF
    /// [`crate::Encoder`] or a [`crate::LinearEncoder`] (see [`Coder`]).
    pub fn new_checked(
        thumbnailer: Thumbnailer,
        features: FeatureExtractor,
        encoder: impl Into<Coder<'a>>,
        projection: Projection<'a>,
        gallery: Gallery<'a, M, N>,
        k: usize,
        metric: Metric,
    ) -> Result<Self, Error> {
        let encoder = encoder.into();
        let fits = |what, expected, actual| {
            if expected == actual {
                Ok(())
            } else {
                Err(ModelError::Length {
                    what,
                    expected,
                    actual,
                })
            }
        };
        fits(
            "feature input width (thumbnail width)",
            thumbnailer.out_width(),
            features.width(),
        )?;
        fits(
            "feature input height (thumbnail height)",
            thumbnailer.out_height(),
            features.height(),
        )?;
        fits(
            "features (basis width D)",
            encoder.d(),
            features.output_len(),
        )?;
        fits("projection input (K)", encoder.k(), projection.k())?;
        fits(
            "projection output (template length M)",
            M,
            projection.out_len(),
        )?;
        if k == 0 || k > MAX_NEIGHBOURS {
            return Err(GalleryError::BadK { k }.into());
        }
        Ok(Self {
            thumbnailer,
            features,
            encoder,
            projection,
            gallery,
            k,
            metric,
        })
    }

    /// The thumbnail stage.
    pub const fn thumbnailer(&self) -> &Thumbnailer {
        &self.thumbnailer
    }

    /// Takes the thumbnail from `crop` of the frame from now on (the crop a
    /// face locator chose); a crop outside the frame is refused and the
    /// recogniser keeps its crop.
    pub fn set_crop(&mut self, crop: Crop) -> Result<(), Error> {
        self.thumbnailer = self.thumbnailer.with_crop(crop)?;
        Ok(())
    }

    /// The feature stage.
    pub const fn features(&self) -> &FeatureExtractor {
        &self.features
    }

    /// Values of the working space [`Recogniser::recognise`] needs: the
    /// thumbnail, plus the features unless they are the thumbnail itself.
    pub const fn work_len(&self) -> usize {
        if self.features.is_identity() {
            self.thumbnailer.out_len()
        } else {
            self.thumbnailer.out_len() + self.features.output_len()
        }
    }

    /// The encoder stage.
    pub const fn encoder(&self) -> &Coder<'a> {
        &self.encoder
    }

    /// The projection stage.
    pub const fn projection(&self) -> &Projection<'a> {
        &self.projection
    }

    /// Maps a feature vector (D values; the thumbnail itself for raw
    /// features) into the comparison space: encodes into `code` (K values),
    /// then projects into `out` (M values).
    pub fn embed(
        &self,
        features: &[f32],
        code: &mut [f32],
        out: &mut [f32; M],
    ) -> Result<SolveReport, Error> {
        validate::finite(features)?;
        self.embed_finite(features, code, out)
    }

    /// [`Recogniser::embed`] of a finite feature vector.
    fn embed_finite(
        &self,
        features: &[f32],
        code: &mut [f32],
        out: &mut [f32; M],
    ) -> Result<SolveReport, Error> {
        let solve = self.encoder.encode_finite(features, code)?;
        if self.projection.has_map() {
            self.projection.apply(code, out)?;
        } else {
            // No map (M = K): the projection works in place on the code.
            let y = self.projection.apply(code, &mut [])?;
            out.copy_from_slice(y);
        }
        Ok(solve)
    }

    /// Recognises one frame, using `work` ([`Recogniser::work_len`] values,
    /// see the module) and `code` (K values) as working space; `work` ends
    /// holding the thumbnail (then the features), `code` the encoder's code
    /// (after the optional square root and normalisation) and `out` the
    /// projected vector.
    ///
    /// A `work` of the wrong length is refused by the thumbnail stage
    /// ([`ThumbnailError::OutputLength`], expecting [`Recogniser::work_len`]).
    pub fn recognise(
        &self,
        frame: &[u8],
        work: &mut [f32],
        code: &mut [f32],
        out: &mut [f32; M],
    ) -> Result<Recognition, Error> {
        if work.len() != self.work_len() {
            return Err(ThumbnailError::OutputLength {
                expected: self.work_len(),
                actual: work.len(),
            }
            .into());
        }
        let (thumb, features) = work.split_at_mut(self.thumbnailer.out_len());
        self.thumbnailer.run(frame, thumb)?;
        // A thumbnail is finite by construction (exact sums over a positive
        // denominator), and so are its LBP histograms (counts over a positive
        // count): no pass over them looking for NaN.
        let solve = if self.features.is_identity() {
            self.embed_finite(thumb, code, out)?
        } else {
            self.features.run(thumb, features)?;
            self.embed_finite(features, code, out)?
        };
        let decision = self.gallery.classify(out, self.k, self.metric)?;
        Ok(Recognition { decision, solve })
    }
}
