//! Why a module is in the build: the requirement path that selects its version (the witness
//! `modscope why-version` prints) for one module or for every module of the build list.
//!
//! The witness is the module graph's shortest requirement path (breadth-first from the main
//! modules, requirements in go.mod order) to the selected version, so it is the same path the
//! go command's `mvs` error chains and `modscope why-version` show.

use super::tree::{with_tree_loader, TreeOptions};
use crate::cache::ModfileCache;
use crate::clock::Clock;
use crate::graph::load::{CmdKind, Loader};
use crate::graph::{Graph, Mv, VerId};
use crate::source::Fs;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// The requirement path that selects a module's version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyVersion {
    /// The module path asked about.
    pub module: String,
    /// Its selected version (empty for a main module or when it is not in the graph).
    pub version: String,
    /// The path, main module first, as `why-version` prints it: `path@version` per step (the
    /// main module as its bare path). Empty when the module is not in the graph.
    pub path: Vec<String>,
    /// Why there is no answer: the go command's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl WhyVersion {
    /// The text `modscope why-version` prints: `# path@version`, then one step per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.error.is_none() {
            push_stanza(&mut out, &self.module, &self.version, &self.path);
        }
        out
    }
}

/// Appends one `# path@version` header (the bare path when `version` is empty) and the steps
/// of a requirement path, one per line.
fn push_stanza(out: &mut String, module: &str, version: &str, steps: &[String]) {
    out.push_str("# ");
    out.push_str(module);
    if !version.is_empty() {
        out.push('@');
        out.push_str(version);
    }
    out.push('\n');
    for s in steps {
        out.push_str(s);
        out.push('\n');
    }
}

fn witness(l: &Loader<'_>, mg: &crate::graph::load::ModuleGraph, target: Mv) -> Vec<String> {
    mg.graph
        .find_path(|m| m == target)
        .into_iter()
        .map(|m| l.names.display(m))
        .collect()
}

/// The witness for `module` in the tree's graph (read as `opts.go` says).
pub fn why_version<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    module: &str,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> WhyVersion {
    let mut out = WhyVersion {
        module: module.to_string(),
        ..WhyVersion::default()
    };
    let r = with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        let (_, mg, _) = l.load_mod_graph().map_err(|e| e.to_string())?;
        let p = l.names.path(module);
        let v = mg.graph.selected(p);
        if v == VerId::NONE {
            return Err(format!("module {module}: not a known dependency"));
        }
        let target = Mv::new(p, v);
        Ok((l.names.ver_str(v).to_string(), witness(l, &mg, target)))
    });
    match r.and_then(|x| x) {
        Ok((version, path)) => {
            out.version = version;
            out.path = path;
        }
        Err(e) => out.error = Some(e),
    }
    out
}

/// The witness of every module of the build list, in build-list order (one graph load).
pub fn why_all<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> Result<Vec<WhyVersion>, String> {
    with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        let (_, mg, _) = l.load_mod_graph().map_err(|e| e.to_string())?;
        let list = mg.graph.build_list(&l.names);
        Ok(list
            .iter()
            .map(|&m| WhyVersion {
                module: l.names.path_str(m.path).to_string(),
                version: l.names.ver_str(m.ver).to_string(),
                path: witness(l, &mg, m),
                error: None,
            })
            .collect())
    })
    .and_then(|x| x)
}

/// Every requirement path from the main modules to a module's selected version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyPaths {
    /// The module path asked about.
    pub module: String,
    /// Its selected version (empty for a main module or when it is not in the graph).
    pub version: String,
    /// The paths, each main module first, `path@version` per step (a main module as its bare
    /// path); in depth-first order over requirements in go.mod order, so the first path found
    /// through the first requirements comes first.
    pub paths: Vec<Vec<String>>,
    /// More paths exist than [`WHY_PATHS_LIMIT`]: only the first ones are listed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Why there is no answer: the go command's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How many paths [`why_paths`] lists at most (their number can grow exponentially with depth).
pub const WHY_PATHS_LIMIT: usize = 200;

impl WhyPaths {
    /// The text `modscope why-version --all` prints: a `# path@version` stanza per path.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.error.is_some() {
            return out;
        }
        for (i, p) in self.paths.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            push_stanza(&mut out, &self.module, &self.version, p);
        }
        if self.truncated {
            out.push_str(&format!("\n# (only the first {WHY_PATHS_LIMIT} paths)\n"));
        }
        out
    }
}

/// Every simple requirement path in `graph` from a root to `target` (root first), depth-first
/// with requirements in recorded (go.mod) order; at most `limit` paths, and whether more exist.
/// Nodes that cannot reach `target` are pruned once, so the walk stays linear in the graph's
/// size plus the paths' total length.
pub fn requirement_paths(graph: &Graph, target: Mv, limit: usize) -> (Vec<Vec<Mv>>, bool) {
    // Which nodes reach the target: reverse reachability over the recorded requirements.
    let mut parents: FxHashMap<Mv, Vec<Mv>> = FxHashMap::default();
    let mut nodes: Vec<Mv> = Vec::new();
    graph.walk_breadth_first(|m| nodes.push(m));
    for &m in &nodes {
        for &r in graph.required_by(m).unwrap_or(&[]) {
            parents.entry(r).or_default().push(m);
        }
    }
    let mut reaches: FxHashSet<Mv> = FxHashSet::default();
    let mut stack = vec![target];
    reaches.insert(target);
    while let Some(m) = stack.pop() {
        for &p in parents.get(&m).map(Vec::as_slice).unwrap_or(&[]) {
            if reaches.insert(p) {
                stack.push(p);
            }
        }
    }
    let mut paths: Vec<Vec<Mv>> = Vec::new();
    let mut truncated = false;
    let mut seen_root: FxHashSet<Mv> = FxHashSet::default();
    for &root in graph.roots() {
        if !reaches.contains(&root) || !seen_root.insert(root) {
            continue;
        }
        // Iterative depth-first search: the current path and, per step, the next child index.
        let mut path: Vec<Mv> = vec![root];
        let mut next: Vec<usize> = vec![0];
        let mut on_path: FxHashSet<Mv> = FxHashSet::default();
        on_path.insert(root);
        while let Some(&m) = path.last() {
            if m == target {
                if paths.len() == limit {
                    truncated = true;
                    return (paths, truncated);
                }
                paths.push(path.clone());
                on_path.remove(&m);
                path.pop();
                next.pop();
                continue;
            }
            let reqs = graph.required_by(m).unwrap_or(&[]);
            let k = next.last().copied().unwrap_or(reqs.len());
            let child = reqs[k.min(reqs.len())..]
                .iter()
                .position(|r| reaches.contains(r) && !on_path.contains(r))
                .map(|off| k + off);
            match child {
                Some(c) => {
                    if let Some(n) = next.last_mut() {
                        *n = c + 1;
                    }
                    let r = reqs[c];
                    on_path.insert(r);
                    path.push(r);
                    next.push(0);
                }
                None => {
                    on_path.remove(&m);
                    path.pop();
                    next.pop();
                }
            }
        }
    }
    (paths, truncated)
}

/// Every requirement path from the main modules to `module`'s selected version in the tree's
/// graph (read as `opts.go` says), as `modscope why-version --all` prints them.
pub fn why_paths<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    module: &str,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> WhyPaths {
    let mut out = WhyPaths {
        module: module.to_string(),
        ..WhyPaths::default()
    };
    let r = with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        let (_, mg, _) = l.load_mod_graph().map_err(|e| e.to_string())?;
        paths_in(l, &mg.graph, module)
    });
    match r.and_then(|x| x) {
        Ok(p) => out = p,
        Err(e) => out.error = Some(e),
    }
    out
}

/// [`WhyPaths`] of `module` in a loaded graph; an error when the module is not in it.
pub fn paths_in(l: &mut Loader<'_>, graph: &Graph, module: &str) -> Result<WhyPaths, String> {
    let p = l.names.path(module);
    let v = graph.selected(p);
    if v == VerId::NONE {
        return Err(format!("module {module}: not a known dependency"));
    }
    let (paths, truncated) = requirement_paths(graph, Mv::new(p, v), WHY_PATHS_LIMIT);
    Ok(WhyPaths {
        module: module.to_string(),
        version: l.names.ver_str(v).to_string(),
        paths: paths
            .into_iter()
            .map(|p| p.into_iter().map(|m| l.names.display(m)).collect())
            .collect(),
        truncated,
        error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FrozenClock;
    use crate::source::MemFs;

    /// The go 1.16 pruning fixture: m requires a, a requires b, b requires c (among others).
    fn go116() -> MemFs {
        let mut fs = MemFs::new();
        for f in crate::modfile::txtar::parse(include_bytes!(
            "../../../tests/fixtures/pruning-go116.txtar"
        ))
        .files
        {
            fs.insert(&f.name, f.data);
        }
        fs
    }

    /// [`why_version`] of `module` in `fs` with the default options and no cache.
    fn version_of(fs: &MemFs, module: &str) -> WhyVersion {
        why_version(fs, &TreeOptions::default(), module, &FrozenClock, None)
    }

    /// [`why_paths`] of `module` in `fs` with the default options and no cache.
    fn paths_of(fs: &MemFs, module: &str) -> WhyPaths {
        why_paths(fs, &TreeOptions::default(), module, &FrozenClock, None)
    }

    #[test]
    fn the_witness_is_the_shortest_requirement_path() {
        let w = version_of(&go116(), "example.com/c");
        assert_eq!(w.error, None);
        assert_eq!(w.version, "v1.0.0");
        assert_eq!(
            w.path,
            [
                "example.com/m",
                "example.com/a@v1.0.0",
                "example.com/b@v1.0.0",
                "example.com/c@v1.0.0"
            ]
        );
        assert_eq!(
            w.text(),
            "# example.com/c@v1.0.0\nexample.com/m\nexample.com/a@v1.0.0\nexample.com/b@v1.0.0\nexample.com/c@v1.0.0\n"
        );
    }

    #[test]
    fn an_unknown_module_is_the_go_commands_error_for_both_views() {
        let fs = go116();
        let want = Some("module example.com/zz: not a known dependency");
        let w = version_of(&fs, "example.com/zz");
        assert_eq!(w.error.as_deref(), want, "why-version");
        assert_eq!(w.text(), "", "why-version");
        let w = paths_of(&fs, "example.com/zz");
        assert_eq!(w.error.as_deref(), want, "why-version --all");
        assert_eq!(w.text(), "", "why-version --all");
    }

    #[test]
    fn every_module_of_the_build_list_has_a_witness() {
        let all = why_all(&go116(), &TreeOptions::default(), &FrozenClock, None).unwrap();
        assert_eq!(all[0].path, ["example.com/m"]);
        assert!(all.iter().all(|w| !w.path.is_empty()));
    }

    #[test]
    fn every_requirement_path_is_listed_once() {
        let fs = go116();
        let w = paths_of(&fs, "example.com/c");
        assert_eq!(w.error, None);
        assert!(!w.truncated);
        assert!(!w.paths.is_empty());
        let witness = version_of(&fs, "example.com/c");
        assert!(
            w.paths.contains(&witness.path),
            "the witness is one of the paths"
        );
        let mut sorted = w.paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), w.paths.len(), "no path twice");
        for p in &w.paths {
            assert_eq!(p.first().map(String::as_str), Some("example.com/m"));
            assert_eq!(p.last().map(String::as_str), Some("example.com/c@v1.0.0"));
        }
        let text = w.text();
        assert_eq!(
            text.matches("# example.com/c@v1.0.0\n").count(),
            w.paths.len()
        );
    }

    #[test]
    fn a_diamond_with_a_cycle_has_every_simple_path() {
        let mut fs = MemFs::new();
        let tree = "-- go.mod --\nmodule example.com/m\n\ngo 1.16\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n)\n\
-- proxy/example.com/a/@v/v1.0.0.mod --\nmodule example.com/a\n\nrequire example.com/c v1.0.0\n\
-- proxy/example.com/b/@v/v1.0.0.mod --\nmodule example.com/b\n\nrequire example.com/a v1.0.0\nrequire example.com/c v1.0.0\n\
-- proxy/example.com/c/@v/v1.0.0.mod --\nmodule example.com/c\n\nrequire example.com/a v1.0.0\n";
        for f in crate::modfile::txtar::parse(tree.as_bytes()).files {
            fs.insert(&f.name, f.data);
        }
        let w = paths_of(&fs, "example.com/c");
        assert_eq!(w.error, None);
        let (m, a, b, c) = (
            "example.com/m",
            "example.com/a@v1.0.0",
            "example.com/b@v1.0.0",
            "example.com/c@v1.0.0",
        );
        assert_eq!(
            w.paths,
            vec![vec![m, a, c], vec![m, b, a, c], vec![m, b, c], vec![m, c],]
        );
    }

    #[test]
    fn the_paths_text_is_one_stanza_per_path() {
        let w = WhyPaths {
            module: "example.com/c".into(),
            version: "v1.0.0".into(),
            paths: vec![
                vec!["example.com/m".into(), "example.com/c@v1.0.0".into()],
                vec![
                    "example.com/m".into(),
                    "example.com/a@v1.0.0".into(),
                    "example.com/c@v1.0.0".into(),
                ],
            ],
            truncated: true,
            error: None,
        };
        assert_eq!(
            w.text(),
            format!(
                "# example.com/c@v1.0.0\nexample.com/m\nexample.com/c@v1.0.0\n\n\
                 # example.com/c@v1.0.0\nexample.com/m\nexample.com/a@v1.0.0\nexample.com/c@v1.0.0\n\n\
                 # (only the first {WHY_PATHS_LIMIT} paths)\n"
            )
        );
    }
}
