//! `modscope bench resolve`: the core resolve (`list -m all` and `mod graph`) over a generated
//! universe held in memory, with the modfile cache off, cold and warm, and GOPATH lookups by
//! linear scan and by the gopkg index — exactly what the playground's `bench` runs in the
//! browser, so the two hosts' numbers compare like with like (`--json` prints the same
//! `BenchReport` the page gets).

use super::cli::list::InstantClock;
use super::cli::{CliError, Outcome};
use crate::example::universe::UniverseParams;
use crate::inspect::bench::{run_tree, BenchOptions, BenchReport};
use crate::source::MemFs;
use clap::Args;

/// Arguments of `modscope bench resolve`.
#[derive(Debug, Args)]
#[command(
    long_about = "Time the core resolve over a generated universe held in memory.\n\n\
    The universe is the one `modscope example universe` writes and the playground's \
    `loadUniverse` generates (same -modules and -seed, same files). Series: off (modfile cache \
    off), cold (an empty cache each round), warm (a primed cache's snapshot installed each \
    round), scan and index (GOPATH lookups of the universe's packages by linear scan and through \
    the gopkg index). One untimed round first, then -rounds timed rounds per series.\n\n\
    Build with --release for meaningful numbers:\n  \
    cargo run --release -- bench resolve -modules 3000 -json"
)]
pub struct ResolveBench {
    /// Modules in the generated universe.
    #[arg(long = "modules", default_value_t = 3000)]
    pub modules: usize,
    /// Generator seed.
    #[arg(long = "seed", default_value_t = 1)]
    pub seed: u64,
    /// Timed rounds per series.
    #[arg(long = "rounds", default_value_t = 5)]
    pub rounds: usize,
    /// Series to run (comma-separated: off,cold,warm,scan,index).
    #[arg(
        long = "series",
        value_delimiter = ',',
        default_value = "off,cold,warm,scan,index"
    )]
    pub series: Vec<String>,
    /// Print the report as JSON (the playground's `BenchReport`).
    #[arg(long = "json")]
    pub json: bool,
}

/// Runs the benchmark and returns its report.
pub fn measure(args: &ResolveBench) -> Result<BenchReport, CliError> {
    let params = UniverseParams {
        modules: args.modules,
        seed: args.seed,
    };
    let opts = BenchOptions {
        rounds: args.rounds,
        series: args.series.clone(),
        universe: Some(params),
        ..BenchOptions::default()
    };
    let clock = InstantClock::new();
    run_tree(&MemFs::new(), &opts, &clock, "native", 0).map_err(CliError::usage)
}

/// Runs `modscope bench resolve`.
pub fn run(args: ResolveBench) -> Result<Outcome, CliError> {
    let r = measure(&args)?;
    if args.json {
        let text = serde_json::to_string_pretty(&r)
            .map_err(|e| CliError::failed(format!("encoding JSON: {e}")))?;
        println!("{text}");
        return Ok(Outcome::Ok);
    }
    println!(
        "universe: {} modules (seed {}), {} files; build list {} modules; {} rounds",
        args.modules, args.seed, r.files, r.build_list, r.rounds
    );
    if let Some(e) = &r.error {
        println!("resolve error: {e}");
    }
    println!(
        "{:<8} {:>10} {:>10} {:>10} {:>8}  what",
        "series", "median ms", "min ms", "max ms", "spread"
    );
    for s in &r.series {
        println!(
            "{:<8} {:>10.2} {:>10.2} {:>10.2} {:>7.1}%  {}",
            s.name, s.median_ms, s.min_ms, s.max_ms, s.spread_pct, s.what
        );
    }
    Ok(Outcome::Ok)
}
