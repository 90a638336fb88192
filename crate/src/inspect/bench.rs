//! Timing one tree the same way in every front end: the resolve (`list -m all` and `mod graph`)
//! with the modfile cache off, cold (an empty cache each round) and warm (a cache primed by one
//! run, installed fresh each round as a snapshot is), and GOPATH lookups by linear scan against
//! the gopkg index — `rounds` rounds each, with median, minimum, maximum and spread.
//!
//! Time comes from the caller's [`Clock`]: `Instant` natively (`modscope bench resolve`),
//! `performance.now()` in the browser, so the two numbers compare like with like.

use super::tree::{resolve_tree, TreeOptions};
use crate::cache::ModfileCache;
use crate::clock::Clock;
use crate::example::universe::{generate, gopath_imports, UniverseParams};
use crate::pkg::constraint::BuildContext;
use crate::pkg::gopath::{GopathConfig, GorootMode, Resolver};
use crate::pkg::index::GopkgIndex;
use crate::report::trace::Trace;
use crate::source::{clean_path, Fs, MemFs};
use serde::{Deserialize, Serialize};

/// What to time.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BenchOptions {
    /// Timed rounds per series (after one untimed warm-up round).
    pub rounds: usize,
    /// Series to run: any of `off`, `cold`, `warm` (resolve) and `scan`, `index` (lookups).
    pub series: Vec<String>,
    /// The tree to resolve.
    #[serde(flatten)]
    pub tree: TreeOptions,
    /// Import paths for the lookup series (GOPATH mode over `gopath`).
    pub imports: Vec<String>,
    /// `$GOPATH` in the tree for the lookup series.
    pub gopath: String,
    /// Time a generated universe with these parameters instead of the caller's tree (and, when
    /// `imports` is empty, look up its GOPATH packages).
    pub universe: Option<UniverseParams>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            rounds: 5,
            series: ["off", "cold", "warm"].map(String::from).to_vec(),
            tree: TreeOptions {
                resolve: crate::graph::resolve::ResolveOptions {
                    build_mod: Some("mod".into()),
                    ..Default::default()
                },
                go: None,
            },
            imports: Vec::new(),
            gopath: "/gopath".into(),
            universe: None,
        }
    }
}

/// Most rounds one call runs.
pub const MAX_ROUNDS: usize = 200;

/// One timed series.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchSeries {
    /// `off`, `cold`, `warm`, `scan` or `index`.
    pub name: String,
    /// What it times, in words.
    pub what: String,
    /// Milliseconds per round, in the order run.
    pub samples_ms: Vec<f64>,
    /// Median milliseconds.
    pub median_ms: f64,
    /// Fastest round.
    pub min_ms: f64,
    /// Slowest round.
    pub max_ms: f64,
    /// (p90 − p10) / median, in percent.
    pub spread_pct: f64,
}

impl BenchSeries {
    fn new(name: &str, what: String, samples_ms: Vec<f64>) -> Self {
        let mut v = samples_ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| {
            if v.is_empty() {
                0.0
            } else {
                v[((v.len() - 1) as f64 * p).round() as usize]
            }
        };
        let median = q(0.5);
        BenchSeries {
            name: name.to_string(),
            what,
            min_ms: q(0.0),
            max_ms: q(1.0),
            spread_pct: if median > 0.0 {
                (q(0.9) - q(0.1)) / median * 100.0
            } else {
                0.0
            },
            median_ms: median,
            samples_ms,
        }
    }
}

/// What a bench run found.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchReport {
    /// Where it ran: `native` or `wasm` (set by the front end).
    pub host: String,
    /// Modules in the build list.
    pub build_list: usize,
    /// Files in the tree.
    pub files: usize,
    /// Rounds per series.
    pub rounds: usize,
    /// The series, in the order asked.
    pub series: Vec<BenchSeries>,
    /// The resolve's error, if it failed (the series still time it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn ms(clock: &dyn Clock, t0: u64) -> f64 {
    clock.now_nanos().saturating_sub(t0) as f64 / 1e6
}

/// Runs the benchmark over the tree in `fs`, or over the generated universe `opts.universe`
/// names. `host` names the front end in the report; `files` is the number of files in `fs`.
pub fn run_tree<F: Fs + Send + Sync>(
    fs: &F,
    opts: &BenchOptions,
    clock: &dyn Clock,
    host: &str,
    files: usize,
) -> Result<BenchReport, String> {
    let Some(params) = opts.universe else {
        return run(fs, opts, clock, host, files);
    };
    let mut generated = MemFs::new();
    for (name, data) in generate(params)? {
        generated.insert(&name, data);
    }
    let mut opts = opts.clone();
    if opts.imports.is_empty() {
        opts.imports = gopath_imports(params);
    }
    let n = generated.len();
    run(&generated, &opts, clock, host, n)
}

/// Runs the benchmark over the tree in `fs`. `host` names the front end in the report.
pub fn run<F: Fs + Send + Sync>(
    fs: &F,
    opts: &BenchOptions,
    clock: &dyn Clock,
    host: &str,
    files: usize,
) -> Result<BenchReport, String> {
    if opts.rounds == 0 || opts.rounds > MAX_ROUNDS {
        return Err(format!(
            "rounds must be 1 to {MAX_ROUNDS}, not {}",
            opts.rounds
        ));
    }
    let first = resolve_tree(fs, &opts.tree, clock, None);
    let mut report = BenchReport {
        host: host.to_string(),
        build_list: first.build_list.len(),
        files,
        rounds: opts.rounds,
        series: Vec::new(),
        error: (!first.stderr.is_empty()).then(|| first.stderr.trim_end().to_string()),
    };
    for name in &opts.series {
        let mut samples = Vec::with_capacity(opts.rounds);
        let what = match name.as_str() {
            "off" => {
                for _ in 0..opts.rounds {
                    let t0 = clock.now_nanos();
                    std::hint::black_box(resolve_tree(fs, &opts.tree, clock, None));
                    samples.push(ms(clock, t0));
                }
                "resolve, modfile cache off".to_string()
            }
            "cold" => {
                for _ in 0..opts.rounds {
                    let t0 = clock.now_nanos();
                    let cache = ModfileCache::new(crate::cache::store::DEFAULT_MEMORY_BYTES);
                    std::hint::black_box(resolve_tree(fs, &opts.tree, clock, Some(&cache)));
                    samples.push(ms(clock, t0));
                }
                "resolve, modfile cache cold (empty each round)".to_string()
            }
            "warm" => {
                let primed = ModfileCache::new(crate::cache::store::DEFAULT_MEMORY_BYTES);
                resolve_tree(fs, &opts.tree, clock, Some(&primed));
                let snap = primed.memory_snapshot();
                for _ in 0..opts.rounds {
                    let s = snap.clone();
                    let t0 = clock.now_nanos();
                    let cache = ModfileCache::new(crate::cache::store::DEFAULT_MEMORY_BYTES);
                    cache.install(s);
                    std::hint::black_box(resolve_tree(fs, &opts.tree, clock, Some(&cache)));
                    samples.push(ms(clock, t0));
                }
                "resolve, modfile cache warm (snapshot installed each round)".to_string()
            }
            "scan" | "index" => {
                let cfg = GopathConfig {
                    goroot: String::new(),
                    goroot_mode: GorootMode::Embedded,
                    gopath: vec![clean_path(&format!("/{}", opts.gopath))],
                    ctx: BuildContext::default(),
                };
                let index = name == "index";
                let mut built = index.then(|| GopkgIndex::build(fs, &cfg.roots(), None));
                for _ in 0..opts.rounds {
                    let t0 = clock.now_nanos();
                    let mut resolver = Resolver::new(fs, &cfg, Trace::off(), clock);
                    if let Some(ix) = built.as_mut() {
                        resolver = resolver.with_index(ix);
                    }
                    for imp in &opts.imports {
                        std::hint::black_box(resolver.resolve(imp, None));
                    }
                    samples.push(ms(clock, t0));
                }
                format!(
                    "{} GOPATH lookups, {}",
                    opts.imports.len(),
                    if index {
                        "gopkg index (built once, untimed)"
                    } else {
                        "linear scan"
                    }
                )
            }
            other => {
                return Err(format!(
                    "unknown bench series {other:?} (want off, cold, warm, scan or index)"
                ))
            }
        };
        report.series.push(BenchSeries::new(name, what, samples));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FnClock;
    use crate::example::universe::{generate, gopath_imports, UniverseParams};
    use crate::source::MemFs;
    use std::cell::Cell;

    #[test]
    fn every_series_runs_and_reports_its_rounds() {
        let p = UniverseParams {
            modules: 60,
            seed: 3,
        };
        let mut fs = MemFs::new();
        for (name, data) in generate(p).unwrap() {
            fs.insert(&name, data);
        }
        // A clock that advances one millisecond per reading.
        let t = Cell::new(0u64);
        let clock = FnClock(|| {
            t.set(t.get() + 1_000_000);
            t.get()
        });
        let opts = BenchOptions {
            rounds: 3,
            series: ["off", "cold", "warm", "scan", "index"]
                .map(String::from)
                .to_vec(),
            imports: gopath_imports(p),
            ..BenchOptions::default()
        };
        let r = run(&fs, &opts, &clock, "native", fs.len()).unwrap();
        assert_eq!(r.error, None);
        assert!(r.build_list > 10);
        assert_eq!(r.series.len(), 5);
        for s in &r.series {
            assert_eq!(s.samples_ms.len(), 3, "{}", s.name);
            assert!(s.min_ms <= s.median_ms && s.median_ms <= s.max_ms);
            assert!(s.min_ms > 0.0);
        }
    }

    #[test]
    fn bad_options_are_errors() {
        let fs = MemFs::new();
        let clock = crate::clock::FrozenClock;
        let o = BenchOptions {
            rounds: 0,
            ..BenchOptions::default()
        };
        assert!(run(&fs, &o, &clock, "native", 0)
            .unwrap_err()
            .contains("rounds"));
        let o = BenchOptions {
            series: vec!["nope".into()],
            ..BenchOptions::default()
        };
        assert!(run(&fs, &o, &clock, "native", 0)
            .unwrap_err()
            .contains("unknown bench series"));
    }
}
