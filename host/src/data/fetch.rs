//! Downloading the archives scikit-learn uses, checked by sha256, unpacked
//! into a cache directory (`$FACENMF_DATA`, else the platform's cache
//! directory + `facenmf`). Every write goes to a temporary name first and is
//! renamed into place only when complete and verified: a failed or corrupt
//! download leaves nothing behind.

use super::{hex, DataError, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How a downloaded file becomes a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpack {
    /// The file itself is the dataset (Olivetti's `.mat`), stored as `dir/file_name`.
    Keep,
    /// A `.tgz` archive, extracted into `dir`.
    TarGz,
}

/// A remote dataset: where it is, its checksum, and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Short name (`olivetti`, `lfw`).
    pub name: String,
    /// Download address.
    pub url: String,
    /// Expected sha256 of the downloaded bytes (lowercase hex).
    pub sha256: String,
    /// Folder inside the cache directory that receives it.
    pub dir: String,
    /// File name of the download (kept for [`Unpack::Keep`]).
    pub file_name: String,
    /// What to do with the file.
    pub unpack: Unpack,
    /// Path, relative to the cache directory, of the dataset once installed.
    pub result: String,
}

impl Remote {
    /// scikit-learn's Olivetti faces (`olivettifaces.mat`).
    pub fn olivetti() -> Remote {
        Remote {
            name: "olivetti".into(),
            url: "https://ndownloader.figshare.com/files/5976027".into(),
            sha256: "b612fb967f2dc77c9c62d3e1266e0c73d5fca46a4b8906c18e454d41af987794".into(),
            dir: "olivetti".into(),
            file_name: "olivettifaces.mat".into(),
            unpack: Unpack::Keep,
            result: "olivetti/olivettifaces.mat".into(),
        }
    }

    /// scikit-learn's LFW funneled archive (`lfw-funneled.tgz`), unpacked as `lfw_home/lfw_funneled`.
    pub fn lfw() -> Remote {
        Remote {
            name: "lfw".into(),
            url: "https://ndownloader.figshare.com/files/5976015".into(),
            sha256: "b47c8422c8cded889dc5a13418c4bc2abbda121092b3533a83306f90d900100a".into(),
            dir: "lfw_home".into(),
            file_name: "lfw-funneled.tgz".into(),
            unpack: Unpack::TarGz,
            result: "lfw_home/lfw_funneled".into(),
        }
    }

    /// The remote called `name` (`olivetti` or `lfw`).
    pub fn by_name(name: &str) -> Result<Remote> {
        match name {
            "olivetti" => Ok(Remote::olivetti()),
            "lfw" => Ok(Remote::lfw()),
            other => Err(DataError::option(format!(
                "unknown dataset `{other}` (known: olivetti, lfw)"
            ))),
        }
    }
}

/// The cache directory: `$FACENMF_DATA` when set, else `<platform cache dir>/facenmf`.
pub fn data_home() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("FACENMF_DATA").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("facenmf")).ok_or_else(|| {
        DataError::option("no cache directory on this platform: set FACENMF_DATA to a folder")
    })
}

/// A file or folder removed on drop unless [`TempPath::keep`] was called.
struct TempPath(Option<PathBuf>);

impl TempPath {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            if p.is_dir() {
                let _ = fs::remove_dir_all(&p);
            } else {
                let _ = fs::remove_file(&p);
            }
        }
    }
}

/// Folders made by [`CreatedDirs::create`], removed again (when still empty)
/// on drop unless [`CreatedDirs::keep`] was called.
struct CreatedDirs(Vec<PathBuf>);

impl CreatedDirs {
    fn create(dir: &Path) -> Result<CreatedDirs> {
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        let guard = CreatedDirs(missing);
        fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
        Ok(guard)
    }
    fn keep(mut self) {
        self.0.clear();
    }
}

impl Drop for CreatedDirs {
    fn drop(&mut self) {
        // innermost first; remove_dir only removes empty folders
        for p in &self.0 {
            let _ = fs::remove_dir(p);
        }
    }
}

fn offline_hint(remote: &Remote, home: &Path) -> String {
    format!(
        "without network, download {url} on another machine (sha256 {sha}) and run \
         `facenmf fetch {name} --from FILE`, or copy an existing copy to {target}, \
         or point FACENMF_DATA at a folder that already holds it (e.g. the project's shared/data)",
        url = remote.url,
        sha = remote.sha256,
        name = remote.name,
        target = home.join(&remote.result).display(),
    )
}

/// Downloads `url` into `dest` (a temporary file in `dest`'s folder, renamed when
/// its sha256 equals `sha256`), with a progress bar when `progress`.
/// On any failure nothing is left at `dest` nor beside it.
pub fn download(url: &str, sha256: &str, dest: &Path, progress: bool) -> Result<()> {
    let fail = |problem: String| DataError::Download {
        url: url.to_string(),
        problem,
    };
    let dir = dest.parent().unwrap_or(Path::new("."));
    let created = CreatedDirs::create(dir)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = TempPath(Some(
        dir.join(format!(".{name}.part-{}", std::process::id())),
    ));

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .build()
        .into();
    let resp = agent.get(url).call().map_err(|e| match e {
        ureq::Error::StatusCode(code) => fail(format!("the server answered HTTP {code}")),
        other => fail(format!("could not reach the server: {other}")),
    })?;
    let len = resp.body().content_length();
    let mut reader = resp.into_body().into_reader();
    let mut file = fs::File::create(tmp.path()).map_err(|e| DataError::io(tmp.path(), e))?;
    let bar = if progress {
        let b = indicatif::ProgressBar::new(len.unwrap_or(0));
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        b.set_message(name.clone());
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut hasher = Sha256::new();
    let mut got: u64 = 0;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                bar.abandon();
                return Err(fail(format!("connection broke after {got} bytes: {e}")));
            }
        };
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])
            .map_err(|e| DataError::io(tmp.path(), e))?;
        got += n as u64;
        bar.set_position(got);
    }
    bar.finish_and_clear();
    if let Some(len) = len {
        if got != len {
            return Err(fail(format!("truncated: received {got} of {len} bytes")));
        }
    }
    let digest = hex(&hasher.finalize());
    if !digest.eq_ignore_ascii_case(sha256) {
        return Err(fail(format!(
            "checksum mismatch: sha256 of the {got} bytes received is {digest}, expected {sha256} (corrupt or changed file; nothing was kept)"
        )));
    }
    file.sync_all().map_err(|e| DataError::io(tmp.path(), e))?;
    drop(file);
    fs::rename(tmp.path(), dest).map_err(|e| DataError::io(dest, e))?;
    tmp.keep();
    created.keep();
    Ok(())
}

/// Checks `file`'s sha256 and installs it as `remote` under `home` (copy or
/// unpack, atomically). Returns the installed dataset's path.
pub fn install_from_file(remote: &Remote, file: &Path, home: &Path) -> Result<PathBuf> {
    let mut f = fs::File::open(file).map_err(|e| DataError::io(file, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut f, &mut hasher).map_err(|e| DataError::io(file, e))?;
    let digest = hex(&hasher.finalize());
    if !digest.eq_ignore_ascii_case(&remote.sha256) {
        return Err(DataError::bad(
            file,
            format!(
                "sha256 is {digest}, but {} must have {}",
                remote.name, remote.sha256
            ),
        ));
    }
    let dir = home.join(&remote.dir);
    let created = CreatedDirs::create(&dir)?;
    match remote.unpack {
        Unpack::Keep => {
            let dest = dir.join(&remote.file_name);
            let tmp = TempPath(Some(dir.join(format!(
                ".{}.part-{}",
                remote.file_name,
                std::process::id()
            ))));
            fs::copy(file, tmp.path()).map_err(|e| DataError::io(tmp.path(), e))?;
            fs::rename(tmp.path(), &dest).map_err(|e| DataError::io(&dest, e))?;
            tmp.keep();
        }
        Unpack::TarGz => unpack_tgz(file, &dir, home.join(&remote.result).as_path())?,
    }
    created.keep();
    Ok(home.join(&remote.result))
}

/// Extracts `archive` into a temporary folder inside `dir`, then renames each
/// top-level entry into `dir`; `expect` must exist afterwards.
fn unpack_tgz(archive: &Path, dir: &Path, expect: &Path) -> Result<()> {
    let f = fs::File::open(archive).map_err(|e| DataError::io(archive, e))?;
    let tmp = TempPath(Some(dir.join(format!(".unpack-{}", std::process::id()))));
    fs::create_dir_all(tmp.path()).map_err(|e| DataError::io(tmp.path(), e))?;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    ar.unpack(tmp.path())
        .map_err(|e| DataError::bad(archive, format!("cannot unpack the archive: {e}")))?;
    let entries: Vec<PathBuf> = fs::read_dir(tmp.path())
        .map_err(|e| DataError::io(tmp.path(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let expected_name = expect.file_name().unwrap_or_default();
    if !entries.iter().any(|p| p.file_name() == Some(expected_name)) {
        return Err(DataError::bad(
            archive,
            format!(
                "the archive holds no `{}` folder",
                expected_name.to_string_lossy()
            ),
        ));
    }
    for e in entries {
        let target = dir.join(e.file_name().unwrap_or_default());
        if target.exists() {
            let old = dir.join(format!(".old-{}", std::process::id()));
            fs::rename(&target, &old).map_err(|er| DataError::io(&target, er))?;
            drop(TempPath(Some(old)));
        }
        fs::rename(&e, &target).map_err(|er| DataError::io(&target, er))?;
    }
    Ok(())
}

/// Downloads `remote` (progress bar when `progress`), verifies it and installs
/// it under `home`. Returns the installed dataset's path. An already installed
/// dataset is not downloaded again.
pub fn fetch(remote: &Remote, home: &Path, progress: bool) -> Result<PathBuf> {
    let result = home.join(&remote.result);
    if result.exists() {
        return Ok(result);
    }
    let dir = home.join(&remote.dir);
    let dest = dir.join(&remote.file_name);
    let created = CreatedDirs::create(&dir)?;
    download(&remote.url, &remote.sha256, &dest, progress).map_err(|e| match e {
        DataError::Download { url, problem } if problem.starts_with("could not reach") => {
            DataError::Download {
                url,
                problem: format!("{problem}.\n{}", offline_hint(remote, home)),
            }
        }
        other => other,
    })?;
    if remote.unpack == Unpack::TarGz {
        let archive = TempPath(Some(dest.clone()));
        unpack_tgz(archive.path(), &dir, &result)?;
    }
    created.keep();
    Ok(result)
}
