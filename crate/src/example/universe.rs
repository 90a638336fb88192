//! A deterministic generated module universe: a main module at the tree's root, `N` modules with
//! one to three versions each in a GOPROXY-layout `proxy/` directory, and a small GOPATH tree for
//! lookup timing — the same files for the same parameters on every platform.
//!
//! Shape: module `i` requires up to three modules of higher index (so the graph is acyclic and
//! deep), at any of their versions, so MVS has real choices to make; a quarter of the modules
//! say `go 1.16` (their requirements are followed transitively even in a pruned graph), the
//! rest `go 1.17`. The main module says `go 1.17` and requires the first tenth of the modules
//! and a few others, so `mod graph -go=1.16` (unpruned) reaches more than the pruned graph.
//! Some modules have a retracted version; the main module has an exclude and a replace.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Parameters of a universe.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UniverseParams {
    /// Number of dependency modules.
    pub modules: usize,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for UniverseParams {
    fn default() -> Self {
        UniverseParams {
            modules: 3000,
            seed: 1,
        }
    }
}

/// Largest universe the generator makes (the browser holds it in memory).
pub const MAX_MODULES: usize = 50_000;

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const WORDS: &[&str] = &[
    "alpha", "bravo", "cargo", "delta", "ember", "falcon", "gadget", "harbor", "ion", "jester",
    "kettle", "lumen", "mango", "nectar", "orbit", "pixel", "quartz", "raven", "sierra", "tango",
];

/// Module `i`'s path.
pub fn module_path(i: usize) -> String {
    format!("example.com/{}/m{i:05}", WORDS[i % WORDS.len()])
}

fn version(k: usize) -> String {
    format!("v1.{k}.0")
}

/// The files of the universe, as (path, bytes) in a deterministic order: `go.mod` at the root,
/// `proxy/...` for every module version (`.mod`, `.info`, `list`), `gopath/src/...` packages.
/// An error for a size beyond [`MAX_MODULES`].
pub fn generate(p: UniverseParams) -> Result<Vec<(String, Vec<u8>)>, String> {
    if p.modules == 0 || p.modules > MAX_MODULES {
        return Err(format!(
            "a universe has 1 to {MAX_MODULES} modules, not {}",
            p.modules
        ));
    }
    let n = p.modules;
    let mut rng = Rng(p.seed ^ 0x6d6f_6473_636f_7065);
    let versions: Vec<usize> = (0..n).map(|_| 1 + rng.below(3)).collect();
    let mut files = Vec::with_capacity(n * 7 + 2);
    let mut main = String::from("module example.com/main\n\ngo 1.17\n\nrequire (\n");
    let roots = (n / 10).max(1);
    let mut required: Vec<usize> = (0..roots).collect();
    for _ in 0..(n / 100) {
        required.push(roots + rng.below(n - roots.min(n)));
    }
    required.sort_unstable();
    required.dedup();
    for &i in &required {
        let _ = writeln!(main, "\t{} {}", module_path(i), version(versions[i] - 1));
    }
    main.push_str(")\n");
    if n > 4 {
        // An exclude of a version some module requires, and a replacement of one version.
        let _ = writeln!(main, "\nexclude {} v1.0.0", module_path(n / 2));
        let _ = writeln!(
            main,
            "\nreplace {} v1.0.0 => {} {}",
            module_path(n - 1),
            module_path(n - 1),
            version(versions[n - 1] - 1)
        );
    }
    files.push(("go.mod".to_string(), main.into_bytes()));
    for i in 0..n {
        let path = module_path(i);
        let go = if rng.below(4) == 0 { "1.16" } else { "1.17" };
        let mut list = String::new();
        for k in 0..versions[i] {
            let v = version(k);
            let mut gomod = format!("module {path}\n\ngo {go}\n");
            let deps: Vec<usize> = (0..rng.below(4))
                .filter_map(|_| {
                    let span = (n - i - 1).min(200);
                    (span > 0).then(|| i + 1 + rng.below(span))
                })
                .collect();
            if !deps.is_empty() {
                gomod.push_str("\nrequire (\n");
                let mut seen = Vec::new();
                for d in deps {
                    if seen.contains(&d) {
                        continue;
                    }
                    seen.push(d);
                    let _ = writeln!(
                        gomod,
                        "\t{} {}",
                        module_path(d),
                        version(rng.below(versions[d]))
                    );
                }
                gomod.push_str(")\n");
            }
            if k + 1 == versions[i] && k > 0 && i % 7 == 3 {
                let _ = writeln!(
                    gomod,
                    "\n// published with a broken build\nretract {}",
                    version(0)
                );
            }
            let base = format!("proxy/{path}/@v/{v}");
            files.push((format!("{base}.mod"), gomod.into_bytes()));
            files.push((
                format!("{base}.info"),
                format!(
                    "{{\"Version\":\"{v}\",\"Time\":\"2023-{:02}-{:02}T12:00:00Z\"}}\n",
                    1 + (i + k) % 12,
                    1 + (i * 7 + k) % 28
                )
                .into_bytes(),
            ));
            list.push_str(&v);
            list.push('\n');
        }
        files.push((format!("proxy/{path}/@v/list"), list.into_bytes()));
    }
    for i in 0..n.min(1000) {
        let path = module_path(i);
        files.push((
            format!("gopath/src/{path}/p.go"),
            format!("package m{i:05}\n").into_bytes(),
        ));
    }
    Ok(files)
}

/// The import paths a lookup benchmark asks for in the universe's GOPATH tree: every package
/// there and, for each tenth, a path that is not.
pub fn gopath_imports(p: UniverseParams) -> Vec<String> {
    let n = p.modules.min(1000);
    let mut out: Vec<String> = (0..n).map(module_path).collect();
    for i in (0..n).step_by(10) {
        out.push(format!("{}/missing", module_path(i)));
    }
    out
}

/// The universe as a txtar archive (the playground's multi-file format).
pub fn txtar(p: UniverseParams) -> Result<String, String> {
    let files = generate(p)?;
    let mut out = format!(
        "A generated module universe: {} modules, seed {}.\n",
        p.modules, p.seed
    );
    for (name, data) in files {
        let _ = writeln!(out, "-- {name} --");
        out.push_str(&String::from_utf8_lossy(&data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FrozenClock;
    use crate::graph::resolve::{resolve, ResolveOptions};
    use crate::source::MemFs;

    fn fs(p: UniverseParams) -> MemFs {
        let mut fs = MemFs::new();
        for (name, data) in generate(p).unwrap() {
            fs.insert(&name, data);
        }
        fs
    }

    #[test]
    fn the_same_parameters_make_the_same_files() {
        let p = UniverseParams {
            modules: 200,
            seed: 7,
        };
        assert_eq!(generate(p).unwrap(), generate(p).unwrap());
        let q = UniverseParams {
            modules: 200,
            seed: 8,
        };
        assert_ne!(generate(p).unwrap(), generate(q).unwrap());
    }

    #[test]
    fn a_universe_resolves_and_its_txtar_round_trips() {
        let p = UniverseParams {
            modules: 300,
            seed: 1,
        };
        let opts = ResolveOptions {
            build_mod: Some("mod".into()),
            ..ResolveOptions::default()
        };
        let r = resolve(fs(p), &opts, &FrozenClock);
        assert_eq!(r.stderr, "", "{:?}", r.diagnostics);
        assert!(r.lines.len() > 100, "{}", r.lines.len());
        let archive = crate::modfile::txtar::parse(txtar(p).unwrap().as_bytes());
        assert_eq!(archive.files.len(), generate(p).unwrap().len());
    }

    #[test]
    fn sizes_out_of_range_are_refused() {
        assert!(generate(UniverseParams {
            modules: 0,
            seed: 1
        })
        .is_err());
        assert!(generate(UniverseParams {
            modules: MAX_MODULES + 1,
            seed: 1
        })
        .is_err());
    }
}
