//! Running the go command oracle for differential tests: generate a universe with
//! `shared/oracle/gen_universe.py`, record the go command's answers with `oracle.py`, build the
//! environment modscope sees for the same universe, and run universes two at a time.

use modscope::native::env::GoEnv;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A generated universe on disk.
pub struct Universe {
    /// Its directory (`main/`, `proxy/`, `local/`, optionally `ws/`).
    pub dir: PathBuf,
    /// The generator arguments (shown in mismatch reports).
    pub args: Vec<String>,
    /// Whether it has a workspace (`ws/go.work`).
    pub ws: bool,
}

impl Universe {
    /// Generates universe `dir` from `gen_universe.py args` (replacing what is there).
    pub fn generate(dir: PathBuf, args: Vec<String>, ws: bool) -> Universe {
        let gen = Command::new("python3")
            .arg(super::shared_dir().join("oracle/gen_universe.py"))
            .arg("--out")
            .arg(&dir)
            .arg("--force")
            .args(&args)
            .output()
            .expect("python3 runs");
        assert!(
            gen.status.success(),
            "gen_universe.py {args:?}: {}",
            String::from_utf8_lossy(&gen.stderr)
        );
        Universe { dir, args, ws }
    }

    /// Runs `oracle.py` on the universe with `extra` arguments (`--steps …`, `--resolve …`) and
    /// returns its record (`{"steps": {…}}`).
    pub fn oracle(&self, extra: &[String]) -> Value {
        let out = self.dir.join("oracle.json");
        let mut cmd = Command::new("python3");
        cmd.arg(super::shared_dir().join("oracle/oracle.py"))
            .arg(&self.dir)
            .arg("-o")
            .arg(&out)
            .args(extra);
        if self.ws {
            cmd.arg("--workspace");
        }
        let o = cmd.output().expect("python3 runs");
        assert!(
            o.status.success(),
            "oracle.py on {}: {}",
            self.dir.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(&out).expect("oracle output");
        serde_json::from_str(&text).expect("oracle JSON")
    }

    /// The real paths of the universe and the names the oracle prints for them
    /// (`$GOMODCACHE`, `$PROXY`, `$WORK`), longest first.
    pub fn pairs(&self) -> Vec<(String, &'static str)> {
        vec![
            (
                self.dir.join("modcache-unused").display().to_string(),
                "$GOMODCACHE",
            ),
            (self.dir.join("proxy").display().to_string(), "$PROXY"),
            (self.dir.display().to_string(), "$WORK"),
        ]
    }

    /// The environment modscope runs with, as the oracle runs the go command: the universe's
    /// proxy, a module cache nobody fills, `-mod=mod` (not in workspaces), the workspace's
    /// go.work or `GOWORK=off`, plus `extra` variables.
    pub fn env(&self, extra: &[(&str, String)]) -> GoEnv {
        let mut vars: HashMap<String, String> = [
            (
                "GOPROXY",
                format!("file://{}", self.dir.join("proxy").display()),
            ),
            (
                "GOMODCACHE",
                self.dir.join("modcache-unused").display().to_string(),
            ),
            ("GOPATH", self.dir.join("gopath").display().to_string()),
            (
                "GOFLAGS",
                if self.ws {
                    "-modcacherw".to_string()
                } else {
                    "-mod=mod -modcacherw".to_string()
                },
            ),
            (
                "GOWORK",
                if self.ws {
                    self.dir.join("ws/go.work").display().to_string()
                } else {
                    "off".to_string()
                },
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in extra {
            vars.insert(k.to_string(), v.clone());
        }
        GoEnv::from_lookup(|k| vars.get(k).cloned())
    }

    /// The main module's directory (`ws/` for workspaces).
    pub fn main_dir(&self) -> PathBuf {
        self.dir.join(if self.ws { "ws" } else { "main" })
    }

    /// Removes the universe unless `MODSCOPE_ORACLE_KEEP` is set and `failed`.
    pub fn cleanup(&self, failed: bool) {
        if !(failed && std::env::var_os("MODSCOPE_ORACLE_KEEP").is_some()) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Replaces each real path of `pairs` in `s` by its name.
pub fn norm(s: &str, pairs: &[(String, &str)]) -> String {
    let mut s = s.to_string();
    for (real, name) in pairs {
        s = s.replace(real.as_str(), name);
    }
    s
}

/// The JSON values of a concatenated stream (`go list -json` output).
pub fn json_stream(s: &str) -> Result<Vec<Value>, String> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// A count from environment variable `var`, else `ci` under CI (`CI` set), else `dev`.
pub fn count_from_env(var: &str, ci: usize, dev: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if std::env::var_os("CI").is_some() {
            ci
        } else {
            dev
        })
}

/// The first seed: `MODSCOPE_ORACLE_SEED`, default 1.
pub fn seed_from_env() -> u64 {
    std::env::var("MODSCOPE_ORACLE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// How many universes run at once: `MODSCOPE_ORACLE_JOBS`, default 2.
pub fn jobs_from_env() -> usize {
    std::env::var("MODSCOPE_ORACLE_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
        .max(1)
}

/// A fresh temporary directory for a test's universes, named after `what` and the process.
pub fn temp_root(what: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("modscope-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("temp dir");
    root
}

/// Runs `run(i, root)` for universes `0..n` on `jobs_from_env()` threads; returns the sum of the
/// counts and all mismatches. `root` is removed afterwards unless `MODSCOPE_ORACLE_KEEP` is set.
pub fn run_universes(
    n: usize,
    root: &Path,
    run: impl Fn(usize, &Path) -> (usize, Vec<String>) + Sync,
) -> (usize, Vec<String>) {
    let next = AtomicUsize::new(0);
    let compared = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs_from_env() {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let (c, m) = run(i, root);
                compared.fetch_add(c, Ordering::SeqCst);
                mismatches.lock().expect("no worker panicked").extend(m);
            });
        }
    });
    if std::env::var_os("MODSCOPE_ORACLE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(root);
    }
    let mut all = mismatches.into_inner().expect("no worker panicked");
    all.sort();
    (compared.load(Ordering::SeqCst), all)
}

/// The go command set up as `oracle.py` runs it on universe `u`, started in `dir`: offline
/// against the universe's proxy, private module cache, build cache and home under the universe,
/// no go.work, no cgo, linux/amd64; `goflags` is GOFLAGS.
pub fn go_in(u: &Universe, dir: &Path, goflags: &str) -> Command {
    let mut cmd = Command::new("go");
    let private = u.dir.join("go-private");
    cmd.current_dir(dir)
        .env(
            "GOPROXY",
            format!("file://{}", u.dir.join("proxy").display()),
        )
        .env("GOSUMDB", "off")
        .env("GOFLAGS", goflags)
        .env("GOMODCACHE", private.join("modcache"))
        .env("GOCACHE", private.join("cache"))
        .env("GOPATH", private.join("gopath"))
        .env("HOME", &private)
        .env("GOENV", "off")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .env("GOOS", "linux")
        .env("GOARCH", "amd64");
    cmd
}
