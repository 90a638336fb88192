//! `modscope mod graph [-go=VERSION] [--format text|dot|json]`: the requirement graph as
//! `go mod graph` prints it, and `modscope why-version MODULE`: the shortest requirement path that
//! brings in the selected version of a module.

use super::list::{emit, request, with_go_messages, CmdOutput, InstantClock};
use super::{CliError, Outcome};
use crate::graph::list::graph_edges;
use crate::graph::load::{CmdKind, GraphError, Loader, ModuleGraph, Requirements};
use crate::graph::resolve::GraphEdge;
use crate::graph::{Graph, Mv, VerId};
use crate::native::modload::{with_loader, LoadRequest};
use std::path::PathBuf;

/// Flags of `modscope mod graph`.
#[derive(Debug, Clone, clap::Args)]
pub struct GraphArgs {
    /// Read the graph as this Go version would (`-go=1.16` shows the unpruned graph).
    #[arg(long = "go")]
    pub go: Option<String>,
    /// Output format: `text` (as `go mod graph`), `dot` (Graphviz) or `json`.
    #[arg(long = "format", default_value = "text")]
    pub format: String,
    /// Print each file read on stderr.
    #[arg(long = "x")]
    pub x: bool,
    /// Use the modfile cache (also `GOEXPERIMENT=modfilecache`); see `modscope cache`.
    #[arg(long = "modfile-cache")]
    pub modfile_cache: bool,
    /// Run as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// `-mod=mod|readonly`.
    #[arg(long = "mod")]
    pub build_mod: Option<String>,
}

fn node(l: &crate::graph::Names, m: Mv) -> String {
    l.display(m)
}

/// Runs `mod graph` and returns what it prints, in `format` (`text`, `dot`, `json`).
pub fn mod_graph(req: &LoadRequest, format: &str, x: bool) -> CmdOutput {
    let clock = InstantClock::new();
    let args = [format!("-format={format}")];
    crate::native::cache_memo::memoized(req, "mod graph", &args, true, x, || {
        with_loader(req, &clock, |l| {
            let out = graph_with(l, format, x);
            with_go_messages(l, out)
        })
        .unwrap_or_else(|msg| CmdOutput {
            stderr: crate::native::cache_store::go_error_text(&msg),
            exit: 1,
            ..CmdOutput::default()
        })
    })
}

/// The module graph of a finished load, or `None` after writing the go command's `go: E` line
/// to `out` and setting exit status 1 when the load failed or left an error.
pub(super) fn graph_or_exit(
    loaded: Result<(Requirements, ModuleGraph, Option<GraphError>), GraphError>,
    out: &mut CmdOutput,
) -> Option<ModuleGraph> {
    let e = match loaded {
        Ok((_, mg, None)) => return Some(mg),
        Ok((_, _, Some(e))) | Err(e) => e,
    };
    out.stderr.push_str(&format!("go: {e}\n"));
    out.exit = 1;
    None
}

fn graph_with(l: &mut crate::graph::load::Loader<'_>, format: &str, x: bool) -> CmdOutput {
    {
        let mut out = CmdOutput::default();
        let loaded = l.load_mod_graph();
        if x {
            for ev in &l.trace.events {
                out.stderr.push_str(&ev.x_line());
                out.stderr.push('\n');
            }
            for d in &l.diagnostics {
                if d.code == crate::graph::load::GOMOD_REWRITE {
                    out.stderr
                        .push_str(&format!("# go.mod rewrite (not written): {}\n", d.message));
                }
            }
        }
        let Some(mg) = graph_or_exit(loaded, &mut out) else {
            return out;
        };
        let edges = graph_edges(l, &mg);
        match format {
            "dot" => {
                out.stdout.push_str("digraph modules {\n");
                for (a, b) in &edges {
                    let sel = mg.graph.selected(b.path) == b.ver;
                    out.stdout.push_str(&format!(
                        "\t\"{}\" -> \"{}\"{};\n",
                        node(&l.names, *a),
                        node(&l.names, *b),
                        if sel { "" } else { " [style=dashed]" }
                    ));
                }
                out.stdout.push_str("}\n");
            }
            "json" => {
                let list: Vec<GraphEdge> = edges
                    .iter()
                    .map(|(a, b)| GraphEdge {
                        from: node(&l.names, *a),
                        to: node(&l.names, *b),
                        selected: mg.graph.selected(b.path) == b.ver,
                    })
                    .collect();
                let v = serde_json::json!({ "edges": list });
                out.stdout
                    .push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
                out.stdout.push('\n');
            }
            _ => {
                for (a, b) in &edges {
                    out.stdout.push_str(&node(&l.names, *a));
                    out.stdout.push(' ');
                    out.stdout.push_str(&node(&l.names, *b));
                    out.stdout.push('\n');
                }
            }
        }
        out
    }
}

/// Runs `modscope mod graph`.
pub fn run(args: GraphArgs) -> Result<Outcome, CliError> {
    if !matches!(args.format.as_str(), "text" | "dot" | "json") {
        return Err(CliError::usage(format!(
            "mod graph: unknown --format {:?} (want text, dot or json)",
            args.format
        )));
    }
    let mut req = request(args.dir.as_ref(), args.build_mod.clone(), CmdKind::ModGraph)?;
    crate::native::cache_store::apply_flag(&mut req.env, args.modfile_cache);
    req.go_override = args.go.clone();
    emit(mod_graph(&req, &args.format, args.x))
}

/// Flags of `modscope why-version`.
#[derive(Debug, Clone, clap::Args)]
pub struct WhyVersionArgs {
    /// The module path (its selected version is explained).
    pub module: String,
    /// Run as if started in this directory.
    #[arg(long = "C")]
    pub dir: Option<PathBuf>,
    /// `-mod=mod|readonly`.
    #[arg(long = "mod")]
    pub build_mod: Option<String>,
    /// Use the modfile cache (also `GOEXPERIMENT=modfilecache`); see `modscope cache`.
    #[arg(long = "modfile-cache")]
    pub modfile_cache: bool,
    /// Print the modfile cache's decision (`# modfile cache: …`) on stderr.
    #[arg(long = "x")]
    pub x: bool,
    /// Print every requirement path to the selected version (a `# path@version` stanza each),
    /// not only the shortest.
    #[arg(long = "all")]
    pub all: bool,
}

/// Every requirement path from the main modules to the selected version of `module`, one
/// stanza per path (see [`crate::inspect::why::WhyPaths::text`]).
pub fn why_version_all(req: &LoadRequest, module: &str) -> CmdOutput {
    let clock = InstantClock::new();
    with_mod_graph(
        req,
        &clock,
        |l, graph, out| match crate::inspect::why::paths_in(l, graph, module) {
            Ok(p) => out.stdout = p.text(),
            Err(e) => {
                out.stderr.push_str(&format!("go: {e}\n"));
                out.exit = 1;
            }
        },
    )
}

/// Loads the module graph and runs `f` on it with the output so far: the graph's non-fatal error
/// already on stderr. A graph that does not load, or a loader that cannot start, is the command's
/// error in the go command's form.
fn with_mod_graph(
    req: &LoadRequest,
    clock: &InstantClock,
    f: impl FnOnce(&mut Loader<'_>, &Graph, &mut CmdOutput),
) -> CmdOutput {
    with_loader(req, clock, |l| {
        let (_, mg, err) = match l.load_mod_graph() {
            Ok(t) => t,
            Err(e) => {
                return CmdOutput {
                    stderr: format!("go: {e}\n"),
                    exit: 1,
                    ..CmdOutput::default()
                }
            }
        };
        let mut out = CmdOutput::default();
        if let Some(e) = err {
            out.stderr.push_str(&format!("go: {e}\n"));
        }
        f(l, &mg.graph, &mut out);
        out
    })
    .unwrap_or_else(|msg| CmdOutput {
        stderr: crate::native::cache_store::go_error_text(&msg),
        exit: 1,
        ..CmdOutput::default()
    })
}

/// The shortest requirement path from the main module to the selected version of `module`, one
/// `path@version` per line (the main module as its bare path).
pub fn why_version(req: &LoadRequest, module: &str) -> CmdOutput {
    why_version_x(req, module, false)
}

/// [`why_version`], printing the modfile cache's decision on stderr when `x` is set.
pub fn why_version_x(req: &LoadRequest, module: &str, x: bool) -> CmdOutput {
    let clock = InstantClock::new();
    let args = [module.to_string()];
    crate::native::cache_memo::memoized(req, "why-version", &args, true, x, || {
        why_version_load(req, module, &clock)
    })
}

fn why_version_load(req: &LoadRequest, module: &str, clock: &InstantClock) -> CmdOutput {
    with_mod_graph(req, clock, |l, graph, out| {
        let p = l.names.path(module);
        let v = graph.selected(p);
        if v == VerId::NONE {
            out.stderr
                .push_str(&format!("go: module {module}: not a known dependency\n"));
            out.exit = 1;
            return;
        }
        let target = Mv::new(p, v);
        let path = graph.find_path(|m| m == target);
        out.stdout
            .push_str(&format!("# {}\n", l.names.display(target)));
        for m in path {
            out.stdout.push_str(&l.names.display(m));
            out.stdout.push('\n');
        }
    })
}

/// Runs `modscope why-version`.
pub fn run_why_version(args: WhyVersionArgs) -> Result<Outcome, CliError> {
    let mut req = request(args.dir.as_ref(), args.build_mod.clone(), CmdKind::ModGraph)?;
    crate::native::cache_store::apply_flag(&mut req.env, args.modfile_cache);
    if args.all {
        return emit(why_version_all(&req, &args.module));
    }
    emit(why_version_x(&req, &args.module, args.x))
}
