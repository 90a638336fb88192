//! `modscope bench cache`: `list -m all` with the modfile cache off, cold and warm, side by side
//! with `go list -m all` warm, each run as a child process whose wall time and peak memory (max
//! RSS from `wait4`) are measured.
//!
//! The universe comes from `shared/oracle/gen_universe.py --modules N --no-zips` (or `-universe
//! DIR`). One go run primes a private module cache; then every measured run reads that cache
//! with `GOPROXY=off`, so all rows do the same job from the same files. Every run must print
//! the go command's build list. Rows: the go command warm; modscope with the cache off; cold
//! (cache directory emptied: a first build); warm (the memo answers); warm without the memo
//! (the graph is loaded from the snapshot); incremental (a comment appended to the main go.mod:
//! a new snapshot key, so the run starts from the module's previous snapshot).

use super::bench::{Samples, Stats};
use super::bench_universe::BenchUniverse;
use super::cli::{CliError, Outcome};
use clap::Args;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Arguments of `modscope bench cache`.
#[derive(Debug, Args)]
#[command(
    long_about = "Measure the modfile cache: list -m all with the cache off, cold and warm, and \
    go list -m all warm, as child processes (wall time and peak RSS).\n\n\
    A universe of -modules modules is generated with shared/oracle/gen_universe.py (or -universe \
    DIR is used); one go run primes a private module cache, which every measured run reads with \
    GOPROXY=off. Rows: go (warm module cache), modscope with the cache off, cold (cache directory \
    emptied before each round), warm (memo present), warm without the memo (snapshot only) and \
    incremental (a comment appended to the main go.mod before each round). Medians of -rounds \
    rounds.\n\n\
    Build with --release for meaningful numbers:\n  \
    cargo run --release -- bench cache -modules 3000"
)]
pub struct CacheBench {
    /// A universe made by gen_universe.py (default: generate one in a temp directory).
    #[arg(long = "universe", value_name = "DIR")]
    pub universe: Option<PathBuf>,
    /// Modules in the generated universe.
    #[arg(long = "modules", default_value_t = 3000)]
    pub modules: usize,
    /// Generator seed.
    #[arg(long = "seed", default_value_t = 1)]
    pub seed: u64,
    /// Timed rounds per row.
    #[arg(long = "rounds", default_value_t = 7)]
    pub rounds: usize,
    /// The go command.
    #[arg(long = "go", default_value = "go")]
    pub go: String,
    /// Print the report as JSON.
    #[arg(long = "json")]
    pub json: bool,
}

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What ran.
    pub name: String,
    /// Wall seconds per run.
    pub time: Stats,
    /// CPU seconds (user + system) per run: steadier than wall time on a shared machine.
    pub cpu: Stats,
    /// Largest peak RSS of any round, bytes.
    pub max_rss: u64,
}

/// The bench's findings.
#[derive(Debug, Clone, Serialize)]
pub struct CacheReport {
    /// The universe directory.
    pub universe: String,
    /// Modules in the build list.
    pub build_list: usize,
    /// Rows: go warm, modscope off, cold, warm (memo), warm (snapshot only), incremental.
    pub rows: Vec<Row>,
    /// go warm median / modscope warm median (wall time).
    pub warm_vs_go: f64,
    /// modscope off median / modscope warm median (wall time).
    pub warm_vs_off: f64,
    /// The same ratios in CPU time.
    pub warm_vs_go_cpu: f64,
    /// modscope off / warm, CPU time.
    pub warm_vs_off_cpu: f64,
    /// cold median / modscope off median (wall time): what a first build costs extra.
    pub cold_vs_off: f64,
    /// incremental median / modscope off median (wall time).
    pub incremental_vs_off: f64,
}

fn failed(msg: impl Into<String>) -> CliError {
    CliError::failed(msg)
}

/// What one child process did.
struct ChildRun {
    secs: f64,
    cpu: f64,
    max_rss: u64,
    stdout: String,
    stderr: String,
    ok: bool,
}

/// Runs `cmd` to completion, reaping it with `wait4` to get its own resource usage.
fn run_child(cmd: &mut Command) -> Result<ChildRun, CliError> {
    let t = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("spawning {cmd:?}: {e}")))?;
    let mut err_pipe = child.stderr.take();
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let mut stdout = String::new();
    if let Some(mut p) = child.stdout.take() {
        let _ = p.read_to_string(&mut stdout);
    }
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| failed("child pid out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unreaped child; status and ru are valid for writes.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let secs = t.elapsed().as_secs_f64();
    if r != pid {
        return Err(failed(format!(
            "wait4: {}",
            std::io::Error::last_os_error()
        )));
    }
    let stderr = err_thread.join().unwrap_or_default();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(ChildRun {
        secs,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss: (ru.ru_maxrss.max(0) as u64) * 1024,
        stdout,
        stderr,
        ok,
    })
}

/// The universe plus where this benchmark keeps the go command's module cache and modscope's cache.
struct Setup {
    u: BenchUniverse,
    modcache: PathBuf,
    cache: PathBuf,
}

impl Setup {
    fn env(&self, proxy: bool) -> HashMap<String, String> {
        let mut env = self.u.go_env(&self.modcache, proxy);
        env.insert("MODSCOPE_CACHE".into(), self.cache.display().to_string());
        env
    }

    fn run(&self, program: &Path, args: &[&str], proxy: bool) -> Result<ChildRun, CliError> {
        self.run_edited(program, args, proxy, None)
    }

    /// Runs with `comment` appended to the main go.mod (a new content hash, the same answer).
    fn run_edited(
        &self,
        program: &Path,
        args: &[&str],
        proxy: bool,
        comment: Option<&str>,
    ) -> Result<ChildRun, CliError> {
        self.u.restore()?;
        if let Some(c) = comment {
            let gomod = self.u.main_dir().join("go.mod");
            let mut text = std::fs::read(&gomod).map_err(|e| failed(format!("go.mod: {e}")))?;
            text.extend_from_slice(format!("// {c}\n").as_bytes());
            std::fs::write(&gomod, text).map_err(|e| failed(format!("go.mod: {e}")))?;
        }
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(self.u.main_dir())
            .env_clear()
            .envs(self.env(proxy));
        let r = run_child(&mut cmd)?;
        if !r.ok {
            return Err(failed(format!(
                "{} {} failed: {}",
                program.display(),
                args.join(" "),
                r.stderr
            )));
        }
        Ok(r)
    }
}

/// Runs `modscope bench cache`.
pub fn run(a: CacheBench) -> Result<Outcome, CliError> {
    let tmp = std::env::temp_dir().join(format!("modscope-bench-cache-{}", std::process::id()));
    let u = BenchUniverse::prepare(a.universe.as_deref(), a.modules, a.seed, &tmp)?;
    let s = Setup {
        modcache: u.work.join("modcache"),
        cache: u.work.join("modscope-cache"),
        u,
    };
    let exe = std::env::current_exe().map_err(|e| failed(format!("finding modscope: {e}")))?;
    let go = PathBuf::from(&a.go);
    let list = ["list", "-m", "all"];
    let list_cached = ["list", "-m", "-modfile-cache", "all"];

    // Prime the module cache from the proxy; its output is the reference.
    let reference = s.run(&go, &list, true)?.stdout;
    let rounds = a.rounds.max(1);
    let clear = || {
        let _ = std::fs::remove_dir_all(&s.cache);
    };
    let mut rows = Vec::new();
    /// What happens before each timed round.
    #[derive(PartialEq)]
    enum Prep {
        /// Nothing: the previous round's state.
        Nothing,
        /// The cache directory is emptied (a first build).
        Clear,
        /// The memo is removed (a warm run that loads the graph from its snapshot).
        DropMemo,
        /// A comment is appended to the main go.mod (an incremental build: new snapshot key).
        EditGoMod,
    }
    type Step<'a> = (&'a str, &'a Path, &'a [&'a str], Prep);
    let plan: [Step; 6] = [
        (
            "go list -m all (warm module cache)",
            &go,
            &list,
            Prep::Nothing,
        ),
        (
            "modscope list -m all (cache off)",
            &exe,
            &list,
            Prep::Nothing,
        ),
        (
            "modscope ... (cache cold: first build)",
            &exe,
            &list_cached,
            Prep::Clear,
        ),
        (
            "modscope ... (cache warm: memo)",
            &exe,
            &list_cached,
            Prep::Nothing,
        ),
        (
            "modscope ... (warm: snapshot, no memo)",
            &exe,
            &list_cached,
            Prep::DropMemo,
        ),
        (
            "modscope ... (incremental: go.mod edited)",
            &exe,
            &list_cached,
            Prep::EditGoMod,
        ),
    ];
    let mut edits = 0u64;
    for (name, program, args, prep) in plan {
        if prep == Prep::Nothing && program == exe.as_path() && name.contains("warm") {
            clear();
            s.run(program, args, false)?;
        }
        let mut samples = Samples::default();
        let mut cpu = Samples::default();
        let mut max_rss = 0;
        for _ in 0..rounds {
            let mut comment = None;
            match prep {
                Prep::Nothing => {}
                Prep::Clear => clear(),
                Prep::DropMemo => {
                    let _ = std::fs::remove_dir_all(s.cache.join("modfile/memo"));
                }
                Prep::EditGoMod => {
                    edits += 1;
                    comment = Some(format!("edit {edits}"));
                }
            }
            let r = s.run_edited(program, args, false, comment.as_deref())?;
            if r.stdout != reference {
                return Err(failed(format!("{name}: printed a different build list")));
            }
            samples.push(r.secs);
            cpu.push(r.cpu);
            max_rss = max_rss.max(r.max_rss);
        }
        rows.push(Row {
            name: name.to_string(),
            time: samples.stats(),
            cpu: cpu.stats(),
            max_rss,
        });
    }
    let med = |i: usize| rows[i].time.median;
    let cpu = |i: usize| rows[i].cpu.median;
    let report = CacheReport {
        warm_vs_go_cpu: cpu(0) / cpu(3),
        warm_vs_off_cpu: cpu(1) / cpu(3),
        universe: s.u.universe.display().to_string(),
        build_list: reference.lines().count(),
        warm_vs_go: med(0) / med(3),
        cold_vs_off: med(2) / med(1),
        incremental_vs_off: med(5) / med(1),
        warm_vs_off: med(1) / med(3),
        rows: rows.clone(),
    };
    let _ = std::fs::remove_dir_all(&s.u.work);
    if a.universe.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let mut out = String::new();
    if a.json {
        out = serde_json::to_string_pretty(&report).unwrap_or_default();
        out.push('\n');
    } else {
        out.push_str(&format!(
            "build list: {} modules ({}), {} rounds each, child processes\n",
            report.build_list, report.universe, rounds
        ));
        out.push_str(&format!(
            "{:<38} {:>10} {:>10} {:>10} {:>10} {:>12}\n",
            "", "median ms", "min ms", "max ms", "cpu ms", "peak RSS MB"
        ));
        for r in &report.rows {
            out.push_str(&format!(
                "{:<38} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>12.1}\n",
                r.name,
                r.time.median * 1e3,
                r.time.min * 1e3,
                r.time.max * 1e3,
                r.cpu.median * 1e3,
                r.max_rss as f64 / (1 << 20) as f64
            ));
        }
        out.push_str(&format!(
            "warm cache: {:.1}x faster than go warm, {:.1}x faster than the cache off (wall); \
             {:.1}x and {:.1}x in CPU time\n",
            report.warm_vs_go, report.warm_vs_off, report.warm_vs_go_cpu, report.warm_vs_off_cpu
        ));
        out.push_str(&format!(
            "cold run: {:.2}x the cache off; incremental run: {:.2}x the cache off (wall)\n",
            report.cold_vs_off, report.incremental_vs_off
        ));
    }
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    Ok(Outcome::Ok)
}
