//! `modscope bench gopkg`: the gopkg index against the linear scan and the go command, on a real
//! GOPATH tree.
//!
//! The workload is every import of every package in the tree (importer directory + import path as
//! written), read once with the header scanner. Then, side by side: building the index (parallel
//! walk), saving and loading it, resolving every import through the index (first pass of a
//! session: each record validated once; second pass: memoised), resolving every import by the
//! linear scan, and `GO111MODULE=off go list -e -deps ./...` on the same tree. Last, the index
//! watched as `modscope serve` keeps it ([`crate::native::watch`]): the set-up (a watch per
//! directory, one validation), then requests that each drain the notifications and resolve
//! every import with a fresh resolver — the first request, a later one, and a second pass
//! within one request.

use crate::clock::FrozenClock;
use crate::native::cli::{CliError, Outcome};
use crate::native::fs::OsFs;
use crate::native::gopath_env;
use crate::native::gopkg_index_store;
use crate::native::watch::WatchedGopkg;
use crate::pkg::gopath::{GopathConfig, Importer, Resolver};
use crate::pkg::index::GopkgIndex;
use crate::pkg::load::load_dir;
use crate::report::trace::Trace;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `modscope bench gopkg`.
#[derive(Debug, Args)]
#[command(
    long_about = "Compare gopkg-index lookups with the linear scan and the go command on a GOPATH tree.\n\n\
    Build a tree once: shared/corpus/debian_gocode.sh -n 300 /tmp/gocode300\n\
    then: cargo run --release -- bench gopkg -gopath /tmp/gocode300"
)]
pub struct GopkgBench {
    /// The GOPATH tree (holds src/); default $GOPATH.
    #[arg(long = "gopath", value_name = "DIR")]
    pub gopath: Option<PathBuf>,
    /// Timed rounds for each lookup mode (the median is reported).
    #[arg(long = "rounds", default_value_t = 5)]
    pub rounds: usize,
    /// Skip running the go command.
    #[arg(long = "no-go")]
    pub no_go: bool,
    /// Skip the linear scan (for profiling the index; answers are then not compared).
    #[arg(long = "no-linear")]
    pub no_linear: bool,
    /// Print the report as JSON.
    #[arg(long = "json")]
    pub json: bool,
}

/// The numbers `bench gopkg` reports.
#[derive(Debug, Clone, Serialize, Default)]
pub struct GopkgReport {
    /// The tree.
    pub gopath: String,
    /// Packages (directories with .go files) whose imports form the workload.
    pub packages: usize,
    /// Import edges resolved per round.
    pub lookups: usize,
    /// Directories in the index.
    pub indexed_dirs: usize,
    /// Index build (parallel walk), seconds.
    pub index_build_s: f64,
    /// Index file size, bytes.
    pub index_bytes: usize,
    /// Loading the saved index (read + hash check + decode), seconds.
    pub index_load_s: f64,
    /// Per lookup through the index, first pass of a session (records validated as lookups
    /// first rely on them, one `stat` each), ns.
    pub indexed_cold_ns: f64,
    /// Per lookup through the index, first pass of a session with the records validated up
    /// front by parallel `stat`s (included in the time), ns.
    pub indexed_cold_prevalidated_ns: f64,
    /// Records validated (by `stat`) in a lazy first pass.
    pub cold_stats: u64,
    /// Per lookup through the index, later passes (validated, memoised), ns.
    pub indexed_warm_ns: f64,
    /// Per lookup by the linear scan, ns.
    pub linear_ns: f64,
    /// linear / indexed (warm).
    pub speedup_warm: f64,
    /// linear / indexed (cold).
    pub speedup_cold: f64,
    /// linear / indexed (cold, prevalidated in parallel).
    pub speedup_cold_prevalidated: f64,
    /// All imports resolved with the index, including loading it, seconds.
    pub all_indexed_s: f64,
    /// All imports resolved by the linear scan, seconds.
    pub all_linear_s: f64,
    /// `go list -e -deps ./...`, seconds (when run).
    pub go_list_deps_s: Option<f64>,
    /// CPU time per lookup (user + system, all threads), ns: linear scan.
    pub linear_cpu_ns: f64,
    /// CPU time per lookup, index, first pass.
    pub indexed_cold_cpu_ns: f64,
    /// CPU time per lookup, index, first pass prevalidated in parallel (all threads).
    pub indexed_cold_prevalidated_cpu_ns: f64,
    /// CPU time per lookup, index, warm.
    pub indexed_warm_cpu_ns: f64,
    /// Watched index (as `modscope serve` keeps it): adding a watch to every indexed
    /// directory, seconds.
    pub watch_add_s: f64,
    /// Watched index: the one validation after the watches were added (parallel `stat`s),
    /// seconds.
    pub watch_validate_s: f64,
    /// Watches added (directories).
    pub watches: usize,
    /// Per lookup, watched index, first request after set-up (drain + fresh resolver), ns.
    pub watched_first_ns: f64,
    /// Per lookup, watched index, a later request (drain, then a resolver with the memos kept
    /// from the previous request, as `modscope serve` does), ns.
    pub watched_next_ns: f64,
    /// Per lookup, watched index, second pass within one request (resolver memo), ns.
    pub watched_warm_ns: f64,
    /// CPU time per lookup, watched index, first request.
    pub watched_first_cpu_ns: f64,
    /// CPU time per lookup, watched index, later request.
    pub watched_next_cpu_ns: f64,
    /// CPU time per lookup, watched index, warm.
    pub watched_warm_cpu_ns: f64,
    /// Records validated by `stat` during the watched passes (after set-up): 0 when no change
    /// notification arrived.
    pub watched_stats: u64,
    /// Why the watched rows fell back to stat checks (out of watches), if they did.
    pub watched_fallback: Option<String>,
    /// Whether every indexed answer equalled the linear scan's.
    pub answers_agree: bool,
}

/// CPU time (user + system) of the whole process so far, ns: unlike wall time, it does not
/// grow when other processes hold the cores.
fn cpu_ns() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1e9 + t.tv_usec as f64 * 1e3;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

type Edge = (Importer, String);

/// Every edge's answer (directory, or empty on error), copied out: the untimed check.
fn resolve_all(r: &mut Resolver, edges: &[Edge]) -> Vec<String> {
    edges
        .iter()
        .map(|(imp, p)| match &r.resolve_ref(p, Some(imp)).result {
            Ok(f) => f.dir.clone(),
            Err(_) => String::new(),
        })
        .collect()
}

/// One timed pass: every edge resolved, the answers folded into a checksum (directory length and
/// tree) so that the pass cannot be optimised away and passes can be compared cheaply.
fn resolve_pass(r: &mut Resolver, edges: &[Edge]) -> u64 {
    let mut acc = 0u64;
    for (imp, p) in edges {
        let v = match &r.resolve_ref(p, Some(imp)).result {
            Ok(f) => (f.dir.len() as u64) | ((f.root as u64) << 32),
            Err(_) => u64::MAX,
        };
        acc = acc.rotate_left(7) ^ v;
    }
    acc
}

/// Runs `bench gopkg`.
pub fn run(args: GopkgBench) -> Result<Outcome, CliError> {
    let gopath = match &args.gopath {
        Some(p) => p.clone(),
        None => PathBuf::from(
            gopath_env::gopath()
                .first()
                .cloned()
                .ok_or_else(|| CliError::usage("no -gopath and no $GOPATH"))?,
        ),
    };
    let gopath = gopath
        .canonicalize()
        .map_err(|e| CliError::failed(format!("{}: {e}", gopath.display())))?;
    let gp = gopath.to_string_lossy().to_string();
    let (goroot, goroot_mode) = gopath_env::goroot();
    let cfg = GopathConfig {
        goroot,
        goroot_mode,
        gopath: vec![gp.clone()],
        ctx: gopath_env::build_context(None),
    };
    let roots = cfg.roots();
    let fs = OsFs::new(&gopath);
    let clock = FrozenClock;
    let mut rep = GopkgReport {
        gopath: gp.clone(),
        ..Default::default()
    };

    // Workload: every import of every package in the tree.
    eprintln!("reading the imports of every package under {gp}/src …");
    let tree = crate::native::walk::walk_tree(&gopath.join("src"), 2);
    let mut edges: Vec<Edge> = Vec::new();
    let mut r0 = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    for w in tree.iter().filter(|w| w.has_go) {
        let dir = format!("{gp}/src/{}", w.rel);
        let p = load_dir(&fs, &dir, &cfg.ctx);
        if p.go_files.is_empty() && p.cgo_files.is_empty() {
            continue;
        }
        rep.packages += 1;
        let (import_path, root) = r0.dir_to_import_path(&dir);
        let imp = Importer {
            import_path,
            dir,
            root,
        };
        for i in p.imports.iter().filter(|i| *i != "C") {
            edges.push((imp.clone(), i.clone()));
        }
    }
    drop(r0);
    rep.lookups = edges.len();

    // Index build (parallel walk), save, load.
    let mut builds = Vec::new();
    let mut index = GopkgIndex::default();
    for _ in 0..3 {
        let t = Instant::now();
        index = gopkg_index_store::build(&roots);
        builds.push(t.elapsed().as_secs_f64());
    }
    rep.index_build_s = median(builds);
    rep.indexed_dirs = index.len();
    let bytes = index.encode();
    rep.index_bytes = bytes.len();
    let mut loads = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let ix = GopkgIndex::decode(&bytes).map_err(|e| CliError::failed(e.to_string()))?;
        loads.push(t.elapsed().as_secs_f64());
        std::hint::black_box(ix.len());
    }
    rep.index_load_s = median(loads);

    // Linear scan.
    let mut linear = Vec::new();
    let mut linear_cpu = Vec::new();
    let mut sum_linear = 0;
    let linear_rounds = if args.no_linear {
        0
    } else {
        args.rounds.max(1)
    };
    for _ in 0..linear_rounds {
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
        let (t, c) = (Instant::now(), cpu_ns());
        sum_linear = resolve_pass(&mut r, &edges);
        linear.push(t.elapsed().as_secs_f64());
        linear_cpu.push(cpu_ns() - c);
    }
    rep.all_linear_s = median(linear);
    let want = if args.no_linear {
        Vec::new()
    } else {
        resolve_all(&mut Resolver::new(&fs, &cfg, Trace::off(), &clock), &edges)
    };

    // Index: a fresh session each round (decode); the first pass validates records as lookups
    // rely on them, the second is warm. Then a fresh session whose records are validated up
    // front by parallel stats (timed with its first pass).
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let mut cold = Vec::new();
    let mut cold_pre = Vec::new();
    let mut warm = Vec::new();
    let (mut cold_cpu, mut pre_cpu, mut warm_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut all = Vec::new();
    let mut agree = true;
    for _ in 0..args.rounds.max(1) {
        let t0 = Instant::now();
        let mut ix = GopkgIndex::decode(&bytes).map_err(|e| CliError::failed(e.to_string()))?;
        let load = t0.elapsed().as_secs_f64();
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(&mut ix);
        let (t1, c1) = (Instant::now(), cpu_ns());
        let s1 = resolve_pass(&mut r, &edges);
        let c = t1.elapsed().as_secs_f64();
        cold_cpu.push(cpu_ns() - c1);
        let (t2, c2) = (Instant::now(), cpu_ns());
        let s2 = resolve_pass(&mut r, &edges);
        let w = t2.elapsed().as_secs_f64();
        warm_cpu.push(cpu_ns() - c2);
        agree &= args.no_linear
            || (s1 == sum_linear && s2 == sum_linear && resolve_all(&mut r, &edges) == want);
        drop(r);
        rep.cold_stats = ix.stats.validated;
        cold.push(c);
        warm.push(w);
        all.push(load + c);

        let mut ix = GopkgIndex::decode(&bytes).map_err(|e| CliError::failed(e.to_string()))?;
        let (t3, c3) = (Instant::now(), cpu_ns());
        gopkg_index_store::prevalidate(&mut ix, threads);
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(&mut ix);
        let s3 = resolve_pass(&mut r, &edges);
        cold_pre.push(t3.elapsed().as_secs_f64());
        pre_cpu.push(cpu_ns() - c3);
        agree &= args.no_linear || (s3 == sum_linear && resolve_all(&mut r, &edges) == want);
    }

    // Watched index, set up as `modscope serve` does: load, watch every directory, validate
    // once; then requests, each draining the notifications first.
    let wall = gopath_env::InstantClock::new();
    let (mut w_add, mut w_val, mut w_first, mut w_next, mut w_warm) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut w_first_cpu, mut w_next_cpu, mut w_warm_cpu) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds.max(1) {
        let ix = GopkgIndex::decode(&bytes).map_err(|e| CliError::failed(e.to_string()))?;
        let mut g = WatchedGopkg::watch(ix, &roots, &wall, threads, 0);
        rep.watched_fallback = g.fallback_reason.clone();
        rep.watches = g.setup.watches;
        w_add.push(g.setup.watch_ns as f64 / 1e9);
        w_val.push(g.setup.validate_ns as f64 / 1e9);
        let before = g.index.stats.validated;
        let request = |g: &mut WatchedGopkg, warm: bool| {
            let (t, c) = (Instant::now(), cpu_ns());
            g.begin();
            // As `modscope serve` does: the memos kept from the previous request, unless the
            // drain applied a change.
            let memos = g.take_memos();
            let (wfs, ix) = g.parts(&gopath);
            let mut r =
                Resolver::new(&wfs, &cfg, Trace::off(), &clock).with_index_and_memos(ix, memos);
            let s1 = resolve_pass(&mut r, &edges);
            let first = (t.elapsed().as_secs_f64(), cpu_ns() - c);
            let mut ok = args.no_linear || s1 == sum_linear;
            let mut second = (0.0, 0.0);
            if warm {
                let (t, c) = (Instant::now(), cpu_ns());
                let s2 = resolve_pass(&mut r, &edges);
                second = (t.elapsed().as_secs_f64(), cpu_ns() - c);
                ok &= args.no_linear || (s2 == sum_linear && resolve_all(&mut r, &edges) == want);
            }
            let memos = r.take_memos();
            drop(wfs);
            g.keep_memos(memos);
            (first, second, ok)
        };
        let (first, warm_pass, ok1) = request(&mut g, true);
        let (next, _, ok2) = request(&mut g, false);
        agree &= ok1 && ok2;
        w_first.push(first.0);
        w_first_cpu.push(first.1);
        w_warm.push(warm_pass.0);
        w_warm_cpu.push(warm_pass.1);
        w_next.push(next.0);
        w_next_cpu.push(next.1);
        rep.watched_stats = g.index.stats.validated - before;
    }
    rep.watch_add_s = median(w_add);
    rep.watch_validate_s = median(w_val);
    rep.answers_agree = agree && !args.no_linear;
    let n = rep.lookups.max(1) as f64;
    rep.indexed_cold_ns = median(cold) * 1e9 / n;
    rep.indexed_cold_prevalidated_ns = median(cold_pre) * 1e9 / n;
    rep.indexed_warm_ns = median(warm) * 1e9 / n;
    rep.linear_ns = rep.all_linear_s * 1e9 / n;
    rep.speedup_cold = rep.linear_ns / rep.indexed_cold_ns.max(1e-9);
    rep.speedup_cold_prevalidated = rep.linear_ns / rep.indexed_cold_prevalidated_ns.max(1e-9);
    rep.speedup_warm = rep.linear_ns / rep.indexed_warm_ns.max(1e-9);
    rep.all_indexed_s = median(all);
    rep.linear_cpu_ns = median(linear_cpu) / n;
    rep.indexed_cold_cpu_ns = median(cold_cpu) / n;
    rep.indexed_cold_prevalidated_cpu_ns = median(pre_cpu) / n;
    rep.indexed_warm_cpu_ns = median(warm_cpu) / n;
    rep.watched_first_ns = median(w_first) * 1e9 / n;
    rep.watched_next_ns = median(w_next) * 1e9 / n;
    rep.watched_warm_ns = median(w_warm) * 1e9 / n;
    rep.watched_first_cpu_ns = median(w_first_cpu) / n;
    rep.watched_next_cpu_ns = median(w_next_cpu) / n;
    rep.watched_warm_cpu_ns = median(w_warm_cpu) / n;

    if !args.no_go {
        let cache =
            std::env::temp_dir().join(format!("modscope-bench-gocache-{}", std::process::id()));
        let t = Instant::now();
        let out = std::process::Command::new("go")
            .args([
                "list",
                "-e",
                "-deps",
                "-f",
                "{{.ImportPath}} {{.Dir}}",
                "./...",
            ])
            .current_dir(gopath.join("src"))
            .env("GO111MODULE", "off")
            .env("GOPATH", &gp)
            .env("GOFLAGS", "")
            .env("GOCACHE", &cache)
            .output();
        let secs = t.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&cache);
        if matches!(&out, Ok(o) if o.status.success()) {
            rep.go_list_deps_s = Some(secs);
        }
    }

    if args.json {
        let text = serde_json::to_string_pretty(&rep)
            .map_err(|e| CliError::failed(format!("encoding JSON: {e}")))?;
        println!("{text}");
    } else {
        println!(
            "gopkg bench on {} ({} packages, {} import lookups per round, {} indexed dirs)",
            rep.gopath, rep.packages, rep.lookups, rep.indexed_dirs
        );
        println!(
            "  index build (parallel walk)   {:>10.1} ms",
            rep.index_build_s * 1e3
        );
        println!(
            "  index load ({} KB, hash+decode) {:>8.1} ms",
            rep.index_bytes / 1024,
            rep.index_load_s * 1e3
        );
        let ratio = |x: f64, y: f64| x / y.max(1e-9);
        println!(
            "  {:<44} {:>9} {:>7} {:>9} {:>7}",
            "per lookup (median of rounds)", "wall ns", "ratio", "CPU ns", "ratio"
        );
        let rows = [
            ("linear scan", rep.linear_ns, rep.linear_cpu_ns),
            (
                "index, first pass",
                rep.indexed_cold_ns,
                rep.indexed_cold_cpu_ns,
            ),
            (
                "index, first pass, prevalidated in parallel",
                rep.indexed_cold_prevalidated_ns,
                rep.indexed_cold_prevalidated_cpu_ns,
            ),
            ("index, warm", rep.indexed_warm_ns, rep.indexed_warm_cpu_ns),
            (
                "watched index, first request",
                rep.watched_first_ns,
                rep.watched_first_cpu_ns,
            ),
            (
                "watched index, a later request",
                rep.watched_next_ns,
                rep.watched_next_cpu_ns,
            ),
            (
                "watched index, warm (same request)",
                rep.watched_warm_ns,
                rep.watched_warm_cpu_ns,
            ),
        ];
        for (name, wall, cpu) in rows {
            println!(
                "  {name:<44} {wall:>9.0} {:>6.0}× {cpu:>9.0} {:>6.0}×",
                ratio(rep.linear_ns, wall),
                ratio(rep.linear_cpu_ns, cpu)
            );
        }
        println!(
            "  records stat'ed by a lazy first pass: {} of {} ({threads} threads when prevalidated)",
            rep.cold_stats, rep.indexed_dirs
        );
        match &rep.watched_fallback {
            Some(why) => println!("  watched index: {why}; its rows used stat checks"),
            None => println!(
                "  watch set-up: {} watches added in {:.1} ms, then validated in {:.1} ms; \
                 records stat'ed by later requests: {}",
                rep.watches,
                rep.watch_add_s * 1e3,
                rep.watch_validate_s * 1e3,
                rep.watched_stats
            ),
        }
        println!(
            "  all imports, linear scan      {:>10.1} ms",
            rep.all_linear_s * 1e3
        );
        println!(
            "  all imports, index incl. load {:>10.1} ms",
            rep.all_indexed_s * 1e3
        );
        if let Some(g) = rep.go_list_deps_s {
            println!("  go list -e -deps ./...        {:>10.1} ms", g * 1e3);
        }
        if args.no_linear {
            println!("  answers agree: not compared (-no-linear)");
        } else {
            println!("  answers agree: {}", rep.answers_agree);
        }
    }
    Ok(if rep.answers_agree || args.no_linear {
        Outcome::Ok
    } else {
        Outcome::Findings
    })
}
