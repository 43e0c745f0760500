//! [`Store`]: people's templates in a region of NOR flash, kept through
//! power cuts.
//!
//! # How a change becomes durable
//! Each change has one commit point, a single write; a cut before it leaves
//! the state before, a cut after it the state after, and the next
//! [`Store::open`] finishes or undoes whatever was half done around it:
//!
//! - **enrol**: the slot's body (with its CRC) is written into an erased
//!   slot, then its commit word. Commit point: the commit word. A slot that
//!   is neither erased nor committed with a good CRC is torn: skipped and
//!   never written again until its sector is erased.
//! - **delete**: the slot's delete word is programmed. Commit point: any of
//!   its bits.
//! - **delete all**: the spare sector gets a header with the CLEAR flag
//!   (commit point: that header, CRC-checked), then every other sector is
//!   retired and erased.
//! - **compaction** (when the newest sector is full and the spare is the
//!   last erased sector): the spare gets a header naming the source sector,
//!   the source's live slots are copied in order, then the source is retired
//!   (its retire word programmed) and erased. Open resumes it: the copies are
//!   a prefix of the source's live slots, so the rest is copied if it fits,
//!   else the copy is retired and the source kept.
//!
//! A sector is erased (all 0xFF), valid (good header, this model, not
//! retired) or dirty (anything else); open erases dirty sectors. One sector
//! is always left erased, so the region holds `(sectors − 1) · slots`
//! people (also at most `N`, the RAM index).

use embedded_storage::nor_flash::{NorFlash, ReadNorFlash};

use crate::crc::Crc32;
use crate::error::{Error, OpenError, RegionError};
use crate::layout::{
    round_up, Layout, BODY_FIXED, CHUNK, FLAG_CLEAR, HEADER_BODY, KIND_PERSON, MAGIC, NO_SOURCE,
    VERSION,
};
use crate::person::{Person, NAME_MAX};

/// Most sectors a region may have.
pub const MAX_SECTORS: usize = 16;

/// The flash the store owns: `sectors` erase sectors from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Region {
    /// First byte (a multiple of the erase size), as the flash driver counts.
    pub start: u32,
    /// Erase sectors (2 to [`MAX_SECTORS`]).
    pub sectors: u32,
}

/// What [`Store::open`] found and repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct OpenReport {
    /// People stored.
    pub people: usize,
    /// Slots skipped as torn (an interrupted enrolment or copy).
    pub torn_slots: usize,
    /// Sectors erased because they were unreadable, retired or half erased.
    pub erased_sectors: usize,
    /// An interrupted compaction or delete-all was finished or undone.
    pub resumed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Erased,
    Valid,
    Dirty,
}

#[derive(Debug, Clone, Copy)]
struct Sector {
    state: State,
    seq: u32,
    source: u32,
    flags: u32,
    /// Slots before the erased tail.
    used: u32,
    /// Live slots.
    live: u32,
}

impl Sector {
    const ERASED: Self = Self {
        state: State::Erased,
        seq: 0,
        source: NO_SOURCE,
        flags: 0,
        used: 0,
        live: 0,
    };
    const DIRTY: Self = Self {
        state: State::Dirty,
        ..Self::ERASED
    };
}

/// Where a stored person is.
#[derive(Debug, Clone, Copy)]
struct Entry {
    label: u16,
    sector: u32,
    slot: u32,
}

enum Slot {
    Erased,
    Live(u16),
    Deleted,
    Torn,
}

enum Header {
    Erased,
    Dirty,
    Valid { seq: u32, source: u32, flags: u32 },
    Foreign(u64),
}

/// People's templates of M values in NOR flash, indexed in RAM for up to `N`.
#[derive(Debug)]
pub struct Store<F, const M: usize, const N: usize> {
    flash: F,
    layout: Layout,
    model: u64,
    /// Values a template holds (M, or fewer with `open_sized`).
    m: usize,
    sectors: heapless::Vec<Sector, MAX_SECTORS>,
    /// Sorted by label.
    people: heapless::Vec<Entry, N>,
}

type Opened<F, const M: usize, const N: usize> = Result<
    (Store<F, M, N>, OpenReport),
    (
        F,
        OpenError<<F as embedded_storage::nor_flash::ErrorType>::Error>,
    ),
>;

impl<F: NorFlash, const M: usize, const N: usize> Store<F, M, N> {
    /// Opens the store in `region` for the model `model` (see
    /// [`crate::model_id`]): reads every sector, finishes or undoes an
    /// interrupted change, erases dirty sectors and indexes the people.
    /// An erased region is an empty store. On error the flash is handed back;
    /// only [`OpenError::Flash`] may leave a repair half done (open again).
    pub fn open(flash: F, region: Region, model: u64) -> Opened<F, M, N> {
        Self::open_sized(flash, region, model, M)
    }

    /// [`Store::open`] for templates of `m ≤ M` values (a host tool's
    /// store for any model): only the first `m` values of a [`Person`]'s
    /// vector are stored, the rest read back as 0.
    pub fn open_sized(flash: F, region: Region, model: u64, m: usize) -> Opened<F, M, N> {
        if m == 0 || m > M {
            return Err((flash, OpenError::Region(RegionError::TemplateLength(m))));
        }
        let layout = match check_region(&flash, region, m) {
            Ok(l) => l,
            Err(e) => return Err((flash, OpenError::Region(e))),
        };
        let mut store = Self {
            flash,
            layout,
            model,
            m,
            sectors: heapless::Vec::new(),
            people: heapless::Vec::new(),
        };
        match store.load() {
            Ok(report) => Ok((store, report)),
            Err(e) => Err((store.flash, e)),
        }
    }

    /// Erases the whole region, then opens it (empty) for `model`: the way
    /// out of [`OpenError::ForeignModel`] and [`OpenError::Overfull`].
    pub fn format(flash: F, region: Region, model: u64) -> Opened<F, M, N> {
        Self::format_sized(flash, region, model, M)
    }

    /// [`Store::format`] for templates of `m ≤ M` values (see [`Store::open_sized`]).
    pub fn format_sized(mut flash: F, region: Region, model: u64, m: usize) -> Opened<F, M, N> {
        if m == 0 || m > M {
            return Err((flash, OpenError::Region(RegionError::TemplateLength(m))));
        }
        let layout = match check_region(&flash, region, m) {
            Ok(l) => l,
            Err(e) => return Err((flash, OpenError::Region(e))),
        };
        for s in 0..layout.sectors {
            let start = layout.sector_start(s);
            if let Err(e) = flash.erase(start, start + layout.sector) {
                return Err((flash, OpenError::Flash(e)));
            }
        }
        Self::open_sized(flash, region, model, m)
    }

    /// Gives the flash back.
    pub fn release(self) -> F {
        self.flash
    }

    /// People stored.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when nobody is stored.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// People the store holds at most: `min(N, (sectors − 1) · slots)`.
    pub fn capacity(&self) -> usize {
        self.layout.capacity().min(N)
    }

    /// Template slots a sector holds.
    pub fn slots_per_sector(&self) -> usize {
        self.layout.slots as usize
    }

    /// Bytes a template slot takes.
    pub fn slot_bytes(&self) -> usize {
        self.layout.slot_len as usize
    }

    /// The model this store belongs to.
    pub fn model(&self) -> u64 {
        self.model
    }

    /// The stored labels, ascending.
    pub fn labels(&self) -> impl Iterator<Item = u16> + '_ {
        self.people.iter().map(|e| e.label)
    }

    /// The `index`-th person by label (`None` past the end).
    pub fn person(&mut self, index: usize) -> Result<Option<Person<M>>, F::Error> {
        let Some(&e) = self.people.get(index) else {
            return Ok(None);
        };
        let mut p = Person::empty();
        let addr = self.layout.slot(e.sector, e.slot);
        Ok(match self.read_slot(addr, Some(&mut p))? {
            Slot::Live(_) => Some(p),
            _ => None,
        })
    }

    /// Stores `person`; when this returns `Ok` the person survives any later
    /// power cut. Refuses a full store, a stored label or a non-finite
    /// template without writing anything.
    pub fn enrol(&mut self, person: &Person<M>) -> Result<(), Error<F::Error>> {
        if let Some(index) = person.vector[..self.m].iter().position(|v| !v.is_finite()) {
            return Err(Error::NotFinite { index });
        }
        let at = match self.find(person.label) {
            Ok(_) => return Err(Error::DuplicateLabel(person.label)),
            Err(at) => at,
        };
        if self.people.len() >= self.capacity() {
            return Err(Error::Full {
                capacity: self.capacity(),
            });
        }
        let (s, i) = self.free_slot()?;
        self.write_slot(self.layout.slot(s, i), person)
            .map_err(Error::Flash)?;
        let sector = &mut self.sectors[s as usize];
        sector.used = i + 1;
        sector.live += 1;
        let entry = Entry {
            label: person.label,
            sector: s,
            slot: i,
        };
        // Room was checked against the capacity (at most N).
        self.people
            .insert(at, entry)
            .map_err(|_| Error::Full { capacity: N })
    }

    /// Deletes the person with the highest label; returns that label, or
    /// `None` when the store is empty.
    pub fn delete_last(&mut self) -> Result<Option<u16>, F::Error> {
        let Some(&e) = self.people.last() else {
            return Ok(None);
        };
        self.program_word(self.layout.delete_word(self.layout.slot(e.sector, e.slot)))?;
        self.sectors[e.sector as usize].live -= 1;
        self.people.pop();
        Ok(Some(e.label))
    }

    /// Deletes everybody. Commit point: the spare sector's CLEAR header.
    pub fn delete_all(&mut self) -> Result<(), F::Error> {
        if self.sectors.iter().all(|s| s.state == State::Erased) {
            return Ok(());
        }
        let Some(spare) = self.first_erased() else {
            // open guarantees a spare; without one, delete one by one.
            while self.delete_last()?.is_some() {}
            return Ok(());
        };
        let seq = self.next_seq();
        self.write_header(spare, seq, NO_SOURCE, FLAG_CLEAR)?;
        self.sectors[spare as usize] = Sector {
            state: State::Valid,
            seq,
            flags: FLAG_CLEAR,
            ..Sector::ERASED
        };
        self.people.clear();
        for s in 0..self.layout.sectors {
            if s != spare && self.sectors[s as usize].state != State::Erased {
                self.retire_and_erase(s)?;
            }
        }
        Ok(())
    }

    // ---- open ----

    fn load(&mut self) -> Result<OpenReport, OpenError<F::Error>> {
        let mut report = OpenReport::default();
        for s in 0..self.layout.sectors {
            let sector = match self.read_header(s).map_err(OpenError::Flash)? {
                Header::Erased => Sector::ERASED,
                Header::Dirty => Sector::DIRTY,
                Header::Foreign(found) => {
                    return Err(OpenError::ForeignModel {
                        found,
                        expected: self.model,
                    })
                }
                Header::Valid { seq, source, flags } => Sector {
                    state: State::Valid,
                    seq,
                    source,
                    flags,
                    ..Sector::ERASED
                },
            };
            // At most MAX_SECTORS, checked with the region.
            let _ = self.sectors.push(sector);
        }
        for s in 0..self.layout.sectors {
            if self.sectors[s as usize].state == State::Valid {
                self.count_slots(s, &mut report).map_err(OpenError::Flash)?;
            }
        }
        self.resume_clear(&mut report).map_err(OpenError::Flash)?;
        self.resume_compaction(&mut report)
            .map_err(OpenError::Flash)?;
        for s in 0..self.layout.sectors {
            if self.sectors[s as usize].state == State::Dirty {
                self.retire_and_erase(s).map_err(OpenError::Flash)?;
                report.erased_sectors += 1;
            }
        }
        self.index()?;
        if self.first_erased().is_none() {
            // No spare: free a sector without live people, if any.
            let empty = (0..self.layout.sectors).find(|&s| self.sectors[s as usize].live == 0);
            match empty {
                Some(s) => self.retire_and_erase(s).map_err(OpenError::Flash)?,
                None => {
                    return Err(OpenError::Overfull {
                        found: self.people.len(),
                        room: self.layout.capacity(),
                    })
                }
            }
        }
        report.people = self.people.len();
        Ok(report)
    }

    /// Counts the used and live slots of valid sector `s`.
    fn count_slots(&mut self, s: u32, report: &mut OpenReport) -> Result<(), F::Error> {
        let (mut used, mut live) = (0, 0);
        for i in 0..self.layout.slots {
            match self.read_slot(self.layout.slot(s, i), None)? {
                Slot::Erased => continue,
                Slot::Live(_) => live += 1,
                Slot::Torn => report.torn_slots += 1,
                Slot::Deleted => {}
            }
            used = i + 1;
        }
        let sector = &mut self.sectors[s as usize];
        sector.used = used;
        sector.live = live;
        Ok(())
    }

    /// A valid CLEAR sector deletes every valid sector older than it.
    fn resume_clear(&mut self, report: &mut OpenReport) -> Result<(), F::Error> {
        let newest_clear = self
            .sectors
            .iter()
            .filter(|s| s.state == State::Valid && s.flags & FLAG_CLEAR != 0)
            .map(|s| s.seq)
            .max();
        let Some(clear) = newest_clear else {
            return Ok(());
        };
        for s in 0..self.layout.sectors {
            let sector = self.sectors[s as usize];
            if sector.state == State::Valid && sector.seq < clear {
                self.retire(s)?;
                report.resumed = true;
            }
        }
        Ok(())
    }

    /// Finishes (or undoes) a compaction whose source is still valid.
    fn resume_compaction(&mut self, report: &mut OpenReport) -> Result<(), F::Error> {
        for dst in 0..self.layout.sectors {
            let d = self.sectors[dst as usize];
            if d.state != State::Valid || d.source == NO_SOURCE {
                continue;
            }
            let src = (0..self.layout.sectors).find(|&s| {
                let s = self.sectors[s as usize];
                s.state == State::Valid && s.seq == d.source
            });
            let Some(src) = src else { continue };
            report.resumed = true;
            let remaining = self.sectors[src as usize].live.saturating_sub(d.live);
            if remaining <= self.layout.slots - d.used {
                self.copy_live(src, dst, d.live)?;
                self.retire(src)?;
            } else {
                self.retire(dst)?;
            }
        }
        Ok(())
    }

    /// Indexes the live slots of the valid sectors; of two slots with one
    /// label the one in the older sector is deleted.
    fn index(&mut self) -> Result<(), OpenError<F::Error>> {
        for s in 0..self.layout.sectors {
            if self.sectors[s as usize].state != State::Valid {
                continue;
            }
            for i in 0..self.sectors[s as usize].used {
                let addr = self.layout.slot(s, i);
                let Slot::Live(label) = self.read_slot(addr, None).map_err(OpenError::Flash)?
                else {
                    continue;
                };
                let entry = Entry {
                    label,
                    sector: s,
                    slot: i,
                };
                match self.find(label) {
                    Ok(at) => {
                        let other = self.people[at];
                        let (keep, drop) = if self.sectors[other.sector as usize].seq
                            > self.sectors[s as usize].seq
                        {
                            (other, entry)
                        } else {
                            (entry, other)
                        };
                        let word = self
                            .layout
                            .delete_word(self.layout.slot(drop.sector, drop.slot));
                        self.program_word(word).map_err(OpenError::Flash)?;
                        self.sectors[drop.sector as usize].live -= 1;
                        self.people[at] = keep;
                    }
                    Err(at) => {
                        if self.people.insert(at, entry).is_err() {
                            return Err(OpenError::Overfull {
                                found: N + 1,
                                room: N,
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    // ---- space ----

    fn find(&self, label: u16) -> Result<usize, usize> {
        self.people.binary_search_by_key(&label, |e| e.label)
    }

    fn first_erased(&self) -> Option<u32> {
        (0..self.layout.sectors).find(|&s| self.sectors[s as usize].state == State::Erased)
    }

    fn next_seq(&self) -> u32 {
        self.sectors
            .iter()
            .filter(|s| s.state == State::Valid)
            .map(|s| s.seq.wrapping_add(1))
            .max()
            .unwrap_or(1)
    }

    fn newest(&self) -> Option<u32> {
        (0..self.layout.sectors)
            .filter(|&s| self.sectors[s as usize].state == State::Valid)
            .max_by_key(|&s| self.sectors[s as usize].seq)
    }

    /// An erased slot at the end of the newest sector, formatting the next
    /// sector or compacting one when needed.
    fn free_slot(&mut self) -> Result<(u32, u32), Error<F::Error>> {
        let full = Error::Full {
            capacity: self.capacity(),
        };
        for _ in 0..=self.layout.sectors {
            if let Some(n) = self.newest() {
                let used = self.sectors[n as usize].used;
                if used < self.layout.slots {
                    return Ok((n, used));
                }
            }
            let erased = self
                .sectors
                .iter()
                .filter(|s| s.state == State::Erased)
                .count();
            let Some(spare) = self.first_erased() else {
                return Err(full);
            };
            if erased >= 2 || self.newest().is_none() {
                let seq = self.next_seq();
                self.write_header(spare, seq, NO_SOURCE, 0)
                    .map_err(Error::Flash)?;
                self.sectors[spare as usize] = Sector {
                    state: State::Valid,
                    seq,
                    ..Sector::ERASED
                };
                continue;
            }
            // Compact the valid sector with the fewest live slots (oldest first).
            let src = (0..self.layout.sectors)
                .filter(|&s| self.sectors[s as usize].state == State::Valid)
                .min_by_key(|&s| (self.sectors[s as usize].live, self.sectors[s as usize].seq));
            let Some(src) = src.filter(|&s| self.sectors[s as usize].live < self.layout.slots)
            else {
                return Err(full);
            };
            let seq = self.next_seq();
            let src_seq = self.sectors[src as usize].seq;
            self.write_header(spare, seq, src_seq, 0)
                .map_err(Error::Flash)?;
            self.sectors[spare as usize] = Sector {
                state: State::Valid,
                seq,
                source: src_seq,
                ..Sector::ERASED
            };
            self.copy_live(src, spare, 0).map_err(Error::Flash)?;
            self.retire_and_erase(src).map_err(Error::Flash)?;
        }
        Err(full)
    }

    /// Copies the live slots of `src` after its first `skip` ones to the
    /// erased tail of `dst`, in order, and points the index at the copies.
    fn copy_live(&mut self, src: u32, dst: u32, skip: u32) -> Result<(), F::Error> {
        let mut seen = 0;
        let mut p = Person::empty();
        for i in 0..self.sectors[src as usize].used {
            let Slot::Live(label) = self.read_slot(self.layout.slot(src, i), Some(&mut p))? else {
                continue;
            };
            seen += 1;
            if seen <= skip {
                continue;
            }
            let at = self.sectors[dst as usize].used;
            self.write_slot(self.layout.slot(dst, at), &p)?;
            let d = &mut self.sectors[dst as usize];
            d.used = at + 1;
            d.live += 1;
            if let Ok(k) = self.find(label) {
                if self.people[k].sector == src {
                    self.people[k].sector = dst;
                    self.people[k].slot = at;
                }
            }
        }
        Ok(())
    }

    fn retire(&mut self, s: u32) -> Result<(), F::Error> {
        let word = self.layout.retire_word(s);
        if self.sectors[s as usize].state == State::Valid {
            self.program_word(word)?;
        }
        self.sectors[s as usize] = Sector::DIRTY;
        Ok(())
    }

    fn retire_and_erase(&mut self, s: u32) -> Result<(), F::Error> {
        self.retire(s)?;
        let start = self.layout.sector_start(s);
        self.flash.erase(start, start + self.layout.sector)?;
        self.sectors[s as usize] = Sector::ERASED;
        Ok(())
    }

    // ---- bytes ----

    fn is_erased(&mut self, addr: u32, len: u32) -> Result<bool, F::Error> {
        let mut buf = [0u8; CHUNK];
        let mut at = 0;
        while at < len {
            let n = (len - at).min(CHUNK as u32) as usize;
            self.flash.read(addr + at, &mut buf[..n])?;
            if buf[..n].iter().any(|&b| b != 0xFF) {
                return Ok(false);
            }
            at += n as u32;
        }
        Ok(true)
    }

    /// Programs every byte of the unit-sized word at `addr` to 0x00.
    fn program_word(&mut self, addr: u32) -> Result<(), F::Error> {
        let zeros = [0u8; CHUNK];
        self.flash.write(addr, &zeros[..self.layout.unit as usize])
    }

    fn read_header(&mut self, s: u32) -> Result<Header, F::Error> {
        let start = self.layout.sector_start(s);
        let mut b = [0u8; HEADER_BODY as usize];
        self.flash.read(start, &mut b)?;
        if b.iter().all(|&x| x == 0xFF) {
            return Ok(if self.is_erased(start, self.layout.sector)? {
                Header::Erased
            } else {
                Header::Dirty
            });
        }
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut crc = Crc32::new();
        crc.update(&b[..28]);
        if u32_at(0) != MAGIC || u16_at(4) != VERSION || u32_at(28) != crc.finish() {
            return Ok(Header::Dirty);
        }
        if !self.is_erased(self.layout.retire_word(s), self.layout.unit)? {
            return Ok(Header::Dirty);
        }
        let model = u64::from(u32_at(8)) | (u64::from(u32_at(12)) << 32);
        if model != self.model || usize::from(u16_at(6)) != self.m {
            return Ok(Header::Foreign(model));
        }
        Ok(Header::Valid {
            seq: u32_at(16),
            source: u32_at(20),
            flags: u32_at(24),
        })
    }

    fn write_header(&mut self, s: u32, seq: u32, source: u32, flags: u32) -> Result<(), F::Error> {
        let mut b = [0xFFu8; CHUNK];
        b[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        b[4..6].copy_from_slice(&VERSION.to_le_bytes());
        b[6..8].copy_from_slice(&(self.m as u16).to_le_bytes());
        b[8..16].copy_from_slice(&self.model.to_le_bytes());
        b[16..20].copy_from_slice(&seq.to_le_bytes());
        b[20..24].copy_from_slice(&source.to_le_bytes());
        b[24..28].copy_from_slice(&flags.to_le_bytes());
        let mut crc = Crc32::new();
        crc.update(&b[..28]);
        b[28..32].copy_from_slice(&crc.finish().to_le_bytes());
        let len = round_up(HEADER_BODY, self.layout.unit) as usize;
        self.flash.write(self.layout.sector_start(s), &b[..len])
    }

    /// Reads and checks the slot at `addr`; a live one is decoded into `out`.
    fn read_slot(&mut self, addr: u32, out: Option<&mut Person<M>>) -> Result<Slot, F::Error> {
        let data_len = BODY_FIXED + 4 * self.m;
        let body_len = self.layout.body_len as usize;
        let unit = self.layout.unit as usize;
        let total = self.layout.slot_len as usize;
        let mut buf = [0u8; CHUNK];
        let mut crc = Crc32::new();
        let (mut erased, mut committed, mut deleted) = (true, true, false);
        let mut head = [0u8; 4];
        let mut name = [0u8; NAME_MAX];
        let mut vector = [0.0f32; M];
        let mut word = [0u8; 4];
        let mut stored = [0u8; 4];
        let mut at = 0;
        while at < total {
            let n = (total - at).min(CHUNK);
            self.flash.read(addr + at as u32, &mut buf[..n])?;
            for (j, &byte) in buf[..n].iter().enumerate() {
                let i = at + j;
                erased &= byte == 0xFF;
                if i < data_len {
                    if i < 4 {
                        head[i] = byte;
                    } else if i < BODY_FIXED {
                        name[i - 4] = byte;
                    } else {
                        let k = i - BODY_FIXED;
                        word[k % 4] = byte;
                        if k % 4 == 3 {
                            vector[k / 4] = f32::from_le_bytes(word);
                        }
                    }
                } else if i < data_len + 4 {
                    stored[i - data_len] = byte;
                } else if (body_len..body_len + unit).contains(&i) {
                    committed &= byte == 0;
                } else if i >= body_len + unit {
                    deleted |= byte != 0xFF;
                }
            }
            crc.update(&buf[..n.min(data_len.saturating_sub(at))]);
            at += n;
        }
        if erased {
            return Ok(Slot::Erased);
        }
        let name_len = head[1];
        if !committed
            || crc.finish() != u32::from_le_bytes(stored)
            || head[0] != KIND_PERSON
            || usize::from(name_len) > NAME_MAX
        {
            return Ok(Slot::Torn);
        }
        if deleted {
            return Ok(Slot::Deleted);
        }
        let label = u16::from_le_bytes([head[2], head[3]]);
        if let Some(out) = out {
            *out = Person::from_raw(label, name, name_len, vector);
        }
        Ok(Slot::Live(label))
    }

    /// Writes `p`'s body, then its commit word, into the erased slot at `addr`.
    fn write_slot(&mut self, addr: u32, p: &Person<M>) -> Result<(), F::Error> {
        let data_len = BODY_FIXED + 4 * self.m;
        let body_len = self.layout.body_len as usize;
        let (name, name_len) = p.raw_parts();
        let label = p.label.to_le_bytes();
        let byte = |i: usize| -> u8 {
            match i {
                0 => KIND_PERSON,
                1 => name_len,
                2 | 3 => label[i - 2],
                4..BODY_FIXED => name[i - 4],
                _ => {
                    let k = i - BODY_FIXED;
                    p.vector[k / 4].to_le_bytes()[k % 4]
                }
            }
        };
        let mut crc = Crc32::new();
        for i in 0..data_len {
            crc.update(&[byte(i)]);
        }
        let stored = crc.finish().to_le_bytes();
        let mut buf = [0xFFu8; CHUNK];
        let mut at = 0;
        while at < body_len {
            let n = (body_len - at).min(CHUNK);
            for (j, b) in buf[..n].iter_mut().enumerate() {
                let i = at + j;
                *b = if i < data_len {
                    byte(i)
                } else if i < data_len + 4 {
                    stored[i - data_len]
                } else {
                    0xFF
                };
            }
            self.flash.write(addr + at as u32, &buf[..n])?;
            at += n;
        }
        self.program_word(self.layout.commit_word(addr))
    }
}

fn check_region<F: ReadNorFlash + NorFlash>(
    flash: &F,
    region: Region,
    m: usize,
) -> Result<Layout, RegionError> {
    if region.sectors < 2 || region.sectors as usize > MAX_SECTORS {
        return Err(RegionError::SectorCount(region.sectors));
    }
    for size in [F::READ_SIZE, F::WRITE_SIZE] {
        if size == 0 || size > CHUNK || !size.is_power_of_two() {
            return Err(RegionError::AccessSize(size as u32));
        }
    }
    let sector = F::ERASE_SIZE as u32;
    if sector == 0 || !region.start.is_multiple_of(sector) {
        return Err(RegionError::Unaligned(region.start));
    }
    let end = u64::from(region.start) + u64::from(region.sectors) * u64::from(sector);
    if end > flash.capacity() as u64 {
        return Err(RegionError::PastEnd {
            end,
            capacity: flash.capacity() as u32,
        });
    }
    let layout = Layout::new(
        region.start,
        sector,
        region.sectors,
        F::WRITE_SIZE as u32,
        m,
    );
    if layout.slots == 0 || m > usize::from(u16::MAX) || !sector.is_multiple_of(layout.unit) {
        return Err(RegionError::SectorTooSmall {
            sector,
            slot: layout.slot_len,
        });
    }
    Ok(layout)
}
