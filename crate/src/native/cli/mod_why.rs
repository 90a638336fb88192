//! `modscope mod why [-m] [--all] ARGS…`: the shortest import chain from the main module's
//! packages to a package (or, with `-m`, to any package of a module), in the go command's format:
//! `# ARG`, then one import path per line, or `(main module does not need package|module ARG)`.
//!
//! The package graph is module-mode `list -deps ./...` (`list_modpkgs`); the search is
//! breadth-first from the main module's packages in sorted order, imports in sorted order, so
//! the first chain found is the go command's.

use super::list::{emit, request, CmdOutput};
use super::list_modpkgs::list_packages_after;
use super::list_pkgs::PkgListArgs;
use super::{CliError, Outcome};
use crate::graph::load::CmdKind;
use crate::native::modload::LoadRequest;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

/// Flags of `modscope mod why`.
#[derive(Debug, Clone, clap::Args)]
pub struct WhyArgs {
    /// The arguments are modules: explain the first package of each.
    #[arg(long = "m")]
    pub m: bool,
    /// With `-m`: every requirement path from the main module to each module's selected
    /// version in the module graph (golang/go#41305), not only one import chain.
    #[arg(long = "all")]
    pub all: bool,
    /// Run as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// `-mod=mod|readonly|vendor`.
    #[arg(long = "mod")]
    pub build_mod: Option<String>,
    /// Use the modfile cache (also `GOEXPERIMENT=modfilecache`); see `modscope cache`.
    #[arg(long = "modfile-cache")]
    pub modfile_cache: bool,
    /// Packages, or modules with `-m`.
    pub args: Vec<String>,
}

/// Runs `mod why` for `req` and returns what it prints; with `all`, every requirement path to
/// each module instead (see [`mod_why_all`]).
pub fn mod_why(req: &LoadRequest, m: bool, all: bool, args: &[String]) -> CmdOutput {
    if all {
        return mod_why_all(req, args);
    }
    let pa = PkgListArgs {
        e: true,
        json: true,
        deps: true,
        patterns: vec!["./...".to_string()],
        ..PkgListArgs::default()
    };
    // With -m the go command lists the modules before loading packages.
    let listed = list_packages_after(req, &pa, if m { args } else { &[] });
    let mut out = CmdOutput {
        stderr: listed
            .stderr
            .lines()
            .filter(|l| l.starts_with("go: ") && !l.contains("warning"))
            .map(|l| format!("{l}\n"))
            .collect(),
        ..CmdOutput::default()
    };
    let pkgs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&listed.stdout)
        .into_iter::<serde_json::Value>()
        .filter_map(Result::ok)
        .collect();
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut imports: HashMap<String, Vec<String>> = HashMap::new();
    let mut module_of: HashMap<String, String> = HashMap::new();
    let mut mains: Vec<String> = Vec::new();
    for p in &pkgs {
        let path = s(&p["ImportPath"]);
        let mut imps: Vec<String> = p["Imports"]
            .as_array()
            .map(|a| a.iter().map(s).collect())
            .unwrap_or_default();
        imps.sort();
        imports.insert(path.clone(), imps);
        if p["Module"]["Main"].as_bool() == Some(true) {
            mains.push(path.clone());
        }
        if !p["Module"].is_null() {
            module_of.insert(path, s(&p["Module"]["Path"]));
        }
    }
    mains.sort();
    // Breadth-first: parent links and the visiting order.
    let mut parent: HashMap<String, Option<String>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    for mp in &mains {
        if parent.insert(mp.clone(), None).is_none() {
            queue.push_back(mp.clone());
        }
    }
    while let Some(p) = queue.pop_front() {
        order.push(p.clone());
        for i in imports.get(&p).cloned().unwrap_or_default() {
            if !parent.contains_key(&i) {
                parent.insert(i.clone(), Some(p.clone()));
                queue.push_back(i);
            }
        }
    }
    let chain = |target: &str| {
        let mut c = vec![target.to_string()];
        let mut cur = target.to_string();
        while let Some(Some(pp)) = parent.get(&cur) {
            c.push(pp.clone());
            cur = pp.clone();
        }
        c.reverse();
        c
    };
    let targets: Vec<String> = args.to_vec();
    for t in &targets {
        out.stdout.push_str(&format!("# {t}\n"));
        let hit = if m {
            order
                .iter()
                .find(|p| module_of.get(*p).map(String::as_str) == Some(t.as_str()))
        } else {
            order.iter().find(|p| *p == t)
        };
        match hit {
            Some(p) => {
                for line in chain(p) {
                    out.stdout.push_str(&line);
                    out.stdout.push('\n');
                }
            }
            None => out.stdout.push_str(&format!(
                "(main module does not need {} {t})\n",
                if m { "module" } else { "package" }
            )),
        }
        out.stdout.push('\n');
    }
    // The go command separates stanzas with blank lines, none after the last.
    if out.stdout.ends_with("\n\n") {
        out.stdout.pop();
    }
    out
}

/// `mod why -m --all MODULE…`: for each module, every simple requirement path in the module
/// graph (as `go mod graph` has it) from the main module to its selected version, one
/// `# module@version` stanza per path, at most [`crate::inspect::why::WHY_PATHS_LIMIT`] each; a
/// module outside the graph gets the go command's `(main module does not need module M)`.
/// Stanzas are separated by blank lines.
pub fn mod_why_all(req: &LoadRequest, modules: &[String]) -> CmdOutput {
    let clock = super::list::InstantClock::new();
    crate::native::modload::with_loader(req, &clock, |l| {
        let mut out = CmdOutput::default();
        let Some(mg) = super::mod_graph::graph_or_exit(l.load_mod_graph(), &mut out) else {
            return out;
        };
        let mut stanzas = Vec::new();
        for m in modules {
            match crate::inspect::why::paths_in(l, &mg.graph, m) {
                Ok(p) if !p.paths.is_empty() => stanzas.push(p.text()),
                _ => stanzas.push(format!("# {m}\n(main module does not need module {m})\n")),
            }
        }
        out.stdout = stanzas.join("\n");
        out
    })
    .unwrap_or_else(|msg| CmdOutput {
        stderr: crate::native::cache_store::go_error_text(&msg),
        exit: 1,
        ..CmdOutput::default()
    })
}

/// Runs `modscope mod why`.
pub fn run(args: WhyArgs) -> Result<Outcome, CliError> {
    if args.all && !args.m {
        return Err(CliError::usage(
            "mod why --all lists requirement paths between modules: use it with -m",
        ));
    }
    let mut req = request(args.dir.as_ref(), args.build_mod.clone(), CmdKind::ModWhy)?;
    crate::native::cache_store::apply_flag(&mut req.env, args.modfile_cache);
    emit(mod_why(&req, args.m, args.all, &args.args))
}
