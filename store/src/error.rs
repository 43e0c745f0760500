//! What can go wrong opening and changing a store.

/// Why [`crate::Store::open`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OpenError<E> {
    /// The flash driver failed (the flash is left as it was at the failure).
    Flash(E),
    /// The region does not fit the flash or the store's format.
    Region(RegionError),
    /// A sector holds templates of another model (identity `found`); nothing
    /// was changed. [`crate::Store::format`] erases the region for this model.
    ForeignModel {
        /// The model identity in the flash.
        found: u64,
        /// This firmware's model identity.
        expected: u64,
    },
    /// The flash holds more people than this store's RAM index (`N`) takes.
    Overfull {
        /// People found so far (at least `room + 1`).
        found: usize,
        /// The index's room, `N`.
        room: usize,
    },
}

/// What is wrong with a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegionError {
    /// Fewer than 2 or more than [`crate::MAX_SECTORS`] sectors.
    SectorCount(u32),
    /// The start is not a multiple of the flash's erase size.
    Unaligned(u32),
    /// The region ends past the flash's capacity.
    PastEnd {
        /// One past the region's last byte.
        end: u64,
        /// The flash's capacity.
        capacity: u32,
    },
    /// Read or write size above 64 bytes or not a power of two.
    AccessSize(u32),
    /// A template length of 0, or above the store's M.
    TemplateLength(usize),
    /// Not even one template of M values fits in a sector.
    SectorTooSmall {
        /// The erase size.
        sector: u32,
        /// Bytes a template slot needs.
        slot: u32,
    },
}

/// Why a change of the store failed. The store is unchanged except on
/// [`Error::Flash`], after which it should be opened again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error<E> {
    /// The flash driver failed.
    Flash(E),
    /// The store holds `capacity` people already; nothing was written.
    Full {
        /// People the store holds at most.
        capacity: usize,
    },
    /// A person with this label is stored already.
    DuplicateLabel(u16),
    /// The template's value at `index` is NaN or infinite.
    NotFinite {
        /// Its index.
        index: usize,
    },
}

impl<E: core::fmt::Debug> core::fmt::Display for OpenError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Flash(e) => write!(f, "flash error {e:?}"),
            Self::Region(e) => write!(f, "bad store region: {e:?}"),
            Self::ForeignModel { found, expected } => write!(
                f,
                "the store holds templates of model {found:016x}, not of this model {expected:016x}"
            ),
            Self::Overfull { found, room } => write!(
                f,
                "the store holds more than {room} people (found {found}); this build takes {room}"
            ),
        }
    }
}

impl<E: core::fmt::Debug> core::fmt::Display for Error<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Flash(e) => write!(f, "flash error {e:?}"),
            Self::Full { capacity } => write!(f, "the store is full ({capacity} people)"),
            Self::DuplicateLabel(l) => write!(f, "label {l} is stored already"),
            Self::NotFinite { index } => write!(f, "template value {index} is not finite"),
        }
    }
}
