//! Why a module is in the build: the requirement path that selects its version (the witness
//! `modscope why-version` prints) for one module or for every module of the build list.
//!
//! The witness is the module graph's shortest requirement path (breadth-first from the main
//! modules, requirements in go.mod order) to the selected version, so it is the same path the
//! go command's `mvs` error chains and `modscope why-version` show.

use super::tree::{with_tree_loader, TreeOptions};
use crate::cache::ModfileCache;
use crate::clock::Clock;
use crate::graph::load::{CmdKind, Loader};
use crate::graph::{Mv, VerId};
use crate::source::Fs;
use serde::Serialize;

/// The requirement path that selects a module's version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyVersion {
    /// The module path asked about.
    pub module: String,
    /// Its selected version (empty for a main module or when it is not in the graph).
    pub version: String,
    /// The path, main module first, as `why-version` prints it: `path@version` per step (the
    /// main module as its bare path). Empty when the module is not in the graph.
    pub path: Vec<String>,
    /// Why there is no answer: the go command's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl WhyVersion {
    /// The text `modscope why-version` prints: `# path@version`, then one step per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.error.is_some() {
            return out;
        }
        out.push_str("# ");
        out.push_str(&self.module);
        if !self.version.is_empty() {
            out.push('@');
            out.push_str(&self.version);
        }
        out.push('\n');
        for s in &self.path {
            out.push_str(s);
            out.push('\n');
        }
        out
    }
}

fn witness(l: &Loader<'_>, mg: &crate::graph::load::ModuleGraph, target: Mv) -> Vec<String> {
    mg.graph
        .find_path(|m| m == target)
        .into_iter()
        .map(|m| l.names.display(m))
        .collect()
}

/// The witness for `module` in the tree's graph (read as `opts.go` says).
pub fn why_version<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    module: &str,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> WhyVersion {
    let mut out = WhyVersion {
        module: module.to_string(),
        ..WhyVersion::default()
    };
    let r = with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        let (_, mg, _) = l.load_mod_graph().map_err(|e| e.to_string())?;
        let p = l.names.path(module);
        let v = mg.graph.selected(p);
        if v == VerId::NONE {
            return Err(format!("module {module}: not a known dependency"));
        }
        let target = Mv::new(p, v);
        Ok((l.names.ver_str(v).to_string(), witness(l, &mg, target)))
    });
    match r.and_then(|x| x) {
        Ok((version, path)) => {
            out.version = version;
            out.path = path;
        }
        Err(e) => out.error = Some(e),
    }
    out
}

/// The witness of every module of the build list, in build-list order (one graph load).
pub fn why_all<F: Fs + Send + Sync>(
    fs: &F,
    opts: &TreeOptions,
    clock: &dyn Clock,
    cache: Option<&ModfileCache>,
) -> Result<Vec<WhyVersion>, String> {
    with_tree_loader(fs, opts, CmdKind::ModGraph, clock, cache, |l| {
        let (_, mg, _) = l.load_mod_graph().map_err(|e| e.to_string())?;
        let list = mg.graph.build_list(&l.names);
        Ok(list
            .iter()
            .map(|&m| WhyVersion {
                module: l.names.path_str(m.path).to_string(),
                version: l.names.ver_str(m.ver).to_string(),
                path: witness(l, &mg, m),
                error: None,
            })
            .collect())
    })
    .and_then(|x| x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FrozenClock;
    use crate::source::MemFs;

    fn fs() -> MemFs {
        let mut fs = MemFs::new();
        for f in crate::modfile::txtar::parse(include_bytes!(
            "../../../tests/fixtures/pruning-go116.txtar"
        ))
        .files
        {
            fs.insert(&f.name, f.data);
        }
        fs
    }

    #[test]
    fn the_witness_is_the_shortest_requirement_path() {
        let w = why_version(
            &fs(),
            &TreeOptions::default(),
            "example.com/c",
            &FrozenClock,
            None,
        );
        assert_eq!(w.error, None);
        assert_eq!(w.version, "v1.0.0");
        assert_eq!(
            w.path,
            [
                "example.com/m",
                "example.com/a@v1.0.0",
                "example.com/b@v1.0.0",
                "example.com/c@v1.0.0"
            ]
        );
        assert_eq!(
            w.text(),
            "# example.com/c@v1.0.0\nexample.com/m\nexample.com/a@v1.0.0\nexample.com/b@v1.0.0\nexample.com/c@v1.0.0\n"
        );
    }

    #[test]
    fn an_unknown_module_is_the_go_commands_error() {
        let w = why_version(
            &fs(),
            &TreeOptions::default(),
            "example.com/zz",
            &FrozenClock,
            None,
        );
        assert_eq!(
            w.error.as_deref(),
            Some("module example.com/zz: not a known dependency")
        );
        assert_eq!(w.text(), "");
    }

    #[test]
    fn every_module_of_the_build_list_has_a_witness() {
        let all = why_all(&fs(), &TreeOptions::default(), &FrozenClock, None).unwrap();
        assert_eq!(all[0].path, ["example.com/m"]);
        assert!(all.iter().all(|w| !w.path.is_empty()));
    }
}
