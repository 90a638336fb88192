//! Minimal version selection over an abstract requirement source.
//!
//! The algorithm knows nothing of files: a [`Reqs`] answers "what does this module version
//! require?", and [`Names`] orders versions. [`Graph`] is the incremental form the loader fills in
//! (requirements recorded node by node); it answers [`Graph::selected`], [`Graph::build_list`],
//! [`Graph::walk_breadth_first`] and [`Graph::find_path`] — the shortest requirement path, the
//! primitive behind every "why" view and behind the requirement chain of [`BuildListError`].
//! [`build_list`] and [`req`] are the batch algorithms (SPEC C: BuildList and Algorithm R).

use super::intern::{Mv, Names, PathId, VerId};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;
use std::fmt;

/// A failure attached to one module version: `path@version: message` (just `path: message` when
/// the version is empty, as for directory replacements).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleError {
    /// The module path the failure is about (the replacement's, when replaced).
    pub path: String,
    /// Its version (empty for a directory).
    pub version: String,
    /// What went wrong, worded as the go command words it.
    pub message: String,
}

impl ModuleError {
    /// A new error about `path@version`.
    pub fn new(
        path: impl Into<String>,
        version: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ModuleError {
            path: path.into(),
            version: version.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.version.is_empty() {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}@{}: {}", self.path, self.version, self.message)
        }
    }
}

/// An error found while building the graph, with the shortest requirement chain from a root to
/// the failing module version. Renders as the go command does:
/// `A@v requires\n\tB@v requires\n\tC@v: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildListError {
    /// The chain as `path@version` strings (a main module as its bare path), root first.
    pub chain: Vec<(String, String)>,
    /// The failure of the last element.
    pub err: ModuleError,
}

impl BuildListError {
    /// Builds the error from a node path found by [`Graph::find_path`].
    pub fn new(names: &Names, path: &[Mv], err: ModuleError) -> Self {
        BuildListError {
            chain: path
                .iter()
                .map(|m| {
                    (
                        names.path_str(m.path).to_string(),
                        names.ver_str(m.ver).to_string(),
                    )
                })
                .collect(),
            err,
        }
    }

    /// The failing module version (last element of the chain).
    pub fn module(&self) -> Option<&(String, String)> {
        self.chain.last()
    }
}

fn mv_text(p: &str, v: &str) -> String {
    if v.is_empty() {
        p.to_string()
    } else {
        format!("{p}@{v}")
    }
}

impl fmt::Display for BuildListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stack = &self.chain[..];
        while let Some(((_, v), rest)) = stack.split_first() {
            if !v.is_empty() {
                break;
            }
            stack = rest;
        }
        let Some(((lp, lv), init)) = stack.split_last() else {
            return write!(f, "{}", self.err);
        };
        for (p, v) in init {
            write!(f, "{} requires\n\t", mv_text(p, v))?;
        }
        if self.err.path == *lp && self.err.version == *lv {
            write!(f, "{}", self.err)
        } else {
            write!(
                f,
                "{} (replaced by {}): {}",
                mv_text(lp, lv),
                mv_text(&self.err.path, &self.err.version),
                self.err.message
            )
        }
    }
}

impl std::error::Error for BuildListError {}

/// The incremental requirement graph: nodes are module versions, edges are recorded per node.
/// Every node's requirement list lives in one flat vector (`edges`); a node maps to its range.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    roots: Vec<Mv>,
    /// Per node with recorded requirements: its range in `edges`.
    required: FxHashMap<Mv, (u32, u32)>,
    /// Every recorded requirement list, one after another.
    edges: Vec<Mv>,
    /// Every node reachable so far; `true` for roots.
    is_root: FxHashMap<Mv, bool>,
    /// Selected version per path, indexed by `PathId` (`VerId::NONE` when absent).
    selected: Vec<VerId>,
    /// Order in which requirements were recorded (for deterministic iteration).
    order: Vec<Mv>,
}

impl Graph {
    /// A graph with the given roots (usually the main modules, at version `""`).
    pub fn new(names: &Names, roots: &[Mv]) -> Self {
        let mut g = Graph {
            roots: roots.to_vec(),
            ..Graph::default()
        };
        for &m in roots {
            g.is_root.insert(m, true);
            g.raise(names, m);
        }
        g
    }

    /// Makes room for `nodes` more module versions with requirement lists of `edges` entries in
    /// all, so that loading a graph of about that size grows no table.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.required.reserve(nodes);
        self.is_root.reserve(nodes);
        self.order.reserve(nodes);
        self.edges.reserve(edges);
    }

    fn raise(&mut self, names: &Names, m: Mv) {
        let i = m.path.0 as usize;
        if self.selected.len() <= i {
            self.selected.resize(i + 1, VerId::NONE);
        }
        if names.cmp_ver(self.selected[i], m.ver).is_lt() {
            self.selected[i] = m.ver;
        }
    }

    /// The roots.
    pub fn roots(&self) -> &[Mv] {
        &self.roots
    }

    /// True when `m` has been reached (is a root or required by a node).
    pub fn contains(&self, m: Mv) -> bool {
        self.is_root.contains_key(&m)
    }

    /// Records the requirements of `m`. Returns false (and changes nothing) if `m` is not reachable
    /// or its requirements were already recorded.
    pub fn require(&mut self, names: &Names, m: Mv, reqs: impl AsRef<[Mv]>) -> bool {
        let reqs = reqs.as_ref();
        if !self.is_root.contains_key(&m) || self.required.contains_key(&m) {
            return false;
        }
        for &dep in reqs {
            self.is_root.entry(dep).or_insert(false);
            self.raise(names, dep);
        }
        let start = self.edges.len();
        self.edges.extend_from_slice(reqs);
        self.required
            .insert(m, (start as u32, (start + reqs.len()) as u32));
        self.order.push(m);
        true
    }

    /// The recorded requirements of `m`, or `None` when they were not loaded (pruned out).
    pub fn required_by(&self, m: Mv) -> Option<&[Mv]> {
        self.required
            .get(&m)
            .and_then(|&(a, b)| self.edges.get(a as usize..b as usize))
    }

    /// The selected version of `path` (`VerId::NONE` when the path is not in the graph).
    pub fn selected(&self, path: PathId) -> VerId {
        self.selected
            .get(path.0 as usize)
            .copied()
            .unwrap_or(VerId::NONE)
    }

    /// The selected versions of all paths: the roots' paths first (deduplicated, in root order),
    /// then every other path sorted by path string.
    pub fn build_list(&self, names: &Names) -> Vec<Mv> {
        let mut seen_root: FxHashSet<PathId> = FxHashSet::default();
        let mut list = Vec::new();
        for r in &self.roots {
            if !seen_root.insert(r.path) {
                continue;
            }
            let v = self.selected(r.path);
            if v != VerId::NONE {
                list.push(Mv::new(r.path, v));
            }
        }
        let n = list.len();
        for (i, &v) in self.selected.iter().enumerate() {
            let p = PathId(i as u32);
            if v != VerId::NONE && !seen_root.contains(&p) {
                list.push(Mv::new(p, v));
            }
        }
        list[n..].sort_by(|a, b| names.path_str(a.path).cmp(names.path_str(b.path)));
        list
    }

    /// Visits every node other than `none` once, breadth-first from the roots, following recorded
    /// requirements in order (selected or not).
    pub fn walk_breadth_first(&self, mut f: impl FnMut(Mv)) {
        let mut queue: VecDeque<Mv> = VecDeque::new();
        let mut enqueued: FxHashSet<Mv> = FxHashSet::default();
        for &m in &self.roots {
            if m.ver != VerId::NONE && enqueued.insert(m) {
                queue.push_back(m);
            }
        }
        while let Some(m) = queue.pop_front() {
            f(m);
            if let Some(reqs) = self.required_by(m) {
                for &r in reqs {
                    if r.ver != VerId::NONE && enqueued.insert(r) {
                        queue.push_back(r);
                    }
                }
            }
        }
    }

    /// The shortest requirement path from a root to the first node (breadth-first) for which
    /// `f` is true, root first; empty when none matches.
    pub fn find_path(&self, mut f: impl FnMut(Mv) -> bool) -> Vec<Mv> {
        let mut first: FxHashMap<Mv, Option<Mv>> = FxHashMap::default();
        let mut queue: VecDeque<Mv> = VecDeque::new();
        for &m in &self.roots {
            queue.push_back(m);
            first.insert(m, None);
        }
        while let Some(m) = queue.pop_front() {
            if f(m) {
                let mut path = vec![m];
                let mut cur = m;
                while let Some(Some(prev)) = first.get(&cur) {
                    path.push(*prev);
                    cur = *prev;
                }
                path.reverse();
                return path;
            }
            if let Some(reqs) = self.required_by(m) {
                for &r in reqs {
                    if let std::collections::hash_map::Entry::Vacant(e) = first.entry(r) {
                        e.insert(Some(m));
                        queue.push_back(r);
                    }
                }
            }
        }
        Vec::new()
    }

    /// The nodes whose requirements were recorded, in recording order.
    pub fn loaded(&self) -> &[Mv] {
        &self.order
    }

    /// Number of nodes reached.
    pub fn node_count(&self) -> usize {
        self.is_root.len()
    }
}

/// What MVS needs to know about module versions: their requirements.
pub trait Reqs {
    /// The explicit requirements of `m`, or the failure to load them.
    fn required(&mut self, names: &mut Names, m: Mv) -> Result<Vec<Mv>, ModuleError>;
}

/// Computes the build list of `targets` (SPEC C BuildList): every reachable version is visited,
/// the highest version per path is selected. Targets come first, then the rest sorted by path.
pub fn build_list(
    names: &mut Names,
    targets: &[Mv],
    reqs: &mut dyn Reqs,
) -> Result<Vec<Mv>, BuildListError> {
    let (g, errs) = load_all(names, targets, reqs);
    if !errs.is_empty() {
        let path = g.find_path(|m| errs.contains_key(&m));
        let last = path.last().copied().unwrap_or(targets[0]);
        let err = errs
            .get(&last)
            .cloned()
            .unwrap_or_else(|| ModuleError::new("", "", "unknown error"));
        return Err(BuildListError::new(names, &path, err));
    }
    Ok(g.build_list(names))
}

fn load_all(
    names: &mut Names,
    targets: &[Mv],
    reqs: &mut dyn Reqs,
) -> (Graph, FxHashMap<Mv, ModuleError>) {
    let mut g = Graph::new(names, targets);
    let mut errs = FxHashMap::default();
    let mut queue: VecDeque<Mv> = targets.iter().copied().collect();
    let mut seen: FxHashSet<Mv> = targets.iter().copied().collect();
    while let Some(m) = queue.pop_front() {
        let required = if m.ver == VerId::NONE {
            Vec::new()
        } else {
            match reqs.required(names, m) {
                Ok(r) => r,
                Err(e) => {
                    errs.insert(m, e);
                    Vec::new()
                }
            }
        };
        for &r in &required {
            if seen.insert(r) {
                queue.push_back(r);
            }
        }
        g.require(names, m, &required);
    }
    (g, errs)
}

/// The minimal requirement list for `main` (SPEC C "Algorithm R"): the paths in `base` are kept,
/// plus whatever else is needed so that the build list stays the same. Sorted by path.
pub fn req(
    names: &mut Names,
    main: Mv,
    base: &[PathId],
    reqs: &mut dyn Reqs,
) -> Result<Vec<Mv>, BuildListError> {
    let list = build_list(names, &[main], reqs)?;
    let max: FxHashMap<PathId, VerId> = list.iter().map(|m| (m.path, m.ver)).collect();
    let mut postorder: Vec<Mv> = Vec::new();
    let mut cache: FxHashMap<Mv, Vec<Mv>> = FxHashMap::default();
    cache.insert(main, Vec::new());
    for &m in &list {
        post_walk(names, m, reqs, &mut cache, &mut postorder)
            .map_err(|e| BuildListError::new(names, &[m], e))?;
    }
    let mut have: FxHashSet<Mv> = FxHashSet::default();
    let mut min: Vec<Mv> = Vec::new();
    let mut have_base: FxHashSet<PathId> = FxHashSet::default();
    for &p in base {
        if !have_base.insert(p) {
            continue;
        }
        let m = Mv::new(p, max.get(&p).copied().unwrap_or(VerId::NONE));
        min.push(m);
        mark(m, &cache, &mut have);
    }
    for &m in postorder.iter().rev() {
        if max.get(&m.path) != Some(&m.ver) {
            continue;
        }
        if !have.contains(&m) {
            min.push(m);
            mark(m, &cache, &mut have);
        }
    }
    min.sort_by(|a, b| names.path_str(a.path).cmp(names.path_str(b.path)));
    Ok(min)
}

fn post_walk(
    names: &mut Names,
    start: Mv,
    reqs: &mut dyn Reqs,
    cache: &mut FxHashMap<Mv, Vec<Mv>>,
    postorder: &mut Vec<Mv>,
) -> Result<(), ModuleError> {
    if cache.contains_key(&start) {
        return Ok(());
    }
    // Iterative depth-first walk: (node, index of the next child to visit).
    let first = if start.ver == VerId::NONE {
        Vec::new()
    } else {
        reqs.required(names, start)?
    };
    cache.insert(start, first);
    let mut stack: Vec<(Mv, usize)> = vec![(start, 0)];
    while let Some(&mut (m, ref mut i)) = stack.last_mut() {
        let next = cache.get(&m).and_then(|c| c.get(*i)).copied();
        *i += 1;
        match next {
            Some(child) => {
                if cache.contains_key(&child) {
                    continue;
                }
                let r = if child.ver == VerId::NONE {
                    Vec::new()
                } else {
                    reqs.required(names, child)?
                };
                cache.insert(child, r);
                stack.push((child, 0));
            }
            None => {
                postorder.push(m);
                stack.pop();
            }
        }
    }
    Ok(())
}

fn mark(m: Mv, cache: &FxHashMap<Mv, Vec<Mv>>, have: &mut FxHashSet<Mv>) {
    let mut stack = vec![m];
    while let Some(m) = stack.pop() {
        if !have.insert(m) {
            continue;
        }
        if let Some(rs) = cache.get(&m) {
            stack.extend(rs.iter().rev().copied());
        }
    }
}
