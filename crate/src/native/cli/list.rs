//! `modscope list -m [-json] [-e] [all | PATTERN…]`: the build list as `go list -m` prints it.

use super::{CliError, Outcome};
use crate::clock::Clock;
use crate::graph::list::{list_m, CachePaths, ListFlags, NoCache};
use crate::graph::load::CmdKind;
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
    /// Add update information (`Update`, the newest allowed version), retractions and
    /// deprecations, read from the modules' proxies (`-u=false`: the default, none).
    #[arg(long = "u", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub u: Option<bool>,
    /// Add retraction information (`Retracted`).
    #[arg(long = "retracted")]
    pub retracted: bool,
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
        Some(d) => {
            // As the go command's `-C`, which changes directory: `..` leaves the directory
            // (a go.mod is then searched for from the parent, not from the lexical child).
            if !d.is_dir() {
                return Err(CliError::failed(format!(
                    "chdir {}: no such file or directory",
                    d.display()
                )));
            }
            clean_dir(&cwd.join(d))
        }
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

/// `dir` with `.` and `..` components resolved lexically (`/a/b/..` is `/a`).
fn clean_dir(dir: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in dir.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Matches a module path against a `...` pattern (the core's [`graph::list::match_pattern`]).
///
/// [`graph::list::match_pattern`]: crate::graph::list::match_pattern
pub use crate::graph::list::match_pattern;

/// Runs `list -m` for `patterns` and returns what the go command would print.
pub fn list_modules(
    req: &LoadRequest,
    patterns: &[String],
    json: bool,
    e: bool,
    x: bool,
) -> CmdOutput {
    list_modules_with(
        req,
        patterns,
        ListFlags {
            json,
            e,
            x,
            ..ListFlags::default()
        },
    )
}

/// [`list_modules`] with every flag, `-u` and `-retracted` included.
pub fn list_modules_with(req: &LoadRequest, patterns: &[String], flags: ListFlags) -> CmdOutput {
    let ListFlags { json, e, x, .. } = flags;
    let clock = InstantClock::new();
    let mod_cache = ModCachePaths::new(&req.env.gomodcache);
    // Text lines never show GoMod or Dir: skip working out those paths and probing directories.
    let cache: &dyn CachePaths = if json { &mod_cache } else { &NoCache };

    // The modfile cache's memo (native::cache_memo): text output only, JSON shows directories.
    let args: Vec<String> = [
        format!("-e={e}"),
        format!("-u={}", flags.u),
        format!("-retracted={}", flags.retracted),
    ]
    .into_iter()
    .chain(patterns.iter().cloned())
    .collect();
    // -u and -retracted read the proxies' version lists, which change: never memoized.
    let memo = !json && !flags.u && !flags.retracted;
    crate::native::cache_memo::memoized(req, "list -m", &args, memo, x, || {
        let r = with_loader(req, &clock, |l| {
            // Only -x prints the trace: without it, recording thousands of events is waste.
            l.trace.enabled = x;
            let listed = list_m(l, cache, patterns, flags);
            CmdOutput {
                stdout: listed.stdout,
                stderr: listed.stderr,
                exit: listed.exit,
            }
        });
        r.unwrap_or_else(|msg| CmdOutput::fail(&no_module_message(patterns, msg)))
    })
}

/// The go command's message for a directory outside any module.
const NO_GO_MOD: &str =
    "go.mod file not found in current directory or any parent directory; see 'go help modules'";

/// The go command's wording when `list -m` has no main module: the first argument that needs
/// one (`all`, a pattern, or a module path without a version) is named.
fn no_module_message(patterns: &[String], msg: String) -> String {
    if !msg.contains(NO_GO_MOD) {
        return msg;
    }
    let Some(arg) = patterns.iter().find(|a| !a.contains('@')) else {
        return msg;
    };
    let (head, tail) = match msg.rfind(NO_GO_MOD) {
        Some(i) => msg.split_at(i),
        None => ("", msg.as_str()),
    };
    if arg == "all" || arg.contains("...") {
        format!("{head}cannot match \"{arg}\": {tail}")
    } else {
        format!("{head}cannot match \"{arg}\" without -versions or an explicit version: {tail}")
    }
}

/// Puts the messages the go command prints while loading (`go: dropping requirement on excluded
/// version …`, and the errors it reports without stopping, which fail the command) in front of
/// a command's stderr.
pub fn with_go_messages(l: &crate::graph::load::Loader<'_>, mut out: CmdOutput) -> CmdOutput {
    crate::graph::list::loading_messages(l, &mut out.stderr, &mut out.exit);
    out
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
        if args.modfile_cache {
            // Module-mode package lists read go.mod files too: the flag applies to them.
            let mut req = request(pargs.dir.as_ref(), args.build_mod, CmdKind::List)?;
            crate::native::cache_store::apply_flag(&mut req.env, true);
            return emit(super::list_modpkgs::list_packages(&req, &pargs));
        }
        return emit(super::list_modpkgs::run(pargs, args.build_mod));
    }
    let mut req = request(args.dir.as_ref(), args.build_mod.clone(), CmdKind::List)?;
    crate::native::cache_store::apply_flag(&mut req.env, args.modfile_cache);
    emit(list_modules_with(
        &req,
        &args.patterns,
        ListFlags {
            json: args.json,
            e: args.e,
            x: args.x,
            u: args.u == Some(true),
            retracted: args.retracted,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::{clean_dir, match_pattern};
    use std::path::Path;

    #[test]
    fn dash_c_leaves_the_directory_for_dot_dot() {
        assert_eq!(clean_dir(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(clean_dir(Path::new("/a/b/..")), Path::new("/a"));
        assert_eq!(clean_dir(Path::new("/..")), Path::new("/"));
    }

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
