//! Differential test against the go command (Go 1.19): random module universes from
//! `shared/oracle/gen_universe.py`, the go command's answers from `oracle.py`, and modscope's
//! answers for the same input: `list -m all`, `list -m -json [-e] all`, `mod graph` and the error
//! text must be identical.
//!
//! `MODSCOPE_ORACLE_UNIVERSES` sets how many universes (default 200 under CI, where `CI` is set;
//! 20 on a developer machine, where everyone's `cargo test` runs it), `MODSCOPE_ORACLE_JOBS`
//! (default 2) how many run at once, `MODSCOPE_ORACLE_SEED` (default 1) the first seed. Skipped when
//! the go command is not installed (outside CI).

mod common;

use modscope::graph::load::CmdKind;
use modscope::native::cli::list::{list_modules, CmdOutput};
use modscope::native::cli::mod_graph::mod_graph;
use modscope::native::env::GoEnv;
use modscope::native::modload::LoadRequest;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Differences that are the go command's (1.19) own and not modscope's to reproduce, with the
/// SPEC section that documents them. Empty: none has been needed.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

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
/// paths, +incompatible, pseudo-versions, excludes, replaces, workspaces, every injected error.
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
    if i % 5 == 2 {
        a.push("--exclude-imported".into());
    }
    if i % 3 == 1 {
        a.push("--inject".into());
        a.push(INJECT[(i / 3) % INJECT.len()].to_string());
    }
    let ws = i % 7 == 3;
    if ws {
        a.push("--workspace".into());
        a.push(r.pick(&["2", "3", "4"]).to_string());
    }
    (a, ws)
}

fn norm(s: &str, pairs: &[(String, &str)]) -> String {
    let mut s = s.to_string();
    for (real, name) in pairs {
        s = s.replace(real.as_str(), name);
    }
    s
}

fn stderr_lines(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("go: downloading "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn json_stream(s: &str) -> Result<Vec<Value>, String> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
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

struct Universe {
    dir: PathBuf,
    ws: bool,
    args: Vec<String>,
}

/// `modfile_cache`: `None` with the modfile cache off, else its directory (the cache is then on:
/// the same answers are expected, cold and warm).
fn compare(
    u: &Universe,
    oracle: &Value,
    mismatches: &mut Vec<String>,
    modfile_cache: Option<&Path>,
) -> usize {
    let cache = u.dir.join("modcache-unused");
    let proxy = u.dir.join("proxy");
    let dir_s = u.dir.display().to_string();
    let pairs: Vec<(String, &str)> = vec![
        (cache.display().to_string(), "$GOMODCACHE"),
        (proxy.display().to_string(), "$PROXY"),
        (dir_s.clone(), "$WORK"),
    ];
    let vars: HashMap<&str, String> = [
        ("GOPROXY", format!("file://{}", proxy.display())),
        ("GOMODCACHE", cache.display().to_string()),
        ("GOPATH", u.dir.join("gopath").display().to_string()),
        (
            "GOFLAGS",
            if u.ws {
                "-modcacherw".to_string()
            } else {
                "-mod=mod -modcacherw".to_string()
            },
        ),
        (
            "GOWORK",
            if u.ws {
                u.dir.join("ws/go.work").display().to_string()
            } else {
                "off".to_string()
            },
        ),
    ]
    .into_iter()
    .collect();
    let mut vars = vars;
    if let Some(dir) = modfile_cache {
        vars.insert("GOEXPERIMENT", "modfilecache".to_string());
        vars.insert("MODSCOPE_CACHE", dir.display().to_string());
    }
    let mode = match modfile_cache {
        None => "",
        Some(_) => " [modfile cache on]",
    };
    let env = GoEnv::from_lookup(|k| vars.get(k).cloned());
    let req = |command| LoadRequest {
        dir: u.dir.join(if u.ws { "ws" } else { "main" }),
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

fn run_one(i: usize, seed: u64, root: &Path, mismatches: &Mutex<Vec<String>>) -> usize {
    let shared = common::shared_dir().join("oracle");
    let (args, ws) = universe_args(i, seed);
    let dir = root.join(format!("u{i}"));
    let gen = Command::new("python3")
        .arg(shared.join("gen_universe.py"))
        .arg("--out")
        .arg(&dir)
        .arg("--force")
        .args(&args)
        .output()
        .expect("python3 runs");
    assert!(
        gen.status.success(),
        "gen_universe.py {args:?}: {}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let out = dir.join("oracle.json");
    let mut cmd = Command::new("python3");
    cmd.arg(shared.join("oracle.py"))
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .arg("--steps")
        .arg("list_m_all,mod_graph,list_m_json,list_m_json_e");
    if ws {
        cmd.arg("--workspace");
    }
    let o = cmd.output().expect("python3 runs");
    assert!(
        o.status.success(),
        "oracle.py on {}: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("oracle output");
    let oracle: Value = serde_json::from_str(&text).expect("oracle JSON");
    let u = Universe {
        dir: dir.clone(),
        ws,
        args,
    };
    let mut local = Vec::new();
    let mut n = compare(&u, &oracle, &mut local, None);
    // The modfile cache never changes an answer: cold, then warm (from its snapshot); on every
    // fourth universe, to keep the test's time (cache_invariant covers more with the cache).
    if i % 4 == 0 {
        let mscache = dir.join("modfile-cache");
        n += compare(&u, &oracle, &mut local, Some(&mscache));
        n += compare(&u, &oracle, &mut local, Some(&mscache));
    }
    let keep = !local.is_empty() && std::env::var_os("MODSCOPE_ORACLE_KEEP").is_some();
    if !local.is_empty() {
        mismatches.lock().unwrap().extend(local);
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    n
}

#[test]
fn go_command_agrees() {
    if common::go_command().is_none() {
        eprintln!("go command not installed: skipping the differential test");
        return;
    }
    let n: usize = std::env::var("MODSCOPE_ORACLE_UNIVERSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if std::env::var_os("CI").is_some() {
            200
        } else {
            20
        });
    let jobs: usize = std::env::var("MODSCOPE_ORACLE_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
        .max(1);
    let seed: u64 = std::env::var("MODSCOPE_ORACLE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let root = std::env::temp_dir().join(format!("modscope-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("temp dir");
    let next = AtomicUsize::new(0);
    let compared = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let c = run_one(i, seed, &root, &mismatches);
                compared.fetch_add(c, Ordering::SeqCst);
            });
        }
    });
    if std::env::var_os("MODSCOPE_ORACLE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&root);
    }
    let mismatches = mismatches.into_inner().unwrap();
    let known = KNOWN_DIFFERENCES.len();
    println!(
        "{n} universes, {} compared, {} mismatches ({known} known differences listed)",
        compared.load(Ordering::SeqCst),
        mismatches.len()
    );
    for m in mismatches.iter().take(10) {
        println!("{m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
}
