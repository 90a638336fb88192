//! The one package record of `list -json` in both modes (GOPATH and module), its error, and the
//! go command's JSON text for it.
//!
//! Fields are a subset of Go 1.19's `load.PackagePublic`, declared in its order so that the JSON
//! text lists them as `go list -json` does; zero values are omitted as Go's `omitempty` omits
//! them. GOPATH mode fills `Root` and the file lists; module mode fills `Module`.
//!
//! [`PackageGraph`] is the store both listers (GOPATH and module mode) load into: packages by
//! import path, their import edges, the fields that follow from the edges (`Deps`,
//! `Incomplete`, `DepsErrors`) and go list's output order.

use crate::graph::list::ModulePublic;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A package error as `go list -json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackageError {
    /// Import paths from the command-line package to this one.
    pub import_stack: Vec<String>,
    /// Position (`file:line:col`), when known (printed empty otherwise, as go list does).
    pub pos: String,
    /// The message.
    pub err: String,
    /// The text shows the import stack even with a position (cmd/go sets this for "use of
    /// internal package" errors).
    #[serde(skip)]
    pub always_print_stack: bool,
    /// An import cycle error: its stack is never replaced by a shorter one.
    #[serde(skip)]
    pub is_import_cycle: bool,
}

impl PackageError {
    /// The error as cmd/go's `PackageError.Error` prints it (on stderr, and for `{{.Error}}`):
    /// `pos: err` when the position is known (unless the stack must show), else the import
    /// stack as `package A\n\timports B`, then the position if any, then the message.
    pub fn text(&self) -> String {
        if !self.pos.is_empty() && (self.import_stack.is_empty() || !self.always_print_stack) {
            return format!("{}: {}", self.pos, self.err);
        }
        let stack: &[String] = &self.import_stack;
        if stack.is_empty() {
            return self.err.clone();
        }
        let pos = if self.pos.is_empty() {
            String::new()
        } else {
            format!("\n\t{}", self.pos)
        };
        format!("package {}{pos}: {}", stack.join("\n\timports "), self.err)
    }
}

/// One package as `go list` describes it (the fields modscope reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Package {
    /// Directory holding the package.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// Import path (resolved).
    pub import_path: String,
    /// Package name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// GOPATH mode: root of the tree holding it (GOROOT or the GOPATH entry).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub root: String,
    /// Module mode: the providing module (none for the standard library).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<ModulePublic>,
    /// In GOROOT.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub goroot: bool,
    /// A standard-library package.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub standard: bool,
    /// This package or a dependency has an error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
    /// Built non-test Go files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub go_files: Vec<String>,
    /// Go files excluded by build constraints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_go_files: Vec<String>,
    /// Resolved imports, in source-path order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Source import path → resolved path, where they differ.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub import_map: BTreeMap<String, String>,
    /// All transitive imports, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<String>,
    /// The package's own error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<PackageError>,
    /// Errors of dependencies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deps_errors: Vec<PackageError>,
    /// Test files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_go_files: Vec<String>,
    /// External test files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub x_test_go_files: Vec<String>,
}

impl Package {
    /// Records the package's error (with its import stack and position) and marks it
    /// incomplete.
    pub fn fail(&mut self, import_stack: Vec<String>, pos: String, err: String) {
        self.error = Some(PackageError {
            import_stack,
            pos,
            err,
            always_print_stack: false,
            is_import_cycle: false,
        });
        self.incomplete = true;
    }

    /// The go command's `-json` text for the package: tab-indented, `<`, `>`, `&`, U+2028 and
    /// U+2029 escaped as Go's encoder escapes them, one trailing newline.
    pub fn go_json(&self) -> String {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        // Strings, booleans, lists and maps of strings serialize without failure.
        let _ = self.serialize(&mut ser);
        let text = String::from_utf8_lossy(&buf);
        let mut out = String::with_capacity(text.len() + 1);
        for c in text.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        out.push('\n');
        out
    }
}

/// Loaded packages, each once by import path, with their import edges.
#[derive(Debug, Default)]
pub struct PackageGraph {
    packages: Vec<Package>,
    by_path: HashMap<String, usize>,
    children: HashMap<usize, Vec<usize>>,
    /// Per package, the records whose errors are its `DepsErrors` (see
    /// [`PackageGraph::refresh_deps_errors`]).
    deps_error_ids: HashMap<usize, Vec<usize>>,
}

impl PackageGraph {
    /// Adds `p` as the package of its import path; its index.
    pub fn push(&mut self, p: Package) -> usize {
        let id = self.packages.len();
        self.by_path.insert(p.import_path.clone(), id);
        self.packages.push(p);
        id
    }

    /// Adds `p` as a variant of package `of` (same imports, e.g. with an error for one importer)
    /// that is not found by import path; its index.
    pub fn push_variant(&mut self, p: Package, of: usize) -> usize {
        let id = self.packages.len();
        self.packages.push(p);
        if let Some(k) = self.children.get(&of).cloned() {
            self.children.insert(id, k);
        }
        id
    }

    /// The index of the package with import path `path`.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// The package at `id`.
    pub fn get(&self, id: usize) -> &Package {
        &self.packages[id]
    }

    /// The package at `id`, to change.
    pub fn get_mut(&mut self, id: usize) -> &mut Package {
        &mut self.packages[id]
    }

    /// Records the imports of `id` (`children`, in import order) and fills what follows from
    /// them: `Deps` (the sorted transitive set), `Incomplete` and `DepsErrors`.
    ///
    /// The same import path can be reached as different records (a copy carrying an error for
    /// one importer): as cmd/go does, each path's record is the one with an error when there is
    /// one (the shortest import stack among those), and `DepsErrors` lists those records' errors
    /// in `Deps` order.
    pub fn set_imports(&mut self, id: usize, children: Vec<usize>) {
        let mut chosen: HashMap<&str, usize> = HashMap::new();
        let mut queue: Vec<usize> = children.clone();
        let mut i = 0;
        while let Some(&c) = queue.get(i) {
            i += 1;
            let cp = &self.packages[c];
            let better = match chosen.get(cp.import_path.as_str()) {
                None => true,
                Some(&old) => match (&self.packages[old].error, &cp.error) {
                    (_, None) => false,
                    (None, Some(_)) => true,
                    (Some(a), Some(b)) => a.import_stack.len() > b.import_stack.len(),
                },
            };
            if better {
                chosen.insert(cp.import_path.as_str(), c);
                if let Some(k) = self.children.get(&c) {
                    queue.extend(k.iter().filter(|&&k2| {
                        chosen.get(self.packages[k2].import_path.as_str()) != Some(&k2)
                    }));
                }
            }
        }
        let mut deps: Vec<(&str, usize)> = chosen.into_iter().collect();
        deps.sort_unstable();
        let incomplete = children.iter().any(|&c| self.packages[c].incomplete);
        let error_ids: Vec<usize> = deps
            .iter()
            .filter(|&&(_, i)| self.packages[i].error.is_some())
            .map(|&(_, i)| i)
            .collect();
        let deps_errors: Vec<PackageError> = error_ids
            .iter()
            .filter_map(|&i| self.packages[i].error.clone())
            .collect();
        let deps: Vec<String> = deps.into_iter().map(|(p, _)| p.to_string()).collect();
        let p = &mut self.packages[id];
        p.deps = deps;
        p.incomplete |= incomplete;
        p.deps_errors = deps_errors;
        self.children.insert(id, children);
        if !error_ids.is_empty() {
            self.deps_error_ids.insert(id, error_ids);
        }
    }

    /// Copies each dependency error again from the record it belongs to. cmd/go's `DepsErrors`
    /// point at the dependencies' errors, so an import stack shortened after the importer was
    /// loaded (a package reached again by a shorter path) shows there too.
    pub fn refresh_deps_errors(&mut self) {
        for (&id, ids) in &self.deps_error_ids {
            let errs: Vec<PackageError> = ids
                .iter()
                .filter_map(|&i| self.packages[i].error.clone())
                .collect();
            self.packages[id].deps_errors = errs;
        }
    }

    fn kids(&self, id: usize, sorted: bool) -> Cow<'_, [usize]> {
        let kids = self.children.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        if !sorted {
            return Cow::Borrowed(kids);
        }
        let mut ks = kids.to_vec();
        ks.sort_by(|a, b| {
            self.packages[*a]
                .import_path
                .cmp(&self.packages[*b].import_path)
        });
        Cow::Owned(ks)
    }

    /// The packages to print: the named ones (`roots`, each once), or with `deps` every package
    /// reachable from them in post-order, dependencies first; `sorted` visits each package's
    /// imports in import-path order instead of import order.
    pub fn output(&self, roots: &[usize], deps: bool, sorted: bool) -> Vec<&Package> {
        let mut seen = vec![false; self.packages.len()];
        let mut out = Vec::new();
        for &r in roots {
            if seen[r] {
                continue;
            }
            seen[r] = true;
            if !deps {
                out.push(&self.packages[r]);
                continue;
            }
            // Iterative post-order: deep import chains must not exhaust the stack.
            let mut stack: Vec<(usize, Cow<'_, [usize]>, usize)> =
                vec![(r, self.kids(r, sorted), 0)];
            while let Some((node, kids, next)) = stack.last_mut() {
                if let Some(&k) = kids.get(*next) {
                    *next += 1;
                    if !seen[k] {
                        seen[k] = true;
                        stack.push((k, self.kids(k, sorted), 0));
                    }
                } else {
                    out.push(&self.packages[*node]);
                    stack.pop();
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_follows_go() {
        let p = Package {
            dir: "/w/a".into(),
            import_path: "example.com/a<b>".into(),
            name: "a".into(),
            incomplete: true,
            imports: vec!["fmt".into()],
            import_map: [("x".to_string(), "y".to_string())].into_iter().collect(),
            error: Some(PackageError {
                import_stack: vec![],
                pos: String::new(),
                err: "a & b\u{2028}".into(),
                always_print_stack: false,
                is_import_cycle: false,
            }),
            ..Default::default()
        };
        assert_eq!(
            p.go_json(),
            "{\n\t\"Dir\": \"/w/a\",\n\t\"ImportPath\": \"example.com/a\\u003cb\\u003e\",\n\t\
             \"Name\": \"a\",\n\t\"Incomplete\": true,\n\t\"Imports\": [\n\t\t\"fmt\"\n\t],\n\t\
             \"ImportMap\": {\n\t\t\"x\": \"y\"\n\t},\n\t\"Error\": {\n\t\t\"ImportStack\": [],\n\t\t\
             \"Pos\": \"\",\n\t\t\"Err\": \"a \\u0026 b\\u2028\"\n\t}\n}\n"
        );
    }

    #[test]
    fn graph_fills_deps_and_walks_in_post_order() {
        let mut g = PackageGraph::default();
        let pkg = |p: &str| Package {
            import_path: p.into(),
            ..Default::default()
        };
        let root = g.push(pkg("r"));
        let z = g.push(pkg("z"));
        let a = g.push(pkg("a"));
        let mut bad = pkg("bad");
        bad.fail(vec!["r".into()], "r.go:3:8".into(), "nope".into());
        let bad = g.push(bad);
        g.set_imports(a, vec![bad]);
        g.set_imports(root, vec![z, a]);
        let p = g.get(root);
        assert_eq!(p.deps, vec!["a", "bad", "z"]);
        assert!(p.incomplete);
        assert_eq!(p.deps_errors.len(), 1);
        let order = |sorted| -> Vec<String> {
            g.output(&[root], true, sorted)
                .iter()
                .map(|p| p.import_path.clone())
                .collect()
        };
        assert_eq!(order(false), vec!["z", "bad", "a", "r"]);
        assert_eq!(order(true), vec!["bad", "a", "z", "r"]);
        assert_eq!(g.output(&[a, root, a], false, true).len(), 2);
        let v = g.push_variant(pkg("a"), a);
        assert_eq!(g.find("a"), Some(a));
        assert_eq!(g.output(&[v], true, false).len(), 2);
    }
}
