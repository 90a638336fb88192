//! `modscope mod …`: module maintenance commands, named after the go command's `go mod` group.
//!
//! Each subcommand is one variant of [`ModCommand`] with its own argument struct and `run`
//! function; adding one (`graph`, `why`, …) means adding a variant, its args and a dispatch arm.

use super::{CliError, Outcome};
use crate::error::Diagnostic;
use crate::modfile;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `modscope mod`.
#[derive(Debug, Args)]
#[command(
    about = "Module maintenance: format and inspect go.mod and go.work files",
    long_about = "Module maintenance, after `go mod`.\n\n\
        A file named *.work (go.work) is read as a workspace file; anything else as a go.mod."
)]
pub struct ModArgs {
    /// The `mod` subcommand.
    #[command(subcommand)]
    pub command: ModCommand,
}

/// The `mod` subcommands.
#[derive(Debug, Subcommand)]
pub enum ModCommand {
    /// Print a go.mod or go.work file in canonical form (like `go mod edit -fmt`).
    #[command(long_about = FMT_HELP)]
    Fmt(FmtArgs),
    /// Parse a go.mod, go.work or vendor/modules.txt file and show what it says.
    #[command(long_about = PARSE_HELP)]
    Parse(ParseArgs),
    /// Print the module requirement graph as `go mod graph` does.
    Graph(super::mod_graph::GraphArgs),
    /// Why packages or modules are needed: the shortest import chain from the main module.
    Why(super::mod_why::WhyArgs),
}

const FMT_HELP: &str = "Print a go.mod or go.work file in canonical form.\n\n\
    The output is what `go mod edit -fmt` (or `go work edit -fmt`) writes: the file is parsed as \
    the main module's go.mod (strictly), quoted strings are unquoted when they can be, versions \
    are made canonical (v1.2 becomes v1.2.0), duplicate exclude and replace lines are dropped \
    (the last replace of a module version wins), lines inside blocks are sorted, empty blocks \
    are dropped, one-line blocks become single lines, and comments are kept.\n\n\
    Errors are printed as file:line:col: message, worded as the go command words them, and the \
    command exits with status 1.\n\n\
    Examples:\n  modscope mod fmt go.mod          print the canonical form\n  \
    modscope mod fmt -w go.mod       rewrite go.mod in place (only if it changes)";

const PARSE_HELP: &str = "Parse a go.mod, go.work or vendor/modules.txt file and show what it says.\n\n\
    By default a go.mod is read strictly, as the go command reads the main module's go.mod. \
    With -lax it is read as the go command reads a dependency's go.mod: only module, go, \
    require, retract and ignore lines count; other directives (exclude, replace, toolchain, \
    godebug, tool, unknown ones) and malformed retractions are ignored, and a go version such as \
    v1.2.3 is repaired to 1.2.\n\n\
    A file named modules.txt is read as vendor/modules.txt (lines the go command would ignore \
    are reported as warnings).\n\n\
    Text output lists one directive per line with its position; -json prints the typed file \
    (shapes documented on modfile::ModFile, WorkFile and vendor::ModulesTxt). Errors are printed as file:line:col: message and exit with status 1; \
    with -json they are printed as {\"diagnostics\": [...]}.\n\n\
    Examples:\n  modscope mod parse go.mod\n  modscope mod parse -json go.work\n  \
    modscope mod parse -lax $(go env GOMODCACHE)/cache/download/golang.org/x/mod/@v/v0.20.0.mod";

/// Arguments of `modscope mod fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Write the result back to FILE instead of printing it.
    #[arg(long = "w")]
    pub write: bool,
    /// The go.mod or go.work file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Arguments of `modscope mod parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Print the typed file as JSON.
    #[arg(long = "json")]
    pub json: bool,
    /// Read a go.mod as a dependency's (lax) instead of the main module's (strict).
    #[arg(long = "lax")]
    pub lax: bool,
    /// The go.mod, go.work or modules.txt file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Runs a `mod` subcommand.
pub fn run(args: ModArgs) -> Result<Outcome, CliError> {
    match args.command {
        ModCommand::Fmt(a) => run_fmt(a),
        ModCommand::Parse(a) => run_parse(a),
        ModCommand::Graph(a) => super::mod_graph::run(a),
        ModCommand::Why(a) => super::mod_why::run(a),
    }
}

fn is_work(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "work")
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::failed(format!("reading {}: {e}", path.display())))
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut w = stderr.lock();
    for d in diags {
        let _ = writeln!(w, "{d}");
    }
}

fn stdout_write(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| CliError::failed(format!("writing output: {e}")))
}

fn run_fmt(a: FmtArgs) -> Result<Outcome, CliError> {
    let data = read(&a.file)?;
    let name = a.file.display().to_string();
    let result = if is_work(&a.file) {
        modfile::format_work(&name, &data)
    } else {
        modfile::format_mod(&name, &data)
    };
    let out = match result {
        Ok(out) => out,
        Err(diags) => {
            print_diagnostics(&diags);
            return Ok(Outcome::Findings);
        }
    };
    if a.write {
        if out != data {
            std::fs::write(&a.file, &out)
                .map_err(|e| CliError::failed(format!("writing {name}: {e}")))?;
        }
        return Ok(Outcome::Ok);
    }
    stdout_write(&out)?;
    Ok(Outcome::Ok)
}

fn run_parse(a: ParseArgs) -> Result<Outcome, CliError> {
    let data = read(&a.file)?;
    let name = a.file.display().to_string();
    if a.file.file_name().is_some_and(|n| n == "modules.txt") {
        return parse_modules_txt(&a, &name, &data);
    }
    let work = is_work(&a.file);
    if work && a.lax {
        return Err(CliError::usage(
            "-lax applies to go.mod files; go.work is always strict",
        ));
    }
    let (json, text) = if work {
        match modfile::parse_work(&name, &data) {
            Ok(f) => (to_json(&f)?, work_text(&name, &f)),
            Err(d) => return report_errors(a.json, &d),
        }
    } else {
        let parsed = if a.lax {
            modfile::parse_lax(&name, &data)
        } else {
            modfile::parse_strict(&name, &data)
        };
        match parsed {
            Ok(f) => (to_json(&f)?, mod_text(&name, &f)),
            Err(d) => return report_errors(a.json, &d),
        }
    };
    if a.json {
        stdout_write(format!("{json}\n").as_bytes())?;
    } else {
        stdout_write(text.as_bytes())?;
    }
    Ok(Outcome::Ok)
}

fn parse_modules_txt(a: &ParseArgs, name: &str, data: &[u8]) -> Result<Outcome, CliError> {
    let (m, warnings) = modfile::vendor::parse(name, data);
    print_diagnostics(&warnings);
    if a.json {
        stdout_write(format!("{}\n", to_json(&m)?).as_bytes())?;
        return Ok(Outcome::Ok);
    }
    let mut out = String::new();
    for vm in &m.modules {
        out.push_str(&format!("{name}:{}: {}", vm.span.start.line, vm.module));
        if let Some(r) = &vm.replacement {
            out.push_str(&format!(" => {} {}", r.path, r.version));
        }
        if vm.explicit {
            out.push_str(" explicit");
        }
        if !vm.go_version.is_empty() {
            out.push_str(&format!(" go {}", vm.go_version));
        }
        out.push_str(&format!(" ({} packages)\n", vm.packages.len()));
    }
    stdout_write(out.trim_end_matches(' ').as_bytes())?;
    Ok(Outcome::Ok)
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(v).map_err(|e| CliError::failed(format!("encoding JSON: {e}")))
}

fn report_errors(json: bool, diags: &[Diagnostic]) -> Result<Outcome, CliError> {
    if json {
        let v = serde_json::json!({ "diagnostics": diags });
        stdout_write(format!("{}\n", to_json(&v)?).as_bytes())?;
    } else {
        print_diagnostics(diags);
    }
    Ok(Outcome::Findings)
}

/// The text `mod parse` prints: one `file:line: directive` line per element.
struct Listing<'a> {
    name: &'a str,
    out: String,
}

impl<'a> Listing<'a> {
    fn new(name: &'a str) -> Self {
        Listing {
            name,
            out: String::new(),
        }
    }

    fn line(&mut self, span: &crate::error::Span, s: &str) {
        self.out
            .push_str(&format!("{}:{}: {s}\n", self.name, span.start.line));
    }

    /// The go, toolchain and godebug lines, which go.mod and go.work share.
    fn settings(
        &mut self,
        go: &Option<modfile::GoVersion>,
        toolchain: &Option<modfile::Toolchain>,
        godebug: &[modfile::Godebug],
    ) {
        if let Some(g) = go {
            self.line(&g.span, &format!("go {}", g.version));
        }
        if let Some(t) = toolchain {
            self.line(&t.span, &format!("toolchain {}", t.name));
        }
        for g in godebug {
            self.line(&g.span, &format!("godebug {}={}", g.key, g.value));
        }
    }

    fn replaces(&mut self, replace: &[modfile::Replace]) {
        for r in replace {
            self.line(&r.span, &format!("replace {}", replace_text(r)));
        }
    }
}

fn mod_text(name: &str, f: &modfile::ModFile) -> String {
    let mut l = Listing::new(name);
    if let Some(m) = &f.module {
        l.line(&m.span, &format!("module {}", m.path));
        if !m.deprecated.is_empty() {
            l.line(
                &m.span,
                &format!("  deprecated: {}", m.deprecated.replace('\n', " ")),
            );
        }
    }
    l.settings(&f.go, &f.toolchain, &f.godebug);
    for r in &f.require {
        let ind = if r.indirect { " // indirect" } else { "" };
        l.line(
            &r.span,
            &format!("require {} {}{ind}", r.module.path, r.module.version),
        );
    }
    for x in &f.exclude {
        l.line(
            &x.span,
            &format!("exclude {} {}", x.module.path, x.module.version),
        );
    }
    l.replaces(&f.replace);
    for r in &f.retract {
        let what = if r.low == r.high {
            r.low.clone()
        } else {
            format!("[{}, {}]", r.low, r.high)
        };
        let why = if r.rationale.is_empty() {
            String::new()
        } else {
            format!(" // {}", r.rationale.replace('\n', " "))
        };
        l.line(&r.span, &format!("retract {what}{why}"));
    }
    for t in &f.tool {
        l.line(&t.span, &format!("tool {}", t.path));
    }
    for i in &f.ignore {
        l.line(&i.span, &format!("ignore {}", i.path));
    }
    l.out
}

fn replace_text(r: &modfile::Replace) -> String {
    let side = |s: &modfile::ReplaceSide| {
        if s.version.is_empty() {
            s.path.clone()
        } else {
            format!("{} {}", s.path, s.version)
        }
    };
    let kind = if r.is_directory() { " (directory)" } else { "" };
    format!("{} => {}{kind}", side(&r.old), side(&r.new))
}

fn work_text(name: &str, f: &modfile::WorkFile) -> String {
    let mut l = Listing::new(name);
    l.settings(&f.go, &f.toolchain, &f.godebug);
    for u in &f.uses {
        l.line(&u.span, &format!("use {}", u.path));
    }
    l.replaces(&f.replace);
    l.out
}
