//! `modscope bench …`: throughput benchmarks of the core, run on real data.
//!
//! Each benchmark is a variant of [`BenchCommand`] (`parse` today; `graph`, `cache`, `gopkg` sit
//! beside it) with its own arguments and `run` function. They share [`Samples`] (per-round
//! throughput → median and spread), [`find_corpus`] and the text/JSON [`Report`], so every bench
//! reports the same way: rounds are repeated until the numbers are stable and the median is the
//! headline.

use crate::modfile;
use crate::native::cli::{CliError, Outcome};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `modscope bench`.
#[derive(Debug, Args)]
#[command(about = "Measure how fast modscope's core is on real data")]
pub struct BenchArgs {
    /// The benchmark to run.
    #[command(subcommand)]
    pub command: BenchCommand,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// go.mod / go.work parsing throughput (MB/s) over a corpus of real files.
    #[command(long_about = PARSE_HELP)]
    Parse(ParseBench),
    /// The build list (list -m all) on a generated universe, against the go command.
    Graph(crate::native::bench_graph::GraphBench),
    /// GOPATH lookups: the gopkg index against the linear scan and the go command.
    Gopkg(crate::native::bench_gopkg::GopkgBench),
    /// list -m all with the modfile cache off, cold and warm, against go list -m all warm.
    Cache(crate::native::bench_cache::CacheBench),
    /// The core resolve over a generated universe in memory: cache off/cold/warm, scan vs index
    /// (what the playground's bench runs in the browser).
    Resolve(crate::native::bench_resolve::ResolveBench),
}

const PARSE_HELP: &str = "Measure go.mod / go.work parsing throughput over a corpus.\n\n\
    Every go.mod, vendor.mod and go.work file under the corpus directory is read into memory \
    once; then each round parses all of them, and the round's throughput is bytes / time. \
    After warm-up rounds, -rounds rounds are timed; the report gives the median MB/s (the \
    headline), the minimum and maximum, and the spread (p10–p90 relative to the median). \
    Modes: strict (main-module rules), lax (dependency rules), syntax (tree only) and fmt \
    (parse + canonical print).\n\n\
    Build with --release for meaningful numbers:\n  \
    cargo run --release -- bench parse -corpus ../shared/corpus/realmods";

/// Arguments of `modscope bench parse`.
#[derive(Debug, Args)]
pub struct ParseBench {
    /// Directory to walk for go.mod / go.work files (default: shared/corpus/realmods found
    /// next to the current directory or the executable, or under $MODSCOPE_SHARED).
    #[arg(long = "corpus", value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Timed rounds per mode.
    #[arg(long = "rounds", default_value_t = 60)]
    pub rounds: usize,
    /// Only these modes (comma-separated: strict,lax,syntax,fmt); default all.
    #[arg(long = "mode", value_delimiter = ',')]
    pub mode: Vec<String>,
    /// Print the report as JSON.
    #[arg(long = "json")]
    pub json: bool,
}

/// Runs a benchmark.
pub fn run(args: BenchArgs) -> Result<Outcome, CliError> {
    match args.command {
        BenchCommand::Parse(a) => run_parse(a),
        BenchCommand::Gopkg(a) => crate::native::bench_gopkg::run(a),
        BenchCommand::Graph(a) => crate::native::bench_graph::run(a),
        BenchCommand::Cache(a) => crate::native::bench_cache::run(a),
        BenchCommand::Resolve(a) => crate::native::bench_resolve::run(a),
    }
}

/// Per-round throughput samples.
#[derive(Debug, Default)]
pub struct Samples(Vec<f64>);

/// Summary statistics of [`Samples`].
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Median (the headline number).
    pub median: f64,
    /// Slowest round.
    pub min: f64,
    /// Fastest round.
    pub max: f64,
    /// (p90 − p10) / median, in percent.
    pub spread_pct: f64,
    /// Number of rounds.
    pub rounds: usize,
}

impl Samples {
    /// Records one round's value.
    pub fn push(&mut self, v: f64) {
        self.0.push(v);
    }

    /// Median, extremes and spread.
    pub fn stats(&self) -> Stats {
        let mut v = self.0.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let n = v.len();
        if n == 0 {
            return Stats {
                median: 0.0,
                min: 0.0,
                max: 0.0,
                spread_pct: 0.0,
                rounds: 0,
            };
        }
        let q = |p: f64| v[((n - 1) as f64 * p).round() as usize];
        let median = q(0.5);
        Stats {
            median,
            min: v[0],
            max: v[n - 1],
            spread_pct: if median > 0.0 {
                (q(0.9) - q(0.1)) / median * 100.0
            } else {
                0.0
            },
            rounds: n,
        }
    }
}

/// One benchmark's report: what was measured and the per-mode statistics.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Benchmark name (`parse`).
    pub bench: String,
    /// The corpus directory.
    pub corpus: String,
    /// Number of input files.
    pub files: usize,
    /// Total input bytes per round.
    pub bytes: usize,
    /// The unit of the statistics.
    pub unit: String,
    /// Statistics per mode.
    pub modes: Vec<(String, Stats)>,
}

impl Report {
    fn print(&self, json: bool) -> Result<(), CliError> {
        if json {
            let s = serde_json::to_string_pretty(self)
                .map_err(|e| CliError::failed(format!("encoding JSON: {e}")))?;
            println!("{s}");
            return Ok(());
        }
        println!(
            "bench {}: {} files, {} bytes per round ({})",
            self.bench, self.files, self.bytes, self.corpus
        );
        for (mode, s) in &self.modes {
            println!(
                "  {mode:<7} median {:>8.1} {}  (min {:.1}, max {:.1}, p10-p90 spread {:.1}%, {} rounds)",
                s.median, self.unit, s.min, s.max, s.spread_pct, s.rounds
            );
        }
        Ok(())
    }
}

/// Finds `shared/corpus/realmods`: under `$MODSCOPE_SHARED`, else beside an ancestor of the
/// current directory or of the executable.
pub fn find_corpus(sub: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("MODSCOPE_SHARED") {
        let p = PathBuf::from(d).join(sub);
        if p.is_dir() {
            return Some(p);
        }
    }
    let mut starts = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        starts.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        starts.push(exe);
    }
    for start in starts {
        for dir in start.ancestors() {
            let p = dir.join("shared").join(sub);
            if p.is_dir() {
                return Some(p);
            }
        }
    }
    None
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

struct Input {
    name: String,
    data: Vec<u8>,
    work: bool,
}

fn run_parse(a: ParseBench) -> Result<Outcome, CliError> {
    let corpus = match a.corpus {
        Some(c) => c,
        None => find_corpus("corpus/realmods").ok_or_else(|| {
            CliError::usage("no corpus found: pass -corpus DIR (e.g. ../shared/corpus/realmods)")
        })?,
    };
    let mut paths = Vec::new();
    walk(&corpus, &mut paths)
        .map_err(|e| CliError::failed(format!("reading {}: {e}", corpus.display())))?;
    let mut inputs = Vec::new();
    for p in paths {
        let Some(n) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let work = n == "go.work";
        if !(work || n == "go.mod" || n == "vendor.mod") {
            continue;
        }
        let data = std::fs::read(&p)
            .map_err(|e| CliError::failed(format!("reading {}: {e}", p.display())))?;
        inputs.push(Input {
            name: p.display().to_string(),
            data,
            work,
        });
    }
    if inputs.is_empty() {
        return Err(CliError::failed(format!(
            "no go.mod or go.work files under {}",
            corpus.display()
        )));
    }
    let bytes: usize = inputs.iter().map(|i| i.data.len()).sum();
    let rounds = a.rounds.max(1);

    type ParseFn = fn(&Input) -> usize;
    let modes: [(&str, ParseFn); 4] = [
        ("strict", |i| {
            if i.work {
                modfile::parse_work(&i.name, &i.data).map_or(0, |f| f.uses.len())
            } else {
                modfile::parse_strict(&i.name, &i.data).map_or(0, |f| f.require.len())
            }
        }),
        ("lax", |i| {
            if i.work {
                modfile::parse_work(&i.name, &i.data).map_or(0, |f| f.uses.len())
            } else {
                modfile::parse_lax(&i.name, &i.data).map_or(0, |f| f.require.len())
            }
        }),
        ("syntax", |i| {
            modfile::parse_syntax(&i.name, &i.data).map_or(0, |f| f.stmts.len())
        }),
        ("fmt", |i| {
            let r = if i.work {
                modfile::format_work(&i.name, &i.data)
            } else {
                modfile::format_mod(&i.name, &i.data)
            };
            r.map_or(0, |b| b.len())
        }),
    ];
    let mut report = Report {
        bench: "parse".into(),
        corpus: corpus.display().to_string(),
        files: inputs.len(),
        bytes,
        unit: "MB/s".into(),
        modes: Vec::new(),
    };
    for (mode, f) in modes {
        if !a.mode.is_empty() && !a.mode.iter().any(|m| m == mode) {
            continue;
        }
        let round = || {
            let mut n = 0usize;
            for i in &inputs {
                n += f(black_box(i));
            }
            black_box(n)
        };
        for _ in 0..3 {
            round();
        }
        let mut samples = Samples::default();
        for _ in 0..rounds {
            let t = Instant::now();
            round();
            let secs = t.elapsed().as_secs_f64();
            if secs > 0.0 {
                samples.push(bytes as f64 / 1e6 / secs);
            }
        }
        report.modes.push((mode.to_string(), samples.stats()));
    }
    report.print(a.json)?;
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::Samples;

    #[test]
    fn stats_take_the_median() {
        let mut s = Samples::default();
        for v in [5.0, 1.0, 3.0, 2.0, 4.0] {
            s.push(v);
        }
        let st = s.stats();
        assert_eq!((st.median, st.min, st.max, st.rounds), (3.0, 1.0, 5.0, 5));
    }
}
