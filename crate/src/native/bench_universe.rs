//! The generated module universe that `bench graph` and `bench cache` time: generating it with
//! `shared/oracle/gen_universe.py`, a scratch copy of its main module (the go command rewrites
//! go.mod and go.sum under `-mod=mod`), and the go command's offline environment over it.

use super::cli::CliError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A universe ready to time commands in: the universe itself and a work directory holding a copy of
/// its `main/` (and `local/`), restored to the original go.mod before each timed command.
pub struct BenchUniverse {
    /// The universe (`proxy/`, `main/`, `local/`).
    pub universe: PathBuf,
    /// The scratch directory; the main module runs in `work/main`.
    pub work: PathBuf,
    gomod: Vec<u8>,
}

fn failed(msg: impl Into<String>) -> CliError {
    CliError::failed(msg)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let t = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_tree(&e.path(), &t)?;
        } else {
            std::fs::copy(e.path(), &t)?;
        }
    }
    Ok(())
}

fn generate(modules: usize, seed: u64, dir: &Path) -> Result<(), CliError> {
    let script = super::bench::find_corpus("oracle")
        .map(|d| d.join("gen_universe.py"))
        .ok_or_else(|| failed("shared/oracle/gen_universe.py not found (set MODSCOPE_SHARED)"))?;
    let out = Command::new("python3")
        .arg(script)
        .arg("--out")
        .arg(dir)
        .arg("--force")
        .args([
            "--modules",
            &modules.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .arg("--no-zips")
        .output()
        .map_err(|e| failed(format!("running gen_universe.py: {e}")))?;
    if !out.status.success() {
        return Err(failed(format!(
            "gen_universe.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

impl BenchUniverse {
    /// Uses `given`, or generates a `modules`-module universe from `seed` under `tmp`; then copies
    /// its main module (and local replacement targets) into `tmp/work`.
    pub fn prepare(
        given: Option<&Path>,
        modules: usize,
        seed: u64,
        tmp: &Path,
    ) -> Result<Self, CliError> {
        let universe = match given {
            Some(u) => u.to_path_buf(),
            None => {
                let u = tmp.join("universe");
                eprintln!("generating a {modules}-module universe in {}", u.display());
                generate(modules, seed, &u)?;
                u
            }
        };
        let work = tmp.join("work");
        copy_tree(&universe.join("main"), &work.join("main"))
            .map_err(|e| failed(format!("copying main/: {e}")))?;
        if universe.join("local").is_dir() {
            copy_tree(&universe.join("local"), &work.join("local"))
                .map_err(|e| failed(format!("copying local/: {e}")))?;
        }
        let gomod = std::fs::read(work.join("main/go.mod"))
            .map_err(|e| failed(format!("reading go.mod: {e}")))?;
        Ok(BenchUniverse {
            universe,
            work,
            gomod,
        })
    }

    /// The main module's directory in the work copy.
    pub fn main_dir(&self) -> PathBuf {
        self.work.join("main")
    }

    /// The go command's offline environment (as `shared/oracle` runs it), with `modcache` as
    /// `GOMODCACHE` and `GOPROXY` the universe's file:// proxy, or `off`.
    pub fn go_env(&self, modcache: &Path, proxy: bool) -> HashMap<String, String> {
        let p = if proxy {
            format!("file://{}", self.universe.join("proxy").display())
        } else {
            "off".to_string()
        };
        [
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("GOPROXY", p),
            ("GOMODCACHE", modcache.display().to_string()),
            ("GOPATH", self.work.join("gopath").display().to_string()),
            ("GOCACHE", self.work.join("gocache").display().to_string()),
            ("HOME", self.work.display().to_string()),
            ("GOFLAGS", "-mod=mod -modcacherw".to_string()),
            ("GOWORK", "off".to_string()),
            ("GOSUMDB", "off".to_string()),
            ("GONOSUMDB", String::new()),
            ("GONOPROXY", String::new()),
            ("GOPRIVATE", String::new()),
            ("GO111MODULE", "on".to_string()),
            ("GOENV", "off".to_string()),
            ("GOTOOLCHAIN", "local".to_string()),
            ("GOTELEMETRY", "off".to_string()),
            ("GOVCS", "*:off".to_string()),
            ("LC_ALL", "C".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Puts the original go.mod back and removes go.sum, undoing what a `-mod=mod` run wrote.
    pub fn restore(&self) -> Result<(), CliError> {
        let main = self.main_dir();
        std::fs::write(main.join("go.mod"), &self.gomod)
            .map_err(|e| failed(format!("restoring go.mod: {e}")))?;
        let _ = std::fs::remove_file(main.join("go.sum"));
        Ok(())
    }
}
