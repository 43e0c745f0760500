//! One stored person: label, name bytes and template vector.

/// Most bytes of a stored name (longer names are refused, not cut).
pub const NAME_MAX: usize = 32;

/// A person's template as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Person<const M: usize> {
    /// The gallery label.
    pub label: u16,
    name: [u8; NAME_MAX],
    name_len: u8,
    /// The template (M values, finite).
    pub vector: [f32; M],
}

impl<const M: usize> Person<M> {
    /// A person; `None` when `name` is longer than [`NAME_MAX`] bytes.
    pub fn new(label: u16, name: &[u8], vector: [f32; M]) -> Option<Self> {
        if name.len() > NAME_MAX {
            return None;
        }
        let mut bytes = [0u8; NAME_MAX];
        bytes[..name.len()].copy_from_slice(name);
        Some(Self {
            label,
            name: bytes,
            name_len: name.len() as u8,
            vector,
        })
    }

    /// The name's bytes (UTF-8 when written by facenmf, not checked).
    pub fn name(&self) -> &[u8] {
        &self.name[..usize::from(self.name_len)]
    }

    /// Label 0, no name, zeros: a buffer to read into.
    pub(crate) const fn empty() -> Self {
        Self {
            label: 0,
            name: [0; NAME_MAX],
            name_len: 0,
            vector: [0.0; M],
        }
    }

    pub(crate) fn raw_parts(&self) -> (&[u8; NAME_MAX], u8) {
        (&self.name, self.name_len)
    }

    pub(crate) fn from_raw(
        label: u16,
        name: [u8; NAME_MAX],
        name_len: u8,
        vector: [f32; M],
    ) -> Self {
        Self {
            label,
            name,
            name_len,
            vector,
        }
    }
}
