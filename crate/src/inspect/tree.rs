//! Setting up a graph load over an in-memory tree: the main module (or workspace) at
//! `opts.dir`, dependencies from the GOPROXY-layout directory `opts.proxy` of the same tree, an
//! optional modfile cache in front of it, and the `-go=` override `mod graph` takes.
//!
//! [`resolve_tree`] is `graph::resolve::resolve` with those two additions; the other views call
//! [`with_tree_loader`] and ask the loader what they need.

use crate::cache::{CachedSource, ModfileCache};
use crate::clock::Clock;
use crate::error::Diagnostic;
use crate::graph::load::{BuildMod, CmdKind, Env, Loader, MainModule, Options};
use crate::graph::resolve::{
    build_mod_of, go_error_text, main_module, parse_dep, resolve_loader, work_file, Resolution,
    ResolveOptions, RESOLVE_FAILED,
};
use crate::source::{clean_path, join_path, Fs, ModuleSource, ProxyDir};
use serde::{Deserialize, Serialize};

/// What to load: the tree's layout (as `resolve` takes it) and the graph's Go version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TreeOptions {
    /// Where the main module and the proxy are, and `-mod`.
    #[serde(flatten)]
    pub resolve: ResolveOptions,
    /// Read the graph as this Go version would (`mod graph -go=`): `1.16` shows the unpruned
    /// graph of a `go 1.17` module. Unset: the main module's own go line decides.
    pub go: Option<String>,
}

/// The proxy directory of `opts` in `fs`.
pub fn proxy_of<F: Fs>(fs: F, opts: &ResolveOptions) -> ProxyDir<F> {
    ProxyDir::file_proxy(fs, clean_path(&format!("/{}", opts.proxy)))
}

/// The text of every `go.sum` the main modules (or the workspace) have, joined, for verifying
/// go.mod files against it.
fn gosum_text<F: Fs>(fs: &F, mains: &[MainModule], work_dir: Option<&str>) -> String {
    let mut text = String::new();
    let mut add = |name: String| {
        if let Ok(data) = fs.read(&name) {
            text.push_str(&String::from_utf8_lossy(&data));
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
    };
    if let Some(w) = work_dir {
        add(join_path(w, "go.work.sum"));
    }
    for m in mains {
        add(join_path(&m.dir, "go.sum"));
    }
    text
}

/// Builds a loader for the tree in `fs` and runs `f` with it. `cache`, when given, answers
/// go.mod and `.info` reads before the proxy does and is verified against the tree's go.sum.
/// The error is the go command's message for a tree it cannot start on (no go.mod, a broken
/// main go.mod or go.work, a bad `-mod`).
pub fn with_tree_loader<F: Fs + Send + Sync, R>(
    fs: &F,
    opts: &TreeOptions,
    command: CmdKind,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
    f: impl FnOnce(&mut Loader<'_>) -> R,
) -> Result<R, String> {
    let ro = &opts.resolve;
    let dir = clean_path(&format!("/{}", ro.dir));
    let proxy = proxy_of(fs, ro);
    let work_path = join_path(&dir, "go.work");
    let use_work = ro.workspace && fs.is_file(&work_path);
    let flag = ro.build_mod.as_deref();
    let read_main = |root: &str| -> Result<MainModule, String> {
        let name = join_path(root, "go.mod");
        let data = fs.read(&name).map_err(|e| format!("reading {name}: {e}"))?;
        main_module(&proxy, &name, root, &data)
    };
    let mut mains = Vec::new();
    let mut work = None;
    let build_mod = if use_work {
        if let Some(m) = flag.filter(|m| *m != "readonly") {
            return Err(format!("-mod may only be set to readonly when in workspace mode, but it is set to {m:?}\n\tRemove the -mod flag to use the default readonly value,\n\tor set GOWORK=off to disable workspace mode."));
        }
        let data = fs
            .read(&work_path)
            .map_err(|e| format!("reading go.work: {e}"))?;
        let (wf, roots) = work_file(&work_path, &dir, &data)?;
        for root in roots {
            mains.push(read_main(&root)?);
        }
        work = Some(wf);
        BuildMod::Readonly
    } else {
        if !fs.is_file(&join_path(&dir, "go.mod")) {
            return Err("go.mod file not found in current directory or any parent directory; see 'go help modules'".to_string());
        }
        mains.push(read_main(&dir)?);
        build_mod_of(flag, command)?
    };
    // Without a modfile cache, dependency go.mod files are still verified against go.sum, as
    // the go command does: a verify-only cache checks them and stores nothing.
    let verify_only;
    let verifier: &ModfileCache = match cache {
        Some(c) => c,
        None => {
            verify_only = ModfileCache::verify_only();
            &verify_only
        }
    };
    verifier.set_gosum_text(
        "go.sum",
        &gosum_text(fs, &mains, use_work.then_some(dir.as_str())),
    );
    let cached;
    let modules: &dyn ModuleSource = match cache {
        Some(c) => {
            cached = CachedSource::new(&proxy, c);
            &cached
        }
        None => &proxy,
    };
    let env = Env {
        modules,
        fs,
        parse: &parse_dep,
        clock,
        cache: Some(verifier as &dyn crate::graph::load::ModFileCache),
    };
    let options = Options {
        build_mod,
        command,
        go_override: opts.go.clone(),
        cwd: dir.clone(),
        latest_go: "1.19".to_string(),
        build_mod_explicit: flag.is_some(),
    };
    let mut loader = Loader::new(env, options, mains, work).map_err(|e| e.to_string())?;
    let r = f(&mut loader);
    drop(loader);
    if let Some(fatal) = verifier.fatal() {
        return Err(fatal);
    }
    Ok(r)
}

/// A resolution that failed before loading started, as `resolve` reports it.
pub fn failed_resolution(message: &str) -> Resolution {
    Resolution {
        stderr: go_error_text(message),
        diagnostics: vec![Diagnostic::error(RESOLVE_FAILED, "", None, message)],
        ..Resolution::default()
    }
}

/// `list -m all` and `mod graph` for the tree, as `graph::resolve::resolve` answers them, with
/// the modfile cache `cache` in front of the proxy when given.
pub fn resolve_tree<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> Resolution {
    match with_tree_loader(fs, opts, CmdKind::List, clock, cache, resolve_loader) {
        Ok(r) => r,
        Err(e) => failed_resolution(&e),
    }
}
