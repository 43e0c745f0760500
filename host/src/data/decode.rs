//! Decoding JPEG, PNG and PGM files into 8-bit pixels (gray or RGB).

use super::{DataError, Result};
use std::path::Path;

/// An 8-bit image, row-major, `channels` bytes per pixel (1 = gray, 3 = RGB).
#[derive(Debug, Clone, PartialEq)]
pub struct Image8 {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// 1 (gray) or 3 (RGB).
    pub channels: usize,
    /// `height * width * channels` bytes.
    pub data: Vec<u8>,
}

impl Image8 {
    /// Copies rows `r0..r1` and columns `c0..c1` (the caller checks the bounds).
    pub fn crop(&self, r0: usize, r1: usize, c0: usize, c1: usize) -> Image8 {
        let ch = self.channels;
        let mut data = Vec::with_capacity((r1 - r0) * (c1 - c0) * ch);
        for r in r0..r1 {
            let row = &self.data[(r * self.width) * ch..(r * self.width + self.width) * ch];
            data.extend_from_slice(&row[c0 * ch..c1 * ch]);
        }
        Image8 {
            width: c1 - c0,
            height: r1 - r0,
            channels: ch,
            data,
        }
    }

    /// Gray floats in `[0, 1]` as scikit-learn makes them: each channel divided
    /// by 255 in f32, then RGB averaged as `((r + g) + b) / 3` in f32.
    pub fn to_gray_f32(&self) -> Vec<f32> {
        if self.channels == 1 {
            return self.data.iter().map(|&v| f32::from(v) / 255.0).collect();
        }
        self.data
            .chunks_exact(self.channels)
            .map(|p| {
                let (r, g, b) = (
                    f32::from(p[0]) / 255.0,
                    f32::from(p[1]) / 255.0,
                    f32::from(p[2]) / 255.0,
                );
                ((r + g) + b) / 3.0
            })
            .collect()
    }
}

/// The image formats understood by [`decode_file`].
pub const EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "pgm"];

/// True when `path` has one of [`EXTENSIONS`] (any case).
pub fn is_image_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Reads and decodes a JPEG, PNG or PGM file (recognised by its first bytes).
pub fn decode_file(path: &Path) -> Result<Image8> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    decode_bytes(&bytes).map_err(|problem| DataError::bad(path, problem))
}

/// Decodes JPEG, PNG or PGM bytes; the error says what is wrong.
pub fn decode_bytes(bytes: &[u8]) -> std::result::Result<Image8, String> {
    let img = if bytes.starts_with(&[0xff, 0xd8]) {
        decode_jpeg(bytes)?
    } else if bytes.starts_with(b"\x89PNG") {
        decode_png(bytes)?
    } else if bytes.starts_with(b"P5") || bytes.starts_with(b"P2") {
        decode_pgm(bytes)?
    } else if bytes.is_empty() {
        return Err("empty file, not an image".into());
    } else {
        return Err("not a JPEG, PNG or PGM image".into());
    };
    if img.width == 0 || img.height == 0 {
        return Err("image has no pixels".into());
    }
    Ok(img)
}

fn decode_jpeg(bytes: &[u8]) -> std::result::Result<Image8, String> {
    use jpeg_decoder::PixelFormat;
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let pixels = d.decode().map_err(|e| format!("corrupt JPEG: {e}"))?;
    let info = d.info().ok_or("corrupt JPEG: no header")?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    let (channels, data) = match info.pixel_format {
        PixelFormat::L8 => (1, pixels),
        PixelFormat::L16 => (1, pixels.chunks_exact(2).map(|p| p[0]).collect()),
        PixelFormat::RGB24 => (3, pixels),
        PixelFormat::CMYK32 => return Err("CMYK JPEGs are not supported".into()),
    };
    if data.len() != width * height * channels {
        return Err("corrupt JPEG: decoded size disagrees with its header".into());
    }
    Ok(Image8 {
        width,
        height,
        channels,
        data,
    })
}

fn decode_png(bytes: &[u8]) -> std::result::Result<Image8, String> {
    use png::{ColorType, Transformations};
    let mut d = png::Decoder::new(bytes);
    d.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut r = d.read_info().map_err(|e| format!("corrupt PNG: {e}"))?;
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r
        .next_frame(&mut buf)
        .map_err(|e| format!("corrupt PNG: {e}"))?;
    buf.truncate(info.buffer_size());
    let (width, height) = (info.width as usize, info.height as usize);
    let take = |stride: usize, keep: usize| -> Vec<u8> {
        buf.chunks_exact(stride)
            .flat_map(|p| p[..keep].iter().copied())
            .collect()
    };
    let (channels, data) = match info.color_type {
        ColorType::Grayscale => (1, buf.clone()),
        ColorType::GrayscaleAlpha => (1, take(2, 1)),
        ColorType::Rgb => (3, buf.clone()),
        ColorType::Rgba => (3, take(4, 3)),
        ColorType::Indexed => return Err("indexed PNG was not expanded".into()),
    };
    if data.len() != width * height * channels {
        return Err("corrupt PNG: decoded size disagrees with its header".into());
    }
    Ok(Image8 {
        width,
        height,
        channels,
        data,
    })
}

/// Binary (`P5`) or text (`P2`) PGM, maxval up to 65535 (scaled to 0..255).
fn decode_pgm(bytes: &[u8]) -> std::result::Result<Image8, String> {
    let mut pos = 2;
    let mut header = [0usize; 3];
    for h in header.iter_mut() {
        loop {
            match bytes.get(pos) {
                Some(b'#') => {
                    while bytes.get(pos).is_some_and(|&b| b != b'\n') {
                        pos += 1;
                    }
                }
                Some(b) if b.is_ascii_whitespace() => pos += 1,
                _ => break,
            }
        }
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        *h = std::str::from_utf8(&bytes[start..pos])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or("corrupt PGM header")?;
    }
    let [width, height, maxval] = header;
    if maxval == 0 || maxval > 65535 {
        return Err(format!("PGM maxval {maxval} is out of range"));
    }
    let n = width.checked_mul(height).ok_or("PGM size overflows")?;
    let scale = |v: usize| -> u8 {
        if maxval == 255 {
            v.min(255) as u8
        } else {
            ((v.min(maxval) * 255 + maxval / 2) / maxval) as u8
        }
    };
    let values: Vec<u8> = if bytes[1] == b'5' {
        pos += 1; // the single whitespace after maxval
        let bpp = if maxval < 256 { 1 } else { 2 };
        let need = n.checked_mul(bpp).ok_or("PGM size overflows")?;
        let body = pos
            .checked_add(need)
            .and_then(|end| bytes.get(pos..end))
            .ok_or_else(|| format!("truncated PGM: expected {need} bytes of pixels"))?;
        if bpp == 1 {
            body.iter().map(|&v| scale(usize::from(v))).collect()
        } else {
            body.chunks_exact(2)
                .map(|p| scale(usize::from(u16::from_be_bytes([p[0], p[1]]))))
                .collect()
        }
    } else {
        let text = std::str::from_utf8(&bytes[pos..]).map_err(|_| "corrupt text PGM")?;
        let v: Vec<u8> = text
            .split_ascii_whitespace()
            .take(n)
            .map(|t| t.parse::<usize>().map(scale))
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| "corrupt text PGM: non-numeric pixel")?;
        if v.len() != n {
            return Err(format!("truncated PGM: {} of {n} pixels", v.len()));
        }
        v
    };
    Ok(Image8 {
        width,
        height,
        channels: 1,
        data: values,
    })
}

/// Encodes `img` (gray or RGB) as PNG bytes.
pub fn encode_png(img: &Image8) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, img.width as u32, img.height as u32);
        e.set_color(if img.channels == 1 {
            png::ColorType::Grayscale
        } else {
            png::ColorType::Rgb
        });
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&img.data).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Writes `img` as a PNG file, atomically (temporary file, then rename).
pub fn write_png(path: &Path, img: &Image8) -> Result<()> {
    let bytes =
        encode_png(img).map_err(|p| DataError::bad(path, format!("cannot encode PNG: {p}")))?;
    super::cache::write_atomic(path, &bytes)
}
