//! `go list` for packages in module mode: load the named packages and (with `-deps`) everything
//! they import, each import found in the build list by [`crate::pkg::modload`], with go list's
//! fields (Dir, ImportPath, Name, Module, Standard, Goroot, Imports, ImportMap, Deps, Incomplete,
//! Error, DepsErrors).
//!
//! Order and fields follow Go 1.19's `cmd/go` in module mode: a package's `Imports` are its
//! resolved imports in sorted source order; `Deps` is the sorted transitive set; `-deps` lists
//! packages in post-order. An import that cannot be resolved is listed as a package of its own
//! with the lookup `Error`, whose `ImportStack` is the chain of importers (not the package
//! itself) and whose `Pos` is the importing file's position (relative to the working directory
//! when shorter). The caller supplies the file system (module trees included) and, per module
//! path, the `Module` object to print.

use crate::graph::list::ModulePublic;
use crate::pkg::constraint::BuildContext;
use crate::pkg::load::{import_position, load_dir, PkgError};
use crate::pkg::modload::{import_from_modules, ModFound, ModLookupError, ModuleRoot, VendorMode};
use crate::pkg::record::{Package, PackageGraph};
use crate::report::trace::{Event, EventKind, Trace};
use crate::source::Fs;
use std::collections::BTreeSet;

/// What a module-mode lister reads: files, GOROOT, the build list and how modules are shown.
pub struct ModListEnv<'a> {
    /// The file system (module trees included).
    pub fs: &'a dyn Fs,
    /// `$GOROOT`.
    pub goroot: &'a str,
    /// The build list with directories.
    pub build_list: &'a [ModuleRoot],
    /// Pruned graphs: the main modules and root requirements at their root versions, searched
    /// first (the go command's first pass); the full build list only when they do not provide
    /// the package.
    pub roots_first: Option<&'a [ModuleRoot]>,
    /// Vendor mode inputs, when `-mod=vendor`.
    pub vendor: Option<&'a VendorMode>,
    /// The build context.
    pub ctx: &'a BuildContext,
    /// The working directory (positions are shown relative to it when shorter).
    pub cwd: &'a str,
    /// The `Module` object of a module path and version (`None`: not shown).
    pub module_of: &'a dyn Fn(&str, &str) -> Option<ModulePublic>,
    /// The error text of a failed lookup (the caller may reword by mode, e.g. `-mod=mod`).
    pub error_text: &'a dyn Fn(&ModLookupError) -> String,
}

/// Finds `path` as the go command's `importFromModules` does in a pruned graph: among
/// `roots_first` (main modules and root requirements at their root versions) when given, and in
/// the full `build_list` only when no root provides it (an ambiguity among roots is final). The
/// flag says whether the full list was consulted.
pub fn import_roots_first(
    fs: &dyn Fs,
    goroot: &str,
    roots_first: Option<&[ModuleRoot]>,
    build_list: &[ModuleRoot],
    vendor: Option<&VendorMode>,
    path: &str,
) -> (Result<ModFound, ModLookupError>, bool) {
    let first = roots_first.map(|roots| import_from_modules(fs, goroot, roots, vendor, path));
    match first {
        Some(Err(ModLookupError::NoModule(_) | ModLookupError::NotInGoroot { .. })) | None => (
            import_from_modules(fs, goroot, build_list, vendor, path),
            true,
        ),
        Some(r) => (r, false),
    }
}

/// The go command's check after the roots of a pruned graph changed (Go 1.19 `modload/load.go`
/// `updateRequirements`): packages load again only when a loaded package's module is now
/// selected at another version (`selected`: module path → selected version in the new graph),
/// or when a package that failed would now be found (looked up with the new `roots_first`, then
/// `build_list`). Otherwise the packages, errors included, stay as loaded, though the roots
/// changed.
pub fn reload_needed(
    pkgs: &[&Package],
    fs: &dyn Fs,
    goroot: &str,
    roots_first: &[ModuleRoot],
    build_list: &[ModuleRoot],
    selected: &dyn Fn(&str) -> Option<String>,
) -> bool {
    pkgs.iter().any(|p| {
        if let Some(m) = p
            .module
            .as_ref()
            .filter(|m| !m.main && !m.version.is_empty())
        {
            if selected(&m.path).as_deref() != Some(m.version.as_str()) {
                return true;
            }
        }
        p.error.is_some()
            && import_roots_first(
                fs,
                goroot,
                Some(roots_first),
                build_list,
                None,
                &p.import_path,
            )
            .0
            .is_ok()
    })
}

/// A module-mode `go list` run.
pub struct ModLister<'a> {
    env: ModListEnv<'a>,
    /// Lookup steps (candidates and probes) when recording.
    pub trace: Trace,
    /// Whether a lookup consulted the full build list (the roots did not answer it): the go
    /// command has then loaded the module graph, which decides how roots are updated.
    pub graph_used: bool,
    /// Import paths no module of the build list provides (the go command's
    /// `ImportMissingError`), in load order: under `-mod=mod` these are looked up in the proxy.
    pub missing: Vec<String>,
    pushed: usize,
    /// The first import path loaded for each case-folded path (the go command's `foldPath`).
    folded: std::collections::HashMap<String, String>,
    /// Missing-go.sum errors as a command-line package carries them (no importer), by path.
    sum_root_texts: std::collections::HashMap<String, String>,
    graph: PackageGraph,
    loading: BTreeSet<String>,
}

fn pkg_error_text(e: &PkgError) -> String {
    e.to_string()
}

impl<'a> ModLister<'a> {
    /// A lister over `env`.
    pub fn new(env: ModListEnv<'a>, trace: Trace) -> Self {
        ModLister {
            env,
            trace,
            graph_used: false,
            missing: Vec::new(),
            pushed: 0,
            folded: std::collections::HashMap::new(),
            sum_root_texts: std::collections::HashMap::new(),
            graph: PackageGraph::default(),
            loading: BTreeSet::new(),
        }
    }

    /// Finds `path` in the build list, recording each candidate module and its probe.
    pub fn lookup(&mut self, path: &str) -> Result<ModFound, ModLookupError> {
        self.lookup_in(path, true)
    }

    /// Whether `path` is a package of a main module (a module of the build list without a
    /// version and with a local tree).
    fn in_main(&self, path: &str) -> bool {
        self.env.build_list.iter().any(|m| {
            m.version.is_empty()
                && m.local
                && (path == m.path || path.starts_with(&format!("{}/", m.path)))
        })
    }

    fn lookup_in(&mut self, path: &str, roots_first: bool) -> Result<ModFound, ModLookupError> {
        if let (true, Some(v)) = (self.trace.enabled, self.env.vendor) {
            // Vendor mode: the main module, then vendor/.
            let (main_path, main_dir) = &v.main;
            let vdir = format!("{}/vendor/{path}", main_dir.trim_end_matches('/'));
            self.trace.push_with(|| {
                Event::new(EventKind::LookupCandidate, path, main_path.clone())
                    .with_result("main module")
            });
            self.trace.push_with(|| {
                Event::new(EventKind::LookupCandidate, path, vdir).with_result("vendor directory")
            });
        } else if self.trace.enabled {
            let mut prefix = path;
            loop {
                for m in self.env.build_list.iter().filter(|m| m.path == prefix) {
                    let shown = if m.version.is_empty() {
                        m.path.clone()
                    } else {
                        format!("{}@{}", m.path, m.version)
                    };
                    self.trace.push_with(|| {
                        Event::new(EventKind::LookupCandidate, path, shown).with_result("module")
                    });
                    let result = match &m.dir {
                        None => "missing go.sum",
                        Some(_) => "checked",
                    };
                    let rest = path
                        .strip_prefix(prefix)
                        .unwrap_or("")
                        .trim_start_matches('/');
                    let dir = match (&m.dir, rest.is_empty()) {
                        (Some(d), true) => d.clone(),
                        (Some(d), false) => format!("{d}/{rest}"),
                        (None, _) => String::new(),
                    };
                    self.trace.push_with(|| {
                        Event::new(EventKind::LookupProbe, path, dir).with_result(result)
                    });
                }
                match prefix.rfind('/') {
                    Some(i) => prefix = &prefix[..i],
                    None => break,
                }
            }
        }
        let (r, full) = import_roots_first(
            self.env.fs,
            self.env.goroot,
            self.env.roots_first.filter(|_| roots_first),
            self.env.build_list,
            self.env.vendor,
            path,
        );
        self.graph_used |= full && self.env.vendor.is_none();
        if self.trace.enabled {
            let (detail, result) = match &r {
                Ok(f)
                    if self.env.vendor.is_some()
                        && f.module.is_empty()
                        && !f.dir.is_empty()
                        && !self.env.fs.is_dir(&f.dir) =>
                {
                    (f.dir.clone(), "absent")
                }
                Ok(f) => (f.dir.clone(), "found"),
                Err(e) => (e.to_string(), "error"),
            };
            self.trace
                .push_with(|| Event::new(EventKind::LookupProbe, path, detail).with_result(result));
        }
        r
    }

    /// The go command's missing-go.sum text for a lookup (`ImportMissingSumError`): the
    /// importer, and how to add the sums (`go get` on the importer, or `go mod download` of the
    /// candidate modules for a command-line package).
    fn missing_sum_text(
        &self,
        e: &ModLookupError,
        modules: &[String],
        importer: Option<&String>,
    ) -> String {
        let mut text = e.to_string();
        let Some(imp) = importer else {
            if !modules.is_empty() {
                let mut mods = modules.to_vec();
                mods.reverse();
                text.push_str(&format!("; to add:\n\tgo mod download {}", mods.join(" ")));
            }
            return text;
        };
        // " (imported by X)" goes after the package path, before the rest of the sentence.
        let (ModLookupError::MissingSum { path, .. }
        | ModLookupError::MissingSumAmbiguity { path, .. }) = e
        else {
            return text;
        };
        text = text.replacen(
            &format!("package {path}"),
            &format!("package {path} (imported by {imp})"),
            1,
        );
        let version = self
            .graph
            .find(imp)
            .and_then(|i| self.graph.get(i).module.as_ref())
            .filter(|m| !m.main)
            .map(|m| m.version.clone())
            .unwrap_or_default();
        let at = if version.is_empty() {
            String::new()
        } else {
            format!("@{version}")
        };
        text.push_str(&format!("; to add:\n\tgo get {imp}{at}"));
        text
    }

    /// Loads the package `path` (a command-line import path) and its imports; its index.
    pub fn load_arg(&mut self, path: &str) -> usize {
        // A command-line package has no importer in the go command's module loader, even when
        // another package imported it first: its missing-go.sum hint names no importer.
        if let (Some(i), Some(root_text)) = (self.graph.find(path), self.sum_root_texts.get(path)) {
            if let Some(old) = self.graph.get(i).error.as_ref().map(|e| e.err.clone()) {
                let root_text = root_text.clone();
                self.reword_error(&old, &root_text);
            }
        }
        self.load(path, &[], None)
    }

    fn import_pos(&self, importer_dir: &str, files: &[String], imp: &str) -> String {
        import_position(self.env.fs, self.env.cwd, importer_dir, files, imp)
    }

    fn load(&mut self, path: &str, stack: &[String], pos: Option<String>) -> usize {
        if let Some(i) = self.graph.find(path) {
            return i;
        }
        let mut p = Package {
            import_path: path.to_string(),
            ..Default::default()
        };
        // A pruned graph: the roots first, the full build list when they do not provide it.
        let found = match self.lookup_in(path, true) {
            Ok(f) => f,
            Err(e) => {
                if matches!(
                    e,
                    ModLookupError::NoModule(_) | ModLookupError::NotInGoroot { .. }
                ) {
                    self.missing.push(path.to_string());
                }
                let mut text = (self.env.error_text)(&e);
                if let ModLookupError::MissingSum { modules, .. }
                | ModLookupError::MissingSumAmbiguity { modules, .. } = &e
                {
                    text = self.missing_sum_text(&e, modules, stack.last());
                    let root_text = self.missing_sum_text(&e, modules, None);
                    self.sum_root_texts.insert(path.to_string(), root_text);
                }
                p.fail(stack.to_vec(), pos.unwrap_or_default(), text);
                self.fold_collision(path);
                return self.push(p);
            }
        };
        p.dir = found.dir.clone();
        if self.env.vendor.is_some()
            && found.module.is_empty()
            && !found.dir.is_empty()
            && !self.env.fs.is_dir(&found.dir)
        {
            // Vendor mode: neither the main module nor vendor/ has it.
            p.fail(
                stack.to_vec(),
                pos.unwrap_or_default(),
                format!("cannot find package \".\" in:\n\t{}", found.dir),
            );
            self.fold_collision(path);
            return self.push(p);
        }
        let importers = stack.to_vec();
        let mut stack = stack.to_vec();
        stack.push(path.to_string());
        let standard = found.module == "std" || found.module == "cmd";
        p.standard = standard;
        p.goroot = standard;
        if !standard {
            p.module = (self.env.module_of)(&found.module, &found.version);
        }
        let dp = load_dir(self.env.fs, &found.dir, self.env.ctx);
        p.name = dp.name.clone();
        p.go_files = dp.go_files.clone();
        if let Some(e) = &dp.error {
            p.fail(stack.clone(), String::new(), pkg_error_text(e));
        }
        if let Some(other) = self.fold_collision(path) {
            // The go command stops loading the package here: no module, its imports are
            // listed but not loaded, and the error does not make it incomplete.
            if p.error.is_none() {
                p.module = None;
                p.imports = dp.imports.clone();
                let err = format!("case-insensitive import collision: {path:?} and {other:?}");
                p.fail(importers, pos.unwrap_or_default(), err);
                p.incomplete = false;
                let id = self.push(p);
                self.graph.set_imports(id, Vec::new());
                return id;
            }
        }
        let id = self.push(p);
        self.loading.insert(path.to_string());
        let mut imports = Vec::new();
        let mut children = Vec::new();
        let mut files = dp.go_files.clone();
        files.extend(dp.cgo_files.iter().cloned());
        files.sort();
        for src in &dp.imports {
            imports.push(src.clone());
            if src == "C" {
                continue;
            }
            if self.loading.contains(src) {
                // An import cycle: the package reached again gets the error, as go list reports it.
                if let Some(c) = self.graph.find(src) {
                    let pk = self.graph.get_mut(c);
                    if pk.error.is_none() {
                        pk.fail(
                            stack.iter().cloned().chain([src.clone()]).collect(),
                            String::new(),
                            "import cycle not allowed".into(),
                        );
                    }
                    children.push(c);
                }
                continue;
            }
            let pos = if self.graph.find(src).is_some() {
                None
            } else {
                Some(self.import_pos(&found.dir, &files, src))
            };
            children.push(self.load(src, &stack, pos));
        }
        // A command also depends on what the linker adds (go's LinkerDeps; runtime with cgo off),
        // which -deps lists but Imports does not show.
        if dp.name == "main" && !dp.imports.iter().any(|i| i == "runtime") && path != "runtime" {
            if self.loading.contains("runtime") {
                if let Some(c) = self.graph.find("runtime") {
                    children.push(c);
                }
            } else {
                children.push(self.load("runtime", &stack, None));
            }
        }
        self.loading.remove(path);
        self.graph.get_mut(id).imports = imports;
        self.graph.set_imports(id, children);
        id
    }

    /// The loaded packages in "all" (the go command's `pkgInAll`): the main modules' packages
    /// and everything they import, directly or not.
    pub fn in_all(&self, roots: &[usize]) -> BTreeSet<String> {
        let pkgs = self.output(roots, true);
        let by_path: std::collections::HashMap<&str, &Package> =
            pkgs.iter().map(|p| (p.import_path.as_str(), *p)).collect();
        let mut all = BTreeSet::new();
        let mut work: Vec<&str> = pkgs
            .iter()
            .filter(|p| self.in_main(&p.import_path) && p.module.is_some())
            .map(|p| p.import_path.as_str())
            .collect();
        while let Some(path) = work.pop() {
            if !all.insert(path.to_string()) {
                continue;
            }
            if let Some(p) = by_path.get(path) {
                work.extend(p.imports.iter().map(String::as_str));
            }
        }
        all
    }

    /// Records `path` as loaded under its case-folded form; the path loaded first under the
    /// same form when it differs from `path` (a case-insensitive import collision).
    fn fold_collision(&mut self, path: &str) -> Option<String> {
        let other = self
            .folded
            .entry(path.to_lowercase())
            .or_insert_with(|| path.to_string());
        (other != path).then(|| other.clone())
    }

    fn push(&mut self, p: Package) -> usize {
        let id = self.graph.push(p);
        self.pushed = self.pushed.max(id + 1);
        id
    }

    /// Replaces the error text `old` by `new` wherever a package carries it (its own error and
    /// the `DepsErrors` of its importers): a missing import's error once the proxy was asked.
    pub fn reword_error(&mut self, old: &str, new: &str) {
        for id in 0..self.pushed {
            let p = self.graph.get_mut(id);
            for e in p.error.iter_mut().chain(p.deps_errors.iter_mut()) {
                if e.err == old {
                    e.err = new.to_string();
                }
            }
        }
    }

    /// The packages to print: the named ones, or with `deps` every package reachable from them
    /// in post-order (dependencies first, imports in sorted order).
    pub fn output(&self, roots: &[usize], deps: bool) -> Vec<&Package> {
        self.graph.output(roots, deps, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemFs;

    /// Runs `f` on a lister over `fs` whose build list is the main module `example.com/main` in
    /// `/main` and the dependency `example.com/<dep>` v1.0.0 in `/mc/<dep>@v1.0.0`.
    fn with_lister<R>(
        fs: &MemFs,
        dep: &str,
        trace: Trace,
        f: impl FnOnce(&mut ModLister<'_>) -> R,
    ) -> R {
        let bl = vec![
            ModuleRoot {
                path: "example.com/main".into(),
                version: String::new(),
                dir: Some("/main".into()),
                local: true,
            },
            ModuleRoot {
                path: format!("example.com/{dep}"),
                version: "v1.0.0".into(),
                dir: Some(format!("/mc/{dep}@v1.0.0")),
                local: false,
            },
        ];
        let ctx = BuildContext::default();
        let module_of = |p: &str, _: &str| {
            Some(ModulePublic {
                path: p.to_string(),
                ..Default::default()
            })
        };
        let error_text = |e: &ModLookupError| e.to_string();
        let env = ModListEnv {
            fs,
            goroot: "/goroot",
            build_list: &bl,
            roots_first: None,
            vendor: None,
            ctx: &ctx,
            cwd: "/main",
            module_of: &module_of,
            error_text: &error_text,
        };
        f(&mut ModLister::new(env, trace))
    }

    #[test]
    fn deps_errors_and_order() {
        let mut fs = MemFs::new();
        fs.insert(
            "/main/main.go",
            b"package app\n\nimport (\n\t\"example.com/a\"\n\t\"example.com/nope\"\n)\n".to_vec(),
        );
        fs.insert(
            "/mc/a@v1.0.0/a.go",
            b"package a\n\nimport \"example.com/a/b\"\n".to_vec(),
        );
        fs.insert("/mc/a@v1.0.0/b/b.go", b"package b\n".to_vec());
        with_lister(&fs, "a", Trace::recording(), |l| {
            let r = l.load_arg("example.com/main");
            let out: Vec<String> = l
                .output(&[r], true)
                .iter()
                .map(|p| p.import_path.clone())
                .collect();
            assert_eq!(
                out,
                vec![
                    "example.com/a/b",
                    "example.com/a",
                    "example.com/nope",
                    "example.com/main"
                ]
            );
            let main = l.output(&[r], false)[0].clone();
            assert!(main.incomplete);
            assert_eq!(main.deps_errors.len(), 1);
            let e = &main.deps_errors[0];
            assert_eq!(e.import_stack, vec!["example.com/main"]);
            assert_eq!(e.pos, "main.go:5:2");
            assert!(e
                .err
                .starts_with("no required module provides package example.com/nope"));
            assert!(l
                .trace
                .events
                .iter()
                .any(|e| e.kind == EventKind::LookupCandidate));
        });
    }

    #[test]
    fn case_insensitive_import_collision() {
        let mut fs = MemFs::new();
        fs.insert(
            "/main/main.go",
            b"package app\n\nimport (\n\t\"example.com/m/Foo\"\n\t\"example.com/m/foo\"\n)\n"
                .to_vec(),
        );
        fs.insert("/mc/m@v1.0.0/Foo/f.go", b"package Foo\n".to_vec());
        fs.insert(
            "/mc/m@v1.0.0/foo/f.go",
            b"package foo\n\nimport \"example.com/m/bar\"\n".to_vec(),
        );
        fs.insert("/mc/m@v1.0.0/bar/b.go", b"package bar\n".to_vec());
        with_lister(&fs, "m", Trace::off(), |l| {
            let r = l.load_arg("example.com/main");
            let out = l.output(&[r], true);
            let paths: Vec<&str> = out.iter().map(|p| p.import_path.as_str()).collect();
            // The colliding package's import is not loaded.
            assert_eq!(
                paths,
                vec!["example.com/m/Foo", "example.com/m/foo", "example.com/main"]
            );
            let foo = out[1];
            let e = foo.error.as_ref().expect("collision error");
            assert_eq!(
            e.err,
            "case-insensitive import collision: \"example.com/m/foo\" and \"example.com/m/Foo\""
        );
            assert_eq!(e.import_stack, vec!["example.com/main"]);
            assert_eq!(e.pos, "main.go:5:2");
            assert!(foo.module.is_none() && !foo.incomplete);
            assert_eq!(foo.imports, vec!["example.com/m/bar"]);
            assert!(out[0].error.is_none() && out[0].module.is_some());
        });
    }
}
