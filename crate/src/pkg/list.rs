//! `go list` for packages in GOPATH mode: load the named packages and (with `-deps`) everything they
//! import, resolving each import from its importer, and report go list's fields.
//!
//! Order and fields follow Go 1.19's `cmd/go`: a package's `Imports` are its resolved import paths
//! in the order of the sorted source paths; `ImportMap` maps a source path to its resolved path when
//! they differ (vendoring, module compatibility); `Deps` is the sorted set of all transitive
//! imports; `-deps` lists packages in post-order (dependencies before their importers). A package
//! that cannot be found is listed with its `Error` and no `Dir`.

use crate::pkg::gopath::{is_local_import, Importer, LookupError, Resolver};
use crate::pkg::load::{import_position, PkgError};
use crate::pkg::record::{Package, PackageGraph};
use std::collections::{BTreeMap, BTreeSet};

/// How long an import chain the lister follows. Loading recurses once per import on the chain,
/// so a longer one (which the go command would follow) gets an error on the package at this
/// depth instead of exhausting the stack; the native CLI runs the listing on a thread whose stack
/// holds this many levels.
pub const MAX_IMPORT_DEPTH: usize = 10_000;

/// A `go list` run over one resolver.
pub struct Lister<'r, 'a> {
    resolver: &'r mut Resolver<'a>,
    /// The working directory (error positions are shown relative to it when shorter).
    cwd: String,
    graph: PackageGraph,
    loading: BTreeSet<String>,
    max_depth: usize,
}

impl<'r, 'a> Lister<'r, 'a> {
    /// A lister resolving through `resolver`.
    pub fn new(resolver: &'r mut Resolver<'a>) -> Self {
        Lister {
            resolver,
            cwd: String::new(),
            graph: PackageGraph::default(),
            loading: BTreeSet::new(),
            max_depth: MAX_IMPORT_DEPTH,
        }
    }

    /// Follows import chains only `depth` deep (default [`MAX_IMPORT_DEPTH`]).
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
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
        let is_local = local && res.import_path.starts_with("_/");
        // The import stack names a local package by the argument as written.
        let source = if is_local {
            arg.to_string()
        } else {
            res.import_path.clone()
        };
        self.load_resolution(res, &source, &[], None, is_local)
    }

    /// Loads a resolved package reached through `source` (the import path as written, or the
    /// command-line package's path) with `stack` the source paths of its importers; `pos` is
    /// where the last importer imports it; `local` says it was reached through a relative path
    /// (cmd/go's `Internal.Local`: a command-line directory outside the trees, or a relative
    /// import in a source file), which lets it import relative paths in turn.
    fn load_resolution(
        &mut self,
        res: crate::pkg::gopath::Resolution,
        source: &str,
        stack: &[String],
        pos: Option<String>,
        local: bool,
    ) -> usize {
        if let Some(i) = self.graph.find(&res.import_path) {
            // Reached again: an error keeps the shortest import stack it was reached by (ties
            // broken by string order), as cmd/go's reusePackage does; a cycle's stack stays.
            let p = self.graph.get_mut(i);
            if let Some(e) = p.error.as_mut() {
                let mut stk = stack.to_vec();
                stk.push(source.to_string());
                let shorter = stk.len() < e.import_stack.len()
                    || (stk.len() == e.import_stack.len() && stk < e.import_stack);
                if !e.is_import_cycle && shorter {
                    e.import_stack = stk;
                }
            }
            return i;
        }
        let mut p = Package {
            import_path: res.import_path.clone(),
            ..Default::default()
        };
        if stack.len() >= self.max_depth {
            let max = self.max_depth;
            p.fail(
                stack.to_vec(),
                pos.unwrap_or_default(),
                format!("import chain deeper than {max} packages: not followed"),
            );
            return self.graph.push(p);
        }
        let found = match res.result {
            Ok(f) => f,
            Err(e) => {
                // A relative path names its directory (and tree) even when it does not exist.
                if let LookupError::LocalNotFound { path, dir } = &e {
                    p.dir.clone_from(dir);
                    if let Some((r, _)) = self.resolver.locate_dir(dir) {
                        if path != "." {
                            p.root = self.resolver.roots()[r].dir.clone();
                        }
                    }
                }
                // The go command blames the importer: the stack stops before the package and
                // the position is the import's.
                // Errors raised before go/build is asked (a reserved or versioned path) name
                // the path itself last on the stack.
                // and carry no position.
                let mut stk = stack.to_vec();
                let mut pos = pos.unwrap_or_default();
                if matches!(e, LookupError::Disallowed(_) | LookupError::VersionSyntax) {
                    stk.push(source.to_string());
                    pos.clear();
                }
                p.fail(stk, pos, lookup_error_text(&e));
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
        // A local package has no vendor directories (its pseudo path is not below its tree).
        let importer = Importer {
            import_path: res.import_path.clone(),
            dir: found.dir.clone(),
            root: Some(found.root).filter(|&r| r != usize::MAX && !local),
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
            let local_src = is_local_import(src);
            let r = if local_src {
                self.resolver.resolve_local_import(src, &found.dir)
            } else {
                self.resolver.resolve(src, Some(&importer))
            };
            let resolved = r.import_path.clone();
            if k < n_explicit {
                if resolved != *src {
                    import_map.insert(src.clone(), resolved.clone());
                }
                imports.push(resolved.clone());
            }
            let import_pos = |this: &Self| {
                let mut files = dp.go_files.clone();
                files.extend(dp.cgo_files.iter().cloned());
                files.sort();
                import_position(this.resolver.fs(), &this.cwd, &found.dir, &files, src)
            };
            let child = if self.loading.contains(&resolved) {
                // An import cycle: the package still loading gets the error (unless it has
                // one), with the stack that closed the cycle.
                let c = self.graph.find(&resolved);
                if let Some(c) = c {
                    let p = self.graph.get_mut(c);
                    let mut stk = stack.clone();
                    stk.push(src.clone());
                    match p.error.as_mut() {
                        Some(e) => e.is_import_cycle = true,
                        None => {
                            p.fail(stk, String::new(), "import cycle not allowed".to_string());
                            if let Some(e) = p.error.as_mut() {
                                e.is_import_cycle = true;
                            }
                        }
                    }
                }
                c
            } else {
                let pos = self
                    .graph
                    .find(&resolved)
                    .is_none()
                    .then(|| import_pos(self));
                Some(self.load_resolution(r, src, &stack, pos, local_src))
            };
            if let Some(c) = child {
                let check = ImportCheck {
                    source: src,
                    importer_dir: &found.dir,
                    relative: local_src,
                    importer_local: local,
                    stack: &stack,
                };
                if let Some(copy) = self.check_import(&check, c) {
                    let mut copy = copy;
                    if let Some(e) = copy.error.as_mut() {
                        e.pos = import_pos(self);
                    }
                    children.push(self.graph.push_variant(copy, c));
                } else {
                    children.push(c);
                }
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
    /// importing a command, a relative import from a package that is not local). A refused
    /// import gets its own copy of the package with the error (returned here, its position for
    /// the caller to fill), as the go command does; the shared package is left alone.
    fn check_import(&self, check: &ImportCheck<'_>, child: usize) -> Option<Package> {
        let ImportCheck {
            source,
            importer_dir,
            relative,
            importer_local,
            stack,
        } = *check;
        let c = self.graph.get(child);
        let parent_dir = |i: usize| -> Option<String> {
            let i = if i > 0 { i - 1 } else { i };
            let trunc = (i + c.dir.len()).checked_sub(c.import_path.len())?;
            c.dir.get(..trunc).map(str::to_string)
        };
        let mut err: Option<String> = None;
        let mut internal = false;
        if c.error.is_none() {
            if let Some(i) = find_internal(&c.import_path) {
                if let Some(parent) = parent_dir(i) {
                    if !has_file_path_prefix(importer_dir, &parent) {
                        internal = true;
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
        let program = err.is_none() && c.name == "main" && c.dir != importer_dir;
        if program {
            err = Some(format!(
                "import \"{source}\" is a program, not an importable package"
            ));
        }
        let relative_refused = err.is_none() && relative && !importer_local;
        if relative_refused {
            err = Some(if source == "." {
                ".: cannot import current directory".to_string()
            } else {
                format!("local import \"{source}\" in non-local package")
            });
        }
        let err = err?;
        let mut copy = c.clone();
        // cmd/go marks the copy incomplete for visibility errors only, not for importing a
        // program or a relative path.
        let incomplete = copy.incomplete || !(program || relative_refused);
        copy.fail(stack.to_vec(), String::new(), err);
        copy.incomplete = incomplete;
        if let Some(e) = copy.error.as_mut() {
            e.always_print_stack = internal;
        }
        Some(copy)
    }

    /// The packages to print: the arguments' packages in order, or with `deps` every package
    /// reached, dependencies first.
    pub fn output(&mut self, roots: &[usize], deps: bool) -> Vec<&Package> {
        self.graph.refresh_deps_errors();
        self.graph.output(roots, deps, false)
    }
}

/// One import as [`Lister::check_import`] judges it.
struct ImportCheck<'s> {
    /// The import path as written.
    source: &'s str,
    /// The importing package's directory.
    importer_dir: &'s str,
    /// The import is a relative path.
    relative: bool,
    /// The importing package is local.
    importer_local: bool,
    /// The import stack down to the importer.
    stack: &'s [String],
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
