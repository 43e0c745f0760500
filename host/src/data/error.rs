//! The one error type of the dataset layer: every variant names the file (or
//! option) and the problem.

use std::path::{Path, PathBuf};

/// What went wrong while reading, converting or fetching a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file exists but its content is wrong (truncated, corrupt, disagreeing).
    #[error("{}: {problem}", path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// An option or argument is out of range.
    #[error("invalid option: {0}")]
    BadOption(String),
    /// A download failed.
    #[error("download of {url} failed: {problem}")]
    Download {
        /// The address.
        url: String,
        /// What went wrong, and what to do about it.
        problem: String,
    },
}

/// Result of the dataset layer.
pub type Result<T, E = DataError> = std::result::Result<T, E>;

impl DataError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A content problem in `path`.
    pub fn bad(path: &Path, problem: impl Into<String>) -> Self {
        DataError::BadFile {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }

    /// An out-of-range option.
    pub fn option(problem: impl Into<String>) -> Self {
        DataError::BadOption(problem.into())
    }
}
