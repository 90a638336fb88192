//! The `modscope` command line: the go command's subcommands and flags, plus modscope's own.
//!
//! Every subcommand lives in its own file and exposes `run(args) -> Result<Outcome, CliError>`.
//! Exit codes: 0 = ok, 1 = findings (errors in the input, a failed check), 2 = usage error.

pub mod cache_cmd;
pub mod example_cmd;
mod goflags;
pub mod list;
pub mod list_modpkgs;
pub mod list_pkgs;
pub mod lookup;
pub mod mod_cmd;
pub mod mod_graph;
pub mod mod_why;
pub mod sum_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// How a command ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the answer was printed.
    Ok,
    /// Exit 1: the input has errors or a check failed (they were printed).
    Findings,
}

/// A failure of the command itself, printed as `modscope: message` with exit code `exit`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    /// The message, without the `modscope: ` prefix.
    pub message: String,
    /// Process exit code (1 = findings or I/O failure, 2 = usage).
    pub exit: u8,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            exit: 2,
        }
    }

    /// A failure reading input or producing output (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            exit: 1,
        }
    }
}

/// modscope answers what the go command answers when it looks up modules and packages, and shows how.
///
/// Go's flag syntax works as in the go command: `modscope list -m -json all`, `-mod=mod`, `-x`.
#[derive(Debug, Parser)]
#[command(name = "modscope", version, about, long_about = None, disable_help_subcommand = false)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check go.mod files against go.sum and compute h1: hashes.
    ///
    /// go.sum records, for every module version the build has seen, the `h1:` hash of its zip
    /// (`PATH VERSION h1:…`) and of its go.mod file (`PATH VERSION/go.mod h1:…`). The go command
    /// refuses any download whose hash differs. `verify-mod` repeats that check for go.mod files
    /// you have; `hash` shows the hash of a zip or go.mod so you can compare it with go.sum.
    Sum(sum_cmd::SumArgs),
    /// Module maintenance: format and inspect go.mod and go.work files.
    Mod(mod_cmd::ModArgs),
    /// Measure how fast modscope's core is on real data.
    Bench(crate::native::bench::BenchArgs),
    /// Find where import paths live in GOPATH mode, showing every place tried.
    Lookup(lookup::LookupArgs),
    /// List modules as `go list -m` does: `list -m [-json] [-e] all`.
    List(list::ListArgs),
    /// The shortest requirement path that selects a module's version.
    WhyVersion(mod_graph::WhyVersionArgs),
    /// Inspect and manage the modfile cache (stats, show, verify, clear, export, import).
    Cache(cache_cmd::CacheArgs),
    /// Write generated example trees (the playground's large module universe).
    Example(example_cmd::ExampleArgs),
    /// The local backend: the CLI's JSON answers over HTTP on loopback, and the playground.
    Serve(crate::native::serve::ServeArgs),
}

/// Entry point of the binary: parses `std::env::args` and runs the command.
pub fn main() -> ExitCode {
    let args = goflags::normalize(std::env::args());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            eprintln!("modscope: {}", e.message);
            ExitCode::from(e.exit)
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Sum(args) => sum_cmd::run(args),
        Command::Mod(a) => mod_cmd::run(a),
        Command::Bench(a) => crate::native::bench::run(a),
        Command::Lookup(args) => lookup::run(args),
        Command::List(args) => list::run(args),
        Command::WhyVersion(args) => mod_graph::run_why_version(args),
        Command::Cache(args) => cache_cmd::run(args),
        Command::Example(args) => example_cmd::run(args),
        Command::Serve(args) => crate::native::serve::run(args),
    }
}
