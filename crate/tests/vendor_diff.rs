//! Differential test of vendor mode against the go command (Go 1.19): universes with module zips
//! from `shared/oracle/gen_universe.py`, made tidy and vendored with `go mod tidy` and
//! `go mod vendor`, then `go list -e -deps -json ./...` and modscope's `list` compared per
//! package (ImportPath, Dir, Module, ImportMap, Error), exit status and stderr. Then the vendor
//! tree is made inconsistent in each of the ways the go command checks (an `## explicit`
//! dropped or added, a vendored version changed, a module line removed or added, a replacement
//! that differs or is missing on one side, a go line before 1.14 under `-mod=vendor`) and the
//! errors compared.
//!
//! `MODSCOPE_VENDOR_UNIVERSES` sets how many universes (default 12 under CI, 4 otherwise),
//! `MODSCOPE_ORACLE_SEED` the first seed. Skipped when the go command is not installed.
//!
//! Runs on 2026-11-26 (Go 1.19): seeds 1 to 4 with `MODSCOPE_VENDOR_UNIVERSES=12` agree (469
//! vendor trees compared, 327 of them made inconsistent).

mod common;

use common::oracle::{self, go_in, json_stream, norm, Universe};
use modscope::graph::load::CmdKind;
use modscope::native::cli::list_modpkgs::list_packages;
use modscope::native::cli::list_pkgs::PkgListArgs;
use modscope::native::modload::LoadRequest;
use serde_json::{json, Value};
use std::path::Path;

fn universe_args(i: usize, seed: u64) -> Vec<String> {
    vec![
        "--seed".into(),
        (seed * 100000 + 7000 + i as u64).to_string(),
        "--modules".into(),
        ["8", "12", "16"][i % 3].into(),
        "--p-go117".into(),
        ["0.5", "1", "0"][i % 3].into(),
        "--local-replaces".into(),
        ["1", "0", "2"][i % 3].into(),
        "--replaces".into(),
        ["1", "2", "0"][i % 3].into(),
        "--main-go".into(),
        ["1.17", "1.19", "1.16"][(i / 3) % 3].into(),
    ]
}

/// A package reduced to what is compared.
fn norm_pkg(p: &Value, pairs: &[(String, &str)]) -> Value {
    let n = |v: &Value| match v {
        Value::String(s) => Value::String(norm(s, pairs)),
        other => other.clone(),
    };
    let module = p.get("Module").map(|m| {
        let mut o = serde_json::Map::new();
        for k in [
            "Path",
            "Version",
            "Main",
            "Indirect",
            "Dir",
            "GoMod",
            "GoVersion",
        ] {
            if let Some(v) = m.get(k) {
                o.insert(k.into(), n(v));
            }
        }
        if let Some(r) = m.get("Replace") {
            let mut ro = serde_json::Map::new();
            for k in ["Path", "Version", "Dir", "GoMod", "GoVersion"] {
                if let Some(v) = r.get(k) {
                    ro.insert(k.into(), n(v));
                }
            }
            o.insert("Replace".into(), Value::Object(ro));
        }
        Value::Object(o)
    });
    let error = p.get("Error").map(|e| {
        json!({
            "Err": n(&e["Err"]),
            "ImportStack": e["ImportStack"].clone(),
            "Pos": e["Pos"].as_str().unwrap_or("").rsplit('/').next().unwrap_or(""),
        })
    });
    json!({
        "ImportPath": p["ImportPath"].clone(),
        "Dir": n(p.get("Dir").unwrap_or(&json!(""))),
        "Module": module,
        "ImportMap": p.get("ImportMap").cloned().unwrap_or(json!({})),
        "Error": error,
    })
}

/// How many compared runs ended in the go command's inconsistent-vendoring error.
static ERRORS_SEEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn non_std(stdout: &str, pairs: &[(String, &str)]) -> Result<Vec<Value>, String> {
    Ok(json_stream(stdout)?
        .iter()
        .filter(|p| p.get("Standard") != Some(&Value::Bool(true)))
        .map(|p| norm_pkg(p, pairs))
        .collect())
}

/// Compares `go list -e -deps -json ./...` with modscope's in `main` under `goflags`.
fn compare(u: &Universe, main: &Path, goflags: &str, what: &str, out: &mut Vec<String>) {
    let pairs = u.pairs();
    let go = go_in(u, main, goflags)
        .args([
            "list",
            "-e",
            "-deps",
            "-json=ImportPath,Dir,Module,Error,ImportMap,Standard",
            "./...",
        ])
        .output()
        .expect("go runs");
    let req = LoadRequest {
        dir: main.to_path_buf(),
        env: u.env(&[("GOFLAGS", goflags.to_string())]),
        build_mod_flag: None,
        command: CmdKind::List,
        go_override: None,
    };
    let args = PkgListArgs {
        e: true,
        json: true,
        deps: true,
        patterns: vec!["./...".into()],
        ..PkgListArgs::default()
    };
    let ms = list_packages(&req, &args);
    let tag = format!("universe {} ({}) {what}", u.dir.display(), u.args.join(" "));
    let go_exit = go.status.code().unwrap_or(-1);
    let go_err = norm(&String::from_utf8_lossy(&go.stderr), &pairs);
    if go_err.contains("inconsistent vendoring") {
        ERRORS_SEEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let ms_err = norm(&ms.stderr, &pairs);
    if go_exit != i32::from(ms.exit) || go_err != ms_err {
        out.push(format!(
            "{tag}: exit go {go_exit} / ms {}\n go stderr: {go_err:?}\n ms stderr: {ms_err:?}",
            ms.exit
        ));
        return;
    }
    let theirs = non_std(&String::from_utf8_lossy(&go.stdout), &pairs);
    let ours = non_std(&ms.stdout, &pairs);
    match (theirs, ours) {
        (Ok(t), Ok(o)) if t == o => {}
        (Ok(t), Ok(o)) => {
            let tp: Vec<&Value> = t.iter().map(|p| &p["ImportPath"]).collect();
            let op: Vec<&Value> = o.iter().map(|p| &p["ImportPath"]).collect();
            if tp != op {
                out.push(format!("{tag}: packages differ\n go: {tp:?}\n ms: {op:?}"));
            } else {
                for (a, b) in t.iter().zip(&o).filter(|(a, b)| a != b) {
                    out.push(format!("{tag}:\n go: {a}\n ms: {b}"));
                }
            }
        }
        (t, o) => out.push(format!("{tag}: JSON go {:?} / ms {:?}", t.err(), o.err())),
    }
}

/// One way to make the vendor tree inconsistent: a name, and the edit of (go.mod, modules.txt);
/// `None` when the tree offers nothing to edit.
type Mutation = (&'static str, fn(&str, &str) -> Option<(String, String)>);

/// The `# path version …` lines (not wildcard replacements).
fn module_lines(txt: &str) -> Vec<&str> {
    txt.lines()
        .filter(|l| {
            l.starts_with("# ")
                && l.split_whitespace()
                    .nth(2)
                    .is_some_and(|v| v.starts_with('v'))
        })
        .collect()
}

const MUTATIONS: &[Mutation] = &[
    ("drop ## explicit", |g, t| {
        let i = t.find("## explicit")?;
        let mut t2 = t.to_string();
        t2.replace_range(i..i + "## explicit".len(), "## ");
        Some((g.to_string(), t2.replace("## ; ", "## ")))
    }),
    ("add ## explicit", |g, t| {
        // A module with packages and no annotation line.
        let lines: Vec<&str> = t.lines().collect();
        let i = lines.iter().enumerate().position(|(k, l)| {
            l.starts_with("# ")
                && !l.contains("=>")
                && lines.get(k + 1).is_some_and(|n| !n.starts_with('#'))
        })?;
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out.insert(i + 1, "## explicit".into());
        Some((g.to_string(), out.join("\n") + "\n"))
    }),
    ("change a version", |g, t| {
        let l = module_lines(t).into_iter().next()?;
        let v = l.split_whitespace().nth(2)?;
        Some((
            g.to_string(),
            t.replacen(l, &l.replacen(v, "v0.0.99", 1), 1),
        ))
    }),
    ("remove a module line", |g, t| {
        let l = module_lines(t).into_iter().next()?;
        Some((g.to_string(), t.replacen(&format!("{l}\n"), "", 1)))
    }),
    ("add a module line", |g, t| {
        Some((
            g.to_string(),
            format!(
                "{t}# example.com/extra/vendored v1.0.0\n## explicit\nexample.com/extra/vendored\n"
            ),
        ))
    }),
    ("replacement only in go.mod", |g, t| {
        let l = module_lines(t).into_iter().find(|l| !l.contains("=>"))?;
        let path = l.split_whitespace().nth(1)?;
        Some((
            format!("{g}\nreplace {path} => ../elsewhere\n"),
            t.to_string(),
        ))
    }),
    ("replacement differs", |g, t| {
        let i = t.find(" => ")?;
        let end = t[i..].find('\n').map_or(t.len(), |e| i + e);
        let mut t2 = t.to_string();
        t2.replace_range(i..end, " => ../other-target");
        Some((g.to_string(), t2))
    }),
    ("replacement only in modules.txt", |g, t| {
        let l = module_lines(t).into_iter().find(|l| !l.contains("=>"))?;
        Some((
            g.to_string(),
            t.replacen(l, &format!("{l} => ../only-txt"), 1),
        ))
    }),
];

fn run_one(i: usize, seed: u64, root: &Path) -> (usize, Vec<String>) {
    let u = Universe::generate(root.join(format!("u{i}")), universe_args(i, seed), false);
    let main = u.dir.join("main");
    let mut out = Vec::new();
    for step in [&["mod", "tidy"][..], &["mod", "vendor"][..]] {
        let o = go_in(&u, &main, "-mod=mod -modcacherw")
            .args(step)
            .output()
            .expect("go runs");
        if !o.status.success() {
            // Universes the go command cannot vendor are not compared.
            u.cleanup(false);
            return (0, out);
        }
    }
    let mut n = 1;
    compare(&u, &main, "-modcacherw", "vendored", &mut out);
    let gomod = std::fs::read_to_string(main.join("go.mod")).unwrap_or_default();
    let txt = std::fs::read_to_string(main.join("vendor/modules.txt")).unwrap_or_default();
    for (name, edit) in MUTATIONS {
        let Some((g2, t2)) = edit(&gomod, &txt) else {
            continue;
        };
        std::fs::write(main.join("go.mod"), &g2).expect("write go.mod");
        std::fs::write(main.join("vendor/modules.txt"), &t2).expect("write modules.txt");
        compare(&u, &main, "-modcacherw", name, &mut out);
        n += 1;
    }
    // Before go 1.14 only a differing vendored version counts; -mod=vendor must be explicit.
    let old = regex_free_go_line(&gomod, "1.13");
    std::fs::write(main.join("go.mod"), &old).expect("write go.mod");
    std::fs::write(main.join("vendor/modules.txt"), &txt).expect("write modules.txt");
    compare(
        &u,
        &main,
        "-mod=vendor -modcacherw",
        "go 1.13 -mod=vendor",
        &mut out,
    );
    n += 1;
    if let Some((_, t2)) = (MUTATIONS[0].1)(&old, &txt) {
        std::fs::write(main.join("vendor/modules.txt"), &t2).expect("write modules.txt");
        compare(
            &u,
            &main,
            "-mod=vendor -modcacherw",
            "go 1.13 drop ## explicit",
            &mut out,
        );
        n += 1;
    }
    u.cleanup(!out.is_empty());
    (n, out)
}

/// `gomod` with its go line set to `v` (added when missing).
fn regex_free_go_line(gomod: &str, v: &str) -> String {
    let mut found = false;
    let mut lines: Vec<String> = gomod
        .lines()
        .map(|l| {
            if l.starts_with("go ") {
                found = true;
                format!("go {v}")
            } else {
                l.to_string()
            }
        })
        .collect();
    if !found {
        lines.insert(1, format!("go {v}"));
    }
    lines.join("\n") + "\n"
}

#[test]
fn go_command_agrees_on_vendor_mode() {
    if common::go_command().is_none() {
        eprintln!("go command not installed: skipping the differential test");
        return;
    }
    let n = oracle::count_from_env("MODSCOPE_VENDOR_UNIVERSES", 12, 4);
    let seed = oracle::seed_from_env();
    let root = oracle::temp_root("vendor");
    let (compared, all) = oracle::run_universes(n, &root, |i, root| run_one(i, seed, root));
    let errors = ERRORS_SEEN.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "{n} universes, {compared} trees compared ({errors} inconsistent), {} mismatches",
        all.len()
    );
    for m in all.iter().take(10) {
        println!("{m}");
    }
    assert!(compared > 0, "no universe could be vendored");
    assert!(errors > 0, "no vendor tree was inconsistent");
    assert!(all.is_empty(), "{} mismatches", all.len());
}
