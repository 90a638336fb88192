//! Sources of module files (`.mod`, `.info`, `@v/list`) for a module version: the abstraction the
//! graph reads dependency go.mod files through.
//!
//! A [`ModuleSource`] answers "give me this file of `path@version`" with the bytes and where they
//! came from, or a [`SourceError`] whose message is already worded as the go command words it
//! (`reading file:///p/example.com/a/@v/v1.0.0.mod: no such file or directory`). Not-found is a
//! value: the GOPROXY list falls through on it. Implementations live in `proxydir` (the GOPROXY
//! file layout, which is also the module cache's `cache/download` layout, and the `GOPROXY` list).

use std::sync::Arc;

/// Which file of a module version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `@v/<version>.mod`: the go.mod.
    Mod,
    /// `@v/<version>.info`: `{"Version": …, "Time": …}`.
    Info,
    /// `@v/<version>.zip`: the module zip.
    Zip,
    /// `@v/list`: known versions (the version argument is ignored).
    List,
}

impl FileKind {
    /// The file's extension (`mod`, `info`, `zip`), or `list`.
    pub fn ext(self) -> &'static str {
        match self {
            FileKind::Mod => "mod",
            FileKind::Info => "info",
            FileKind::Zip => "zip",
            FileKind::List => "list",
        }
    }
}

/// File bytes and where they came from.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The contents.
    pub data: Arc<[u8]>,
    /// Where they were read: a file path or URL, for traces and `-x`.
    pub location: String,
}

/// Why a module file could not be had. The message is the go command's wording, without the
/// `path@version: ` prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The source does not have it (a missing file, HTTP 404/410): the next proxy may.
    #[error("{message}")]
    NotFound {
        /// The go command's words.
        message: String,
    },
    /// Lookups are disabled (`GOPROXY=off`, `-mod=vendor`).
    #[error("{message}")]
    Disabled {
        /// The go command's words.
        message: String,
    },
    /// Any other failure (I/O, HTTP 5xx, a bad path).
    #[error("{message}")]
    Other {
        /// The go command's words.
        message: String,
    },
}

impl SourceError {
    /// True for [`SourceError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, SourceError::NotFound { .. })
    }

    /// The message.
    pub fn message(&self) -> &str {
        match self {
            SourceError::NotFound { message }
            | SourceError::Disabled { message }
            | SourceError::Other { message } => message,
        }
    }
}

/// Where module files come from.
pub trait ModuleSource: Send + Sync {
    /// The `kind` file of `path@version` (`version` is ignored for [`FileKind::List`]).
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError>;

    /// A short description for traces: `file:///proxy`, `https://proxy.golang.org`, …
    fn describe(&self) -> String;

    /// A hint that the `kind` files of `items` (`(path, version)`) will be fetched soon: a source
    /// that can read them concurrently does so now and answers the later [`fetch`] calls from
    /// what it read. The default does nothing.
    ///
    /// [`fetch`]: ModuleSource::fetch
    fn prefetch(&self, kind: FileKind, items: &[(String, String)]) {
        let _ = (kind, items);
    }

    /// Whether [`ModuleSource::prefetch`] does anything: when it does not, callers skip
    /// building the list of files for it. The default (true) is right for any source.
    fn prefetches(&self) -> bool {
        true
    }
}
