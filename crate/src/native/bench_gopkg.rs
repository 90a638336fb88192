//! `modscope bench gopkg`: the gopkg index against the linear scan and the go command, on a real
//! GOPATH tree.
//!
//! The workload is every import of every package in the tree (importer directory + import path as
//! written), read once with the header scanner. Then, side by side: building the index (parallel
//! walk), saving and loading it, resolving every import through the index (first pass of a
//! session: each record validated once; second pass: memoised), resolving every import by the
//! linear scan, and `GO111MODULE=off go list -e -deps ./...` on the same tree.

use crate::clock::FrozenClock;
use crate::native::cli::{CliError, Outcome};
use crate::native::fs::OsFs;
use crate::native::gopath_env;
use crate::native::gopkg_index_store;
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
    /// Per lookup through the index, first pass of a session (records validated), ns.
    pub indexed_cold_ns: f64,
    /// Per lookup through the index, later passes (validated, memoised), ns.
    pub indexed_warm_ns: f64,
    /// Per lookup by the linear scan, ns.
    pub linear_ns: f64,
    /// linear / indexed (warm).
    pub speedup_warm: f64,
    /// linear / indexed (cold).
    pub speedup_cold: f64,
    /// All imports resolved with the index, including loading it, seconds.
    pub all_indexed_s: f64,
    /// All imports resolved by the linear scan, seconds.
    pub all_linear_s: f64,
    /// `go list -e -deps ./...`, seconds (when run).
    pub go_list_deps_s: Option<f64>,
    /// Whether every indexed answer equalled the linear scan's.
    pub answers_agree: bool,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

type Edge = (Importer, String);

fn resolve_all(r: &mut Resolver, edges: &[Edge]) -> Vec<String> {
    edges
        .iter()
        .map(|(imp, p)| {
            let res = r.resolve(p, Some(imp));
            match res.result {
                Ok(f) => f.dir,
                Err(_) => String::new(),
            }
        })
        .collect()
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
    let mut want = Vec::new();
    for _ in 0..args.rounds.max(1) {
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
        let t = Instant::now();
        want = resolve_all(&mut r, &edges);
        linear.push(t.elapsed().as_secs_f64());
    }
    rep.all_linear_s = median(linear);

    // Index: a fresh session each round (decode), first pass validates, second is warm.
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut all = Vec::new();
    let mut agree = true;
    for _ in 0..args.rounds.max(1) {
        let t0 = Instant::now();
        let mut ix = GopkgIndex::decode(&bytes).map_err(|e| CliError::failed(e.to_string()))?;
        let load = t0.elapsed().as_secs_f64();
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(&mut ix);
        let t1 = Instant::now();
        let got = resolve_all(&mut r, &edges);
        let c = t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let got2 = resolve_all(&mut r, &edges);
        let w = t2.elapsed().as_secs_f64();
        agree &= got == want && got2 == want;
        cold.push(c);
        warm.push(w);
        all.push(load + c);
    }
    rep.answers_agree = agree;
    let n = rep.lookups.max(1) as f64;
    rep.indexed_cold_ns = median(cold) * 1e9 / n;
    rep.indexed_warm_ns = median(warm) * 1e9 / n;
    rep.linear_ns = rep.all_linear_s * 1e9 / n;
    rep.speedup_cold = rep.linear_ns / rep.indexed_cold_ns.max(1e-9);
    rep.speedup_warm = rep.linear_ns / rep.indexed_warm_ns.max(1e-9);
    rep.all_indexed_s = median(all);

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
        println!(
            "  lookup, linear scan           {:>10.0} ns/lookup",
            rep.linear_ns
        );
        println!(
            "  lookup, index (first pass)    {:>10.0} ns/lookup  ({:.0}× faster)",
            rep.indexed_cold_ns, rep.speedup_cold
        );
        println!(
            "  lookup, index (warm)          {:>10.0} ns/lookup  ({:.0}× faster)",
            rep.indexed_warm_ns, rep.speedup_warm
        );
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
        println!("  answers agree: {}", rep.answers_agree);
    }
    Ok(if rep.answers_agree {
        Outcome::Ok
    } else {
        Outcome::Findings
    })
}
