//! Interned module paths and versions: the graph's nodes are two `u32`s, so edges copy no strings.
//!
//! A [`Names`] table owns every path and version string the graph has seen and knows how to order
//! versions (a comparison function supplied by the caller: Go semver in production, plain string
//! order in the text-DSL tests). Two versions are special and always interned: `""` (the main
//! module's version, higher than everything) and `none` (absent, lower than everything).

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// An interned module path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathId(pub u32);

/// An interned version string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerId(pub u32);

impl VerId {
    /// The main module's version, `""`: higher than every other version.
    pub const MAIN: VerId = VerId(0);
    /// `none`: the path is absent; lower than every other version.
    pub const NONE: VerId = VerId(1);
}

/// A module version as a graph node: an interned path and an interned version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mv {
    /// The module path.
    pub path: PathId,
    /// The version (`VerId::MAIN` for a main module).
    pub ver: VerId,
}

impl Mv {
    /// A node from its parts.
    pub fn new(path: PathId, ver: VerId) -> Self {
        Mv { path, ver }
    }
}

/// The version order used by the graph: compares two version strings that are neither `""` nor
/// `none`.
pub type VersionCmp = fn(&str, &str) -> Ordering;

/// The intern table for paths and versions, with the version order.
#[derive(Clone)]
pub struct Names {
    paths: Vec<Arc<str>>,
    path_ids: HashMap<Arc<str>, PathId>,
    versions: Vec<Arc<str>>,
    version_ids: HashMap<Arc<str>, VerId>,
    cmp: VersionCmp,
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Names")
            .field("paths", &self.paths.len())
            .field("versions", &self.versions.len())
            .finish()
    }
}

impl Names {
    /// An empty table ordering versions with `cmp`.
    pub fn new(cmp: VersionCmp) -> Self {
        let mut names = Names {
            paths: Vec::new(),
            path_ids: HashMap::default(),
            versions: Vec::new(),
            version_ids: HashMap::default(),
            cmp,
        };
        names.version("");
        names.version("none");
        names
    }

    /// Makes room for `paths` more paths and `versions` more versions.
    pub fn reserve(&mut self, paths: usize, versions: usize) {
        self.paths.reserve(paths);
        self.path_ids.reserve(paths);
        self.versions.reserve(versions);
        self.version_ids.reserve(versions);
    }

    /// The id of `path`, interning it if new.
    pub fn path(&mut self, path: &str) -> PathId {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = PathId(self.paths.len() as u32);
        let s: Arc<str> = Arc::from(path);
        self.paths.push(s.clone());
        self.path_ids.insert(s, id);
        id
    }

    /// The id of `path` if it was interned.
    pub fn lookup_path(&self, path: &str) -> Option<PathId> {
        self.path_ids.get(path).copied()
    }

    /// The id of `version`, interning it if new.
    pub fn version(&mut self, version: &str) -> VerId {
        if let Some(&id) = self.version_ids.get(version) {
            return id;
        }
        let id = VerId(self.versions.len() as u32);
        let s: Arc<str> = Arc::from(version);
        self.versions.push(s.clone());
        self.version_ids.insert(s, id);
        id
    }

    /// The id of `version` if it was interned.
    pub fn lookup_version(&self, version: &str) -> Option<VerId> {
        self.version_ids.get(version).copied()
    }

    /// Interns a `path@version` pair.
    pub fn mv(&mut self, path: &str, version: &str) -> Mv {
        Mv::new(self.path(path), self.version(version))
    }

    /// The string of a path id.
    pub fn path_str(&self, id: PathId) -> &str {
        &self.paths[id.0 as usize]
    }

    /// The string of a version id.
    pub fn ver_str(&self, id: VerId) -> &str {
        &self.versions[id.0 as usize]
    }

    /// The shared string of a path id (cloning it copies no bytes).
    pub fn path_arc(&self, id: PathId) -> &Arc<str> {
        &self.paths[id.0 as usize]
    }

    /// The shared string of a version id (cloning it copies no bytes).
    pub fn ver_arc(&self, id: VerId) -> &Arc<str> {
        &self.versions[id.0 as usize]
    }

    /// Number of interned paths.
    pub fn path_count(&self) -> usize {
        self.paths.len()
    }

    /// Orders two versions: `""` above everything, `none` below everything, else the table's order.
    pub fn cmp_ver(&self, a: VerId, b: VerId) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        match (a, b) {
            (VerId::MAIN, _) => Ordering::Greater,
            (_, VerId::MAIN) => Ordering::Less,
            (VerId::NONE, _) => Ordering::Less,
            (_, VerId::NONE) => Ordering::Greater,
            _ => (self.cmp)(self.ver_str(a), self.ver_str(b)),
        }
    }

    /// `path@version` text (just `path` for the main module's empty version).
    pub fn display(&self, m: Mv) -> String {
        at(self.path_str(m.path), self.ver_str(m.ver))
    }
}

/// `path@version` (just `path` when `version` is empty), built in one allocation of the exact
/// size.
pub fn at(path: &str, version: &str) -> String {
    if version.is_empty() {
        return path.to_string();
    }
    let mut s = String::with_capacity(path.len() + 1 + version.len());
    s.push_str(path);
    s.push('@');
    s.push_str(version);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_versions_order() {
        let mut n = Names::new(|a, b| a.cmp(b));
        let a = n.version("v1.0.0");
        let b = n.version("v2.0.0");
        assert_eq!(n.cmp_ver(a, b), Ordering::Less);
        assert_eq!(n.cmp_ver(VerId::MAIN, b), Ordering::Greater);
        assert_eq!(n.cmp_ver(VerId::NONE, a), Ordering::Less);
        assert_eq!(n.version(""), VerId::MAIN);
        assert_eq!(n.version("none"), VerId::NONE);
        let m = n.mv("example.com/a", "v1.0.0");
        assert_eq!(n.display(m), "example.com/a@v1.0.0");
        assert_eq!(n.lookup_path("example.com/a"), Some(m.path));
        let main = n.mv("example.com/m", "");
        assert_eq!(n.display(main), "example.com/m");
        assert_eq!(&**n.path_arc(m.path), "example.com/a");
        assert_eq!(&**n.ver_arc(m.ver), "v1.0.0");
    }
}
