//! What `go list -m` and `go mod graph` print, computed from a loaded graph.
//!
//! [`ModulePublic`] has the field names and order of the go command's `go list -m -json` objects
//! (the fields modscope knows: Path, Version, Replace, Time, Main, Indirect, Dir, GoMod, GoVersion,
//! Error). [`module_info`] fills one in as the go command's `moduleInfo` does — `.info` for the
//! time, the go.mod for the go version, replacements resolved — and the text forms
//! ([`ModulePublic::line`], [`graph_edges`]) match the go command's output byte for byte.

use super::intern::{Mv, VerId};
use super::load::{Loader, ModuleGraph, Requirements};
use super::versions;
use crate::report::trace::EventKind;
use crate::source::FileKind;
use crate::version::semver;
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
    /// The version query a `path@query` argument asked for, when it differs from the version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The replacement, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<ModulePublic>>,
    /// The version's time from its `.info` file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The newest allowed version above this one (`-u`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Box<ModulePublic>>,
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
    /// The rationales of the retractions covering this version (`-retracted`, `-u`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retracted: Vec<String>,
    /// The module's deprecation message (`-u`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub deprecated: String,
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
        fn version(s: &mut String, m: &ModulePublic) {
            s.push_str(&m.version);
            if !m.retracted.is_empty() {
                s.push_str(" (retracted)");
            }
        }
        fn update(s: &mut String, m: &ModulePublic) {
            if let Some(u) = &m.update {
                s.push_str(" [");
                version(s, u);
                s.push(']');
            }
        }
        s.push_str(&self.path);
        if !self.version.is_empty() {
            s.push(' ');
            version(s, self);
            update(s, self);
        }
        if !self.deprecated.is_empty() {
            s.push_str(" (deprecated)");
        }
        if let Some(r) = &self.replace {
            s.push_str(" => ");
            s.push_str(&r.path);
            if !r.version.is_empty() {
                s.push(' ');
                version(s, r);
                update(s, r);
            }
            if !r.deprecated.is_empty() {
                s.push_str(" (deprecated)");
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
    let subject = || {
        let mut subject = String::with_capacity(path.len() + version.len() + 6);
        subject.push_str(&path);
        subject.push('@');
        subject.push_str(&version);
        subject.push_str(".info");
        subject
    };
    match fetched {
        Ok(f) => {
            let kind = if cached {
                EventKind::CacheHit
            } else {
                EventKind::Read
            };
            loader.record_with(kind, start, || {
                let detail = if cached {
                    String::new()
                } else {
                    f.location.clone()
                };
                (subject(), detail)
            });
            time.unwrap_or_else(|| info_time(&f.data))
                .map_err(|e| format!("{path}@{version}: invalid .info: {e}"))
        }
        Err(e) => {
            loader.record_with(EventKind::NotFound, start, || {
                (subject(), e.message().to_string())
            });
            // GOPROXY=off answers the go command's version query with its bare message; a
            // proxy's answer names the module version.
            if matches!(e, crate::source::SourceError::Disabled { .. }) {
                return Err(e.message().to_string());
            }
            Err(format!("{path}@{version}: {}", e.message()))
        }
    }
}

/// A dependency's `go` line as Go 1.19 reports it: its lax go.mod parser keeps only the `1.N` of
/// a version it does not know the form of (`1.21.0`, `1.21rc1`, `v1.20`); anything else as is.
pub fn go119_dependency_go(v: &str) -> &str {
    fn number(s: &[u8]) -> usize {
        match s.first() {
            Some(b'0') => 1,
            Some(b'1'..=b'9') => s.iter().take_while(|b| b.is_ascii_digit()).count(),
            _ => 0,
        }
    }
    let body = v.strip_prefix('v').unwrap_or(v);
    let b = body.as_bytes();
    let major = match b.first() {
        Some(b'1'..=b'9') => number(b),
        _ => return v,
    };
    if b.get(major) != Some(&b'.') {
        return v;
    }
    let minor = number(&b[major + 1..]);
    if minor == 0 {
        return v;
    }
    let end = major + 1 + minor;
    match b.get(end) {
        // The strict form (without a leading v) is kept as written.
        None if body.len() == v.len() => v,
        Some(c) if !c.is_ascii_digit() => &body[..end],
        _ => v,
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
    // As the go command's `checksumOk("/go.mod")`: outside -mod=mod, a module version's go.mod
    // is described (its go version, its GoMod path) only when go.sum records it.
    let go_mod_sum_ok = m.version.is_empty()
        || loader.options().build_mod == super::load::BuildMod::Mod
        || loader
            .modfile_cache()
            .is_none_or(|c| c.has_go_mod_sum(&m.path, &m.version));
    if go_mod_sum_ok {
        let read = loader.raw_summary(mv);
        if m.go_version.is_empty() {
            if let Ok(s) = &read {
                if let Some(g) = &s.go {
                    m.go_version = go119_dependency_go(g).to_string();
                }
            }
        }
    }
    if !m.version.is_empty() {
        if go_mod_sum_ok && loader.has_mod(mv) {
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
        info.go_version = go119_dependency_go(g).to_string();
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

/// Describes `path@vers` (a `list -m` argument) as the go command does: the version query
/// answered from the module's proxy (`latest`, `upgrade`, `patch`, `v1.2` prefixes, `<`, `<=`,
/// `>`, `>=` ranges, exact versions), then the module version described without the main
/// modules' requirements or replacements; a failed query is the module's `Error`.
fn query_module(
    l: &mut Loader<'_>,
    cache: &dyn CachePaths,
    path: &str,
    vers: &str,
    current: &str,
) -> ModulePublic {
    // Exact versions and revisions are not checked against exclusions and retractions.
    let check_allowed = !is_revision_query(vers);
    match query(l, path, vers, current, check_allowed) {
        Ok(version) => {
            let mv = l.names.mv(path, &version);
            let mut m = ModulePublic {
                path: path.to_string(),
                query: if version == vers {
                    String::new()
                } else {
                    vers.to_string()
                },
                version,
                ..ModulePublic::default()
            };
            complete(l, cache, &mut m, mv);
            m
        }
        Err(err) => ModulePublic {
            path: path.to_string(),
            version: vers.to_string(),
            error: Some(ModuleInfoError { err: err.message }),
            ..ModulePublic::default()
        },
    }
}

/// Whether `vers` names one revision rather than asking a query (the go command's
/// `IsRevisionQuery`): anything but `latest`, `upgrade`, `patch`, ranges and `v1`/`v1.2` prefixes.
fn is_revision_query(vers: &str) -> bool {
    !(matches!(vers, "latest" | "upgrade" | "patch")
        || vers.starts_with(['<', '>'])
        || (semver::is_valid(vers) && is_semver_prefix(vers)))
}

/// A valid semantic version with fewer than three numbers and no pre-release or build suffix.
fn is_semver_prefix(v: &str) -> bool {
    let mut dots = 0;
    for b in v.bytes().skip(1) {
        match b {
            b'.' => dots += 1,
            b'0'..=b'9' => {}
            _ => return false,
        }
    }
    dots < 2
}

/// What a query accepts: versions starting with `prefix` that `filter` keeps.
struct Matcher {
    prefix: String,
    filter: Box<dyn Fn(&str) -> bool>,
    prefer_lower: bool,
    may_use_latest: bool,
    prefer_incompatible: bool,
}

/// Builds the matcher for `query`, or `Ok(None)` when the query can only be answered by asking
/// for that one version (an exact version or a revision).
fn matcher(path: &str, query: &str, current: &str) -> Result<Option<Matcher>, String> {
    let has_current = !current.is_empty() && current != "none";
    let matches_major = |v: &str| {
        crate::module::split_path_version(path)
            .is_some_and(|(_, major)| crate::module::check_path_major(v, major).is_ok())
    };
    let bad = |v: &str| format!("invalid semantic version \"{v}\" in range \"{query}\"");
    let ambiguous = |v: &str| format!("ambiguous semantic version \"{v}\" in range \"{query}\"");
    let mut m = Matcher {
        prefix: String::new(),
        filter: Box::new(|_| true),
        prefer_lower: false,
        may_use_latest: false,
        prefer_incompatible: current.ends_with("+incompatible"),
    };
    let cur = current.to_string();
    if query == "latest" || (query == "upgrade" && !has_current) {
        m.may_use_latest = true;
    } else if query == "upgrade" {
        m.may_use_latest = crate::version::pseudo::is_pseudo_version(current);
        m.filter = Box::new(move |v| semver::compare(v, &cur).is_ge());
    } else if query == "patch" {
        if !has_current {
            return Err(format!(
                "can't query version \"patch\" of module {path}: no existing version is required"
            ));
        }
        m.may_use_latest = crate::version::pseudo::is_pseudo_version(current);
        m.prefix = format!("{}.", semver::major_minor(current));
        m.filter = Box::new(move |v| semver::compare(v, &cur).is_ge());
    } else if let Some((op, v)) = ["<=", "<", ">=", ">"]
        .iter()
        .find_map(|op| query.strip_prefix(op).map(|v| (*op, v.to_string())))
    {
        if !semver::is_valid(&v) {
            return Err(bad(&v));
        }
        if matches!(op, "<=" | ">") && is_semver_prefix(&v) {
            return Err(ambiguous(&v));
        }
        m.prefer_lower = op.starts_with('>');
        m.prefer_incompatible |= !matches_major(&v);
        m.filter = Box::new(move |w| {
            let c = semver::compare(w, &v);
            match op {
                "<=" => c.is_le(),
                "<" => c.is_lt(),
                ">=" => c.is_ge(),
                _ => c.is_gt(),
            }
        });
    } else if semver::is_valid(query) {
        if !is_semver_prefix(query) {
            return Ok(None);
        }
        m.prefix = format!("{query}.");
        m.prefer_incompatible |= !matches_major(query);
        let q = query.to_string();
        m.filter = Box::new(move |v| semver::compare(v, &q).is_ge());
    } else {
        return Ok(None);
    }
    Ok(Some(m))
}

/// A failed version query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The text `list -m` shows for it (the go command's `modinfoError`).
    pub message: String,
    /// It says there is nothing to find (a file not found, no matching version, an excluded
    /// current version), which `-u` and `-retracted` pass over in silence.
    pub nothing: bool,
}

/// A source error's text and whether it is "not found" (GOPROXY=off counts as not found).
type Failure = (String, bool);

fn failure(e: &crate::source::SourceError) -> Failure {
    let nothing = e.is_not_found() || matches!(e, crate::source::SourceError::Disabled { .. });
    (e.message().to_string(), nothing)
}

/// The go command's `Query(path, query, current, allowed)` over the loader's module source:
/// the version `query` selects, or why there is none. `check_allowed` drops versions the main
/// modules exclude and versions their module retracts.
pub fn query(
    l: &mut Loader<'_>,
    path: &str,
    query: &str,
    current: &str,
    check_allowed: bool,
) -> Result<String, QueryError> {
    let with_query = |(e, nothing): Failure| QueryError {
        message: format!("{path}@{query}: {e}"),
        nothing,
    };
    let Some(m) = matcher(path, query, current).map_err(|e| with_query((e, false)))? else {
        return stat(l, path, query).map_err(|(e, nothing)| {
            if semver::is_valid(query) {
                with_query((e, nothing))
            } else {
                with_query((format!("invalid version: {e}"), nothing))
            }
        });
    };
    let mut retractions: Option<Vec<(String, String)>> = None;
    let mut allowed = |l: &mut Loader<'_>, v: &str| -> bool {
        if !check_allowed {
            return true;
        }
        if l.main_modules()
            .any(|mm| mm.excludes.iter().any(|(p, ev)| p == path && ev == v))
        {
            return false;
        }
        let r = retractions.get_or_insert_with(|| {
            latest_go_mod(l, path)
                .map(|f| f.retract.into_iter().map(|r| (r.low, r.high)).collect())
                .unwrap_or_default()
        });
        !r.iter()
            .any(|(lo, hi)| semver::compare(lo, v).is_le() && semver::compare(v, hi).is_le())
    };
    let listed = l
        .modules()
        .fetch(path, "", FileKind::List)
        .map_err(|e| match e {
            crate::source::SourceError::Disabled { .. } => with_query(failure(&e)),
            _ => QueryError {
                message: format!("module {path}: {}", e.message()),
                nothing: e.is_not_found(),
            },
        })?;
    // Retractions are read once, at the first version the prefix and filter keep.
    let accepted: Vec<String> = versions::listed_versions(&listed.data)
        .into_iter()
        .filter(|v| v.starts_with(&m.prefix) && (m.filter)(v) && allowed(l, v))
        .collect();
    let picked = versions::pick(
        accepted,
        l,
        |_, _| true,
        |l, v| {
            has_real_go_mod(l, path, v)
                .map_err(|(message, nothing)| QueryError { message, nothing })
        },
        m.prefer_incompatible,
        m.prefer_lower,
    )?;
    if let Some(v) = picked {
        return lookup(l, path, query, current, &v).map_err(with_query);
    }
    // The go command then asks the proxy's `@latest` for a module without listed versions; the
    // module sources here serve `@v/list`, `.info` and `.mod` only, as a file:// proxy without an
    // `@latest` file answers: not found, and the query goes on.
    if matches!(query, "upgrade" | "patch") && !current.is_empty() && current != "none" {
        if !allowed(l, current) {
            return Err(QueryError {
                message: format!("{path}@{current}: excluded"),
                nothing: true,
            });
        }
        return stat(l, path, current).map_err(with_query);
    }
    let suffix = if matches!(query, "upgrade" | "patch") && !current.is_empty() && current != "none"
    {
        format!(" (current version is {current})")
    } else {
        String::new()
    };
    Err(QueryError {
        message: format!("module {path}: no matching versions for query \"{query}\"{suffix}"),
        nothing: true,
    })
}

/// The version a selected `v` resolves to: itself, except that `upgrade` and `patch` never move
/// from a pseudo-version to an older version.
fn lookup(
    l: &mut Loader<'_>,
    path: &str,
    query: &str,
    current: &str,
    v: &str,
) -> Result<String, Failure> {
    let found = stat(l, path, v)?;
    if matches!(query, "upgrade" | "patch") && crate::version::pseudo::is_pseudo_version(current) {
        let t = l
            .modules()
            .fetch(path, &found, FileKind::Info)
            .ok()
            .and_then(|f| info_time(&f.data).ok())
            .unwrap_or_default();
        // Both times as yyyymmddhhmmss: the .info's RFC 3339 UTC time and the pseudo-version's.
        let info_digits: String = t.chars().take(19).filter(char::is_ascii_digit).collect();
        let pseudo_digits = current
            .rsplit('-')
            .nth(1)
            .map(|p| &p[p.len().saturating_sub(14)..])
            .unwrap_or_default();
        if info_digits.len() == 14 && pseudo_digits.len() == 14 && *info_digits < *pseudo_digits {
            return stat(l, path, current);
        }
    }
    Ok(found)
}

/// Asks the proxy about `path@version` (its `.info`, recorded): the version it names.
fn stat(l: &mut Loader<'_>, path: &str, version: &str) -> Result<String, Failure> {
    let start = l.now();
    let subject = format!("{path}@{version}.info");
    match l.modules().fetch(path, version, FileKind::Info) {
        Ok(f) => {
            l.record(EventKind::Read, subject, f.location.clone(), start);
            Ok(info_version(&f.data).unwrap_or_else(|| version.to_string()))
        }
        Err(e) => {
            l.record(EventKind::NotFound, subject, e.message().to_string(), start);
            Err(failure(&e))
        }
    }
}

/// The `Version` of an `.info` file's bytes.
fn info_version(data: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Info {
        #[serde(rename = "Version", default)]
        version: String,
    }
    serde_json::from_slice::<Info>(data)
        .ok()
        .map(|i| i.version)
        .filter(|v| !v.is_empty())
}

/// Whether `path@version`'s go.mod is the module's own (not the one-line file a proxy makes up
/// for a module without one).
fn has_real_go_mod(l: &mut Loader<'_>, path: &str, version: &str) -> Result<bool, Failure> {
    let f = l
        .modules()
        .fetch(path, version, FileKind::Mod)
        .map_err(|e| {
            let (m, nothing) = failure(&e);
            (format!("{path}@{version}: {m}"), nothing)
        })?;
    Ok(!versions::is_synthesized_go_mod(path, &f.data))
}

/// The go.mod of `path`'s latest version (retractions ignored; its replacement's when replaced),
/// where the go command reads a module's retractions and deprecation; `None` when every version
/// of `path` is replaced or it cannot be read.
fn latest_go_mod(l: &mut Loader<'_>, path: &str) -> Option<crate::modfile::ModFile> {
    let any = l.names.mv(path, "");
    if l.replacement(any).is_some() {
        return None;
    }
    let latest = query(l, path, "latest", "", false).ok()?;
    let latest = l.names.mv(path, &latest);
    let target = l.resolve(latest);
    if target.ver == VerId::MAIN {
        return None;
    }
    let (p, v) = (
        l.names.path_str(target.path).to_string(),
        l.names.ver_str(target.ver).to_string(),
    );
    let f = l.modules().fetch(&p, &v, FileKind::Mod).ok()?;
    crate::modfile::parse_lax("go.mod", &f.data).ok()
}

/// What `-u` and `-retracted` add to a listed module (and to its replacement): the newest
/// allowed version above it (`Update`), the rationales of the retractions covering it
/// (`Retracted`) and its module's deprecation message (`Deprecated`), each read from the
/// module's proxy as the go command's `addUpdate`, `addRetraction` and `addDeprecation` do.
fn add_list_info(l: &mut Loader<'_>, m: &mut ModulePublic, u: bool, retracted: bool) {
    if m.version.is_empty() {
        return;
    }
    if u {
        match query(l, &m.path, "upgrade", &m.version, true) {
            Ok(v) if semver::compare(&v, &m.version).is_gt() => {
                let mv = l.names.mv(&m.path, &v);
                let time = query_info_of(l, mv).ok().filter(|t| !t.is_empty());
                m.update = Some(Box::new(ModulePublic {
                    path: m.path.clone(),
                    version: v,
                    time,
                    ..ModulePublic::default()
                }));
            }
            Ok(_) => {}
            Err(e) if e.nothing => {}
            Err(e) => {
                if m.error.is_none() {
                    m.error = Some(ModuleInfoError { err: e.message });
                }
            }
        }
    }
    if !(u || retracted) {
        return;
    }
    let latest = latest_go_mod(l, &m.path);
    if let Some(f) = &latest {
        let mut covered = false;
        let mut why = Vec::new();
        for r in &f.retract {
            if semver::compare(&r.low, &m.version).is_le()
                && semver::compare(&m.version, &r.high).is_le()
            {
                covered = true;
                if !r.rationale.is_empty() {
                    why.push(r.rationale.clone());
                }
            }
        }
        if covered {
            m.retracted = if why.is_empty() {
                vec!["retracted by module author".to_string()]
            } else {
                why
            };
        }
        if u {
            if let Some(module) = &f.module {
                m.deprecated = module.deprecated.clone();
            }
        }
    }
    if let Some(r) = m.replace.as_deref_mut() {
        add_list_info(l, r, u, retracted);
    }
}

/// The `require` changes `go -mod=mod` would write into the (single) main module's go.mod to
/// make its requirements `rs`: `require P OLD => NEW` for a raised or lowered version,
/// `+ require P V` for a new root, `- require P V` for a dropped line; sorted by path. Empty in
/// workspace mode (go.work is never rewritten for requirements).
pub fn require_changes(l: &Loader<'_>, rs: &Requirements) -> Vec<String> {
    let mut mains = l.main_modules();
    let (Some(main), None) = (mains.next(), mains.next()) else {
        return Vec::new();
    };
    let mut old: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for r in &main.requires {
        old.insert(r.path.as_str(), r.version.as_str());
    }
    let mut new: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for m in &rs.roots {
        if l.is_main_path(m.path) {
            continue;
        }
        new.insert(l.names.path_str(m.path), l.names.ver_str(m.ver));
    }
    let mut out: Vec<(&str, String)> = Vec::new();
    for (&path, v) in &old {
        match new.get(path) {
            Some(nv) if nv != v => out.push((path, format!("require {path} {v} => {nv}"))),
            Some(_) => {}
            None => out.push((path, format!("- require {path} {v}"))),
        }
    }
    for (&path, v) in &new {
        if !old.contains_key(path) {
            out.push((path, format!("+ require {path} {v}")));
        }
    }
    out.sort();
    out.into_iter().map(|(_, line)| line).collect()
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
    /// `-u`: update information, retractions and deprecations.
    pub u: bool,
    /// `-retracted`: retractions.
    pub retracted: bool,
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
    let mut final_rs: Option<Requirements> = None;
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
        let rs = match l.load_mod_file() {
            Ok(rs) => rs,
            Err(err) => return with_messages(l, out.fail(&err.to_string())),
        };
        // As the go command, load the module graph only when an argument needs it: `all`, a
        // pattern, or a module path (or `@upgrade` / `@patch` query) that is not a root of a
        // pruned graph. Otherwise a module's version is its root's, as go.mod requires it.
        let root_version = |l: &mut Loader<'_>, rs: &Requirements, path: &str| {
            let pid = l.names.path(path);
            if l.is_main_path(pid) {
                return Some(VerId::MAIN);
            }
            rs.roots.iter().rev().find(|m| m.path == pid).map(|m| m.ver)
        };
        let mut need_full = false;
        for arg in patterns {
            let path = match arg.split_once('@') {
                _ if arg == "all" || arg.contains("...") => {
                    need_full = true;
                    continue;
                }
                Some((path, "upgrade" | "patch")) => path,
                Some(_) => continue,
                None => arg.as_str(),
            };
            if rs.pruning == super::load::Pruning::Unpruned || root_version(l, &rs, path).is_none()
            {
                need_full = true;
            }
        }
        let (rs, mg) = if need_full {
            match l.expand_graph(rs) {
                Ok((rs, mg, err)) => {
                    graph_err = err;
                    (rs, Some(mg))
                }
                Err(err) => return with_messages(l, out.fail(&err.to_string())),
            }
        } else {
            (rs, None)
        };
        let selected = |l: &mut Loader<'_>, path: &str| match &mg {
            Some(mg) => mg.graph.selected(l.names.path(path)),
            None => root_version(l, &rs, path).unwrap_or(VerId::NONE),
        };
        let list = mg
            .as_ref()
            .map(|mg| mg.graph.build_list(&l.names))
            .unwrap_or_default();
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
            if let Some((path, vers)) = arg.split_once('@') {
                let pid = l.names.path(path);
                // A main module is its own upgrade: the go command asks no proxy.
                if l.is_main_path(pid) && matches!(vers, "upgrade" | "patch") {
                    let mut m = module_info(l, &rs, cache, Mv::new(pid, VerId::MAIN));
                    m.query = vers.to_string();
                    out.modules.push(m);
                    continue;
                }
                let current = selected(l, path);
                let current = if current == VerId::NONE {
                    String::new()
                } else {
                    l.names.ver_str(current).to_string()
                };
                // An incomplete graph cannot say what an upgrade starts from.
                if current.is_empty() && graph_err.is_some() && matches!(vers, "upgrade" | "patch")
                {
                    continue;
                }
                out.modules
                    .push(query_module(l, cache, path, vers, &current));
                continue;
            }
            let v = selected(l, arg);
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
            let p = l.names.path(arg);
            out.modules.push(module_info(l, &rs, cache, Mv::new(p, v)));
        }
        out.graph = mg;
        final_rs = Some(rs);
    }
    if flags.u || flags.retracted {
        let mut modules = std::mem::take(&mut out.modules);
        for m in &mut modules {
            add_list_info(l, m, flags.u, flags.retracted);
        }
        out.modules = modules;
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
        // The require lines that differ from the requirements the graph ended with (raised
        // versions, new roots, and lines on excluded versions, which are dropped).
        if let Some(rs) = &final_rs {
            for line in require_changes(l, rs) {
                out.stderr
                    .push_str(&format!("# go.mod rewrite (not written): {line}\n"));
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
    fn dependency_go_lines_read_as_go_1_19_reads_them() {
        for (line, want) in [
            ("1.17", "1.17"),
            ("1.21.0", "1.21"),
            ("1.21rc1", "1.21"),
            ("1.20.3", "1.20"),
            ("v1.18", "v1.18"),
            ("v1.18.1", "1.18"),
            ("1.0", "1.0"),
            ("1.021", "1.021"),
            ("01.2.3", "01.2.3"),
            ("1", "1"),
            ("1.x", "1.x"),
        ] {
            assert_eq!(go119_dependency_go(line), want, "{line}");
        }
    }

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
