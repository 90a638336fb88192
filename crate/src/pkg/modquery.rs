//! Module mode: finding a module for an import that no module of the build list provides, as the
//! go command does under `-mod=mod` (Go 1.19 `modload/import.go` `queryImport`, `query.go`
//! `QueryPattern`/`queryProxy` with the query `latest`; SPEC.md E.1 step 5).
//!
//! The order of the search: first the modules the main modules replace (a replaced module path
//! that is a prefix of the import, at its highest replaced version, when the graph selects a lower
//! one), then every prefix of the import path that can be a module path, each asked for its
//! `latest` version (the highest allowed release, else the highest allowed pre-release;
//! `+incompatible` versions only when the highest compatible version has no go.mod of its own),
//! fetched, and checked for the package. When several prefixes fail, the most useful failure of
//! the longest prefix is reported, in the go command's classes: the package is not in a found
//! module, no version matches, a path is invalid, or nothing exists (the last wrapped as
//! `cannot find module providing package P: …`). A found module the graph already selects at a
//! higher version is not added.
//!
//! Everything that reads files is passed in, so this runs unchanged in the browser. Retractions
//! are not applied (the go command also skips retracted versions for `latest`).

use crate::graph::versions;
use crate::module::{check_path, split_path_version};
use crate::pkg::modload::{dir_in_module, ModuleRoot};
use crate::pkg::stdlib::is_standard_import_path;
use crate::source::{FileKind, Fs, ModuleSource, SourceError};
use crate::version::pseudo::{is_pseudo_version, is_zero_pseudo_version, zero_pseudo_version};
use crate::version::semver;
use std::cmp::Ordering;

/// Why fetching a module's files failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFail {
    /// The go command's text (`path@version: reading …: no such file or directory`).
    pub message: String,
    /// The file does not exist (the go command's `fs.ErrNotExist` class).
    pub not_found: bool,
}

/// Fetches `path@version`: the module root directory and whether it is a local tree.
pub type FetchFn<'a> = dyn Fn(&str, &str) -> Result<(String, bool), FetchFail> + 'a;

/// What a `latest` query reads: the proxy, the files of fetched modules and the module graph.
pub struct QueryInputs<'a> {
    /// The module proxy (`@v/list`, `.info`, `.mod`).
    pub source: &'a dyn ModuleSource,
    /// The file system fetched module trees are read from.
    pub fs: &'a dyn Fs,
    /// The main modules' paths.
    pub main_paths: &'a [String],
    /// `$GOROOT`.
    pub goroot: &'a str,
    /// Replace lines of the main modules: (old path, old version or `""` for a wildcard,
    /// replacement as written: a directory, or `path@version`).
    pub replaced: &'a [(String, String, String)],
    /// Whether the main modules exclude `path@version`.
    pub excluded: &'a dyn Fn(&str, &str) -> bool,
    /// The version the module graph selects for a path (`""` for a main module), `None` when
    /// the graph does not hold it.
    pub selected: &'a dyn Fn(&str) -> Option<String>,
    /// Fetches `path@version` (its replacement when replaced): the module root directory and
    /// whether it is a local tree.
    pub fetch: &'a FetchFn<'a>,
    /// `-mod=readonly`: the proxy is not asked. `Some("")` when readonly is the default, else
    /// why lookups are disabled (`import lookup disabled by -mod=readonly`).
    pub readonly: Option<&'a str>,
}

/// The go command's `cmpVersion`: `""` (a main module) is above every version, `none` (absent)
/// below every version.
fn cmp_version(a: Option<&str>, b: &str) -> Ordering {
    match (a, b) {
        (Some(""), "") => Ordering::Equal,
        (Some(""), _) => Ordering::Greater,
        (_, "") => Ordering::Less,
        (None, _) => Ordering::Less,
        (Some(a), b) => semver::compare(a, b),
    }
}

fn in_module(path: &str, mpath: &str) -> bool {
    path == mpath
        || (path.len() > mpath.len()
            && path.starts_with(mpath)
            && path.as_bytes()[mpath.len()] == b'/')
}

/// The failure of one candidate module, by the go command's classes (most useful first).
#[derive(Debug, Clone)]
enum Fail {
    NoPackage(String),
    NoVersion(String),
    Invalid(String),
    NotExist(String),
    Other(String),
}

impl Fail {
    fn from_fetch(f: FetchFail) -> Fail {
        if f.not_found {
            Fail::NotExist(f.message)
        } else {
            Fail::Other(f.message)
        }
    }
}

impl QueryInputs<'_> {
    /// The highest version each replaced module path is replaced at (a zero pseudo-version when
    /// only a wildcard replaces it), as the go command's `HighestReplaced`.
    fn highest_replaced(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (p, v, _) in self.replaced {
            match out.iter_mut().find(|(q, _)| q == p) {
                Some((_, w)) => {
                    if w.is_empty() || (!v.is_empty() && semver::compare(w, v).is_lt()) {
                        *w = v.clone();
                    }
                }
                None => out.push((p.clone(), v.clone())),
            }
        }
        for (p, v) in out.iter_mut() {
            if v.is_empty() {
                let major = match split_path_version(p) {
                    Some((_, m)) if !m.is_empty() => m[1..].to_string(),
                    _ => "v0".to_string(),
                };
                *v = zero_pseudo_version(&major);
            }
        }
        out
    }

    fn is_replaced_path(&self, p: &str) -> bool {
        self.replaced.iter().any(|(q, _, _)| q == p)
    }

    fn provides(&self, path: &str, mpath: &str, version: &str, root: &str, local: bool) -> bool {
        let m = ModuleRoot {
            path: mpath.to_string(),
            version: version.to_string(),
            dir: Some(root.to_string()),
            local,
        };
        dir_in_module(self.fs, path, &m, root).is_some()
    }

    /// Whether the go.mod of `path@version` is the module's own (not the one the go command
    /// synthesizes for a module without go.mod).
    fn has_go_mod(&self, path: &str, version: &str) -> Result<bool, Fail> {
        if self.is_replaced_path(path) {
            return Ok(true);
        }
        match self.source.fetch(path, version, FileKind::Mod) {
            Ok(f) => Ok(!versions::is_synthesized_go_mod(path, &f.data)),
            Err(e) => {
                let message = format!("{path}@{version}: {}", e.message());
                Err(if e.is_not_found() {
                    Fail::NotExist(message)
                } else {
                    Fail::Other(message)
                })
            }
        }
    }

    /// The version `latest` means for module `mpath` (go's `queryProxy`).
    fn latest(&self, mpath: &str) -> Result<String, Fail> {
        let replaced = self.is_replaced_path(mpath);
        if let Err(e) = check_path(mpath) {
            if !replaced {
                return Err(Fail::Invalid(e.to_string()));
            }
        }
        let mut listed = match self.source.fetch(mpath, "", FileKind::List) {
            Ok(f) => versions::listed_versions(&f.data),
            Err(e) if replaced && e.is_not_found() => Vec::new(),
            // GOPROXY=off: the go command's error counts as "does not exist" and names no
            // module.
            Err(SourceError::Disabled { message }) => return Err(Fail::NotExist(message)),
            Err(e) => {
                let message = format!("module {mpath}: {}", e.message());
                return Err(if e.is_not_found() {
                    Fail::NotExist(message)
                } else {
                    Fail::Other(message)
                });
            }
        };
        if replaced {
            for (p, v, _) in self.replaced {
                if p == mpath && !v.is_empty() && !is_pseudo_version(v) {
                    listed.push(v.clone());
                }
            }
        }
        let picked = versions::pick(
            listed,
            &mut (),
            |_, v| !(self.excluded)(mpath, v),
            |_, v| self.has_go_mod(mpath, v),
            false,
            false,
        )?;
        let Some(v) = picked.as_deref() else {
            return Err(Fail::NoVersion(
                "no matching versions for query \"latest\"".to_string(),
            ));
        };
        // Stat: the version's .info (a replaced version needs none).
        if let Err(e) = self.source.fetch(mpath, v, FileKind::Info) {
            let has_replacement = self
                .replaced
                .iter()
                .any(|(p, rv, _)| p == mpath && (rv.is_empty() || rv == v));
            if !has_replacement {
                let message = format!("{mpath}@{v}: {}", e.message());
                return Err(if e.is_not_found() {
                    Fail::NotExist(message)
                } else {
                    Fail::Other(message)
                });
            }
        }
        Ok(v.to_string())
    }

    /// One candidate module of go's `QueryPattern`: its latest version and whether that
    /// provides `path`.
    fn query_module(&self, path: &str, mpath: &str) -> Result<(String, bool), Fail> {
        let v = self.latest(mpath)?;
        let (root, local) = (self.fetch)(mpath, &v).map_err(Fail::from_fetch)?;
        if self.provides(path, mpath, &v, &root, local) {
            return Ok((v, true));
        }
        if mpath == path {
            return Ok((v, false));
        }
        Err(Fail::NoPackage(self.not_in_module(mpath, &v, path)))
    }

    /// go's `PackageNotInModuleError` text for the `latest` query.
    fn not_in_module(&self, mpath: &str, v: &str, path: &str) -> String {
        let replacement = self
            .replaced
            .iter()
            .find(|(p, rv, _)| p == mpath && rv == v)
            .or_else(|| {
                self.replaced
                    .iter()
                    .find(|(p, rv, _)| p == mpath && rv.is_empty())
            });
        let found = match replacement {
            Some((_, _, to)) => format!(" ({v}, replaced by {to})"),
            None => format!(" ({v})"),
        };
        format!("module {mpath}@latest found{found}, but does not contain package {path}")
    }
}

/// Finds the module that would provide `path` (go's `queryImport` under `-mod=mod`): the
/// module path and version to add, or the error text the package then carries.
pub fn query_import(q: &QueryInputs<'_>, path: &str) -> Result<(String, String), String> {
    // Replaced modules first, longest path first.
    let mut mods: Vec<(String, String)> = q
        .highest_replaced()
        .into_iter()
        .filter(|(mp, mv)| {
            in_module(path, mp) && cmp_version((q.selected)(mp).as_deref(), mv).is_lt()
        })
        .collect();
    mods.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
    for (mp, mv) in &mods {
        let (root, local) = (q.fetch)(mp, mv).map_err(|f| f.message)?;
        if q.provides(path, mp, mv, &root, local) {
            if q.readonly.is_some() {
                let suggest = if is_zero_pseudo_version(mv) {
                    mp.clone()
                } else {
                    format!("{mp}@{mv}")
                };
                return Err(format!("module {mp} provides package {path} and is replaced but not required; to add it:\n\tgo get {suggest}"));
            }
            return Ok((mp.clone(), mv.clone()));
        }
    }
    if let Some((mp, mv)) = mods.first() {
        if crate::module::check_import_path(path).is_err() {
            return Err(q.not_in_module(mp, mv, path));
        }
    }
    if is_standard_import_path(path) {
        return Err(format!(
            "package {path} is not in GOROOT ({}/src/{path})",
            q.goroot.trim_end_matches('/')
        ));
    }
    match q.readonly {
        Some("") => {
            return Err(format!(
                "no required module provides package {path}; to add it:\n\tgo get {path}"
            ))
        }
        Some(why) => {
            return Err(format!(
                "cannot find module providing package {path}: {why}"
            ))
        }
        None => {}
    }
    // Every prefix that can be a module path (not a main module), longest first.
    let mut found: Vec<(String, String)> = Vec::new();
    let mut mod_only: Option<(String, String)> = None;
    let (mut no_package, mut no_version, mut invalid, mut not_exist, mut other) =
        (None, None, None, None, None);
    let mut prefix = path;
    loop {
        let candidate =
            !q.main_paths.iter().any(|m| m == prefix) && split_path_version(prefix).is_some();
        if candidate {
            match q.query_module(path, prefix) {
                Ok((v, true)) => found.push((prefix.to_string(), v)),
                Ok((v, false)) => {
                    mod_only.get_or_insert((prefix.to_string(), v));
                }
                Err(Fail::NoPackage(t)) => {
                    no_package.get_or_insert(t);
                }
                Err(Fail::NoVersion(t)) => {
                    no_version.get_or_insert(t);
                }
                Err(Fail::Invalid(t)) => {
                    invalid.get_or_insert(t);
                }
                Err(Fail::NotExist(t)) => {
                    not_exist.get_or_insert(t);
                }
                Err(Fail::Other(t)) => {
                    // An unclassified error counts only when nothing longer was found.
                    if other.is_none()
                        && found.is_empty()
                        && mod_only.is_none()
                        && no_package.is_none()
                    {
                        other = Some(t);
                    }
                }
            }
        }
        match prefix.rfind('/') {
            Some(i) => prefix = &prefix[..i],
            None => break,
        }
    }
    if let Some(t) = other {
        return Err(t);
    }
    if found.is_empty() {
        if let Some((mp, v)) = mod_only {
            return Err(q.not_in_module(&mp, &v, path));
        }
        if let Some(t) = no_package.or(no_version).or(invalid) {
            return Err(t);
        }
        return Err(match not_exist {
            Some(t) => format!("cannot find module providing package {path}: {t}"),
            None => format!("cannot find module providing package {path}"),
        });
    }
    // A candidate the graph already has at a higher version does not provide the package there.
    let mut missing_version = None;
    for (i, (mp, v)) in found.iter().enumerate() {
        let sel = (q.selected)(mp);
        if let Some(s) = sel.as_deref().filter(|s| !s.is_empty()) {
            if semver::compare(s, v).is_gt() {
                if i == 0 {
                    missing_version = Some(s.to_string());
                }
                continue;
            }
        }
        return Ok((mp.clone(), v.clone()));
    }
    let (mp, v) = &found[0];
    Err(match missing_version {
        Some(nv) => format!(
            "package {path} provided by {mp} at latest version {v} but not at required version {nv}"
        ),
        None => format!("missing module for import: {mp}@{v} provides {path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Fetched, MemFs};
    use std::collections::HashMap;
    use std::sync::Arc;

    /// A proxy in memory: (path, version, kind) → bytes; everything else is missing.
    struct Proxy(HashMap<(String, String, &'static str), Vec<u8>>);

    impl ModuleSource for Proxy {
        fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
            let v = if kind == FileKind::List { "" } else { version };
            match self.0.get(&(path.to_string(), v.to_string(), kind.ext())) {
                Some(d) => Ok(Fetched {
                    data: Arc::from(&d[..]),
                    location: String::new(),
                }),
                None => Err(SourceError::NotFound {
                    message: format!("reading mem://{path}/@v/{v}.{}: no such file", kind.ext()),
                }),
            }
        }
        fn describe(&self) -> String {
            "mem".into()
        }
    }

    struct World {
        proxy: Proxy,
        fs: MemFs,
        replaced: Vec<(String, String, String)>,
        excluded: Vec<(String, String)>,
        selected: Vec<(String, String)>,
        readonly: Option<String>,
    }

    impl World {
        fn new() -> Self {
            World {
                proxy: Proxy(HashMap::new()),
                fs: MemFs::new(),
                replaced: Vec::new(),
                excluded: Vec::new(),
                selected: Vec::new(),
                readonly: None,
            }
        }

        /// A module in the proxy: versions listed, each with .info, a go.mod of its own (or the
        /// synthesized one) and files (package dirs under the module root).
        fn module(&mut self, path: &str, versions: &[&str], own_gomod: bool, pkgs: &[&str]) {
            let list: String = versions.iter().map(|v| format!("{v}\n")).collect();
            self.proxy
                .0
                .insert((path.into(), String::new(), "list"), list.into_bytes());
            for v in versions {
                self.proxy
                    .0
                    .insert((path.into(), v.to_string(), "info"), b"{}".to_vec());
                let gomod = if own_gomod {
                    format!("module {path}\n\ngo 1.17\n")
                } else {
                    format!("module {path}\n")
                };
                self.proxy
                    .0
                    .insert((path.into(), v.to_string(), "mod"), gomod.into_bytes());
                for p in pkgs {
                    let dir = if p.is_empty() {
                        format!("/mc/{path}@{v}")
                    } else {
                        format!("/mc/{path}@{v}/{p}")
                    };
                    self.fs
                        .insert(&format!("{dir}/x.go"), b"package x\n".to_vec());
                }
            }
        }

        fn query(&self, path: &str) -> Result<(String, String), String> {
            let mains = vec!["example.com/main".to_string()];
            let excluded = |p: &str, v: &str| self.excluded.iter().any(|(a, b)| a == p && b == v);
            let selected = |p: &str| {
                if p == "example.com/main" {
                    return Some(String::new());
                }
                self.selected
                    .iter()
                    .find(|(a, _)| a == p)
                    .map(|(_, v)| v.clone())
            };
            let fetch = |p: &str, v: &str| -> Result<(String, bool), FetchFail> {
                if let Some((_, _, to)) = self
                    .replaced
                    .iter()
                    .find(|(a, b, _)| a == p && (b.is_empty() || b == v))
                {
                    return Ok((to.clone(), true));
                }
                if self
                    .proxy
                    .0
                    .contains_key(&(p.to_string(), v.to_string(), "info"))
                {
                    Ok((format!("/mc/{p}@{v}"), false))
                } else {
                    Err(FetchFail {
                        message: format!("{p}@{v}: reading zip: no such file"),
                        not_found: true,
                    })
                }
            };
            let q = QueryInputs {
                source: &self.proxy,
                fs: &self.fs,
                main_paths: &mains,
                goroot: "/goroot",
                replaced: &self.replaced,
                excluded: &excluded,
                selected: &selected,
                fetch: &fetch,
                readonly: self.readonly.as_deref(),
            };
            query_import(&q, path)
        }
    }

    fn ok(m: &str, v: &str) -> Result<(String, String), String> {
        Ok((m.to_string(), v.to_string()))
    }

    #[test]
    fn latest_release_of_the_longest_providing_prefix() {
        let mut w = World::new();
        w.module(
            "example.com/a",
            &["v1.0.0", "v1.2.0", "v1.3.0-pre"],
            true,
            &["b/c"],
        );
        w.module("example.com/a/b", &["v0.1.0"], true, &["zz"]);
        assert_eq!(w.query("example.com/a/b/c"), ok("example.com/a", "v1.2.0"));
        // Excluded versions are not candidates.
        w.excluded.push(("example.com/a".into(), "v1.2.0".into()));
        assert_eq!(w.query("example.com/a/b/c"), ok("example.com/a", "v1.0.0"));
        // Only pre-releases allowed: the highest one.
        w.excluded.push(("example.com/a".into(), "v1.0.0".into()));
        assert_eq!(
            w.query("example.com/a/b/c"),
            ok("example.com/a", "v1.3.0-pre")
        );
    }

    #[test]
    fn failures_in_the_go_command_words() {
        let mut w = World::new();
        assert_eq!(
            w.query("example.com/nobody/x"),
            Err("cannot find module providing package example.com/nobody/x: module example.com/nobody/x: reading mem://example.com/nobody/x/@v/.list: no such file".into())
        );
        w.module("example.com/a", &["v1.0.0"], true, &[""]);
        assert_eq!(
            w.query("example.com/a/zz"),
            Err("module example.com/a@latest found (v1.0.0), but does not contain package example.com/a/zz".into())
        );
        // The graph already has a higher version, which lacks the package.
        w.module("example.com/b", &["v1.0.0"], true, &["p"]);
        w.selected.push(("example.com/b".into(), "v1.5.0".into()));
        assert_eq!(
            w.query("example.com/b/p"),
            Err("package example.com/b/p provided by example.com/b at latest version v1.0.0 but not at required version v1.5.0".into())
        );
        // A module with a list but no versions.
        w.module("example.com/empty", &[], true, &[]);
        assert_eq!(
            w.query("example.com/empty/p"),
            Err("no matching versions for query \"latest\"".into())
        );
        assert_eq!(
            w.query("nodot/x"),
            Err("package nodot/x is not in GOROOT (/goroot/src/nodot/x)".into())
        );
    }

    #[test]
    fn incompatible_versions_only_without_a_go_mod() {
        let mut w = World::new();
        w.module(
            "example.com/i",
            &["v0.2.0", "v2.1.0+incompatible"],
            true,
            &[""],
        );
        assert_eq!(w.query("example.com/i"), ok("example.com/i", "v0.2.0"));
        let mut w = World::new();
        w.module(
            "example.com/i",
            &["v0.2.0", "v2.1.0+incompatible"],
            false,
            &[""],
        );
        assert_eq!(
            w.query("example.com/i"),
            ok("example.com/i", "v2.1.0+incompatible")
        );
    }

    #[test]
    fn replaced_modules_come_first() {
        let mut w = World::new();
        w.module("example.com/r", &["v1.0.0"], true, &["p"]);
        w.fs.insert("/local/r/p/x.go", b"package p\n".to_vec());
        w.replaced
            .push(("example.com/r".into(), String::new(), "/local/r".into()));
        assert_eq!(
            w.query("example.com/r/p"),
            ok("example.com/r", "v0.0.0-00010101000000-000000000000")
        );
        // Not when the graph already selects a version at least as high.
        w.selected.push(("example.com/r".into(), "v0.5.0".into()));
        assert_eq!(w.query("example.com/r/p"), ok("example.com/r", "v1.0.0"));
    }

    /// `GOPROXY=off`.
    struct Off;

    impl ModuleSource for Off {
        fn fetch(&self, _: &str, _: &str, _: FileKind) -> Result<Fetched, SourceError> {
            Err(SourceError::Disabled {
                message: "module lookup disabled by GOPROXY=off".into(),
            })
        }
        fn describe(&self) -> String {
            "off".into()
        }
    }

    #[test]
    fn proxy_off_is_cannot_find() {
        let fs = MemFs::new();
        let no = |_: &str, _: &str| false;
        let none = |_: &str| None;
        let fetch = |_: &str, _: &str| -> Result<(String, bool), FetchFail> {
            Err(FetchFail {
                message: "off".into(),
                not_found: true,
            })
        };
        let q = QueryInputs {
            source: &Off,
            fs: &fs,
            main_paths: &[],
            goroot: "/goroot",
            replaced: &[],
            excluded: &no,
            selected: &none,
            fetch: &fetch,
            readonly: None,
        };
        assert_eq!(
            query_import(&q, "example.com/nobody/y"),
            Err("cannot find module providing package example.com/nobody/y: module lookup disabled by GOPROXY=off".into())
        );
    }

    #[test]
    fn readonly_asks_no_proxy() {
        let mut w = World::new();
        w.module("example.com/a", &["v1.0.0"], true, &[""]);
        w.fs.insert("/local/r/x.go", b"package r\n".to_vec());
        w.replaced
            .push(("example.com/r".into(), "v1.1.0".into(), "/local/r".into()));
        w.readonly = Some(String::new());
        assert_eq!(
            w.query("example.com/a"),
            Err("no required module provides package example.com/a; to add it:\n\tgo get example.com/a".into())
        );
        assert_eq!(
            w.query("example.com/r"),
            Err("module example.com/r provides package example.com/r and is replaced but not required; to add it:\n\tgo get example.com/r@v1.1.0".into())
        );
        w.readonly = Some("import lookup disabled by -mod=readonly".into());
        assert_eq!(
            w.query("example.com/a"),
            Err("cannot find module providing package example.com/a: import lookup disabled by -mod=readonly".into())
        );
    }
}
