//! Setting up a graph load on the real machine: find the main module (or go.work), parse the main
//! go.mod files strictly (canonicalising versions as the go command does), put the module cache in
//! front of the GOPROXY list, and hand a ready [`Loader`] to the caller.

use super::env::GoEnv;
use super::fs::OsFs;
use super::proxy::CacheThenProxy;
use crate::clock::Clock;
use crate::graph::list::CachePaths;
use crate::graph::load::{BuildMod, CmdKind, Env, Loader, MainModule, Options};
use crate::graph::resolve;
use crate::module::{escape_path, escape_version};
use crate::source::{clean_path, ModuleSource};
use std::path::{Path, PathBuf};

/// What to load and how.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    /// The working directory (after `-C`).
    pub dir: PathBuf,
    /// The environment.
    pub env: GoEnv,
    /// `-mod=` from the command line (wins over GOFLAGS).
    pub build_mod_flag: Option<String>,
    /// The command being answered.
    pub command: CmdKind,
    /// `go mod graph -go=`.
    pub go_override: Option<String>,
}

/// Module cache locations for `GoMod` and `Dir`.
pub struct ModCachePaths {
    root: String,
    /// Whether [`CachePaths::module_dir`] looks for extracted directories (off when no output
    /// shows them).
    pub probe_dirs: bool,
}

impl ModCachePaths {
    /// Paths under the module cache at `gomodcache`.
    pub fn new(gomodcache: &str) -> Self {
        ModCachePaths {
            root: gomodcache.trim_end_matches('/').to_string(),
            probe_dirs: true,
        }
    }
}

impl CachePaths for ModCachePaths {
    fn go_mod_path(&self, path: &str, version: &str) -> Option<String> {
        let (p, v) = (escape_path(path).ok()?, escape_version(version).ok()?);
        Some(format!("{}/cache/download/{p}/@v/{v}.mod", self.root))
    }

    fn module_dir(&self, path: &str, version: &str) -> Option<String> {
        if !self.probe_dirs {
            return None;
        }
        let (p, v) = (escape_path(path).ok()?, escape_version(version).ok()?);
        let dir = format!("{}/{p}@{v}", self.root);
        let dl = format!("{}/cache/download/{p}/@v/{v}", self.root);
        let complete = Path::new(&dir).is_dir()
            && !Path::new(&format!("{dl}.partial")).exists()
            && Path::new(&format!("{dl}.ziphash")).exists();
        complete.then_some(dir)
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn find_upward(start: &Path, name: &str) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(name).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// The dependency go.mod parser the graph uses (lax mode); see [`resolve::parse_dep`].
pub use crate::graph::resolve::parse_dep;

fn read_main(source: &dyn ModuleSource, dir: &Path) -> Result<MainModule, String> {
    let gomod = dir.join("go.mod");
    let name = slash(&gomod);
    let data = std::fs::read(&gomod).map_err(|e| format!("reading {name}: {e}"))?;
    resolve::main_module(source, &name, &slash(dir), &data)
}

/// Runs `work`; when stderr is a terminal and the work takes longer than half a second, shows a
/// spinner with the number of module files read so far (`counter`). `NO_PROGRESS` turns it off.
fn with_progress<R>(counter: &std::sync::atomic::AtomicUsize, work: impl FnOnce() -> R) -> R {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicBool, Ordering};
    if !std::io::stderr().is_terminal() || std::env::var_os("NO_PROGRESS").is_some() {
        return work();
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let start = std::time::Instant::now();
            let mut bar: Option<indicatif::ProgressBar> = None;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(50));
                if bar.is_none() && start.elapsed() > std::time::Duration::from_millis(500) {
                    let b = indicatif::ProgressBar::new_spinner();
                    b.enable_steady_tick(std::time::Duration::from_millis(100));
                    bar = Some(b);
                }
                if let Some(b) = &bar {
                    b.set_message(format!(
                        "loading the module graph: {} module files read",
                        counter.load(Ordering::Relaxed)
                    ));
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
        });
        let r = work();
        done.store(true, Ordering::Relaxed);
        r
    })
}

/// Finds the go.work file in effect, if any (SPEC B discovery).
fn find_work(req: &LoadRequest) -> Result<Option<PathBuf>, String> {
    match req.env.gowork.as_str() {
        "off" => Ok(None),
        "" | "auto" => Ok(find_upward(&req.dir, "go.work").map(|d| d.join("go.work"))),
        p if Path::new(p).is_absolute() => Ok(Some(PathBuf::from(p))),
        _ => Err("the path provided to GOWORK must be an absolute path".to_string()),
    }
}

/// Builds the sources for `req`, finds and parses the main modules, and runs `f` with a loader.
/// The error is the go command's message (print it as `go: <message>`).
pub fn with_loader<R>(
    req: &LoadRequest,
    clock: &dyn Clock,
    f: impl FnOnce(&mut Loader<'_>) -> R,
) -> Result<R, String> {
    let source = CacheThenProxy::new(
        &slash(&req.env.download_dir()),
        &req.env.goproxy,
        &req.env.gonoproxy,
    )?;
    let work_path = find_work(req)?;
    let mut mains = Vec::new();
    let mut work = None;
    // GOFLAGS sets `-mod` only for commands that have the flag: `go mod graph` and `go mod why`
    // do not, so there it is ignored (they always run as -mod=mod without writing go.mod).
    let goflags_mod = match req.command {
        CmdKind::List => req.env.goflags_mod.clone(),
        CmdKind::ModGraph | CmdKind::ModWhy => None,
    };
    let flag = req.build_mod_flag.clone().or(goflags_mod);
    let build_mod = if let Some(wp) = &work_path {
        if let Some(m) = flag.as_deref().filter(|m| *m != "readonly") {
            return Err(format!("-mod may only be set to readonly when in workspace mode, but it is set to {m:?}\n\tRemove the -mod flag to use the default readonly value,\n\tor set GOWORK=off to disable workspace mode."));
        }
        let name = slash(wp);
        let data = std::fs::read(wp).map_err(|e| format!("reading go.work: {e}"))?;
        let wdir = slash(wp.parent().unwrap_or(Path::new("/")));
        let (wf, roots) = resolve::work_file(&name, &wdir, &data)?;
        for root in roots {
            mains.push(read_main(&source, Path::new(&root))?);
        }
        work = Some(wf);
        BuildMod::Readonly
    } else {
        let not_found = "go.mod file not found in current directory or any parent directory; see 'go help modules'";
        let Some(root) = find_upward(&req.dir, "go.mod") else {
            return Err(not_found.to_string());
        };
        // The go command ignores a go.mod in the system temp directory itself (golang.org/issue/26708).
        let tmp = std::env::temp_dir();
        if root == tmp || root == tmp.components().collect::<PathBuf>() {
            return Err(format!(
                "warning: ignoring go.mod in system temp root {}\ngo: {not_found}",
                slash(&tmp)
            ));
        }
        mains.push(read_main(&source, &root)?);
        resolve::build_mod_of(flag.as_deref(), req.command)?
    };
    let fs = OsFs::new(&req.dir);
    // The modfile cache (native::cache_store): on with --modfile-cache or
    // GOEXPERIMENT=modfilecache; off, the session only verifies go.mod files against go.sum.
    let cache_on = super::cache_store::enabled(false, &req.env.goexperiment)?;
    let main_files = match &work_path {
        Some(wp) => super::cache_store::MainFiles::workspace(
            wp,
            &mains
                .iter()
                .map(|m| PathBuf::from(&m.dir))
                .collect::<Vec<_>>(),
        ),
        None => super::cache_store::MainFiles::module(Path::new(&mains[0].dir)),
    };
    let cache_root =
        cache_on.then(|| super::cache_store::cache_root(Some(&req.env.modscope_cache)));
    let mut session = super::cache_store::Session::open(&main_files, cache_root);
    let warnings = session.take_warnings();
    let cached_source = crate::cache::CachedSource::new(&source, session.cache());
    let modules: &dyn ModuleSource = if session.is_on() {
        &cached_source
    } else {
        &source
    };
    let env = Env {
        modules,
        fs: &fs,
        parse: &parse_dep,
        clock,
        cache: Some(session.cache()),
    };
    let opts = Options {
        build_mod,
        command: req.command,
        go_override: req.go_override.clone(),
        cwd: clean_path(&slash(&req.dir)),
        latest_go: "1.19".to_string(),
        build_mod_explicit: flag.is_some(),
    };
    // go.mod and .info files are read on a pool of workers that lives for the whole load, the
    // loader's thread being the last of `threads()`: it starts each file as soon as it knows it
    // will need it and reads one itself when no worker has got to it yet.
    let pool = super::readahead::Pool::new(modules, &parse_dep);
    let workers = super::proxy::threads().saturating_sub(1);
    let r = std::thread::scope(|s| {
        let _close = pool.closer();
        for _ in 0..workers {
            s.spawn(|| pool.work());
        }
        let mut loader = Loader::new(env, opts, mains, work).map_err(|e| e.to_string())?;
        loader.trace.events.extend(warnings);
        if workers > 0 {
            loader.set_read_ahead(&pool);
        }
        Ok::<R, String>(with_progress(&source.files_read, || f(&mut loader)))
    })?;
    if std::env::var_os("MODSCOPE_READAHEAD_STATS").is_some() {
        eprintln!("{}", pool.stats().summary());
    }
    session.finish();
    let fatal = session.fatal();
    // Freeing thousands of cached entries is a tenth of a warm run: do it off the answer's path.
    std::thread::spawn(move || drop(session));
    match fatal {
        Some(fatal) => Err(fatal),
        None => Ok(r),
    }
}
