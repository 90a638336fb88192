//! Where bytes come from: a small file-system trait the embedder implements, and an in-memory tree.
//!
//! The core does no I/O of its own. Everything it reads — the main module's go.mod, a module cache,
//! a GOPROXY directory, a GOPATH tree, an uploaded folder — is reached through [`Fs`]. The browser
//! and the tests pass a [`MemFs`]; the native front end passes `native::fs::OsFs`. Paths are
//! slash-separated strings; see [`Fs`] for their rules.

mod memfs;
pub mod modsource;
pub mod proxydir;

pub use memfs::MemFs;
pub use modsource::{Fetched, FileKind, ModuleSource, SourceError};
pub use proxydir::{Fallback, ProxyDir, ProxyEntry, ProxyList};

use serde::Serialize;
use std::sync::Arc;

/// Why a read failed. Not-found is a value, not a string: lookups branch on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    /// Nothing exists at the path.
    #[error("open {path}: no such file or directory")]
    NotFound {
        /// The path as given.
        path: String,
    },
    /// The path names a directory where a file was expected, or the reverse.
    #[error("{path}: {what}")]
    WrongKind {
        /// The path as given.
        path: String,
        /// `is a directory` or `not a directory`.
        what: &'static str,
    },
    /// Any other failure (permissions, I/O), with the path and the system's words.
    #[error("{path}: {message}")]
    Other {
        /// The path as given.
        path: String,
        /// The underlying error's text.
        message: String,
    },
}

impl FsError {
    /// True when the path does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::NotFound { .. })
    }
}

/// The kind of a directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file (or a link to one).
    File,
    /// A directory (or a link to one).
    Dir,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DirEntry {
    /// The entry's name (no slashes).
    pub name: String,
    /// File or directory.
    pub kind: EntryKind,
}

/// What [`Fs::stat`] tells about a path: enough to detect that a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Metadata {
    /// File or directory.
    pub kind: EntryKind,
    /// Size in bytes (0 for directories where the system does not say).
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch, when known.
    pub mtime_ns: Option<u64>,
}

/// A read-only file system the core reads through.
///
/// Paths are `/`-separated. An absolute path (`/home/u/go/pkg/mod/…`) means what it says on a native
/// file system; a [`MemFs`] treats every path as relative to its root, with a leading `/` optional.
/// `.` and `..` elements are resolved lexically by [`clean_path`] before lookup.
pub trait Fs {
    /// The whole contents of the file at `path`.
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError>;

    /// The entries of the directory at `path`, sorted by name.
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError>;

    /// Kind, size and modification time of `path`.
    fn stat(&self, path: &str) -> Result<Metadata, FsError>;

    /// True when `path` exists and is a directory.
    fn is_dir(&self, path: &str) -> bool {
        matches!(
            self.stat(path),
            Ok(Metadata {
                kind: EntryKind::Dir,
                ..
            })
        )
    }

    /// True when `path` exists and is a regular file.
    fn is_file(&self, path: &str) -> bool {
        matches!(
            self.stat(path),
            Ok(Metadata {
                kind: EntryKind::File,
                ..
            })
        )
    }

    /// A short description for traces: `memory`, `/home/u/proj`, …
    fn describe(&self) -> String;
}

impl<T: Fs + ?Sized> Fs for &T {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        (**self).read(path)
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        (**self).read_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        (**self).stat(path)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

impl<T: Fs + ?Sized> Fs for Arc<T> {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        (**self).read(path)
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        (**self).read_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        (**self).stat(path)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Lexically cleans a slash path as Go's `path.Clean` does: collapses `//`, removes `.` elements,
/// resolves `..` against the preceding element, drops a trailing `/`. An empty result is `.`.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for elem in path.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            e => parts.push(e),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Joins two slash paths and cleans the result; an absolute `rel` replaces `base`.
pub fn join_path(base: &str, rel: &str) -> String {
    if rel.starts_with('/') || base.is_empty() {
        clean_path(rel)
    } else {
        clean_path(&format!("{base}/{rel}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_path_table() {
        let rows = [
            ("", "."),
            ("a/b", "a/b"),
            ("a//b/", "a/b"),
            ("./a/./b", "a/b"),
            ("a/../b", "b"),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/a/../../b", "/b"),
            ("/", "/"),
            ("/..", "/"),
        ];
        for (input, want) in rows {
            assert_eq!(clean_path(input), want, "clean_path({input:?})");
        }
        assert_eq!(join_path("/m/main", "../local/x"), "/m/local/x");
        assert_eq!(join_path("main", "/abs"), "/abs");
    }
}
