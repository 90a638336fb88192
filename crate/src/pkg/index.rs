//! The gopkg cache: a hashed index of every directory of the GOROOT and GOPATH trees, so that a
//! lookup is a few hash probes instead of a linear scan of `stat` calls.
//!
//! # What is stored
//!
//! One record per directory below each root's `src`: the root, the path below `src` (which is the
//! import path of a package there), whether it holds a `.go` file, whether it holds a `go.mod`
//! file, how many subdirectories it has, and its modification time. Per root, a hash map goes
//! from that path to the record, so "is `$GOPATH[i]/src/p` a directory, does it hold Go files,
//! is there a go.mod?" — the only questions GOPATH lookup asks of the file system besides a
//! go.mod's contents — is one probe. The persisted form is a text file that starts with the BLAKE3
//! hash of the rest ([`GopkgIndex::encode`], [`GopkgIndex::decode`]); a file whose hash does not
//! match, or of an older format version, is rejected and the index rebuilt.
//!
//! # Why an answer is never stale
//!
//! On POSIX file systems a directory's modification time changes whenever an entry is added to it,
//! removed from it or renamed into or out of it. So:
//!
//! * a **positive** fact (`D` exists, holds Go files, holds a go.mod) is valid while `D`'s mtime
//!   is unchanged — adding or removing a `.go` file or the go.mod in `D` changes it;
//! * a **negative** fact (`D` does not exist) is valid while the mtime of `D`'s deepest indexed
//!   ancestor `A` is unchanged — creating `D` (or any missing directory between `A` and `D`), or
//!   renaming something into place, adds an entry to `A`. "No `vendor` directory here" is such a
//!   fact about the level itself, so a vendor directory appearing above an importer is seen too.
//!
//! Before a record is trusted for the first time in a session (a loaded index), it is re-`stat`ed.
//! If the directory is gone, is no longer a directory, or its mtime differs, the subtree of its
//! nearest surviving ancestor is walked again and replaced in the index (an `IndexRebuild` event,
//! `# gopkg cache rebuild: …` under `-x`), and the probe is answered from the refreshed records.
//! Records whose mtime is missing (in-memory trees) or too close to the time the index was built
//! (a change within the file system's timestamp granularity could go unseen — "racy" entries, as
//! git calls them) are not trusted on mtime alone: the directory is listed and compared instead.
//! Directories reached through a symbolic-link loop or beyond the depth limit are marked opaque:
//! probes below them go to the file system. A GOPATH entry that appears after the build changes
//! the roots, and an index built for other roots is not used (see
//! `native::gopkg_index_store`); one that is removed fails its `src` record's `stat`.
//!
//! Only the records a lookup relies on are checked: the directory found, the deepest indexed
//! ancestor of each candidate that was absent (one `stat` of `$GOROOT/src` covers every
//! `github.com/…` import), and each level above the importer for its `vendor` question. A run
//! that resolves a few imports therefore makes a few `stat`s; one that resolves every import of a
//! 7,598-package tree still needs most directories (every importer and every ancestor of one:
//! 10,369 of 12,224), because nothing cheaper than a directory's own mtime proves that no
//! `vendor` directory or package was added there. Such runs can have the checks made up front,
//! in parallel ([`GopkgIndex::unchecked`] and [`GopkgIndex::apply_stat`], driven by
//! `native::gopkg_index_store::prevalidate`); a stat made ahead of use validates only an
//! unchanged, non-racy record and leaves anything else to the lazy check, so it cannot make an
//! answer staler than checking at use would.
//!
//! A long-running process that watches the trees (`modscope serve`, `native::watch`) replaces
//! the per-session `stat` with change notifications: every indexed directory is watched before
//! the records are validated once, and afterwards a record is re-checked only when a
//! notification concerns it ([`GopkgIndex::touch`]: a fresh listing must match it;
//! [`GopkgIndex::touch_subtree`] and a named subdirectory: it and every record below it are
//! walked again, since the path may now name another directory). The argument for why no
//! change goes unseen, and how notifications are read before the lookups that must see them, is
//! in `native::watch`.
//!
//! Within a session, validated records are trusted without another `stat` (the go command also
//! caches `isDir` answers for the length of one run). The resolver memoises on top of that, per
//! session: the `vendor` directories and go.mod above each directory level, and each final
//! answer per (importer context, import path), where the context is what a GOPATH lookup reads
//! of the importer (vendor directories above it, a go.mod above it, its tree); see
//! [`crate::pkg::gopath::Resolver::resolve_ref`]. Any rebuild clears these memos.
//!
//! Cost: see the README's "gopkg cache" section (`modscope bench gopkg` on a Debian GOPATH tree).

use crate::clock::Clock;
use crate::pkg::gopath::{Found, Probe, Root, RootKind};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::{EntryKind, Fs, Metadata};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Deeper directories are not walked (they are marked opaque).
pub const MAX_DEPTH: usize = 64;

/// Directories whose mtime is within this many nanoseconds of the build time are "racy".
pub const RACY_NS: u64 = 2_000_000_000;

/// A small, fast string hasher (FxHash's multiply-rotate) for the index's maps: keys are import
/// paths from our own trees, so collision attacks are not a concern, and SipHash would dominate a
/// lookup's cost.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One indexed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirRecord {
    /// Index of the root.
    pub root: u16,
    /// Path below the root's `src` (`""` for `src` itself).
    pub rel: Box<str>,
    /// Modification time when indexed.
    pub mtime_ns: Option<u64>,
    /// Holds a non-directory entry named `*.go`.
    pub has_go: bool,
    /// Holds a non-directory entry named `go.mod`.
    pub has_gomod: bool,
    /// Number of subdirectories.
    pub children: u32,
    /// Not walked: probes below go to the file system.
    pub opaque: bool,
}

/// What a walk of one directory found (the unit both walkers produce).
#[derive(Debug, Clone)]
pub struct WalkedDir {
    /// Path below the root's `src`.
    pub rel: String,
    /// Modification time.
    pub mtime_ns: Option<u64>,
    /// Holds `*.go` files.
    pub has_go: bool,
    /// Holds a `go.mod` file.
    pub has_gomod: bool,
    /// Names of subdirectories.
    pub children: Vec<String>,
    /// Not walked further.
    pub opaque: bool,
}

#[derive(Debug, Clone, Default)]
struct RootIndex {
    dir: String,
    kind: Option<RootKind>,
    map: FxMap<Box<str>, u32>,
}

/// Counters for one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Records validated by `stat`.
    pub validated: u64,
    /// Records validated by listing (no or racy mtime).
    pub listed: u64,
    /// Subtrees rebuilt because they changed.
    pub rebuilds: u64,
    /// Probes answered.
    pub probes: u64,
}

/// Why a persisted index was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexDecodeError {
    /// Not an index file of this format version.
    #[error("not a gopkg index (bad header)")]
    BadHeader,
    /// The BLAKE3 hash does not match the contents.
    #[error("gopkg index hash mismatch (corrupt file)")]
    HashMismatch,
    /// A malformed line.
    #[error("gopkg index line {0}: malformed")]
    BadLine(usize),
    /// Built for different roots.
    #[error("gopkg index was built for other roots")]
    OtherRoots,
}

const MAGIC: &str = "modscope gopkg index 2";

/// [`GopkgIndex::touch`]: no change notification since the record was checked.
pub const TOUCH_NONE: u8 = 0;
/// [`GopkgIndex::touch`]: the directory changed; a listing must match the record.
pub const TOUCH_LIST: u8 = 1;
/// [`GopkgIndex::touch`]: the directory may be another one now; its subtree is walked again.
pub const TOUCH_WALK: u8 = 2;

/// What a fresh `stat` says about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Same directory, same trustworthy mtime: the record holds.
    Unchanged,
    /// Gone, not a directory, or another mtime: the subtree must be re-walked.
    Changed,
    /// The mtime cannot be trusted (missing or racy): compare a listing.
    List,
}

/// The gopkg index over a list of roots.
#[derive(Debug, Clone, Default)]
pub struct GopkgIndex {
    roots: Vec<RootIndex>,
    recs: Vec<DirRecord>,
    alive: Vec<bool>,
    checked: Vec<bool>,
    /// Per record, what a change notification said since it was last checked (see
    /// [`GopkgIndex::touch`]): [`TOUCH_NONE`], [`TOUCH_LIST`] or [`TOUCH_WALK`].
    touched: Vec<u8>,
    built_at_ns: Option<u64>,
    memo: FxMap<Box<str>, Found>,
    dirty: bool,
    generation: u64,
    /// Session counters.
    pub stats: IndexStats,
}

fn parent(rel: &str) -> Option<&str> {
    if rel.is_empty() {
        None
    } else {
        Some(match rel.rfind('/') {
            Some(i) => &rel[..i],
            None => "",
        })
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// Walks one root's `src` sequentially through an [`Fs`] (the core walker; the native one in
/// `native::walk` does the same in parallel). `rel` is where to start (`""` for the whole tree).
pub fn walk_fs(fs: &dyn Fs, src: &str, rel: &str) -> Vec<WalkedDir> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, usize)> = vec![(rel.to_string(), rel.split('/').count())];
    while let Some((rel, depth)) = stack.pop() {
        let dir = join(src, &rel);
        let Ok(entries) = fs.read_dir(&dir) else {
            continue;
        };
        let mtime_ns = fs.stat(&dir).ok().and_then(|m| m.mtime_ns);
        let mut w = WalkedDir {
            rel: rel.clone(),
            mtime_ns,
            has_go: false,
            has_gomod: false,
            children: Vec::new(),
            opaque: depth >= MAX_DEPTH,
        };
        for e in entries {
            match e.kind {
                EntryKind::File => {
                    w.has_go |= e.name.ends_with(".go");
                    w.has_gomod |= e.name == "go.mod";
                }
                EntryKind::Dir => w.children.push(e.name),
            }
        }
        if !w.opaque {
            for c in w.children.iter().rev() {
                stack.push((join(&rel, c), depth + 1));
            }
        }
        out.push(w);
    }
    out
}

impl GopkgIndex {
    /// An index of `roots` from walked directories (one list per root, same order as `roots`).
    /// `built_at_ns` is the wall-clock time the walk started, when known (for racy entries).
    pub fn from_walks(
        roots: &[Root],
        walks: Vec<Vec<WalkedDir>>,
        built_at_ns: Option<u64>,
    ) -> Self {
        let mut ix = GopkgIndex {
            roots: roots
                .iter()
                .map(|r| RootIndex {
                    dir: r.dir.clone(),
                    kind: Some(r.kind),
                    map: FxMap::default(),
                })
                .collect(),
            built_at_ns,
            // Set before inserting: freshly walked records are trusted for this session.
            dirty: true,
            ..Default::default()
        };
        for (r, walk) in walks.into_iter().enumerate() {
            for w in walk {
                ix.insert(r as u16, w);
            }
        }
        ix
    }

    /// Builds the index by walking every root through `fs` (sequentially).
    pub fn build(fs: &dyn Fs, roots: &[Root], built_at_ns: Option<u64>) -> Self {
        let walks = roots.iter().map(|r| walk_fs(fs, &r.src(), "")).collect();
        Self::from_walks(roots, walks, built_at_ns)
    }

    fn insert(&mut self, root: u16, w: WalkedDir) {
        let id = self.recs.len() as u32;
        let rel: Box<str> = w.rel.into();
        self.roots[root as usize].map.insert(rel.clone(), id);
        self.recs.push(DirRecord {
            root,
            rel,
            mtime_ns: w.mtime_ns,
            has_go: w.has_go,
            has_gomod: w.has_gomod,
            children: w.children.len() as u32,
            opaque: w.opaque,
        });
        self.alive.push(true);
        // Records created during a session come from a fresh listing: trusted for the session.
        self.checked.push(self.dirty);
        self.touched.push(TOUCH_NONE);
    }

    /// Whether the index was built for exactly these roots.
    pub fn matches_roots(&self, roots: &[Root]) -> bool {
        self.roots.len() == roots.len()
            && self
                .roots
                .iter()
                .zip(roots)
                .all(|(a, b)| a.dir == b.dir && a.kind == Some(b.kind))
    }

    /// Number of live directory records.
    pub fn len(&self) -> usize {
        self.alive.iter().filter(|a| **a).count()
    }

    /// Whether the index holds no directory.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the index changed since it was built or loaded (it should be saved).
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The live records (for tests and statistics).
    pub fn records(&self) -> impl Iterator<Item = &DirRecord> {
        self.recs
            .iter()
            .zip(&self.alive)
            .filter(|(_, a)| **a)
            .map(|(r, _)| r)
    }

    fn src(&self, root: usize) -> String {
        join(&self.roots[root].dir, "src")
    }

    /// Checks record `id` against the file system (once per session).
    fn validate(&mut self, fs: &dyn Fs, id: u32) -> bool {
        let i = id as usize;
        if self.checked[i] {
            return true;
        }
        let dir = self.dir_path(id);
        match self.touched[i] {
            TOUCH_WALK => return false,
            TOUCH_LIST => {
                // Changed since it was watched: only a fresh listing can vouch for it.
                self.stats.listed += 1;
                let ok = self.listing_matches(fs, id, &dir);
                if ok {
                    self.checked[i] = true;
                    self.touched[i] = TOUCH_NONE;
                }
                return ok;
            }
            _ => {}
        }
        let meta = fs.stat(&dir).ok();
        let ok = match self.judge(id, meta.as_ref()) {
            Verdict::Unchanged => {
                self.stats.validated += 1;
                true
            }
            Verdict::Changed => false,
            Verdict::List => {
                // No trustworthy mtime: compare a fresh listing with the record.
                self.stats.listed += 1;
                self.listing_matches(fs, id, &dir)
            }
        };
        if ok {
            self.checked[i] = true;
        }
        ok
    }

    /// What a `stat` result (`None`: the path is gone) says about record `id`.
    fn judge(&self, id: u32, meta: Option<&Metadata>) -> Verdict {
        let Some(meta) = meta else {
            return Verdict::Changed;
        };
        if meta.kind != EntryKind::Dir {
            return Verdict::Changed;
        }
        let racy = match (meta.mtime_ns, self.built_at_ns) {
            (Some(m), Some(b)) => m.saturating_add(RACY_NS) >= b,
            (Some(_), None) => false,
            (None, _) => true,
        };
        if racy {
            Verdict::List
        } else if meta.mtime_ns == self.recs[id as usize].mtime_ns {
            Verdict::Unchanged
        } else {
            Verdict::Changed
        }
    }

    /// The directory record `id` stands for (`<root>/src/<rel>`).
    pub fn dir_path(&self, id: u32) -> String {
        let rec = &self.recs[id as usize];
        let root = &self.roots[rec.root as usize].dir;
        let mut out = String::with_capacity(root.len() + rec.rel.len() + 5);
        out.push_str(root);
        if !root.is_empty() && !root.ends_with('/') {
            out.push('/');
        }
        out.push_str("src");
        if !rec.rel.is_empty() {
            out.push('/');
            out.push_str(&rec.rel);
        }
        out
    }

    /// Records not yet validated in this session that a `stat` can validate (live, not opaque),
    /// for [`GopkgIndex::apply_stat`]: the native front end stats them in parallel ahead of use.
    pub fn unchecked(&self) -> Vec<u32> {
        (0..self.recs.len() as u32)
            .filter(|&id| {
                let i = id as usize;
                self.alive[i] && !self.checked[i] && !self.recs[i].opaque
            })
            .collect()
    }

    /// Takes a `stat` of record `id`'s directory made during this session (`None` when it
    /// failed). An unchanged, non-racy mtime validates the record for the session; anything else
    /// leaves it to be checked again when a lookup first relies on it (and then listed or
    /// rebuilt), so a stat made ahead of use can never validate a changed directory.
    pub fn apply_stat(&mut self, id: u32, meta: Option<&Metadata>) {
        let i = id as usize;
        if i >= self.recs.len() || !self.alive[i] || self.checked[i] || self.touched[i] != 0 {
            return;
        }
        if self.judge(id, meta) == Verdict::Unchanged {
            self.stats.validated += 1;
            self.checked[i] = true;
        }
    }

    fn listing_matches(&self, fs: &dyn Fs, id: u32, dir: &str) -> bool {
        let rec = &self.recs[id as usize];
        let Ok(entries) = fs.read_dir(dir) else {
            return false;
        };
        let mut has_go = false;
        let mut has_gomod = false;
        let mut children = 0u32;
        let map = &self.roots[rec.root as usize].map;
        for e in &entries {
            match e.kind {
                EntryKind::File => {
                    has_go |= e.name.ends_with(".go");
                    has_gomod |= e.name == "go.mod";
                }
                EntryKind::Dir => {
                    children += 1;
                    if !rec.opaque && !map.contains_key(join(&rec.rel, &e.name).as_str()) {
                        return false;
                    }
                }
            }
        }
        has_go == rec.has_go && has_gomod == rec.has_gomod && children == rec.children
    }

    /// Re-walks the subtree at `rel` in `root` (or its nearest existing ancestor) and replaces it.
    fn refresh(
        &mut self,
        fs: &dyn Fs,
        root: usize,
        rel: &str,
        trace: &mut Trace,
        clock: &dyn Clock,
    ) {
        let t0 = clock.now_nanos();
        let src = self.src(root);
        let mut top = rel.to_string();
        while !fs.is_dir(&join(&src, &top)) {
            match parent(&top) {
                Some(p) => top = p.to_string(),
                None => break,
            }
        }
        // Drop every record at or below `top`.
        let prefix = format!("{top}/");
        let ids: Vec<u32> = self.roots[root]
            .map
            .iter()
            .filter(|(k, _)| top.is_empty() || &***k == top.as_str() || k.starts_with(&prefix))
            .map(|(_, &id)| id)
            .collect();
        for id in ids {
            let rec = &self.recs[id as usize];
            self.roots[root].map.remove(&rec.rel);
            self.alive[id as usize] = false;
        }
        self.memo.clear();
        self.dirty = true;
        let walked = walk_fs(fs, &src, &top);
        let n = walked.len();
        for w in walked {
            self.insert(root as u16, w);
        }
        self.stats.rebuilds += 1;
        self.generation += 1;
        let dir = join(&src, &top);
        trace.push_with(|| {
            Event::new(
                EventKind::IndexRebuild,
                dir,
                "changed since the index was built",
            )
            .with_result(format!("{n} directories re-indexed"))
            .timed(t0, clock.now_nanos().saturating_sub(t0))
        });
    }

    /// Answers "is `<root>/src/<rel>` a directory, and does it hold `.go` files?", validating the
    /// records it relies on (see the module documentation).
    pub fn probe(
        &mut self,
        fs: &dyn Fs,
        root: usize,
        rel: &str,
        trace: &mut Trace,
        clock: &dyn Clock,
    ) -> Probe {
        self.stats.probes += 1;
        for _attempt in 0..3 {
            // Find the record itself, or its deepest indexed ancestor.
            let mut cur = Some(rel);
            let mut found: Option<(u32, bool)> = None;
            while let Some(c) = cur {
                if let Some(&id) = self.roots[root].map.get(c) {
                    found = Some((id, c.len() == rel.len()));
                    break;
                }
                cur = parent(c);
            }
            let Some((id, exact)) = found else {
                // Not even the root's src was indexed: ask the file system.
                if fs.is_dir(&self.src(root)) {
                    self.refresh(fs, root, "", trace, clock);
                    continue;
                }
                return Probe::ABSENT;
            };
            if !self.validate(fs, id) {
                let r = self.recs[id as usize].rel.to_string();
                self.refresh(fs, root, &r, trace, clock);
                continue;
            }
            let rec = &self.recs[id as usize];
            if exact {
                return Probe {
                    is_dir: true,
                    has_go_files: rec.has_go,
                    has_go_mod: rec.has_gomod,
                };
            }
            if rec.opaque {
                return fs_probe(fs, &join(&self.src(root), rel));
            }
            return Probe::ABSENT;
        }
        // The tree keeps changing under us: answer from the file system.
        fs_probe(fs, &join(&self.src(root), rel))
    }

    /// Counts the subtrees re-walked in this session: answers derived from the index are valid
    /// while it stays the same.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A memoised final answer for a non-vendored import searched in the given GOROOT order.
    pub fn memo_get(&self, path: &str) -> Option<&Found> {
        self.memo.get(path)
    }

    /// Remembers a final answer (valid for the rest of the session).
    pub fn memo_put(&mut self, path: &str, found: Found) {
        self.memo.insert(path.into(), found);
    }

    /// The persisted form: a header with the BLAKE3 hash of the body, then one line per root and
    /// per directory.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = String::new();
        if let Some(b) = self.built_at_ns {
            body.push_str(&format!("built {b}\n"));
        }
        for r in &self.roots {
            let kind = match r.kind {
                Some(RootKind::Goroot) => "goroot".to_string(),
                Some(RootKind::Gopath(i)) => format!("gopath{i}"),
                None => "none".to_string(),
            };
            body.push_str(&format!("root {kind} {}\n", r.dir));
        }
        for (rec, alive) in self.recs.iter().zip(&self.alive) {
            if !alive {
                continue;
            }
            let m = rec.mtime_ns.map_or("-".to_string(), |m| m.to_string());
            let mut flags = String::new();
            if rec.has_go {
                flags.push('g');
            }
            if rec.has_gomod {
                flags.push('m');
            }
            if rec.opaque {
                flags.push('o');
            }
            if flags.is_empty() {
                flags.push('-');
            }
            body.push_str(&format!(
                "d {} {m} {flags} {} {}\n",
                rec.root, rec.children, rec.rel
            ));
        }
        let hash = blake3::hash(body.as_bytes());
        let mut out = format!("{MAGIC}\nhash {}\n", hash.to_hex()).into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }

    /// Reads the persisted form, verifying its hash. The result starts a new session: every
    /// record is re-validated before it is trusted.
    pub fn decode(data: &[u8]) -> Result<Self, IndexDecodeError> {
        let text = std::str::from_utf8(data).map_err(|_| IndexDecodeError::BadHeader)?;
        let rest = text
            .strip_prefix(MAGIC)
            .and_then(|r| r.strip_prefix("\nhash "))
            .ok_or(IndexDecodeError::BadHeader)?;
        let (hash, body) = rest.split_once('\n').ok_or(IndexDecodeError::BadHeader)?;
        if blake3::hash(body.as_bytes()).to_hex().as_str() != hash {
            return Err(IndexDecodeError::HashMismatch);
        }
        let mut ix = GopkgIndex::default();
        for (n, line) in body.lines().enumerate() {
            let bad = || IndexDecodeError::BadLine(n + 3);
            if let Some(b) = line.strip_prefix("built ") {
                ix.built_at_ns = Some(b.parse().map_err(|_| bad())?);
            } else if let Some(r) = line.strip_prefix("root ") {
                let (kind, dir) = r.split_once(' ').ok_or_else(bad)?;
                let kind = match kind {
                    "goroot" => Some(RootKind::Goroot),
                    "none" => None,
                    k => Some(RootKind::Gopath(
                        k.strip_prefix("gopath")
                            .and_then(|i| i.parse().ok())
                            .ok_or_else(bad)?,
                    )),
                };
                ix.roots.push(RootIndex {
                    dir: dir.to_string(),
                    kind,
                    map: FxMap::default(),
                });
            } else if let Some(d) = line.strip_prefix("d ") {
                let mut f = d.splitn(5, ' ');
                let root: u16 = f.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
                let m = f.next().ok_or_else(bad)?;
                let mtime_ns = if m == "-" {
                    None
                } else {
                    Some(m.parse().map_err(|_| bad())?)
                };
                let flags = f.next().ok_or_else(bad)?;
                let children: u32 = f.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
                let rel = f.next().unwrap_or("");
                if root as usize >= ix.roots.len() {
                    return Err(bad());
                }
                let id = ix.recs.len() as u32;
                ix.roots[root as usize].map.insert(rel.into(), id);
                ix.recs.push(DirRecord {
                    root,
                    rel: rel.into(),
                    mtime_ns,
                    has_go: flags.contains('g'),
                    has_gomod: flags.contains('m'),
                    children,
                    opaque: flags.contains('o'),
                });
                ix.alive.push(true);
                ix.checked.push(false);
                ix.touched.push(TOUCH_NONE);
            } else if !line.is_empty() {
                return Err(bad());
            }
        }
        Ok(ix)
    }

    /// Starts a new session over the same records: every record is checked again before it is
    /// trusted, and every memoised answer is dropped (what a new process would do with the
    /// loaded index; a long-running process without change notifications calls it per request).
    pub fn new_session(&mut self) {
        self.checked.fill(false);
        self.memo.clear();
        self.generation += 1;
    }

    /// Records a change notification for directory `rel` of root `root`: something in it changed
    /// (`entry` names the entry when the notification does). The record is then trusted only
    /// after a fresh listing matches it ([`TOUCH_LIST`]); the entry's own record, if indexed,
    /// and the deepest indexed ancestor when `rel` itself is not indexed are walked again
    /// ([`TOUCH_WALK`]): a directory renamed or linked into place under an old name has other
    /// contents, which no listing of its parent shows. Memoised answers are dropped.
    ///
    /// This is the hook for a process that watches the trees (`native::watch`): between
    /// notifications, a checked record needs no `stat`.
    pub fn touch(&mut self, root: usize, rel: &str, entry: Option<&str>) {
        self.memo.clear();
        self.generation += 1;
        let Some(r) = self.roots.get(root) else {
            return;
        };
        match r.map.get(rel) {
            Some(&id) => self.mark(id, TOUCH_LIST),
            None => {
                let mut cur = parent(rel);
                while let Some(c) = cur {
                    if let Some(&id) = self.roots[root].map.get(c) {
                        self.mark(id, TOUCH_WALK);
                        break;
                    }
                    cur = parent(c);
                }
            }
        }
        if let Some(name) = entry {
            let child = join(rel, name);
            if let Some(&id) = self.roots[root].map.get(child.as_str()) {
                self.mark(id, TOUCH_WALK);
            }
        }
    }

    /// Records that directory `rel` of root `root` was itself deleted, moved or replaced: its
    /// record (or, when it is not indexed, its deepest indexed ancestor's) is walked again with
    /// its subtree before it is trusted. Memoised answers are dropped.
    pub fn touch_subtree(&mut self, root: usize, rel: &str) {
        self.memo.clear();
        self.generation += 1;
        let Some(r) = self.roots.get(root) else {
            return;
        };
        let mut cur = Some(rel);
        while let Some(c) = cur {
            if let Some(&id) = r.map.get(c) {
                self.mark(id, TOUCH_WALK);
                return;
            }
            cur = parent(c);
        }
    }

    /// The ids of the live records (for [`GopkgIndex::dir_path`]).
    pub fn live_ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.recs.len() as u32).filter(|&id| self.alive[id as usize])
    }

    /// Marks every record to be walked again before it is trusted (change notifications were
    /// lost, e.g. the kernel's queue overflowed). Memoised answers are dropped.
    pub fn touch_all(&mut self) {
        self.touched.fill(TOUCH_WALK);
        self.checked.fill(false);
        self.memo.clear();
        self.generation += 1;
    }

    fn mark(&mut self, id: u32, how: u8) {
        let i = id as usize;
        if how == TOUCH_WALK && self.touched[i] != TOUCH_WALK {
            // The path may name another directory now, and so may every path below it: a
            // lookup that finds one of those records directly must not trust it either.
            let rec = &self.recs[i];
            let root = rec.root as usize;
            let below = format!("{}/", rec.rel);
            let all = rec.rel.is_empty();
            let ids: Vec<u32> = self.roots[root]
                .map
                .iter()
                .filter(|(k, _)| all || k.starts_with(&below))
                .map(|(_, &id)| id)
                .collect();
            for d in ids {
                self.touched[d as usize] = TOUCH_WALK;
                self.checked[d as usize] = false;
            }
        }
        self.touched[i] = self.touched[i].max(how);
        self.checked[i] = false;
    }

    /// Records waiting for a re-check after a change notification ([`GopkgIndex::touch`]).
    pub fn touched_count(&self) -> usize {
        self.touched
            .iter()
            .zip(&self.alive)
            .filter(|(t, a)| **a && **t != TOUCH_NONE)
            .count()
    }

    /// Marks the index as saved.
    pub fn mark_saved(&mut self) {
        self.dirty = false;
    }
}

/// Probes `dir` on the file system: one listing.
pub fn fs_probe(fs: &dyn Fs, dir: &str) -> Probe {
    match fs.read_dir(dir) {
        Ok(entries) => {
            let file = |f: &dyn Fn(&str) -> bool| {
                entries
                    .iter()
                    .any(|e| e.kind == EntryKind::File && f(&e.name))
            };
            Probe {
                is_dir: true,
                has_go_files: file(&|n| n.ends_with(".go")),
                has_go_mod: file(&|n| n == "go.mod"),
            }
        }
        Err(_) => Probe::ABSENT,
    }
}
