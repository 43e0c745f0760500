//! The device's template store seen from the host: the model identity its
//! records carry (the export writes it as `MODEL_ID`), reading a dump of the
//! store region, and writing a store image with people added on the host.
//!
//! Both run `facenmf-store` itself over the image in memory (a flash with
//! NOR rules), so host and device read and write the same bytes. A dump is
//! never changed: it is opened on a copy (opening may repair a cut).

use anyhow::{bail, ensure, Context, Result};
use embedded_storage::nor_flash::NorFlash;
use facenmf_store::{Crc32, Person, RamNor, Region, Store};

use crate::model::Model;

/// Most template values the host's store takes (the device's M is smaller).
pub const MAX_M: usize = 256;
/// Most people the host indexes in an image.
pub const MAX_PEOPLE: usize = 2048;

/// The model's identity as the device stores it (`MODEL_ID` in the export):
/// [`facenmf_store::model_id`] of its basis, map and bias.
pub fn model_id(model: &Model) -> u64 {
    facenmf_store::model_id(
        &model.basis,
        model.map.as_ref().map(|m| m.p.as_slice()),
        model.map.as_ref().map(|m| m.bias.as_slice()),
    )
}

/// The store region of a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Board {
    /// `qemu_door`: 2 sectors of 8 KiB, 4-byte writes (`facenmf-store.bin`).
    Qemu,
    /// STM32F407G-DISC1: flash sectors 10 and 11 (2 x 128 KiB at
    /// 0x080C0000), byte writes.
    Disc1,
}

impl Board {
    /// Bytes of the region.
    pub fn region_bytes(self) -> usize {
        match self {
            Self::Qemu => 2 * 8 * 1024,
            Self::Disc1 => 2 * 128 * 1024,
        }
    }
}

/// A person in an image.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// Gallery label.
    pub label: u16,
    /// Name (lossy UTF-8).
    pub name: String,
    /// Template (M values).
    pub vector: Vec<f32>,
}

/// What a dump holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Contents {
    /// The model identity in its sector headers.
    pub model: u64,
    /// Template length M in its headers.
    pub m: usize,
    /// People, by label.
    pub people: Vec<Stored>,
    /// People the region holds at most.
    pub capacity: usize,
    /// Slots skipped as torn.
    pub torn: usize,
}

type Host<F> = Store<F, MAX_M, MAX_PEOPLE>;

/// The model identity and M of the first sector header with a good CRC.
pub fn identity(bytes: &[u8], board: Board) -> Option<(u64, usize)> {
    let sector = board.region_bytes() / 2;
    (0..2).find_map(|s| {
        let h = bytes.get(s * sector..s * sector + 32)?;
        let mut crc = Crc32::new();
        crc.update(&h[..28]);
        let ok = h[..4] == *b"FNMS" && h[28..32] == crc.finish().to_le_bytes();
        ok.then(|| {
            let model = u64::from_le_bytes(h[8..16].try_into().unwrap_or([0; 8]));
            (model, usize::from(u16::from_le_bytes([h[6], h[7]])))
        })
    })
}

fn region() -> Region {
    Region {
        start: 0,
        sectors: 2,
    }
}

/// Runs `f` on the store of `bytes` (a copy; `board`'s geometry), opened for
/// `model` with templates of `m` values; returns the image after `f`.
fn with_store<T>(
    bytes: &[u8],
    board: Board,
    model: u64,
    m: usize,
    f: impl FnOnce(&mut dyn StoreOps) -> Result<T>,
) -> Result<(T, Vec<u8>)> {
    ensure!(
        bytes.len() == board.region_bytes(),
        "the image holds {} bytes, but the {board:?} store region is {} bytes",
        bytes.len(),
        board.region_bytes()
    );
    match board {
        Board::Qemu => run::<4, 8192, T>(bytes, model, m, f),
        Board::Disc1 => run::<1, 131072, T>(bytes, model, m, f),
    }
}

fn run<const W: usize, const S: usize, T>(
    bytes: &[u8],
    model: u64,
    m: usize,
    f: impl FnOnce(&mut dyn StoreOps) -> Result<T>,
) -> Result<(T, Vec<u8>)> {
    let flash = RamNor::<Vec<u8>, W, S>::new(bytes.to_vec());
    let (mut store, report) =
        Host::open_sized(flash, region(), model, m).map_err(|(_, e)| anyhow::anyhow!("{e}"))?;
    let mut ops = Ops {
        store: &mut store,
        torn: report.torn_slots,
        m,
    };
    let out = f(&mut ops)?;
    Ok((out, store.release().into_inner()))
}

/// What the commands need of a store, whatever its flash type.
trait StoreOps {
    fn people(&mut self) -> Result<Vec<Stored>>;
    fn enrol(&mut self, label: u16, name: &str, vector: &[f32]) -> Result<()>;
    fn capacity(&self) -> usize;
    fn torn(&self) -> usize;
}

struct Ops<'s, F> {
    store: &'s mut Host<F>,
    torn: usize,
    m: usize,
}

impl<F: NorFlash> StoreOps for Ops<'_, F> {
    fn people(&mut self) -> Result<Vec<Stored>> {
        (0..self.store.len())
            .map(|i| {
                let p = self
                    .store
                    .person(i)
                    .map_err(|e| anyhow::anyhow!("reading the image: {e:?}"))?
                    .context("a person vanished while reading")?;
                Ok(Stored {
                    label: p.label,
                    name: String::from_utf8_lossy(p.name()).into_owned(),
                    vector: p.vector[..self.m].to_vec(),
                })
            })
            .collect()
    }
    fn enrol(&mut self, label: u16, name: &str, vector: &[f32]) -> Result<()> {
        let mut v = [0.0f32; MAX_M];
        v[..vector.len()].copy_from_slice(vector);
        let p = Person::new(label, name.as_bytes(), v).with_context(|| {
            format!(
                "the name `{name}` is {} bytes; the store takes at most {}",
                name.len(),
                facenmf_store::NAME_MAX
            )
        })?;
        self.store
            .enrol(&p)
            .map_err(|e| anyhow::anyhow!("storing `{name}`: {e}"))
    }
    fn capacity(&self) -> usize {
        self.store.capacity()
    }
    fn torn(&self) -> usize {
        self.torn
    }
}

/// Reads a dump of `board`'s store region (not changed). An erased dump has
/// no identity: its model is 0 and M 0.
pub fn read(bytes: &[u8], board: Board) -> Result<Contents> {
    let Some((model, m)) = identity(bytes, board) else {
        ensure!(
            bytes.len() == board.region_bytes(),
            "the dump holds {} bytes, but the {board:?} store region is {} bytes",
            bytes.len(),
            board.region_bytes()
        );
        return Ok(Contents {
            model: 0,
            m: 0,
            people: Vec::new(),
            capacity: 0,
            torn: 0,
        });
    };
    ensure!(
        (1..=MAX_M).contains(&m),
        "the dump's templates have {m} values; this tool reads at most {MAX_M}"
    );
    let ((people, capacity, torn), _) = with_store(bytes, board, model, m, |s| {
        Ok((s.people()?, s.capacity(), s.torn()))
    })?;
    Ok(Contents {
        model,
        m,
        people,
        capacity,
        torn,
    })
}

/// Adds a person (template `vector`, the model's M values) to the image
/// `base` (or an erased one) of `model`'s store; returns the new image and
/// the label given: one past the highest stored, at least the model's class
/// count (as the device does).
pub fn add(
    base: Option<&[u8]>,
    board: Board,
    model: &Model,
    name: &str,
    vector: &[f32],
) -> Result<(Vec<u8>, u16)> {
    let m = model.m();
    ensure!(
        vector.len() == m,
        "the template has {} values, the model's M is {m}",
        vector.len()
    );
    ensure!(
        m <= MAX_M,
        "the model's M is {m}; this tool takes at most {MAX_M}"
    );
    let erased = vec![0xFF; board.region_bytes()];
    let bytes = base.unwrap_or(&erased);
    let id = model_id(model);
    if let Some((found, _)) = identity(bytes, board) {
        if found != id {
            bail!("the image holds templates of model {found:016x}, not of this model {id:016x}");
        }
    }
    let first = u16::try_from(model.class_names.len()).context("too many classes")?;
    with_store(bytes, board, id, m, |s| {
        let people = s.people()?;
        if people.iter().any(|p| p.name == name) {
            bail!("`{name}` is already in the image");
        }
        let label = match people.last() {
            Some(p) => p.label.checked_add(1).context("no label left")?.max(first),
            None => first,
        };
        s.enrol(label, name, vector)?;
        Ok(label)
    })
    .map(|(label, image)| (image, label))
}
