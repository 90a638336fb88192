//! The persisted gopkg index: where it lives, loading with hash verification, rebuilding, saving.
//!
//! One file per set of roots: `$MODSCOPE_CACHE/gopkg/<key>.idx`, else
//! `<user cache dir>/modscope/gopkg/<key>.idx` (`$XDG_CACHE_HOME` or `~/.cache`), where `<key>` is a
//! BLAKE3 prefix of the GOROOT and GOPATH directories. Writes go to a temporary file in the same
//! directory that is renamed over the old one, so readers never see a half-written index. A file
//! whose hash does not verify is reported as a warning and rebuilt. Validation of the index's
//! contents against the trees is the core's job ([`crate::pkg::index`]).

use crate::clock::Clock;
use crate::pkg::gopath::Root;
use crate::pkg::index::GopkgIndex;
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::{EntryKind, Metadata};
use std::path::PathBuf;

/// The cache directory for gopkg index files.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("MODSCOPE_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("gopkg");
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("modscope").join("gopkg")
}

/// The index file for these roots.
pub fn index_path(roots: &[Root]) -> PathBuf {
    let mut key = String::new();
    for r in roots {
        key.push_str(&format!("{:?}={}\n", r.kind, r.dir));
    }
    let hash = blake3::hash(key.as_bytes()).to_hex();
    cache_dir().join(format!("{}.idx", &hash.as_str()[..16]))
}

fn wall_ns() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_nanos() as u64)
}

/// Builds a fresh index by walking the trees in parallel.
pub fn build(roots: &[Root]) -> GopkgIndex {
    let built_at = wall_ns();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let walks = crate::native::walk::walk_roots(roots, threads);
    GopkgIndex::from_walks(roots, walks, built_at)
}

/// Loads the index for `roots`, or builds (and saves) it when there is none, it is corrupt, or it
/// was built for other roots. Decisions are recorded in `trace`.
pub fn open(roots: &[Root], trace: &mut Trace, clock: &dyn Clock) -> GopkgIndex {
    let path = index_path(roots);
    let t0 = clock.now_nanos();
    let reason = match std::fs::read(&path) {
        Ok(data) => match GopkgIndex::decode(&data) {
            Ok(ix) if ix.matches_roots(roots) => return ix,
            Ok(_) => "built for other roots".to_string(),
            Err(e) => {
                let msg = format!("{}: {e}; rebuilding", path.display());
                eprintln!("modscope: warning: {msg}");
                trace.push_with(|| Event::new(EventKind::Warning, msg.clone(), ""));
                e.to_string()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no index yet".to_string(),
        Err(e) => format!("reading {}: {e}", path.display()),
    };
    let mut ix = build(roots);
    let n = ix.len();
    let detail = path.display().to_string();
    trace.push_with(|| {
        Event::new(EventKind::IndexRebuild, reason, detail)
            .with_result(format!("{n} directories"))
            .timed(t0, clock.now_nanos().saturating_sub(t0))
    });
    if let Err(e) = save(&mut ix, roots) {
        eprintln!("modscope: warning: saving gopkg index: {e}");
    }
    ix
}

/// The `stat` of `path` as the core's [`Metadata`] (the same mtime the walk records).
fn stat(path: &str) -> Option<Metadata> {
    let m = std::fs::metadata(path).ok()?;
    Some(Metadata {
        kind: if m.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::File
        },
        size: m.len(),
        mtime_ns: m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64),
    })
}

/// Validates every not yet validated directory record of a freshly loaded index up front, with
/// `threads` threads each `stat`ing a share of them; returns how many were validated.
///
/// This is the same check a lookup makes the first time it relies on a record (see
/// [`crate::pkg::index`]), done ahead of use and in parallel: worth it when a run resolves
/// imports from all over the trees (a whole-tree `list`, `bench gopkg`), not for a few lookups.
/// Records whose directory changed, is racy or has no mtime are left unvalidated, so the lookup
/// that first needs them lists or re-walks them as usual.
pub fn prevalidate(ix: &mut GopkgIndex, threads: usize) -> usize {
    let ids = ix.unchecked();
    if ids.is_empty() {
        return 0;
    }
    let threads = threads.clamp(1, 64);
    let per = ids.len().div_ceil(threads);
    let shared: &GopkgIndex = ix;
    let results: Vec<Vec<(u32, Option<Metadata>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&id| (id, stat(&shared.dir_path(id))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let before = ix.stats.validated;
    for (id, meta) in results.into_iter().flatten() {
        ix.apply_stat(id, meta.as_ref());
    }
    (ix.stats.validated - before) as usize
}

/// Writes the index atomically (temporary file + rename).
pub fn save(ix: &mut GopkgIndex, roots: &[Root]) -> std::io::Result<()> {
    let path = index_path(roots);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("idx"),
        std::process::id()
    ));
    std::fs::write(&tmp, ix.encode())?;
    std::fs::rename(&tmp, &path)?;
    ix.mark_saved();
    Ok(())
}
