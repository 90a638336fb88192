//! `modscope example universe -modules N -seed S -o DIR`: writes the generated module universe
//! the playground and `bench resolve` use (main module at DIR, proxy at DIR/proxy, a GOPATH tree
//! at DIR/gopath), or prints it as one txtar archive.

use super::{CliError, Outcome};
use crate::example::universe::{generate, txtar, UniverseParams};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Write generated example trees.
#[derive(Debug, Args)]
pub struct ExampleArgs {
    /// Which example.
    #[command(subcommand)]
    pub command: ExampleCommand,
}

/// The examples.
#[derive(Debug, Subcommand)]
pub enum ExampleCommand {
    /// A deterministic module universe (the playground's large example): go.mod at the root,
    /// modules under proxy/ (GOPROXY layout), packages under gopath/src.
    ///
    /// Resolve it as the go command would: `cd DIR && GOFLAGS=-mod=mod GOPROXY=file://$PWD/proxy
    /// GOSUMDB=off go list -m all` (or `modscope list -m all` with the same environment).
    Universe {
        /// Modules in the universe.
        #[arg(long = "modules", default_value_t = 3000)]
        modules: usize,
        /// Generator seed.
        #[arg(long = "seed", default_value_t = 1)]
        seed: u64,
        /// Directory to write (created; existing files are overwritten). Without it the
        /// universe is printed as a txtar archive.
        #[arg(long = "o", value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Runs `modscope example …`.
pub fn run(args: ExampleArgs) -> Result<Outcome, CliError> {
    match args.command {
        ExampleCommand::Universe { modules, seed, out } => {
            let params = UniverseParams { modules, seed };
            let Some(dir) = out else {
                let text = txtar(params).map_err(CliError::usage)?;
                print!("{text}");
                return Ok(Outcome::Ok);
            };
            let files = generate(params).map_err(CliError::usage)?;
            for (name, data) in &files {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        CliError::failed(format!("creating {}: {e}", parent.display()))
                    })?;
                }
                std::fs::write(&path, data)
                    .map_err(|e| CliError::failed(format!("writing {}: {e}", path.display())))?;
            }
            println!("wrote {} files to {}", files.len(), dir.display());
            Ok(Outcome::Ok)
        }
    }
}
