//! Differential test against the go command (Go 1.19): random module universes from
//! `shared/oracle/gen_universe.py`, the go command's answers from `oracle.py`, and modscope's
//! answers for the same input: `list -m all`, `list -m -json [-e] all`, `mod graph`,
//! `mod graph -go=1.16` and `-go=1.17` (run here on a copy of the main module, as the oracle
//! runs its steps) and the error text must be identical; and the `require` lines `list -m -x`
//! says `-mod=mod` would rewrite must be the ones the go command rewrote.
//!
//! `MODSCOPE_ORACLE_UNIVERSES` sets how many universes (default 200 under CI, where `CI` is set;
//! 20 on a developer machine, where everyone's `cargo test` runs it), `MODSCOPE_ORACLE_JOBS`
//! (default 2) how many run at once, `MODSCOPE_ORACLE_SEED` (default 1) the first seed. Skipped when
//! the go command is not installed (outside CI).

mod common;

use common::oracle::{self, json_stream, norm, Universe};
use modscope::graph::load::CmdKind;
use modscope::native::cli::list::{list_modules, CmdOutput};
use modscope::native::cli::mod_graph::mod_graph;
use modscope::native::modload::LoadRequest;
use serde_json::Value;
use std::path::Path;

/// Differences that are the go command's (1.19) own and not modscope's to reproduce, with the
/// SPEC section or go command source that documents them. The first is still checked: the go
/// command must show it (otherwise the outputs are compared as usual); the second is kept out
/// of the generated universes.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "mod graph -go=1.16 in workspace mode",
        "SPEC D [go1.19 modload/buildlist.go newRequirements]: Go 1.19 panics (\"in workspace \
         mode, but pruning is not workspace\"); modscope prints the workspace graph",
    ),
    (
        "go.sum with several corrupt lines (gen_universe --gosum corrupt): not generated here",
        "SPEC G [go1.19 modfetch/fetch.go checkModSum, base.Fatalf]: the go command exits at \
         the first checksum mismatch one of its concurrent go.mod loads hits, so with several \
         corrupt lines the module it names varies from run to run (seed 1 universe 78: `mod graph` \
         named example.org/hooli/Willow@v0.4.1 in the oracle's run and \
         github.com/gringotts/thistle/v4@v4.2.1 in four reruns); modscope names the first in \
         graph order",
    ),
];

/// The go command's panic for `mod graph -go=1.16` in workspace mode (the first known difference).
const WORKSPACE_GO116_PANIC: &str =
    "panic: in workspace mode, but pruning is not workspace in newRequirements";

const INJECT: &[&str] = &[
    "missing-version",
    "missing-module",
    "dep-missing-version",
    "replace-no-gomod",
    "replace-missing-dir",
    "path-mismatch",
    "bad-gomod-syntax",
    "missing-info",
    "missing-zip",
    "import-cycle",
    "ambiguous-import",
    "noncanonical-version",
    "self-require",
    "dup-require",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() as usize) % xs.len()]
    }
}

/// The generator arguments for universe `i`: sizes 10–500, pruning mixes, cycles, uppercase
/// paths, +incompatible, pseudo-versions, excludes, replaces, workspaces, every injected error
/// (some universes two at once), /vN, nested and gopkg.in paths, pre-releases, indirect
/// requirements, wider and longer-range requirement lists, dependencies with go versions newer
/// than Go 1.19, and a full, partial or corrupt go.sum.
fn universe_args(i: usize, seed: u64) -> (Vec<String>, bool) {
    let mut r = Rng(seed.wrapping_mul(1000003).wrapping_add(i as u64));
    r.next();
    let size = if i % 40 == 39 {
        500
    } else {
        *r.pick(&[10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 120, 200])
    };
    let mut a: Vec<String> = vec![
        "--seed".into(),
        (seed * 100000 + i as u64).to_string(),
        "--modules".into(),
        size.to_string(),
        "--no-zips".into(),
        "--p-go117".into(),
        r.pick(&["0", "0.3", "0.6", "0.9", "1"]).to_string(),
        "--p-cycle".into(),
        r.pick(&["0", "0.05", "0.15"]).to_string(),
        "--p-upper".into(),
        r.pick(&["0.1", "0.3"]).to_string(),
        "--p-incompatible".into(),
        r.pick(&["0.1", "0.3"]).to_string(),
        "--p-pseudo".into(),
        r.pick(&["0.1", "0.3"]).to_string(),
        "--excludes".into(),
        r.pick(&["0", "1", "3"]).to_string(),
        "--replaces".into(),
        r.pick(&["0", "1", "3"]).to_string(),
        "--local-replaces".into(),
        r.pick(&["0", "1", "2"]).to_string(),
        "--p-nogo".into(),
        r.pick(&["0", "0.1"]).to_string(),
    ];
    let main_go = *r.pick(&["random", "random", "random", "", "1.16", "1.17", "1.19"]);
    a.push(format!("--main-go={main_go}"));
    // The generator's other knobs, drawn after the ones above so that those stay as they were.
    for (flag, values) in [
        ("--p-major", &["0.1", "0.3"][..]),
        ("--p-nested", &["0.05", "0.2"]),
        ("--p-gopkgin", &["0.02", "0.1"]),
        ("--p-prerelease", &["0.05", "0.2"]),
        ("--p-indirect", &["0.2", "0.5"]),
        ("--max-deps", &["4", "4", "8"]),
        ("--locality", &["0.05", "0.05", "0.3"]),
    ] {
        a.push(flag.into());
        a.push(r.pick(values).to_string());
    }
    // Dependencies declaring go versions newer than Go 1.19 knows (1.20, 1.21.0).
    if i % 6 == 5 {
        a.push("--extra-go=1.20,1.21.0".into());
    }
    // go.sum present (the go command checks it even under -mod=mod). Not `corrupt`: with
    // several corrupt lines, which mismatch the go command reports first depends on the order
    // its concurrent loads finish (see KNOWN_DIFFERENCES); gosum.rs covers checksum errors.
    // Workspaces too: there (readonly) a module without a go.sum line has no GoMod.
    if i % 8 == 6 {
        a.push(format!("--gosum={}", r.pick(&["full", "partial"])));
    }
    if i % 5 == 2 {
        a.push("--exclude-imported".into());
    }
    if i % 3 == 1 {
        a.push("--inject".into());
        a.push(INJECT[(i / 3) % INJECT.len()].to_string());
        // Every ninth injected universe gets a second error of another kind.
        if i % 9 == 4 {
            a.push("--inject".into());
            a.push(INJECT[(i / 3 + 5) % INJECT.len()].to_string());
        }
    }
    let ws = i % 7 == 3;
    if ws {
        a.push("--workspace".into());
        a.push(r.pick(&["2", "3", "4"]).to_string());
    }
    (a, ws)
}

fn stderr_lines(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("go: downloading "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn clean_module(m: &Value, pairs: &[(String, &str)]) -> Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        if o.get("Dir")
            .and_then(Value::as_str)
            .is_some_and(|d| norm(d, pairs).starts_with("$GOMODCACHE"))
        {
            o.remove("Dir");
        }
        if let Some(r) = o.get("Replace").cloned() {
            o.insert("Replace".into(), clean_module(&r, pairs));
        }
        for v in o.values_mut() {
            if let Value::String(s) = v {
                *s = norm(s, pairs);
            }
        }
        if let Some(Value::Object(e)) = o.get_mut("Error") {
            for v in e.values_mut() {
                if let Value::String(s) = v {
                    *s = norm(s, pairs);
                }
            }
        }
    }
    m
}

/// The first differing line and what only one side has (at most 6 lines each).
fn brief_diff(go: &str, ours: &str) -> String {
    let g: Vec<&str> = go.lines().collect();
    let o: Vec<&str> = ours.lines().collect();
    let first = g
        .iter()
        .zip(&o)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(o.len()));
    let only = |a: &[&str], b: &[&str]| {
        let set: std::collections::HashSet<&str> = b.iter().copied().collect();
        a.iter()
            .filter(|l| !set.contains(**l))
            .take(6)
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "  first difference at line {} (go {} lines, modscope {} lines)\n  go: {:?}\n  modscope: {:?}\n  only in go:\n{}\n  only in modscope:\n{}\n",
        first + 1,
        g.len(),
        o.len(),
        g.get(first).unwrap_or(&""),
        o.get(first).unwrap_or(&""),
        only(&g, &o),
        only(&o, &g)
    )
}

fn exit_of(v: &Value) -> i64 {
    v.get("exit").and_then(Value::as_i64).unwrap_or(-1)
}

/// `modfile_cache`: `None` with the modfile cache off, else its directory (the cache is then on:
/// the same answers are expected, cold and warm).
fn compare(
    u: &Universe,
    oracle: &Value,
    mismatches: &mut Vec<String>,
    modfile_cache: Option<&Path>,
) -> usize {
    let pairs = u.pairs();
    let mut extra = Vec::new();
    if let Some(dir) = modfile_cache {
        extra.push(("GOEXPERIMENT", "modfilecache".to_string()));
        extra.push(("MODSCOPE_CACHE", dir.display().to_string()));
    }
    let mode = match modfile_cache {
        None => "",
        Some(_) => " [modfile cache on]",
    };
    let env = u.env(&extra);
    let req = |command| LoadRequest {
        dir: u.main_dir(),
        env: env.clone(),
        build_mod_flag: None,
        command,
        go_override: None,
    };
    let steps = &oracle["steps"];
    let mut compared = 0;
    let mut report = |step: &str, what: &str, ours: String, theirs: String| {
        if ours != theirs {
            mismatches.push(format!(
                "universe {}{mode} ({}): {step}: {what} differs\n{}",
                u.dir.display(),
                u.args.join(" "),
                brief_diff(&theirs, &ours)
            ));
        }
    };
    let check_common = |step: &str,
                        o: &CmdOutput,
                        t: &Value,
                        report: &mut dyn FnMut(&str, &str, String, String)| {
        report(
            step,
            "exit code",
            o.exit.to_string(),
            exit_of(t).to_string(),
        );
        report(
            step,
            "stderr",
            norm(&stderr_lines(&o.stderr), &pairs),
            t["stderr"].as_str().unwrap_or_default().to_string(),
        );
    };

    if let Some(t) = steps.get("list_m_all") {
        let o = list_modules(
            &req(CmdKind::List),
            &["all".to_string()],
            false,
            false,
            false,
        );
        check_common("list -m all", &o, t, &mut report);
        if exit_of(t) == 0 {
            report(
                "list -m all",
                "stdout",
                norm(&o.stdout, &pairs),
                t["stdout"].as_str().unwrap_or_default().to_string(),
            );
        }
        compared += 1;
        // The require lines `-x` says -mod=mod would rewrite are the ones the go command did
        // rewrite in its copy of go.mod.
        if exit_of(t) == 0 && !u.ws && modfile_cache.is_none() {
            let x = list_modules(
                &req(CmdKind::List),
                &["all".to_string()],
                false,
                false,
                true,
            );
            let ours: Vec<String> = x
                .stderr
                .lines()
                .filter_map(|l| l.strip_prefix("# go.mod rewrite (not written): "))
                .filter(|l| {
                    l.starts_with("require ")
                        || l.starts_with("+ require ")
                        || l.starts_with("- require ")
                })
                .map(str::to_string)
                .collect();
            let before = std::fs::read(u.dir.join("main/go.mod")).unwrap_or_default();
            let after = t["changed"]["main/go.mod"]["text"]
                .as_str()
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_else(|| before.clone());
            let theirs = require_diff(&before, &after);
            // A version written as a query (`v1.2`) is shown by modscope as what it resolved
            // to: compare what each line changes to, not from.
            let to_only = |lines: &[String]| {
                lines
                    .iter()
                    .map(|l| match (l.find(" v"), l.find(" => ")) {
                        (Some(i), Some(j)) if i < j => format!("{}{}", &l[..i], &l[j..]),
                        _ => l.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            report(
                "list -m -x all",
                "go.mod rewrite",
                to_only(&ours),
                to_only(&theirs),
            );
            compared += 1;
        }
    }
    if let Some(t) = steps.get("mod_graph") {
        let o = mod_graph(&req(CmdKind::ModGraph), "text", false);
        check_common("mod graph", &o, t, &mut report);
        let ours: Vec<Vec<String>> = o
            .stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .collect();
        let theirs: Vec<Vec<String>> =
            serde_json::from_value(t["edges"].clone()).unwrap_or_default();
        let show =
            |e: &Vec<Vec<String>>| e.iter().map(|x| x.join(" ")).collect::<Vec<_>>().join("\n");
        report("mod graph", "edges", show(&ours), show(&theirs));
        compared += 1;
    }
    if modfile_cache.is_none() {
        for go_flag in ["1.16", "1.17"] {
            let theirs = go_mod_graph_go(u, go_flag);
            if u.ws && go_flag == "1.16" && theirs.stderr.starts_with(WORKSPACE_GO116_PANIC) {
                continue;
            }
            let mut r = req(CmdKind::ModGraph);
            r.go_override = Some(go_flag.to_string());
            let o = mod_graph(&r, "text", false);
            let step = format!("mod graph -go={go_flag}");
            report(
                &step,
                "exit code",
                o.exit.to_string(),
                theirs.exit.to_string(),
            );
            report(
                &step,
                "stderr",
                norm(&stderr_lines(&o.stderr), &pairs),
                theirs.stderr,
            );
            report(&step, "stdout", norm(&o.stdout, &pairs), theirs.stdout);
            compared += 1;
        }
    }
    for (step, e) in [("list_m_json", false), ("list_m_json_e", true)] {
        let Some(t) = steps.get(step) else { continue };
        let o = list_modules(&req(CmdKind::List), &["all".to_string()], true, e, false);
        check_common(step, &o, t, &mut report);
        let ours: Vec<Value> = match json_stream(&o.stdout) {
            Ok(v) => v.iter().map(|m| clean_module(m, &pairs)).collect(),
            Err(err) => {
                report(step, "json", err, String::new());
                continue;
            }
        };
        let theirs: Vec<Value> = t
            .get("modules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let show = |v: &[Value]| {
            v.iter()
                .map(|m| serde_json::to_string(m).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n")
        };
        if exit_of(t) == 0 {
            report(step, "modules", show(&ours), show(&theirs));
        }
        compared += 1;
    }
    compared
}

/// The `require` changes between two go.mod texts in the form `list -m -x` prints them:
/// `require P OLD => NEW`, `+ require P V`, `- require P V`, sorted by path.
fn require_diff(before: &[u8], after: &[u8]) -> Vec<String> {
    let reqs = |data: &[u8]| -> std::collections::BTreeMap<String, String> {
        modscope::modfile::parse_lax("go.mod", data)
            .map(|f| {
                f.require
                    .into_iter()
                    .map(|r| (r.module.path, r.module.version))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (reqs(before), reqs(after));
    let mut out: Vec<(String, String)> = Vec::new();
    for (p, v) in &old {
        match new.get(p) {
            Some(nv) if nv != v => out.push((p.clone(), format!("require {p} {v} => {nv}"))),
            Some(_) => {}
            None => out.push((p.clone(), format!("- require {p} {v}"))),
        }
    }
    for (p, v) in &new {
        if !old.contains_key(p) {
            out.push((p.clone(), format!("+ require {p} {v}")));
        }
    }
    out.sort();
    out.into_iter().map(|(_, l)| l).collect()
}

/// `go mod graph -go=VERSION` on a fresh copy of universe `u`'s main module (and its local and
/// workspace directories), in the oracle's environment, so the go command's go.mod rewrite under
/// `-mod=mod` touches only the copy. Paths are normalised as `oracle.py` normalises them.
fn go_mod_graph_go(u: &Universe, go_flag: &str) -> CmdOutput {
    let go = common::go_command().expect("go command");
    let tmp = u.dir.join(format!("go-graph-{go_flag}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let work = tmp.join("work");
    for d in ["main", "local", "ws"] {
        let src = u.dir.join(d);
        if src.is_dir() {
            common::copy_tree(&src, &work.join(d));
        }
    }
    // One module cache per universe, shared by both -go runs (filled from the file proxy).
    let modcache = u.dir.join("go-modcache");
    let proxy = u.dir.join("proxy");
    let home = tmp.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let out = std::process::Command::new(go)
        .args(["mod", "graph", &format!("-go={go_flag}")])
        .current_dir(work.join(if u.ws { "ws" } else { "main" }))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("LC_ALL", "C")
        .env("GO111MODULE", "on")
        .env("GOPROXY", format!("file://{}", proxy.display()))
        .env("GOSUMDB", "off")
        .env("GOVCS", "*:off")
        .env(
            "GOFLAGS",
            if u.ws {
                "-modcacherw"
            } else {
                "-mod=mod -modcacherw"
            },
        )
        .env("GOPATH", tmp.join("gopath"))
        .env("GOMODCACHE", &modcache)
        .env("GOCACHE", tmp.join("gocache"))
        .env("GOENV", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("CGO_ENABLED", "0")
        .env(
            "GOWORK",
            if u.ws {
                work.join("ws/go.work").display().to_string()
            } else {
                "off".to_string()
            },
        )
        .output()
        .expect("running go mod graph");
    let pairs: Vec<(String, &str)> = vec![
        (modcache.display().to_string(), "$GOMODCACHE"),
        (proxy.display().to_string(), "$PROXY"),
        (work.display().to_string(), "$WORK"),
    ];
    let r = CmdOutput {
        stdout: norm(&String::from_utf8_lossy(&out.stdout), &pairs),
        stderr: norm(&stderr_lines(&String::from_utf8_lossy(&out.stderr)), &pairs),
        exit: out.status.code().unwrap_or(-1) as u8,
    };
    let _ = std::fs::remove_dir_all(&tmp);
    r
}

fn run_one(i: usize, seed: u64, root: &Path) -> (usize, Vec<String>) {
    let (args, ws) = universe_args(i, seed);
    let u = Universe::generate(root.join(format!("u{i}")), args, ws);
    let oracle = u.oracle(&[
        "--steps".into(),
        "list_m_all,mod_graph,list_m_json,list_m_json_e".into(),
    ]);
    let mut local = Vec::new();
    let mut n = compare(&u, &oracle, &mut local, None);
    // The modfile cache never changes an answer: cold, then warm (from its snapshot); on every
    // fourth universe, to keep the test's time (cache_invariant covers more with the cache).
    if i % 4 == 0 {
        let mscache = u.dir.join("modfile-cache");
        n += compare(&u, &oracle, &mut local, Some(&mscache));
        n += compare(&u, &oracle, &mut local, Some(&mscache));
    }
    u.cleanup(!local.is_empty());
    (n, local)
}

#[test]
fn go_command_agrees() {
    if common::go_command().is_none() {
        eprintln!("go command not installed: skipping the differential test");
        return;
    }
    let n = oracle::count_from_env("MODSCOPE_ORACLE_UNIVERSES", 200, 20);
    let seed = oracle::seed_from_env();
    let root = oracle::temp_root("oracle");
    let (compared, mismatches) = oracle::run_universes(n, &root, |i, root| run_one(i, seed, root));
    let known = KNOWN_DIFFERENCES.len();
    println!(
        "{n} universes, {compared} compared, {} mismatches ({known} known differences listed)",
        mismatches.len()
    );
    for m in mismatches.iter().take(10) {
        println!("{m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
}
