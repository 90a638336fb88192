//! `modscope lookup IMPORT… [--from DIR] [--json]`: where an import path lives in GOPATH mode, and
//! every place that was tried to find out. Inside a module (GO111MODULE not `off`), without
//! `--from`, it answers in module mode: each candidate module of the build list and its probe.

use super::list::CmdOutput;
use super::{CliError, Outcome};
use crate::native::fs::OsFs;
use crate::native::gopath_env::{self, InstantClock};
use crate::native::gopkg_index_store;
use crate::pkg::gopath::{is_local_import, Importer, Resolution, Resolver, ResolverMemos};
use crate::pkg::index::GopkgIndex;
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::Fs;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Find the directory of import paths the way `GO111MODULE=off go build` does, and show each step.
///
/// For each IMPORT, prints the places considered in the go command's order — vendor directories
/// from the importing package up to its tree's src, then $GOROOT/src, then each $GOPATH entry —
/// what each probe found, and the answer (the resolved import path and directory) or the go
/// command's error. With --from DIR the imports are resolved as written in the package in DIR
/// (so vendor directories apply); without it they are resolved like command-line arguments.
///
/// Environment: GOROOT, GOPATH, GOOS, GOARCH, CGO_ENABLED, GOEXPERIMENT=gopkgcache.
///
/// Example: GOPATH=$HOME/go modscope lookup -from $HOME/go/src/example.com/app example.com/q
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// Import paths to look up.
    #[arg(value_name = "IMPORT", required = true)]
    pub imports: Vec<String>,
    /// The importing package's directory (vendor directories above it apply).
    #[arg(long = "from", value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Print one JSON object per import instead of text.
    #[arg(long = "json")]
    pub json: bool,
    /// Print each step as a `# …` line on stderr, as the go command's -x does.
    #[arg(long = "x")]
    pub x: bool,
    /// Answer through the gopkg cache (also GOEXPERIMENT=gopkgcache).
    #[arg(long = "gopkg-cache")]
    pub gopkg_cache: bool,
    /// Extra build tags.
    #[arg(long = "tags")]
    pub tags: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LookupJson<'a> {
    import: &'a str,
    import_path: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    dir: &'a str,
    goroot: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_a_package: Option<String>,
    steps: &'a [Event],
}

fn readable(e: &Event) -> Option<String> {
    let what = match e.kind {
        EventKind::LookupCandidate => "candidate",
        EventKind::LookupProbe => "probe",
        EventKind::IndexHit => "gopkg cache hit",
        EventKind::IndexMiss => "gopkg cache miss",
        EventKind::IndexRebuild => "gopkg cache rebuild",
        EventKind::Read => "read package",
        EventKind::Warning => "warning",
        _ => return None,
    };
    Some(format!(
        "  {what:<20} {:<16} {}{}",
        e.result,
        if e.detail.is_empty() {
            &e.subject
        } else {
            &e.detail
        },
        if e.dur_ns > 0 {
            format!("  ({:.1}µs)", e.dur_ns as f64 / 1000.0)
        } else {
            String::new()
        }
    ))
}

/// Runs `modscope lookup`.
pub fn run(args: LookupArgs) -> Result<Outcome, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::failed(format!("getting the working directory: {e}")))?;
    if args.from.is_none() && module_mode(&cwd) {
        return super::list::emit(output(&args, &cwd, None));
    }
    if let Some(e) = gopath_env::goroot_problem() {
        eprintln!("go: {e}");
        return Ok(Outcome::Findings);
    }
    let cfg = gopath_env::config(args.tags.as_deref());
    let clock = InstantClock::new();
    let roots = cfg.roots();
    let use_index = match gopath_env::gopkg_cache_enabled(args.gopkg_cache) {
        Ok(on) => on,
        Err(e) => {
            eprintln!("go: {e}");
            return Ok(Outcome::Findings);
        }
    };
    let mut setup_trace = Trace::recording();
    let mut index = use_index.then(|| gopkg_index_store::open(&roots, &mut setup_trace, &clock));
    if args.x {
        for e in &setup_trace.events {
            eprintln!("{}", e.x_line());
        }
    }
    let out = output(&args, &cwd, index.as_mut());
    if let Some(ix) = index.as_mut() {
        if ix.is_dirty() {
            if let Err(e) = gopkg_index_store::save(ix, &roots) {
                eprintln!("modscope: warning: saving gopkg index: {e}");
            }
        }
    }
    super::list::emit(out)
}

/// What `modscope lookup` prints for `args`, run in `cwd` with the environment's GOROOT and
/// GOPATH, as data. With `index` (an open gopkg index for the environment's roots) lookups go
/// through it; the caller opens and saves it. Module mode (no `--from`, a go.mod or go.work at
/// or above `cwd`, GO111MODULE not `off`) does not use it.
pub fn output(args: &LookupArgs, cwd: &Path, index: Option<&mut GopkgIndex>) -> CmdOutput {
    let fs = OsFs::new(cwd);
    output_with_fs(args, cwd, &fs, index)
}

/// [`output`] over a given file system (the backend passes one that watches what it reads).
pub fn output_with_fs(
    args: &LookupArgs,
    cwd: &Path,
    fs: &dyn Fs,
    index: Option<&mut GopkgIndex>,
) -> CmdOutput {
    output_with_memos(args, cwd, fs, index, &mut ResolverMemos::default())
}

/// [`output_with_fs`] starting from `memos` (kept from an earlier run over the same index and
/// configuration, see [`ResolverMemos`]) and leaving this run's memos in it.
pub fn output_with_memos(
    args: &LookupArgs,
    cwd: &Path,
    fs: &dyn Fs,
    index: Option<&mut GopkgIndex>,
    memos: &mut ResolverMemos,
) -> CmdOutput {
    if args.from.is_none() && module_mode(cwd) {
        // Module mode: the build list's candidate modules and their probes (SPEC E.1), printed
        // as `# lookup …` steps, then each import path (errors with -e semantics).
        return super::list_modpkgs::run(
            super::list_pkgs::PkgListArgs {
                e: !args.json,
                json: args.json,
                x: true,
                tags: args.tags.clone(),
                patterns: args.imports.clone(),
                dir: Some(cwd.to_path_buf()),
                ..Default::default()
            },
            None,
        );
    }
    let mut out = CmdOutput::default();
    let cfg = gopath_env::config(args.tags.as_deref());
    let clock = InstantClock::new();
    let mut resolver = Resolver::new(fs, &cfg, Trace::recording(), &clock);
    if let Some(ix) = index {
        resolver = resolver.with_index_and_memos(ix, std::mem::take(memos));
    }
    let cwd_s = crate::source::clean_path(&cwd.to_string_lossy());
    let importer = args.from.as_ref().map(|d| {
        let abs = if d.is_absolute() {
            d.clone()
        } else {
            cwd.join(d)
        };
        let dir = crate::source::clean_path(&abs.to_string_lossy());
        let (import_path, root) = resolver.dir_to_import_path(&dir);
        Importer {
            import_path,
            dir,
            root,
        }
    });
    let mut failed = false;
    for imp in &args.imports {
        let start = resolver.trace.events.len();
        // Relative paths: from a package's source, the directory beside it (refused from a
        // package inside a tree, as the go command refuses it); on their own, a command-line
        // directory. Everything else is an import path.
        let relative = is_local_import(imp);
        let res: Resolution = match (&importer, relative) {
            (Some(i), true) => resolver.resolve_local_import(imp, &i.dir),
            (None, true) => resolver.resolve_local(imp, &cwd_s),
            _ => resolver.resolve(imp, importer.as_ref()),
        };
        let refused = importer
            .as_ref()
            .filter(|i| relative && i.root.is_some())
            .map(|_| {
                if imp == "." {
                    ".: cannot import current directory".to_string()
                } else {
                    format!("local import {imp:?} in non-local package")
                }
            });
        let mut not_a_package = None;
        if let Ok(f) = &res.result {
            let p = resolver.load(f);
            if let Some(e) = p.error {
                not_a_package = Some(e.to_string());
            }
        }
        let steps = &resolver.trace.events[start..];
        if args.x {
            for e in steps {
                out.stderr.push_str(&e.x_line());
                out.stderr.push('\n');
            }
        }
        let (dir, goroot, error) = match &res.result {
            Ok(f) => (f.dir.as_str(), f.goroot, refused),
            Err(e) => ("", false, Some(refused.unwrap_or_else(|| e.to_string()))),
        };
        failed |= error.is_some() || not_a_package.is_some();
        if args.json {
            let j = LookupJson {
                import: imp,
                import_path: &res.import_path,
                dir,
                goroot,
                error,
                not_a_package,
                steps,
            };
            match serde_json::to_string_pretty(&j) {
                Ok(text) => {
                    out.stdout.push_str(&text);
                    out.stdout.push('\n');
                }
                Err(e) => {
                    out.stderr
                        .push_str(&format!("modscope: encoding JSON: {e}\n"));
                    out.exit = 1;
                    return out;
                }
            }
            continue;
        }
        let o = &mut out.stdout;
        match &importer {
            Some(i) => o.push_str(&format!("lookup {imp} (imported by {})\n", i.import_path)),
            None => o.push_str(&format!("lookup {imp}\n")),
        }
        for line in steps.iter().filter_map(readable) {
            o.push_str(&line);
            o.push('\n');
        }
        let last = match (&error, &not_a_package) {
            (Some(e), _) => format!("=> error: {}", e.replace('\n', "\n   ")),
            (None, Some(e)) => format!("=> {} in {dir}: not a package: {e}", res.import_path),
            (None, None) => format!(
                "=> {} in {dir}{}",
                res.import_path,
                if goroot { " (GOROOT)" } else { "" }
            ),
        };
        o.push_str(&last);
        o.push('\n');
    }
    out.exit = u8::from(failed);
    *memos = resolver.take_memos();
    out
}

/// Module mode applies unless GO111MODULE=off, when a go.mod or go.work is found above the
/// working directory.
fn module_mode(cwd: &Path) -> bool {
    if std::env::var("GO111MODULE").as_deref() == Ok("off") {
        return false;
    }
    cwd.ancestors()
        .any(|d| d.join("go.mod").is_file() || d.join("go.work").is_file())
}
