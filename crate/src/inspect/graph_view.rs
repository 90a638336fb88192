//! The module graph as the playground draws it: every node `mod graph` reaches (selected or
//! not), its edges, the marks that explain it (replaced, excluded, retracted, failed to load) and
//! a cheap deterministic layout — layers by requirement depth from the main modules, nodes in a
//! layer ordered by their parents' positions, wide layers wrapped into rows.
//!
//! The same loader answers with `go: None` (the main module's own pruning) and with `go:
//! Some("1.16")` (the unpruned graph `mod graph -go=1.16` prints); the page compares the two.

use super::tree::{with_tree_loader, TreeOptions};
use crate::cache::ModfileCache;
use crate::clock::Clock;
use crate::graph::load::{CmdKind, Loader, Pruning, Target};
use crate::graph::{Mv, VerId};
use crate::modfile;
use crate::source::{FileKind, Fs};
use crate::version::{pseudo, semver};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// One module version in the graph.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    /// `path@version` (the bare path for a main module), as `mod graph` prints it.
    pub id: String,
    /// Module path.
    pub path: String,
    /// Version (empty for a main module).
    pub version: String,
    /// A main module.
    pub main: bool,
    /// MVS selected this version for its path.
    pub selected: bool,
    /// Reached by the graph walk (false only for excluded versions shown as marks).
    pub in_graph: bool,
    /// Requirement depth: 0 for main modules, else the shortest path length from one.
    pub depth: u32,
    /// Layout position (unit grid; y grows with depth).
    pub x: f32,
    /// Layout position.
    pub y: f32,
    /// What replaces it: `path version` or a directory, as `list -m` shows it after `=>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// The main module excludes this version.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub excluded: bool,
    /// Retracted by its module's latest version: the rationale (may be empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<String>,
    /// Its go.mod could not be loaded: the go command's error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One requirement: node indexes into [`GraphView::nodes`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GraphLink {
    /// The requiring node.
    pub from: u32,
    /// The required node.
    pub to: u32,
    /// `to` is the selected version of its path.
    pub selected: bool,
}

/// The whole graph of a tree, for one Go version's view of pruning.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphView {
    /// `pruned`, `unpruned` or `workspace`: how the graph was read.
    pub pruning: String,
    /// The `-go=` it was read with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
    /// Nodes: main modules first, then breadth-first order of `mod graph`.
    pub nodes: Vec<GraphNode>,
    /// Edges in `mod graph` order.
    pub edges: Vec<GraphLink>,
    /// Number of layout layers (max depth + 1).
    pub layers: u32,
    /// Why the graph is incomplete or could not be loaded (the go command's message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The graph of the tree in `fs`, read as `opts.go` says (see [`TreeOptions::go`]).
pub fn graph_view<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> GraphView {
    let r = with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        view_of(l, opts.go.clone())
    });
    match r {
        Ok(v) => v,
        Err(e) => GraphView {
            go: opts.go.clone(),
            error: Some(e),
            ..GraphView::default()
        },
    }
}

fn pruning_name(p: Pruning) -> &'static str {
    match p {
        Pruning::Pruned => "pruned",
        Pruning::Unpruned => "unpruned",
        Pruning::Workspace => "workspace",
    }
}

/// Builds the view from a loader.
fn view_of(l: &mut Loader<'_>, go: Option<String>) -> GraphView {
    let mut view = GraphView {
        go,
        ..GraphView::default()
    };
    let (_, mg, err) = match l.load_mod_graph() {
        Ok(t) => t,
        Err(e) => {
            view.error = Some(e.to_string());
            return view;
        }
    };
    view.pruning = pruning_name(mg.pruning).to_string();
    view.error = err.map(|e| e.to_string());
    // Nodes breadth-first from the roots, with their depth.
    let mut index: FxHashMap<Mv, u32> = FxHashMap::default();
    let mut order: Vec<Mv> = Vec::new();
    let mut depth: Vec<u32> = Vec::new();
    mg.graph.walk_breadth_first(|m| {
        index.insert(m, order.len() as u32);
        order.push(m);
    });
    depth.resize(order.len(), u32::MAX);
    for &r in mg.graph.roots() {
        if let Some(&i) = index.get(&r) {
            depth[i as usize] = 0;
        }
    }
    let mut links = Vec::new();
    for (i, &m) in order.iter().enumerate() {
        let d = depth[i];
        let Some(reqs) = mg.graph.required_by(m) else {
            continue;
        };
        for &r in reqs {
            let Some(&j) = index.get(&r) else { continue };
            if depth[j as usize] == u32::MAX {
                depth[j as usize] = d.saturating_add(1);
            }
            links.push(GraphLink {
                from: i as u32,
                to: j,
                selected: mg.graph.selected(r.path) == r.ver,
            });
        }
    }
    for d in depth.iter_mut() {
        if *d == u32::MAX {
            *d = 0;
        }
    }
    let excludes: FxHashSet<(String, String)> = l
        .main_modules()
        .flat_map(|m| m.excludes.iter().cloned())
        .collect();
    let mut nodes: Vec<GraphNode> = Vec::with_capacity(order.len());
    for (i, &m) in order.iter().enumerate() {
        let path = l.names.path_str(m.path).to_string();
        let version = l.names.ver_str(m.ver).to_string();
        let main = m.ver == VerId::MAIN && l.is_main_path(m.path);
        let replaced = match l.replacement(m) {
            Some(Target::Module(r)) => Some(format!(
                "{} {}",
                l.names.path_str(r.path),
                l.names.ver_str(r.ver)
            )),
            Some(Target::Dir(p)) => Some(l.names.path_str(p).to_string()),
            None => None,
        };
        nodes.push(GraphNode {
            id: l.names.display(m),
            excluded: excludes.contains(&(path.clone(), version.clone())),
            path,
            version,
            main,
            selected: mg.graph.selected(m.path) == m.ver,
            in_graph: true,
            depth: depth[i],
            x: 0.0,
            y: 0.0,
            replaced,
            retracted: None,
            error: mg.errors.get(&m).map(|e| e.to_string()),
        });
    }
    // Excluded versions the graph no longer reaches are shown beside their path's other versions.
    let mut shown: FxHashSet<(String, String)> = nodes
        .iter()
        .map(|n| (n.path.clone(), n.version.clone()))
        .collect();
    let mut excluded: Vec<&(String, String)> = excludes.iter().collect();
    excluded.sort();
    for (path, version) in excluded {
        if !shown.insert((path.clone(), version.clone())) {
            continue;
        }
        let d = nodes
            .iter()
            .filter(|n| &n.path == path)
            .map(|n| n.depth)
            .min()
            .unwrap_or(1);
        nodes.push(GraphNode {
            id: format!("{path}@{version}"),
            path: path.clone(),
            version: version.clone(),
            main: false,
            selected: false,
            in_graph: false,
            depth: d,
            x: 0.0,
            y: 0.0,
            replaced: None,
            excluded: true,
            retracted: None,
            error: None,
        });
    }
    mark_retracted(l, &mut nodes);
    view.layers = nodes.iter().map(|n| n.depth + 1).max().unwrap_or(0);
    layout(&mut nodes, &links);
    view.nodes = nodes;
    view.edges = links;
    view
}

/// The version whose go.mod holds a module's retractions: the highest release in the proxy's
/// list (else the highest pre-release), pseudo-versions aside, as the go command's
/// latest-ignoring-retractions query picks it.
fn latest_listed(list: &str) -> Option<&str> {
    let mut release: Option<&str> = None;
    let mut pre: Option<&str> = None;
    for v in list.lines().filter_map(|l| l.split_whitespace().next()) {
        if !semver::is_valid(v) || pseudo::is_pseudo_version(v) {
            continue;
        }
        let slot = if semver::prerelease(v).is_empty() {
            &mut release
        } else {
            &mut pre
        };
        if slot.is_none_or(|b| semver::compare(v, b).is_gt()) {
            *slot = Some(v);
        }
    }
    release.or(pre)
}

/// Marks each module version its module's latest go.mod retracts (with the rationale).
fn mark_retracted(l: &Loader<'_>, nodes: &mut [GraphNode]) {
    let source = l.modules();
    let mut by_path: FxHashMap<String, Vec<modfile::Retract>> = FxHashMap::default();
    for n in nodes
        .iter_mut()
        .filter(|n| !n.main && !n.version.is_empty())
    {
        let retracts = by_path.entry(n.path.clone()).or_insert_with(|| {
            let Ok(list) = source.fetch(&n.path, "", FileKind::List) else {
                return Vec::new();
            };
            let text = String::from_utf8_lossy(&list.data);
            let Some(latest) = latest_listed(&text) else {
                return Vec::new();
            };
            let Ok(gomod) = source.fetch(&n.path, latest, FileKind::Mod) else {
                return Vec::new();
            };
            modfile::parse_lax("go.mod", &gomod.data)
                .map(|f| f.retract)
                .unwrap_or_default()
        });
        n.retracted = retracts
            .iter()
            .find(|r| {
                semver::compare(&r.low, &n.version).is_le()
                    && semver::compare(&n.version, &r.high).is_le()
            })
            .map(|r| r.rationale.clone());
    }
}

/// Layered layout: each depth is a band of rows; within a depth nodes are ordered by the mean
/// position of their parents (one downward sweep), then by id; bands wider than `width` wrap.
fn layout(nodes: &mut [GraphNode], links: &[GraphLink]) {
    let n = nodes.len();
    if n == 0 {
        return;
    }
    let width = ((n as f32).sqrt() * 2.0).ceil().max(12.0) as usize;
    let mut parents: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in links {
        if nodes[e.from as usize].depth < nodes[e.to as usize].depth {
            parents[e.to as usize].push(e.from);
        }
    }
    let layers = nodes.iter().map(|n| n.depth).max().unwrap_or(0) as usize + 1;
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, node) in nodes.iter().enumerate() {
        by_layer[node.depth as usize].push(i);
    }
    let mut pos: Vec<f32> = vec![0.0; n];
    let mut row = 0.0f32;
    for layer in &mut by_layer {
        let key: Vec<f32> = layer
            .iter()
            .map(|&i| {
                let p = &parents[i];
                if p.is_empty() {
                    0.0
                } else {
                    p.iter().map(|&j| pos[j as usize]).sum::<f32>() / p.len() as f32
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..layer.len()).collect();
        order.sort_by(|&a, &b| {
            key[a]
                .total_cmp(&key[b])
                .then_with(|| nodes[layer[a]].id.cmp(&nodes[layer[b]].id))
        });
        let sorted: Vec<usize> = order.iter().map(|&k| layer[k]).collect();
        *layer = sorted;
        let rows = layer.len().div_ceil(width).max(1);
        for (k, &i) in layer.iter().enumerate() {
            let r = k / width;
            let in_row = if r + 1 == rows {
                layer.len() - r * width
            } else {
                width
            };
            let col = (k % width) as f32 - (in_row as f32 - 1.0) / 2.0;
            // Spread columns so every row spans the same width as a full one.
            let x = col * (width as f32 / in_row.max(1) as f32).min(4.0);
            pos[i] = x;
            nodes[i].x = x;
            nodes[i].y = row + r as f32;
        }
        row += rows as f32 + 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FrozenClock;
    use crate::source::MemFs;

    fn tree(files: &[(&str, &str)]) -> MemFs {
        let mut fs = MemFs::new();
        for (p, d) in files {
            fs.insert(p, d.as_bytes().to_vec());
        }
        fs
    }

    const PRUNING: &str = include_str!("../../../tests/fixtures/pruning-go117.txtar");

    fn txtar(text: &str) -> MemFs {
        let mut fs = MemFs::new();
        for f in crate::modfile::txtar::parse(text.as_bytes()).files {
            fs.insert(&f.name, f.data);
        }
        fs
    }

    fn ids(v: &GraphView) -> Vec<String> {
        let mut ids: Vec<String> = v.nodes.iter().map(|n| n.id.clone()).collect();
        ids.sort();
        ids
    }

    #[test]
    fn pruned_and_unpruned_views_differ_as_mod_graph_does() {
        let fs = txtar(PRUNING);
        let mut opts = TreeOptions::default();
        opts.resolve.build_mod = Some("mod".into());
        let pruned = graph_view(&fs, &opts, &FrozenClock, None);
        assert_eq!(pruned.error, None);
        assert_eq!(pruned.pruning, "pruned");
        opts.go = Some("1.16".into());
        let unpruned = graph_view(&fs, &opts, &FrozenClock, None);
        assert_eq!(unpruned.pruning, "unpruned");
        assert!(
            ids(&unpruned).len() > ids(&pruned).len(),
            "pruned {:?} unpruned {:?}",
            ids(&pruned),
            ids(&unpruned)
        );
        // Every edge points at real nodes and the main module is at depth 0.
        for v in [&pruned, &unpruned] {
            assert!(v.nodes[0].main && v.nodes[0].depth == 0);
            for e in &v.edges {
                assert!((e.from as usize) < v.nodes.len() && (e.to as usize) < v.nodes.len());
                assert!(v.nodes[e.to as usize].depth >= 1);
            }
        }
    }

    #[test]
    fn marks_replaced_excluded_retracted_and_unselected() {
        let fs = tree(&[
            (
                "go.mod",
                "module example.com/m\n\ngo 1.17\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.1.0\n\texample.com/r v1.0.0\n)\n\nreplace example.com/r v1.0.0 => ./r\n\nexclude example.com/b v1.0.5\n",
            ),
            ("r/go.mod", "module example.com/r\n\ngo 1.17\n"),
            (
                "proxy/example.com/a/@v/v1.0.0.mod",
                "module example.com/a\n\ngo 1.17\n\nrequire example.com/b v1.0.0\n",
            ),
            ("proxy/example.com/a/@v/list", "v1.0.0\nv1.1.0\n"),
            (
                "proxy/example.com/a/@v/v1.1.0.mod",
                "module example.com/a\n\ngo 1.17\n\n// broken release\nretract v1.0.0\n",
            ),
            ("proxy/example.com/b/@v/v1.0.0.mod", "module example.com/b\n\ngo 1.17\n"),
            ("proxy/example.com/b/@v/v1.1.0.mod", "module example.com/b\n\ngo 1.17\n"),
        ]);
        let v = graph_view(&fs, &TreeOptions::default(), &FrozenClock, None);
        assert_eq!(v.error, None, "{v:?}");
        let node = |id: &str| {
            v.nodes
                .iter()
                .find(|n| n.id == id)
                .unwrap_or_else(|| panic!("{id} in {v:?}"))
        };
        assert_eq!(
            node("example.com/a@v1.0.0").retracted.as_deref(),
            Some("broken release")
        );
        assert!(node("example.com/b@v1.1.0").selected);
        assert!(!node("example.com/b@v1.0.0").selected);
        assert_eq!(
            node("example.com/r@v1.0.0").replaced.as_deref(),
            Some("./r")
        );
        let x = node("example.com/b@v1.0.5");
        assert!(x.excluded && !x.in_graph);
        assert!(v.edges.iter().any(|e| !e.selected));
    }

    #[test]
    fn layout_is_deterministic_and_layered() {
        let fs = txtar(PRUNING);
        let a = graph_view(&fs, &TreeOptions::default(), &FrozenClock, None);
        let b = graph_view(&fs, &TreeOptions::default(), &FrozenClock, None);
        assert_eq!(a, b);
        for e in &a.edges {
            let (f, t) = (&a.nodes[e.from as usize], &a.nodes[e.to as usize]);
            if f.depth < t.depth {
                assert!(f.y < t.y);
            }
        }
    }

    #[test]
    fn a_tree_without_go_mod_is_an_error_view() {
        let v = graph_view(&MemFs::new(), &TreeOptions::default(), &FrozenClock, None);
        assert!(v.nodes.is_empty());
        assert!(v.error.unwrap().starts_with("go.mod file not found"));
    }
}
