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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleInfoError {
    /// The error text.
    #[serde(rename = "Err")]
    pub err: String,
}

/// One module as `go list -m -json` describes it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
        let mut s = String::new();
        self.write_line(&mut s);
        s
    }

    /// Appends [`ModulePublic::line`] to `s`.
    pub fn write_line(&self, s: &mut String) {
        s.push_str(&self.path);
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

/// The `Time` of an `.info` file's bytes (empty when it has none), or why they are not one.
pub fn info_time(data: &[u8]) -> Result<String, String> {
    if let Some(t) = quick_info_time(data) {
        return Ok(t.to_string());
    }
    #[derive(serde::Deserialize)]
    struct Info {
        #[serde(rename = "Time", default)]
        time: Option<serde_json::Value>,
    }
    let info: Info = serde_json::from_slice(data).map_err(|e| e.to_string())?;
    Ok(info
        .time
        .as_ref()
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_string())
}

/// The `Time` of an `.info` file in the exact form proxies write, `{"Version":"…","Time":"…"}`
/// (then optional JSON white space), with both strings plain printable ASCII (no quote, no
/// backslash); `None` for anything else, which the JSON decoder then reads.
fn quick_info_time(data: &[u8]) -> Option<&str> {
    fn plain(s: &[u8]) -> bool {
        s.iter()
            .all(|&b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
    }
    let rest = data.strip_prefix(b"{\"Version\":\"")?;
    let q = rest.iter().position(|&b| b == b'"')?;
    let (version, rest) = rest.split_at(q);
    let rest = rest.strip_prefix(b"\",\"Time\":\"")?;
    let q = rest.iter().position(|&b| b == b'"')?;
    let (time, rest) = rest.split_at(q);
    let rest = rest.strip_prefix(b"\"}")?;
    let json_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    if !plain(version) || !plain(time) || !rest.iter().all(json_space) {
        return None;
    }
    std::str::from_utf8(time).ok()
}

/// Reads `path@version`'s `.info` (recording the read): the `Time`, or the go command's error text.
pub fn query_info(loader: &mut Loader<'_>, path: &str, version: &str) -> Result<String, String> {
    let mv = loader.names.mv(path, version);
    query_info_of(loader, mv)
}

/// [`query_info`] for an interned module version.
fn query_info_of(loader: &mut Loader<'_>, mv: Mv) -> Result<String, String> {
    let start = loader.now();
    // Shared strings: cloning them copies no bytes.
    let path = loader.names.path_arc(mv.path).clone();
    let version = loader.names.ver_arc(mv.ver).clone();
    let ahead = loader.take_info(mv);
    let (cached, fetched, time) = match ahead {
        Some(pre) => (pre.cached, pre.fetched, pre.time),
        None => {
            let cached = loader
                .modfile_cache()
                .is_some_and(|c| c.info_cached(&path, &version));
            (
                cached,
                loader.modules().fetch(&path, &version, FileKind::Info),
                None,
            )
        }
    };
    let mut subject = String::with_capacity(path.len() + version.len() + 6);
    subject.push_str(&path);
    subject.push('@');
    subject.push_str(&version);
    subject.push_str(".info");
    match fetched {
        Ok(f) => {
            let (kind, detail) = if cached {
                (EventKind::CacheHit, String::new())
            } else {
                (EventKind::Read, f.location)
            };
            loader.record(kind, subject, detail, start);
            time.unwrap_or_else(|| info_time(&f.data))
                .map_err(|e| format!("{path}@{version}: invalid .info: {e}"))
        }
        Err(e) => {
            loader.record(EventKind::NotFound, subject, e.message().to_string(), start);
            Err(format!("{path}@{version}: {}", e.message()))
        }
    }
}

/// Fills in `m`, the description of module version `mv` (its `path` and `version`): the time
/// from its `.info`, the go version from its go.mod, and where native front ends keep it.
fn complete(loader: &mut Loader<'_>, cache: &dyn CachePaths, m: &mut ModulePublic, mv: Mv) {
    if !m.version.is_empty() {
        match query_info_of(loader, mv) {
            Ok(t) if !t.is_empty() => m.time = Some(t),
            Ok(_) => {}
            Err(e) => m.error = Some(ModuleInfoError { err: e }),
        }
    }
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
            complete(loader, cache, &mut info, m);
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
    complete(loader, cache, &mut r, actual);
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

/// Matches a module path against a `...` pattern as the go command's `search.MatchPattern` does:
/// `...` matches any string, and a trailing `/...` also matches the prefix alone.
pub fn match_pattern(pattern: &str, path: &str) -> bool {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(_) if p.starts_with(b"...") => (0..=s.len()).any(|i| glob(&p[3..], &s[i..])),
            Some(&c) => s.first() == Some(&c) && glob(&p[1..], &s[1..]),
        }
    }
    if let Some(prefix) = pattern.strip_suffix("/...") {
        if path == prefix {
            return true;
        }
    }
    glob(pattern.as_bytes(), path.as_bytes())
}

/// How `list -m` prints: `-json`, `-e`, `-x`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListFlags {
    /// JSON objects instead of lines.
    pub json: bool,
    /// Errors stay on their modules instead of failing the command.
    pub e: bool,
    /// The trace on stderr (`# read: …`).
    pub x: bool,
}

/// What `list -m` computed and prints. Every front end (the CLI, the browser through
/// [`super::resolve::resolve`]) gets its answer from [`list_m`], so they cannot drift.
#[derive(Debug, Default)]
pub struct Listed {
    /// The described modules, in the order printed (kept when the command fails, as `-e`
    /// would print them).
    pub modules: Vec<ModulePublic>,
    /// The module graph, when the arguments needed it loaded (not for the bare main modules).
    pub graph: Option<ModuleGraph>,
    /// What the go command prints on stdout.
    pub stdout: String,
    /// What it prints on stderr: loading messages, warnings, `-x` lines, errors.
    pub stderr: String,
    /// Its exit code.
    pub exit: u8,
    /// The messages of the errors that fail the command, each whole (stderr shows them as the
    /// go command does).
    pub errors: Vec<String>,
}

impl Listed {
    fn fail(mut self, message: &str) -> Self {
        self.stderr
            .push_str(&super::resolve::go_error_text(message));
        self.errors.push(message.to_string());
        self.exit = 1;
        self
    }
}

/// `go list -m [-json] [-e] [-x] [PATTERN…]` on a loader set up by a front end: which modules
/// the patterns name (none: the main modules; `all`; `...` patterns; module paths), each
/// described as [`module_info`] does with `cache` for `GoMod` and `Dir`, and the output text.
pub fn list_m(
    l: &mut Loader<'_>,
    cache: &dyn CachePaths,
    patterns: &[String],
    flags: ListFlags,
) -> Listed {
    let mut out = Listed::default();
    let mut graph_err = None;
    if patterns.is_empty() {
        let rs = match l.load_mod_file() {
            Ok(rs) => rs,
            Err(err) => return with_messages(l, out.fail(&err.to_string())),
        };
        for m in l.main_versions() {
            out.modules.push(module_info(l, &rs, cache, m));
        }
    } else {
        if l.options().build_mod == super::load::BuildMod::Vendor {
            return with_messages(l, out.fail(super::resolve::VENDOR_ALL));
        }
        let (rs, mg, err) = match l.load_mod_graph() {
            Ok(t) => t,
            Err(err) => return with_messages(l, out.fail(&err.to_string())),
        };
        graph_err = err;
        let list = mg.graph.build_list(&l.names);
        if patterns.iter().any(|p| p == "all") {
            super::resolve::prefetch_listed(l, &list);
        }
        let mut listed = rustc_hash::FxHashSet::default();
        for arg in patterns {
            if arg == "all" || arg.contains("...") {
                let mut matched = false;
                for &m in &list {
                    if arg == "all" || match_pattern(arg, l.names.path_str(m.path)) {
                        matched = true;
                        if listed.insert(m) {
                            out.modules.push(module_info(l, &rs, cache, m));
                        }
                    }
                }
                if !matched {
                    out.stderr.push_str(&format!(
                        "warning: pattern \"{arg}\" matched no module dependencies\n"
                    ));
                }
                continue;
            }
            let p = l.names.path(arg);
            let v = mg.graph.selected(p);
            if v == VerId::NONE {
                if graph_err.is_some() {
                    continue;
                }
                out.modules.push(ModulePublic {
                    path: arg.clone(),
                    error: Some(ModuleInfoError {
                        err: format!("module {arg}: not a known dependency"),
                    }),
                    ..ModulePublic::default()
                });
                continue;
            }
            out.modules.push(module_info(l, &rs, cache, Mv::new(p, v)));
        }
        out.graph = Some(mg);
    }
    if flags.x {
        for ev in &l.trace.events {
            out.stderr.push_str(&ev.x_line());
            out.stderr.push('\n');
        }
        for d in &l.diagnostics {
            if d.code == super::load::GOMOD_REWRITE {
                out.stderr
                    .push_str(&format!("# go.mod rewrite (not written): {}\n", d.message));
            }
        }
    }
    let deferred = l.deferred_errors();
    if !deferred.is_empty() {
        out.errors.extend(deferred.lines().map(str::to_string));
        out.exit = 1;
        return with_messages(l, out);
    }
    if !flags.e {
        let mut failed = false;
        for m in &out.modules {
            if let Some(err) = &m.error {
                out.stderr.push_str(&format!("go: {}\n", err.err));
                out.errors.push(err.err.clone());
                failed = true;
            }
        }
        if let Some(err) = &graph_err {
            out.stderr.push_str(&format!("go: {err}\n"));
            out.errors.push(err.to_string());
            failed = true;
        }
        if failed {
            out.exit = 1;
            return with_messages(l, out);
        }
    }
    let mut stdout = String::with_capacity(out.modules.len() * 64);
    for m in &out.modules {
        if flags.json {
            stdout.push_str(&m.json());
        } else {
            m.write_line(&mut stdout);
            stdout.push('\n');
        }
    }
    out.stdout = stdout;
    with_messages(l, out)
}

/// Puts what the go command prints while loading in front of a command's stderr: `go: dropping
/// requirement on excluded version …` lines, then the errors it reports without stopping
/// (which fail the command).
pub fn loading_messages(l: &Loader<'_>, stderr: &mut String, exit: &mut u8) {
    let deferred = l.deferred_errors();
    if !deferred.is_empty() {
        *exit = 1;
    }
    stderr.insert_str(0, &deferred);
    stderr.insert_str(0, &super::resolve::go_messages(l));
}

fn with_messages(l: &Loader<'_>, mut out: Listed) -> Listed {
    loading_messages(l, &mut out.stderr, &mut out.exit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_time_reads_the_proxy_form_quickly_and_everything_else_as_json() {
        let quick = [
            (
                "{\"Version\":\"v1.0.0\",\"Time\":\"2023-01-02T12:00:00Z\"}\n",
                "2023-01-02T12:00:00Z",
            ),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"\"}", ""),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"x\"} \r\n\t", "x"),
        ];
        for (text, want) in quick {
            assert_eq!(quick_info_time(text.as_bytes()), Some(want), "{text:?}");
            assert_eq!(info_time(text.as_bytes()).as_deref(), Ok(want));
        }
        let json = [
            (
                "{\"Time\":\"2023-01-02T12:00:00Z\",\"Version\":\"v1.0.0\"}",
                Ok("2023-01-02T12:00:00Z"),
            ),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"a\\u0041\"}", Ok("aA")),
            ("{\"Version\":\"v1.0.0\",\"Time\":5}", Ok("")),
            ("{\"Version\":\"v1.0.0\"}", Ok("")),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"x\"}}", Err(())),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"x\"", Err(())),
            ("{\"Version\":\"v1.0.0\",\"Time\":\"x\"} x", Err(())),
        ];
        for (text, want) in json {
            assert_eq!(quick_info_time(text.as_bytes()), None, "{text:?}");
            assert_eq!(
                info_time(text.as_bytes()).as_deref().map_err(|_| ()),
                want,
                "{text:?}"
            );
        }
    }
}
