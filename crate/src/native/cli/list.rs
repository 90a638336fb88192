//! `modscope list -m [-json] [-e] [all | PATTERN…]`: the build list as `go list -m` prints it.

use super::{CliError, Outcome};
use crate::clock::Clock;
use crate::graph::list::{module_info, ModuleInfoError, ModulePublic};
use crate::graph::load::CmdKind;
use crate::graph::VerId;
use crate::native::env::GoEnv;
use crate::native::modload::{with_loader, LoadRequest, ModCachePaths};
use std::path::PathBuf;

/// Flags of `modscope list`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// List modules instead of packages (required: package listing lives in `modscope pkg`).
    #[arg(long = "m")]
    pub m: bool,
    /// Print JSON objects as `go list -m -json` does.
    #[arg(long = "json")]
    pub json: bool,
    /// Report errors per module instead of failing.
    #[arg(long = "e")]
    pub e: bool,
    /// `-mod=mod|readonly|vendor`.
    #[arg(long = "mod")]
    pub build_mod: Option<String>,
    /// Print each file read (`# read go.mod: …`) on stderr.
    #[arg(long = "x")]
    pub x: bool,
    /// Use the modfile cache (also `GOEXPERIMENT=modfilecache`); see `modscope cache`.
    #[arg(long = "modfile-cache")]
    pub modfile_cache: bool,
    /// Run as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// Package mode: also list every dependency.
    #[arg(long = "deps")]
    pub deps: bool,
    /// Package mode: a Go template applied to each package.
    #[arg(long = "f")]
    pub format: Option<String>,
    /// Package mode: resolve through the gopkg cache.
    #[arg(long = "gopkg-cache")]
    pub gopkg_cache: bool,
    /// Package mode: extra build tags.
    #[arg(long = "tags")]
    pub tags: Option<String>,
    /// `all`, module paths, or patterns with `...`.
    pub patterns: Vec<String>,
}

/// What a command printed and how it ended, as data (the differential tests compare these).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CmdOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code.
    pub exit: u8,
}

impl CmdOutput {
    fn fail(message: &str) -> Self {
        CmdOutput {
            stdout: String::new(),
            stderr: crate::native::cache_store::go_error_text(message),
            exit: 1,
        }
    }
}

/// A wall clock for native timings.
pub struct InstantClock(std::time::Instant);

impl InstantClock {
    /// A clock starting now.
    pub fn new() -> Self {
        InstantClock(std::time::Instant::now())
    }
}

impl Default for InstantClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for InstantClock {
    fn now_nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}

/// The request for a command run in `dir` (or the current directory) with the process environment.
pub fn request(
    dir: Option<&PathBuf>,
    build_mod: Option<String>,
    command: CmdKind,
) -> Result<LoadRequest, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::failed(format!("getting the working directory: {e}")))?;
    let dir = match dir {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => cwd.join(d),
        None => cwd,
    };
    Ok(LoadRequest {
        dir,
        env: GoEnv::from_process(),
        build_mod_flag: build_mod,
        command,
        go_override: None,
    })
}

/// Matches a module path against a `...` pattern as the go command's `search.MatchPattern` does:
/// `...` matches any string, and a trailing `/...` also matches the prefix alone.
pub fn match_pattern(pattern: &str, path: &str) -> bool {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.iter().position(|_| true) {
            None => s.is_empty(),
            Some(_) if p.starts_with(b"...") => (0..=s.len()).any(|i| glob(&p[3..], &s[i..])),
            Some(_) => !s.is_empty() && p[0] == s[0] && glob(&p[1..], &s[1..]),
        }
    }
    if let Some(prefix) = pattern.strip_suffix("/...") {
        if path == prefix {
            return true;
        }
    }
    glob(pattern.as_bytes(), path.as_bytes())
}

/// Runs `list -m` for `patterns` and returns what the go command would print.
pub fn list_modules(
    req: &LoadRequest,
    patterns: &[String],
    json: bool,
    e: bool,
    x: bool,
) -> CmdOutput {
    let clock = InstantClock::new();
    let mut cache = ModCachePaths::new(&req.env.gomodcache);
    // Text lines never show Dir: skip the per-module directory probes.
    cache.probe_dirs = json;
    let r = with_loader(req, &clock, |l| {
        let out = list_with(l, &cache, patterns, json, e, x);
        with_go_messages(l, out)
    });
    r.unwrap_or_else(|msg| CmdOutput::fail(&msg))
}

/// Puts the messages the go command prints while loading (`go: dropping requirement on excluded
/// version …`) in front of a command's stderr.
pub fn with_go_messages(l: &crate::graph::load::Loader<'_>, mut out: CmdOutput) -> CmdOutput {
    out.stderr
        .insert_str(0, &crate::graph::resolve::go_messages(l));
    out
}

fn list_with(
    l: &mut crate::graph::load::Loader<'_>,
    cache: &ModCachePaths,
    patterns: &[String],
    json: bool,
    e: bool,
    x: bool,
) -> CmdOutput {
    {
        let mut out = CmdOutput::default();
        let mut mods: Vec<ModulePublic> = Vec::new();
        let mut graph_err = None;
        if patterns.is_empty() {
            let rs = match l.load_mod_file() {
                Ok(rs) => rs,
                Err(err) => return CmdOutput::fail(&err.to_string()),
            };
            for m in l.main_versions() {
                mods.push(module_info(l, &rs, cache, m));
            }
        } else {
            if l.options().build_mod == crate::graph::load::BuildMod::Vendor {
                return CmdOutput::fail(crate::graph::resolve::VENDOR_ALL);
            }
            let (rs, mg, err) = match l.load_mod_graph() {
                Ok(t) => t,
                Err(err) => return CmdOutput::fail(&err.to_string()),
            };
            graph_err = err;
            let list = mg.graph.build_list(&l.names);
            if patterns.iter().any(|p| p == "all") {
                crate::graph::resolve::prefetch_listed(l, &list);
            }
            let mut listed = rustc_hash::FxHashSet::default();
            for arg in patterns {
                if arg == "all" || arg.contains("...") {
                    let mut matched = false;
                    for &m in &list {
                        if arg == "all" || match_pattern(arg, l.names.path_str(m.path)) {
                            matched = true;
                            if listed.insert(m) {
                                mods.push(module_info(l, &rs, cache, m));
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
                    mods.push(ModulePublic {
                        path: arg.clone(),
                        error: Some(ModuleInfoError {
                            err: format!("module {arg}: not a known dependency"),
                        }),
                        ..ModulePublic::default()
                    });
                    continue;
                }
                mods.push(module_info(l, &rs, cache, crate::graph::Mv::new(p, v)));
            }
        }
        if x {
            for ev in &l.trace.events {
                out.stderr.push_str(&ev.x_line());
                out.stderr.push('\n');
            }
            for d in &l.diagnostics {
                if d.code == crate::graph::load::GOMOD_REWRITE {
                    out.stderr
                        .push_str(&format!("# go.mod rewrite (not written): {}\n", d.message));
                }
            }
        }
        if !e {
            let mut failed = false;
            for m in &mods {
                if let Some(err) = &m.error {
                    out.stderr.push_str(&format!("go: {}\n", err.err));
                    failed = true;
                }
            }
            if let Some(err) = &graph_err {
                out.stderr.push_str(&format!("go: {err}\n"));
                failed = true;
            }
            if failed {
                out.exit = 1;
                return out;
            }
        }
        for m in &mods {
            if json {
                out.stdout.push_str(&m.json());
            } else {
                out.stdout.push_str(&m.line());
                out.stdout.push('\n');
            }
        }
        out
    }
}

/// Prints a command's output and maps its exit code.
pub fn emit(out: CmdOutput) -> Result<Outcome, CliError> {
    use std::io::Write;
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    Ok(if out.exit == 0 {
        Outcome::Ok
    } else {
        Outcome::Findings
    })
}

/// Runs `modscope list`.
pub fn run(args: ListArgs) -> Result<Outcome, CliError> {
    if !args.m {
        let pargs = super::list_pkgs::PkgListArgs {
            e: args.e,
            json: args.json,
            deps: args.deps,
            format: args.format,
            x: args.x,
            gopkg_cache: args.gopkg_cache,
            tags: args.tags,
            dir: args.dir,
            patterns: args.patterns,
        };
        if std::env::var("GO111MODULE").as_deref() == Ok("off") {
            return super::list_pkgs::run(pargs);
        }
        return emit(super::list_modpkgs::run(pargs, args.build_mod));
    }
    let mut req = request(args.dir.as_ref(), args.build_mod.clone(), CmdKind::List)?;
    crate::native::cache_store::apply_flag(&mut req.env, args.modfile_cache);
    emit(list_modules(
        &req,
        &args.patterns,
        args.json,
        args.e,
        args.x,
    ))
}

#[cfg(test)]
mod tests {
    use super::match_pattern;

    #[test]
    fn patterns() {
        assert!(match_pattern("example.com/...", "example.com/a/b"));
        assert!(match_pattern("example.com/...", "example.com"));
        assert!(!match_pattern("example.com/...", "example.org/a"));
        assert!(match_pattern(
            "...hazel...",
            "example.net/aperture/hazel/v2"
        ));
        assert!(!match_pattern("a/b", "a/b/c"));
    }
}
