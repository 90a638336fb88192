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

/// The go command's complaint about `$GOROOT` when it names no directory
/// (`cannot find GOROOT directory: DIR`), if it does.
pub fn goroot_problem() -> Option<String> {
    let g = var("GOROOT")?;
    (!Path::new(&g).is_dir()).then(|| format!("cannot find GOROOT directory: {g}"))
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

/// The host's GOOS and GOARCH, as the go command names them.
fn host_target() -> (String, String) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        o => o,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        a => a,
    };
    (os.to_string(), arch.to_string())
}

/// Targets where Go 1.19 enables cgo by default (go/build's `cgoEnabled` table).
const CGO_TARGETS: &[&str] = &[
    "aix/ppc64",
    "android/386",
    "android/amd64",
    "android/arm",
    "android/arm64",
    "darwin/amd64",
    "darwin/arm64",
    "dragonfly/amd64",
    "freebsd/386",
    "freebsd/amd64",
    "freebsd/arm",
    "freebsd/arm64",
    "illumos/amd64",
    "ios/amd64",
    "ios/arm64",
    "linux/386",
    "linux/amd64",
    "linux/arm",
    "linux/arm64",
    "linux/loong64",
    "linux/mips",
    "linux/mips64",
    "linux/mips64le",
    "linux/mipsle",
    "linux/ppc64le",
    "linux/riscv64",
    "linux/s390x",
    "netbsd/386",
    "netbsd/amd64",
    "netbsd/arm",
    "netbsd/arm64",
    "openbsd/386",
    "openbsd/amd64",
    "openbsd/arm",
    "openbsd/arm64",
    "openbsd/mips64",
    "solaris/amd64",
    "windows/386",
    "windows/amd64",
    "windows/arm64",
];

/// Whether cgo is on, as go/build decides it: `CGO_ENABLED=1` or `0` says so; unset, it is on
/// for a native build of a target that supports it and off when cross-compiling.
fn cgo_enabled(setting: Option<&str>, goos: &str, goarch: &str, host: (&str, &str)) -> bool {
    match setting {
        Some("1") => true,
        Some("0") => false,
        _ => (goos, goarch) == host && CGO_TARGETS.contains(&format!("{goos}/{goarch}").as_str()),
    }
}

/// The build context: `$GOOS`, `$GOARCH` (default: the host's), cgo as go/build decides it
/// (`$CGO_ENABLED`, else on for a native build where Go supports it), extra tags from `tags`
/// (comma- or space-separated, as `-tags` takes them).
pub fn build_context(tags: Option<&str>) -> BuildContext {
    let mut ctx = BuildContext::default();
    let (host_os, host_arch) = host_target();
    ctx.goos = var("GOOS").unwrap_or_else(|| host_os.clone());
    ctx.goarch = var("GOARCH").unwrap_or_else(|| host_arch.clone());
    ctx.tool_tags = crate::pkg::constraint::default_tool_tags(&ctx.goarch);
    ctx.cgo_enabled = cgo_enabled(
        var("CGO_ENABLED").as_deref(),
        &ctx.goos,
        &ctx.goarch,
        (&host_os, &host_arch),
    );
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

#[cfg(test)]
mod tests {
    use super::cgo_enabled;

    #[test]
    fn cgo_default_follows_go_build() {
        let host = ("linux", "amd64");
        assert!(cgo_enabled(None, "linux", "amd64", host));
        assert!(cgo_enabled(Some(""), "linux", "amd64", host));
        assert!(!cgo_enabled(Some("0"), "linux", "amd64", host));
        // Cross-compiling turns it off unless asked for.
        assert!(!cgo_enabled(None, "linux", "arm64", host));
        assert!(cgo_enabled(Some("1"), "linux", "arm64", host));
        // A target without cgo support.
        assert!(!cgo_enabled(None, "js", "wasm", ("js", "wasm")));
    }
}
