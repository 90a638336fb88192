//! [`MemFs`]: an in-memory file tree (uploads in the browser, fixtures in tests).

use super::{clean_path, DirEntry, EntryKind, Fs, FsError, Metadata};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// An in-memory tree of files. Directories exist implicitly: a directory is any proper prefix of a
/// file's path. Each write bumps a counter that serves as the file's modification time, so change
/// detection by (size, mtime) works on it as on a disk.
///
/// Files are looked up by hash (`files`) and listed in order from `names`: resolving reads
/// thousands of files by path, and ordered-map lookups compare long shared prefixes byte by byte
/// (slow in WASM, where `memcmp` is a plain loop).
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: HashMap<String, (Arc<[u8]>, u64)>,
    names: BTreeSet<String>,
    dirs: BTreeSet<String>,
    generation: u64,
}

/// The key a path is stored under: cleaned, without a leading `/`; the root is `""`.
fn key(path: &str) -> String {
    let cleaned = clean_path(path);
    match cleaned.trim_start_matches('/') {
        "." => String::new(),
        rest => rest.to_string(),
    }
}

impl MemFs {
    /// An empty tree.
    pub fn new() -> Self {
        MemFs::default()
    }

    /// Adds or replaces the file at `path`.
    pub fn insert(&mut self, path: &str, data: impl Into<Arc<[u8]>>) {
        let k = key(path);
        let mut dir = k.as_str();
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if !self.dirs.insert(dir.to_string()) {
                break;
            }
        }
        self.generation += 1;
        if !self.files.contains_key(&k) {
            self.names.insert(k.clone());
        }
        self.files.insert(k, (data.into(), self.generation));
    }

    /// Removes the file at `path`; returns whether it existed. Directories left empty disappear.
    pub fn remove(&mut self, path: &str) -> bool {
        let k = key(path);
        let existed = self.files.remove(&k).is_some();
        if existed {
            self.names.remove(&k);
            self.rebuild_dirs();
        }
        existed
    }

    /// Removes every file under the directory `dir` (or the file `dir`); returns how many.
    pub fn remove_tree(&mut self, dir: &str) -> usize {
        let k = key(dir);
        let prefix = format!("{k}/");
        let before = self.files.len();
        let gone = |p: &String| k.is_empty() || *p == k || p.starts_with(&prefix);
        self.files.retain(|p, _| !gone(p));
        self.names.retain(|p| !gone(p));
        let removed = before - self.files.len();
        if removed > 0 {
            self.rebuild_dirs();
        }
        removed
    }

    fn rebuild_dirs(&mut self) {
        self.dirs.clear();
        for path in &self.names {
            let mut dir = path.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                self.dirs.insert(dir.to_string());
            }
        }
    }

    /// The paths of all files, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the tree holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total bytes of all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.values().map(|(d, _)| d.len() as u64).sum()
    }
}

impl Fs for MemFs {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        let k = key(path);
        match self.files.get(&k) {
            Some((data, _)) => Ok(data.clone()),
            None if k.is_empty() || self.dirs.contains(&k) => Err(FsError::WrongKind {
                path: path.to_string(),
                what: "is a directory",
            }),
            None => Err(FsError::NotFound {
                path: path.to_string(),
            }),
        }
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let k = key(path);
        if !k.is_empty() && !self.dirs.contains(&k) {
            return Err(if self.files.contains_key(&k) {
                FsError::WrongKind {
                    path: path.to_string(),
                    what: "not a directory",
                }
            } else {
                FsError::NotFound {
                    path: path.to_string(),
                }
            });
        }
        let prefix = if k.is_empty() {
            String::new()
        } else {
            format!("{k}/")
        };
        let mut out: Vec<DirEntry> = Vec::new();
        let mut last: Option<String> = None;
        for p in self
            .names
            .range(prefix.clone()..)
            .take_while(|p| p.starts_with(&prefix))
        {
            let rest = &p[prefix.len()..];
            let (name, kind) = match rest.find('/') {
                Some(i) => (&rest[..i], EntryKind::Dir),
                None => (rest, EntryKind::File),
            };
            if last.as_deref() == Some(name) {
                continue;
            }
            last = Some(name.to_string());
            out.push(DirEntry {
                name: name.to_string(),
                kind,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out.dedup_by(|a, b| a.name == b.name);
        Ok(out)
    }

    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        let k = key(path);
        if let Some((data, generation)) = self.files.get(&k) {
            return Ok(Metadata {
                kind: EntryKind::File,
                size: data.len() as u64,
                mtime_ns: Some(*generation),
            });
        }
        if k.is_empty() || self.dirs.contains(&k) {
            return Ok(Metadata {
                kind: EntryKind::Dir,
                size: 0,
                mtime_ns: None,
            });
        }
        Err(FsError::NotFound {
            path: path.to_string(),
        })
    }

    fn describe(&self) -> String {
        "memory".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> MemFs {
        let mut fs = MemFs::new();
        fs.insert("main/go.mod", b"module m\n".as_slice());
        fs.insert("/main/a/b.go", b"package b\n".as_slice());
        fs.insert("main/a.go", b"package main\n".as_slice());
        fs.insert("main-x/go.mod", b"module x\n".as_slice());
        fs
    }

    #[test]
    fn reads_and_lists() {
        let fs = tree();
        assert_eq!(&*fs.read("main/go.mod").unwrap(), b"module m\n");
        assert_eq!(&*fs.read("/main/./a/../go.mod").unwrap(), b"module m\n");
        assert!(fs.read("main/nope").unwrap_err().is_not_found());
        assert!(matches!(fs.read("main"), Err(FsError::WrongKind { .. })));
        let names: Vec<_> = fs
            .read_dir("main")
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("a".to_string(), EntryKind::Dir),
                ("a.go".to_string(), EntryKind::File),
                ("go.mod".to_string(), EntryKind::File)
            ]
        );
        let root: Vec<_> = fs
            .read_dir("/")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(root, vec!["main", "main-x"]);
        assert!(fs.is_dir("main/a") && !fs.is_dir("main/a.go") && fs.is_file("main/a.go"));
        assert!(fs.read_dir("nope").unwrap_err().is_not_found());
    }

    #[test]
    fn rewrites_change_mtime_and_removal_prunes_dirs() {
        let mut fs = tree();
        let before = fs.stat("main/go.mod").unwrap();
        fs.insert("main/go.mod", b"module n\n".as_slice());
        let after = fs.stat("main/go.mod").unwrap();
        assert_eq!(before.size, after.size);
        assert_ne!(before.mtime_ns, after.mtime_ns);
        assert!(fs.remove("main/a/b.go"));
        assert!(!fs.is_dir("main/a"));
        assert_eq!(fs.remove_tree("main"), 2);
        assert_eq!(fs.len(), 1);
    }
}
