//! `modscope cache`: inspect and manage the modfile cache directory (stats, show, verify, clear,
//! export, import).

use super::{CliError, Outcome};
use crate::cache::Snapshot;
use crate::native::cache_store::{cache_root, write_beside, CacheDir};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Inspect and manage the modfile cache.
///
/// The modfile cache (`--modfile-cache` or `GOEXPERIMENT=modfilecache` on `list -m`, `mod
/// graph`) keeps parsed go.mod files addressed by the blake3 hash of their bytes, in
/// `$MODSCOPE_CACHE/modfile` (default: `~/.cache/modscope/modfile`). A warm run reads one
/// snapshot instead of every go.mod the graph needs.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: CacheCommand,
}

/// The `cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Entries, bytes, hits, misses and hit rate, per tier.
    Stats {
        /// Print JSON.
        #[arg(long = "json")]
        json: bool,
    },
    /// Every key: module@version (or file), hash, size, source, hits, last use.
    Show {
        /// Print JSON.
        #[arg(long = "json")]
        json: bool,
    },
    /// Re-hash every entry and check every snapshot and the index; bad files are deleted.
    /// Exit status 1 when anything was wrong.
    Verify,
    /// Delete the whole cache directory.
    Clear,
    /// Write every module entry, with its go.mod bytes, to FILE (the snapshot the playground
    /// loads).
    Export {
        /// Output file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Load an export: each go.mod is re-hashed and re-parsed before it is stored.
    Import {
        /// Input file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

fn pct(h: u64, m: u64) -> String {
    if h + m == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * h as f64 / (h + m) as f64)
    }
}

/// Runs `modscope cache …`.
pub fn run(args: CacheArgs) -> Result<Outcome, CliError> {
    let mut out = String::new();
    let r = run_to(args, &mut out);
    // A closed pipe (`modscope cache show | head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    r
}

fn run_to(args: CacheArgs, out: &mut String) -> Result<Outcome, CliError> {
    use std::fmt::Write as _;
    let dir = CacheDir::new(cache_root(None));
    let fail = |what: &str, e: std::io::Error| CliError::failed(format!("{what}: {e}"));
    match args.command {
        CacheCommand::Stats { json } => {
            let (t, _) = dir.run_totals();
            let (objects, obj_bytes) = dir.object_usage();
            let (snaps, snap_bytes) = dir.snapshot_usage();
            if json {
                let v = serde_json::json!({
                    "dir": dir.root().display().to_string(),
                    "runs": t.runs,
                    "memory": {"hits": t.memory_hits, "misses": t.memory_misses,
                               "snapshot_hits": t.snapshot_hits},
                    "disk": {"entries": objects, "bytes": obj_bytes, "snapshots": snaps,
                             "snapshot_bytes": snap_bytes, "hits": t.disk_hits,
                             "misses": t.disk_misses},
                    "stores": t.stores,
                    "evictions": t.evictions,
                });
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                );
                return Ok(Outcome::Ok);
            }
            let _ = writeln!(out, "modfile cache: {}", dir.root().display());
            let _ = writeln!(out, "runs: {}", t.runs);
            let _ = writeln!(
                out,
                "tier      entries      bytes       hits     misses  hit rate"
            );
            let _ = writeln!(
                out,
                "memory    {:>7} {:>10} {:>10} {:>10}  {:>8}",
                "-",
                "-",
                t.memory_hits,
                t.memory_misses,
                pct(t.memory_hits, t.memory_misses)
            );
            let _ = writeln!(
                out,
                "  of which from snapshots: {} hits ({} snapshots, {} bytes)",
                t.snapshot_hits, snaps, snap_bytes
            );
            let _ = writeln!(
                out,
                "disk      {:>7} {:>10} {:>10} {:>10}  {:>8}",
                objects,
                obj_bytes,
                t.disk_hits,
                t.disk_misses,
                pct(t.disk_hits, t.disk_misses)
            );
            let _ = writeln!(out, "stores: {}  evictions: {}", t.stores, t.evictions);
            Ok(Outcome::Ok)
        }
        CacheCommand::Show { json } => {
            let (entries, warning) = dir.show();
            if let Some(w) = warning {
                eprintln!("modscope: warning: {w}");
            }
            if json {
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&entries).unwrap_or_default()
                );
                return Ok(Outcome::Ok);
            }
            for e in &entries {
                let _ = writeln!(
                    out,
                    "{}\tblake3:{}\t{}\t{}\thits={}\tlast_use={}",
                    e.key,
                    &e.hash[..12.min(e.hash.len())],
                    e.size,
                    if e.source.is_empty() { "-" } else { &e.source },
                    e.hits,
                    e.last_use
                );
            }
            Ok(Outcome::Ok)
        }
        CacheCommand::Verify => {
            let r = dir.verify();
            for p in &r.problems {
                let _ = writeln!(out, "bad: {p} (deleted)");
            }
            let _ = writeln!(
                out,
                "checked {} entries, {} snapshots: {} problems",
                r.objects,
                r.snapshots,
                r.problems.len()
            );
            Ok(if r.problems.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Findings
            })
        }
        CacheCommand::Clear => {
            dir.clear().map_err(|e| fail("clearing the cache", e))?;
            Ok(Outcome::Ok)
        }
        CacheCommand::Export { file } => {
            let s = dir.export();
            let data = s.encode();
            write_beside(&file, &data)
                .map_err(|e| fail(&format!("writing {}", file.display()), e))?;
            let _ = writeln!(
                out,
                "exported {} entries, {} keys ({} bytes) to {}",
                s.entries.len(),
                s.modules.len(),
                data.len(),
                file.display()
            );
            Ok(Outcome::Ok)
        }
        CacheCommand::Import { file } => {
            let data = std::fs::read(&file)
                .map_err(|e| fail(&format!("reading {}", file.display()), e))?;
            let s = Snapshot::decode(&data).map_err(|e| {
                CliError::failed(format!(
                    "{}: not a modfile cache export: {e}",
                    file.display()
                ))
            })?;
            let (entries, keys, skipped) = dir.import(&s).map_err(|e| fail("importing", e))?;
            let _ =
                writeln!(out,
                "imported {entries} entries, {keys} keys; skipped {skipped} unverifiable entries"
            );
            Ok(Outcome::Ok)
        }
    }
}
