//! `modscope bench graph`: the build list (`list -m all`) on a generated universe, side by side
//! with the go command in the same run — warm (module cache primed) and cold (empty cache, files
//! from a file:// proxy).
//!
//! The universe comes from `shared/oracle/gen_universe.py --modules N --no-zips` (or `-universe
//! DIR`). The go command runs with the oracle's environment (GOFLAGS=-mod=mod, GOPROXY=file://…,
//! private GOMODCACHE); its go.mod is restored before every run because `-mod=mod` rewrites it.
//! modscope runs in-process on the same inputs and must print the same lines.

use super::bench::{Samples, Stats};
use super::bench_universe::BenchUniverse;
use super::cli::list::{list_modules, CmdOutput};
use super::cli::{CliError, Outcome};
use super::env::GoEnv;
use super::modload::LoadRequest;
use crate::graph::load::CmdKind;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Arguments of `modscope bench graph`.
#[derive(Debug, Args)]
#[command(
    long_about = "Measure the build list (list -m all) against the go command.\n\n\
    A universe of -modules modules is generated with shared/oracle/gen_universe.py (or -universe \
    DIR is used). Warm: the module cache is primed by one go run, then go list -m all and modscope \
    list -m all (GOPROXY=off, everything from the cache) run -rounds times each. Cold: each round \
    starts from an empty module cache and reads the file:// proxy. Medians and ratios are reported; \
    the two tools' outputs must be identical.\n\n\
    Build with --release for meaningful numbers:\n  \
    cargo run --release -- bench graph -modules 3000"
)]
pub struct GraphBench {
    /// A universe made by gen_universe.py (default: generate one in a temp directory).
    #[arg(long = "universe", value_name = "DIR")]
    pub universe: Option<PathBuf>,
    /// Modules in the generated universe.
    #[arg(long = "modules", default_value_t = 3000)]
    pub modules: usize,
    /// Generator seed.
    #[arg(long = "seed", default_value_t = 1)]
    pub seed: u64,
    /// Timed warm rounds per tool.
    #[arg(long = "rounds", default_value_t = 5)]
    pub rounds: usize,
    /// Timed cold rounds per tool.
    #[arg(long = "cold-rounds", default_value_t = 3)]
    pub cold_rounds: usize,
    /// The go command.
    #[arg(long = "go", default_value = "go")]
    pub go: String,
    /// Print the report as JSON.
    #[arg(long = "json")]
    pub json: bool,
}

/// The bench's findings.
#[derive(Debug, Clone, Serialize)]
pub struct GraphReport {
    /// The universe directory.
    pub universe: String,
    /// Modules in the build list.
    pub build_list: usize,
    /// go list -m all, warm cache: seconds per run.
    pub go_warm: Stats,
    /// modscope list -m all, warm cache: seconds per run.
    pub modscope_warm: Stats,
    /// go list -m all, warm cache: CPU seconds (user + system, all threads) per run.
    pub go_warm_cpu: Stats,
    /// modscope list -m all, warm cache: CPU seconds (user + system, all threads) per run.
    pub modscope_warm_cpu: Stats,
    /// go warm CPU median / modscope warm CPU median.
    pub warm_cpu_ratio: f64,
    /// go list -m all, empty cache: seconds per run.
    pub go_cold: Stats,
    /// modscope list -m all, empty cache: seconds per run.
    pub modscope_cold: Stats,
    /// modscope list -m all --modfile-cache, warm (snapshot primed): seconds per run.
    pub modscope_warm_modfile_cache: Stats,
    /// go warm median / modscope --modfile-cache warm median.
    pub warm_speedup_modfile_cache: f64,
    /// go warm median / modscope warm median.
    pub warm_speedup: f64,
    /// go cold median / modscope cold median.
    pub cold_speedup: f64,
}

fn stats(v: Vec<f64>) -> Stats {
    let mut samples = Samples::default();
    for x in v {
        samples.push(x);
    }
    samples.stats()
}

fn failed(msg: impl Into<String>) -> CliError {
    CliError::failed(msg)
}

/// User plus system CPU seconds used so far by `who` (`RUSAGE_SELF`: this process, all threads;
/// `RUSAGE_CHILDREN`: its reaped children).
fn cpu_secs(who: libc::c_int) -> f64 {
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is valid for writes; getrusage only fills it in.
    if unsafe { libc::getrusage(who, &mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// One timed run: wall seconds, CPU seconds (user + system, every thread), what it printed.
struct Timed {
    wall: f64,
    cpu: f64,
    stdout: String,
}

/// The universe the build lists are timed on.
struct Setup {
    u: BenchUniverse,
}

impl Setup {
    fn go(&self, go: &str, cache: &Path, proxy: bool) -> Result<Timed, CliError> {
        self.u.restore()?;
        let cpu0 = cpu_secs(libc::RUSAGE_CHILDREN);
        let t = Instant::now();
        let out = Command::new(go)
            .args(["list", "-m", "all"])
            .current_dir(self.u.main_dir())
            .env_clear()
            .envs(self.u.go_env(cache, proxy))
            .output()
            .map_err(|e| failed(format!("running {go}: {e}")))?;
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_secs(libc::RUSAGE_CHILDREN) - cpu0;
        if !out.status.success() {
            return Err(failed(format!(
                "go list -m all failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(Timed {
            wall,
            cpu,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    }

    fn ours(&self, cache: &Path, proxy: bool, modfile_cache: bool) -> Result<Timed, CliError> {
        self.u.restore()?;
        let mut vars = self.u.go_env(cache, proxy);
        if modfile_cache {
            vars.insert("GOEXPERIMENT".into(), "modfilecache".into());
            vars.insert(
                "MODSCOPE_CACHE".into(),
                self.u.work.join("modscope-cache").display().to_string(),
            );
        }
        let cpu0 = cpu_secs(libc::RUSAGE_SELF);
        let t = Instant::now();
        let req = LoadRequest {
            dir: self.u.main_dir(),
            env: GoEnv::from_lookup(|k| vars.get(k).cloned()),
            build_mod_flag: None,
            command: CmdKind::List,
            go_override: None,
        };
        let out: CmdOutput = list_modules(&req, &["all".to_string()], false, false, false);
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_secs(libc::RUSAGE_SELF) - cpu0;
        if out.exit != 0 {
            return Err(failed(format!(
                "modscope list -m all failed: {}",
                out.stderr
            )));
        }
        Ok(Timed {
            wall,
            cpu,
            stdout: out.stdout,
        })
    }
}

/// Runs `modscope bench graph`.
pub fn run(a: GraphBench) -> Result<Outcome, CliError> {
    let tmp = std::env::temp_dir().join(format!("modscope-bench-graph-{}", std::process::id()));
    let s = Setup {
        u: BenchUniverse::prepare(a.universe.as_deref(), a.modules, a.seed, &tmp)?,
    };
    let work = s.u.work.clone();
    let rounds = a.rounds.max(1);
    let cold_rounds = a.cold_rounds.max(1);

    // Cold: an empty cache per round, files from the file:// proxy.
    let mut go_cold = Vec::new();
    let mut ours_cold = Vec::new();
    let mut reference = String::new();
    for i in 0..cold_rounds {
        let cache = work.join(format!("cold-cache-go-{i}"));
        let r = s.go(&a.go, &cache, true)?;
        go_cold.push(r.wall);
        reference = r.stdout;
        let cache = work.join(format!("cold-cache-ours-{i}"));
        let r = s.ours(&cache, true, false)?;
        ours_cold.push(r.wall);
        if r.stdout != reference {
            return Err(failed(
                "modscope and go printed different build lists (cold)",
            ));
        }
    }
    // Warm: the first go cold run's cache is complete for this graph.
    let warm_cache = work.join("cold-cache-go-0");
    let (mut go_warm, mut go_warm_cpu) = (Vec::new(), Vec::new());
    let (mut ours_warm, mut ours_warm_cpu) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let r = s.go(&a.go, &warm_cache, false)?;
        go_warm.push(r.wall);
        go_warm_cpu.push(r.cpu);
        if r.stdout != reference {
            return Err(failed("go printed a different build list warm"));
        }
        let r = s.ours(&warm_cache, false, false)?;
        ours_warm.push(r.wall);
        ours_warm_cpu.push(r.cpu);
        if r.stdout != reference {
            return Err(failed(
                "modscope and go printed different build lists (warm)",
            ));
        }
    }
    // The modfile cache: one run fills it, then warm runs read its snapshot.
    s.ours(&warm_cache, false, true)?;
    let mut ours_mc = Vec::new();
    for _ in 0..rounds {
        let r = s.ours(&warm_cache, false, true)?;
        ours_mc.push(r.wall);
        if r.stdout != reference {
            return Err(failed(
                "modscope --modfile-cache and go printed different build lists",
            ));
        }
    }
    let report = GraphReport {
        universe: s.u.universe.display().to_string(),
        build_list: reference.lines().count(),
        warm_speedup: 0.0,
        cold_speedup: 0.0,
        warm_speedup_modfile_cache: 0.0,
        modscope_warm_modfile_cache: stats(ours_mc),
        go_warm: stats(go_warm),
        modscope_warm: stats(ours_warm),
        go_warm_cpu: stats(go_warm_cpu),
        modscope_warm_cpu: stats(ours_warm_cpu),
        warm_cpu_ratio: 0.0,
        go_cold: stats(go_cold),
        modscope_cold: stats(ours_cold),
    };
    let report = GraphReport {
        warm_speedup: report.go_warm.median / report.modscope_warm.median,
        warm_cpu_ratio: report.go_warm_cpu.median / report.modscope_warm_cpu.median,
        cold_speedup: report.go_cold.median / report.modscope_cold.median,
        warm_speedup_modfile_cache: report.go_warm.median
            / report.modscope_warm_modfile_cache.median,
        ..report
    };
    let _ = std::fs::remove_dir_all(&work);
    if a.universe.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        let ms = |x: f64| x * 1000.0;
        println!(
            "build list: {} modules ({})",
            report.build_list, report.universe
        );
        println!(
            "warm  go {:8.1} ms   modscope {:8.1} ms   {:6.1}x faster  ({} rounds)",
            ms(report.go_warm.median),
            ms(report.modscope_warm.median),
            report.warm_speedup,
            rounds
        );
        println!(
            "      min: go {:.1} ms, modscope {:.1} ms ({:.1}x); CPU median: go {:.1} ms, modscope {:.1} ms ({:.1}x)",
            ms(report.go_warm.min),
            ms(report.modscope_warm.min),
            report.go_warm.min / report.modscope_warm.min,
            ms(report.go_warm_cpu.median),
            ms(report.modscope_warm_cpu.median),
            report.warm_cpu_ratio,
        );
        println!(
            "warm  go {:8.1} ms   modscope {:8.1} ms   {:6.1}x faster  (--modfile-cache, snapshot primed)",
            ms(report.go_warm.median),
            ms(report.modscope_warm_modfile_cache.median),
            report.warm_speedup_modfile_cache,
        );
        println!(
            "cold  go {:8.1} ms   modscope {:8.1} ms   {:6.1}x faster  ({} rounds)",
            ms(report.go_cold.median),
            ms(report.modscope_cold.median),
            report.cold_speedup,
            cold_rounds
        );
    }
    Ok(Outcome::Ok)
}
