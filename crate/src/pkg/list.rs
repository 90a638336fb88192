//! `go list` for packages in GOPATH mode: load the named packages and (with `-deps`) everything they
//! import, resolving each import from its importer, and report go list's fields.
//!
//! Order and fields follow Go 1.19's `cmd/go`: a package's `Imports` are its resolved import paths
//! in the order of the sorted source paths; `ImportMap` maps a source path to its resolved path when
//! they differ (vendoring, module compatibility); `Deps` is the sorted set of all transitive
//! imports; `-deps` lists packages in post-order (dependencies before their importers). A package
//! that cannot be found is listed with its `Error` and no `Dir`.

use crate::pkg::gopath::{Importer, LookupError, Resolver};
use crate::pkg::load::{import_position, PkgError};
use crate::pkg::record::{Package, PackageGraph};
use std::collections::{BTreeMap, BTreeSet};

/// A `go list` run over one resolver.
pub struct Lister<'r, 'a> {
    resolver: &'r mut Resolver<'a>,
    /// The working directory (error positions are shown relative to it when shorter).
    cwd: String,
    graph: PackageGraph,
    loading: BTreeSet<String>,
}

impl<'r, 'a> Lister<'r, 'a> {
    /// A lister resolving through `resolver`.
    pub fn new(resolver: &'r mut Resolver<'a>) -> Self {
        Lister {
            resolver,
            cwd: String::new(),
            graph: PackageGraph::default(),
            loading: BTreeSet::new(),
        }
    }

    /// Loads a command-line argument (an import path, or a relative path against `cwd`) and its
    /// imports; returns the package's index.
    pub fn load_arg(&mut self, arg: &str, cwd: &str) -> usize {
        let local = arg == "."
            || arg == ".."
            || arg.starts_with("./")
            || arg.starts_with("../")
            || arg.starts_with('/');
        cwd.clone_into(&mut self.cwd);
        let res = if local {
            self.resolver.resolve_local(arg, cwd)
        } else {
            self.resolver.resolve(arg, None)
        };
        let source = res.import_path.clone();
        self.load_resolution(res, &source, &[], None)
    }

    /// Loads a resolved package reached through `source` (the import path as written, or the
    /// command-line package's path) with `stack` the source paths of its importers; `pos` is
    /// where the last importer imports it.
    fn load_resolution(
        &mut self,
        res: crate::pkg::gopath::Resolution,
        source: &str,
        stack: &[String],
        pos: Option<String>,
    ) -> usize {
        if let Some(i) = self.graph.find(&res.import_path) {
            return i;
        }
        let mut p = Package {
            import_path: res.import_path.clone(),
            ..Default::default()
        };
        let found = match res.result {
            Ok(f) => f,
            Err(e) => {
                // The go command blames the importer: the stack stops before the package and
                // the position is the import's.
                p.fail(
                    stack.to_vec(),
                    pos.unwrap_or_default(),
                    lookup_error_text(&e),
                );
                return self.graph.push(p);
            }
        };
        let mut stack = stack.to_vec();
        stack.push(source.to_string());
        p.dir = found.dir.clone();
        p.goroot = found.goroot;
        p.standard = Resolver::is_standard(&found);
        if let Some(root) = self.resolver.roots().get(found.root) {
            p.root = root.dir.clone();
        }
        let dp = self.resolver.load(&found);
        p.name = dp.name.clone();
        p.go_files = dp.go_files.clone();
        p.ignored_go_files = dp.ignored_go_files.clone();
        p.test_go_files = dp.test_go_files.clone();
        p.x_test_go_files = dp.xtest_go_files.clone();
        if let Some(e) = &dp.error {
            p.fail(stack.clone(), String::new(), pkg_error_text(e));
        }
        let id = self.graph.push(p);
        self.loading.insert(res.import_path.clone());
        let importer = Importer {
            import_path: res.import_path.clone(),
            dir: found.dir.clone(),
            root: Some(found.root).filter(|&r| r != usize::MAX),
        };
        let mut imports = Vec::new();
        let mut import_map = BTreeMap::new();
        let mut children = Vec::new();
        // Cgo packages also depend on what cgo's generated code imports (not listed in Imports).
        let mut implicit: Vec<String> = Vec::new();
        if !dp.cgo_files.is_empty() {
            let std = self.graph.get(id).standard;
            let path = res.import_path.as_str();
            implicit.push("unsafe".into());
            if !(std && path == "runtime/cgo") {
                implicit.push("runtime/cgo".into());
            }
            if !(std
                && [
                    "runtime/cgo",
                    "runtime/race",
                    "runtime/msan",
                    "runtime/asan",
                ]
                .contains(&path))
            {
                implicit.push("syscall".into());
            }
            implicit.retain(|p| !dp.imports.contains(p));
        }
        let n_explicit = dp.imports.len();
        for (k, src) in dp.imports.iter().chain(&implicit).enumerate() {
            if src == "C" {
                imports.push(src.clone());
                continue;
            }
            let r = self.resolver.resolve(src, Some(&importer));
            let resolved = r.import_path.clone();
            if k < n_explicit {
                if resolved != *src {
                    import_map.insert(src.clone(), resolved.clone());
                }
                imports.push(resolved.clone());
            }
            let child = if self.loading.contains(&resolved) {
                self.graph.find(&resolved)
            } else {
                let pos = self.graph.find(&resolved).is_none().then(|| {
                    let mut files = dp.go_files.clone();
                    files.extend(dp.cgo_files.iter().cloned());
                    files.sort();
                    import_position(self.resolver.fs(), &self.cwd, &found.dir, &files, src)
                });
                Some(self.load_resolution(r, src, &stack, pos))
            };
            if let Some(c) = child {
                children.push(self.check_import(src, &found.dir, c, &stack));
            }
        }
        self.loading.remove(&res.import_path);
        let p = self.graph.get_mut(id);
        p.imports = imports;
        p.import_map = import_map;
        self.graph.set_imports(id, children);
        id
    }

    /// cmd/go's per-import checks (internal and vendor visibility, `x/vendor/y` spelled out,
    /// importing a command). A refused import gets its own copy of the package with the error,
    /// as the go command does; the shared package is left alone.
    fn check_import(
        &mut self,
        source: &str,
        importer_dir: &str,
        child: usize,
        stack: &[String],
    ) -> usize {
        let c = self.graph.get(child);
        let parent_dir = |i: usize| -> Option<String> {
            let i = if i > 0 { i - 1 } else { i };
            let trunc = (i + c.dir.len()).checked_sub(c.import_path.len())?;
            c.dir.get(..trunc).map(str::to_string)
        };
        let mut err: Option<String> = None;
        if c.error.is_none() {
            if let Some(i) = find_internal(&c.import_path) {
                if let Some(parent) = parent_dir(i) {
                    if !has_file_path_prefix(importer_dir, &parent) {
                        err = Some(format!(
                            "use of internal package {} not allowed",
                            c.import_path
                        ));
                    }
                }
            }
        }
        if err.is_none() {
            if let Some(i) = find_vendor(&c.import_path) {
                if let Some(parent) = parent_dir(i) {
                    if !has_file_path_prefix(importer_dir, &parent) {
                        err = Some("use of vendored package not allowed".to_string());
                    }
                }
            }
        }
        if err.is_none() {
            if let Some(i) = find_vendor(source) {
                err = Some(format!(
                    "{source} must be imported as {}",
                    &source[i + "vendor/".len()..]
                ));
            }
        }
        if err.is_none() && c.name == "main" && c.dir != importer_dir {
            err = Some(format!(
                "import \"{source}\" is a program, not an importable package"
            ));
        }
        let Some(err) = err else {
            return child;
        };
        let mut copy = c.clone();
        let mut import_stack = stack.to_vec();
        import_stack.push(copy.import_path.clone());
        copy.fail(import_stack, String::new(), err);
        self.graph.push_variant(copy, child)
    }

    /// The packages to print: the arguments' packages in order, or with `deps` every package
    /// reached, dependencies first.
    pub fn output(&self, roots: &[usize], deps: bool) -> Vec<&Package> {
        self.graph.output(roots, deps, false)
    }
}

fn find_internal(path: &str) -> Option<usize> {
    if path.ends_with("/internal") {
        Some(path.len() - "internal".len())
    } else if let Some(i) = path.rfind("/internal/") {
        Some(i + 1)
    } else if path == "internal" || path.starts_with("internal/") {
        Some(0)
    } else {
        None
    }
}

fn find_vendor(path: &str) -> Option<usize> {
    if let Some(i) = path.rfind("/vendor/") {
        Some(i + 1)
    } else if path.starts_with("vendor/") {
        Some(0)
    } else {
        None
    }
}

fn has_file_path_prefix(s: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    s == prefix
        || (s.starts_with(prefix) && s.as_bytes().get(prefix.len()) == Some(&b'/'))
        || prefix.is_empty()
}

/// The text of a lookup error as `go list` puts it in `Error.Err`.
pub fn lookup_error_text(e: &LookupError) -> String {
    e.to_string()
}

/// The text of a package error as `go list` puts it in `Error.Err`.
pub fn pkg_error_text(e: &PkgError) -> String {
    e.to_string()
}
