//! The build-list memo of the modfile cache: a command's answer kept under a key that covers
//! every input the answer depends on, so that a repeated run reads one small file instead of
//! loading the module graph.
//!
//! The key is blake3 over: the modscope binary (path, size, modification time), the command and
//! its arguments, the working directory, every setting of [`GoEnv`] (GOPROXY, GOMODCACHE,
//! GOPATH, GOWORK, GOFLAGS' `-mod`, GOPRIVATE/GONOPROXY/GONOSUMDB, GOEXPERIMENT, …), the `-mod`
//! flag, and the path and bytes of every main-module file as the loader would find them now
//! (go.work and its go.work.sum, each main module's go.mod and go.sum; go.work and go.mod are
//! searched for again on every run, so a new one in a parent directory changes the key). The
//! memo also lists the go.mod files on disk outside the main modules (directory replacements)
//! that the answer came from, with their stamps; any change to one misses. Module versions'
//! go.mod and `.info` files are immutable, as everywhere in the cache, and are not checked.
//!
//! Only answers that depend on nothing else are memoized: `list -m` in text form (the JSON form
//! shows directories found in the module cache), `mod graph`, `why-version`, with exit status 0
//! (their stderr, the go command's loading messages, is kept too), not in vendor mode and not
//! when the main module has a vendor directory. A `-x` run that uses a memo says so
//! (`# modfile cache: build list from snapshot memo …`); one that cannot, says why.

use super::cache_store::{self, take_run_record, write_atomic, CacheDir};
use super::cli::list::CmdOutput;
use super::modload::LoadRequest;
use crate::cache::entry::{frame, unframe};
use crate::cache::{ContentHash, FileStamp};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MEMO_MAGIC: &[u8; 4] = b"MSCM";

/// One memoized answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MemoFile {
    /// The key it is filed under.
    key: ContentHash,
    /// The snapshot key of the run that computed it.
    snapshot_key: ContentHash,
    /// Files on disk the answer came from, with their stamps then.
    files: Vec<(String, FileStamp)>,
    /// The command's standard output.
    stdout: String,
    /// What it printed on stderr (the go command's loading messages).
    stderr: String,
}

fn find_upward(start: &Path, name: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Hashes `path` and its bytes (or its absence) into `h`.
fn add_file(h: &mut blake3::Hasher, path: &Path) {
    let name = slash(path);
    h.update(&(name.len() as u64).to_le_bytes());
    h.update(name.as_bytes());
    match std::fs::read(path) {
        Ok(d) => {
            h.update(&[1]);
            h.update(&(d.len() as u64).to_le_bytes());
            h.update(&d);
        }
        Err(_) => {
            h.update(&[0]);
        }
    }
}

fn add_str(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// The memo key of `command args…` for `req`, or why there is none (the loader then answers,
/// with its own error where the inputs are bad).
fn memo_key(req: &LoadRequest, command: &str, args: &[String]) -> Result<ContentHash, String> {
    let mut h = blake3::Hasher::new();
    h.update(b"modscope build-list memo v1\n");
    // The binary: a rebuilt modscope may answer differently.
    let exe = std::env::current_exe().map_err(|e| format!("locating modscope: {e}"))?;
    let meta = std::fs::metadata(&exe).map_err(|e| format!("locating modscope: {e}"))?;
    add_str(&mut h, &slash(&exe));
    h.update(&meta.len().to_le_bytes());
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    h.update(&mtime.to_le_bytes());
    add_str(&mut h, env!("CARGO_PKG_VERSION"));
    add_str(&mut h, command);
    h.update(&(args.len() as u64).to_le_bytes());
    for a in args {
        add_str(&mut h, a);
    }
    add_str(&mut h, &slash(&req.dir));
    add_str(&mut h, &format!("{:?}", req.env));
    add_str(&mut h, &format!("{:?}", req.build_mod_flag));
    add_str(&mut h, &format!("{:?}", req.command));
    add_str(&mut h, &format!("{:?}", req.go_override));
    // The main-module files, found as the loader finds them.
    let work = match req.env.gowork.as_str() {
        "off" => None,
        "" | "auto" => find_upward(&req.dir, "go.work"),
        p if Path::new(p).is_absolute() => Some(PathBuf::from(p)),
        _ => return Err("GOWORK is not an absolute path".to_string()),
    };
    match work {
        Some(wp) => {
            let data = std::fs::read(&wp).map_err(|_| "go.work unreadable".to_string())?;
            let wdir = wp.parent().unwrap_or(Path::new("/"));
            let (_, roots) = crate::graph::resolve::work_file(&slash(&wp), &slash(wdir), &data)?;
            h.update(b"work\n");
            add_file(&mut h, &wp);
            add_file(&mut h, &wp.with_file_name("go.work.sum"));
            for r in roots {
                let d = Path::new(&r);
                add_file(&mut h, &d.join("go.mod"));
                add_file(&mut h, &d.join("go.sum"));
            }
        }
        None => {
            let gomod = find_upward(&req.dir, "go.mod").ok_or("no go.mod")?;
            // With a vendor directory the go command may default to -mod=vendor, and the answer
            // would depend on vendor/: never memoized.
            if gomod.with_file_name("vendor").exists() {
                return Err("vendor directory".to_string());
            }
            h.update(b"module\n");
            add_file(&mut h, &gomod);
            add_file(&mut h, &gomod.with_file_name("go.sum"));
        }
    }
    Ok(ContentHash(*h.finalize().as_bytes()))
}

fn memo_path(dir: &CacheDir, key: &ContentHash) -> PathBuf {
    dir.root().join("memo").join(key.hex())
}

/// What looking a memo up found.
enum Lookup {
    Hit(MemoFile),
    Miss(String),
}

fn lookup(dir: &CacheDir, key: &ContentHash) -> Lookup {
    let p = memo_path(dir, key);
    let Ok(data) = std::fs::read(&p) else {
        return Lookup::Miss(format!("no build list memo {}", key.short()));
    };
    let decoded = unframe(MEMO_MAGIC, &data)
        .map_err(|e| e.0)
        .and_then(|b| postcard::from_bytes::<MemoFile>(b).map_err(|e| format!("undecodable: {e}")))
        .and_then(|m| {
            if m.key == *key {
                Ok(m)
            } else {
                Err("memo filed under another key".to_string())
            }
        });
    let m = match decoded {
        Ok(m) => m,
        Err(why) => {
            let _ = std::fs::remove_file(&p);
            return Lookup::Miss(format!(
                "warning: modfile cache: corrupt memo {} ({why}; deleted, rebuilding)",
                key.short()
            ));
        }
    };
    for (path, stamp) in &m.files {
        if cache_store::file_stamp(path).as_ref() != Some(stamp) {
            return Lookup::Miss(format!(
                "build list memo {}: {path} changed on disk",
                key.short()
            ));
        }
    }
    Lookup::Hit(m)
}

/// Answers `command args…` from its memo when every input is unchanged; otherwise runs
/// `compute` and, when its answer qualifies, memoizes it. `memoizable` is false for forms whose
/// answer depends on more than the key covers (e.g. `list -m -json`).
pub fn memoized(
    req: &LoadRequest,
    command: &str,
    args: &[String],
    memoizable: bool,
    x: bool,
    compute: impl FnOnce() -> CmdOutput,
) -> CmdOutput {
    let on = cache_store::enabled(false, &req.env.goexperiment).unwrap_or(false);
    let vendor = req
        .build_mod_flag
        .as_deref()
        .or(req.env.goflags_mod.as_deref())
        == Some("vendor");
    if !on || !memoizable || vendor {
        return compute();
    }
    let dir = CacheDir::new(cache_store::cache_root(Some(&req.env.modscope_cache)));
    let key = match memo_key(req, command, args) {
        Ok(k) => k,
        Err(_) => return compute(),
    };
    let why = match lookup(&dir, &key) {
        Lookup::Hit(m) => {
            dir.record_memo_run(&m.snapshot_key);
            let mut stderr = m.stderr;
            if x {
                stderr.push_str(&format!(
                    "# modfile cache: build list from snapshot memo {} (snapshot {}, {} local go.mod files unchanged)\n",
                    key.short(),
                    m.snapshot_key.short(),
                    m.files.len()
                ));
            }
            return CmdOutput {
                stdout: m.stdout,
                stderr,
                exit: 0,
            };
        }
        Lookup::Miss(why) => why,
    };
    take_run_record();
    let mut out = compute();
    let record = take_run_record();
    if x {
        out.stderr
            .insert_str(0, &format!("# modfile cache: {why}\n"));
        return out;
    }
    let (Some(snapshot_key), Some(files), 0) = (record.snapshot_key, record.files, out.exit) else {
        return out;
    };
    let m = MemoFile {
        key,
        snapshot_key,
        files,
        stdout: out.stdout,
        stderr: out.stderr,
    };
    // Encoding plain owned data into a Vec cannot fail.
    let body = postcard::to_allocvec(&m).unwrap_or_default();
    let _ = write_atomic(
        dir.root(),
        &memo_path(&dir, &key),
        &frame(MEMO_MAGIC, &body),
    );
    out.stdout = m.stdout;
    out.stderr = m.stderr;
    out
}
