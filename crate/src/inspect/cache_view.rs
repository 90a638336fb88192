//! What the playground's in-memory modfile cache holds and how it has been used: one row per
//! `module@version` key (content hash, size, the tier of its last hit, hits), the cache's
//! counters, and one line per cached resolve (cold or warm, hits, misses, stores, time).
//!
//! [`CacheLedger`] keeps the per-key hit counts from the runs' trace events (the cache itself
//! counts per tier, not per key). Export and import go through the `modscope cache export`
//! format ([`crate::cache::Snapshot`]): exported entries carry their go.mod bytes, and imported
//! bytes are re-hashed before anything is trusted.

use crate::cache::{CacheStats, ContentHash, ModfileCache, Snapshot};
use crate::report::trace::{Event, EventKind};
use crate::source::{FileKind, ModuleSource};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// One `module@version` key of the cache.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheEntryView {
    /// `module@version`.
    pub key: String,
    /// blake3 of the go.mod bytes, hex.
    pub hash: String,
    /// go.mod size in bytes.
    pub size: u64,
    /// Where the last hit came from (`memory`, `snapshot`, `disk`), or `stored` when the entry was
    /// only stored so far.
    pub tier: String,
    /// Hits on this key across the runs of this cache.
    pub hits: u64,
    /// Where the go.mod was read.
    pub source: String,
}

/// One resolve that went through the cache.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheRun {
    /// `cold` when the cache answered nothing, `warm` when it answered everything, else
    /// `partial` (e.g. a directory replacement's go.mod, which is not exported, was read).
    pub kind: String,
    /// Lookups answered by the cache.
    pub hits: u64,
    /// Lookups the cache could not answer.
    pub misses: u64,
    /// Entries stored.
    pub stores: u64,
    /// hits / (hits + misses).
    pub hit_rate: f64,
    /// Wall time of the resolve in milliseconds.
    pub ms: f64,
}

/// The cache as the cache view shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheSnapshotView {
    /// Keys, sorted.
    pub entries: Vec<CacheEntryView>,
    /// Distinct go.mod entries held.
    pub entry_count: u64,
    /// Bytes of go.mod held.
    pub bytes: u64,
    /// Counters over the cache's life.
    pub stats: CacheStats,
    /// hits / (hits + misses) over the cache's life.
    pub hit_rate: f64,
    /// Every cached resolve, oldest first.
    pub runs: Vec<CacheRun>,
}

/// Per-key hit counts and the run history of one in-memory cache.
#[derive(Debug, Clone, Default)]
pub struct CacheLedger {
    hits: FxHashMap<String, (u64, &'static str)>,
    runs: Vec<CacheRun>,
}

impl CacheLedger {
    /// Forgets everything (the cache was replaced or cleared).
    pub fn clear(&mut self) {
        *self = CacheLedger::default();
    }

    /// Records one resolve: its trace events, the cache counters before and after, its time.
    pub fn record(&mut self, events: &[Event], before: &CacheStats, after: &CacheStats, ms: f64) {
        for e in events.iter().filter(|e| e.kind == EventKind::CacheHit) {
            let tier = if e.detail.ends_with("snapshot") {
                "snapshot"
            } else if e.detail.ends_with("disk") {
                "disk"
            } else {
                "memory"
            };
            let slot = self.hits.entry(e.subject.clone()).or_insert((0, tier));
            slot.0 += 1;
            slot.1 = tier;
        }
        let hits = after.memory.hits + after.disk.hits - before.memory.hits - before.disk.hits;
        let misses = after.memory.misses.saturating_sub(before.memory.misses);
        let stores = after.stores - before.stores;
        let n = hits + misses;
        self.runs.push(CacheRun {
            kind: if hits == 0 {
                "cold"
            } else if misses == 0 {
                "warm"
            } else {
                "partial"
            }
            .to_string(),
            hits,
            misses,
            stores,
            hit_rate: if n == 0 { 0.0 } else { hits as f64 / n as f64 },
            ms,
        });
    }

    /// The view of `cache` with this ledger's counts.
    pub fn view(&self, cache: &ModfileCache) -> CacheSnapshotView {
        let snap = cache.memory_snapshot();
        let sizes: FxHashMap<ContentHash, u64> =
            snap.entries.iter().map(|e| (e.hash, e.size)).collect();
        let mut entries: Vec<CacheEntryView> = snap
            .modules
            .iter()
            .map(|m| {
                let key = format!("{}@{}", m.path, m.version);
                let (hits, tier) = self.hits.get(&key).copied().unwrap_or((0, "stored"));
                CacheEntryView {
                    hash: m.hash.hex(),
                    size: sizes.get(&m.hash).copied().unwrap_or(0),
                    tier: tier.to_string(),
                    hits,
                    source: m.source.clone(),
                    key,
                }
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let stats = cache.stats();
        let hits = stats.memory.hits + stats.disk.hits;
        let n = hits + stats.memory.misses;
        CacheSnapshotView {
            entries,
            entry_count: snap.entries.len() as u64,
            bytes: sizes.values().sum(),
            hit_rate: if n == 0 { 0.0 } else { hits as f64 / n as f64 },
            stats,
            runs: self.runs.clone(),
        }
    }
}

/// The cache's keys and entries in the `modscope cache export` format, each entry with its
/// go.mod bytes read back from `source` (an entry whose bytes cannot be found or no longer hash
/// to it is left out, so an importer can verify everything it gets).
pub fn export(cache: &ModfileCache, source: &dyn ModuleSource) -> Vec<u8> {
    let mut snap = cache.memory_snapshot();
    let mut bytes: FxHashMap<ContentHash, Vec<u8>> = FxHashMap::default();
    for m in &snap.modules {
        if bytes.contains_key(&m.hash) {
            continue;
        }
        if let Ok(f) = source.fetch(&m.path, &m.version, FileKind::Mod) {
            if ContentHash::of(&f.data) == m.hash {
                bytes.insert(m.hash, f.data.to_vec());
            }
        }
    }
    snap.entries.retain_mut(|e| match bytes.remove(&e.hash) {
        Some(b) => {
            e.bytes = Some(b);
            true
        }
        None => false,
    });
    let kept: rustc_hash::FxHashSet<ContentHash> = snap.entries.iter().map(|e| e.hash).collect();
    snap.modules.retain(|m| kept.contains(&m.hash));
    snap.files.clear();
    snap.encode()
}

/// Loads an export into `cache`: the file's checksum is verified, every entry's bytes are
/// re-hashed and re-parsed (entries without bytes or whose bytes do not match are dropped,
/// with the keys that lead to them). Returns the number of entries and keys installed.
pub fn import(cache: &ModfileCache, data: &[u8]) -> Result<(usize, usize), String> {
    let mut snap =
        Snapshot::decode(data).map_err(|e| format!("not a modfile cache export: {e}"))?;
    snap.entries.retain(|e| {
        e.bytes.as_deref().is_some_and(|b| {
            ContentHash::of(b) == e.hash
                && crate::graph::resolve::parse_dep("go.mod", b)
                    .is_ok_and(|p| crate::cache::ParsedGoMod::from(&p) == e.parsed)
        })
    });
    let kept: rustc_hash::FxHashSet<ContentHash> = snap.entries.iter().map(|e| e.hash).collect();
    snap.modules.retain(|m| kept.contains(&m.hash));
    snap.files.clear();
    snap.key = None;
    let counts = (snap.entries.len(), snap.modules.len());
    cache.install(snap);
    Ok(counts)
}
