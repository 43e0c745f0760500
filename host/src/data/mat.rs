//! A small reader for MATLAB v5 `.mat` files (the format of scikit-learn's
//! `olivettifaces.mat`): numeric matrices, zlib-compressed or not, either
//! byte order. Cell arrays, structs, sparse and complex data are reported as
//! unsupported.

use super::{DataError, Result};
use std::io::Read;
use std::path::Path;

const MI_INT8: u32 = 1;
const MI_UINT8: u32 = 2;
const MI_INT16: u32 = 3;
const MI_UINT16: u32 = 4;
const MI_INT32: u32 = 5;
const MI_UINT32: u32 = 6;
const MI_SINGLE: u32 = 7;
const MI_DOUBLE: u32 = 9;
const MI_INT64: u32 = 12;
const MI_UINT64: u32 = 13;
const MI_MATRIX: u32 = 14;
const MI_COMPRESSED: u32 = 15;

/// A numeric matrix read from a `.mat` file, values in MATLAB's column-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct MatArray {
    /// Variable name.
    pub name: String,
    /// Dimensions (rows, columns, ...).
    pub dims: Vec<usize>,
    /// Values, column-major (first index fastest), converted to f64.
    pub data: Vec<f64>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    big: bool,
}

impl<'a> Reader<'a> {
    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.buf.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// Next element: (type, payload). Handles the small-element format and padding.
    fn next(&mut self) -> std::result::Result<Option<(u32, &'a [u8])>, String> {
        if self.pos + 8 > self.buf.len() {
            return Ok(None);
        }
        let first = self.u32_at(self.pos).ok_or("truncated tag")?;
        if first >> 16 != 0 {
            // small data element: 2-byte size, 2-byte type, 4 bytes of data
            let (ty, n) = (first & 0xffff, (first >> 16) as usize);
            if n > 4 {
                return Err(format!(
                    "bad small element of {n} bytes at offset {}",
                    self.pos
                ));
            }
            let data = &self.buf[self.pos + 4..self.pos + 4 + n];
            self.pos += 8;
            return Ok(Some((ty, data)));
        }
        let n = self.u32_at(self.pos + 4).ok_or("truncated tag")? as usize;
        let start = self.pos + 8;
        let end = start
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                format!(
                    "element of {n} bytes at offset {} runs past the end (truncated file?)",
                    self.pos
                )
            })?;
        self.pos = if first == MI_COMPRESSED {
            end
        } else {
            (end + 7) & !7
        };
        Ok(Some((first, &self.buf[start..end])))
    }
}

fn numbers(ty: u32, b: &[u8], big: bool) -> std::result::Result<Vec<f64>, String> {
    macro_rules! conv {
        ($t:ty, $n:expr) => {
            b.chunks_exact($n)
                .map(|c| {
                    let a: [u8; $n] = c.try_into().unwrap_or([0; $n]);
                    (if big {
                        <$t>::from_be_bytes(a)
                    } else {
                        <$t>::from_le_bytes(a)
                    }) as f64
                })
                .collect()
        };
    }
    Ok(match ty {
        MI_INT8 => b.iter().map(|&x| f64::from(x as i8)).collect(),
        MI_UINT8 => b.iter().map(|&x| f64::from(x)).collect(),
        MI_INT16 => conv!(i16, 2),
        MI_UINT16 => conv!(u16, 2),
        MI_INT32 => conv!(i32, 4),
        MI_UINT32 => conv!(u32, 4),
        MI_SINGLE => conv!(f32, 4),
        MI_DOUBLE => conv!(f64, 8),
        MI_INT64 => conv!(i64, 8),
        MI_UINT64 => conv!(u64, 8),
        t => return Err(format!("unsupported numeric data type {t}")),
    })
}

fn parse_matrix(payload: &[u8], big: bool) -> std::result::Result<Option<MatArray>, String> {
    let mut r = Reader {
        buf: payload,
        pos: 0,
        big,
    };
    let (_, flags) = r.next()?.ok_or("matrix without array flags")?;
    let flags0 = flags.get(..4).ok_or("short array flags")?;
    let f = if big {
        u32::from_be_bytes(flags0.try_into().map_err(|_| "short flags")?)
    } else {
        u32::from_le_bytes(flags0.try_into().map_err(|_| "short flags")?)
    };
    let class = f & 0xff;
    let complex = f & 0x800 != 0;
    // classes 6..=15 are numeric (double, single, int8 .. uint64)
    if !(6..=15).contains(&class) || complex {
        return Ok(None);
    }
    let (dty, dims_b) = r.next()?.ok_or("matrix without dimensions")?;
    let dims: Vec<usize> = numbers(dty, dims_b, big)?
        .into_iter()
        .map(|d| d as usize)
        .collect();
    let (_, name_b) = r.next()?.ok_or("matrix without a name")?;
    let name = String::from_utf8_lossy(name_b).into_owned();
    let (rty, real) = r.next()?.ok_or("matrix without data")?;
    let data = numbers(rty, real, big)?;
    let want: usize = dims.iter().product();
    if data.len() != want {
        return Err(format!(
            "variable `{name}` has {} values but dimensions {dims:?}",
            data.len()
        ));
    }
    Ok(Some(MatArray { name, dims, data }))
}

/// Reads the numeric variable `name` from the MATLAB v5 file `path`.
pub fn read_variable(path: &Path, name: &str) -> Result<MatArray> {
    let buf = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    if buf.len() < 128 {
        return Err(DataError::bad(
            path,
            "too short for a MATLAB v5 file (no 128-byte header)",
        ));
    }
    let big = match &buf[126..128] {
        b"IM" => false,
        b"MI" => true,
        _ => {
            let hint = if buf.starts_with(b"\x89HDF") || buf.get(512..516) == Some(b"\x89HDF") {
                " (it looks like MATLAB v7.3/HDF5, which is not supported)"
            } else {
                ""
            };
            return Err(DataError::bad(
                path,
                format!("not a MATLAB v5 .mat file{hint}"),
            ));
        }
    };
    let mut r = Reader {
        buf: &buf,
        pos: 128,
        big,
    };
    let mut seen = Vec::new();
    loop {
        let el = r.next().map_err(|e| DataError::bad(path, e))?;
        let Some((ty, payload)) = el else { break };
        let inflated;
        let (ty, payload) = if ty == MI_COMPRESSED {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(payload)
                .read_to_end(&mut out)
                .map_err(|e| {
                    DataError::bad(path, format!("compressed element does not inflate: {e}"))
                })?;
            inflated = out;
            let mut inner = Reader {
                buf: &inflated,
                pos: 0,
                big,
            };
            match inner.next().map_err(|e| DataError::bad(path, e))? {
                Some((t, p)) => (t, p),
                None => continue,
            }
        } else {
            (ty, payload)
        };
        if ty != MI_MATRIX {
            continue;
        }
        if let Some(m) = parse_matrix(payload, big).map_err(|e| DataError::bad(path, e))? {
            if m.name == name {
                return Ok(m);
            }
            seen.push(m.name);
        }
    }
    Err(DataError::bad(
        path,
        format!("no numeric variable `{name}` (found: {seen:?})"),
    ))
}
