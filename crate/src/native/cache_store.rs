//! The modfile cache's persistent tier on disk, and the session that ties a run to it.
//!
//! Layout, under `$MODSCOPE_CACHE/modfile`, else `<user cache dir>/modscope/modfile`
//! (`$XDG_CACHE_HOME` or `~/.cache`):
//!
//! ```text
//! packs/<64 hex>.pack        the entries one run stored: parsed summary + go.mod bytes, each
//!                            framed with its own blake3 checksum; the file is named by its hash
//! index                      module@version → hash, file stamp → hash, hash → (pack, offset,
//!                            length), with hits and last use
//! index.lock                 taken (advisory lock) while the index is read, merged and replaced
//! snapshots/<64 hex>         the entries one main module needs, keyed by its go.mod/go.work/go.sum
//! latest/<64 hex>            per main module directory: the key of its newest snapshot
//! memo/<64 hex>              a command's answer, keyed by every input it depends on (see
//!                            `native::cache_memo`)
//! runs.log                   one line per run: hits and misses per tier (for `cache stats`)
//! tmp/                       files being written
//! ```
//!
//! Plain content-addressed files: a CI cache can copy the directory between machines (file keys
//! hold stamps, which simply miss on another machine). Every file is written to `tmp/` and
//! renamed into place, so readers never see half a file; a run writes one pack, the index, one
//! snapshot and its memo, whatever the number of entries. Every read is verified (checksum,
//! format, the hash it is filed under); a bad entry's pack is deleted, reported as a warning
//! under `-x`, and what it held is rebuilt. Several processes may share the directory: the index
//! is merged read-modify-write under an exclusive lock on `index.lock`, so no process loses
//! another's keys; `runs.log` lines are appended with one write each.
//!
//! Where content hashes are checked: every dependency go.mod that is read (against go.sum and
//! to address its entry); the main module's go.mod, go.work and go.sum on every run (they are
//! read anyway and their hashes key the snapshot, so any edit to them misses the snapshot); every
//! entry read from disk. Not checked: a directory replacement's go.mod whose stamp (size, mtime,
//! ctime, inode) is unchanged is not opened. Restoring size and mtime after an edit still changes
//! ctime, which user programs cannot set, so such an edit is caught; a file modified within two
//! seconds of being read is never given a stamp key (its stamp could be ambiguous), so it is read
//! again next time.

use crate::cache::entry::{decode_object, encode_object, frame, unframe, Entry, EntryRecord};
use crate::cache::snapshot::{FileKey, ModuleKey, Snapshot, SnapshotView};
use crate::cache::store::DEFAULT_MEMORY_BYTES;
use crate::cache::{CacheStats, ContentHash, FileStamp, ModfileCache, PersistentTier};
use crate::experiment::Experiments;
use crate::report::trace::{Event, EventKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The modfile cache directory: `$MODSCOPE_CACHE/modfile`, else the user cache dir's
/// `modscope/modfile`.
pub fn cache_root(modscope_cache: Option<&str>) -> PathBuf {
    if let Some(d) = modscope_cache.filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("modfile");
    }
    if let Some(d) = std::env::var_os("MODSCOPE_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("modfile");
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("modscope").join("modfile")
}

/// Whether the modfile cache is on: the flag, or `modfilecache` in `GOEXPERIMENT` (an unknown
/// experiment name is an error worded as the go command's).
pub fn enabled(flag: bool, goexperiment: &str) -> Result<bool, String> {
    let ex = Experiments::parse(goexperiment).map_err(|e| e.to_string())?;
    Ok(flag || ex.modfile_cache)
}

/// Turns `--modfile-cache` into the `GOEXPERIMENT` entry the loader reads.
pub fn apply_flag(env: &mut crate::native::env::GoEnv, flag: bool) {
    if flag {
        if !env.goexperiment.is_empty() {
            env.goexperiment.push(',');
        }
        env.goexperiment.push_str("modfilecache");
    }
}

/// How the go command prints a fatal message: `go: MESSAGE`, except a go.sum checksum mismatch,
/// which it prints as is.
pub fn go_error_text(message: &str) -> String {
    crate::graph::resolve::go_error_text(message)
}

/// The lax dependency go.mod parser, for re-parsing imported entries (the graph's own).
pub use crate::graph::resolve::parse_dep;

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn unix_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `data` to `path` atomically: a unique file in `tmp/`, then a rename. Directories are
/// created only when missing (the common case costs two system calls less per entry).
pub fn write_atomic(root: &Path, path: &Path, data: &[u8]) -> std::io::Result<()> {
    let tmp_dir = root.join("tmp");
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = tmp_dir.join(format!("{}.{}.{}", std::process::id(), unix_nanos(), n));
    let r = (|| {
        // No fsync: a file torn by a crash fails its checksum on read and is rebuilt, and
        // syncing every small entry made cold runs an order of magnitude slower.
        let mut f = match std::fs::File::create(&tmp) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&tmp_dir)?;
                std::fs::File::create(&tmp)?
            }
            r => r?,
        };
        f.write_all(data)?;
        drop(f);
        match std::fs::rename(&tmp, path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&tmp, path)
            }
            r => r,
        }
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// Writes `data` to `path` atomically through a temporary file beside it.
pub fn write_beside(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let r = std::fs::write(&tmp, data).and_then(|()| std::fs::rename(&tmp, path));
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// Fault injection for the concurrency tests: `MODSCOPE_CACHE_MERGE_PAUSE_MS` holds a run
/// between reading the index and replacing it, widening the window in which another process
/// could overwrite its keys if the index were not locked.
fn merge_pause() {
    if let Some(ms) = std::env::var_os("MODSCOPE_CACHE_MERGE_PAUSE_MS")
        .and_then(|v| v.to_str().and_then(|v| v.parse::<u64>().ok()))
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(10_000)));
    }
}

/// One `module@version` key of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexModule {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
    /// Content hash.
    pub hash: ContentHash,
    /// Size of the go.mod.
    pub size: u64,
    /// Where it was read.
    pub source: String,
    /// Hits recorded when the index was rewritten.
    pub hits: u64,
    /// Last use, Unix seconds.
    pub last_use: u64,
}

/// One file key of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFile {
    /// The file's path.
    pub path: String,
    /// Its stamp when read.
    pub stamp: FileStamp,
    /// Content hash.
    pub hash: ContentHash,
    /// Hits recorded when the index was rewritten.
    pub hits: u64,
    /// Last use, Unix seconds.
    pub last_use: u64,
}

/// Where an entry is stored: a range of a pack file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexObject {
    /// The entry's content hash.
    pub hash: ContentHash,
    /// The pack holding it (the pack file's own blake3, its name).
    pub pack: ContentHash,
    /// Offset of the framed entry in the pack.
    pub offset: u64,
    /// Length of the framed entry.
    pub len: u32,
}

/// The index file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Module version keys.
    pub modules: Vec<IndexModule>,
    /// File keys.
    pub files: Vec<IndexFile>,
    /// Where each entry is stored.
    pub objects: Vec<IndexObject>,
}

const PACK_MAGIC: &[u8; 4] = b"MSCP";
const LATEST_MAGIC: &[u8; 4] = b"MSCL";

/// Encodes entries as one pack: a frame around `hash, length, framed object` records. Returns
/// the pack's bytes, its name (blake3 of the bytes) and where each entry landed.
pub fn encode_pack(items: &[(&Entry, &[u8])]) -> (Vec<u8>, ContentHash, Vec<IndexObject>) {
    let mut body = Vec::new();
    let mut at = Vec::with_capacity(items.len());
    for (e, bytes) in items {
        let obj = encode_object(e, bytes);
        body.extend_from_slice(&e.hash.0);
        body.extend_from_slice(&(obj.len() as u32).to_le_bytes());
        // The frame puts magic and version (5 bytes) before the body.
        at.push((e.hash, (body.len() + 5) as u64, obj.len() as u32));
        body.extend_from_slice(&obj);
    }
    let data = frame(PACK_MAGIC, &body);
    let name = ContentHash::of(&data);
    let objects = at
        .into_iter()
        .map(|(hash, offset, len)| IndexObject {
            hash,
            pack: name,
            offset,
            len,
        })
        .collect();
    (data, name, objects)
}

/// Decodes and verifies a whole pack: its checksum, then every record's object against its
/// hash. Returns each entry with its go.mod bytes.
pub fn decode_pack(data: &[u8]) -> Result<Vec<(Entry, Vec<u8>)>, String> {
    let mut body = unframe(PACK_MAGIC, data).map_err(|e| e.0)?;
    let mut out = Vec::new();
    while !body.is_empty() {
        if body.len() < 36 {
            return Err("truncated record".to_string());
        }
        let mut h = [0u8; 32];
        h.copy_from_slice(&body[..32]);
        let mut n = [0u8; 4];
        n.copy_from_slice(&body[32..36]);
        let n = u32::from_le_bytes(n) as usize;
        let rest = &body[36..];
        if rest.len() < n {
            return Err("truncated record".to_string());
        }
        out.push(decode_object(&rest[..n], ContentHash(h)).map_err(|e| e.0)?);
        body = &rest[n..];
    }
    Ok(out)
}

const INDEX_MAGIC: &[u8; 4] = b"MSCI";

impl Index {
    fn encode(&self) -> Vec<u8> {
        frame(
            INDEX_MAGIC,
            &postcard::to_allocvec(self).unwrap_or_default(),
        )
    }

    fn decode(data: &[u8]) -> Result<Index, String> {
        let body = unframe(INDEX_MAGIC, data).map_err(|e| e.0)?;
        postcard::from_bytes(body).map_err(|e| format!("undecodable: {e}"))
    }
}

/// A cache directory and the operations on it.
#[derive(Debug, Clone)]
pub struct CacheDir {
    root: PathBuf,
}

/// What reading a verified file found.
enum Read<T> {
    Absent,
    Ok(T),
    Corrupt(String),
}

impl CacheDir {
    /// The cache directory at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CacheDir { root: root.into() }
    }

    /// Its root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The pack file named `name`.
    pub fn pack_path(&self, name: &ContentHash) -> PathBuf {
        self.root.join("packs").join(format!("{}.pack", name.hex()))
    }

    /// The file of snapshot `key`.
    pub fn snapshot_path(&self, key: &ContentHash) -> PathBuf {
        self.root.join("snapshots").join(key.hex())
    }

    fn index_path(&self) -> PathBuf {
        self.root.join("index")
    }

    fn runs_path(&self) -> PathBuf {
        self.root.join("runs.log")
    }

    fn read_index(&self) -> Read<Index> {
        match std::fs::read(self.index_path()) {
            Err(_) => Read::Absent,
            Ok(d) => match Index::decode(&d) {
                Ok(ix) => Read::Ok(ix),
                Err(why) => {
                    let _ = std::fs::remove_file(self.index_path());
                    Read::Corrupt(why)
                }
            },
        }
    }

    fn read_snapshot(&self, key: &ContentHash) -> Read<Snapshot> {
        self.with_snapshot(key, |s| s.to_snapshot())
    }

    /// Reads snapshot `key` and gives it, decoded in place (strings borrowed from the file's
    /// bytes), to `f`. A corrupt file, or one filed under another key, is deleted.
    fn with_snapshot<R>(
        &self,
        key: &ContentHash,
        f: impl FnOnce(&SnapshotView<'_>) -> R,
    ) -> Read<R> {
        let p = self.snapshot_path(key);
        match std::fs::read(&p) {
            Err(_) => Read::Absent,
            Ok(d) => match Snapshot::decode_view(&d) {
                Ok(s) if s.key == Some(*key) => Read::Ok(f(&s)),
                Ok(_) => {
                    let _ = std::fs::remove_file(&p);
                    Read::Corrupt("snapshot filed under another key".to_string())
                }
                Err(why) => {
                    let _ = std::fs::remove_file(&p);
                    Read::Corrupt(why.0)
                }
            },
        }
    }

    /// Reads and verifies the entry `o` points at; a pack found corrupt is deleted.
    pub fn load_object(&self, o: &IndexObject) -> Result<Option<(Entry, Vec<u8>)>, String> {
        let p = self.pack_path(&o.pack);
        let Ok(f) = std::fs::File::open(&p) else {
            return Ok(None);
        };
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        read_object(&f, size, o).inspect_err(|_| {
            let _ = std::fs::remove_file(&p);
        })
    }

    /// Writes `items` as one pack (one file, one rename) and returns where each entry landed.
    fn store_pack(&self, items: &[(&Entry, &[u8])]) -> std::io::Result<Vec<IndexObject>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (data, name, objects) = encode_pack(items);
        let p = self.pack_path(&name);
        if !p.is_file() {
            write_atomic(&self.root, &p, &data)?;
        }
        Ok(objects)
    }

    /// All pack files (name from the file name, path).
    fn packs(&self) -> Vec<(Option<ContentHash>, PathBuf)> {
        let mut out = Vec::new();
        if let Ok(files) = std::fs::read_dir(self.root.join("packs")) {
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let hash = name.strip_suffix(".pack").and_then(ContentHash::from_hex);
                out.push((hash, f.path()));
            }
        }
        out.sort();
        out
    }

    /// Takes the exclusive lock that serialises index rewrites between processes (released
    /// when the returned file is dropped).
    fn lock_index(&self) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.root)?;
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join("index.lock"))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            loop {
                // SAFETY: flock on a descriptor this function owns; no memory is shared.
                let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
                if r == 0 {
                    break;
                }
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
        Ok(f)
    }

    fn snapshots(&self) -> Vec<(Option<ContentHash>, PathBuf)> {
        let mut out = Vec::new();
        if let Ok(files) = std::fs::read_dir(self.root.join("snapshots")) {
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                out.push((ContentHash::from_hex(&name), f.path()));
            }
        }
        out.sort();
        out
    }

    /// Merges a run's keys and stored entries into the index: read, merge and replace under
    /// the index lock, so concurrent runs add to each other's keys instead of overwriting them.
    /// Entries whose pack is gone are dropped.
    fn merge_index(
        &self,
        modules: &[ModuleKey],
        files: &[FileKey],
        objects: &[IndexObject],
        sizes: &FxHashMap<ContentHash, u64>,
        evicted: &[(ContentHash, Option<(String, String)>)],
    ) -> std::io::Result<()> {
        let _lock = self.lock_index()?;
        let mut ix = match self.read_index() {
            Read::Ok(ix) => ix,
            _ => Index::default(),
        };
        merge_pause();
        // Evictions first: what this run evicted and then stored again (a corrupt entry rebuilt)
        // is kept in its new place.
        for (h, module) in evicted {
            ix.objects.retain(|o| o.hash != *h);
            ix.files.retain(|f| f.hash != *h);
            ix.modules.retain(|m| {
                m.hash != *h
                    && module
                        .as_ref()
                        .is_none_or(|(p, v)| !(m.path == *p && m.version == *v))
            });
        }
        let now = unix_secs();
        let mut mpos: FxHashMap<(String, String), usize> = ix
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| ((m.path.clone(), m.version.clone()), i))
            .collect();
        for m in modules {
            let k = (m.path.clone(), m.version.clone());
            match mpos.get(&k) {
                Some(&i) => {
                    let r = &mut ix.modules[i];
                    if r.hash != m.hash {
                        r.hash = m.hash;
                        r.hits = 0;
                    } else {
                        r.hits += 1;
                    }
                    r.last_use = now;
                    if !m.source.is_empty() {
                        r.source = m.source.clone();
                    }
                    r.size = sizes.get(&m.hash).copied().unwrap_or(r.size);
                }
                None => {
                    mpos.insert(k, ix.modules.len());
                    ix.modules.push(IndexModule {
                        path: m.path.clone(),
                        version: m.version.clone(),
                        hash: m.hash,
                        size: sizes.get(&m.hash).copied().unwrap_or(0),
                        source: m.source.clone(),
                        hits: 0,
                        last_use: now,
                    });
                }
            }
        }
        for f in files {
            match ix.files.iter_mut().find(|r| r.path == f.path) {
                Some(r) => {
                    if r.hash == f.hash && r.stamp == f.stamp {
                        r.hits += 1;
                    } else {
                        r.hits = 0;
                    }
                    r.stamp = f.stamp;
                    r.hash = f.hash;
                    r.last_use = now;
                }
                None => ix.files.push(IndexFile {
                    path: f.path.clone(),
                    stamp: f.stamp,
                    hash: f.hash,
                    hits: 0,
                    last_use: now,
                }),
            }
        }
        let mut opos: FxHashMap<ContentHash, usize> = ix
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.hash, i))
            .collect();
        for o in objects {
            match opos.get(&o.hash) {
                Some(&i) => ix.objects[i] = *o,
                None => {
                    opos.insert(o.hash, ix.objects.len());
                    ix.objects.push(*o);
                }
            }
        }
        let mut live: FxHashMap<ContentHash, bool> = FxHashMap::default();
        ix.objects.retain(|o| {
            *live
                .entry(o.pack)
                .or_insert_with(|| self.pack_path(&o.pack).is_file())
        });
        write_atomic(&self.root, &self.index_path(), &ix.encode())
    }

    fn latest_path(&self, place: &ContentHash) -> PathBuf {
        self.root.join("latest").join(place.hex())
    }

    /// The key of the newest snapshot of the main module at `place`, if recorded and intact.
    fn read_latest(&self, place: &ContentHash) -> Option<ContentHash> {
        let data = std::fs::read(self.latest_path(place)).ok()?;
        let body = unframe(LATEST_MAGIC, &data).ok()?;
        let key: [u8; 32] = body.try_into().ok()?;
        Some(ContentHash(key))
    }

    fn write_latest(&self, place: &ContentHash, key: &ContentHash) {
        let _ = write_atomic(
            &self.root,
            &self.latest_path(place),
            &frame(LATEST_MAGIC, &key.0),
        );
    }

    /// Records a run answered from a memo in `runs.log` (a warm run of `snapshot_key`).
    pub fn record_memo_run(&self, snapshot_key: &ContentHash) {
        self.append_run(&format!(
            "v1 {} 0 0 0 0 0 0 0 {}\n",
            unix_secs(),
            snapshot_key.hex()
        ));
    }

    fn append_run(&self, line: &str) {
        let _ = std::fs::create_dir_all(&self.root);
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.runs_path())
        {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// The index in memory: module keys, file keys and where entries are stored.
#[derive(Default)]
struct IndexMaps {
    modules: FxHashMap<(String, String), ContentHash>,
    files: FxHashMap<String, (FileStamp, ContentHash)>,
    objects: FxHashMap<ContentHash, IndexObject>,
}

/// Reads the framed entry `o` points at from its open pack `f` (`size` bytes long) and verifies
/// it. A range outside the file or an entry that does not verify is an error.
fn read_object(
    f: &std::fs::File,
    size: u64,
    o: &IndexObject,
) -> Result<Option<(Entry, Vec<u8>)>, String> {
    if o.offset.saturating_add(u64::from(o.len)) > size {
        return Err(format!("pack {} is truncated", o.pack.short()));
    }
    let mut buf = vec![0u8; o.len as usize];
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        f.read_exact_at(&mut buf, o.offset)
            .map_err(|e| format!("reading pack {}: {e}", o.pack.short()))?;
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read as _, Seek as _};
        let mut f = f;
        f.seek(std::io::SeekFrom::Start(o.offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| format!("reading pack {}: {e}", o.pack.short()))?;
    }
    decode_object(&buf, o.hash)
        .map(Some)
        .map_err(|e| format!("pack {}: {}", o.pack.short(), e.0))
}

/// The persistent tier over a [`CacheDir`]: the index is read once, on the first lookup that
/// needs it; packs are opened once each.
pub struct DirTier {
    dir: CacheDir,
    index: Option<IndexMaps>,
    /// Open packs and their sizes; `None` for a pack that is missing or was found corrupt.
    packs: FxHashMap<ContentHash, Option<(std::fs::File, u64)>>,
    evicted: Vec<(ContentHash, Option<(String, String)>)>,
    warnings: Vec<Event>,
}

impl DirTier {
    /// A tier over `dir`.
    pub fn new(dir: CacheDir) -> Self {
        DirTier {
            dir,
            index: None,
            packs: FxHashMap::default(),
            evicted: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn index(&mut self) -> &mut IndexMaps {
        if self.index.is_none() {
            let ix = match self.dir.read_index() {
                Read::Ok(ix) => ix,
                Read::Absent => Index::default(),
                Read::Corrupt(why) => {
                    let p = self.dir.index_path().display().to_string();
                    self.warnings.push(
                        Event::new(EventKind::Warning, "modfile cache: corrupt index", p)
                            .with_result(format!("{why}; deleted, rebuilding")),
                    );
                    Index::default()
                }
            };
            self.index = Some(IndexMaps {
                modules: ix
                    .modules
                    .into_iter()
                    .map(|m| ((m.path, m.version), m.hash))
                    .collect(),
                files: ix
                    .files
                    .into_iter()
                    .map(|f| (f.path, (f.stamp, f.hash)))
                    .collect(),
                objects: ix.objects.into_iter().map(|o| (o.hash, o)).collect(),
            });
        }
        self.index.get_or_insert_with(Default::default)
    }
}

/// The stamp of a file (size, mtime, ctime, inode); `None` for a file modified in the last two
/// seconds, whose stamp could be shared by a later edit.
pub fn file_stamp(path: &str) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_file() {
        return None;
    }
    let mtime_ns = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos() as u64;
    if unix_nanos().saturating_sub(mtime_ns) < 2_000_000_000 {
        return None;
    }
    #[cfg(unix)]
    let (ctime_ns, inode) = {
        use std::os::unix::fs::MetadataExt;
        let c = (m.ctime().max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(m.ctime_nsec().max(0) as u64);
        (c, m.ino())
    };
    #[cfg(not(unix))]
    let (ctime_ns, inode) = (0, 0);
    Some(FileStamp {
        size: m.len(),
        mtime_ns,
        ctime_ns,
        inode,
    })
}

impl PersistentTier for DirTier {
    fn describe(&self) -> String {
        self.dir.root.display().to_string()
    }

    fn module_hash(&mut self, path: &str, version: &str) -> Option<ContentHash> {
        self.index()
            .modules
            .get(&(path.to_string(), version.to_string()))
            .copied()
    }

    fn file_hash(&mut self, path: &str) -> Option<(FileStamp, ContentHash)> {
        self.index().files.get(path).copied()
    }

    fn load(&mut self, hash: ContentHash) -> Result<Option<Entry>, String> {
        let Some(o) = self.index().objects.get(&hash).copied() else {
            return Ok(None);
        };
        let dir = &self.dir;
        let slot = self.packs.entry(o.pack).or_insert_with(|| {
            let f = std::fs::File::open(dir.pack_path(&o.pack)).ok()?;
            let size = f.metadata().ok()?.len();
            Some((f, size))
        });
        let Some((f, size)) = slot else {
            return Ok(None);
        };
        match read_object(f, *size, &o) {
            Ok(x) => Ok(x.map(|(e, _)| e)),
            Err(why) => {
                // The pack is bad: delete it; its other entries miss and are rebuilt.
                *slot = None;
                let _ = std::fs::remove_file(self.dir.pack_path(&o.pack));
                self.evicted.push((hash, None));
                Err(why)
            }
        }
    }

    fn evict(&mut self, hash: ContentHash, module: Option<(&str, &str)>) {
        let module = module.map(|(p, v)| (p.to_string(), v.to_string()));
        if let Some(ix) = self.index.as_mut() {
            ix.modules.retain(|_, h| *h != hash);
            ix.files.retain(|_, (_, h)| *h != hash);
            ix.objects.remove(&hash);
        }
        self.evicted.push((hash, module));
    }

    fn stamp(&self, path: &str) -> Option<FileStamp> {
        file_stamp(path)
    }
}

/// A shareable handle on the tier so the session can finish what the cache started.
struct SharedTier(Arc<std::sync::Mutex<DirTier>>);

impl PersistentTier for SharedTier {
    fn describe(&self) -> String {
        self.lock().describe()
    }
    fn module_hash(&mut self, path: &str, version: &str) -> Option<ContentHash> {
        self.lock().module_hash(path, version)
    }
    fn file_hash(&mut self, path: &str) -> Option<(FileStamp, ContentHash)> {
        self.lock().file_hash(path)
    }
    fn load(&mut self, hash: ContentHash) -> Result<Option<Entry>, String> {
        self.lock().load(hash)
    }
    fn evict(&mut self, hash: ContentHash, module: Option<(&str, &str)>) {
        self.lock().evict(hash, module)
    }
    fn stamp(&self, path: &str) -> Option<FileStamp> {
        file_stamp(path)
    }
    fn take_warnings(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.lock().warnings)
    }
}

impl SharedTier {
    fn lock(&self) -> std::sync::MutexGuard<'_, DirTier> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The main module's files that key its snapshot, and the go.sum files to verify against.
#[derive(Debug, Clone, Default)]
pub struct MainFiles {
    /// go.mod files of the main module(s), in order.
    pub gomods: Vec<PathBuf>,
    /// The go.work file, if in workspace mode.
    pub gowork: Option<PathBuf>,
    /// go.sum files (go.work.sum and each module's go.sum in workspace mode).
    pub gosums: Vec<PathBuf>,
}

impl MainFiles {
    /// The files of a single main module rooted at `dir`.
    pub fn module(dir: &Path) -> Self {
        MainFiles {
            gomods: vec![dir.join("go.mod")],
            gowork: None,
            gosums: vec![dir.join("go.sum")],
        }
    }

    /// The files of a workspace: go.work at `work`, modules at `dirs`.
    pub fn workspace(work: &Path, dirs: &[PathBuf]) -> Self {
        let mut gosums = vec![work.with_file_name("go.work.sum")];
        gosums.extend(dirs.iter().map(|d| d.join("go.sum")));
        MainFiles {
            gomods: dirs.iter().map(|d| d.join("go.mod")).collect(),
            gowork: Some(work.to_path_buf()),
            gosums,
        }
    }
}

/// What the runs finished on this thread since [`take_run_record`] was last called used: the
/// snapshot key and the go.mod files on disk their answers came from (for the memo).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunRecord {
    /// The snapshot key of the (last) run.
    pub snapshot_key: Option<ContentHash>,
    /// Files on disk read, with their stamps; `None` when one had no usable stamp.
    pub files: Option<Vec<(String, FileStamp)>>,
    /// Runs recorded.
    pub runs: u32,
}

thread_local! {
    static RUN_RECORD: std::cell::RefCell<RunRecord> = std::cell::RefCell::default();
}

/// Takes (and resets) this thread's [`RunRecord`].
pub fn take_run_record() -> RunRecord {
    RUN_RECORD.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

fn record_run(key: ContentHash, files: Option<Vec<(String, FileStamp)>>) {
    RUN_RECORD.with(|r| {
        let mut r = r.borrow_mut();
        r.files = match (r.runs, r.files.take(), files) {
            (0, _, f) => f,
            (_, Some(mut a), Some(b)) => {
                a.extend(b);
                Some(a)
            }
            _ => None,
        };
        r.snapshot_key = Some(key);
        r.runs += 1;
    });
}

/// Appends `data` to `text` as UTF-8, invalid sequences replaced (as `from_utf8_lossy`), with
/// the fast validity check first.
fn push_text(text: &mut String, data: &[u8]) {
    match std::str::from_utf8(data) {
        Ok(s) => text.push_str(s),
        Err(_) => text.push_str(&String::from_utf8_lossy(data)),
    }
}

/// [`push_text`] for bytes it may keep: into an empty `text` a valid file moves without a copy.
fn append_text(text: &mut String, data: Vec<u8>) {
    if !text.is_empty() {
        return push_text(text, &data);
    }
    *text = match String::from_utf8(data) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
}

/// One run's use of the modfile cache: the cache object the loader consults and, when the cache
/// is on, the directory it persists to. With the cache off the session still verifies
/// dependency go.mod files against go.sum, as the go command does, and reads and writes nothing.
pub struct Session {
    cache: ModfileCache,
    dir: Option<CacheDir>,
    tier: Option<Arc<std::sync::Mutex<DirTier>>>,
    key: ContentHash,
    /// Names the main module by where its files are (not by their content): the `latest/`
    /// pointer to its newest snapshot.
    place: ContentHash,
    snapshot_loaded: bool,
    /// Warnings found while opening (a corrupt snapshot), for `-x`.
    pub warnings: Vec<Event>,
}

impl Session {
    /// Opens the session for a run over `files`; `root` is the cache directory when the cache is
    /// on, `None` when it is off.
    pub fn open(files: &MainFiles, root: Option<PathBuf>) -> Session {
        let read = |p: &Path| std::fs::read(p).unwrap_or_default();
        // go.sum files are read as one text (a workspace's go.work.sum and its modules' go.sum
        // files together), reported under the first one's name.
        let sum_name = files
            .gosums
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let Some(root) = root else {
            // With the cache off only go.sum is needed: no snapshot key, no main go.mod bytes,
            // and a single valid go.sum becomes the text without a copy.
            let mut sum_text = String::new();
            for p in &files.gosums {
                append_text(&mut sum_text, read(p));
                sum_text.push('\n');
            }
            let cache = ModfileCache::verify_only();
            cache.set_gosum_text(&sum_name, &sum_text);
            return Session {
                cache,
                dir: None,
                tier: None,
                key: ContentHash([0; 32]),
                place: ContentHash([0; 32]),
                snapshot_loaded: false,
                warnings: Vec::new(),
            };
        };
        let mut parts: Vec<Vec<u8>> = Vec::new();
        for p in &files.gomods {
            parts.push(read(p));
        }
        parts.push(files.gowork.as_deref().map(read).unwrap_or_default());
        let mut sum_text = String::new();
        for p in &files.gosums {
            let data = read(p);
            push_text(&mut sum_text, &data);
            sum_text.push('\n');
            parts.push(data);
        }
        let set_sum = |c: &ModfileCache| c.set_gosum_text(&sum_name, &sum_text);
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let key = Snapshot::main_key(&refs);
        let mut place = blake3::Hasher::new();
        place.update(b"modscope main module place v1\n");
        for p in files.gomods.iter().chain(files.gowork.as_ref()) {
            let s = p.to_string_lossy();
            place.update(&(s.len() as u64).to_le_bytes());
            place.update(s.as_bytes());
        }
        let place = ContentHash(*place.finalize().as_bytes());
        let dir = CacheDir::new(root);
        let tier = Arc::new(std::sync::Mutex::new(DirTier::new(dir.clone())));
        let cache =
            ModfileCache::new(DEFAULT_MEMORY_BYTES).with_tier(Box::new(SharedTier(tier.clone())));
        set_sum(&cache);
        let mut warnings = Vec::new();
        let mut snapshot_loaded = false;
        match dir.with_snapshot(&key, |s| cache.install_view(s)) {
            Read::Ok(()) => snapshot_loaded = true,
            Read::Absent => {
                // An edited main module (a new key): start from its newest snapshot. Its module
                // keys are immutable and its entries content-addressed, so they still hold; go.sum
                // is checked on every hit and file keys by their stamps, as always.
                if let Some(prev) = dir.read_latest(&place).filter(|p| *p != key) {
                    let _ = dir.with_snapshot(&prev, |s| cache.install_view(s));
                }
            }
            Read::Corrupt(why) => warnings.push(
                Event::new(
                    EventKind::Warning,
                    "modfile cache: corrupt snapshot",
                    dir.snapshot_path(&key).display().to_string(),
                )
                .with_result(format!("{why}; deleted, rebuilding")),
            ),
        }
        Session {
            cache,
            dir: Some(dir),
            tier: Some(tier),
            key,
            place,
            snapshot_loaded,
            warnings,
        }
    }

    /// The cache for [`crate::graph::load::Env::cache`].
    pub fn cache(&self) -> &ModfileCache {
        &self.cache
    }

    /// True when the cache is on.
    pub fn is_on(&self) -> bool {
        self.dir.is_some()
    }

    /// The checksum mismatch that stopped the run, if any (print it as is and exit 1).
    pub fn fatal(&self) -> Option<String> {
        self.cache.fatal()
    }

    /// Warnings found at open (a corrupt snapshot), for `-x`; later ones reach the trace
    /// through the cache.
    pub fn take_warnings(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.warnings)
    }

    /// Persists what the run learned: new entries, the index, the snapshot, a line of stats.
    /// A fully warm run (everything from the snapshot) writes only its stats line. Failures to
    /// write are ignored: the cache is an accelerator, never a reason to fail a command.
    pub fn finish(&self) -> CacheStats {
        let stats = self.cache.stats();
        let Some(dir) = &self.dir else {
            return stats;
        };
        if self.cache.fatal().is_none() {
            record_run(self.key, self.cache.files_used());
        }
        let warm = self.snapshot_loaded && self.cache.fully_warm();
        if !warm {
            let mut sizes: FxHashMap<ContentHash, u64> = FxHashMap::default();
            let new = self.cache.take_new();
            for (e, _) in &new {
                sizes.insert(e.hash, e.size);
            }
            // All new entries go into one pack: one file and one rename per run.
            let items: Vec<(&Entry, &[u8])> = new.iter().map(|(e, b)| (&**e, &**b)).collect();
            let objects = dir.store_pack(&items).unwrap_or_default();
            let snap = self.cache.run_snapshot(self.key);
            for e in &snap.entries {
                sizes.insert(e.hash, e.size);
            }
            let evicted = self
                .tier
                .as_ref()
                .map(|t| std::mem::take(&mut t.lock().unwrap_or_else(|p| p.into_inner()).evicted))
                .unwrap_or_default();
            // The index only needs rewriting when the run learned something: an entry or a key
            // read from the source (a lookup no tier answered), or an eviction.
            if !objects.is_empty() || !evicted.is_empty() || stats.memory.misses > stats.disk.hits {
                let _ = dir.merge_index(&snap.modules, &snap.files, &objects, &sizes, &evicted);
            }
            if self.cache.fatal().is_none()
                && write_atomic(&dir.root, &dir.snapshot_path(&self.key), &snap.encode()).is_ok()
            {
                dir.write_latest(&self.place, &self.key);
            }
        }
        let s = &stats;
        dir.append_run(&format!(
            "v1 {} {} {} {} {} {} {} {} {}\n",
            unix_secs(),
            s.memory.hits,
            s.snapshot_hits,
            s.disk.hits,
            s.memory.misses,
            s.disk.misses,
            s.stores,
            s.evictions,
            if warm {
                self.key.hex()
            } else {
                "-".to_string()
            },
        ));
        stats
    }
}

/// Totals over `runs.log`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunTotals {
    /// Runs recorded.
    pub runs: u64,
    /// Memory-tier hits (including snapshot hits).
    pub memory_hits: u64,
    /// Hits served from snapshots.
    pub snapshot_hits: u64,
    /// Disk-tier hits.
    pub disk_hits: u64,
    /// Memory-tier misses.
    pub memory_misses: u64,
    /// Disk-tier misses.
    pub disk_misses: u64,
    /// Entries stored.
    pub stores: u64,
    /// Entries evicted.
    pub evictions: u64,
}

/// What `cache show` lists per key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownEntry {
    /// `module@version`, or the file path for a file key.
    pub key: String,
    /// Full content hash.
    pub hash: String,
    /// go.mod size in bytes.
    pub size: u64,
    /// Where it was read.
    pub source: String,
    /// Times it was served from the cache.
    pub hits: u64,
    /// Last use, Unix seconds.
    pub last_use: u64,
}

/// Result of `cache verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entry files checked.
    pub objects: u64,
    /// Snapshots checked.
    pub snapshots: u64,
    /// Problems found (each file was deleted).
    pub problems: Vec<String>,
}

impl CacheDir {
    /// Totals of every run recorded in `runs.log` (malformed lines are skipped), and per
    /// snapshot key, how many warm runs it served and when last.
    pub fn run_totals(&self) -> (RunTotals, FxHashMap<String, (u64, u64)>) {
        let mut t = RunTotals::default();
        let mut warm: FxHashMap<String, (u64, u64)> = FxHashMap::default();
        let text = std::fs::read_to_string(self.runs_path()).unwrap_or_default();
        for line in text.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            if f.len() != 10 || f[0] != "v1" {
                continue;
            }
            let n: Vec<u64> = f[1..9].iter().filter_map(|x| x.parse().ok()).collect();
            if n.len() != 8 {
                continue;
            }
            t.runs += 1;
            t.memory_hits += n[1];
            t.snapshot_hits += n[2];
            t.disk_hits += n[3];
            t.memory_misses += n[4];
            t.disk_misses += n[5];
            t.stores += n[6];
            t.evictions += n[7];
            if f[9] != "-" {
                let e = warm.entry(f[9].to_string()).or_default();
                e.0 += 1;
                e.1 = e.1.max(n[0]);
            }
        }
        (t, warm)
    }

    /// Entries the index places in packs, and the packs' total size.
    pub fn object_usage(&self) -> (u64, u64) {
        let entries = match self.read_index() {
            Read::Ok(ix) => ix.objects.len() as u64,
            _ => 0,
        };
        let bytes = self
            .packs()
            .iter()
            .filter_map(|(_, p)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        (entries, bytes)
    }

    /// Snapshot files and their total size.
    pub fn snapshot_usage(&self) -> (u64, u64) {
        let s = self.snapshots();
        let bytes = s
            .iter()
            .filter_map(|(_, p)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        (s.len() as u64, bytes)
    }

    /// Every key of the index, with hits from index rewrites plus warm runs of the snapshots
    /// that hold it.
    pub fn show(&self) -> (Vec<ShownEntry>, Option<String>) {
        let (ix, warning) = match self.read_index() {
            Read::Ok(ix) => (ix, None),
            Read::Absent => (Index::default(), None),
            Read::Corrupt(why) => (
                Index::default(),
                Some(format!("corrupt index deleted: {why}")),
            ),
        };
        let (_, warm) = self.run_totals();
        let mut extra: FxHashMap<(String, String), (u64, u64)> = FxHashMap::default();
        let mut extra_files: FxHashMap<String, (u64, u64)> = FxHashMap::default();
        for (key, (runs, last)) in &warm {
            let Some(k) = ContentHash::from_hex(key) else {
                continue;
            };
            if let Read::Ok(s) = self.read_snapshot(&k) {
                for m in s.modules {
                    let e = extra.entry((m.path, m.version)).or_default();
                    e.0 += runs;
                    e.1 = e.1.max(*last);
                }
                for f in s.files {
                    let e = extra_files.entry(f.path).or_default();
                    e.0 += runs;
                    e.1 = e.1.max(*last);
                }
            }
        }
        let mut out = Vec::new();
        for m in ix.modules {
            let (h, l) = extra
                .get(&(m.path.clone(), m.version.clone()))
                .copied()
                .unwrap_or_default();
            out.push(ShownEntry {
                key: format!("{}@{}", m.path, m.version),
                hash: m.hash.hex(),
                size: m.size,
                source: m.source,
                hits: m.hits + h,
                last_use: m.last_use.max(l),
            });
        }
        for f in ix.files {
            let (h, l) = extra_files.get(&f.path).copied().unwrap_or_default();
            out.push(ShownEntry {
                key: f.path.clone(),
                hash: f.hash.hex(),
                size: f.stamp.size,
                source: f.path,
                hits: f.hits + h,
                last_use: f.last_use.max(l),
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        (out, warning)
    }

    /// Re-hashes every entry (bytes against their address and their `h1:`), checks every
    /// snapshot and the index; deletes what is bad.
    pub fn verify(&self) -> VerifyReport {
        let mut r = VerifyReport::default();
        for (name, p) in self.packs() {
            let Some(name) = name else {
                r.problems.push(format!("{}: not a pack name", p.display()));
                let _ = if p.is_dir() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
                continue;
            };
            let Ok(data) = std::fs::read(&p) else {
                continue;
            };
            let checked = if ContentHash::of(&data) != name {
                Err("does not hash to its name".to_string())
            } else {
                decode_pack(&data)
            };
            let bad = match checked {
                Ok(entries) => {
                    r.objects += entries.len() as u64;
                    entries
                        .iter()
                        .find(|(e, bytes)| crate::sum::dirhash::hash_gomod(bytes) != e.h1)
                        .map(|(e, _)| {
                            format!("entry {}: h1 hash does not match its bytes", e.hash.short())
                        })
                }
                Err(why) => Some(why),
            };
            if let Some(why) = bad {
                r.problems.push(format!("{}: {why}", p.display()));
                let _ = std::fs::remove_file(&p);
            }
        }
        for (k, p) in self.snapshots() {
            r.snapshots += 1;
            let Some(k) = k else {
                r.problems
                    .push(format!("{}: not a snapshot name", p.display()));
                let _ = std::fs::remove_file(&p);
                continue;
            };
            if let Read::Corrupt(why) = self.with_snapshot(&k, |_| ()) {
                r.problems.push(format!("{}: {why}", p.display()));
            }
        }
        if let Read::Corrupt(why) = self.read_index() {
            r.problems
                .push(format!("{}: {why}", self.index_path().display()));
        }
        r
    }

    /// Deletes the whole cache directory.
    pub fn clear(&self) -> std::io::Result<()> {
        if !self.root.exists() {
            return Ok(());
        }
        // Rename first so that a concurrent run sees either the old directory or none.
        let gone = self.root.with_file_name(format!(
            ".modfile-clear-{}-{}",
            std::process::id(),
            unix_nanos()
        ));
        std::fs::rename(&self.root, &gone)?;
        std::fs::remove_dir_all(&gone)
    }

    /// Every module key with its entry and go.mod bytes, as an export snapshot.
    pub fn export(&self) -> Snapshot {
        let ix = match self.read_index() {
            Read::Ok(ix) => ix,
            _ => Index::default(),
        };
        let mut s = Snapshot::default();
        let mut have: FxHashMap<ContentHash, bool> = FxHashMap::default();
        let objects: FxHashMap<ContentHash, IndexObject> =
            ix.objects.iter().map(|o| (o.hash, *o)).collect();
        for m in ix.modules {
            let ok = *have.entry(m.hash).or_insert_with(|| {
                let Some(o) = objects.get(&m.hash) else {
                    return false;
                };
                match self.load_object(o) {
                    Ok(Some((e, bytes))) => {
                        s.entries.push(EntryRecord::of(&e, Some(bytes)));
                        true
                    }
                    _ => false,
                }
            });
            if ok {
                s.modules.push(ModuleKey {
                    path: m.path,
                    version: m.version,
                    hash: m.hash,
                    source: m.source,
                });
            }
        }
        s
    }

    /// Imports an export: each entry's bytes are re-hashed and re-parsed here (the file is not
    /// trusted), then stored with the module keys that point at it. Returns (entries, keys,
    /// skipped).
    pub fn import(&self, snap: &Snapshot) -> std::io::Result<(u64, u64, u64)> {
        let mut ok: FxHashMap<ContentHash, u64> = FxHashMap::default();
        let mut stored: Vec<(Entry, &[u8])> = Vec::new();
        let mut skipped = 0;
        for rec in &snap.entries {
            let Some(bytes) = &rec.bytes else {
                skipped += 1;
                continue;
            };
            if ContentHash::of(bytes) != rec.hash {
                skipped += 1;
                continue;
            }
            let Ok(parsed) = parse_dep("go.mod", bytes) else {
                skipped += 1;
                continue;
            };
            let e = crate::cache::entry::new_entry(bytes, parsed);
            if ok.insert(e.hash, e.size).is_none() {
                stored.push((e, bytes));
            }
        }
        let items: Vec<(&Entry, &[u8])> = stored.iter().map(|(e, b)| (e, *b)).collect();
        let objects = self.store_pack(&items)?;
        let modules: Vec<ModuleKey> = snap
            .modules
            .iter()
            .filter(|m| ok.contains_key(&m.hash))
            .cloned()
            .collect();
        self.merge_index(&modules, &[], &objects, &ok, &[])?;
        Ok((ok.len() as u64, modules.len() as u64, skipped))
    }
}
