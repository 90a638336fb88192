//! The front ends' entry point to the module graph: from a tree holding a main module (`go.mod`,
//! optional `go.work`) and a GOPROXY-layout directory to the build list (`list -m all` lines and
//! `list -m -json all` records), the `mod graph` edges, diagnostics and the trace.
//!
//! Also owns the pieces every front end needs to set up a [`Loader`]: the main go.mod parsed
//! strictly with the go command's version fixer ([`main_module`]), the lax dependency parser
//! ([`parse_dep`]), go.work replacements, and the go command's error text ([`go_error_text`]).
//! The native CLI reads files from disk and calls these; [`resolve`] reads everything from one
//! [`Fs`] (a `MemFs` in the browser and in tests). No I/O beyond the `Fs` passed in.

use super::list::{graph_edges, list_m, ListFlags, ModulePublic, NoCache};
use super::load::{
    BuildMod, CmdKind, DepGoMod, Env, Loader, MainModule, Options, Replace, Require, WorkFile,
    EXCLUDED_REQUIREMENT,
};
use crate::cache::ModfileCache;
use crate::clock::Clock;
use crate::error::{Code, Diagnostic};
use crate::modfile::{self, ParseOptions};
use crate::report::trace::Event;
use crate::source::{clean_path, join_path, FileKind, Fs, ModuleSource, ProxyDir};
use crate::version::semver;
use serde::{Deserialize, Serialize};

/// Diagnostics joined one per line, as the CLI prints them.
pub fn diag_text(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The go command's stderr text for a fatal error: `go: <message>` (checksum mismatches print
/// bare, as the go command prints them).
pub fn go_error_text(message: &str) -> String {
    if message.starts_with("verifying ") && message.contains(": checksum mismatch\n") {
        format!("{message}\n")
    } else {
        format!("go: {message}\n")
    }
}

/// The dependency go.mod parser the graph uses: lax mode. A file in the plainest form of the
/// grammar (what nearly every published go.mod is) is read by [`quick_dep`] without building a
/// syntax tree; any other file, including every one with an error, goes through the full
/// parser, which reports what the go command reports.
pub fn parse_dep(name: &str, data: &[u8]) -> Result<DepGoMod, String> {
    match quick_dep(data) {
        Some(d) => Ok(d),
        None => full_dep(name, data),
    }
}

/// [`parse_dep`] through the full lax parser, never the quick reader (what [`quick_dep`]'s
/// answers are checked against).
pub fn full_dep(name: &str, data: &[u8]) -> Result<DepGoMod, String> {
    let f = modfile::parse_lax(name, data).map_err(|d| diag_text(&d))?;
    Ok(DepGoMod {
        module: f.module.map(|m| m.path),
        go: f.go.map(|g| g.version),
        require: f
            .require
            .into_iter()
            .map(|r| (r.module.path, r.module.version))
            .collect(),
    })
}

/// Bytes a token may hold on the quick path: printable ASCII that the go.mod lexer reads as part
/// of an identifier, that an unquoted string reads as itself, and that never starts a comment or
/// a string (no quotes, brackets, braces, commas or parentheses). `/` is allowed; `//` is cut as
/// a comment before tokens are split and `/*` sends the file to the full parser.
static QUICK_TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        t[b] = !matches!(
            b as u8,
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b'"' | b'\'' | b'`' | b'\\'
        );
        b += 1;
    }
    t
};

/// What the quick reader is inside of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuickBlock {
    /// File level.
    None,
    /// `require ( … )`.
    Require,
    /// A block the lax parser skips (`exclude ( … )`, `replace ( … )`, unknown verbs).
    Skipped,
}

/// Reads a dependency go.mod written in the plainest form of the grammar, with the answer the
/// full lax parser gives, or `None` when the file uses anything else — a quoted string, a
/// non-ASCII or control byte, a `/*`, brackets, a `retract` or `ignore` directive, a go version
/// the lax parser would fix, a version that is not canonical for its path, a repeated `module`
/// or `go` line, an unclosed block — so that the full parser reads it and reports any error.
/// Only `module`, `go` and `require` are read; other directives are skipped as the lax parser
/// skips them, provided they are made of plain tokens.
pub fn quick_dep(data: &[u8]) -> Option<DepGoMod> {
    let mut out = DepGoMod::default();
    let mut block = QuickBlock::None;
    let mut toks: [&[u8]; 8] = [&[]; 8];
    let mut i = 0;
    while i < data.len() {
        let (n, comment, next) = quick_line(data, i, &mut toks)?;
        i = next;
        let toks = &toks[..n];
        let plain = |t: &[u8]| t.first().is_some_and(|&b| QUICK_TOKEN[b as usize]);
        match (block, toks) {
            (_, []) => {}
            (QuickBlock::None, [verb, b"("]) if !comment && plain(verb) => {
                block = match *verb {
                    b"require" => QuickBlock::Require,
                    b"module" | b"retract" | b"ignore" => return None,
                    _ => QuickBlock::Skipped,
                };
            }
            (QuickBlock::Require | QuickBlock::Skipped, [b")"]) if !comment => {
                block = QuickBlock::None;
            }
            _ if !toks.iter().all(|t| plain(t)) => return None,
            (QuickBlock::Require, [path, version]) => quick_require(&mut out, path, version)?,
            (QuickBlock::Skipped, _) => {}
            (QuickBlock::Require, _) => return None,
            (QuickBlock::None, [verb, rest @ ..]) => match (*verb, rest) {
                (b"module", [path]) if out.module.is_none() => {
                    out.module = Some(std::str::from_utf8(path).ok()?.to_string());
                }
                (b"go", [v]) if out.go.is_none() => {
                    let v = std::str::from_utf8(v).ok()?;
                    if !modfile::rule::is_go_version(v) {
                        return None;
                    }
                    out.go = Some(v.to_string());
                }
                (b"require", [path, version]) => quick_require(&mut out, path, version)?,
                (b"module" | b"go" | b"require" | b"retract" | b"ignore", _) => return None,
                _ => {}
            },
        }
    }
    (block == QuickBlock::None).then_some(out)
}

/// Splits the line of `data` that starts at `i` into tokens (into `toks`), in one pass: returns
/// how many, whether the line ends in a comment, and where the next line starts. A token is a
/// run of [`QUICK_TOKEN`] bytes, or a `(` or `)` standing alone between spaces; `None` for
/// anything else (more than `toks` holds, a `/*`, a byte outside printable ASCII, tab and CR).
fn quick_line<'d>(
    data: &'d [u8],
    mut i: usize,
    toks: &mut [&'d [u8]; 8],
) -> Option<(usize, bool, usize)> {
    let space = |b: u8| b == b' ' || b == b'\t' || b == b'\r';
    let mut n = 0;
    loop {
        while i < data.len() && space(data[i]) {
            i += 1;
        }
        let Some(&b) = data.get(i) else {
            return Some((n, false, i));
        };
        if b == b'\n' {
            return Some((n, false, i + 1));
        }
        let tok = if b == b'/' && data.get(i + 1) == Some(&b'/') {
            // A comment to end of line: the lexer takes its bytes as they are; only plain
            // ASCII is accepted here.
            let end = data[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(data.len(), |k| i + k);
            if !data[i..end]
                .iter()
                .all(|&c| (0x20..=0x7e).contains(&c) || c == b'\t' || c == b'\r')
            {
                return None;
            }
            return Some((n, true, end + 1));
        } else if b == b'(' || b == b')' {
            let after = data.get(i + 1).copied();
            let before_ok = i == 0 || space(data[i - 1]) || data[i - 1] == b'\n';
            if !before_ok || !after.is_none_or(|c| space(c) || c == b'\n') {
                return None;
            }
            i += 1;
            &data[i - 1..i]
        } else {
            let start = i;
            while let Some(&c) = data.get(i) {
                if !QUICK_TOKEN[c as usize] {
                    break;
                }
                if c == b'/' {
                    match data.get(i + 1) {
                        Some(b'/') => break,
                        Some(b'*') => return None,
                        _ => {}
                    }
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            &data[start..i]
        };
        if n == toks.len() {
            return None;
        }
        toks[n] = tok;
        n += 1;
    }
}

/// One `require path version` on the quick path: kept when the version is canonical and fits
/// the path's major version (what the full parser accepts as written), else `None`.
fn quick_require(out: &mut DepGoMod, path: &[u8], version: &[u8]) -> Option<()> {
    let path = std::str::from_utf8(path).ok()?;
    let version = std::str::from_utf8(version).ok()?;
    let (_, major) = crate::module::split_path_version(path)?;
    let canonical = crate::module::canonical_version_for_major(version, major).ok()??;
    if canonical != version {
        return None;
    }
    out.require.push((path.to_string(), version.to_string()));
    Some(())
}

/// A parsed `replace` line as the loader takes it.
pub fn replace_of(r: &modfile::Replace) -> Replace {
    Replace {
        old_path: r.old.path.clone(),
        old_version: (!r.old.version.is_empty()).then(|| r.old.version.clone()),
        new_path: r.new.path.clone(),
        new_version: (!r.new.version.is_empty()).then(|| r.new.version.clone()),
    }
}

/// Resolves a non-canonical version in a main go.mod as the go command's version fixer does: a
/// prefix like `v1.2` becomes the highest listed `v1.2.x` release (else pre-release).
pub fn fix_version(source: &dyn ModuleSource, path: &str, vers: &str) -> Result<String, String> {
    if !vers.is_empty() && crate::module::canonical_version(vers) == vers {
        if let Some((_, major)) = crate::module::split_path_version(path) {
            crate::module::check_path_major(vers, major)
                .map_err(|e| format!("{path}@{vers}: {e}"))?;
        }
        return Ok(vers.to_string());
    }
    let no_match = || format!("{path}@{vers}: no matching versions for query \"{vers}\"");
    if !semver::is_valid(vers) {
        return Err(no_match());
    }
    let dots = vers.matches('.').count();
    let prefix_query = !vers.contains(['-', '+']) && dots < 2;
    if !prefix_query {
        return Ok(crate::module::canonical_version(vers));
    }
    let list = source
        .fetch(path, "", FileKind::List)
        .map_err(|e| format!("{path}@{vers}: {}", e.message()))?;
    let text = String::from_utf8_lossy(&list.data).into_owned();
    let prefix = format!("{vers}.");
    let mut best_release: Option<String> = None;
    let mut best_pre: Option<String> = None;
    for line in text.lines() {
        let Some(v) = line.split_whitespace().next() else {
            continue;
        };
        if !semver::is_valid(v)
            || !v.starts_with(&prefix)
            || semver::compare(v, vers).is_lt()
            || crate::version::pseudo::is_pseudo_version(v)
        {
            continue;
        }
        let slot = if semver::prerelease(v).is_empty() {
            &mut best_release
        } else {
            &mut best_pre
        };
        if slot
            .as_deref()
            .is_none_or(|b| semver::compare(v, b).is_gt())
        {
            *slot = Some(v.to_string());
        }
    }
    best_release.or(best_pre).ok_or_else(no_match)
}

/// Parses the main module's go.mod (`name`, bytes `data`, in directory `dir`) strictly, fixing
/// non-canonical versions through `source`. The error is the go command's message.
pub fn main_module(
    source: &dyn ModuleSource,
    name: &str,
    dir: &str,
    data: &[u8],
) -> Result<MainModule, String> {
    let mut fixer = |p: &str, v: &str| fix_version(source, p, v);
    let f = modfile::parse_with(
        name,
        data,
        ParseOptions {
            strict: true,
            fix: Some(&mut fixer),
        },
    )
    .map_err(|d| format!("errors parsing go.mod:\n{}\n", diag_text(&d)))?;
    let Some(module) = f.module else {
        return Err("error reading go.mod: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod".to_string());
    };
    Ok(MainModule {
        path: module.path,
        dir: dir.to_string(),
        go: f.go.map(|g| g.version),
        requires: f
            .require
            .iter()
            .map(|r| Require {
                path: r.module.path.clone(),
                version: r.module.version.clone(),
                indirect: r.indirect,
            })
            .collect(),
        excludes: f
            .exclude
            .iter()
            .map(|x| (x.module.path.clone(), x.module.version.clone()))
            .collect(),
        replaces: f.replace.iter().map(replace_of).collect(),
    })
}

/// Parses a go.work file (`name`, bytes `data`, in directory `dir`): the workspace settings and
/// the module roots its `use` lines name, each once. The error is the go command's message.
pub fn work_file(name: &str, dir: &str, data: &[u8]) -> Result<(WorkFile, Vec<String>), String> {
    let wf = modfile::parse_work(name, data)
        .map_err(|d| format!("reading go.work: {}", diag_text(&d)))?;
    let mut roots: Vec<String> = Vec::new();
    for u in &wf.uses {
        let root = join_path(dir, &u.path);
        if roots.contains(&root) {
            return Err(format!(
                "reading go.work: path {root} appears multiple times in workspace"
            ));
        }
        roots.push(root);
    }
    let work = WorkFile {
        dir: dir.to_string(),
        go: wf.go.map(|g| g.version),
        replaces: wf.replace.iter().map(replace_of).collect(),
    };
    Ok((work, roots))
}

/// The `-mod` setting a flag value names, or the go command's error for an unknown one.
pub fn build_mod_of(flag: Option<&str>, command: CmdKind) -> Result<BuildMod, String> {
    match flag {
        Some("mod") => Ok(BuildMod::Mod),
        Some("readonly") => Ok(BuildMod::Readonly),
        Some("vendor") => Ok(BuildMod::Vendor),
        Some(other) => Err(format!(
            "-mod={other} not supported (want mod, readonly or vendor)"
        )),
        None => Ok(match command {
            CmdKind::ModGraph | CmdKind::ModWhy => BuildMod::Mod,
            CmdKind::List => BuildMod::Readonly,
        }),
    }
}

/// What to resolve in a tree. The JSON shape is the WASM API's `resolve(options)` argument.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResolveOptions {
    /// The main module's directory in the tree (holds `go.mod`, and `go.work` in workspace mode).
    pub dir: String,
    /// The GOPROXY-layout directory in the tree (`<escaped path>/@v/<version>.mod` …).
    pub proxy: String,
    /// `-mod=mod|readonly|vendor`; unset means the default of `go list -m` (readonly).
    pub build_mod: Option<String>,
    /// Use `dir/go.work` when there is one (GOWORK=auto); false is GOWORK=off.
    pub workspace: bool,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            dir: "/".to_string(),
            proxy: "/proxy".to_string(),
            build_mod: None,
            workspace: true,
        }
    }
}

/// One edge of `go mod graph`, as `modscope mod graph --format json` prints it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    /// The requiring module (`path` for a main module, else `path@version`).
    pub from: String,
    /// The required module version.
    pub to: String,
    /// Whether `to` is the version MVS selected for its path.
    pub selected: bool,
}

/// The answer for one tree: what `list -m all`, `list -m -json all` and `mod graph` print.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    /// The build list as `go list -e -m -json all` objects, in its order (kept when the
    /// resolution fails, as `-e` keeps them; [`Resolution::lines`] is then empty).
    pub build_list: Vec<ModulePublic>,
    /// The build list as `go list -m all` lines (no trailing newlines); empty when it fails.
    pub lines: Vec<String>,
    /// The `go mod graph` edges, in its order.
    pub graph: Vec<GraphEdge>,
    /// Warnings, the rewrites `-mod=mod` makes, and the fatal error if there is one.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read, with timings on the caller's clock.
    pub trace: Vec<Event>,
    /// What the go command prints on stderr for `list -m all` (empty on success).
    pub stderr: String,
}

/// The diagnostic code of a failure that stops the go command.
pub const RESOLVE_FAILED: Code = Code("resolve-failed");

impl Resolution {
    fn fail(mut self, message: &str) -> Self {
        self.stderr.push_str(&go_error_text(message));
        self.diagnostics
            .push(Diagnostic::error(RESOLVE_FAILED, "", None, message));
        self
    }
}

/// What `list -m all` says under `-mod=vendor`.
pub const VENDOR_ALL: &str =
    "can't compute 'all' using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)";

/// Reads ahead the go.mod and `.info` files `list -m all` describes for build list `list`: one
/// batch each (the source may read them concurrently) instead of one file at a time.
pub fn prefetch_listed(l: &mut Loader<'_>, list: &[super::Mv]) {
    let actuals: Vec<super::Mv> = list.iter().map(|&m| l.resolve(m)).collect();
    l.prefetch_mods(list);
    l.prefetch_infos(&actuals);
}

/// The messages the go command prints on stderr while loading (`go: dropping requirement on
/// excluded version …`), one per line, before anything else.
pub fn go_messages(l: &Loader<'_>) -> String {
    let mut pre = String::new();
    for d in &l.diagnostics {
        if d.code == EXCLUDED_REQUIREMENT {
            pre.push_str(&d.message);
            pre.push('\n');
        }
    }
    pre
}

/// Resolves the main module (or workspace) at `opts.dir` in `fs` against the proxy directory
/// `opts.proxy` in the same tree, as `go list -m all` and `go mod graph` would with
/// `GOPROXY=file://<proxy>`, `GOFLAGS=-mod=…`, `GONOSUMDB`/`GOSUMDB=off`.
pub fn resolve<F: Fs + Send + Sync>(fs: F, opts: &ResolveOptions, clock: &dyn Clock) -> Resolution {
    let out = Resolution::default();
    let dir = clean_path(&format!("/{}", opts.dir));
    let proxy = ProxyDir::file_proxy(&fs, clean_path(&format!("/{}", opts.proxy)));
    let work_path = join_path(&dir, "go.work");
    let use_work = opts.workspace && fs.is_file(&work_path);
    let mut mains = Vec::new();
    let mut work = None;
    let flag = opts.build_mod.as_deref();
    let build_mod = if use_work {
        if let Some(m) = flag.filter(|m| *m != "readonly") {
            return out.fail(&format!("-mod may only be set to readonly when in workspace mode, but it is set to {m:?}\n\tRemove the -mod flag to use the default readonly value,\n\tor set GOWORK=off to disable workspace mode."));
        }
        let parsed = fs
            .read(&work_path)
            .map_err(|e| format!("reading go.work: {e}"))
            .and_then(|data| work_file(&work_path, &dir, &data));
        let (wf, roots) = match parsed {
            Ok(t) => t,
            Err(e) => return out.fail(&e),
        };
        for root in roots {
            match read_main(&fs, &proxy, &root) {
                Ok(m) => mains.push(m),
                Err(e) => return out.fail(&e),
            }
        }
        work = Some(wf);
        BuildMod::Readonly
    } else {
        if !fs.is_file(&join_path(&dir, "go.mod")) {
            return out.fail("go.mod file not found in current directory or any parent directory; see 'go help modules'");
        }
        match read_main(&fs, &proxy, &dir) {
            Ok(m) => mains.push(m),
            Err(e) => return out.fail(&e),
        }
        match build_mod_of(flag, CmdKind::List) {
            Ok(b) => b,
            Err(e) => return out.fail(&e),
        }
    };
    // Dependency go.mod files are verified against go.sum as the go command does (go.work.sum
    // and the modules' go.sum files in a workspace); the cache is otherwise off.
    let mut sums = Vec::new();
    if use_work {
        sums.push(join_path(&dir, "go.work.sum"));
    }
    sums.extend(mains.iter().map(|m| join_path(&m.dir, "go.sum")));
    let mut sum_text = String::new();
    for p in &sums {
        if let Ok(data) = fs.read(p) {
            sum_text.push_str(&String::from_utf8_lossy(&data));
            sum_text.push('\n');
        }
    }
    let verify = ModfileCache::verify_only();
    verify.set_gosum_text(&sums[0], &sum_text);
    let env = Env {
        modules: &proxy,
        fs: &fs,
        parse: &parse_dep,
        clock,
        cache: Some(&verify),
    };
    let options = Options {
        build_mod,
        command: CmdKind::List,
        go_override: None,
        cwd: dir.clone(),
        latest_go: "1.19".to_string(),
        build_mod_explicit: flag.is_some(),
    };
    let mut loader = match Loader::new(env, options, mains, work) {
        Ok(l) => l,
        Err(e) => return out.fail(&e.to_string()),
    };
    let out = resolve_with(&mut loader, out);
    let out = finish(&mut loader, out);
    // A checksum mismatch stops the go command: its message is all it prints.
    match verify.fatal() {
        Some(fatal) => Resolution {
            trace: out.trace,
            ..Resolution::default()
        }
        .fail(&fatal),
        None => out,
    }
}

fn read_main<F: Fs>(fs: &F, source: &dyn ModuleSource, dir: &str) -> Result<MainModule, String> {
    let name = join_path(dir, "go.mod");
    let data = fs.read(&name).map_err(|e| format!("reading {name}: {e}"))?;
    main_module(source, &name, dir, &data)
}

/// The build list, its JSON records and the graph edges of a loader set up by a front end:
/// `list -m all` as the CLI computes it ([`list_m`]), with the records kept on failure (as
/// `-e` keeps them) and the `mod graph` edges of the same graph.
fn resolve_with(l: &mut Loader<'_>, mut out: Resolution) -> Resolution {
    let listed = list_m(l, &NoCache, &["all".to_string()], ListFlags::default());
    if let Some(mg) = &listed.graph {
        out.graph = graph_edges(l, mg)
            .into_iter()
            .map(|(a, b)| GraphEdge {
                from: l.names.display(a),
                to: l.names.display(b),
                selected: mg.graph.selected(b.path) == b.ver,
            })
            .collect();
    }
    out.build_list = listed.modules;
    out.stderr = listed.stderr;
    if listed.exit == 0 {
        out.lines = listed.stdout.lines().map(str::to_string).collect();
    }
    for message in listed.errors {
        out.diagnostics
            .push(Diagnostic::error(RESOLVE_FAILED, "", None, message));
    }
    out
}

/// The build list, its JSON records, the graph edges, diagnostics and trace of a loader a front
/// end set up itself (with its own modfile cache or `-go=`), as [`resolve`] answers them. The
/// loader's trace moves into the answer (the loader's own is left empty).
pub fn resolve_loader(l: &mut Loader<'_>) -> Resolution {
    let out = resolve_with(l, Resolution::default());
    finish(l, out)
}

/// Adds the loader's diagnostics and moves its trace into the answer (its messages are already
/// on stderr).
fn finish(l: &mut Loader<'_>, mut out: Resolution) -> Resolution {
    let mut diags = l.diagnostics.clone();
    diags.append(&mut out.diagnostics);
    out.diagnostics = diags;
    out.trace = std::mem::take(&mut l.trace.events);
    out
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

    #[test]
    fn lists_the_build_list_and_graph_of_a_tree() {
        let fs = tree(&[
            (
                "go.mod",
                "module example.com/m\n\ngo 1.17\n\nrequire example.com/a v1.0.0\n",
            ),
            (
                "proxy/example.com/a/@v/v1.0.0.mod",
                "module example.com/a\n\ngo 1.17\n",
            ),
            (
                "proxy/example.com/a/@v/v1.0.0.info",
                "{\"Version\":\"v1.0.0\",\"Time\":\"2020-01-01T00:00:00Z\"}\n",
            ),
        ]);
        let r = resolve(&fs, &ResolveOptions::default(), &FrozenClock);
        assert_eq!(r.stderr, "");
        assert_eq!(r.lines, vec!["example.com/m", "example.com/a v1.0.0"]);
        assert_eq!(r.graph.len(), 1);
        assert_eq!(r.graph[0].from, "example.com/m");
        assert_eq!(r.graph[0].to, "example.com/a@v1.0.0");
        assert_eq!(
            r.build_list[1].time.as_deref(),
            Some("2020-01-01T00:00:00Z")
        );
        assert_eq!(r.build_list[0].dir, "/");
        assert_eq!(r.build_list[0].go_mod, "/go.mod");
        assert!(!r.trace.is_empty());
    }

    #[test]
    fn a_missing_go_mod_is_the_go_commands_error() {
        let r = resolve(MemFs::new(), &ResolveOptions::default(), &FrozenClock);
        assert!(r.lines.is_empty());
        assert_eq!(r.stderr, "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n");
        assert!(r.diagnostics.iter().any(|d| d.code == RESOLVE_FAILED));
    }

    /// Every answer of the quick reader must be the full parser's answer.
    fn check_quick(data: &[u8]) -> bool {
        match quick_dep(data) {
            Some(q) => {
                assert_eq!(
                    full_dep("go.mod", data).as_ref(),
                    Ok(&q),
                    "quick and full parses differ on {:?}",
                    String::from_utf8_lossy(data)
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn quick_dep_reads_plain_files_as_the_full_parser_does() {
        let plain = [
            "module example.com/a\n\ngo 1.17\n\nrequire (\n\texample.com/b v1.2.3\n\texample.com/c/v2 v2.0.0 // indirect\n)\n",
            "module example.com/a // Deprecated: use b\ngo 1.21rc1\nrequire example.com/b v0.0.0-20200101000000-abcdefabcdef\n",
            "// leading comment\r\nmodule x\r\n\r\nrequire gopkg.in/yaml.v2 v2.4.0\r\n",
            "module m\nexclude example.com/b v1.0.0\nreplace example.com/b v1.0.0 => example.com/c v1.1.0\nreplace (\n\texample.com/d => ../d\n)\ntoolchain go1.21.0\n",
            "module m\nrequire example.com/b v3.0.0+incompatible\n",
            "",
            "require example.com/b v1.0.0\n",
        ];
        for text in plain {
            assert!(check_quick(text.as_bytes()), "not read quickly: {text:?}");
        }
        let q = quick_dep(plain[0].as_bytes()).unwrap();
        assert_eq!(q.module.as_deref(), Some("example.com/a"));
        assert_eq!(q.go.as_deref(), Some("1.17"));
        assert_eq!(
            q.require,
            vec![
                ("example.com/b".to_string(), "v1.2.3".to_string()),
                ("example.com/c/v2".to_string(), "v2.0.0".to_string())
            ]
        );
        // Everything else is left to the full parser (which reports the errors among them).
        let other = [
            "module \"example.com/a\"\n",
            "module a\nmodule b\n",
            "module a\ngo 1.17\ngo 1.18\n",
            "module a\ngo 1.17.0-rc1\n",
            "module a\ngo v1.17\n",
            "module a\nrequire example.com/b v1.2\n",
            "module a\nrequire example.com/b/v2 v1.0.0\n",
            "module a\nrequire example.com/b v2.0.0\n",
            "module a\nrequire (\n\texample.com/b v1.0.0\n",
            "module a\nrequire (\n\texample.com/b\n)\n",
            "module a\nrequire ( // c\n)\n",
            "module a\nretract v1.0.0\n",
            "module a\n/* c */\n",
            "module a\nrequire example.com/b v1.0.0 extra\n",
            "module a\n)\n",
            "module a\nrequire (example.com/b v1.0.0)\n",
            "module é\n",
            "module a\x0b\n",
        ];
        for text in other {
            assert!(
                quick_dep(text.as_bytes()).is_none(),
                "read quickly: {text:?}"
            );
        }
    }

    #[test]
    fn quick_dep_agrees_with_the_full_parser_on_generated_and_mutated_files() {
        let files = crate::example::universe::generate(crate::example::universe::UniverseParams {
            modules: 200,
            seed: 7,
        })
        .unwrap();
        let mods: Vec<Vec<u8>> = files
            .into_iter()
            .filter(|(name, _)| name.ends_with(".mod"))
            .map(|(_, data)| data.to_vec())
            .collect();
        assert!(mods.len() > 100);
        let quick = mods.iter().filter(|m| check_quick(m)).count();
        assert!(
            quick * 10 >= mods.len() * 9,
            "{quick} of {} read quickly",
            mods.len()
        );
        // Mutations: each byte of a few files deleted, and replaced by bytes that matter to the
        // grammar.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let bytes = b"()\"`/*\\ \t\r\nv0.+-@=>x,[]\x00\xc3";
        for m in mods.iter().take(12) {
            for i in 0..m.len() {
                let mut d = m.clone();
                d.remove(i);
                check_quick(&d);
                let mut r = m.clone();
                r[i] = bytes[(next() % bytes.len() as u64) as usize];
                check_quick(&r);
                let mut ins = m.clone();
                ins.insert(i, bytes[(next() % bytes.len() as u64) as usize]);
                check_quick(&ins);
            }
        }
    }
}
