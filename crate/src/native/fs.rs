//! [`OsFs`]: the real file system behind the core's [`Fs`] trait.

use crate::source::{DirEntry, EntryKind, Fs, FsError, Metadata};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The operating system's file system. Relative paths resolve against `base`.
#[derive(Debug, Clone)]
pub struct OsFs {
    base: PathBuf,
}

impl OsFs {
    /// A file system whose relative paths resolve against `base` (usually the working directory).
    pub fn new(base: impl Into<PathBuf>) -> Self {
        OsFs { base: base.into() }
    }

    fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

fn to_fs_error(path: &str, e: std::io::Error) -> FsError {
    match e.kind() {
        ErrorKind::NotFound => FsError::NotFound {
            path: path.to_string(),
        },
        ErrorKind::IsADirectory => FsError::WrongKind {
            path: path.to_string(),
            what: "is a directory",
        },
        ErrorKind::NotADirectory => FsError::WrongKind {
            path: path.to_string(),
            what: "not a directory",
        },
        _ => FsError::Other {
            path: path.to_string(),
            message: e.to_string(),
        },
    }
}

impl Fs for OsFs {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        std::fs::read(self.resolve(path))
            .map(Arc::from)
            .map_err(|e| to_fs_error(path, e))
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.resolve(path)).map_err(|e| to_fs_error(path, e))? {
            let entry = entry.map_err(|e| to_fs_error(path, e))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // Follow symbolic links, as the go command does when it walks GOPATH and module trees.
            let kind = match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_dir() => EntryKind::Dir,
                Ok(_) => EntryKind::File,
                Err(_) => continue,
            };
            out.push(DirEntry { name, kind });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        let m = std::fs::metadata(self.resolve(path)).map_err(|e| to_fs_error(path, e))?;
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64);
        let kind = if m.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::File
        };
        Ok(Metadata {
            kind,
            size: m.len(),
            mtime_ns,
        })
    }

    fn describe(&self) -> String {
        self.base.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_real_directory() {
        let dir = std::env::temp_dir().join(format!("modscope-osfs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("go.mod"), b"module m\n").unwrap();
        let fs = OsFs::new(&dir);
        assert_eq!(&*fs.read("go.mod").unwrap(), b"module m\n");
        assert!(fs.read("missing").unwrap_err().is_not_found());
        let names: Vec<_> = fs
            .read_dir(".")
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("go.mod".into(), EntryKind::File),
                ("sub".into(), EntryKind::Dir)
            ]
        );
        assert!(fs.is_dir("sub"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
