//! The modfile cache never changes an answer, only its cost.
//!
//! * Generated universes (`shared/oracle/gen_universe.py`, 30 of varied knobs, never committed):
//!   `list -m all`, `list -m -json all` and `mod graph` give byte-identical stdout, stderr and exit
//!   codes with the cache off, cold and warm; and a warm run of a clean universe opens no
//!   dependency `.mod` file (every one comes from the snapshot).
//! * A randomized check over in-memory universes (proptest): the loader's build list, graph edges
//!   and error with no cache, a cold memory cache, the same cache warm, and a fresh cache filled
//!   only from the first run's snapshot (encoded and decoded) are identical, and the last run
//!   reads no dependency go.mod.

mod common;

use modscope::cache::{ModfileCache, Snapshot};
use modscope::clock::FrozenClock;
use modscope::graph::load::{CmdKind, Env, Loader, MainModule, ModFileCache, Options, Require};
use modscope::native::cache_store::parse_dep;
use modscope::native::cli::list::{list_modules, CmdOutput};
use modscope::native::cli::mod_graph::mod_graph;
use modscope::native::env::GoEnv;
use modscope::native::modload::LoadRequest;
use modscope::report::trace::EventKind;
use modscope::source::{MemFs, ProxyDir};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn gen(dir: &Path, args: &[String]) {
    let script = common::shared_dir().join("oracle/gen_universe.py");
    let o = Command::new("python3")
        .arg(script)
        .arg("--out")
        .arg(dir)
        .arg("--force")
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "gen_universe.py {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Moves the modification time of every file under `dir` 10 s into the past.
fn age(dir: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            age(&p);
        } else if let Ok(f) = std::fs::File::options().write(true).open(&p) {
            f.set_modified(past).expect("set_modified");
        }
    }
}

fn universe_args(i: usize) -> (Vec<String>, bool) {
    let pick = |xs: &[&str], k: usize| xs[(i * 7 + k * 3) % xs.len()].to_string();
    let mut a: Vec<String> = vec![
        "--seed".into(),
        (9000 + i).to_string(),
        "--modules".into(),
        pick(&["12", "20", "30", "45", "60", "80"], 0),
        "--no-zips".into(),
        "--p-go117".into(),
        pick(&["0", "0.5", "0.9", "1"], 1),
        "--p-cycle".into(),
        pick(&["0", "0.1"], 2),
        "--excludes".into(),
        pick(&["0", "2"], 3),
        "--replaces".into(),
        pick(&["0", "2"], 4),
        "--local-replaces".into(),
        pick(&["0", "1", "2"], 5),
        "--gosum".into(),
        pick(&["none", "full", "partial"], 6),
    ];
    let inject = [
        "missing-version",
        "dep-missing-version",
        "bad-gomod-syntax",
        "path-mismatch",
        "replace-no-gomod",
        "missing-info",
    ];
    if i % 4 == 1 {
        a.push("--inject".into());
        a.push(inject[(i / 4) % inject.len()].into());
    }
    let ws = i % 6 == 5;
    if ws {
        a.push("--workspace".into());
        a.push("2".into());
    }
    (a, ws)
}

fn request(u: &Path, ws: bool, cache: Option<&Path>, command: CmdKind) -> LoadRequest {
    let mut vars: HashMap<&str, String> = [
        ("GOPROXY", format!("file://{}", u.join("proxy").display())),
        (
            "GOMODCACHE",
            u.join("modcache-unused").display().to_string(),
        ),
        ("GOPATH", u.join("gopath").display().to_string()),
        (
            "GOFLAGS",
            if ws {
                "-modcacherw"
            } else {
                "-mod=mod -modcacherw"
            }
            .to_string(),
        ),
        (
            "GOWORK",
            if ws {
                u.join("ws/go.work").display().to_string()
            } else {
                "off".to_string()
            },
        ),
    ]
    .into_iter()
    .collect();
    if let Some(c) = cache {
        vars.insert("GOEXPERIMENT", "modfilecache".into());
        vars.insert("MODSCOPE_CACHE", c.display().to_string());
    }
    LoadRequest {
        dir: u.join(if ws { "ws" } else { "main" }),
        env: GoEnv::from_lookup(|k| vars.get(k).cloned()),
        build_mod_flag: None,
        command,
        go_override: None,
    }
}

fn outputs(u: &Path, ws: bool, cache: Option<&Path>) -> Vec<(&'static str, CmdOutput)> {
    let all = ["all".to_string()];
    vec![
        (
            "list -m all",
            list_modules(
                &request(u, ws, cache, CmdKind::List),
                &all,
                false,
                false,
                false,
            ),
        ),
        (
            "list -m -json all",
            list_modules(
                &request(u, ws, cache, CmdKind::List),
                &all,
                true,
                false,
                false,
            ),
        ),
        (
            "list -m -json -e all",
            list_modules(
                &request(u, ws, cache, CmdKind::List),
                &all,
                true,
                true,
                false,
            ),
        ),
        (
            "mod graph",
            mod_graph(&request(u, ws, cache, CmdKind::ModGraph), "text", false),
        ),
    ]
}

#[test]
fn graph_commands_are_identical_with_cache_off_cold_and_warm() {
    let root = std::env::temp_dir().join(format!("modscope-cache-inv-{}", std::process::id()));
    let mut failures = Vec::new();
    let mut warm_checked = 0;
    for i in 0..30 {
        let (args, ws) = universe_args(i);
        let u = root.join(format!("u{i}"));
        gen(&u, &args);
        // Files changed within 2 s of a run get no stamp key and nothing built from them is
        // memoized: date the whole universe back (directory replacements, workspace modules,
        // the main module) so the snapshot and memo checks below never depend on how fast the
        // runs follow the generator.
        age(&u);
        let cache = u.join("cache");
        let off = outputs(&u, ws, None);
        let cold = outputs(&u, ws, Some(&cache));
        let warm = outputs(&u, ws, Some(&cache));
        for (mode, got) in [("cold", &cold), ("warm", &warm)] {
            for ((cmd, want), (_, have)) in off.iter().zip(got.iter()) {
                if want != have {
                    failures.push(format!(
                        "universe {i} ({}): {cmd}: cache {mode} differs from cache off\n--- off (exit {}):\n{}{}\n--- {mode} (exit {}):\n{}{}",
                        args.join(" "),
                        want.exit,
                        want.stdout,
                        want.stderr,
                        have.exit,
                        have.stdout,
                        have.stderr
                    ));
                }
            }
        }
        // A clean universe's warm run answers `list -m all` from the memo, and a warm run that
        // cannot use a memo (`-json` shows directories) reads no dependency .mod file.
        if off[0].1.exit == 0 && !args.iter().any(|a| a == "--inject") {
            let memo = list_modules(
                &request(&u, ws, Some(&cache), CmdKind::List),
                &["all".to_string()],
                false,
                false,
                true,
            );
            if memo.stdout != off[0].1.stdout
                || !memo
                    .stderr
                    .contains("# modfile cache: build list from snapshot memo")
            {
                failures.push(format!(
                    "universe {i}: warm list -m -x all did not use the memo:\n{}",
                    memo.stderr
                ));
            }
            let x = list_modules(
                &request(&u, ws, Some(&cache), CmdKind::List),
                &["all".to_string()],
                true,
                false,
                true,
            );
            let mod_reads: Vec<&str> = x
                .stderr
                .lines()
                .filter(|l| l.starts_with("# read: ") && l.ends_with(".mod)"))
                .collect();
            let hits = x
                .stderr
                .lines()
                .filter(|l| l.starts_with("# using modfile cache: ") && l.contains(", snapshot)"))
                .count();
            if !mod_reads.is_empty() || hits == 0 {
                failures.push(format!(
                    "universe {i}: warm run read {} .mod files, {hits} snapshot hits:\n{}",
                    mod_reads.len(),
                    mod_reads.join("\n")
                ));
            }
            warm_checked += 1;
        }
        let _ = std::fs::remove_dir_all(&u);
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(warm_checked >= 10, "only {warm_checked} clean universes");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A random universe: module `m{i}` has versions `v1.0.{j}`; each version requires modules with
/// higher indices (and sometimes lower: cycles), some at versions that do not exist.
/// One version's go.mod: its go line and requirements as (module index, version index).
type Version = (Option<&'static str>, Vec<(usize, usize)>);

#[derive(Debug, Clone)]
struct Universe {
    /// Per module, per version: (go line, requirements as (module index, version index)).
    mods: Vec<Vec<Version>>,
    main_reqs: Vec<(usize, usize)>,
    main_go: Option<&'static str>,
}

fn universe() -> impl Strategy<Value = Universe> {
    let go = prop_oneof![
        Just(None),
        Just(Some("1.16")),
        Just(Some("1.17")),
        Just(Some("1.19"))
    ];
    let version = (
        go.clone(),
        prop::collection::vec((0usize..8, 0usize..4), 0..4),
    );
    (
        prop::collection::vec(prop::collection::vec(version, 1..4), 2..8),
        prop::collection::vec((0usize..8, 0usize..4), 1..4),
        go,
    )
        .prop_map(|(mods, main_reqs, main_go)| Universe {
            mods,
            main_reqs,
            main_go,
        })
}

fn mod_text(u: &Universe, i: usize, j: usize) -> String {
    let (go, reqs) = &u.mods[i][j];
    let mut s = format!("module example.com/m{i}\n");
    if let Some(g) = go {
        s.push_str(&format!("go {g}\n"));
    }
    for (m, v) in reqs {
        s.push_str(&format!(
            "require example.com/m{} v1.0.{v}\n",
            m % u.mods.len()
        ));
    }
    s
}

fn run_loader(u: &Universe, fs: &MemFs, cache: Option<&dyn ModFileCache>) -> (String, usize) {
    let proxy = ProxyDir::file_proxy(fs, "/proxy");
    let env = Env {
        modules: &proxy,
        fs,
        parse: &parse_dep,
        clock: &FrozenClock,
        cache,
    };
    let main = MainModule {
        path: "example.com/main".into(),
        dir: "/main".into(),
        go: u.main_go.map(str::to_string),
        requires: u
            .main_reqs
            .iter()
            .map(|(m, v)| Require {
                path: format!("example.com/m{}", m % u.mods.len()),
                version: format!("v1.0.{v}"),
                indirect: false,
            })
            .collect(),
        ..MainModule::default()
    };
    let opts = Options {
        command: CmdKind::ModGraph,
        ..Options::default()
    };
    let mut l = match Loader::new(env, opts, vec![main], None) {
        Ok(l) => l,
        Err(e) => return (format!("new: {e}"), 0),
    };
    let out = match l.load_mod_graph() {
        Err(e) => format!("error: {e}"),
        Ok((_, mg, err)) => {
            let mut s = String::new();
            for m in mg.graph.build_list(&l.names) {
                s.push_str(&l.names.display(m));
                s.push_str(" ->");
                for r in mg.graph.required_by(m).unwrap_or(&[]) {
                    s.push(' ');
                    s.push_str(&l.names.display(*r));
                }
                s.push('\n');
            }
            if let Some(e) = err {
                s.push_str(&format!("error: {e}\n"));
            }
            s
        }
    };
    let reads = l
        .trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Read)
        .count();
    (out, reads)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn loader_answers_do_not_depend_on_the_cache(u in universe()) {
        let mut fs = MemFs::new();
        for (i, vs) in u.mods.iter().enumerate() {
            for j in 0..vs.len() {
                fs.insert(
                    &format!("/proxy/example.com/m{i}/@v/v1.0.{j}.mod"),
                    mod_text(&u, i, j).into_bytes(),
                );
            }
        }
        let (off, _) = run_loader(&u, &fs, None);
        let cache = ModfileCache::new(1 << 20);
        let (cold, _) = run_loader(&u, &fs, Some(&cache));
        prop_assert_eq!(&off, &cold);
        let (warm, warm_reads) = run_loader(&u, &fs, Some(&cache));
        prop_assert_eq!(&off, &warm);
        prop_assert_eq!(warm_reads, 0, "a warm memory cache reads nothing");
        let snap = Snapshot::decode(&cache.run_snapshot(Snapshot::main_key(&[b"k"])).encode())
            .expect("snapshot round-trips");
        let fresh = ModfileCache::new(1 << 20);
        fresh.install(snap);
        let (from_snapshot, snap_reads) = run_loader(&u, &fs, Some(&fresh));
        prop_assert_eq!(&off, &from_snapshot);
        prop_assert_eq!(snap_reads, 0, "a run from the snapshot reads nothing");
    }
}
