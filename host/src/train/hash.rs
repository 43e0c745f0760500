//! The fingerprint of a dataset a model records.

use crate::data::Dataset;

/// sha256 of a dataset as loaded: its size, labels and pixels (f32, little
/// endian), so a model names exactly the data it was trained on.
pub fn dataset_hash(ds: &Dataset) -> String {
    let mut bytes = Vec::with_capacity(16 + ds.labels.len() * 2 + ds.images.len() * 4);
    bytes.extend((ds.height as u64).to_le_bytes());
    bytes.extend((ds.width as u64).to_le_bytes());
    bytes.extend(ds.labels.iter().flat_map(|l| l.to_le_bytes()));
    bytes.extend(ds.images.iter().flat_map(|v| v.to_le_bytes()));
    crate::data::sha256_hex(&bytes)
}
