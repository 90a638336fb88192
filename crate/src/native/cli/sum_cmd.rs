//! `modscope sum`: check go.mod files against go.sum, and compute `h1:` hashes.

use super::{CliError, Outcome};
use crate::module::{self, ModuleVersion};
use crate::sum::{dirhash, GoSum};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

/// Work with go.sum files and the `h1:` hashes they record.
///
/// go.sum holds one line per hash: `PATH VERSION h1:HASH` for a module's zip and
/// `PATH VERSION/go.mod h1:HASH` for its go.mod file alone. An `h1:` hash is SHA-256 over a
/// summary that lists, for each file sorted by name, the SHA-256 of its content and its name;
/// the go command refuses a download whose hash differs from the one go.sum recorded.
#[derive(Debug, Args)]
pub struct SumArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: SumCommand,
}

/// The `sum` subcommands.
#[derive(Debug, Subcommand)]
pub enum SumCommand {
    /// Check go.mod files against the `/go.mod` lines of a go.sum file.
    ///
    /// Each CHECK is `PATH@VERSION=FILE`: the go.mod FILE is hashed and compared with the line
    /// `PATH VERSION/go.mod h1:…` of GO_SUM, the way the go command checks every go.mod it loads
    /// while building the module graph. Prints `PATH@VERSION: ok` for a match and the go
    /// command's error otherwise (`verifying PATH@VERSION/go.mod: checksum mismatch` or
    /// `missing go.sum entry`).
    ///
    /// Exit status: 0 when every file matches, 1 when one does not or has no go.sum line (or a
    /// file cannot be read), 2 for a malformed command line.
    ///
    /// Example: modscope sum verify-mod go.sum rsc.io/quote@v1.5.2=quote.mod
    #[command(name = "verify-mod")]
    VerifyMod {
        /// The go.sum (or go.work.sum) file.
        #[arg(value_name = "GO_SUM")]
        gosum: PathBuf,
        /// `PATH@VERSION=FILE` pairs: a module version and its go.mod file.
        #[arg(value_name = "CHECK", required = true)]
        checks: Vec<String>,
    },
    /// Print the `h1:` hash of a module zip or of a go.mod file.
    ///
    /// A zip (a file named *.zip, or one that starts like a zip) is hashed over its entry names,
    /// which for a module zip are `PATH@VERSION/FILE`: the result is what go.sum records on a
    /// `PATH VERSION` line and what the module cache keeps in `VERSION.ziphash`. Any other file is
    /// hashed as a lone go.mod (the single name `go.mod`): what a `PATH VERSION/go.mod` line records.
    ///
    /// Example: modscope sum hash $(go env GOMODCACHE)/cache/download/rsc.io/quote/@v/v1.5.2.zip
    Hash {
        /// The .zip or go.mod file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Hash FILE as a zip whatever its name.
        #[arg(long = "zip", conflicts_with = "gomod")]
        zip: bool,
        /// Hash FILE as a go.mod whatever its name or content.
        #[arg(long = "mod")]
        gomod: bool,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::failed(format!("reading {}: {e}", path.display())))
}

/// One parsed `PATH@VERSION=FILE` argument.
fn parse_check(arg: &str) -> Result<(ModuleVersion, PathBuf), CliError> {
    let usage = |why: &str| {
        CliError::usage(format!(
            "sum verify-mod: {arg:?}: {why} (want PATH@VERSION=FILE)"
        ))
    };
    let (mv, file) = arg.split_once('=').ok_or_else(|| usage("missing =FILE"))?;
    if !mv.contains('@') {
        return Err(usage("missing @VERSION"));
    }
    let mv = ModuleVersion::parse(mv);
    if file.is_empty() {
        return Err(usage("empty FILE"));
    }
    module::check(&mv.path, &mv.version).map_err(|e| usage(&e.to_string()))?;
    Ok((mv, PathBuf::from(file)))
}

/// Runs `modscope sum …`.
pub fn run(args: SumArgs) -> Result<Outcome, CliError> {
    match args.command {
        SumCommand::VerifyMod { gosum, checks } => verify_mod(&gosum, &checks),
        SumCommand::Hash { file, zip, gomod } => {
            let data = read(&file)?;
            let as_zip = zip
                || (!gomod
                    && (file.extension().is_some_and(|e| e == "zip")
                        || data.starts_with(b"PK\x03\x04")));
            let h = if as_zip {
                dirhash::hash_zip(&data)
                    .map_err(|e| CliError::failed(format!("{}: {e}", file.display())))?
            } else {
                dirhash::hash_gomod(&data)
            };
            println!("{h}");
            Ok(Outcome::Ok)
        }
    }
}

fn verify_mod(gosum: &Path, checks: &[String]) -> Result<Outcome, CliError> {
    let parsed: Vec<(ModuleVersion, PathBuf)> = checks
        .iter()
        .map(|c| parse_check(c))
        .collect::<Result<_, _>>()?;
    let text = read(gosum)?;
    let name = gosum.display().to_string();
    let (sum, diags) = GoSum::parse(&name, &String::from_utf8_lossy(&text));
    for d in &diags {
        eprintln!("{d}");
    }
    let mut outcome = Outcome::Ok;
    for (mv, file) in parsed {
        let data = match std::fs::read(&file) {
            Ok(d) => d,
            Err(e) => {
                println!("{mv}: reading {}: {e}", file.display());
                outcome = Outcome::Findings;
                continue;
            }
        };
        match sum.check_gomod(&mv.path, &mv.version, &data) {
            Ok(()) => println!("{mv}: ok"),
            Err(e) => {
                println!("{}", e.to_string().trim_end());
                outcome = Outcome::Findings;
            }
        }
    }
    Ok(outcome)
}
