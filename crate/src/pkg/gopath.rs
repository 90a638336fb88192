//! GOPATH mode (`GO111MODULE=off`): where an import path lives.
//!
//! The search order is the go command's (Go 1.19 `cmd/go/internal/load` `resolveImportPath` and
//! `go/build` `Context.Import`), for `import "p"` from a package in directory `D`:
//!
//! 1. **vendor directories**, from `D` up to the `src` directory of the tree that holds it: at each
//!    level with a `vendor` directory, `vendor/p` is used if it is a directory holding a `.go` file;
//!    innermost wins, and the import path becomes `<level>/vendor/p`;
//! 2. otherwise **minimal module compatibility**: in code with a `go.mod` at or above `D`, an import
//!    `m/vN/x` that does not exist as written is read as `m/x` when `m/go.mod` says `module m/vN`;
//! 3. `$GOROOT/src/p` (after GOPATH instead when `p` starts with `vendor/` and `D` is outside
//!    GOROOT), then `$GOPATH[i]/src/p` for each GOPATH entry in order;
//! 4. on failure, `cannot find package "p" in any of:` with every directory tried.
//!
//! Command-line import paths have no importer, so they never go through `vendor/`.
//!
//! Every directory question goes through [`Resolver::probe`]: either straight to the file system
//! (the linear scan, the baseline) or to the gopkg index ([`crate::pkg::index`]), which answers the
//! same question from a hash map after validating its entry. Each step is recorded as a
//! [`Event`]: `LookupCandidate` for a place considered, `LookupProbe` for a directory looked at
//! (result `found`, `absent` or `not a package`), `IndexHit`/`IndexMiss`/`IndexRebuild` for the
//! index's decisions.

use crate::clock::Clock;
use crate::pkg::constraint::BuildContext;
use crate::pkg::index::{FxMap, GopkgIndex};
use crate::pkg::load::{load_dir, DirPackage, PkgError};
use crate::pkg::stdlib::{is_standard_import_path, StdLib};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::Fs;
use std::rc::Rc;

/// Where the GOROOT's packages come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GorootMode {
    /// Probe `$GOROOT/src` on the file system.
    Fs,
    /// No GOROOT tree: answer from the embedded standard-library list (the browser).
    Embedded,
}

/// GOPATH-mode configuration: the trees and the build context.
#[derive(Debug, Clone)]
pub struct GopathConfig {
    /// `$GOROOT` (the directory holding `src/`); empty when unset.
    pub goroot: String,
    /// How GOROOT is read.
    pub goroot_mode: GorootMode,
    /// `$GOPATH` entries in order (each holds `src/`).
    pub gopath: Vec<String>,
    /// GOOS/GOARCH/tags/cgo.
    pub ctx: BuildContext,
}

impl GopathConfig {
    /// The roots in search order: GOROOT (if set) first, then each GOPATH entry.
    pub fn roots(&self) -> Vec<Root> {
        let mut out = Vec::new();
        if !self.goroot.is_empty() {
            out.push(Root {
                dir: self.goroot.clone(),
                kind: RootKind::Goroot,
            });
        }
        for (i, g) in self.gopath.iter().enumerate() {
            out.push(Root {
                dir: g.clone(),
                kind: RootKind::Gopath(i),
            });
        }
        out
    }
}

/// Which tree a root is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RootKind {
    /// `$GOROOT`.
    Goroot,
    /// `$GOPATH` entry number n (0-based).
    Gopath(usize),
}

/// A tree root (`$GOROOT` or a `$GOPATH` entry); packages live under `<dir>/src`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The root directory.
    pub dir: String,
    /// GOROOT or GOPATH.
    pub kind: RootKind,
}

impl Root {
    /// `<dir>/src`.
    pub fn src(&self) -> String {
        join(&self.dir, "src")
    }
}

/// The package that contains an import, as far as lookup needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Importer {
    /// Its (resolved) import path.
    pub import_path: String,
    /// Its directory.
    pub dir: String,
    /// Index into [`GopathConfig::roots`] of the tree holding it, if any.
    pub root: Option<usize>,
}

/// What a directory probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// The path is a directory.
    pub is_dir: bool,
    /// It holds at least one non-directory entry whose name ends in `.go`.
    pub has_go_files: bool,
    /// It holds a non-directory entry named `go.mod`.
    pub has_go_mod: bool,
}

impl Probe {
    /// Nothing there.
    pub const ABSENT: Probe = Probe {
        is_dir: false,
        has_go_files: false,
        has_go_mod: false,
    };
}

/// Go's `%q` of a path in an error.
fn q(s: &str) -> String {
    crate::version::quote::quote_str(s)
}

/// Why an import path could not be resolved (the go command's wording).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Nothing found anywhere; `tried` is the indented list of places.
    #[error("cannot find package {} in any of:\n{}", q(.path), .tried.join("\n"))]
    NotFound {
        /// The import path.
        path: String,
        /// One line per directory tried, each `\t<dir> (<why>)`.
        tried: Vec<String>,
    },
    /// A relative import whose directory does not exist.
    #[error("cannot find package {} in:\n\t{dir}", q(.path))]
    LocalNotFound {
        /// The import path go/build derives from the directory: its path below the tree's `src`
        /// when a tree holds it (and no earlier tree has that path), else `.`.
        path: String,
        /// The directory.
        dir: String,
    },
    /// `mod/…` paths are reserved.
    #[error("disallowed import path {}", q(.0))]
    Disallowed(String),
    /// `path@version` outside module mode.
    #[error(
        "can only use path@version syntax with 'go get' and 'go install' in module-aware mode"
    )]
    VersionSyntax,
    /// Empty import path.
    #[error("import {}: invalid import path", q(.0))]
    Invalid(String),
    /// An absolute directory used as an import path.
    #[error("import {}: cannot import absolute path", q(.0))]
    Absolute(String),
}

impl LookupError {
    /// The stable diagnostic code.
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code(match self {
            LookupError::NotFound { .. } | LookupError::LocalNotFound { .. } => "pkg-not-found",
            LookupError::Disallowed(_) => "pkg-disallowed",
            LookupError::VersionSyntax => "pkg-version-syntax",
            LookupError::Invalid(_) | LookupError::Absolute(_) => "pkg-invalid-path",
        })
    }
}

/// Where an import path resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The resolved import path (`<prefix>/vendor/p` for vendored imports, `m/x` for a
    /// minimal-module-compatibility rewrite of `m/vN/x`).
    pub import_path: String,
    /// The package directory.
    pub dir: String,
    /// Index into [`GopathConfig::roots`].
    pub root: usize,
    /// Whether the directory is in GOROOT.
    pub goroot: bool,
}

/// The answer to one lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The import path as written.
    pub source_path: String,
    /// The import path after vendor / module-compatibility resolution (equal to `source_path`
    /// when neither applied).
    pub import_path: String,
    /// The directory, or the error.
    pub result: Result<Found, LookupError>,
}

/// Resolves import paths in GOPATH mode over a file system, optionally through the gopkg index.
pub struct Resolver<'a> {
    fs: &'a dyn Fs,
    cfg: &'a GopathConfig,
    roots: Vec<Root>,
    srcs: Vec<String>,
    index: Option<&'a mut GopkgIndex>,
    /// The trace steps are recorded into.
    pub trace: Trace,
    clock: &'a dyn Clock,
    /// With the index: existing `vendor` directories above each importer (innermost first).
    vendor_chains: FxMap<String, Rc<[String]>>,
    /// With the index: module path declared by the go.mod in each directory asked about.
    go_mods: FxMap<String, String>,
    /// With the index: memoised answers (see [`Resolver::resolve_ref`]).
    memo: AnswerMemo,
    /// With the index: per root, facts about directory levels above importers.
    levels: Vec<LevelMemo>,
    /// The answer [`Resolver::resolve_ref`] returns when it memoises nothing.
    last: Option<Resolution>,
}

/// The memos a [`Resolver`] with the gopkg index fills, taken out of one resolver
/// ([`Resolver::take_memos`]) to hand to the next over the same index
/// ([`Resolver::with_index_and_memos`]).
///
/// They are functions of the index's records (stamped with [`GopkgIndex::generation`]) and the
/// resolver's configuration only: they carry both stamps and are used only under the same
/// generation and an equal configuration; a holder must still drop them whenever the trees may
/// have changed without the index knowing (see `native::watch`).
#[derive(Debug, Default)]
pub struct ResolverMemos {
    config: Option<GopathConfig>,
    vendor_chains: FxMap<String, Rc<[String]>>,
    go_mods: FxMap<String, String>,
    memo: AnswerMemo,
    levels: Vec<LevelMemo>,
}

impl ResolverMemos {
    /// Number of memoised final answers.
    pub fn answers(&self) -> usize {
        self.memo.answers.len()
    }

    /// Whether nothing is memoised.
    pub fn is_empty(&self) -> bool {
        self.memo.answers.is_empty()
            && self.memo.by_dir.is_empty()
            && self.vendor_chains.is_empty()
            && self.go_mods.is_empty()
            && self
                .levels
                .iter()
                .all(|l| l.chains.is_empty() && l.go_mod.is_empty())
    }
}

/// Everything about an importer that a lookup's answer depends on, besides the import path and
/// the trees: importers with equal contexts get equal answers for the same path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ImporterCtx {
    /// There is an importer (command-line paths have none).
    has_importer: bool,
    /// The tree holding it, as the caller gave it.
    root: Option<usize>,
    /// The existing `vendor` directories above it, innermost first (rel paths in `root`).
    vendor_chain: Rc<[String]>,
    /// The `vendor` directories listed in a not-found error (full paths).
    tried_vendor: Vec<String>,
    /// A go.mod naming a module sits at or above it (minimal module compatibility applies).
    go_mod_above: bool,
    /// It is inside GOROOT (decides where `vendor/…` paths are searched first).
    in_goroot: bool,
}

/// Per tree, facts about one directory level memoised for a session with the index.
#[derive(Debug, Default)]
struct LevelMemo {
    /// Level → the existing `vendor` directories from there up, innermost first.
    chains: FxMap<Box<str>, Rc<[String]>>,
    /// Level → a go.mod naming a module sits there or above.
    go_mod: FxMap<Box<str>, bool>,
}

/// Final answers memoised for a session with the gopkg index: importer directory → context id,
/// and per context, import path → answer. Cleared whenever the index re-walks a subtree.
#[derive(Debug, Default)]
struct AnswerMemo {
    /// The index generation ([`GopkgIndex::generation`]) the memo was filled under.
    generation: u64,
    /// Importer directory → (the root the caller gave, context id).
    by_dir: FxMap<Box<str>, (Option<usize>, u32)>,
    /// Context → id.
    ctx_ids: FxMap<ImporterCtx, u32>,
    /// Per context id: import path → answer id.
    per_ctx: Vec<FxMap<Box<str>, u32>>,
    /// The answers.
    answers: Vec<Resolution>,
}

impl AnswerMemo {
    fn clear(&mut self, generation: u64) {
        self.generation = generation;
        self.by_dir.clear();
        self.ctx_ids.clear();
        self.per_ctx.clear();
        self.answers.clear();
    }
}

fn join(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else if a.is_empty() {
        b.to_string()
    } else if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// `rel` relative to `base` when `path` is `base` or below it (`""` for `base` itself).
pub fn has_subdir<'p>(base: &str, path: &'p str) -> Option<&'p str> {
    let base = base.trim_end_matches('/');
    let rest = path.strip_prefix(base)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('/')
}

/// Whether `path` is a relative import (`.`, `..`, `./x`, `../x`), as go/build's `IsLocalImport`.
pub fn is_local_import(path: &str) -> bool {
    path == "." || path == ".." || path.starts_with("./") || path.starts_with("../")
}

/// The pseudo import path the go command gives a package reached by a directory rather than an
/// import path: `_` joined with the (absolute, clean) directory, each character an import path
/// cannot hold (controls, spaces, ``!"#$%&'()*,:;<=>?[\]^{|}` `` and U+FFFD) replaced by `_`.
pub fn local_import_path(dir: &str) -> String {
    const ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{FFFD}";
    let mut out = String::with_capacity(dir.len() + 2);
    out.push('_');
    if !dir.starts_with('/') {
        out.push('/');
    }
    for c in dir.chars() {
        let bad = c.is_control() || c.is_whitespace() || ILLEGAL.contains(c);
        out.push(if bad { '_' } else { c });
    }
    out
}

/// The position of the last `/vN` element (N ≥ 2, no leading zero) of `path`: `(i, j)` with
/// `path[i..j] == "/vN"`.
pub fn find_version_element(path: &str) -> Option<(usize, usize)> {
    let b = path.as_bytes();
    let mut j = path.len();
    for i in (0..path.len()).rev() {
        if b[i] == b'/' {
            if is_version_element(&path[i + 1..j]) {
                return Some((i, j));
            }
            j = i;
        }
    }
    None
}

fn is_version_element(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'v' || b[1] == b'0' || (b[1] == b'1' && b.len() == 2) {
        return false;
    }
    b[1..].iter().all(u8::is_ascii_digit)
}

/// The module path a `go.mod` declares, read the way GOPATH mode's compatibility rule reads it: the
/// first line starting with `module `, optionally quoted. Empty when there is none.
pub fn go_mod_module_path(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    for line in text.split('\n') {
        if let Some(rest) = line.strip_prefix("module ") {
            let rest = rest.trim_end_matches('\r').trim();
            if let Some(q) = rest.strip_prefix('"') {
                return q.strip_suffix('"').unwrap_or("").to_string();
            }
            return rest.to_string();
        }
    }
    String::new()
}

impl<'a> Resolver<'a> {
    /// A resolver doing the linear scan (every probe asks the file system).
    pub fn new(fs: &'a dyn Fs, cfg: &'a GopathConfig, trace: Trace, clock: &'a dyn Clock) -> Self {
        let roots = cfg.roots();
        let srcs = roots.iter().map(Root::src).collect();
        Resolver {
            fs,
            cfg,
            roots,
            srcs,
            index: None,
            trace,
            clock,
            vendor_chains: FxMap::default(),
            go_mods: FxMap::default(),
            memo: AnswerMemo::default(),
            levels: Vec::new(),
            last: None,
        }
    }

    /// Routes every probe through the gopkg index.
    pub fn with_index(mut self, index: &'a mut GopkgIndex) -> Self {
        // Size the session's memos for a run over the whole trees once, instead of growing them
        // by doubling (rehashing, and fresh pages the kernel must zero) in the first pass.
        let mut dirs = vec![0usize; self.roots.len()];
        let mut packages = 0;
        for r in index.records() {
            if let Some(d) = dirs.get_mut(r.root as usize) {
                *d += 1;
            }
            packages += usize::from(r.has_go);
        }
        self.index = Some(index);
        self.memo.by_dir.reserve(packages);
        self.vendor_chains.reserve(packages);
        self.levels = dirs
            .into_iter()
            .map(|n| {
                let mut l = LevelMemo::default();
                l.chains.reserve(n);
                l
            })
            .collect();
        self
    }

    /// Routes every probe through the gopkg index, starting from `memos` taken from an earlier
    /// resolver over the same index and configuration (see [`ResolverMemos`]). Memos filled
    /// under another index generation or another configuration are not used.
    pub fn with_index_and_memos(self, index: &'a mut GopkgIndex, memos: ResolverMemos) -> Self {
        let same_config = memos.config.as_ref().is_some_and(|c| {
            c.goroot == self.cfg.goroot
                && c.goroot_mode == self.cfg.goroot_mode
                && c.gopath == self.cfg.gopath
                && c.ctx == self.cfg.ctx
        });
        if !same_config || memos.is_empty() || memos.memo.generation != index.generation() {
            return self.with_index(index);
        }
        let mut r = self;
        r.index = Some(index);
        r.vendor_chains = memos.vendor_chains;
        r.go_mods = memos.go_mods;
        r.memo = memos.memo;
        r.levels = memos.levels;
        r
    }

    /// Ends the resolver and returns its memos; empty when they were filled under an index
    /// generation other than the current one (a subtree was re-walked after they were filled).
    pub fn take_memos(self) -> ResolverMemos {
        if self.index.is_none() || self.memo.generation != self.index_generation() {
            return ResolverMemos::default();
        }
        ResolverMemos {
            config: Some(self.cfg.clone()),
            vendor_chains: self.vendor_chains,
            go_mods: self.go_mods,
            memo: self.memo,
            levels: self.levels,
        }
    }

    /// The roots in search order.
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// The file system.
    pub fn fs(&self) -> &'a dyn Fs {
        self.fs
    }

    /// The configuration.
    pub fn config(&self) -> &'a GopathConfig {
        self.cfg
    }

    fn embedded_goroot(&self, root: usize) -> bool {
        self.roots[root].kind == RootKind::Goroot && self.cfg.goroot_mode == GorootMode::Embedded
    }

    /// Asks whether `<root>/src/<rel>` is a directory and whether it holds `.go` files.
    pub fn probe(&mut self, root: usize, rel: &str) -> Probe {
        if self.embedded_goroot(root) {
            let lib = StdLib::embedded();
            return Probe {
                is_dir: rel.is_empty() || lib.is_dir(rel),
                has_go_files: lib.is_package(rel),
                has_go_mod: false,
            };
        }
        if let Some(index) = self.index.as_deref_mut() {
            return index.probe(self.fs, root, rel, &mut self.trace, self.clock);
        }
        crate::pkg::index::fs_probe(self.fs, &join(&self.srcs[root], rel))
    }

    fn is_dir(&mut self, root: usize, rel: &str) -> bool {
        if self.embedded_goroot(root) || self.index.is_some() {
            return self.probe(root, rel).is_dir;
        }
        self.fs.is_dir(&join(&self.srcs[root], rel))
    }

    fn dir_of(&self, root: usize, rel: &str) -> String {
        join(&self.srcs[root], rel)
    }

    /// The root holding `dir` and the path below its `src`, GOROOT first.
    pub fn locate_dir<'d>(&self, dir: &'d str) -> Option<(usize, &'d str)> {
        self.srcs
            .iter()
            .enumerate()
            .find_map(|(i, s)| has_subdir(s, dir).map(|rel| (i, rel)))
    }

    /// The import path of a directory (`go list .`): the path below the first root's `src` that
    /// holds it (GOROOT first), or `_/abs/dir` when it is in no tree, below a `testdata`
    /// directory, or shadowed by the same path in an earlier root (go/build's `ConflictDir`).
    pub fn dir_to_import_path(&mut self, dir: &str) -> (String, Option<usize>) {
        let outside = || local_import_path(dir);
        let Some((root, rel)) = self.locate_dir(dir) else {
            return (outside(), None);
        };
        let rel = rel.to_string();
        let in_testdata = rel.split('/').any(|e| e == "testdata");
        if rel.is_empty() || in_testdata {
            return (outside(), None);
        }
        if self.roots[root].kind != RootKind::Goroot {
            for earlier in 0..root {
                if self.is_dir(earlier, &rel) {
                    return (outside(), None);
                }
            }
        }
        (rel, Some(root))
    }

    fn event(&mut self, kind: EventKind, subject: &str, detail: &str, result: &str, t0: u64) {
        if self.trace.enabled {
            let now = self.clock.now_nanos();
            let ev = Event::new(kind, subject, detail)
                .with_result(result)
                .timed(t0, now.saturating_sub(t0));
            self.trace.events.push(ev);
        }
    }

    /// Resolves `path` as imported by `importer` (`None` for a command-line argument).
    pub fn resolve(&mut self, path: &str, importer: Option<&Importer>) -> Resolution {
        if self.index.is_none() || self.trace.enabled {
            return self.resolve_uncached(path, importer);
        }
        self.resolve_ref(path, importer).clone()
    }

    /// Resolves like [`Resolver::resolve`] but lends the answer instead of copying it.
    ///
    /// With the gopkg index and tracing off, answers are memoised for the session by (importer
    /// context, import path), where the context is everything about the importer a lookup
    /// depends on (its vendor directories, go.mod above it, tree); a repeated lookup is two hash
    /// probes and no allocation. The memo is dropped whenever the index re-walks a subtree.
    /// Without the index (the linear scan) or with tracing on, every call does the full lookup.
    pub fn resolve_ref(&mut self, path: &str, importer: Option<&Importer>) -> &Resolution {
        let Some(generation) = self.index.as_deref().map(GopkgIndex::generation) else {
            let res = self.resolve_uncached(path, importer);
            return self.last.insert(res);
        };
        if self.trace.enabled {
            let res = self.resolve_uncached(path, importer);
            return self.last.insert(res);
        }
        self.sync_generation(generation);
        let ctx = match importer {
            None => None,
            Some(imp) => match self.memo.by_dir.get(imp.dir.as_str()) {
                Some(&(root, c)) if root == imp.root => Some(c),
                _ => None,
            },
        };
        let ctx = match ctx {
            Some(c) => c,
            None => {
                let key = self.importer_ctx(importer);
                if self.index_generation() != generation {
                    self.sync_generation(self.index_generation());
                    let res = self.resolve_uncached(path, importer);
                    return self.last.insert(res);
                }
                let next = self.memo.per_ctx.len() as u32;
                let c = *self.memo.ctx_ids.entry(key).or_insert(next);
                if c == next {
                    self.memo.per_ctx.push(FxMap::default());
                }
                if let Some(imp) = importer {
                    self.memo
                        .by_dir
                        .insert(imp.dir.as_str().into(), (imp.root, c));
                }
                c
            }
        };
        if let Some(&id) = self.memo.per_ctx[ctx as usize].get(path) {
            return &self.memo.answers[id as usize];
        }
        let res = self.resolve_uncached(path, importer);
        if self.index_generation() != generation {
            self.sync_generation(self.index_generation());
            return self.last.insert(res);
        }
        let id = self.memo.answers.len() as u32;
        self.memo.answers.push(res);
        self.memo.per_ctx[ctx as usize].insert(path.into(), id);
        &self.memo.answers[id as usize]
    }

    /// Drops everything memoised from the index when it re-walked a subtree since.
    fn sync_generation(&mut self, generation: u64) {
        if generation != self.memo.generation {
            self.memo.clear(generation);
            self.levels.clear();
            self.vendor_chains.clear();
        }
    }

    fn index_generation(&self) -> u64 {
        self.index.as_deref().map_or(0, GopkgIndex::generation)
    }

    /// The context of `importer` (see [`ImporterCtx`]); computing it probes (through the index)
    /// the same directories a lookup from there would.
    fn importer_ctx(&mut self, importer: Option<&Importer>) -> ImporterCtx {
        let mut ctx = ImporterCtx {
            has_importer: importer.is_some(),
            root: importer.and_then(|i| i.root),
            vendor_chain: Rc::from(Vec::new()),
            tried_vendor: Vec::new(),
            go_mod_above: false,
            in_goroot: false,
        };
        let Some(imp) = importer else {
            return ctx;
        };
        if let Some(root) = imp.root.filter(|&r| r < self.roots.len()) {
            if let Some(rel) = has_subdir(&self.srcs[root], &imp.dir) {
                let rel = rel.to_string();
                ctx.vendor_chain = self.vendor_chain(&imp.dir, root, &rel);
                ctx.go_mod_above = self.go_mod_at_or_above(root, &rel);
            }
        }
        ctx.tried_vendor = self.tried_vendor_dirs(&imp.dir);
        ctx.in_goroot = self
            .roots
            .iter()
            .position(|r| r.kind == RootKind::Goroot)
            .is_some_and(|g| has_subdir(&self.roots[g].dir, &imp.dir).is_some());
        ctx
    }

    /// The full lookup behind [`Resolver::resolve`].
    fn resolve_uncached(&mut self, path: &str, importer: Option<&Importer>) -> Resolution {
        if self.index.is_some() {
            self.sync_generation(self.index_generation());
        }
        let early = if path.is_empty() {
            Some(LookupError::Invalid(path.to_string()))
        } else if path.starts_with('/') {
            Some(LookupError::Absolute(path.to_string()))
        } else if path.starts_with("mod/") {
            Some(LookupError::Disallowed(path.to_string()))
        } else if path.contains('@') {
            Some(LookupError::VersionSyntax)
        } else {
            None
        };
        if let Some(e) = early {
            return Resolution {
                source_path: path.to_string(),
                import_path: path.to_string(),
                result: Err(e),
            };
        }
        let resolved = self.resolve_import_path(path, importer);
        let search_vendor = resolved == path;
        let result = self.import(&resolved, importer.map(|i| i.dir.as_str()), search_vendor);
        if self.index.is_some() && self.trace.enabled {
            let t0 = self.clock.now_nanos();
            match &result {
                Ok(f) => {
                    let dir = f.dir.clone();
                    self.event(EventKind::IndexHit, path, "", &dir, t0)
                }
                Err(_) => self.event(EventKind::IndexMiss, path, "", "", t0),
            }
        }
        Resolution {
            source_path: path.to_string(),
            import_path: resolved,
            result,
        }
    }

    /// Resolves a command-line directory argument (`.`, `./x`, `../y` or an absolute directory)
    /// against `base_dir` as `go list` does: a directory inside a tree (not shadowed by an
    /// earlier one) is looked up by its import path like any other argument; an absolute
    /// directory outside the trees is refused as an import path; any other directory is a local
    /// package with the pseudo path `_/<dir>`.
    pub fn resolve_local(&mut self, path: &str, base_dir: &str) -> Resolution {
        let dir = crate::source::join_path(base_dir, path);
        let (import_path, root) = self.dir_to_import_path(&dir);
        if root.is_some() || path.starts_with('/') {
            let target = if root.is_some() { &import_path } else { path };
            let mut res = self.resolve(target, None);
            res.source_path = path.to_string();
            return res;
        }
        self.resolve_dir(path, dir, import_path, None, ".".to_string())
    }

    /// Resolves a relative import written in a source file of the package in `importer_dir`
    /// (cmd/go's rule for `import "./x"`): the package is always the local pseudo path
    /// `_/<dir>`, even inside a tree; [`Found::root`] is the tree holding the directory, if any.
    /// A missing directory is `cannot find package "P" in:` with P its path in the tree, or `.`.
    pub fn resolve_local_import(&mut self, path: &str, importer_dir: &str) -> Resolution {
        let dir = crate::source::join_path(importer_dir, path);
        let (tree_path, root) = self.dir_to_import_path(&dir);
        let import_path = local_import_path(&dir);
        let shown = if root.is_some() {
            tree_path
        } else {
            ".".to_string()
        };
        self.resolve_dir(path, dir, import_path, root, shown)
    }

    /// A local package in `dir` named `import_path`: found when the directory exists.
    fn resolve_dir(
        &mut self,
        path: &str,
        dir: String,
        import_path: String,
        root: Option<usize>,
        shown: String,
    ) -> Resolution {
        let t0 = self.clock.now_nanos();
        let exists = match root {
            Some(r) => {
                let rel = has_subdir(&self.srcs[r], &dir).unwrap_or("").to_string();
                self.is_dir(r, &rel)
            }
            None => self.fs.is_dir(&dir),
        };
        let result_word = if exists { "found" } else { "absent" };
        self.event(EventKind::LookupProbe, &import_path, &dir, result_word, t0);
        let result = if !exists {
            Err(LookupError::LocalNotFound { path: shown, dir })
        } else {
            Ok(Found {
                import_path: import_path.clone(),
                dir,
                root: root.unwrap_or(usize::MAX),
                goroot: root.is_some_and(|r| self.roots[r].kind == RootKind::Goroot),
            })
        };
        Resolution {
            source_path: path.to_string(),
            import_path,
            result,
        }
    }

    /// cmd/go's `resolveImportPath` in GOPATH mode: vendor expansion, then module compatibility.
    fn resolve_import_path(&mut self, path: &str, importer: Option<&Importer>) -> String {
        let Some(imp) = importer else {
            return path.to_string();
        };
        // An importer outside the configured trees (or naming one that does not exist) has no
        // vendor directories to expand through.
        let Some(root) = imp.root.filter(|&r| r < self.srcs.len()) else {
            return path.to_string();
        };
        let Some(rel) = has_subdir(&self.srcs[root], &imp.dir) else {
            return path.to_string();
        };
        if self.index.is_some() {
            // With the index, the vendor directories above an importer are found once per session.
            let chain = self.vendor_chain(&imp.dir, root, rel);
            for vendor in chain.iter() {
                if let Some(target) = self.try_vendor(root, vendor, path) {
                    return target;
                }
            }
        } else {
            // 1. vendor directories, innermost first, up to and including <root>/src/vendor.
            let mut level = rel;
            loop {
                let vendor = join(level, "vendor");
                if self.is_dir(root, &vendor) {
                    if let Some(target) = self.try_vendor(root, &vendor, path) {
                        return target;
                    }
                }
                if level.is_empty() {
                    break;
                }
                level = match level.rfind('/') {
                    Some(i) => &level[..i],
                    None => "",
                };
            }
        }
        // 2. minimal module compatibility.
        if find_version_element(path).is_none() {
            return path.to_string();
        }
        let rel = rel.to_string();
        self.module_import_path(path, root, &rel)
    }

    /// The existing `vendor` directories above importer `dir` (`rel` in `root`), found once per
    /// session.
    fn vendor_chain(&mut self, dir: &str, root: usize, rel: &str) -> Rc<[String]> {
        if let Some(c) = self.vendor_chains.get(dir) {
            return c.clone();
        }
        let c = self.level_chain(root, rel);
        self.vendor_chains.insert(dir.to_string(), c.clone());
        c
    }

    /// With the index: the existing `vendor` directories from `rel` up to `<root>/src`, innermost
    /// first, memoised per directory level so that importers sharing ancestors probe each level
    /// once: a level's chain is its own `vendor` (if any) followed by its parent's chain.
    fn level_chain(&mut self, root: usize, rel: &str) -> Rc<[String]> {
        if self.levels.len() < self.roots.len() {
            self.levels
                .resize_with(self.roots.len(), LevelMemo::default);
        }
        // Walk up to the nearest level already known.
        let mut pending: Vec<&str> = Vec::new();
        let mut level = rel;
        let mut known: Rc<[String]> = Rc::from(Vec::new());
        loop {
            if let Some(c) = self.levels[root].chains.get(level) {
                known = c.clone();
                break;
            }
            pending.push(level);
            if level.is_empty() {
                break;
            }
            level = match level.rfind('/') {
                Some(i) => &level[..i],
                None => "",
            };
        }
        // Then down again, each level adding its own vendor directory.
        let mut vendor = String::new();
        for level in pending.into_iter().rev() {
            vendor.clear();
            if !level.is_empty() {
                vendor.push_str(level);
                vendor.push('/');
            }
            vendor.push_str("vendor");
            if self.is_dir(root, &vendor) {
                let mut c = Vec::with_capacity(known.len() + 1);
                c.push(vendor.clone());
                c.extend(known.iter().cloned());
                known = c.into();
            }
            self.levels[root].chains.insert(level.into(), known.clone());
        }
        known
    }

    /// Whether a go.mod naming a module sits in `rel` or a directory above it (within `root`).
    fn go_mod_at_or_above(&mut self, root: usize, rel: &str) -> bool {
        if self.index.is_some() && !self.embedded_goroot(root) {
            return self.level_go_mod(root, rel);
        }
        let mut level = rel;
        loop {
            if !self.go_mod_path_at(root, level).is_empty() {
                return true;
            }
            if level.is_empty() {
                return false;
            }
            level = match level.rfind('/') {
                Some(i) => &level[..i],
                None => "",
            };
        }
    }

    /// [`Resolver::go_mod_at_or_above`] with the index, memoised per directory level.
    fn level_go_mod(&mut self, root: usize, rel: &str) -> bool {
        if self.levels.len() < self.roots.len() {
            self.levels
                .resize_with(self.roots.len(), LevelMemo::default);
        }
        if let Some(&b) = self.levels[root].go_mod.get(rel) {
            return b;
        }
        let here = !self.go_mod_path_at(root, rel).is_empty();
        let b = here
            || match rel.rfind('/') {
                _ if rel.is_empty() => false,
                Some(i) => self.level_go_mod(root, &rel[..i]),
                None => self.level_go_mod(root, ""),
            };
        self.levels[root].go_mod.insert(rel.into(), b);
        b
    }

    /// The existing `vendor` directories go/build lists as tried for an importer in `src_dir`
    /// (full paths, innermost first): those above it in the first tree whose `src` holds it.
    fn tried_vendor_dirs(&mut self, src_dir: &str) -> Vec<String> {
        let mut out = Vec::new();
        let tree = (0..self.roots.len()).find_map(|r| {
            let sub = has_subdir(&self.roots[r].dir, src_dir)?;
            let rel = sub.strip_prefix("src/")?;
            (!sub.contains("/testdata/")).then_some((r, rel))
        });
        let Some((r, mut level)) = tree else {
            return out;
        };
        if self.index.is_some() {
            let chain = self.level_chain(r, level);
            return chain.iter().map(|v| self.dir_of(r, v)).collect();
        }
        let mut vendor = String::new();
        loop {
            vendor.clear();
            if !level.is_empty() {
                vendor.push_str(level);
                vendor.push('/');
            }
            vendor.push_str("vendor");
            if self.is_dir(r, &vendor) {
                out.push(self.dir_of(r, &vendor));
            }
            if level.is_empty() {
                break;
            }
            level = match level.rfind('/') {
                Some(i) => &level[..i],
                None => "",
            };
        }
        out
    }

    /// Probes `<vendor>/<path>`; the vendored import path when it holds Go files.
    fn try_vendor(&mut self, root: usize, vendor: &str, path: &str) -> Option<String> {
        let target = join(vendor, path);
        let t0 = self.clock.now_nanos();
        let p = self.probe(root, &target);
        if self.trace.enabled {
            let dir = self.dir_of(root, &target);
            self.event(EventKind::LookupCandidate, path, &dir, "vendor tree", t0);
            let word = match (p.is_dir, p.has_go_files) {
                (true, true) => "found",
                (true, false) => "not a package",
                _ => "absent",
            };
            self.event(EventKind::LookupProbe, path, &dir, word, t0);
        }
        (p.is_dir && p.has_go_files).then_some(target)
    }

    fn go_mod_path_at(&mut self, root: usize, rel: &str) -> String {
        if self.embedded_goroot(root) {
            return String::new();
        }
        // The index knows which directories hold a go.mod: read only those.
        if self.index.is_some() && !self.probe(root, rel).has_go_mod {
            return String::new();
        }
        let file = join(&self.dir_of(root, rel), "go.mod");
        if self.index.is_some() {
            if let Some(m) = self.go_mods.get(&file) {
                return m.clone();
            }
        }
        let m = match self.fs.read(&file) {
            Ok(data) => go_mod_module_path(&data),
            Err(_) => String::new(),
        };
        if self.index.is_some() {
            self.go_mods.insert(file, m.clone());
        }
        m
    }

    /// The directory `path` would be found in by a vendor-free search (GOROOT, then GOPATH).
    fn find_dir(&mut self, path: &str) -> Option<(usize, String)> {
        (0..self.roots.len()).find_map(|r| self.is_dir(r, path).then(|| (r, path.to_string())))
    }

    fn module_import_path(&mut self, path: &str, root: usize, rel: &str) -> String {
        if find_version_element(path).is_none() {
            return path.to_string();
        }
        // Only code in a tree with a go.mod at or above the importer gets the rewrite.
        if !self.go_mod_at_or_above(root, rel) || self.find_dir(path).is_some() {
            return path.to_string();
        }
        let mut limit = path.len();
        while limit > 0 {
            let Some((i, j)) = find_version_element(&path[..limit]) else {
                return path.to_string();
            };
            if let Some((r, rel)) = self.find_dir(&path[..i]) {
                let mpath = self.go_mod_path_at(r, &rel);
                if !mpath.is_empty() {
                    if mpath == path[..j] {
                        let rewritten = format!("{}{}", &path[..i], &path[j..]);
                        let t0 = self.clock.now_nanos();
                        let dir = join(&self.dir_of(r, &rel), "go.mod");
                        self.event(
                            EventKind::LookupCandidate,
                            path,
                            &dir,
                            &format!("minimal module compatibility: {rewritten}"),
                            t0,
                        );
                        return rewritten;
                    }
                    return path.to_string();
                }
            }
            limit = i;
        }
        path.to_string()
    }

    /// go/build's `Context.Import` search for a non-local path, `src_dir` being the importer's
    /// directory when vendor directories apply.
    fn import(
        &mut self,
        path: &str,
        src_dir: Option<&str>,
        search_vendor: bool,
    ) -> Result<Found, LookupError> {
        let memoizable = self.index.is_some() && !path.starts_with("vendor/");
        if memoizable {
            if let Some(f) = self.index.as_deref().and_then(|ix| ix.memo_get(path)) {
                return Ok(f.clone());
            }
        }
        let mut tried_vendor: Vec<String> = Vec::new();
        // Vendor directories that exist but do not hold the package (go/build's own vendor pass;
        // cmd/go's pass above found nothing there, so this only collects the list of places tried).
        if let (Some(dir), true) = (src_dir, search_vendor) {
            tried_vendor = self
                .tried_vendor_dirs(dir)
                .iter()
                .map(|v| join(v, path))
                .collect();
        }
        let goroot = self.roots.iter().position(|r| r.kind == RootKind::Goroot);
        let goroot_first = match (src_dir, goroot) {
            (None, _) => true,
            (Some(_), _) if !path.starts_with("vendor/") => true,
            (Some(d), Some(g)) => has_subdir(&self.roots[g].dir, d).is_some(),
            (Some(_), None) => false,
        };
        let mut tried_goroot: Option<String> = None;
        let mut order: Vec<usize> = Vec::with_capacity(self.roots.len() + 1);
        if let (Some(g), true) = (goroot, goroot_first) {
            order.push(g);
        }
        order.extend((0..self.roots.len()).filter(|&r| Some(r) != goroot));
        if let (Some(g), false) = (goroot, goroot_first) {
            order.push(g);
        }
        let mut tried_gopath: Vec<String> = Vec::new();
        for r in order {
            let t0 = self.clock.now_nanos();
            let dir = self.dir_of(r, path);
            if self.trace.enabled {
                let why = match self.roots[r].kind {
                    RootKind::Goroot => "GOROOT".to_string(),
                    RootKind::Gopath(i) => format!("GOPATH[{i}]"),
                };
                self.event(EventKind::LookupCandidate, path, &dir, &why, t0);
            }
            let found = self.is_dir(r, path);
            if self.trace.enabled {
                self.event(
                    EventKind::LookupProbe,
                    path,
                    &dir,
                    if found { "found" } else { "absent" },
                    t0,
                );
            }
            if found {
                let goroot = self.roots[r].kind == RootKind::Goroot;
                let f = Found {
                    import_path: path.to_string(),
                    dir,
                    root: r,
                    goroot,
                };
                if memoizable {
                    if let Some(ix) = self.index.as_deref_mut() {
                        ix.memo_put(path, f.clone());
                    }
                }
                return Ok(f);
            }
            match self.roots[r].kind {
                RootKind::Goroot => tried_goroot = Some(dir),
                RootKind::Gopath(_) => tried_gopath.push(dir),
            }
        }
        let mut tried = Vec::new();
        for (i, d) in tried_vendor.iter().enumerate() {
            tried.push(if i == 0 {
                format!("\t{d} (vendor tree)")
            } else {
                format!("\t{d}")
            });
        }
        match tried_goroot {
            Some(d) => tried.push(format!("\t{d} (from $GOROOT)")),
            None => tried.push("\t($GOROOT not set)".to_string()),
        }
        for (i, d) in tried_gopath.iter().enumerate() {
            tried.push(if i == 0 {
                format!("\t{d} (from $GOPATH)")
            } else {
                format!("\t{d}")
            });
        }
        if tried_gopath.is_empty() {
            tried.push("\t($GOPATH not set. For more details see: 'go help gopath')".to_string());
        }
        Err(LookupError::NotFound {
            path: path.to_string(),
            tried,
        })
    }

    /// Loads the package found at `found`: its files and imports for the build context. GOROOT
    /// packages in the default context come from the embedded standard library.
    pub fn load(&mut self, found: &Found) -> DirPackage {
        let lib = StdLib::embedded();
        // With a GOROOT tree on disk its packages are read like any other (their files are
        // listed); the embedded list stands in only where there is no tree.
        let use_embedded = found.goroot && self.cfg.goroot_mode == GorootMode::Embedded;
        if use_embedded {
            if let Some(sp) = lib.package(&found.import_path) {
                let mut p = DirPackage {
                    dir: found.dir.clone(),
                    name: found
                        .import_path
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    ..Default::default()
                };
                // Source import paths: undo the import map.
                p.imports = sp
                    .imports
                    .iter()
                    .map(|imp| {
                        sp.import_map
                            .iter()
                            .find(|(_, v)| v == imp)
                            .map(|(k, _)| k.to_string())
                            .unwrap_or_else(|| imp.to_string())
                    })
                    .collect();
                p.imports.sort();
                if let Some(e) = sp.error {
                    let dir = e.replace("$GOROOT", &self.cfg.goroot);
                    p.error = Some(
                        match dir.strip_prefix("build constraints exclude all Go files in ") {
                            Some(d) => PkgError::ConstraintsExcludeAll { dir: d.to_string() },
                            None => PkgError::BadFile(dir),
                        },
                    );
                }
                return p;
            }
            if self.cfg.goroot_mode == GorootMode::Embedded {
                return DirPackage {
                    dir: found.dir.clone(),
                    error: Some(PkgError::NoGoFiles {
                        dir: found.dir.clone(),
                    }),
                    ..Default::default()
                };
            }
        }
        let t0 = self.clock.now_nanos();
        let p = load_dir(self.fs, &found.dir, &self.cfg.ctx);
        let word = if p.error.as_ref().is_some_and(|e| {
            matches!(
                e,
                PkgError::NoGoFiles { .. } | PkgError::ConstraintsExcludeAll { .. }
            )
        }) {
            "not a package"
        } else {
            "package"
        };
        self.event(EventKind::Read, &found.import_path, &found.dir, word, t0);
        p
    }

    /// Whether the resolved package counts as standard (`Standard` in `go list`).
    pub fn is_standard(found: &Found) -> bool {
        found.goroot && is_standard_import_path(&found.import_path)
    }
}
