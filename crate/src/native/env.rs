//! The go command's environment, as modscope reads it: GOPROXY, GOMODCACHE, GOPATH, GOWORK,
//! GOFLAGS (`-mod=`), GOPRIVATE / GONOPROXY / GONOSUMDB, GOEXPERIMENT.
//!
//! Values come from a lookup function so that tests (and the oracle harness) can pass their own
//! environment instead of the process's.

use std::path::PathBuf;

/// The environment settings that decide where module files come from and how the graph is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoEnv {
    /// `GOPROXY` (default `https://proxy.golang.org,direct`).
    pub goproxy: String,
    /// `GOMODCACHE`, resolved: `$GOPATH[0]/pkg/mod` when unset.
    pub gomodcache: String,
    /// `GOPATH` (default `$HOME/go`).
    pub gopath: String,
    /// `GOWORK`: `off`, empty/`auto` (search), or an absolute path to a go.work file.
    pub gowork: String,
    /// The `-mod=` setting from `GOFLAGS`, if any.
    pub goflags_mod: Option<String>,
    /// `GONOPROXY` (defaults to `GOPRIVATE`).
    pub gonoproxy: String,
    /// `GONOSUMDB` (defaults to `GOPRIVATE`).
    pub gonosumdb: String,
    /// `GOPRIVATE`.
    pub goprivate: String,
    /// `GOEXPERIMENT` (modscope reads `modfilecache`, `gopkgcache`).
    pub goexperiment: String,
    /// `MODSCOPE_CACHE`: where modscope's caches live (empty: the user cache directory).
    pub modscope_cache: String,
}

impl GoEnv {
    /// Reads the settings through `get` (a variable lookup; empty values count as unset).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |k: &str| get(k).filter(|v| !v.is_empty());
        let home = var("HOME").unwrap_or_else(|| "/".to_string());
        let gopath = var("GOPATH").unwrap_or_else(|| format!("{}/go", home.trim_end_matches('/')));
        let first_gopath = gopath
            .split(':')
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_string();
        let gomodcache = var("GOMODCACHE").unwrap_or_else(|| format!("{first_gopath}/pkg/mod"));
        let goprivate = var("GOPRIVATE").unwrap_or_default();
        let goflags = var("GOFLAGS").unwrap_or_default();
        let goflags_mod = goflags.split_whitespace().find_map(|f| {
            f.trim_start_matches('-')
                .strip_prefix("mod=")
                .map(str::to_string)
        });
        GoEnv {
            goproxy: var("GOPROXY")
                .unwrap_or_else(|| "https://proxy.golang.org,direct".to_string()),
            gomodcache,
            gopath,
            gowork: var("GOWORK").unwrap_or_default(),
            goflags_mod,
            gonoproxy: var("GONOPROXY").unwrap_or_else(|| goprivate.clone()),
            gonosumdb: var("GONOSUMDB").unwrap_or_else(|| goprivate.clone()),
            goprivate,
            goexperiment: var("GOEXPERIMENT").unwrap_or_default(),
            modscope_cache: var("MODSCOPE_CACHE").unwrap_or_default(),
        }
    }

    /// Reads the process environment.
    pub fn from_process() -> Self {
        GoEnv::from_lookup(|k| std::env::var(k).ok())
    }

    /// The module cache's download directory, `$GOMODCACHE/cache/download`.
    pub fn download_dir(&self) -> PathBuf {
        PathBuf::from(&self.gomodcache).join("cache/download")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn defaults_and_overrides() {
        let vars: HashMap<&str, &str> = [
            ("HOME", "/home/u"),
            ("GOFLAGS", "-modcacherw -mod=mod"),
            ("GOPRIVATE", "corp.example/*"),
        ]
        .into_iter()
        .collect();
        let env = GoEnv::from_lookup(|k| vars.get(k).map(|v| v.to_string()));
        assert_eq!(env.gopath, "/home/u/go");
        assert_eq!(env.gomodcache, "/home/u/go/pkg/mod");
        assert_eq!(env.goproxy, "https://proxy.golang.org,direct");
        assert_eq!(env.goflags_mod.as_deref(), Some("mod"));
        assert_eq!(env.gonoproxy, "corp.example/*");
        let vars: HashMap<&str, &str> = [("GOPATH", "/a:/b"), ("GONOPROXY", "x.io")]
            .into_iter()
            .collect();
        let env = GoEnv::from_lookup(|k| vars.get(k).map(|v| v.to_string()));
        assert_eq!(env.gomodcache, "/a/pkg/mod");
        assert_eq!(env.gonoproxy, "x.io");
        assert_eq!(env.goflags_mod, None);
    }
}
