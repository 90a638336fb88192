//! GOPATH-mode settings from the environment: GOROOT, GOPATH, GOOS/GOARCH/CGO_ENABLED and
//! whether the gopkg cache is on (`--gopkg-cache` or `GOEXPERIMENT=gopkgcache`).

use crate::pkg::constraint::BuildContext;
use crate::pkg::gopath::{GopathConfig, GorootMode};
use std::path::Path;

/// Reads an environment variable, treating empty as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The GOROOT to use: `$GOROOT`, else what `go env GOROOT` says, else none (the embedded
/// standard-library list answers for GOROOT at `/usr/local/go`).
pub fn goroot() -> (String, GorootMode) {
    if let Some(g) = var("GOROOT") {
        return (g, GorootMode::Fs);
    }
    let out = std::process::Command::new("go")
        .args(["env", "GOROOT"])
        .env("GOFLAGS", "")
        .output();
    if let Ok(o) = out {
        let g = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if o.status.success() && !g.is_empty() && Path::new(&g).join("src").is_dir() {
            return (g, GorootMode::Fs);
        }
    }
    ("/usr/local/go".to_string(), GorootMode::Embedded)
}

/// The GOPATH entries: `$GOPATH` split on `:`, else `$HOME/go`.
pub fn gopath() -> Vec<String> {
    match var("GOPATH") {
        Some(g) => g
            .split(':')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        None => var("HOME")
            .map(|h| vec![format!("{h}/go")])
            .unwrap_or_default(),
    }
}

/// The build context: `$GOOS`, `$GOARCH` (default linux/amd64), cgo only with `CGO_ENABLED=1`,
/// extra tags from `tags` (comma- or space-separated, as `-tags` takes them).
pub fn build_context(tags: Option<&str>) -> BuildContext {
    let mut ctx = BuildContext::default();
    if let Some(os) = var("GOOS") {
        ctx.goos = os;
    }
    if let Some(arch) = var("GOARCH") {
        ctx.goarch = arch;
    }
    ctx.cgo_enabled = var("CGO_ENABLED").as_deref() == Some("1");
    if let Some(t) = tags {
        ctx.build_tags = t
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
    }
    ctx
}

/// The whole GOPATH-mode configuration from the environment.
pub fn config(tags: Option<&str>) -> GopathConfig {
    let (goroot, goroot_mode) = goroot();
    GopathConfig {
        goroot,
        goroot_mode,
        gopath: gopath(),
        ctx: build_context(tags),
    }
}

/// Whether the gopkg cache is requested by flag or by `GOEXPERIMENT=gopkgcache`. `GOEXPERIMENT`
/// is read through [`crate::experiment`], as for the modfile cache, so `nogopkgcache` turns it off
/// and an unknown name is the same error everywhere.
pub fn gopkg_cache_enabled(flag: bool) -> Result<bool, crate::experiment::UnknownExperiment> {
    let ex = crate::experiment::Experiments::parse(&var("GOEXPERIMENT").unwrap_or_default())?;
    Ok(flag || ex.gopkg_cache)
}

/// A monotonic clock for traces.
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

impl crate::clock::Clock for InstantClock {
    fn now_nanos(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}
