//! `GO111MODULE=off modscope list [-e] [-json] [-deps] [-f TEMPLATE] PACKAGES…`: package listing in
//! GOPATH mode, with go list's fields (ImportPath, Dir, Name, Root, Goroot, Standard, GoFiles,
//! IgnoredGoFiles, TestGoFiles, XTestGoFiles, Imports, ImportMap, Deps, Incomplete, Error,
//! DepsErrors).
//!
//! `list -m` (modules) is a separate implementation; the `list` subcommand calls [`run`] here when
//! `-m` is absent. Patterns: import paths, relative directories (`.`, `./x`), and `...` patterns
//! over relative directories (`./...`) or import paths (`example.com/...`), matched as the go
//! command matches them (no `vendor`, `testdata`, `_*` or `.*` directories; symbolic links are
//! not followed; directories without Go files are skipped). `-f` takes Go templates
//! ([`crate::report::gotmpl`]) over go list's package struct: the fields above, `Module`'s and
//! `Error`'s fields, Go's printing and error texts, maps ranged in sorted key order.

use super::{CliError, Outcome};
use crate::graph::list::ModulePublic;
use crate::native::fs::OsFs;
use crate::native::gopath_env::{self, InstantClock};
use crate::native::gopkg_index_store;
use crate::pkg::gopath::{GopathConfig, Resolver, ResolverMemos};
use crate::pkg::list::Lister;
use crate::pkg::load::{load_dir, PkgError};
use crate::pkg::record::{Package, PackageError};
use crate::report::gotmpl::{StructType, Template, Value};
use crate::report::trace::Trace;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Options of package-mode `list`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PkgListArgs {
    /// Report erroneous packages in the output instead of failing.
    #[arg(long = "e")]
    pub e: bool,
    /// Print JSON objects.
    #[arg(long = "json")]
    pub json: bool,
    /// Also list every dependency, dependencies first.
    #[arg(long = "deps")]
    pub deps: bool,
    /// A Go template applied to each package.
    #[arg(long = "f")]
    pub format: Option<String>,
    /// Print each lookup step (`# lookup …`, `# gopkg cache …`) on stderr.
    #[arg(long = "x")]
    pub x: bool,
    /// Resolve through the gopkg cache (also GOEXPERIMENT=gopkgcache).
    #[arg(long = "gopkg-cache")]
    pub gopkg_cache: bool,
    /// Extra build tags.
    #[arg(long = "tags")]
    pub tags: Option<String>,
    /// Run as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// Packages: import paths, relative directories, `...` patterns.
    pub patterns: Vec<String>,
}

/// What a run printed and its exit status, as data (tests compare these).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PkgListOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub exit: u8,
}

/// Go 1.19's `*load.PackagePublic` as templates see it: the fields modscope reports.
static PACKAGE_TYPE: StructType = StructType {
    name: "*load.PackagePublic",
    fields: &[
        "Dir",
        "ImportPath",
        "Name",
        "Root",
        "Module",
        "Goroot",
        "Standard",
        "Incomplete",
        "GoFiles",
        "IgnoredGoFiles",
        "Imports",
        "ImportMap",
        "Deps",
        "Error",
        "DepsErrors",
        "TestGoFiles",
        "XTestGoFiles",
    ],
    absent: &[
        "ImportComment",
        "Doc",
        "Target",
        "Shlib",
        "ConflictDir",
        "ForTest",
        "Export",
        "BuildID",
        "Match",
        "DepOnly",
        "BinaryOnly",
        "Stale",
        "StaleReason",
        "CgoFiles",
        "CompiledGoFiles",
        "InvalidGoFiles",
        "IgnoredOtherFiles",
        "CFiles",
        "CXXFiles",
        "MFiles",
        "HFiles",
        "FFiles",
        "SFiles",
        "SwigFiles",
        "SwigCXXFiles",
        "SysoFiles",
        "EmbedPatterns",
        "EmbedFiles",
        "CgoCFLAGS",
        "CgoCPPFLAGS",
        "CgoCXXFLAGS",
        "CgoFFLAGS",
        "CgoLDFLAGS",
        "CgoPkgConfig",
        "TestImports",
        "TestEmbedPatterns",
        "TestEmbedFiles",
        "XTestImports",
        "XTestEmbedPatterns",
        "XTestEmbedFiles",
    ],
};

/// `*modinfo.ModulePublic` (its `String` method prints `go list -m`'s line).
static MODULE_TYPE: StructType = StructType {
    name: "*modinfo.ModulePublic",
    fields: &[
        "Path",
        "Version",
        "Replace",
        "Time",
        "Main",
        "Indirect",
        "Dir",
        "GoMod",
        "GoVersion",
        "Error",
    ],
    absent: &[
        "Query",
        "Versions",
        "Update",
        "Retracted",
        "Deprecated",
        "Origin",
        "Reuse",
    ],
};

/// `*modinfo.ModuleError`.
static MODULE_ERROR_TYPE: StructType = StructType {
    name: "*modinfo.ModuleError",
    fields: &["Err"],
    absent: &[],
};

/// `*load.PackageError` (its `Error` method gives the text).
static PACKAGE_ERROR_TYPE: StructType = StructType {
    name: "*load.PackageError",
    fields: &["ImportStack", "Pos", "Err"],
    absent: &["IsImportCycle", "Hard"],
};

/// `*time.Time`: printed as Go prints a time (`2019-01-02 15:04:05 +0000 UTC`).
static TIME_TYPE: StructType = StructType {
    name: "*time.Time",
    fields: &[],
    absent: &[],
};

fn error_value(e: &Option<PackageError>) -> Value {
    match e {
        None => Value::Nil(&PACKAGE_ERROR_TYPE),
        Some(e) => Value::structure(
            &PACKAGE_ERROR_TYPE,
            vec![
                Value::strings(&e.import_stack),
                Value::str(&e.pos),
                Value::str(&e.err),
            ],
            Some(e.text()),
        ),
    }
}

/// A `.info` time (RFC 3339, UTC) as Go's `time.Time.String` prints it.
fn time_text(t: &str) -> String {
    match t.strip_suffix('Z') {
        Some(rest) if rest.len() >= 19 && rest.as_bytes().get(10) == Some(&b'T') => {
            format!("{} {} +0000 UTC", &rest[..10], &rest[11..])
        }
        _ => t.to_string(),
    }
}

/// The template value of a module (`*ModulePublic`: nil when absent).
fn module_value(m: Option<&ModulePublic>) -> Value {
    let Some(m) = m else {
        return Value::Nil(&MODULE_TYPE);
    };
    let error = match &m.error {
        None => Value::Nil(&MODULE_ERROR_TYPE),
        Some(e) => Value::structure(&MODULE_ERROR_TYPE, vec![Value::str(&e.err)], None),
    };
    let time = match &m.time {
        None => Value::Nil(&TIME_TYPE),
        Some(t) => Value::structure(&TIME_TYPE, Vec::new(), Some(time_text(t))),
    };
    Value::structure(
        &MODULE_TYPE,
        vec![
            Value::str(&m.path),
            Value::str(&m.version),
            module_value(m.replace.as_deref()),
            time,
            Value::Bool(m.main),
            Value::Bool(m.indirect),
            Value::str(&m.dir),
            Value::str(&m.go_mod),
            Value::str(&m.go_version),
            error,
        ],
        Some(m.line()),
    )
}

/// The template value of a package: every field present, zero values included (as a Go struct).
fn template_value(p: &Package) -> Value {
    Value::structure(
        &PACKAGE_TYPE,
        vec![
            Value::str(&p.dir),
            Value::str(&p.import_path),
            Value::str(&p.name),
            Value::str(&p.root),
            module_value(p.module.as_ref()),
            Value::Bool(p.goroot),
            Value::Bool(p.standard),
            Value::Bool(p.incomplete),
            Value::strings(&p.go_files),
            Value::strings(&p.ignored_go_files),
            Value::strings(&p.imports),
            Value::string_map(&p.import_map),
            Value::strings(&p.deps),
            error_value(&p.error),
            Value::List(
                "[]*load.PackageError",
                Rc::new(
                    p.deps_errors
                        .iter()
                        .map(|e| error_value(&Some(e.clone())))
                        .collect(),
                ),
            ),
            Value::strings(&p.test_go_files),
            Value::strings(&p.x_test_go_files),
        ],
        None,
    )
}

fn is_local(arg: &str) -> bool {
    arg == "." || arg == ".." || arg.starts_with("./") || arg.starts_with("../")
}

/// Directories under `base` (absolute) matching a `...` pattern, the way `go list` walks:
/// no symlinks followed, `.*`, `_*`, `testdata` skipped, nothing under `vendor` unless the pattern
/// names it, only directories that hold a buildable package (or an invalid one). With `symlinks`,
/// each symbolic link to a directory met on the way (and not skipped by name) gets go list's
/// `warning: ignoring symlink …` line there, in walk order.
fn walk_pattern_dirs(
    base: &Path,
    ctx: &crate::pkg::constraint::BuildContext,
    accept: &dyn Fn(&str) -> bool,
    out: &mut Vec<PathBuf>,
    mut symlinks: Option<&mut Vec<String>>,
) {
    // (path, is the base, is a symbolic link to a directory)
    let mut stack = vec![(base.to_path_buf(), true, false)];
    let fs = OsFs::new("/");
    while let Some((dir, top, link)) = stack.pop() {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if !top && (name.starts_with('.') || name.starts_with('_') || name == "testdata") {
            continue;
        }
        if link {
            if let Some(w) = symlinks.as_deref_mut() {
                w.push(format!("warning: ignoring symlink {}", dir.display()));
            }
            continue;
        }
        if !dir.is_dir() {
            continue;
        }
        let d = dir.to_string_lossy().to_string();
        if accept(&d) {
            let p = load_dir(&fs, &d, ctx);
            let no_go = matches!(
                p.error,
                Some(PkgError::NoGoFiles { .. }) | Some(PkgError::ConstraintsExcludeAll { .. })
            );
            if !no_go || !p.invalid_go_files.is_empty() {
                out.push(dir.clone());
            }
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let want_links = symlinks.is_some();
        let mut kids: Vec<(PathBuf, bool)> = rd
            .flatten()
            .filter_map(|e| {
                let t = e.file_type().ok()?;
                if t.is_dir() {
                    return Some((e.path(), false));
                }
                let dir_link = want_links && t.is_symlink() && e.path().is_dir();
                dir_link.then(|| (e.path(), true))
            })
            .collect();
        kids.sort();
        for (k, link) in kids.into_iter().rev() {
            stack.push((k, false, link));
        }
    }
}

/// The import paths `std`, `cmd` or `all` stand for in GOPATH mode, in go list's order: every
/// package directory of GOROOT's `src` (`std`: standard-library paths, without `cmd`; `cmd`:
/// below `cmd`, without the main packages vendored there), or of every tree (`all`, earlier trees
/// first, each path once). `builtin` is never listed, nor `runtime/cgo` without cgo; `vendor`
/// directories are included (these are not `...` patterns).
fn meta_pattern_paths(
    pat: &str,
    roots: &[crate::pkg::gopath::Root],
    ctx: &crate::pkg::constraint::BuildContext,
) -> Vec<String> {
    use crate::pkg::gopath::RootKind;
    let mut have: std::collections::HashSet<String> = std::collections::HashSet::new();
    have.insert("builtin".to_string());
    if !ctx.cgo_enabled {
        have.insert("runtime/cgo".to_string());
    }
    let mut paths = Vec::new();
    for r in roots {
        if pat != "all" && r.kind != RootKind::Goroot {
            continue;
        }
        let src = r.src();
        let prefix = format!("{}/", src.trim_end_matches('/'));
        let base = if pat == "cmd" {
            Path::new(&src).join("cmd")
        } else {
            PathBuf::from(&src)
        };
        let accept = |d: &str| {
            let rel = d.strip_prefix(&prefix).unwrap_or("");
            match pat {
                "std" => {
                    !rel.is_empty()
                        && crate::pkg::stdlib::is_standard_import_path(rel)
                        && rel != "cmd"
                        && !rel.starts_with("cmd/")
                }
                _ => !rel.is_empty(),
            }
        };
        let mut found = Vec::new();
        walk_pattern_dirs(&base, ctx, &accept, &mut found, None);
        let fs = OsFs::new("/");
        for d in found {
            let d = d.to_string_lossy().to_string();
            let Some(rel) = d.strip_prefix(&prefix) else {
                continue;
            };
            if pat == "cmd"
                && rel.starts_with("cmd/vendor/")
                && load_dir(&fs, &d, ctx).name == "main"
            {
                continue;
            }
            if have.insert(rel.to_string()) {
                paths.push(rel.to_string());
            }
        }
    }
    paths
}

/// A command-line pattern in the go command's canonical form (`search.CleanPatterns`): the path
/// cleaned (`x//y/` → `x/y`, `x/../../y` → `../y`), a leading `./` kept.
fn clean_pattern(p: &str) -> String {
    if p.is_empty() {
        return p.to_string();
    }
    if let Some(rest) = p.strip_prefix("./") {
        let c = crate::source::clean_path(rest);
        return if c == "." {
            ".".into()
        } else {
            format!("./{c}")
        };
    }
    crate::source::clean_path(p)
}

/// Matches a slash path against a pattern with `...` wildcards; `...` never matches across a
/// `vendor` element unless the pattern itself names `vendor`.
pub fn match_pattern(pattern: &str, name: &str) -> bool {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        if p.is_empty() {
            return s.is_empty();
        }
        if p.starts_with(b"...") {
            return (0..=s.len()).any(|i| glob(&p[3..], &s[i..]));
        }
        !s.is_empty() && p[0] == s[0] && glob(&p[1..], &s[1..])
    }
    let has_vendor = |x: &str| x.split('/').any(|e| e == "vendor");
    if has_vendor(name) && !has_vendor(pattern) {
        return false;
    }
    if let Some(prefix) = pattern.strip_suffix("/...") {
        if name == prefix {
            return true;
        }
    }
    glob(pattern.as_bytes(), name.as_bytes())
}

/// Runs package-mode `list` with the configuration from the environment and returns its output
/// instead of printing it.
pub fn list_output(args: &PkgListArgs, cwd: &Path) -> PkgListOutput {
    if let Some(e) = gopath_env::goroot_problem() {
        return PkgListOutput {
            stderr: format!("go: {e}\n"),
            exit: 1,
            ..Default::default()
        };
    }
    let cfg = gopath_env::config(args.tags.as_deref());
    list_output_with(args, cwd, &cfg)
}

/// Runs package-mode `list` with an explicit GOROOT/GOPATH configuration.
///
/// Loading recurses along import chains, so it runs on a thread with a stack large enough for
/// [`crate::pkg::list::MAX_IMPORT_DEPTH`] levels (reserved, not committed, until used).
pub fn list_output_with(args: &PkgListArgs, cwd: &Path, cfg: &GopathConfig) -> PkgListOutput {
    const STACK: usize = 512 << 20;
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("list".into())
            .stack_size(STACK)
            .spawn_scoped(s, || list_output_on_stack(args, cwd, cfg))
        {
            Ok(h) => h.join().unwrap_or_else(|_| PkgListOutput {
                stderr: "modscope: listing packages failed\n".into(),
                exit: 1,
                ..Default::default()
            }),
            Err(_) => list_output_on_stack(args, cwd, cfg),
        }
    })
}

fn list_output_on_stack(args: &PkgListArgs, cwd: &Path, cfg: &GopathConfig) -> PkgListOutput {
    let mut out = PkgListOutput::default();
    let clock = InstantClock::new();
    let roots = cfg.roots();
    let mut setup = Trace::recording();
    let use_index = match gopath_env::gopkg_cache_enabled(args.gopkg_cache) {
        Ok(on) => on,
        Err(e) => {
            out.stderr = format!("go: {e}\n");
            out.exit = 1;
            return out;
        }
    };
    let mut index = use_index.then(|| gopkg_index_store::open(&roots, &mut setup, &clock));
    let fs = OsFs::new(cwd);
    let listed = list_output_index(args, cwd, cfg, &fs, index.as_mut());
    if args.x {
        for e in &setup.events {
            out.stderr.push_str(&e.x_line());
            out.stderr.push('\n');
        }
    }
    if let Some(ix) = index.as_mut() {
        if ix.is_dirty() {
            if let Err(e) = gopkg_index_store::save(ix, &roots) {
                out.stderr
                    .push_str(&format!("modscope: warning: saving gopkg index: {e}\n"));
            }
        }
    }
    out.stdout = listed.stdout;
    out.stderr.push_str(&listed.stderr);
    out.exit = listed.exit;
    out
}

/// Runs package-mode `list` over `fs`, through `index` when given (already open for `cfg`'s
/// roots; the caller saves it), and returns what it would print.
pub fn list_output_index(
    args: &PkgListArgs,
    cwd: &Path,
    cfg: &GopathConfig,
    fs: &dyn crate::source::Fs,
    index: Option<&mut crate::pkg::index::GopkgIndex>,
) -> PkgListOutput {
    list_output_memos(args, cwd, cfg, fs, index, &mut ResolverMemos::default())
}

/// [`list_output_index`] starting from `memos` (kept from an earlier run over the same index
/// and configuration, see [`ResolverMemos`]) and leaving this run's memos in it.
pub fn list_output_memos(
    args: &PkgListArgs,
    cwd: &Path,
    cfg: &GopathConfig,
    fs: &dyn crate::source::Fs,
    index: Option<&mut crate::pkg::index::GopkgIndex>,
    memos: &mut ResolverMemos,
) -> PkgListOutput {
    let mut out = PkgListOutput::default();
    let clock = InstantClock::new();
    let roots = cfg.roots();
    let trace = if args.x {
        Trace::recording()
    } else {
        Trace::off()
    };
    let mut resolver = Resolver::new(fs, cfg, trace, &clock);
    if let Some(ix) = index {
        resolver = resolver.with_index_and_memos(ix, std::mem::take(memos));
    }
    let cwd_s = crate::source::clean_path(&cwd.to_string_lossy());
    let mut lister = Lister::new(&mut resolver);
    let mut roots_ids = Vec::new();
    let patterns = if args.patterns.is_empty() {
        vec![".".to_string()]
    } else {
        args.patterns.iter().map(|p| clean_pattern(p)).collect()
    };
    // go list's warnings while matching patterns (symbolic links it does not follow).
    let mut warnings: Vec<String> = Vec::new();
    for pat in &patterns {
        if matches!(pat.as_str(), "std" | "cmd" | "all") {
            for p in meta_pattern_paths(pat, &roots, &cfg.ctx) {
                roots_ids.push(lister.load_arg(&p, &cwd_s));
            }
            continue;
        }
        if !pat.contains("...") {
            roots_ids.push(lister.load_arg(pat, &cwd_s));
            continue;
        }
        let mut dirs = Vec::new();
        if is_local(pat) {
            let clean = crate::source::clean_path(pat);
            let i = clean.find("...").unwrap_or(clean.len());
            let base = match clean[..i].rfind('/') {
                Some(j) => cwd.join(&clean[..j]),
                None => cwd.to_path_buf(),
            };
            let want = if clean.starts_with("..") || clean == "..." || clean.starts_with("...") {
                clean.clone()
            } else {
                format!("./{clean}")
            };
            let cwd_prefix = format!("{}/", cwd_s.trim_end_matches('/'));
            let accept = |d: &str| {
                let rel = d
                    .strip_prefix(&cwd_prefix)
                    .unwrap_or(if d == cwd_s { "" } else { d });
                let name = if rel.is_empty() {
                    ".".to_string()
                } else {
                    format!("./{rel}")
                };
                match_pattern(&want, &name) || (want == "./..." && name == ".")
            };
            walk_pattern_dirs(&base, &cfg.ctx, &accept, &mut dirs, None);
            for d in dirs {
                let d = d.to_string_lossy().to_string();
                roots_ids.push(lister.load_arg(&d_rel(&d, &cwd_s), &cwd_s));
            }
        } else {
            let i = pat.find("...").unwrap_or(pat.len());
            let prefix = match pat[..i].rfind('/') {
                Some(j) => &pat[..j],
                None => "",
            };
            let mut paths = Vec::new();
            for r in &roots {
                let src = r.src();
                let base = Path::new(&src).join(prefix);
                let mut found = Vec::new();
                let accept = |d: &str| {
                    let rel = d.strip_prefix(&format!("{src}/")).unwrap_or("");
                    !rel.is_empty() && match_pattern(pat, rel)
                };
                walk_pattern_dirs(&base, &cfg.ctx, &accept, &mut found, Some(&mut warnings));
                for d in found {
                    let d = d.to_string_lossy().to_string();
                    if let Some(rel) = d.strip_prefix(&format!("{src}/")) {
                        if !paths.contains(&rel.to_string()) {
                            paths.push(rel.to_string());
                        }
                    }
                }
            }
            // As for every tree pattern, `builtin` is never listed, nor `runtime/cgo` without
            // cgo.
            for p in paths {
                if p == "builtin" || (p == "runtime/cgo" && !cfg.ctx.cgo_enabled) {
                    continue;
                }
                roots_ids.push(lister.load_arg(&p, &cwd_s));
            }
        }
    }
    for w in &warnings {
        out.stderr.push_str(w);
        out.stderr.push('\n');
    }
    let pkgs: Vec<Package> = lister
        .output(&roots_ids, args.deps)
        .into_iter()
        .cloned()
        .collect();
    // The named packages' own errors (cmd/go checks these before expanding -deps).
    let named_errors: Vec<String> = lister
        .output(&roots_ids, false)
        .into_iter()
        .filter_map(|p| p.error.as_ref().map(PackageError::text))
        .collect();
    drop(lister);
    if args.x {
        for e in &resolver.trace.events {
            out.stderr.push_str(&e.x_line());
            out.stderr.push('\n');
        }
    }
    *memos = resolver.take_memos();
    // Without -e, as go list: a named package's error is printed and ends the run before any
    // output; with -deps, every listed package's error is printed, then the list, and the exit
    // status is 1.
    if !args.e {
        if !named_errors.is_empty() {
            for e in &named_errors {
                out.stderr.push_str(e);
                out.stderr.push('\n');
            }
            out.exit = 1;
            return out;
        }
        if args.deps {
            for e in pkgs.iter().filter_map(|p| p.error.as_ref()) {
                out.stderr.push_str(&e.text());
                out.stderr.push('\n');
                out.exit = 1;
            }
        }
    }
    if let Some(f) = &args.format {
        let (text, err) = render(f, pkgs.iter());
        out.stdout.push_str(&text);
        if let Some(e) = err {
            out.stderr.push_str(&e);
            out.stderr.push('\n');
            out.exit = 1;
        }
    } else if args.json {
        for p in &pkgs {
            out.stdout.push_str(&p.go_json());
        }
    } else {
        for p in &pkgs {
            out.stdout.push_str(&p.import_path);
            out.stdout.push('\n');
        }
    }
    out
}

/// Each package through the Go template `format` (`list -f`): the text, and the error
/// (`template: …`) that ended it early, if any. As go list does, a newline follows a package's
/// output unless the output so far ends in one (a package that prints nothing adds nothing).
pub fn render<'p>(
    format: &str,
    pkgs: impl Iterator<Item = &'p Package>,
) -> (String, Option<String>) {
    let mut text = String::new();
    let t = match Template::parse("main", format) {
        Ok(t) => t,
        Err(e) => return (text, Some(e.to_string())),
    };
    for p in pkgs {
        if let Err(e) = t.execute(&template_value(p), &mut text) {
            return (text, Some(e));
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
    }
    (text, None)
}

fn d_rel(dir: &str, cwd: &str) -> String {
    match dir.strip_prefix(cwd) {
        Some("") => ".".to_string(),
        Some(rest) if rest.starts_with('/') => format!(".{rest}"),
        _ => dir.to_string(),
    }
}

/// Runs package-mode `list` for the CLI.
pub fn run(args: PkgListArgs) -> Result<Outcome, CliError> {
    if std::env::var("GO111MODULE").as_deref() != Ok("off") {
        return Err(CliError::failed(
            "package listing is implemented for GOPATH mode only: set GO111MODULE=off \
             (module-mode package lookup needs the module graph; list -m lists modules)",
        ));
    }
    let mut cwd = std::env::current_dir()
        .map_err(|e| CliError::failed(format!("getting the working directory: {e}")))?;
    if let Some(d) = &args.dir {
        cwd = cwd.join(d);
    }
    let out = list_output(&args, &cwd);
    print!("{}", out.stdout);
    eprint!("{}", out.stderr);
    Ok(match out.exit {
        0 => Outcome::Ok,
        2 => return Err(CliError::usage("bad template")),
        _ => Outcome::Findings,
    })
}
