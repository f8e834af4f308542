//! Typed library errors. Each variant maps to one exit status at the command-line edge:
//! input and usage problems give 1, internal faults give 2.

use std::path::Path;

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: the message names the file, the record and what is wrong.
    #[error("{path}: {msg}")]
    Input { path: String, msg: String },
    /// A request that cannot be carried out as given (flags, combinations).
    #[error("{0}")]
    Usage(String),
    /// An operating-system error on a named file (missing, unreadable, disk full).
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A bug or broken invariant inside zenome.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An input error about `path`.
    pub fn input(path: impl AsRef<Path>, msg: impl Into<String>) -> Self {
        Error::Input {
            path: path.as_ref().display().to_string(),
            msg: msg.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// The process exit status for this error (1: input or usage, 2: internal).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Internal(_) => 2,
            _ => 1,
        }
    }
}

/// Result with the library's error type.
pub type Result<T> = std::result::Result<T, Error>;
