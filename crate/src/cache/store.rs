//! [`ModfileCache`]: the modfile cache the graph loader consults (it implements
//! [`ModFileCache`]), with its memory tier, an optional persistent tier, go.sum verification,
//! statistics and trace events.
//!
//! A lookup goes memory → persistent tier; a miss is read by the loader and handed back through
//! [`ModFileCache::parse`], which verifies it against go.sum, reuses an entry with the same
//! content hash if one exists (identical bytes are parsed once) and otherwise parses and stores.
//! Every module-version hit is checked against go.sum by the `h1:` hash the entry recorded when
//! it was stored; a mismatch evicts the entry and the file is read again, so the go command's
//! checksum error (or the right answer) comes from the real bytes.
//!
//! What the run used is kept ([`ModfileCache::run_snapshot`], [`ModfileCache::take_new`]) so the
//! front end can write new entries, the index and the warm-run snapshot at the end.

use super::entry::{new_entry, Entry, EntryRecord};
use super::key::{ContentHash, FileStamp};
use super::lru::Lru;
use super::snapshot::{FileKey, InfoKey, ModuleKey, Snapshot, SnapshotView};
use crate::graph::load::{DepGoMod, GoModOrigin, ModFileCache, ParseFnRef};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::{EntryKind, Fetched, FileKind, Fs, ModuleSource, SourceError};
use crate::sum::{GoModSums, GoSum, SumError};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where a hit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// The in-process memory tier.
    Memory,
    /// The warm-run snapshot loaded at start (held in memory).
    Snapshot,
    /// The persistent tier (entry files, index).
    Disk,
}

impl Tier {
    /// The name used in `-x` lines and tables.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Memory => "memory",
            Tier::Snapshot => "snapshot",
            Tier::Disk => "disk",
        }
    }
}

/// Counters of one tier.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TierStats {
    /// Entries held.
    pub entries: u64,
    /// Bytes held.
    pub bytes: u64,
    /// Lookups answered by this tier.
    pub hits: u64,
    /// Lookups this tier could not answer.
    pub misses: u64,
}

impl TierStats {
    /// hits / (hits + misses), or 0 when there were no lookups.
    pub fn hit_rate(&self) -> f64 {
        let n = self.hits + self.misses;
        if n == 0 {
            0.0
        } else {
            self.hits as f64 / n as f64
        }
    }
}

/// Counters of one run (or, summed by the front end, of a cache's life).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// The memory tier (including entries that came from the snapshot).
    pub memory: TierStats,
    /// The persistent tier.
    pub disk: TierStats,
    /// Hits served from the warm-run snapshot (counted in `memory.hits` too).
    pub snapshot_hits: u64,
    /// Entries stored.
    pub stores: u64,
    /// Entries evicted because they were refused (go.sum) or corrupt.
    pub evictions: u64,
}

/// The persistent tier as the cache sees it. Implementations do the I/O (native: a directory;
/// browser: an imported snapshot) and verify what they read.
pub trait PersistentTier: Send {
    /// A short description for traces: the directory, `snapshot`, …
    fn describe(&self) -> String;
    /// The content hash recorded for `path@version`, if any.
    fn module_hash(&mut self, path: &str, version: &str) -> Option<ContentHash>;
    /// The stamp and content hash recorded for the file at `path`, if any.
    fn file_hash(&mut self, path: &str) -> Option<(FileStamp, ContentHash)>;
    /// The verified entry stored under `hash`; `Err(reason)` when what was stored is corrupt
    /// (the implementation deletes it).
    fn load(&mut self, hash: ContentHash) -> Result<Option<Entry>, String>;
    /// Forgets `hash` and the keys of `path@version` (a refused or corrupt entry).
    fn evict(&mut self, hash: ContentHash, module: Option<(&str, &str)>);
    /// The stamp of a file on disk, if the tier can tell (native: size, mtime, ctime, inode).
    fn stamp(&self, path: &str) -> Option<FileStamp>;
    /// Warnings the tier has found since last asked (a corrupt index), for the trace.
    fn take_warnings(&mut self) -> Vec<Event> {
        Vec::new()
    }
}

/// Value of a module key: the content hash and where the key came from.
type ModVal = (ContentHash, Tier);

struct Inner {
    mem: Lru,
    /// Entries loaded from the warm-run snapshot (the run's working set, outside the LRU bound).
    snap: FxHashMap<ContentHash, Arc<Entry>>,
    /// `path \0 version` → content hash.
    modules: FxHashMap<Box<str>, ModVal>,
    files: FxHashMap<Box<str>, (FileStamp, ContentHash)>,
    /// Where this run read module go.mods (for the index).
    sources: FxHashMap<Box<str>, Box<str>>,
    disk: Option<Box<dyn PersistentTier>>,
    /// go.sum's `/go.mod` lines.
    sums: GoModSums,
    stats: CacheStats,
    /// Entries the run used or stored, by hash, beyond the snapshot's.
    used: FxHashMap<ContentHash, Arc<Entry>>,
    /// Entries first seen this run, with their bytes, to be written by the front end.
    new: Vec<(Arc<Entry>, Arc<[u8]>)>,
    fatal: Option<String>,
    /// `.info` files by `path \0 version`.
    infos: FxHashMap<Box<str>, Fetched>,
    new_infos: u64,
    /// Reused buffer for map keys.
    key: String,
    /// False for a verify-only cache (the cache is off): nothing is looked up or stored.
    enabled: bool,
    /// Files on disk this run took go.mod summaries from, with the stamps they had.
    files_used: FxHashMap<Box<str>, FileStamp>,
    /// A go.mod on disk was read this run without a usable stamp (changed too recently).
    unstamped: bool,
}

fn mkey<'b>(buf: &'b mut String, path: &str, version: &str) -> &'b str {
    buf.clear();
    buf.push_str(path);
    buf.push('\0');
    buf.push_str(version);
    buf.as_str()
}

/// The map key `path \0 version`, allocated once at its size.
fn joined_key(path: &str, version: &str) -> Box<str> {
    let mut k = String::with_capacity(path.len() + 1 + version.len());
    k.push_str(path);
    k.push('\0');
    k.push_str(version);
    k.into_boxed_str()
}

fn split_key(k: &str) -> (&str, &str) {
    k.split_once('\0').unwrap_or((k, ""))
}

/// The modfile cache. Cheap to share by reference; internally synchronised.
pub struct ModfileCache {
    inner: Mutex<Inner>,
}

/// Default bound of the memory tier: 256 MiB.
pub const DEFAULT_MEMORY_BYTES: u64 = 256 << 20;

impl ModfileCache {
    /// A cache with a memory tier of `memory_bytes` and no persistent tier.
    pub fn new(memory_bytes: u64) -> Self {
        ModfileCache {
            inner: Mutex::new(Inner {
                mem: Lru::new(memory_bytes),
                snap: FxHashMap::default(),
                modules: FxHashMap::default(),
                files: FxHashMap::default(),
                sources: FxHashMap::default(),
                disk: None,
                sums: GoModSums::default(),
                stats: CacheStats::default(),
                used: FxHashMap::default(),
                new: Vec::new(),
                fatal: None,
                infos: FxHashMap::default(),
                new_infos: 0,
                key: String::new(),
                enabled: true,
                files_used: FxHashMap::default(),
                unstamped: false,
            }),
        }
    }

    /// A cache that is off: it answers no lookups and stores nothing, but still verifies the
    /// go.mod files the loader reads against go.sum (as the go command does) and parses them.
    pub fn verify_only() -> Self {
        let c = ModfileCache::new(0);
        c.lock().enabled = false;
        c
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // changes answers (every value is verified on use), so a poisoned lock is recovered.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a persistent tier.
    pub fn with_tier(self, tier: Box<dyn PersistentTier>) -> Self {
        self.lock().disk = Some(tier);
        self
    }

    /// Sets the go.sum text (go.sum, or go.work.sum and the modules' go.sum files together)
    /// that module versions are verified against, reported as `name`.
    pub fn set_gosum_text(&self, name: &str, text: &str) {
        let sums = GoModSums::parse(name, text);
        self.lock().sums = sums;
    }

    /// Sets the go.sum (merged go.sum / go.work.sum) that module versions are verified against.
    pub fn set_gosum(&self, gosum: GoSum) {
        let mut text = String::new();
        for (path, version, hash) in gosum.sorted_lines() {
            text.push_str(path);
            text.push(' ');
            text.push_str(version);
            text.push(' ');
            text.push_str(hash);
            text.push('\n');
        }
        self.set_gosum_text(gosum.file_name(), &text);
    }

    /// Loads a snapshot's keys and entries into memory. Entries are trusted as verified by the
    /// snapshot's checksum (and re-hashed when they carry bytes); module keys are immutable; file
    /// keys are checked against the file's stamp on use. What the snapshot holds is carried into
    /// the next one this run writes, if any, so commands that need different parts of the graph
    /// do not evict each other's keys.
    pub fn install(&self, snap: Snapshot) {
        let mut g = self.lock();
        let g = &mut *g;
        g.snap.reserve(snap.entries.len());
        for rec in snap.entries {
            let e = Arc::new(rec.into_entry());
            g.snap.insert(e.hash, e);
        }
        g.modules.reserve(snap.modules.len());
        for m in snap.modules {
            let mut k = m.path;
            k.push('\0');
            k.push_str(&m.version);
            g.modules
                .insert(k.into_boxed_str(), (m.hash, Tier::Snapshot));
        }
        for f in snap.files {
            g.files.insert(f.path.into_boxed_str(), (f.stamp, f.hash));
        }
        g.infos.reserve(snap.infos.len());
        for i in snap.infos {
            let mut k = i.path;
            k.push('\0');
            k.push_str(&i.version);
            g.infos.insert(
                k.into_boxed_str(),
                Fetched {
                    data: Arc::from(i.data),
                    location: i.location,
                },
            );
        }
    }

    /// [`ModfileCache::install`] from a snapshot decoded in place ([`Snapshot::decode_view`]):
    /// only what the cache keeps is allocated (each key once, at its final size), not an owned
    /// copy of every record first.
    pub fn install_view(&self, snap: &SnapshotView<'_>) {
        let mut g = self.lock();
        let g = &mut *g;
        g.snap.reserve(snap.entries.len());
        for rec in &snap.entries {
            g.snap.insert(rec.hash, Arc::new(rec.to_entry()));
        }
        g.modules.reserve(snap.modules.len());
        for m in &snap.modules {
            g.modules
                .insert(joined_key(m.path, m.version), (m.hash, Tier::Snapshot));
        }
        for f in &snap.files {
            g.files.insert(f.path.into(), (f.stamp, f.hash));
        }
        g.infos.reserve(snap.infos.len());
        for i in &snap.infos {
            g.infos.insert(
                joined_key(i.path, i.version),
                Fetched {
                    data: Arc::from(i.data),
                    location: i.location.to_string(),
                },
            );
        }
    }

    /// The cached `.info` of `path@version`.
    pub fn info(&self, path: &str, version: &str) -> Option<Fetched> {
        let mut g = self.lock();
        let g = &mut *g;
        if !g.enabled {
            return None;
        }
        let k = mkey(&mut g.key, path, version);
        g.infos.get(k).cloned()
    }

    /// Keeps the `.info` of `path@version` just read.
    pub fn store_info(&self, path: &str, version: &str, f: &Fetched) {
        let mut g = self.lock();
        if !g.enabled {
            return;
        }
        g.infos
            .insert(format!("{path}\0{version}").into_boxed_str(), f.clone());
        g.new_infos += 1;
    }

    /// True when the `.info` of `path@version` is cached.
    pub fn has_info(&self, path: &str, version: &str) -> bool {
        let mut g = self.lock();
        let g = &mut *g;
        g.enabled && g.infos.contains_key(mkey(&mut g.key, path, version))
    }

    /// The first checksum mismatch seen (the go command stops on it), if any.
    pub fn fatal(&self) -> Option<String> {
        self.lock().fatal.clone()
    }

    /// This run's counters, with the memory tier's current size.
    pub fn stats(&self) -> CacheStats {
        let g = self.lock();
        let mut s = g.stats;
        s.memory.entries = (g.mem.len() + g.snap.len()) as u64;
        s.memory.bytes = g.mem.bytes() + g.snap.values().map(|e| e.weight()).sum::<u64>();
        s
    }

    /// True when every go.mod and .info of the run came from the snapshot (nothing to write).
    pub fn fully_warm(&self) -> bool {
        let g = self.lock();
        g.new.is_empty()
            && g.new_infos == 0
            && g.stats.disk.hits == 0
            && g.stats.memory.misses == 0
            && g.stats.evictions == 0
    }

    /// The go.mod files on disk (directory replacements) this run's answers came from, with
    /// their stamps, sorted by path; `None` when one of them had no usable stamp, so that an
    /// answer built from it cannot be validated by stamps later.
    pub fn files_used(&self) -> Option<Vec<(String, FileStamp)>> {
        let g = self.lock();
        if g.unstamped {
            return None;
        }
        let mut v: Vec<(String, FileStamp)> = g
            .files_used
            .iter()
            .map(|(p, s)| (p.to_string(), *s))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        Some(v)
    }

    /// Entries first seen this run with their bytes (drained).
    pub fn take_new(&self) -> Vec<(Arc<Entry>, Arc<[u8]>)> {
        std::mem::take(&mut self.lock().new)
    }

    /// Every key held whose entry is at hand (the snapshot's and this run's), as a snapshot for
    /// `key` (no bytes). Module keys carry where this run read them.
    pub fn run_snapshot(&self, key: ContentHash) -> Snapshot {
        let g = self.lock();
        let entry = |h: &ContentHash| g.used.get(h).or_else(|| g.snap.get(h));
        let mut entries: Vec<EntryRecord> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<ContentHash> = Default::default();
        let mut modules = Vec::new();
        for (k, (h, _)) in &g.modules {
            let Some(e) = entry(h) else { continue };
            if seen.insert(*h) {
                entries.push(EntryRecord::of(e, None));
            }
            let (path, version) = split_key(k);
            modules.push(ModuleKey {
                path: path.to_string(),
                version: version.to_string(),
                hash: *h,
                source: g.sources.get(k).map(|s| s.to_string()).unwrap_or_default(),
            });
        }
        let mut files = Vec::new();
        for (p, (stamp, h)) in &g.files {
            let Some(e) = entry(h) else { continue };
            if seen.insert(*h) {
                entries.push(EntryRecord::of(e, None));
            }
            files.push(FileKey {
                path: p.to_string(),
                stamp: *stamp,
                hash: *h,
            });
        }
        let mut infos: Vec<InfoKey> = g
            .infos
            .iter()
            .map(|(k, f)| {
                let (path, version) = split_key(k);
                InfoKey {
                    path: path.to_string(),
                    version: version.to_string(),
                    location: f.location.clone(),
                    data: f.data.to_vec(),
                }
            })
            .collect();
        entries.sort_by_key(|e| e.hash);
        modules.sort_by(|a, b| (&a.path, &a.version).cmp(&(&b.path, &b.version)));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        infos.sort_by(|a, b| (&a.path, &a.version).cmp(&(&b.path, &b.version)));
        Snapshot {
            key: Some(key),
            modules,
            files,
            entries,
            infos,
        }
    }

    /// Every entry and key held in memory (for exporting an in-memory cache, e.g. the
    /// playground's).
    pub fn memory_snapshot(&self) -> Snapshot {
        let mut s = self.run_snapshot(ContentHash([0; 32]));
        s.key = None;
        s
    }
}

impl Inner {
    /// The entry for `h` from the snapshot, memory, then disk. Corrupt disk entries are reported
    /// and dropped.
    fn entry(
        &mut self,
        h: ContentHash,
        subject: &dyn Fn() -> String,
        trace: &mut Trace,
    ) -> Option<(Arc<Entry>, Tier)> {
        if let Some(e) = self.snap.get(&h) {
            return Some((e.clone(), Tier::Snapshot));
        }
        if let Some(e) = self.mem.get(&h) {
            return Some((e, Tier::Memory));
        }
        let disk = self.disk.as_mut()?;
        match disk.load(h) {
            Ok(Some(e)) => {
                let e = Arc::new(e);
                self.mem.insert(e.clone());
                Some((e, Tier::Disk))
            }
            Ok(None) => None,
            Err(why) => {
                self.stats.evictions += 1;
                trace.push_with(|| {
                    Event::new(
                        EventKind::Warning,
                        format!("modfile cache: corrupt entry {}", h.short()),
                        disk.describe(),
                    )
                    .with_result(format!("{why}; deleted, rebuilding {}", subject()))
                });
                None
            }
        }
    }

    fn hit(&mut self, subject: &dyn Fn() -> String, e: &Arc<Entry>, tier: Tier, trace: &mut Trace) {
        match tier {
            Tier::Disk => {
                self.stats.memory.misses += 1;
                self.stats.disk.hits += 1;
            }
            Tier::Snapshot => {
                self.stats.memory.hits += 1;
                self.stats.snapshot_hits += 1;
            }
            Tier::Memory => self.stats.memory.hits += 1,
        }
        if tier != Tier::Snapshot {
            self.used.entry(e.hash).or_insert_with(|| e.clone());
        }
        trace.push_with(|| {
            Event::new(
                EventKind::CacheHit,
                subject(),
                format!("blake3 {}, {}", e.hash.short(), tier.name()),
            )
        });
    }

    fn miss(&mut self, subject: &dyn Fn() -> String, trace: &mut Trace) {
        self.stats.memory.misses += 1;
        if self.disk.is_some() {
            self.stats.disk.misses += 1;
        }
        trace.push_with(|| Event::new(EventKind::CacheMiss, subject(), ""));
    }

    fn evict(
        &mut self,
        h: ContentHash,
        module: Option<(&str, &str)>,
        why: &str,
        subject: &str,
        trace: &mut Trace,
    ) {
        self.stats.evictions += 1;
        self.mem.remove(&h);
        self.snap.remove(&h);
        self.used.remove(&h);
        if let Some((p, v)) = module {
            let k = mkey(&mut self.key, p, v);
            self.modules.remove(k);
        }
        self.modules.retain(|_, (x, _)| *x != h);
        self.files.retain(|_, (_, x)| *x != h);
        if let Some(d) = self.disk.as_mut() {
            d.evict(h, module);
        }
        trace.push_with(|| {
            Event::new(
                EventKind::CacheEvict,
                subject,
                format!("blake3 {}, {why}", h.short()),
            )
        });
    }

    fn stamp(&self, path: &str, fs: &dyn Fs) -> Option<FileStamp> {
        // A persistent tier that gives no stamp (a file changed too recently) has the last word.
        if let Some(d) = self.disk.as_ref() {
            return d.stamp(path);
        }
        let m = fs.stat(path).ok()?;
        if m.kind != EntryKind::File {
            return None;
        }
        Some(FileStamp {
            size: m.size,
            mtime_ns: m.mtime_ns?,
            ctime_ns: 0,
            inode: 0,
        })
    }

    /// Whether an entry's `h1:` agrees with go.sum for `path@version` (true when go.sum is silent).
    fn sum_ok(&self, path: &str, version: &str, h1: &str) -> bool {
        self.sums.accepts(path, version, h1)
    }
}

impl ModFileCache for ModfileCache {
    fn has_go_mod_sum(&self, path: &str, version: &str) -> bool {
        self.lock().sums.has_h1(path, version)
    }

    fn size_hint(&self) -> usize {
        self.lock().sums.len()
    }

    fn info_cached(&self, path: &str, version: &str) -> bool {
        self.has_info(path, version)
    }

    fn has_module(&self, path: &str, version: &str) -> bool {
        let mut g = self.lock();
        let g = &mut *g;
        if !g.enabled {
            return false;
        }
        if g.modules.contains_key(mkey(&mut g.key, path, version)) {
            return true;
        }
        g.disk
            .as_mut()
            .is_some_and(|d| d.module_hash(path, version).is_some())
    }

    fn lookup_module(&self, path: &str, version: &str, trace: &mut Trace) -> Option<Arc<DepGoMod>> {
        let mut g = self.lock();
        let g = &mut *g;
        if !g.enabled {
            return None;
        }
        let subject = || format!("{path}@{version}");
        let found = match g.modules.get(mkey(&mut g.key, path, version)) {
            Some(&(h, _)) => Some((h, false)),
            None => g.disk.as_mut().and_then(|d| {
                let h = d.module_hash(path, version);
                for w in d.take_warnings() {
                    trace.push_with(|| w);
                }
                h.map(|h| (h, true))
            }),
        };
        let Some((h, via_disk_index)) = found else {
            g.miss(&subject, trace);
            return None;
        };
        let Some((e, mut tier)) = g.entry(h, &subject, trace) else {
            let k = mkey(&mut g.key, path, version);
            g.modules.remove(k);
            g.miss(&subject, trace);
            return None;
        };
        if via_disk_index {
            tier = Tier::Disk;
        }
        if !g.sum_ok(path, version, &e.h1) {
            g.evict(
                h,
                Some((path, version)),
                "checksum mismatch",
                &subject(),
                trace,
            );
            g.miss(&subject, trace);
            return None;
        }
        if via_disk_index {
            g.modules.insert(
                format!("{path}\0{version}").into_boxed_str(),
                (h, Tier::Disk),
            );
        }
        g.hit(&subject, &e, tier, trace);
        Some(e.parsed.clone())
    }

    fn lookup_file(&self, file: &str, fs: &dyn Fs, trace: &mut Trace) -> Option<Arc<DepGoMod>> {
        let mut g = self.lock();
        let g = &mut *g;
        if !g.enabled {
            return None;
        }
        let subject = || file.to_string();
        let recorded = match g.files.get(file) {
            Some(&r) => Some(r),
            None => g.disk.as_mut().and_then(|d| {
                let r = d.file_hash(file);
                for w in d.take_warnings() {
                    trace.push_with(|| w);
                }
                r
            }),
        };
        let now = g.stamp(file, fs);
        let (stamp, h) = match (recorded, now) {
            (Some((was, h)), Some(now)) if was == now => (now, h),
            (Some(_), _) => {
                g.files.remove(file);
                trace.push_with(|| Event::new(EventKind::CacheMiss, file, "changed on disk"));
                g.stats.memory.misses += 1;
                return None;
            }
            (None, _) => {
                g.miss(&subject, trace);
                return None;
            }
        };
        let Some((e, tier)) = g.entry(h, &subject, trace) else {
            g.files.remove(file);
            g.miss(&subject, trace);
            return None;
        };
        g.files.insert(Box::from(file), (stamp, h));
        g.files_used.insert(Box::from(file), stamp);
        g.hit(&subject, &e, tier, trace);
        Some(e.parsed.clone())
    }

    fn parse(
        &self,
        origin: GoModOrigin<'_>,
        name: &str,
        data: &[u8],
        parse: &ParseFnRef<'_>,
        fs: &dyn Fs,
        trace: &mut Trace,
    ) -> Result<Arc<DepGoMod>, String> {
        let mut g = self.lock();
        let g = &mut *g;
        let module = match origin {
            GoModOrigin::Module { path, version, .. } => Some((path, version)),
            GoModOrigin::File { .. } => None,
        };
        if let Some((path, version)) = module {
            let recorded = g.sums.get(path, version).filter(|r| r.has_h1());
            if let Some(recorded) = recorded {
                let h1 = crate::sum::dirhash::hash_gomod(data);
                if let Err(recorded) = recorded.check(&h1) {
                    let e = SumError::Mismatch {
                        path: path.to_string(),
                        version: format!("{version}/go.mod"),
                        downloaded: h1.clone(),
                        recorded: recorded.to_string(),
                        sum_file: g.sums.label().to_string(),
                    };
                    let msg = e.to_string().trim_end().to_string();
                    if g.enabled {
                        g.evict(
                            ContentHash::of(data),
                            Some((path, version)),
                            "checksum mismatch",
                            &format!("{path}@{version}"),
                            trace,
                        );
                    }
                    if g.fatal.is_none() {
                        g.fatal = Some(msg.clone());
                    }
                    return Err(msg);
                }
            }
        }
        if !g.enabled {
            return parse(name, data)
                .map(Arc::new)
                .map_err(|err| format!("parsing {name}: {err}"));
        }
        let subject = match origin {
            GoModOrigin::Module { path, version, .. } => format!("{path}@{version}"),
            GoModOrigin::File { path } => path.to_string(),
        };
        let h = ContentHash::of(data);
        let subj = || subject.clone();
        let e = match g.entry(h, &subj, trace) {
            Some((e, _)) => e,
            None => {
                let parsed = parse(name, data).map_err(|err| format!("parsing {name}: {err}"))?;
                let e = Arc::new(new_entry(data, parsed));
                g.mem.insert(e.clone());
                g.new.push((e.clone(), Arc::from(data)));
                g.stats.stores += 1;
                let tier = if g.disk.is_some() {
                    "memory, disk"
                } else {
                    "memory"
                };
                trace.push_with(|| {
                    Event::new(
                        EventKind::CacheStore,
                        subject.as_str(),
                        format!("blake3 {}, {tier}", e.hash.short()),
                    )
                });
                e
            }
        };
        g.used.entry(h).or_insert_with(|| e.clone());
        match origin {
            GoModOrigin::Module {
                path,
                version,
                location,
            } => {
                let k = format!("{path}\0{version}").into_boxed_str();
                g.sources.insert(k.clone(), Box::from(location));
                g.modules.insert(k, (h, Tier::Memory));
            }
            GoModOrigin::File { path } => match g.stamp(path, fs) {
                Some(stamp) => {
                    g.files.insert(Box::from(path), (stamp, h));
                    g.files_used.insert(Box::from(path), stamp);
                }
                None => g.unstamped = true,
            },
        }
        Ok(e.parsed.clone())
    }
}

/// A [`ModuleSource`] that answers `.info` files from a [`ModfileCache`] and keeps the ones it
/// reads (they are immutable per module version, like go.mod files): with it, a warm `list -m`
/// opens no per-module file. Every other kind goes to the inner source.
pub struct CachedSource<'a> {
    inner: &'a dyn ModuleSource,
    cache: &'a ModfileCache,
}

impl<'a> CachedSource<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn ModuleSource, cache: &'a ModfileCache) -> Self {
        CachedSource { inner, cache }
    }
}

impl ModuleSource for CachedSource<'_> {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        if kind != FileKind::Info {
            return self.inner.fetch(path, version, kind);
        }
        if let Some(f) = self.cache.info(path, version) {
            return Ok(f);
        }
        let f = self.inner.fetch(path, version, kind)?;
        self.cache.store_info(path, version, &f);
        Ok(f)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn prefetches(&self) -> bool {
        self.inner.prefetches()
    }

    fn prefetch(&self, kind: FileKind, items: &[(String, String)]) {
        if kind != FileKind::Info {
            return self.inner.prefetch(kind, items);
        }
        let missing: Vec<(String, String)> = items
            .iter()
            .filter(|(p, v)| !self.cache.has_info(p, v))
            .cloned()
            .collect();
        if !missing.is_empty() {
            self.inner.prefetch(kind, &missing);
        }
    }
}
