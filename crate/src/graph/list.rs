//! What `go list -m` and `go mod graph` print, computed from a loaded graph.
//!
//! [`ModulePublic`] has the field names and order of the go command's `go list -m -json` objects
//! (the fields modscope knows: Path, Version, Replace, Time, Main, Indirect, Dir, GoMod, GoVersion,
//! Error). [`module_info`] fills one in as the go command's `moduleInfo` does — `.info` for the
//! time, the go.mod for the go version, replacements resolved — and the text forms
//! ([`ModulePublic::line`], [`graph_edges`]) match the go command's output byte for byte.

use super::intern::{Mv, VerId};
use super::load::{Loader, ModuleGraph, Requirements};
use crate::report::trace::EventKind;
use crate::source::FileKind;
use serde::Serialize;

/// An error attached to one listed module (`{"Err": "…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleInfoError {
    /// The error text.
    #[serde(rename = "Err")]
    pub err: String,
}

/// One module as `go list -m -json` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModulePublic {
    /// Module path.
    pub path: String,
    /// Version (empty for a main module or a directory replacement).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The replacement, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<ModulePublic>>,
    /// The version's time from its `.info` file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// A main module.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub main: bool,
    /// Not required directly by the main module.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indirect: bool,
    /// The module's directory, when there is one on disk.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dir: String,
    /// The go.mod file describing the module.
    #[serde(rename = "GoMod", skip_serializing_if = "String::is_empty")]
    pub go_mod: String,
    /// The module's `go` line.
    #[serde(rename = "GoVersion", skip_serializing_if = "String::is_empty")]
    pub go_version: String,
    /// An error loading the module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ModuleInfoError>,
}

impl ModulePublic {
    /// The `go list -m` text line: `path version [=> replacement [version]]`.
    pub fn line(&self) -> String {
        let mut s = self.path.clone();
        if !self.version.is_empty() {
            s.push(' ');
            s.push_str(&self.version);
        }
        if let Some(r) = &self.replace {
            s.push_str(" => ");
            s.push_str(&r.path);
            if !r.version.is_empty() {
                s.push(' ');
                s.push_str(&r.version);
            }
        }
        s
    }

    /// The go command's JSON text for this object: tab-indented, `<`, `>` and `&` escaped as the
    /// Go encoder escapes them, followed by a newline.
    pub fn json(&self) -> String {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        // Serializing plain strings and booleans cannot fail.
        let _ = self.serialize(&mut ser);
        let text = String::from_utf8_lossy(&buf)
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        text + "\n"
    }
}

/// Where native front ends keep module files, for the `GoMod` and `Dir` fields.
pub trait CachePaths {
    /// `$GOMODCACHE/cache/download/<E(path)>/@v/<E(version)>.mod`.
    fn go_mod_path(&self, path: &str, version: &str) -> Option<String>;
    /// The extracted module directory, when it exists and is complete.
    fn module_dir(&self, path: &str, version: &str) -> Option<String>;
}

/// No module cache on disk (the browser, tests): `GoMod` and `Dir` stay empty for module versions.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCache;

impl CachePaths for NoCache {
    fn go_mod_path(&self, _: &str, _: &str) -> Option<String> {
        None
    }
    fn module_dir(&self, _: &str, _: &str) -> Option<String> {
        None
    }
}

/// Reads `path@version`'s `.info` (recording the read): the `Time`, or the go command's error text.
pub fn query_info(loader: &mut Loader<'_>, path: &str, version: &str) -> Result<String, String> {
    let start = loader.now();
    match loader.modules().fetch(path, version, FileKind::Info) {
        Ok(f) => {
            loader.record(
                EventKind::Read,
                format!("{path}@{version}.info"),
                f.location.clone(),
                start,
            );
            let v: serde_json::Value = serde_json::from_slice(&f.data)
                .map_err(|e| format!("{path}@{version}: invalid .info: {e}"))?;
            Ok(v.get("Time")
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_string())
        }
        Err(e) => {
            loader.record(
                EventKind::NotFound,
                format!("{path}@{version}.info"),
                e.message().to_string(),
                start,
            );
            Err(format!("{path}@{version}: {}", e.message()))
        }
    }
}

fn complete(loader: &mut Loader<'_>, cache: &dyn CachePaths, m: &mut ModulePublic) {
    if !m.version.is_empty() {
        match query_info(loader, &m.path, &m.version) {
            Ok(t) if !t.is_empty() => m.time = Some(t),
            Ok(_) => {}
            Err(e) => m.error = Some(ModuleInfoError { err: e }),
        }
    }
    let mv = loader.names.mv(&m.path, &m.version);
    let read = loader.raw_summary(mv);
    if m.go_version.is_empty() {
        if let Ok(s) = &read {
            if let Some(g) = &s.go {
                m.go_version = g.to_string();
            }
        }
    }
    if !m.version.is_empty() {
        if loader.has_mod(mv) {
            if let Some(p) = cache.go_mod_path(&m.path, &m.version) {
                m.go_mod = p;
            }
        }
        if let Some(d) = cache.module_dir(&m.path, &m.version) {
            m.dir = d;
        }
    }
}

/// Describes module version `m` of the build list as `go list -m -json` does.
pub fn module_info(
    loader: &mut Loader<'_>,
    rs: &Requirements,
    cache: &dyn CachePaths,
    m: Mv,
) -> ModulePublic {
    let path = loader.names.path_str(m.path).to_string();
    if m.ver == VerId::MAIN && loader.is_main_path(m.path) {
        let dir = loader
            .main_modules()
            .find(|mm| mm.path == path)
            .map(|mm| mm.dir.clone())
            .unwrap_or_default();
        return ModulePublic {
            go_version: loader
                .main_go_version
                .get(&m.path)
                .cloned()
                .unwrap_or_default(),
            go_mod: if dir.is_empty() {
                String::new()
            } else {
                crate::source::join_path(&dir, "go.mod")
            },
            dir,
            path,
            main: true,
            ..ModulePublic::default()
        };
    }
    let mut info = ModulePublic {
        path,
        version: loader.names.ver_str(m.ver).to_string(),
        indirect: !rs.direct.contains(&m.path),
        ..ModulePublic::default()
    };
    if let Some(g) = loader.raw_go_version.get(&m) {
        info.go_version = g.to_string();
    }
    let actual = match loader.replacement(m) {
        None => {
            complete(loader, cache, &mut info);
            return info;
        }
        Some(_) => loader.resolve(m),
    };
    let mut r = ModulePublic {
        path: loader.names.path_str(actual.path).to_string(),
        version: loader.names.ver_str(actual.ver).to_string(),
        ..ModulePublic::default()
    };
    if actual.ver == VerId::MAIN {
        r.dir = loader.replacement_dir(&r.path);
        r.go_mod = format!("{}/go.mod", r.dir);
    }
    complete(loader, cache, &mut r);
    info.dir = r.dir.clone();
    info.go_mod = r.go_mod.clone();
    info.go_version = r.go_version.clone();
    info.replace = Some(Box::new(r));
    info
}

/// The edges `go mod graph` prints, in its order: breadth-first from the main modules over every
/// node with loaded requirements, each node's requirements in order.
pub fn graph_edges(loader: &Loader<'_>, mg: &ModuleGraph) -> Vec<(Mv, Mv)> {
    let mut out = Vec::new();
    mg.graph.walk_breadth_first(|m| {
        if let Some(reqs) = mg.graph.required_by(m) {
            for &r in reqs {
                out.push((m, r));
            }
        }
    });
    let _ = loader;
    out
}
