//! Device thumbnails of any dataset, made by the chip's own code
//! (`facenmf_core::thumbnail`), so that training sees the pixels the chip sees.

use super::{DataError, Dataset, Result};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};

impl Dataset {
    /// Each image as the camera would deliver it (8-bit gray, `round(x * 255)`),
    /// cut to `crop` and area-averaged to `out_height x out_width` by
    /// [`Thumbnailer`]. Labels and names are kept.
    pub fn thumbnails(&self, crop: Crop, out_height: usize, out_width: usize) -> Result<Dataset> {
        let t = Thumbnailer::new_checked(
            self.width,
            self.height,
            PixelFormat::Gray8,
            crop,
            out_width,
            out_height,
        )
        .map_err(|e| {
            DataError::option(format!(
                "thumbnail of {}x{} images, crop {crop:?}, to {out_height}x{out_width}: {e}",
                self.height, self.width
            ))
        })?;
        let d = out_height * out_width;
        let mut images = vec![0f32; self.len() * d];
        let mut frame = vec![0u8; self.pixels()];
        for i in 0..self.len() {
            for (f, &x) in frame.iter_mut().zip(self.image(i)) {
                *f = super::gray8(x);
            }
            t.run(&frame, &mut images[i * d..(i + 1) * d])
                .map_err(|e| DataError::option(format!("thumbnail of image {i}: {e}")))?;
        }
        Ok(Dataset {
            images,
            labels: self.labels.clone(),
            class_names: self.class_names.clone(),
            height: out_height,
            width: out_width,
            source: format!(
                "{}; device thumbnails: crop x={} y={} {}x{} -> {out_height}x{out_width}",
                self.source, crop.x, crop.y, crop.width, crop.height
            ),
        })
    }
}
