//! Loading the module graph as the go command (1.19) loads it: which go.mod files are read
//! (pruned vs unpruned by each go line, SPEC D), replacements and exclusions applied to each
//! summary (SPEC C), the root updates `-mod=mod` makes (SPEC D "Consistency"), and workspaces
//! (SPEC B).
//!
//! Input is data (the main modules' requirements, excludes and replaces, already parsed), output
//! is a [`ModuleGraph`] plus the final [`Requirements`]. Dependency go.mod bytes come from a
//! [`ModuleSource`] (module versions) or an [`Fs`] (directory replacements); they are parsed by a
//! function the caller passes in. Every go.mod read becomes a trace event timed on the caller's
//! clock. Nothing here writes files: where `go -mod=mod` would rewrite go.mod, the loader computes
//! the build list the go command ends up with and records a diagnostic describing the rewrite.

use super::intern::{at, Mv, Names, PathId, VerId};
use super::mvs::{self, BuildListError, Graph, ModuleError, Reqs};
use crate::clock::Clock;
use crate::error::{Code, Diagnostic};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::{
    clean_path, join_path, Fetched, FileKind, Fs, FsError, ModuleSource, SourceError,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt;
use std::sync::Arc;

/// How a go.mod's requirements are followed (SPEC D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pruning {
    /// go ≥ 1.17: only the module's own requirements are loaded.
    Pruned,
    /// go < 1.17 or no go line: the full transitive graph is loaded.
    Unpruned,
    /// A go.work workspace: the main modules are the roots.
    Workspace,
}

/// The pruning mode of a go.mod with this `go` line, as go1.19 decides it: pruned iff
/// `semver("v"+go) ≥ v1.17`.
pub fn pruning_for_go(go: Option<&str>) -> Pruning {
    match go {
        Some(v) if crate::version::semver::compare(&format!("v{v}"), "v1.17").is_ge() => {
            Pruning::Pruned
        }
        _ => Pruning::Unpruned,
    }
}

/// The `-mod` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildMod {
    /// `-mod=mod`: go.mod may be updated (modscope computes the result and reports the rewrite).
    Mod,
    /// `-mod=readonly`: an inconsistent go.mod is an error.
    Readonly,
    /// `-mod=vendor`: module lookups are disabled.
    Vendor,
}

/// Which command is being answered (some rules depend on it, as in the go command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmdKind {
    /// `go list -m`.
    List,
    /// `go mod graph`.
    ModGraph,
    /// `go mod why`.
    ModWhy,
}

/// A `require` line of a main module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    /// Module path.
    pub path: String,
    /// Version as written.
    pub version: String,
    /// Marked `// indirect`.
    pub indirect: bool,
}

/// A `replace` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    /// Left-hand path.
    pub old_path: String,
    /// Left-hand version; `None` for a wildcard.
    pub old_version: Option<String>,
    /// Right-hand module path or directory.
    pub new_path: String,
    /// Right-hand version; `None` for a directory.
    pub new_version: Option<String>,
}

/// A main module: its go.mod, already parsed, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MainModule {
    /// The module path.
    pub path: String,
    /// The module root directory (absolute, slash-separated).
    pub dir: String,
    /// The `go` line, if any.
    pub go: Option<String>,
    /// `require` lines in file order.
    pub requires: Vec<Require>,
    /// `exclude` lines.
    pub excludes: Vec<(String, String)>,
    /// `replace` lines.
    pub replaces: Vec<Replace>,
}

/// A go.work file, already parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkFile {
    /// The directory holding go.work.
    pub dir: String,
    /// The `go` line, if any.
    pub go: Option<String>,
    /// `replace` lines.
    pub replaces: Vec<Replace>,
}

/// What the graph needs from a dependency's go.mod.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepGoMod {
    /// The `module` line's path.
    pub module: Option<String>,
    /// The `go` line.
    pub go: Option<String>,
    /// `require` lines, in file order.
    pub require: Vec<(String, String)>,
}

/// Parses a dependency go.mod (lax mode): `(file name, bytes)` → summary, or the parser's error
/// text (`go.mod:7: syntax error …`).
pub type ParseFn = dyn Fn(&str, &[u8]) -> Result<DepGoMod, String> + Sync;

/// A go.mod parser that may borrow from its caller (what [`ModFileCache::parse`] is handed).
pub type ParseFnRef<'f> = dyn Fn(&str, &[u8]) -> Result<DepGoMod, String> + Sync + 'f;

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `-mod` setting.
    pub build_mod: BuildMod,
    /// The command being answered.
    pub command: CmdKind,
    /// `go mod graph -go=VERSION`.
    pub go_override: Option<String>,
    /// The working directory (for the go command's short paths in messages).
    pub cwd: String,
    /// The newest Go version the emulated go command knows (used where it adds a `go` line).
    pub latest_go: String,
    /// `-mod` was given explicitly (flag or GOFLAGS); changes the wording of some errors.
    pub build_mod_explicit: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            build_mod: BuildMod::Mod,
            command: CmdKind::List,
            go_override: None,
            cwd: String::new(),
            latest_go: "1.19".to_string(),
            build_mod_explicit: false,
        }
    }
}

/// Where the loader reads from.
pub struct Env<'a> {
    /// Module versions' files (a GOPROXY list, a module cache).
    pub modules: &'a dyn ModuleSource,
    /// The file system for directory replacements.
    pub fs: &'a dyn Fs,
    /// The lax go.mod parser.
    pub parse: &'a ParseFn,
    /// The clock for event timings.
    pub clock: &'a dyn Clock,
    /// The modfile cache (`--modfile-cache`), or `None` when it is off. When set, [`Loader`]
    /// asks it before reading a dependency go.mod ([`ModFileCache::lookup_module`] for module
    /// versions, [`ModFileCache::lookup_file`] for directory replacements) and, on a miss, hands
    /// it the bytes just read to verify (go.sum), parse and store ([`ModFileCache::parse`])
    /// instead of calling `parse` itself. Main modules in a workspace are never asked for.
    pub cache: Option<&'a dyn ModFileCache>,
}

/// Where a go.mod handed to [`ModFileCache::parse`] came from.
#[derive(Debug, Clone, Copy)]
pub enum GoModOrigin<'a> {
    /// The `.mod` file of an (immutable) module version.
    Module {
        /// Module path.
        path: &'a str,
        /// Version.
        version: &'a str,
        /// Where the bytes were read (file path or URL).
        location: &'a str,
    },
    /// A go.mod on disk that can change (a directory replacement), by its path in [`Env::fs`].
    File {
        /// The file's path.
        path: &'a str,
    },
}

/// The modfile cache as the loader sees it (implemented by `crate::cache::ModfileCache`).
/// Answers are summaries; a cache never changes an answer, only its cost. Decisions are pushed
/// to `trace` as cache events.
pub trait ModFileCache {
    /// The parsed go.mod of `path@version` if the cache has it (the file is then not read).
    fn lookup_module(&self, path: &str, version: &str, trace: &mut Trace) -> Option<Arc<DepGoMod>>;
    /// True when [`ModFileCache::lookup_module`] would likely answer `path@version` without
    /// reading the file (no events, no counting): the loader does not prefetch such files.
    fn has_module(&self, path: &str, version: &str) -> bool;
    /// True when the `.info` of `path@version` will be answered from the cache (the file is
    /// then not read). The default: never.
    fn info_cached(&self, path: &str, version: &str) -> bool {
        let _ = (path, version);
        false
    }
    /// True when go.sum (in a workspace: go.work.sum or a module's go.sum) records an `h1:`
    /// hash for `path version/go.mod` (the go command's `modfetch.HaveSum`). The default, for
    /// loaders with no go.sum to consult: true.
    fn has_go_mod_sum(&self, path: &str, version: &str) -> bool {
        let _ = (path, version);
        true
    }
    /// About how many module go.mod files a full graph load will read (go.sum's `/go.mod`
    /// lines), to size tables up front; 0 when unknown (the default).
    fn size_hint(&self) -> usize {
        0
    }
    /// The parsed go.mod at `file` if the cache has it and the file is unchanged on `fs`.
    fn lookup_file(&self, file: &str, fs: &dyn Fs, trace: &mut Trace) -> Option<Arc<DepGoMod>>;
    /// Verifies (go.sum), parses (with `parse`, as `name`) and stores bytes just read. An error
    /// is the whole message to report for this go.mod: `parsing NAME: …` for a parse error, or
    /// the go command's checksum-mismatch text (which the cache also records as fatal for the
    /// front end, as the go command stops on it).
    fn parse(
        &self,
        origin: GoModOrigin<'_>,
        name: &str,
        data: &[u8],
        parse: &ParseFnRef<'_>,
        fs: &dyn Fs,
        trace: &mut Trace,
    ) -> Result<Arc<DepGoMod>, String>;
}

/// Runs independent jobs, possibly at the same time: the native front end's threads. Without
/// one (the browser, tests) the loader reads and parses one go.mod at a time.
pub trait Parallel: Sync {
    /// Calls `job(i)` once for every `i` in `0..jobs`, in any order and on any thread, and
    /// returns when all have returned.
    fn run(&self, jobs: usize, job: &(dyn Fn(usize) + Sync));
}

/// A module file read ahead of its turn by a [`ReadAhead`] pool: the file (or why it could not
/// be had) and, when it was read, what the pool decoded from it.
#[derive(Debug)]
pub struct Ahead {
    /// The file, or why it could not be had.
    pub fetched: Result<Fetched, SourceError>,
    /// For a `.mod`: the lax parse of the bytes read (the loader's parser, as `go.mod`).
    pub parsed: Option<Result<DepGoMod, String>>,
    /// For an `.info`: its `Time` (see [`super::list::info_time`]).
    pub time: Option<Result<String, String>>,
}

/// Reads module files in the background while the loader goes on with the graph: the native
/// front end's worker pool. The loader starts each `.mod` as soon as the graph names its module
/// version (and the `.info` files of the listed versions in listing order), so a pool working
/// first-in first-out stays ahead of the loader; it takes each result at the moment it needs it.
/// Trace events are still recorded by the loader, in the order it visits the files.
///
/// An implementation reads through the same [`ModuleSource`] as the loader's [`Env::modules`]
/// and parses `.mod` files with [`Env::parse`], so that nothing but the cost changes.
pub trait ReadAhead: Sync {
    /// Queues reading the `kind` file ([`FileKind::Mod`] or [`FileKind::Info`]) of
    /// `path@version`, named `key`; returns at once.
    fn start(&self, key: Mv, kind: FileKind, path: &str, version: &str);
    /// The result of [`ReadAhead::start`] for `key` and `kind`, waiting while a worker reads it;
    /// `None` when it was never started or could not be finished (the loader then reads it).
    fn take(&self, key: Mv, kind: FileKind) -> Option<Ahead>;
}

/// A go.mod read (and parsed) ahead of its turn by a [`Parallel`] batch.
struct PreRead {
    fetched: Result<Fetched, SourceError>,
    parsed: Option<Result<DepGoMod, String>>,
}

/// A module version's `.info` read (and its `Time` decoded) ahead of its turn by a [`Parallel`]
/// batch.
pub struct PreInfo {
    /// Whether the modfile cache held it before the read (then no file was opened).
    pub cached: bool,
    /// The file, or why it could not be had.
    pub fetched: Result<Fetched, SourceError>,
    /// Its `Time` (empty when absent), or the decoding error, when it was read.
    pub time: Option<Result<String, String>>,
}

/// A fatal error: the go command prints `go: <this>` and exits 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// A go.mod in the graph could not be loaded.
    BuildList(BuildListError),
    /// Any other failure, worded as the go command words it.
    Other(String),
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::BuildList(e) => write!(f, "{e}"),
            GraphError::Other(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for GraphError {}

/// The right-hand side of a replacement, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Another module version.
    Module(Mv),
    /// A directory (the path as shown: relative to the main module, or to go.work in a workspace).
    Dir(PathId),
}

/// A loaded go.mod, as the graph uses it.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The `module` line's path.
    pub module: Option<PathId>,
    /// The `go` line.
    pub go: Option<Arc<str>>,
    /// Pruning mode from the go line.
    pub pruning: Pruning,
    /// Requirements (after main-module exclusions when returned for a node).
    pub require: Vec<Mv>,
}

/// A loaded graph: final requirements, the graph, and its first error (reported, not fatal).
pub type LoadedGraph = (Requirements, ModuleGraph, Option<GraphError>);

/// The main modules' final requirements (the go command's `Requirements`).
#[derive(Debug, Clone)]
pub struct Requirements {
    /// Graph pruning mode.
    pub pruning: Pruning,
    /// Root module versions, sorted by path then version.
    pub roots: Vec<Mv>,
    /// Paths required directly (not `// indirect`) by the main module.
    pub direct: FxHashSet<PathId>,
    max_root: FxHashMap<PathId, VerId>,
}

/// A loaded module graph.
#[derive(Debug, Clone)]
pub struct ModuleGraph {
    /// The requirement graph.
    pub graph: Graph,
    /// Per node whose go.mod failed to load: the failure.
    pub errors: FxHashMap<Mv, ModuleError>,
    /// The pruning mode it was loaded with.
    pub pruning: Pruning,
}

impl ModuleGraph {
    /// The first error the go command would report: the failing node nearest the roots.
    pub fn find_error(&self, names: &Names) -> Option<BuildListError> {
        if self.errors.is_empty() {
            return None;
        }
        let path = self.graph.find_path(|m| self.errors.contains_key(&m));
        let last = path.last()?;
        Some(BuildListError::new(names, &path, self.errors[last].clone()))
    }

    /// Every error, each with its shortest requirement chain, nearest first.
    pub fn all_errors(&self, names: &Names) -> Vec<BuildListError> {
        let mut out = Vec::new();
        let mut order: Vec<Mv> = Vec::new();
        self.graph.walk_breadth_first(|m| {
            if self.errors.contains_key(&m) {
                order.push(m);
            }
        });
        for m in order {
            let path = self.graph.find_path(|n| n == m);
            out.push(BuildListError::new(names, &path, self.errors[&m].clone()));
        }
        out
    }
}

struct MainInfo {
    id: Mv,
    dir: String,
    module: MainModule,
    replace: FxHashMap<(PathId, VerId), Target>,
}

/// The loader: holds the main modules, the caches of loaded go.mod files, the trace and the
/// diagnostics of one run.
pub struct Loader<'a> {
    env: Env<'a>,
    opts: Options,
    /// Interned paths and versions.
    pub names: Names,
    mains: Vec<MainInfo>,
    main_paths: FxHashSet<PathId>,
    work: Option<WorkFile>,
    work_replace: FxHashMap<(PathId, VerId), Target>,
    /// Every path some replace line (go.work's or a main module's) names on its left side:
    /// other paths need no lookup in the replacement maps.
    replaced_paths: FxHashSet<PathId>,
    excludes: FxHashSet<Mv>,
    /// Raw summaries by module version read (errors boxed: the table stays small, and a
    /// graph load looks into it at random for every node).
    raw: FxHashMap<Mv, Result<Arc<Summary>, Box<ModuleError>>>,
    mod_fetched: FxHashSet<Mv>,
    /// `go` lines of every go.mod read, by the module version actually read (the replacement).
    pub raw_go_version: FxHashMap<Mv, Arc<str>>,
    /// Every file read, in order.
    pub trace: Trace,
    /// Warnings and the rewrites `-mod=mod` would make.
    pub diagnostics: Vec<Diagnostic>,
    /// Go version of each main module as the go command reports it.
    pub main_go_version: FxHashMap<PathId, String>,
    replace_conflicts: FxHashSet<Mv>,
    /// The distinct `go` lines seen, shared by every summary that has one (a graph has thousands
    /// of go.mod files and a handful of go versions).
    go_lines: FxHashMap<Arc<str>, Pruning>,
    parallel: Option<&'a dyn Parallel>,
    preread: FxHashMap<Mv, PreRead>,
    preinfo: FxHashMap<Mv, PreInfo>,
    read_ahead: Option<&'a dyn ReadAhead>,
    /// `.mod` files started on `read_ahead` and not yet taken, by the module version read.
    ahead_mods: FxHashSet<Mv>,
    /// `.info` files started on `read_ahead` and not yet taken, with whether the modfile cache
    /// held each when it was started.
    ahead_infos: FxHashMap<Mv, bool>,
}

/// The diagnostic code of a main-module requirement on an excluded version; the go command prints
/// its message on stderr (`go: dropping requirement on excluded version P V`).
pub const EXCLUDED_REQUIREMENT: Code = Code("graph-excluded-requirement");

/// The diagnostic code of a go.mod rewrite `go -mod=mod` would make.
pub const GOMOD_REWRITE: Code = Code("graph-gomod-rewrite");

/// The diagnostic code of a module version that workspace modules replace differently (one at
/// all versions, one at that version) without go.work settling it.
pub const WORKSPACE_REPLACE_CONFLICT: Code = Code("graph-workspace-replace-conflict");

/// Marker version id for "wildcard" replacement keys.
const ANY: VerId = VerId::NONE;

fn is_abs(p: &str) -> bool {
    p.starts_with('/')
}

/// `path` relative to `base` when both are absolute and clean; `None` otherwise.
fn rel_path(base: &str, path: &str) -> Option<String> {
    if !is_abs(base) || !is_abs(path) {
        return None;
    }
    let b: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let p: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = std::iter::repeat_n("..", b.len() - common).collect();
    parts.extend(&p[common..]);
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// The go command's `base.ShortPath`: relative to the working directory when that is shorter.
pub fn short_path(cwd: &str, path: &str) -> String {
    match rel_path(cwd, path) {
        Some(rel) if rel.len() < path.len() => rel,
        _ => path.to_string(),
    }
}

/// A module version as the go command prints one in messages: `path@version`, or `path` alone
/// when there is no version.
fn version_string(path: &str, version: Option<&str>) -> String {
    match version {
        Some(v) if !v.is_empty() => format!("{path}@{v}"),
        _ => path.to_string(),
    }
}

/// The go command's workspace check of the main modules' `replace` lines (its `makeMainModules`):
/// two workspace modules that replace the same module version (or the same module at all
/// versions) with different targets are an error unless go.work replaces that module. Relative
/// directory targets are compared as absolute paths (each module's directory joined with it);
/// absolute ones as written.
fn check_workspace_replacements<'m>(
    w: &WorkFile,
    mains: impl Iterator<Item = &'m MainModule>,
) -> Result<(), GraphError> {
    let by_work: FxHashSet<&str> = w.replaces.iter().map(|r| r.old_path.as_str()).collect();
    let mut seen: FxHashMap<(&str, Option<&str>), String> = FxHashMap::default();
    for m in mains {
        let mut this_module: FxHashSet<(&str, Option<&str>)> = FxHashSet::default();
        for r in &m.replaces {
            if by_work.contains(r.old_path.as_str()) {
                continue;
            }
            let target = match &r.new_version {
                Some(v) => version_string(&r.new_path, Some(v)),
                None if is_abs(&r.new_path) => r.new_path.clone(),
                None => join_path(&m.dir, &r.new_path),
            };
            let key = (r.old_path.as_str(), r.old_version.as_deref());
            if let Some(prev) = seen.get(&key) {
                if !this_module.contains(&key) && *prev != target {
                    let old = version_string(&r.old_path, r.old_version.as_deref());
                    return Err(GraphError::Other(format!(
                        "conflicting replacements for {old}:\n\t{prev}\n\t{target}\nuse \"go work edit -replace {old}=[override]\" to resolve"
                    )));
                }
            }
            this_module.insert(key);
            seen.insert(key, target);
        }
    }
    Ok(())
}

impl<'a> Loader<'a> {
    /// A loader for a single main module or a workspace (`work` set; `mains` are its `use` modules).
    pub fn new(
        env: Env<'a>,
        opts: Options,
        mains: Vec<MainModule>,
        work: Option<WorkFile>,
    ) -> Result<Self, GraphError> {
        let mut names = Names::new(crate::version::semver::compare);
        let mut l = Loader {
            env,
            opts,
            names: Names::new(crate::version::semver::compare),
            mains: Vec::new(),
            main_paths: FxHashSet::default(),
            work,
            work_replace: FxHashMap::default(),
            replaced_paths: FxHashSet::default(),
            excludes: FxHashSet::default(),
            raw: FxHashMap::default(),
            mod_fetched: FxHashSet::default(),
            raw_go_version: FxHashMap::default(),
            trace: Trace::recording(),
            diagnostics: Vec::new(),
            main_go_version: FxHashMap::default(),
            replace_conflicts: FxHashSet::default(),
            go_lines: FxHashMap::default(),
            parallel: None,
            preread: FxHashMap::default(),
            preinfo: FxHashMap::default(),
            read_ahead: None,
            ahead_mods: FxHashSet::default(),
            ahead_infos: FxHashMap::default(),
        };
        for m in &mains {
            let p = names.path(&m.path);
            l.main_paths.insert(p);
        }
        if let Some(w) = &l.work {
            for r in &w.replaces {
                let key_path = names.path(&r.old_path);
                if r.old_version.is_none() && l.main_paths.contains(&key_path) {
                    return Err(GraphError::Other(format!(
                        "workspace module {} is replaced at all versions in the go.work file. To fix, remove the replacement from the go.work file or specify the version at which to replace the module.",
                        r.old_path
                    )));
                }
                let key = (
                    key_path,
                    r.old_version.as_deref().map_or(ANY, |v| names.version(v)),
                );
                let t = match &r.new_version {
                    Some(v) => Target::Module(names.mv(&r.new_path, v)),
                    None => Target::Dir(names.path(&r.new_path)),
                };
                l.work_replace.insert(key, t);
                l.replaced_paths.insert(key_path);
            }
        }
        for m in mains {
            let id = Mv::new(names.path(&m.path), VerId::MAIN);
            let mut replace = FxHashMap::default();
            for r in &m.replaces {
                let key = (
                    names.path(&r.old_path),
                    r.old_version.as_deref().map_or(ANY, |v| names.version(v)),
                );
                let t = match &r.new_version {
                    Some(v) => Target::Module(names.mv(&r.new_path, v)),
                    None => Target::Dir(names.path(&r.new_path)),
                };
                if let Some(prev) = replace.get(&key) {
                    if *prev != t {
                        let show = |t: &Target, n: &Names| match t {
                            Target::Module(mv) => {
                                format!("{}@{}", n.path_str(mv.path), n.ver_str(mv.ver))
                            }
                            Target::Dir(p) => n.path_str(*p).to_string(),
                        };
                        let old = version_string(&r.old_path, r.old_version.as_deref());
                        return Err(GraphError::Other(format!(
                            "conflicting replacements for {old}:\n\t{}\n\t{}",
                            show(prev, &names),
                            show(&t, &names)
                        )));
                    }
                }
                replace.insert(key, t);
                l.replaced_paths.insert(key.0);
            }
            for (p, v) in &m.excludes {
                let x = names.mv(p, v);
                l.excludes.insert(x);
            }
            let go = match &m.go {
                Some(g) => g.clone(),
                None => "1.16".to_string(),
            };
            l.main_go_version.insert(id.path, go);
            l.mains.push(MainInfo {
                id,
                dir: m.dir.clone(),
                module: m,
                replace,
            });
        }
        // Tables that grow with the graph are sized from go.sum's line count (a module version
        // per line, about two versions per path) instead of doubling thousands of entries.
        let hint = l.env.cache.map_or(0, |c| c.size_hint());
        names.reserve(hint / 2, hint / 2);
        l.raw.reserve(hint);
        l.mod_fetched.reserve(hint);
        l.raw_go_version.reserve(hint);
        l.ahead_mods.reserve(hint);
        l.names = names;
        if let Some(w) = &l.work {
            check_workspace_replacements(w, l.mains.iter().map(|m| &m.module))?;
        }
        Ok(l)
    }

    /// True in workspace mode.
    pub fn in_workspace(&self) -> bool {
        self.work.is_some()
    }

    /// The main modules' nodes.
    pub fn main_versions(&self) -> Vec<Mv> {
        self.mains.iter().map(|m| m.id).collect()
    }

    /// The main modules' parsed files.
    pub fn main_modules(&self) -> impl Iterator<Item = &MainModule> {
        self.mains.iter().map(|m| &m.module)
    }

    /// True when `path` is a main module's path.
    pub fn is_main_path(&self, path: PathId) -> bool {
        self.main_paths.contains(&path)
    }

    /// The run's options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The directory relative directory replacements resolve against.
    pub fn replace_relative_to(&self) -> &str {
        match &self.work {
            Some(w) => &w.dir,
            None => self.mains.first().map_or("", |m| m.dir.as_str()),
        }
    }

    /// The replacement of `m`, if any (SPEC B/C: go.work first, then each main module; a
    /// version-specific line beats a wildcard; a main module at `""` is never replaced).
    pub fn replacement(&mut self, m: Mv) -> Option<Target> {
        if !self.replaced_paths.contains(&m.path)
            || (m.ver == VerId::MAIN && self.main_paths.contains(&m.path))
        {
            return None;
        }
        let lookup = |map: &FxHashMap<(PathId, VerId), Target>| {
            map.get(&(m.path, m.ver))
                .or_else(|| map.get(&(m.path, ANY)))
                .copied()
        };
        if let Some(t) = lookup(&self.work_replace) {
            return Some(t);
        }
        let mut found: Option<(Target, usize, bool)> = None;
        let mut conflict = None;
        for (i, main) in self.mains.iter().enumerate() {
            let specific = main.replace.get(&(m.path, m.ver)).copied();
            let Some((t, exact)) = specific
                .map(|t| (t, true))
                .or_else(|| main.replace.get(&(m.path, ANY)).map(|&t| (t, false)))
            else {
                continue;
            };
            if let Some((prev, j, prev_exact)) = found {
                if prev_exact != exact && prev != t {
                    conflict = Some((j, i));
                    break;
                }
            }
            found = Some((t, i, exact));
        }
        if let Some((j, i)) = conflict {
            self.workspace_replace_conflict(m, j, i);
        }
        let (t, i, _) = found?;
        match (t, &self.work) {
            (Target::Dir(p), Some(w)) if !is_abs(self.names.path_str(p)) => {
                let abs = join_path(&self.mains[i].dir, self.names.path_str(p));
                let shown = rel_path(&w.dir, &abs).unwrap_or(abs);
                Some(Target::Dir(self.names.path(&shown)))
            }
            _ => Some(t),
        }
    }

    /// Records the go command's non-fatal error for `m` being replaced differently by workspace
    /// modules `first` and `second`, once per module version (the go command repeats it at
    /// every lookup and fails at the end of the command).
    fn workspace_replace_conflict(&mut self, m: Mv, first: usize, second: usize) {
        if !self.replace_conflicts.insert(m) {
            return;
        }
        let message = format!(
            "conflicting replacements found for {} in workspace modules defined by {} and {}",
            self.names.display(m),
            join_path(&self.mains[first].dir, "go.mod"),
            join_path(&self.mains[second].dir, "go.mod"),
        );
        self.diagnostics.push(Diagnostic::error(
            WORKSPACE_REPLACE_CONFLICT,
            "",
            None,
            message,
        ));
    }

    /// The go command's messages for errors found while loading that it reports without
    /// stopping (workspace replacement conflicts), one per line; the command then fails.
    pub fn deferred_errors(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            if d.code == WORKSPACE_REPLACE_CONFLICT {
                out.push_str(&d.message);
                out.push('\n');
            }
        }
        out
    }

    /// The module version actually read for `m`: its replacement or itself. A directory is
    /// returned as `Mv { path: <dir as shown>, ver: VerId::MAIN }`.
    pub fn resolve(&mut self, m: Mv) -> Mv {
        match self.replacement(m) {
            Some(Target::Module(r)) => r,
            Some(Target::Dir(p)) => Mv::new(p, VerId::MAIN),
            None => m,
        }
    }

    /// The absolute directory of a directory replacement as shown (`../local/x`).
    pub fn replacement_dir(&self, shown: &str) -> String {
        if is_abs(shown) {
            clean_path(shown)
        } else {
            join_path(self.replace_relative_to(), shown)
        }
    }

    /// The clock's current time (0 when the trace records nothing: no event needs it then).
    pub fn now(&self) -> u64 {
        if self.trace.enabled {
            self.env.clock.now_nanos()
        } else {
            0
        }
    }

    /// True when the trace records events (then build them; otherwise skip the work).
    pub fn tracing(&self) -> bool {
        self.trace.enabled
    }

    /// Lets the loader read and parse each breadth-first level's go.mod files as a batch on
    /// `p`. Trace events are still recorded in the order the graph visits the files.
    pub fn set_parallel(&mut self, p: &'a dyn Parallel) {
        self.parallel = Some(p);
    }

    /// Lets the loader hand go.mod and `.info` reads to `r` as soon as it knows it will need
    /// them (takes precedence over [`Loader::set_parallel`] for those reads).
    pub fn set_read_ahead(&mut self, r: &'a dyn ReadAhead) {
        self.read_ahead = Some(r);
    }

    /// The modfile cache in use, if any.
    pub fn modfile_cache(&self) -> Option<&'a dyn ModFileCache> {
        self.env.cache
    }

    /// The module source files are read from.
    pub fn modules(&self) -> &'a dyn ModuleSource {
        self.env.modules
    }

    /// Records a trace event that started at `start` and ends now.
    pub fn record(&mut self, kind: EventKind, subject: String, detail: String, start: u64) {
        self.event(kind, subject, detail, start);
    }

    /// [`Loader::record`] with the subject and detail built only when the trace records.
    pub fn record_with(
        &mut self,
        kind: EventKind,
        start: u64,
        text: impl FnOnce() -> (String, String),
    ) {
        self.event_with(kind, start, text);
    }

    /// True when the go.mod of module version `m` (not a directory) was read successfully.
    pub fn has_mod(&self, m: Mv) -> bool {
        self.mod_fetched.contains(&m)
    }

    fn event(&mut self, kind: EventKind, subject: String, detail: String, start: u64) {
        self.event_with(kind, start, || (subject, detail));
    }

    /// Records an event whose subject and detail are built only when the trace records.
    fn event_with(&mut self, kind: EventKind, start: u64, text: impl FnOnce() -> (String, String)) {
        if !self.trace.enabled {
            return;
        }
        let end = self.env.clock.now_nanos();
        let (subject, detail) = text();
        self.trace.push_with(|| {
            Event::new(kind, subject, detail).timed(start, end.saturating_sub(start))
        });
    }

    /// The go.mod summary of `actual`, ignoring replacements and exclusions (cached; the go
    /// command's `rawGoModSummary`).
    pub fn raw_summary(&mut self, actual: Mv) -> Result<Arc<Summary>, ModuleError> {
        if let Some(r) = self.raw.get(&actual) {
            return r.clone().map_err(|e| *e);
        }
        let r = self.read_raw(actual);
        self.raw.insert(actual, r.clone().map_err(Box::new));
        r
    }

    fn main_summary(&mut self, i: usize) -> Summary {
        let m = &self.mains[i].module;
        let go: Option<Arc<str>> = m.go.as_deref().map(Arc::from);
        let reqs: Vec<(String, String)> = m
            .requires
            .iter()
            .map(|r| (r.path.clone(), r.version.clone()))
            .collect();
        let module = Some(self.mains[i].id.path);
        let require = reqs
            .iter()
            .map(|(p, v)| self.names.mv(p, v))
            .collect::<Vec<_>>();
        Summary {
            module,
            pruning: pruning_for_go(go.as_deref()),
            go,
            require,
        }
    }

    fn read_raw(&mut self, actual: Mv) -> Result<Arc<Summary>, ModuleError> {
        // Shared strings: cloning them copies no bytes.
        let path = self.names.path_arc(actual.path).clone();
        let version = self.names.ver_arc(actual.ver).clone();
        let start = self.now();
        let (name, data) = if actual.ver == VerId::MAIN {
            if self.work.is_some() {
                if let Some(i) = self.mains.iter().position(|m| m.id == actual) {
                    let s = self.main_summary(i);
                    if let Some(g) = &s.go {
                        self.raw_go_version.insert(actual, g.clone());
                    }
                    return Ok(Arc::new(s));
                }
            }
            let dir = self.replacement_dir(&path);
            let file = join_path(&dir, "go.mod");
            if let Some(c) = self.env.cache {
                if let Some(hit) = c.lookup_file(&file, self.env.fs, &mut self.trace) {
                    return Ok(self.summarize(actual, &hit));
                }
            }
            match self.env.fs.read(&file) {
                Ok(d) => {
                    self.event(EventKind::Read, path.to_string(), file.clone(), start);
                    let name = short_path(&self.opts.cwd, &file);
                    if let Some(c) = self.env.cache {
                        let origin = GoModOrigin::File { path: &file };
                        let parsed = c
                            .parse(
                                origin,
                                &name,
                                &d,
                                self.env.parse,
                                self.env.fs,
                                &mut self.trace,
                            )
                            .map_err(|err| ModuleError::new(&*path, "", err))?;
                        return Ok(self.summarize(actual, &parsed));
                    }
                    (name, d)
                }
                Err(e) => {
                    let kind = if e.is_not_found() {
                        EventKind::NotFound
                    } else {
                        EventKind::Read
                    };
                    self.event(kind, path.to_string(), file.clone(), start);
                    let shown = short_path(&self.opts.cwd, &file);
                    let detail = match &e {
                        FsError::NotFound { .. } => {
                            format!("open {file}: no such file or directory")
                        }
                        other => other.to_string(),
                    };
                    return Err(ModuleError::new(
                        &*path,
                        "",
                        format!("reading {shown}: {detail}"),
                    ));
                }
            }
        } else {
            if let Some(c) = self.env.cache {
                if let Some(hit) = c.lookup_module(&path, &version, &mut self.trace) {
                    self.mod_fetched.insert(actual);
                    return Ok(self.summarize(actual, &hit));
                }
            }
            let ahead = match self.read_ahead {
                Some(r) if self.ahead_mods.remove(&actual) => r.take(actual, FileKind::Mod),
                _ => None,
            };
            let (fetched, pre_parsed) = match (ahead, self.preread.remove(&actual)) {
                (Some(a), _) => (a.fetched, a.parsed),
                (None, Some(pre)) => (pre.fetched, pre.parsed),
                (None, None) => (self.env.modules.fetch(&path, &version, FileKind::Mod), None),
            };
            match fetched {
                Ok(f) => {
                    self.mod_fetched.insert(actual);
                    self.event_with(EventKind::Read, start, || {
                        (at(&path, &version), f.location.clone())
                    });
                    // A parse done ahead is handed over as the parser's answer, so the cache
                    // still verifies (go.sum) and stores the bytes as it would.
                    let parse = self.env.parse;
                    let ahead = std::sync::Mutex::new(pre_parsed);
                    let handover = |name: &str, data: &[u8]| match ahead
                        .lock()
                        .ok()
                        .and_then(|mut a| a.take())
                    {
                        Some(r) => r,
                        None => parse(name, data),
                    };
                    if let Some(c) = self.env.cache {
                        let origin = GoModOrigin::Module {
                            path: &path,
                            version: &version,
                            location: &f.location,
                        };
                        let parsed = c
                            .parse(
                                origin,
                                "go.mod",
                                &f.data,
                                &handover,
                                self.env.fs,
                                &mut self.trace,
                            )
                            .map_err(|err| ModuleError::new(&*path, &*version, err))?;
                        return Ok(self.summarize(actual, &parsed));
                    }
                    let parsed = handover("go.mod", &f.data).map_err(|err| {
                        ModuleError::new(&*path, &*version, format!("parsing go.mod: {err}"))
                    })?;
                    return Ok(self.summarize(actual, &parsed));
                }
                Err(e) => {
                    let kind = if e.is_not_found() {
                        EventKind::NotFound
                    } else {
                        EventKind::Read
                    };
                    self.event_with(kind, start, || {
                        (at(&path, &version), e.message().to_string())
                    });
                    return Err(ModuleError::new(&*path, &*version, e.message()));
                }
            }
        };
        let parsed = (self.env.parse)(&name, &data)
            .map_err(|err| ModuleError::new(&*path, &*version, format!("parsing {name}: {err}")))?;
        Ok(self.summarize(actual, &parsed))
    }

    /// The graph's summary of a parsed dependency go.mod read for `actual`.
    fn summarize(&mut self, actual: Mv, parsed: &DepGoMod) -> Arc<Summary> {
        let module = parsed.module.as_deref().map(|p| self.names.path(p));
        // The go line and the pruning it decides, computed once per distinct line.
        let (go, pruning) = match parsed.go.as_deref() {
            Some(g) if !g.is_empty() => match self.go_lines.get_key_value(g) {
                Some((a, &p)) => (Some(a.clone()), p),
                None => {
                    let a: Arc<str> = Arc::from(g);
                    let p = pruning_for_go(Some(g));
                    self.go_lines.insert(a.clone(), p);
                    (Some(a), p)
                }
            },
            _ => (None, pruning_for_go(None)),
        };
        if let Some(g) = &go {
            self.raw_go_version.insert(actual, g.clone());
        }
        let mut require = Vec::with_capacity(parsed.require.len());
        for (p, v) in &parsed.require {
            require.push(self.names.mv(p, v));
        }
        Arc::new(Summary {
            module,
            pruning,
            go,
            require,
        })
    }

    /// The summary of node `m` as the graph uses it (the go command's `goModSummary`):
    /// replacement applied, module line checked, excluded requirements dropped.
    pub fn summary(&mut self, m: Mv) -> Result<Arc<Summary>, ModuleError> {
        let actual = self.resolve(m);
        let s = self.raw_summary(actual)?;
        if actual.ver != VerId::MAIN || self.main_paths.contains(&actual.path) {
            match s.module {
                None if actual.ver != VerId::MAIN => {
                    return Err(ModuleError::new(
                        self.names.path_str(actual.path),
                        self.names.ver_str(actual.ver),
                        "parsing go.mod: missing module line",
                    ))
                }
                Some(mp) if mp != m.path && mp != actual.path && actual.ver != VerId::MAIN => {
                    return Err(ModuleError::new(
                        self.names.path_str(actual.path),
                        self.names.ver_str(actual.ver),
                        format!(
                            "parsing go.mod:\n\tmodule declares its path as: {}\n\t        but was required as: {}",
                            self.names.path_str(mp),
                            self.names.path_str(m.path)
                        ),
                    ))
                }
                _ => {}
            }
        }
        if !self.excludes.is_empty() && s.require.iter().any(|r| self.excludes.contains(r)) {
            let mut t = (*s).clone();
            t.require.retain(|r| !self.excludes.contains(r));
            return Ok(Arc::new(t));
        }
        Ok(s)
    }

    /// Loads the graph from `roots` (the go command's `readModGraph`).
    pub fn read_mod_graph(&mut self, pruning: Pruning, roots: &[Mv]) -> ModuleGraph {
        let mains = self.main_versions();
        let mut g = Graph::new(&self.names, &mains);
        let hint = self.env.cache.map_or(0, |c| c.size_hint());
        g.reserve(hint, hint * 4);
        if pruning != Pruning::Workspace {
            if let Some(&main) = mains.first() {
                g.require(&self.names, main, roots);
            }
        }
        let mut mg = ModuleGraph {
            graph: g,
            errors: FxHashMap::default(),
            pruning,
        };
        let mut loaded: FxHashMap<Mv, Option<Arc<Summary>>> =
            FxHashMap::with_capacity_and_hasher(hint, Default::default());
        let mut unpruned_seen: FxHashSet<Mv> = FxHashSet::default();
        let mut queue: std::collections::VecDeque<(Mv, Pruning)> = Default::default();
        for &r in roots {
            self.enqueue(r, pruning, &mut unpruned_seen, &mut queue);
        }
        self.drain(&mut mg, &mut loaded, &mut unpruned_seen, &mut queue);

        if pruning == Pruning::Workspace {
            let mut has_deps: FxHashSet<PathId> = roots.iter().map(|m| m.path).collect();
            let mut seen: FxHashSet<Mv> = FxHashSet::default();
            loop {
                let mut need: Vec<Mv> = Vec::new();
                let mut paths: Vec<PathId> = has_deps.iter().copied().collect();
                paths.sort();
                for p in paths {
                    let m = Mv::new(p, mg.graph.selected(p));
                    if !seen.contains(&m) {
                        need.push(m);
                        continue;
                    }
                    if let Some(reqs) = mg.graph.required_by(m) {
                        for r in reqs {
                            let s = Mv::new(r.path, mg.graph.selected(r.path));
                            if self.names.cmp_ver(s.ver, r.ver).is_gt() && !seen.contains(&s) {
                                need.push(s);
                            }
                        }
                    }
                }
                need.sort();
                need.dedup();
                if need.is_empty() {
                    break;
                }
                for m in need {
                    self.enqueue(m, Pruning::Workspace, &mut unpruned_seen, &mut queue);
                    seen.insert(m);
                    has_deps.insert(m.path);
                }
                self.drain(&mut mg, &mut loaded, &mut unpruned_seen, &mut queue);
            }
        }
        mg
    }

    fn enqueue(
        &mut self,
        m: Mv,
        pruning: Pruning,
        unpruned_seen: &mut FxHashSet<Mv>,
        queue: &mut std::collections::VecDeque<(Mv, Pruning)>,
    ) {
        if m.ver == VerId::NONE {
            return;
        }
        if pruning == Pruning::Unpruned && !unpruned_seen.insert(m) {
            return;
        }
        queue.push_back((m, pruning));
        if self.read_ahead.is_some() {
            self.start_mod(m);
        }
    }

    /// Starts reading the go.mod of node `m` on the read-ahead pool, unless it is a directory,
    /// already read or started, or the modfile cache will answer it.
    fn start_mod(&mut self, m: Mv) {
        let Some(r) = self.read_ahead else {
            return;
        };
        let actual = self.resolve(m);
        if actual.ver == VerId::MAIN
            || self.raw.contains_key(&actual)
            || self.ahead_mods.contains(&actual)
        {
            return;
        }
        let (path, version) = (
            self.names.path_str(actual.path),
            self.names.ver_str(actual.ver),
        );
        if self.env.cache.is_some_and(|c| c.has_module(path, version)) {
            return;
        }
        r.start(actual, FileKind::Mod, path, version);
        self.ahead_mods.insert(actual);
    }

    fn drain(
        &mut self,
        mg: &mut ModuleGraph,
        loaded: &mut FxHashMap<Mv, Option<Arc<Summary>>>,
        unpruned_seen: &mut FxHashSet<Mv>,
        queue: &mut std::collections::VecDeque<(Mv, Pruning)>,
    ) {
        while !queue.is_empty() {
            // With a read-ahead pool every node's go.mod was started when it was queued.
            if self.read_ahead.is_none() {
                let batch: Vec<Mv> = queue
                    .iter()
                    .map(|(m, _)| *m)
                    .filter(|m| !loaded.contains_key(m))
                    .collect();
                self.prefetch_mods(&batch);
            }
            for _ in 0..queue.len() {
                let Some((m, pruning)) = queue.pop_front() else {
                    break;
                };
                self.visit(mg, loaded, unpruned_seen, queue, m, pruning);
            }
        }
    }

    /// Tells the module source which go.mod files the next steps will read (after replacement,
    /// skipping directories and files already read), so it can read them concurrently.
    pub fn prefetch_mods(&mut self, nodes: &[Mv]) {
        if self.read_ahead.is_some() {
            for &m in nodes {
                self.start_mod(m);
            }
            return;
        }
        if self.parallel.is_none() && !self.env.modules.prefetches() {
            // Nothing would read ahead: the files are read one by one when visited.
            return;
        }
        let mut items = Vec::new();
        let mut seen = FxHashSet::default();
        for &m in nodes {
            let actual = self.resolve(m);
            if actual.ver == VerId::MAIN || self.raw.contains_key(&actual) || !seen.insert(actual) {
                continue;
            }
            // What the modfile cache can answer is not read at all.
            if let Some(c) = self.env.cache {
                if c.has_module(
                    self.names.path_str(actual.path),
                    self.names.ver_str(actual.ver),
                ) {
                    continue;
                }
            }
            items.push((
                self.names.path_str(actual.path).to_string(),
                self.names.ver_str(actual.ver).to_string(),
            ));
        }
        if items.is_empty() {
            return;
        }
        let Some(par) = self.parallel else {
            self.env.modules.prefetch(FileKind::Mod, &items);
            return;
        };
        let modules = self.env.modules;
        let parse = self.env.parse;
        let slots: Vec<std::sync::OnceLock<PreRead>> =
            items.iter().map(|_| std::sync::OnceLock::new()).collect();
        par.run(items.len(), &|i| {
            let (p, v) = &items[i];
            let fetched = modules.fetch(p, v, FileKind::Mod);
            let parsed = fetched.as_ref().ok().map(|f| parse("go.mod", &f.data));
            let _ = slots[i].set(PreRead { fetched, parsed });
        });
        for ((p, v), slot) in items.iter().zip(slots) {
            if let Some(pre) = slot.into_inner() {
                let m = self.names.mv(p, v);
                self.preread.insert(m, pre);
            }
        }
    }

    /// Tells the module source which `.info` files will be read next; with a [`Parallel`]
    /// runner, reads them (and decodes their `Time`) now, for [`Loader::take_info`].
    pub fn prefetch_infos(&mut self, nodes: &[Mv]) {
        if self.read_ahead.is_none() && self.parallel.is_none() && !self.env.modules.prefetches() {
            return;
        }
        let nodes: Vec<Mv> = nodes
            .iter()
            .copied()
            .filter(|m| m.ver != VerId::MAIN && m.ver != VerId::NONE)
            .filter(|m| !self.preinfo.contains_key(m))
            .collect();
        if nodes.is_empty() {
            return;
        }
        if let Some(r) = self.read_ahead {
            for m in nodes {
                if self.ahead_infos.contains_key(&m) {
                    continue;
                }
                let (path, version) = (self.names.path_str(m.path), self.names.ver_str(m.ver));
                let cached = self.env.cache.is_some_and(|c| c.info_cached(path, version));
                r.start(m, FileKind::Info, path, version);
                self.ahead_infos.insert(m, cached);
            }
            return;
        }
        let Some(par) = self.parallel else {
            let items: Vec<(String, String)> = nodes
                .iter()
                .map(|m| {
                    (
                        self.names.path_str(m.path).to_string(),
                        self.names.ver_str(m.ver).to_string(),
                    )
                })
                .collect();
            self.env.modules.prefetch(FileKind::Info, &items);
            return;
        };
        let names = &self.names;
        let cached: Vec<bool> = nodes
            .iter()
            .map(|m| {
                self.env
                    .cache
                    .is_some_and(|c| c.info_cached(names.path_str(m.path), names.ver_str(m.ver)))
            })
            .collect();
        let modules = self.env.modules;
        let slots: Vec<std::sync::OnceLock<PreInfo>> =
            nodes.iter().map(|_| std::sync::OnceLock::new()).collect();
        par.run(nodes.len(), &|i| {
            let m = nodes[i];
            let fetched =
                modules.fetch(names.path_str(m.path), names.ver_str(m.ver), FileKind::Info);
            let time = fetched
                .as_ref()
                .ok()
                .map(|f| super::list::info_time(&f.data));
            let _ = slots[i].set(PreInfo {
                cached: cached[i],
                fetched,
                time,
            });
        });
        for (m, slot) in nodes.into_iter().zip(slots) {
            if let Some(pre) = slot.into_inner() {
                self.preinfo.insert(m, pre);
            }
        }
    }

    /// The `.info` of `m` read ahead by [`Loader::prefetch_infos`], if it was.
    pub fn take_info(&mut self, m: Mv) -> Option<PreInfo> {
        if let Some(pre) = self.preinfo.remove(&m) {
            return Some(pre);
        }
        let cached = self.ahead_infos.remove(&m)?;
        let a = self.read_ahead?.take(m, FileKind::Info)?;
        Some(PreInfo {
            cached,
            fetched: a.fetched,
            time: a.time,
        })
    }

    fn visit(
        &mut self,
        mg: &mut ModuleGraph,
        loaded: &mut FxHashMap<Mv, Option<Arc<Summary>>>,
        unpruned_seen: &mut FxHashSet<Mv>,
        queue: &mut std::collections::VecDeque<(Mv, Pruning)>,
        m: Mv,
        pruning: Pruning,
    ) {
        {
            let summary = match loaded.get(&m) {
                Some(s) => s.clone(),
                None => {
                    let s = match self.summary(m) {
                        Ok(s) => {
                            mg.graph.require(&self.names, m, &s.require);
                            Some(s)
                        }
                        Err(e) => {
                            mg.errors.insert(m, e);
                            None
                        }
                    };
                    loaded.insert(m, s.clone());
                    s
                }
            };
            let Some(summary) = summary else { return };
            if pruning != Pruning::Pruned || summary.pruning == Pruning::Unpruned {
                let next = if pruning == Pruning::Unpruned {
                    Pruning::Unpruned
                } else {
                    summary.pruning
                };
                for &r in &summary.require {
                    self.enqueue(r, next, unpruned_seen, queue);
                }
            }
        }
    }

    /// Requirements with `roots` (sorted here) under `pruning`, `direct` as given.
    pub fn new_requirements(
        &self,
        pruning: Pruning,
        mut roots: Vec<Mv>,
        direct: FxHashSet<PathId>,
    ) -> Requirements {
        let names = &self.names;
        roots.sort_by(|a, b| {
            names
                .path_str(a.path)
                .cmp(names.path_str(b.path))
                .then_with(|| names.cmp_ver(a.ver, b.ver))
        });
        let mut max_root: FxHashMap<PathId, VerId> = FxHashMap::default();
        for m in &roots {
            let e = max_root.entry(m.path).or_insert(m.ver);
            if names.cmp_ver(*e, m.ver).is_lt() {
                *e = m.ver;
            }
        }
        Requirements {
            pruning,
            roots,
            direct,
            max_root,
        }
    }

    fn root_selected(&self, rs: &Requirements, path: PathId) -> Option<VerId> {
        if self.main_paths.contains(&path) {
            return Some(VerId::MAIN);
        }
        rs.max_root.get(&path).copied()
    }

    fn note_rewrite(&mut self, message: String) {
        let file = self
            .mains
            .first()
            .map(|m| join_path(&m.dir, "go.mod"))
            .unwrap_or_default();
        self.diagnostics
            .push(Diagnostic::warning(GOMOD_REWRITE, file, None, message));
    }

    fn dirty_error(&self) -> GraphError {
        let mode = match self.opts.build_mod {
            BuildMod::Mod => "mod",
            BuildMod::Readonly => "readonly",
            BuildMod::Vendor => "vendor",
        };
        GraphError::Other(if self.opts.build_mod_explicit {
            format!(
                "updates to go.mod needed, disabled by -mod={mode}; to update it:\n\tgo mod tidy"
            )
        } else {
            "updates to go.mod needed; to update it:\n\tgo mod tidy".to_string()
        })
    }

    /// The main modules' requirements as the go command's `LoadModFile` computes them: roots
    /// from the require lines (excluded versions dropped), redundant roots removed, a missing go
    /// line added under `-mod=mod`.
    pub fn load_mod_file(&mut self) -> Result<Requirements, GraphError> {
        if self.work.is_some() {
            let roots = self.main_versions();
            return Ok(self.new_requirements(Pruning::Workspace, roots, FxHashSet::default()));
        }
        let Some(main) = self.mains.first() else {
            return Err(GraphError::Other(
                "go.mod file not found in current directory or any parent directory; see 'go help modules'".to_string(),
            ));
        };
        let pruning = pruning_for_go(Some(
            self.main_go_version
                .get(&main.id.path)
                .map_or("1.16", String::as_str),
        ));
        let reqs = main.module.requires.clone();
        let main_go_missing = main.module.go.is_none();
        let mut roots = Vec::new();
        let mut direct = FxHashSet::default();
        for r in &reqs {
            let m = self.names.mv(&r.path, &r.version);
            if self.excludes.contains(&m) {
                let verb = if self.opts.build_mod == BuildMod::Mod {
                    "dropping"
                } else {
                    "ignoring"
                };
                let file = join_path(&self.mains[0].dir, "go.mod");
                self.diagnostics.push(Diagnostic::warning(
                    EXCLUDED_REQUIREMENT,
                    file,
                    None,
                    format!(
                        "go: {verb} requirement on excluded version {} {}",
                        r.path, r.version
                    ),
                ));
                continue;
            }
            roots.push(m);
            if !r.indirect {
                direct.insert(m.path);
            }
        }
        let mut rs = self.new_requirements(pruning, roots, direct);
        let redundant = rs.roots.iter().enumerate().any(|(i, m)| {
            self.main_paths.contains(&m.path) || (i > 0 && rs.roots[i - 1].path == m.path)
        });
        if redundant {
            self.note_rewrite(
                "go.mod lists a main module or one module twice in require; go -mod=mod drops the redundant lines".to_string(),
            );
            let direct = rs.direct.clone();
            rs = self.update_roots(direct, rs, None)?;
        }
        if main_go_missing
            && self.opts.build_mod == BuildMod::Mod
            && self.opts.command == CmdKind::List
        {
            let latest = self.opts.latest_go.clone();
            self.note_rewrite(format!(
                "go.mod has no go directive; go -mod=mod adds \"go {latest}\" and switches to a pruned graph"
            ));
            let main_path = self.mains[0].id.path;
            self.main_go_version.insert(main_path, latest);
            if rs.pruning != Pruning::Pruned {
                let mg = self.read_mod_graph(rs.pruning, &rs.roots.clone());
                if let Some(e) = mg.find_error(&self.names) {
                    return Err(GraphError::BuildList(e));
                }
                let list = mg.graph.build_list(&self.names);
                let n = self.mains.len();
                rs = self.new_requirements(
                    Pruning::Pruned,
                    list.get(n..).unwrap_or(&[]).to_vec(),
                    rs.direct.clone(),
                );
            }
        }
        Ok(rs)
    }

    fn all_roots_selected(&self, rs: &Requirements, mg: &ModuleGraph) -> bool {
        let roots: Vec<Mv> = if self.work.is_some() {
            self.main_versions()
        } else {
            mg.graph
                .required_by(self.mains[0].id)
                .map(<[Mv]>::to_vec)
                .unwrap_or_default()
        };
        let _ = rs;
        roots.iter().all(|m| mg.graph.selected(m.path) == m.ver)
    }

    /// Recomputes roots consistent with the graph (the go command's `updateRoots` without
    /// packages).
    /// `current` is the graph already loaded from `rs`, if any.
    pub fn update_roots(
        &mut self,
        direct: FxHashSet<PathId>,
        rs: Requirements,
        current: Option<&ModuleGraph>,
    ) -> Result<Requirements, GraphError> {
        match rs.pruning {
            Pruning::Workspace => Ok(rs),
            Pruning::Pruned => self.update_pruned_roots(direct, rs, current),
            Pruning::Unpruned => self.update_unpruned_roots(direct, rs, current),
        }
    }

    fn update_pruned_roots(
        &mut self,
        direct: FxHashSet<PathId>,
        mut rs: Requirements,
        current: Option<&ModuleGraph>,
    ) -> Result<Requirements, GraphError> {
        let mut roots_upgraded = false;
        let mut roots = rs.roots.clone();
        let mut mg: Option<ModuleGraph>;
        let mut current = current;
        loop {
            if let Some(g) = current.take() {
                mg = Some(g.clone());
            } else if roots_upgraded {
                if self.opts.build_mod != BuildMod::Mod {
                    return Err(self.dirty_error());
                }
                rs = self.new_requirements(Pruning::Pruned, roots.clone(), direct.clone());
                let g = self.read_mod_graph(Pruning::Pruned, &rs.roots.clone());
                if let Some(e) = g.find_error(&self.names) {
                    return Err(GraphError::BuildList(e));
                }
                mg = Some(g);
            } else {
                mg = None;
            }
            roots.clear();
            roots_upgraded = false;
            let mut in_root: FxHashSet<PathId> = self.main_paths.clone();
            for m in rs.roots.clone() {
                if in_root.contains(&m.path) {
                    continue;
                }
                let v = match &mg {
                    None => self.root_selected(&rs, m.path).unwrap_or(VerId::NONE),
                    Some(g) => g.graph.selected(m.path),
                };
                roots.push(Mv::new(m.path, v));
                in_root.insert(m.path);
                if v != m.ver {
                    roots_upgraded = true;
                }
            }
            if !roots_upgraded {
                if self.opts.build_mod != BuildMod::Mod {
                    return Ok(rs);
                }
                break;
            }
        }
        Ok(self.new_requirements(Pruning::Pruned, roots, direct))
    }

    fn update_unpruned_roots(
        &mut self,
        direct: FxHashSet<PathId>,
        rs: Requirements,
        current: Option<&ModuleGraph>,
    ) -> Result<Requirements, GraphError> {
        let loaded;
        let mg = match current {
            Some(g) => g,
            None => {
                loaded = self.read_mod_graph(Pruning::Unpruned, &rs.roots.clone());
                &loaded
            }
        };
        if let Some(e) = mg.find_error(&self.names) {
            return Err(GraphError::BuildList(e));
        }
        if self.opts.build_mod != BuildMod::Mod {
            let consistent = rs.roots.iter().all(|m| m.ver == mg.graph.selected(m.path))
                && direct.iter().all(|p| self.root_selected(&rs, *p).is_some());
            if !consistent {
                return Err(self.dirty_error());
            }
            return Ok(rs);
        }
        let mut root_paths: Vec<PathId> = Vec::new();
        let mut in_root: FxHashSet<PathId> = FxHashSet::default();
        for r in &rs.roots {
            if !in_root.contains(&r.path) && mg.graph.selected(r.path) == r.ver {
                root_paths.push(r.path);
                in_root.insert(r.path);
            }
        }
        let list = mg.graph.build_list(&self.names);
        let keep: Vec<Mv> = list.get(self.mains.len()..).unwrap_or(&[]).to_vec();
        for m in &keep {
            if direct.contains(&m.path) && in_root.insert(m.path) {
                root_paths.push(m.path);
            }
        }
        let main = self.mains[0].id;
        let mut reqs = KeepReqs {
            loader: self,
            main,
            keep: keep.clone(),
        };
        let mut names = std::mem::replace(&mut reqs.loader.names, Names::new(|a, b| a.cmp(b)));
        let min = mvs::req(&mut names, main, &root_paths, &mut reqs);
        self.names = names;
        let min = min.map_err(GraphError::BuildList)?;
        Ok(self.new_requirements(Pruning::Unpruned, min, direct))
    }

    /// Loads the full graph, updating inconsistent roots (the go command's `expandGraph`).
    /// Returns the final requirements, the graph, and the graph's first error if any (the go
    /// command reports it, but `list -e` still lists the graph).
    pub fn expand_graph(
        &mut self,
        rs: Requirements,
    ) -> Result<(Requirements, ModuleGraph, Option<GraphError>), GraphError> {
        let mg = self.read_mod_graph(rs.pruning, &rs.roots.clone());
        if let Some(e) = mg.find_error(&self.names) {
            return Ok((rs, mg, Some(GraphError::BuildList(e))));
        }
        if !self.all_roots_selected(&rs, &mg) {
            let direct = rs.direct.clone();
            match self.update_roots(direct, rs.clone(), Some(&mg)) {
                Err(e) => return Ok((rs, mg, Some(e))),
                Ok(new_rs) => {
                    self.note_rewrite(
                        "go.mod requirements are not the selected versions; go -mod=mod raises them"
                            .to_string(),
                    );
                    let mg = self.read_mod_graph(new_rs.pruning, &new_rs.roots.clone());
                    let err = mg.find_error(&self.names).map(GraphError::BuildList);
                    return Ok((new_rs, mg, err));
                }
            }
        }
        Ok((rs, mg, None))
    }

    /// Makes the modules that provide loaded packages roots of a pruned graph (the go command's
    /// `updateRoots` with packages) and reloads the graph; `None` when they all are roots already
    /// or the graph is not pruned. Outside `-mod=mod` the change is the "updates needed" error.
    pub fn add_package_roots(
        &mut self,
        rs: &Requirements,
        providers: &[Mv],
    ) -> Option<Result<LoadedGraph, GraphError>> {
        if rs.pruning != Pruning::Pruned {
            return None;
        }
        let mut roots = rs.roots.clone();
        let mut added = false;
        for &m in providers {
            if self.main_paths.contains(&m.path) {
                continue;
            }
            match roots.iter_mut().find(|r| r.path == m.path) {
                Some(r) if r.ver == m.ver => {}
                Some(r) => {
                    r.ver = m.ver;
                    added = true;
                }
                None => {
                    roots.push(m);
                    added = true;
                }
            }
        }
        if !added {
            return None;
        }
        if self.opts.build_mod != BuildMod::Mod {
            return Some(Err(self.dirty_error()));
        }
        let rs2 = self.new_requirements(Pruning::Pruned, roots, rs.direct.clone());
        Some(self.expand_graph(rs2))
    }

    /// The graph `go mod graph` / `go list -m all` print (the go command's `LoadModGraph`).
    /// Errors in the graph are returned with the graph so that `-e` can still list it.
    pub fn load_mod_graph(
        &mut self,
    ) -> Result<(Requirements, ModuleGraph, Option<GraphError>), GraphError> {
        let rs = self.load_mod_file()?;
        if let Some(go) = self.opts.go_override.clone() {
            let pruning = pruning_for_go(Some(&go));
            let rs = if pruning == Pruning::Unpruned && rs.pruning != Pruning::Unpruned {
                self.new_requirements(Pruning::Unpruned, rs.roots.clone(), rs.direct.clone())
            } else {
                rs
            };
            let mg = self.read_mod_graph(rs.pruning, &rs.roots.clone());
            let err = mg.find_error(&self.names).map(GraphError::BuildList);
            return Ok((rs, mg, err));
        }
        self.expand_graph(rs)
    }
}

struct KeepReqs<'l, 'a> {
    loader: &'l mut Loader<'a>,
    main: Mv,
    keep: Vec<Mv>,
}

impl Reqs for KeepReqs<'_, '_> {
    fn required(&mut self, names: &mut Names, m: Mv) -> Result<Vec<Mv>, ModuleError> {
        if m == self.main {
            return Ok(self.keep.clone());
        }
        // The loader's table is on loan to `names` for the duration of mvs::req.
        std::mem::swap(&mut self.loader.names, names);
        let r = self.loader.summary(m).map(|s| s.require.clone());
        std::mem::swap(&mut self.loader.names, names);
        r
    }
}

/// Converts a source failure into the go command's module error wording.
pub fn source_error(path: &str, version: &str, e: &SourceError) -> ModuleError {
    ModuleError::new(path, version, e.message())
}
