//! Module-mode package listing on the real machine: the build list with each module's directory,
//! and a file system that serves module trees.
//!
//! Module files: a module of the module cache is read from its extracted directory
//! (`$GOMODCACHE/<path>@<version>/`) when that directory is complete; otherwise its zip is
//! fetched through the module source (download cache first, then GOPROXY) and **read in memory**,
//! mounted at the directory the go command would extract it to. modscope never writes into the
//! module cache, so reported `Dir`s are the go command's even when nothing is extracted.

use super::fs::OsFs;
use crate::graph::list::{module_info, CachePaths};
use crate::graph::load::{BuildMod, GraphError, LoadedGraph, Loader, ModuleGraph, Requirements};
use crate::graph::{Mv, VerId};
use crate::module::{escape_path, escape_version};
use crate::pkg::modload::{ModLookupError, ModuleRoot};
use crate::pkg::modquery::{query_import, FetchFail, QueryInputs};
use crate::source::{DirEntry, FileKind, Fs, FsError, MemFs, Metadata, ModuleSource};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A module whose zip is read on first use.
struct ZipMount {
    path: String,
    version: String,
    fs: Option<Result<MemFs, FetchFail>>,
}

/// The OS file system with module zips mounted in memory at their module-cache directories.
pub struct ModuleTreeFs<'a> {
    os: OsFs,
    source: &'a dyn ModuleSource,
    mounts: RefCell<HashMap<String, ZipMount>>,
}

impl<'a> ModuleTreeFs<'a> {
    /// The OS file system (relative paths against `cwd`) plus zips from `source`.
    pub fn new(cwd: &std::path::Path, source: &'a dyn ModuleSource) -> Self {
        ModuleTreeFs {
            os: OsFs::new(cwd),
            source,
            mounts: RefCell::new(HashMap::new()),
        }
    }

    /// Serves `path@version`'s zip at `dir` (read on first access).
    pub fn mount(&self, dir: &str, path: &str, version: &str) {
        self.mounts
            .borrow_mut()
            .entry(dir.to_string())
            .or_insert_with(|| ZipMount {
                path: path.to_string(),
                version: version.to_string(),
                fs: None,
            });
    }

    /// Reads the zip for the mount at `dir` if not yet read; its error text if it cannot be.
    pub fn ensure(&self, dir: &str) -> Result<(), FetchFail> {
        let mut mounts = self.mounts.borrow_mut();
        let Some(m) = mounts.get_mut(dir) else {
            return Ok(());
        };
        if m.fs.is_none() {
            m.fs = Some(read_zip(self.source, &m.path, &m.version, dir));
        }
        match &m.fs {
            Some(Err(e)) => Err(e.clone()),
            _ => Ok(()),
        }
    }

    /// Runs `f` on the mounted tree holding `path`; `None` when no mount holds it. Under a
    /// module whose zip cannot be read every access fails with the fetch error, as the go
    /// command's fetch of that module does.
    fn with_mount<R>(
        &self,
        path: &str,
        f: impl FnOnce(&MemFs) -> Result<R, FsError>,
    ) -> Option<Result<R, FsError>> {
        let dir = {
            let mounts = self.mounts.borrow();
            mounts
                .keys()
                .find(|d| path == d.as_str() || path.starts_with(&format!("{d}/")))
                .cloned()?
        };
        let _ = self.ensure(&dir);
        let mounts = self.mounts.borrow();
        match mounts.get(&dir).and_then(|m| m.fs.as_ref()) {
            Some(Ok(fs)) => Some(f(fs)),
            Some(Err(fail)) => Some(Err(FsError::Other {
                path: path.to_string(),
                message: fail.message.clone(),
            })),
            None => Some(f(&MemFs::new())),
        }
    }
}

fn read_zip(
    source: &dyn ModuleSource,
    path: &str,
    version: &str,
    dir: &str,
) -> Result<MemFs, FetchFail> {
    let fetched = source
        .fetch(path, version, FileKind::Zip)
        .map_err(|e| FetchFail {
            message: format!("{path}@{version}: {}", e.message()),
            not_found: e.is_not_found(),
        })?;
    let other = |message: String| FetchFail {
        message,
        not_found: false,
    };
    let mut ar = zip::ZipArchive::new(std::io::Cursor::new(&fetched.data[..]))
        .map_err(|e| other(format!("{path}@{version}: reading zip: {e}")))?;
    let prefix = format!("{path}@{version}/");
    let mut fs = MemFs::new();
    for i in 0..ar.len() {
        let mut f = ar
            .by_index(i)
            .map_err(|e| other(format!("{path}@{version}: reading zip: {e}")))?;
        if f.is_dir() {
            continue;
        }
        let Some(rest) = f.name().strip_prefix(&prefix).map(str::to_string) else {
            continue;
        };
        let mut data = Vec::with_capacity(f.size().min(1 << 24) as usize);
        std::io::Read::read_to_end(&mut f, &mut data)
            .map_err(|e| other(format!("{path}@{version}: reading zip: {e}")))?;
        fs.insert(&format!("{dir}/{rest}"), data);
    }
    Ok(fs)
}

impl Fs for ModuleTreeFs<'_> {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        match self.with_mount(path, |fs| fs.read(path)) {
            Some(r) => r,
            None => self.os.read(path),
        }
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        match self.with_mount(path, |fs| fs.read_dir(path)) {
            Some(r) => r,
            None => self.os.read_dir(path),
        }
    }

    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        match self.with_mount(path, |fs| fs.stat(path)) {
            Some(r) => r,
            None => self.os.stat(path),
        }
    }

    fn describe(&self) -> String {
        format!("{} + module zips in memory", self.os.describe())
    }
}

/// The build list as package lookup needs it, with zips mounted into `fs` for modules that are
/// not extracted. In readonly mode a module without a go.sum line for its zip has no directory.
pub fn build_list_roots(
    l: &mut Loader<'_>,
    list: &[crate::graph::Mv],
    gomodcache: &str,
    fs: &ModuleTreeFs<'_>,
    sums: Option<&str>,
) -> Vec<ModuleRoot> {
    let mut out = Vec::with_capacity(list.len());
    for &m in list {
        let path = l.names.path_str(m.path).to_string();
        if m.ver == VerId::MAIN && l.is_main_path(m.path) {
            let dir = l
                .main_modules()
                .find(|mm| mm.path == path)
                .map(|mm| mm.dir.clone());
            out.push(ModuleRoot {
                path,
                version: String::new(),
                dir,
                local: true,
            });
            continue;
        }
        let version = l.names.ver_str(m.ver).to_string();
        let actual = l.resolve(m);
        let apath = l.names.path_str(actual.path).to_string();
        if actual.ver == VerId::MAIN {
            out.push(ModuleRoot {
                path,
                version,
                dir: Some(l.replacement_dir(&apath)),
                local: true,
            });
            continue;
        }
        let aver = l.names.ver_str(actual.ver).to_string();
        let dir = match (escape_path(&apath), escape_version(&aver)) {
            (Ok(p), Ok(v)) => format!("{}/{p}@{v}", gomodcache.trim_end_matches('/')),
            _ => {
                out.push(ModuleRoot {
                    path,
                    version,
                    dir: None,
                    local: false,
                });
                continue;
            }
        };
        let summed = sums.is_none_or(|s| {
            let want = format!("{apath} {aver} ");
            s.lines().any(|line| line.starts_with(&want))
        });
        if summed && !std::path::Path::new(&dir).is_dir() {
            fs.mount(&dir, &apath, &aver);
        }
        out.push(ModuleRoot {
            path,
            version,
            dir: summed.then_some(dir),
            local: false,
        });
    }
    out
}

/// The `Module` objects of module versions `list`, keyed by module path and version.
pub fn module_objects(
    l: &mut Loader<'_>,
    rs: &crate::graph::load::Requirements,
    list: &[crate::graph::Mv],
    cache: &dyn CachePaths,
    out: &mut HashMap<(String, String), crate::graph::list::ModulePublic>,
) {
    for &m in list {
        let key = (
            l.names.path_str(m.path).to_string(),
            if m.ver == VerId::MAIN {
                String::new()
            } else {
                l.names.ver_str(m.ver).to_string()
            },
        );
        if out.contains_key(&key) {
            continue;
        }
        let mut info = module_info(l, rs, cache, m);
        info.time = None;
        if let Some(r) = info.replace.as_mut() {
            r.time = None;
            r.go_mod = String::new();
            r.go_version = String::new();
        }
        info.go_mod = String::new();
        out.insert(key, info);
    }
}

/// The error text of a failed lookup in `mode`. With `-mod=mod` an import no module provides is
/// `cannot find module providing package …` until the proxy was asked ([`query_import_in`]
/// gives the final text).
pub fn lookup_error_text(mode: BuildMod, e: &ModLookupError) -> String {
    match (mode, e) {
        (BuildMod::Mod, ModLookupError::NoModule(p)) => {
            format!("cannot find module providing package {p}")
        }
        _ => e.to_string(),
    }
}

/// The go command's `spotCheckRoots`: every provider that is a root (by path) has a go.mod that
/// loads and requires no more than the roots select.
pub fn spot_check(l: &mut Loader<'_>, providers: &[Mv], roots: &[Mv]) -> bool {
    let root_selected = |l: &Loader<'_>, path| {
        roots
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.ver)
            .max_by(|a, b| l.names.cmp_ver(*a, *b))
    };
    for &m in providers {
        if m.ver == VerId::MAIN || root_selected(l, m.path) != Some(m.ver) {
            continue;
        }
        let Ok(summary) = l.summary(m) else {
            return false;
        };
        for r in &summary.require {
            if let Some(v) = root_selected(l, r.path) {
                if l.names.cmp_ver(v, r.ver).is_lt() {
                    return false;
                }
            }
        }
    }
    true
}

/// The go command's `updatePrunedRoots` under `-mod=mod` after a round of package loading
/// (Go 1.19 `modload/buildlist.go`): a module providing a loaded package that is not a root
/// becomes one at the version that provided it; then, when roots were added, when the round
/// loaded the full graph (`graph_loaded`: a lookup the roots did not answer, or requirements that
/// were updated before), or when a providing root's go.mod asks for more than the roots select
/// (the spot check), every root is raised to the version the full graph selects. `mg` is the
/// full graph of `rs`. `None` when the roots stay as they are.
pub fn update_pruned_roots(
    l: &mut Loader<'_>,
    rs: &Requirements,
    mg: &ModuleGraph,
    providers: &[Mv],
    graph_loaded: bool,
) -> Option<Result<LoadedGraph, GraphError>> {
    let mut roots = rs.roots.clone();
    let mut added = false;
    let mut spot = Vec::new();
    for &p in providers {
        if p.ver == VerId::MAIN || l.is_main_path(p.path) {
            continue;
        }
        if roots.iter().any(|r| r.path == p.path) {
            if !spot.contains(&p) {
                spot.push(p);
            }
        } else {
            roots.push(p);
            added = true;
        }
    }
    let fresh;
    let raised_by: Option<&ModuleGraph> = if added {
        fresh = l.read_mod_graph(rs.pruning, &roots);
        Some(&fresh)
    } else if graph_loaded || !spot_check(l, &spot, &roots) {
        Some(mg)
    } else {
        None
    };
    if let Some(g) = raised_by {
        for r in roots.iter_mut() {
            let v = g.graph.selected(r.path);
            if v != VerId::NONE {
                r.ver = v;
            }
        }
    }
    if roots == rs.roots {
        return None;
    }
    // The new roots' graph; raising continues there until every root is selected.
    l.add_package_roots(rs, &roots)
}

/// The main modules' replace lines as [`QueryInputs::replaced`] takes them.
pub fn replaced_modules(l: &Loader<'_>) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for m in l.main_modules() {
        for r in &m.replaces {
            let to = match &r.new_version {
                Some(v) => format!("{}@{v}", r.new_path),
                None => r.new_path.clone(),
            };
            out.push((
                r.old_path.clone(),
                r.old_version.clone().unwrap_or_default(),
                to,
            ));
        }
    }
    out
}

/// The go command's `queryImport` for `path` against the module graph `mg`: the module to add
/// (`-mod=mod`), or the package's error text (`readonly` as [`QueryInputs::readonly`]). Module
/// zips are mounted into `fs`.
pub fn query_import_in(
    l: &Loader<'_>,
    readonly: Option<&str>,
    mg: &ModuleGraph,
    fs: &ModuleTreeFs<'_>,
    gomodcache: &str,
    goroot: &str,
    path: &str,
) -> Result<(String, String), String> {
    let main_paths: Vec<String> = l.main_modules().map(|m| m.path.clone()).collect();
    let replaces: Vec<(Option<String>, String, String, Option<String>)> = l
        .main_modules()
        .flat_map(|m| {
            m.replaces.iter().map(|r| {
                (
                    r.old_version.clone(),
                    r.old_path.clone(),
                    r.new_path.clone(),
                    r.new_version.clone(),
                )
            })
        })
        .collect();
    let replaced = replaced_modules(l);
    let excludes: Vec<(String, String)> = l
        .main_modules()
        .flat_map(|m| m.excludes.iter().cloned())
        .collect();
    let excluded = |p: &str, v: &str| excludes.iter().any(|(ep, ev)| ep == p && ev == v);
    let selected = |p: &str| -> Option<String> {
        if main_paths.iter().any(|m| m == p) {
            return Some(String::new());
        }
        let id = l.names.lookup_path(p)?;
        let v = mg.graph.selected(id);
        (v != VerId::NONE).then(|| l.names.ver_str(v).to_string())
    };
    let fetch = |p: &str, v: &str| -> Result<(String, bool), FetchFail> {
        let target = replaces
            .iter()
            .find(|(ov, op, _, _)| op == p && ov.as_deref() == Some(v))
            .or_else(|| {
                replaces
                    .iter()
                    .find(|(ov, op, _, _)| op == p && ov.is_none())
            });
        let (zp, zv) = match target {
            Some((_, _, np, None)) => return Ok((l.replacement_dir(np), true)),
            Some((_, _, np, Some(nv))) => (np.as_str(), nv.as_str()),
            None => (p, v),
        };
        let dir = match (escape_path(zp), escape_version(zv)) {
            (Ok(ep), Ok(ev)) => format!("{}/{ep}@{ev}", gomodcache.trim_end_matches('/')),
            (Err(e), _) => {
                return Err(FetchFail {
                    message: format!("{zp}@{zv}: {e}"),
                    not_found: false,
                })
            }
            (_, Err(e)) => {
                return Err(FetchFail {
                    message: format!("{zp}@{zv}: {e}"),
                    not_found: false,
                })
            }
        };
        if !std::path::Path::new(&dir).is_dir() {
            fs.mount(&dir, zp, zv);
            fs.ensure(&dir)?;
        }
        Ok((dir, false))
    };
    let q = QueryInputs {
        source: l.modules(),
        fs,
        main_paths: &main_paths,
        goroot,
        replaced: &replaced,
        excluded: &excluded,
        selected: &selected,
        fetch: &fetch,
        readonly,
    };
    query_import(&q, path)
}

/// Adds modules found for missing imports to the roots (the go command's `updateRoots` with
/// modules to add): a module that is not a root, or a root at a lower version, is added; then
/// every root of a pruned graph is raised to what the new graph selects. `None` when nothing
/// changes.
pub fn add_roots(
    l: &mut Loader<'_>,
    rs: &Requirements,
    adds: &[Mv],
) -> Option<Result<LoadedGraph, GraphError>> {
    let mut roots = rs.roots.clone();
    let mut changed = false;
    for &m in adds {
        match roots.iter_mut().find(|r| r.path == m.path) {
            Some(r) if l.names.cmp_ver(r.ver, m.ver).is_lt() => {
                r.ver = m.ver;
                changed = true;
            }
            Some(_) => {}
            None => {
                roots.push(m);
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    if rs.pruning == crate::graph::load::Pruning::Pruned {
        let fresh = l.read_mod_graph(rs.pruning, &roots);
        for r in roots.iter_mut() {
            let v = fresh.graph.selected(r.path);
            if v != VerId::NONE {
                r.ver = v;
            }
        }
        return l.add_package_roots(rs, &roots);
    }
    let rs2 = l.new_requirements(rs.pruning, roots, rs.direct.clone());
    Some(l.expand_graph(rs2))
}
