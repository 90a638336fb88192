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

/// The dependency go.mod parser the graph uses: lax mode.
pub fn parse_dep(name: &str, data: &[u8]) -> Result<DepGoMod, String> {
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
    let out = finish(&loader, out);
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
/// end set up itself (with its own modfile cache or `-go=`), as [`resolve`] answers them.
pub fn resolve_loader(l: &mut Loader<'_>) -> Resolution {
    let out = resolve_with(l, Resolution::default());
    finish(l, out)
}

/// Adds the loader's diagnostics and trace (its messages are already on stderr).
fn finish(l: &Loader<'_>, mut out: Resolution) -> Resolution {
    let mut diags = l.diagnostics.clone();
    diags.append(&mut out.diagnostics);
    out.diagnostics = diags;
    out.trace = l.trace.events.clone();
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
}
