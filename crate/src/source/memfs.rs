//! [`MemFs`]: an in-memory file tree (uploads in the browser, fixtures in tests).

use super::{clean_path, DirEntry, EntryKind, Fs, FsError, Metadata};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

/// An in-memory tree of files. Directories exist implicitly: a directory is any proper prefix of a
/// file's path. Each write bumps a counter that serves as the file's modification time, so change
/// detection by (size, mtime) works on it as on a disk.
///
/// Files and directories are looked up in [`PathTable`]s and listed in order from `names`:
/// resolving reads thousands of files by path, and ordered-map lookups compare long shared
/// prefixes byte by byte (slow in WASM, where `memcmp` is a plain loop). A lookup of a path that
/// is already clean (what every caller passes) allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: PathTable<(Arc<[u8]>, u64)>,
    names: BTreeSet<String>,
    dirs: PathTable<()>,
    generation: u64,
}

/// The key a path is stored under: cleaned, without a leading `/`; the root is `""`. Borrowed
/// from `path` when it is already in that form.
fn key(path: &str) -> Cow<'_, str> {
    let bare = path.strip_prefix('/').unwrap_or(path);
    if is_clean_relative(bare.as_bytes()) {
        return Cow::Borrowed(bare);
    }
    let cleaned = clean_path(path);
    Cow::Owned(match cleaned.trim_start_matches('/') {
        "." => String::new(),
        rest => rest.to_string(),
    })
}

/// True when `p` is a non-empty relative path that cleaning leaves as it is: no empty, `.` or
/// `..` element (so no leading, trailing or doubled `/`).
fn is_clean_relative(p: &[u8]) -> bool {
    // Only the slashes need a look: each ends an element that must be neither empty, `.` nor
    // `..`, and so must the last element.
    let ok = |e: &[u8]| !matches!(e, [] | [b'.'] | [b'.', b'.']);
    let mut start = 0;
    for (i, &b) in p.iter().enumerate() {
        if b == b'/' {
            if !ok(&p[start..i]) {
                return false;
            }
            start = i + 1;
        }
    }
    ok(&p[start..])
}

/// A 64-bit hash of a path, eight bytes at a time (WASM has 64-bit integer arithmetic, so this
/// costs the same there as natively), finished so that every output bit depends on every input
/// bit.
fn path_hash(p: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (p.len() as u64).wrapping_mul(K);
    let mut chunks = p.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(23) ^ word(c)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = (h.rotate_left(23) ^ word(rest)).wrapping_mul(K);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^ (h >> 29)
}

/// Up to eight bytes as a little-endian integer (missing bytes are zero).
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(w)
}

/// Byte equality eight bytes at a time: the same answer as `a == b` without calling `memcmp`,
/// which WASM runs one byte per iteration.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if word(x) != word(y) {
            return false;
        }
    }
    word(ca.remainder()) == word(cb.remainder())
}

/// The hash function of a [`PathTable`] (replaceable so that tests can force collisions).
type HashFn = fn(&[u8]) -> u64;

/// A map from path keys to values, indexed by a 64-bit hash of the key: a lookup hashes the
/// key once, finds the entry by that number, and compares the key itself only to confirm a hit.
/// Keys whose hash collides with another key's are kept in a short `spill` list (a 64-bit hash
/// makes that rare; it is still handled exactly).
#[derive(Clone)]
struct PathTable<V> {
    /// By key hash: the first key stored with that hash, and its value.
    main: FxHashMap<u64, (Box<str>, V)>,
    /// Further keys whose hash is already in `main`.
    spill: Vec<(u64, Box<str>, V)>,
    hash: HashFn,
}

impl<V> Default for PathTable<V> {
    fn default() -> Self {
        PathTable::with_hash(path_hash)
    }
}

impl<V> std::fmt::Debug for PathTable<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PathTable")
            .field("len", &self.len())
            .finish()
    }
}

impl<V> PathTable<V> {
    fn with_hash(hash: HashFn) -> Self {
        PathTable {
            main: FxHashMap::default(),
            spill: Vec::new(),
            hash,
        }
    }

    fn len(&self) -> usize {
        self.main.len() + self.spill.len()
    }

    fn get(&self, key: &str) -> Option<&V> {
        let h = (self.hash)(key.as_bytes());
        let (k, v) = self.main.get(&h)?;
        if same_bytes(k.as_bytes(), key.as_bytes()) {
            return Some(v);
        }
        self.spill
            .iter()
            .find(|(sh, k, _)| *sh == h && same_bytes(k.as_bytes(), key.as_bytes()))
            .map(|(_, _, v)| v)
    }

    fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Stores `value` under `key`; returns the value it replaces.
    fn insert(&mut self, key: &str, value: V) -> Option<V> {
        let h = (self.hash)(key.as_bytes());
        let Some((k, v)) = self.main.get_mut(&h) else {
            self.main.insert(h, (key.into(), value));
            return None;
        };
        if same_bytes(k.as_bytes(), key.as_bytes()) {
            return Some(std::mem::replace(v, value));
        }
        if let Some((_, _, v)) = self
            .spill
            .iter_mut()
            .find(|(sh, k, _)| *sh == h && same_bytes(k.as_bytes(), key.as_bytes()))
        {
            return Some(std::mem::replace(v, value));
        }
        self.spill.push((h, key.into(), value));
        None
    }

    /// Removes `key`; returns its value.
    fn remove(&mut self, key: &str) -> Option<V> {
        let h = (self.hash)(key.as_bytes());
        let in_main = self
            .main
            .get(&h)
            .is_some_and(|(k, _)| same_bytes(k.as_bytes(), key.as_bytes()));
        if in_main {
            let (_, v) = self.main.remove(&h)?;
            // A spilled key with the same hash takes the freed place.
            if let Some(i) = self.spill.iter().position(|(sh, _, _)| *sh == h) {
                let (_, k, sv) = self.spill.swap_remove(i);
                self.main.insert(h, (k, sv));
            }
            return Some(v);
        }
        let i = self
            .spill
            .iter()
            .position(|(sh, k, _)| *sh == h && same_bytes(k.as_bytes(), key.as_bytes()))?;
        Some(self.spill.swap_remove(i).2)
    }

    /// Keeps only the entries for which `keep(key)` is true.
    fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let mut entries: Vec<(Box<str>, V)> = self.main.drain().map(|(_, e)| e).collect();
        entries.extend(self.spill.drain(..).map(|(_, k, v)| (k, v)));
        for (k, v) in entries {
            if keep(&k) {
                self.insert(&k, v);
            }
        }
    }

    fn clear(&mut self) {
        self.main.clear();
        self.spill.clear();
    }

    fn values(&self) -> impl Iterator<Item = &V> {
        self.main
            .values()
            .map(|(_, v)| v)
            .chain(self.spill.iter().map(|(_, _, v)| v))
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
        let mut dir: &str = &k;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if self.dirs.insert(dir, ()).is_some() {
                break;
            }
        }
        self.generation += 1;
        if self
            .files
            .insert(&k, (data.into(), self.generation))
            .is_none()
        {
            self.names.insert(k.into_owned());
        }
    }

    /// Removes the file at `path`; returns whether it existed. Directories left empty disappear.
    pub fn remove(&mut self, path: &str) -> bool {
        let k = key(path);
        let existed = self.files.remove(&k).is_some();
        if existed {
            self.names.remove(k.as_ref());
            self.rebuild_dirs();
        }
        existed
    }

    /// Removes every file under the directory `dir` (or the file `dir`); returns how many.
    pub fn remove_tree(&mut self, dir: &str) -> usize {
        let k = key(dir);
        let prefix = format!("{k}/");
        let before = self.files.len();
        let gone = |p: &str| k.is_empty() || p == k || p.starts_with(&prefix);
        self.files.retain(|p| !gone(p));
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
                self.dirs.insert(dir, ());
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
        self.files.len() == 0
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
            return Err(if self.files.contains(&k) {
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

    #[test]
    fn keys_borrow_clean_paths_and_clean_the_rest() {
        let slow = |p: &str| match clean_path(p).trim_start_matches('/') {
            "." => String::new(),
            rest => rest.to_string(),
        };
        for p in [
            "",
            "/",
            ".",
            "..",
            "a",
            "/a",
            "a/b",
            "/a/b",
            "//a",
            "a//b",
            "a/",
            "./a",
            "a/.",
            "a/./b",
            "a/../b",
            "../a",
            "/../a",
            "a/..",
            ".a/b..",
            "a/.../b",
            "/a/b/c.mod",
        ] {
            let k = key(p);
            assert_eq!(k, slow(p), "key({p:?})");
            let clean = !matches!(p, "" | "/") && is_clean_relative(slow(p).as_bytes());
            let borrowed = matches!(k, Cow::Borrowed(_));
            // Every path whose key is a plain relative path is borrowed unless it needed
            // cleaning.
            if borrowed {
                assert!(clean, "{p:?} borrowed but not clean");
            }
        }
        assert!(matches!(
            key("/proxy/example.com/a/@v/v1.0.0.mod"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(key("proxy/a/../b"), Cow::Owned(_)));
    }

    #[test]
    fn word_equality_and_hash_agree_with_bytes() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh/",
            "abcdefgi",
            "proxy/example.com/a/@v/v1.0.0.mod",
            "proxy/example.com/a/@v/v1.0.1.mod",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
                if a != b {
                    assert_ne!(
                        path_hash(a.as_bytes()),
                        path_hash(b.as_bytes()),
                        "{a:?} {b:?}"
                    );
                }
            }
        }
        // A trailing zero byte is not the same as a shorter key.
        assert!(!same_bytes(b"ab\0", b"ab"));
        assert_ne!(path_hash(b"ab\0"), path_hash(b"ab"));
    }

    #[test]
    fn colliding_keys_are_kept_apart() {
        // Every key hashes alike: each lookup must fall back to comparing keys.
        let mut t: PathTable<u32> = PathTable::with_hash(|_| 7);
        assert_eq!(t.insert("a", 1), None);
        assert_eq!(t.insert("b", 2), None);
        assert_eq!(t.insert("c", 3), None);
        assert_eq!(t.insert("b", 20), Some(2));
        assert_eq!(
            (t.get("a"), t.get("b"), t.get("c")),
            (Some(&1), Some(&20), Some(&3))
        );
        assert_eq!(t.get("d"), None);
        assert_eq!(t.len(), 3);
        // Removing the entry in the main map promotes a spilled one.
        assert_eq!(t.remove("a"), Some(1));
        assert_eq!(
            (t.get("a"), t.get("b"), t.get("c")),
            (None, Some(&20), Some(&3))
        );
        assert_eq!(t.remove("c"), Some(3));
        assert_eq!(t.remove("c"), None);
        assert_eq!(t.get("b"), Some(&20));
        t.insert("x", 9);
        t.insert("y", 10);
        t.retain(|k| k != "b");
        assert_eq!(
            (t.get("b"), t.get("x"), t.get("y")),
            (None, Some(&9), Some(&10))
        );
        assert_eq!(t.len(), 2);
        let mut sum: Vec<u32> = t.values().copied().collect();
        sum.sort();
        assert_eq!(sum, vec![9, 10]);
    }
}
