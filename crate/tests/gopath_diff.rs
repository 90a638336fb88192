//! Differential tests of GOPATH-mode package lookup against the go command (`GO111MODULE=off go
//! list`).
//!
//! The small tree is the one `shared/oracle/gopath_check.py` builds (three GOPATH entries, vendor
//! directories at several levels, a GOROOT-shadowing `fmt`), plus cases for minimal module
//! compatibility, directories that are not packages, build constraints and `...` patterns. Each
//! case runs the go command and `modscope`'s package lister on the same tree with the same
//! arguments and compares ImportPath, Dir, Goroot, Standard, Imports, ImportMap, Deps and the
//! error text, package by package, in output order.
//!
//! The big tree: build a GOPATH from Debian packages and record the go command's answers once,
//! then point the test at both:
//!
//! ```text
//! shared/corpus/debian_gocode.sh -n 300 /tmp/gocode300            # ~1.5 min, 1.3 GB
//! shared/corpus/gopath_oracle.sh /tmp/gocode300 /tmp/gocode300-oracle
//! MODSCOPE_GOCODE=/tmp/gocode300 MODSCOPE_GOCODE_ORACLE=/tmp/gocode300-oracle \
//!     cargo test --release --test gopath_diff -- --nocapture debian
//! ```
//!
//! Without those variables the Debian case is skipped (the default CI run keeps to the small tree).
//!
//! Runs on 2026-11-26 (Go 1.19): the small tree, and the Debian trees of `-n 300` (7,207
//! packages, 51,485 import edges) and `-n 600` (10,336 packages, 71,818 import edges) agree.

mod common;

use modscope::native::cli::list_pkgs::{list_output_with, PkgListArgs};
use modscope::pkg::constraint::BuildContext;
use modscope::pkg::gopath::{GopathConfig, GorootMode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// gopath_check.py's FILES, then our additions.
const FILES: &[(&str, &str)] = &[
    ("a/src/example.com/p/p.go", "package p\n"),
    ("b/src/example.com/p/p.go", "package p\n"),
    ("b/src/example.com/q/q.go", "package q\n"),
    ("c/src/example.com/r/r.go", "package r\n"),
    ("a/src/example.com/app/app.go", "package app\n\nimport (\n\t_ \"example.com/p\"\n\t_ \"example.com/q\"\n\t_ \"example.com/r\"\n\t_ \"example.com/v\"\n\t_ \"example.com/w\"\n\t_ \"fmt\"\n)\n"),
    ("a/src/example.com/app/vendor/example.com/v/v.go", "package v\n\nimport _ \"example.com/x\"\n"),
    ("a/src/example.com/app/vendor/example.com/q/q.go", "package q\n"),
    ("a/src/example.com/app/vendor/example.com/v/vendor/example.com/x/x.go", "package x\n"),
    ("a/src/example.com/vendor/example.com/w/w.go", "package w\n"),
    ("b/src/example.com/vendor/example.com/r/r.go", "package r\n"),
    ("a/src/fmt/fmt.go", "package fmt\n"),
    ("a/src/example.com/other/other.go", "package other\n\nimport _ \"example.com/v\"\n"),
    // Minimal module compatibility: m/v2/sub is read as m/sub inside module code.
    ("a/src/example.com/m/go.mod", "module example.com/m/v2\n"),
    ("a/src/example.com/m/sub/s.go", "package sub\n"),
    ("a/src/example.com/modusr/go.mod", "module example.com/modusr\n"),
    ("a/src/example.com/modusr/u.go", "package modusr\n\nimport (\n\t\"example.com/m/v2/sub\"\n\t\"net/http\"\n)\n"),
    // Not packages, and constraint handling.
    ("a/src/example.com/empty/README", "nothing\n"),
    ("a/src/example.com/tagged/a.go", "//go:build windows\n\npackage tagged\n"),
    ("a/src/example.com/tagged/b_darwin.go", "package tagged\n"),
    ("a/src/example.com/onlytest/a_test.go", "package onlytest\n"),
    ("a/src/example.com/mixed/a.go", "// +build ignore\n\npackage main\n"),
    ("a/src/example.com/mixed/b.go", "package mixed\n\nimport \"os\"\n"),
    ("a/src/example.com/mixed/c_linux.go", "package mixed\n\nimport \"syscall\"\n"),
    ("a/src/example.com/mixed/d.go", "package mixed\n\n/*\n#include <stdio.h>\n*/\nimport \"C\"\nimport \"unsafe\"\n"),
    ("a/src/example.com/mixed/testdata/x/x.go", "package x\n"),
    ("a/src/example.com/mixed/_skip/s.go", "package s\n"),
    ("a/src/example.com/two/a.go", "package a\n"),
    ("a/src/example.com/two/b.go", "package b\n"),
    ("a/src/example.com/usesmissing/u.go", "package usesmissing\n\nimport \"example.com/nowhere\"\n"),
    ("a/src/example.com/stdvendor/s.go", "package stdvendor\n\nimport \"vendor/golang.org/x/net/idna\"\n"),
];

struct Tree {
    dir: PathBuf,
    goroot: String,
    go: PathBuf,
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_tree(go: PathBuf, name: &str) -> Tree {
    let dir = std::env::temp_dir().join(format!(
        "modscope-gopath-diff-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in FILES {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let out = Command::new(&go)
        .args(["env", "GOROOT"])
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    let goroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Tree { dir, goroot, go }
}

fn gopath_of(t: &Tree) -> Vec<String> {
    ["a", "b", "c"]
        .iter()
        .map(|x| t.dir.join(x).to_string_lossy().to_string())
        .collect()
}

fn go_list(t: &Tree, gopath: &[String], args: &[&str], cwd: &Path) -> (String, i32) {
    let out = Command::new(&t.go)
        .arg("list")
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", t.dir.join("home"))
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath.join(":"))
        .env("GOCACHE", t.dir.join("gocache"))
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "0")
        .env("GOOS", "linux")
        .env("GOARCH", "amd64")
        .env("LC_ALL", "C")
        .output()
        .expect("running go");
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

fn json_stream(s: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .map(|v| v.expect("JSON"))
        .collect()
}

/// The fields compared, normalised (absent = zero value, as in Go).
fn fields(v: &Value) -> BTreeMap<&'static str, Value> {
    let mut m = BTreeMap::new();
    for k in ["ImportPath", "Dir", "Imports", "ImportMap", "Deps"] {
        m.insert(k, v.get(k).cloned().unwrap_or(Value::Null));
    }
    for k in ["Goroot", "Standard"] {
        m.insert(
            k,
            Value::Bool(v.get(k).and_then(Value::as_bool).unwrap_or(false)),
        );
    }
    m.insert(
        "Err",
        v.pointer("/Error/Err").cloned().unwrap_or(Value::Null),
    );
    m
}

fn ours(t: &Tree, gopath: &[String], args: &[&str], cwd: &Path) -> String {
    let mut a = PkgListArgs::default();
    for x in args {
        match *x {
            "-e" => a.e = true,
            "-deps" => a.deps = true,
            "-json" => a.json = true,
            p => a.patterns.push(p.to_string()),
        }
    }
    let cfg = GopathConfig {
        goroot: t.goroot.clone(),
        goroot_mode: GorootMode::Fs,
        gopath: gopath.to_vec(),
        ctx: BuildContext::default(),
    };
    list_output_with(&a, cwd, &cfg).stdout
}

fn compare(t: &Tree, gopath: &[String], args: &[&str], cwd: &Path) -> Vec<String> {
    let (theirs, _) = go_list(t, gopath, args, cwd);
    let mine = ours(t, gopath, args, cwd);
    let (g, m) = (json_stream(&theirs), json_stream(&mine));
    let mut diffs = Vec::new();
    let gi: Vec<_> = g.iter().map(|v| v["ImportPath"].clone()).collect();
    let mi: Vec<_> = m.iter().map(|v| v["ImportPath"].clone()).collect();
    if gi != mi {
        diffs.push(format!(
            "{args:?}: package order differs:\n go: {gi:?}\n us: {mi:?}"
        ));
    }
    let by_path: BTreeMap<String, &Value> =
        m.iter().map(|v| (v["ImportPath"].to_string(), v)).collect();
    for a in &g {
        let Some(b) = by_path.get(&a["ImportPath"].to_string()) else {
            continue;
        };
        let (fa, fb) = (fields(a), fields(b));
        for (k, va) in &fa {
            if fb.get(k) != Some(va) {
                diffs.push(format!(
                    "{args:?} in {}: {} {k}:\n go: {va}\n us: {}",
                    cwd.display(),
                    a["ImportPath"],
                    fb.get(k).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    diffs
}

#[test]
fn gopath_check_tree_matches_go_list() {
    let Some(go) = common::go_command() else {
        eprintln!("skipping: no go command");
        return;
    };
    let t = make_tree(go, "small");
    let gopath = gopath_of(&t);
    let src = t.dir.join("a/src");
    let app = src.join("example.com/app");
    let cases: Vec<(Vec<&str>, PathBuf)> = vec![
        (
            vec![
                "-e",
                "-json",
                "example.com/p",
                "example.com/q",
                "example.com/r",
            ],
            t.dir.clone(),
        ),
        (vec!["-e", "-json", "fmt"], t.dir.clone()),
        (
            vec!["-e", "-deps", "-json", "example.com/app"],
            t.dir.clone(),
        ),
        (vec!["-e", "-json", "."], app.clone()),
        (vec!["-e", "-json", "example.com/v"], app.clone()),
        (
            vec!["-e", "-deps", "-json", "example.com/other"],
            t.dir.clone(),
        ),
        (vec!["-e", "-json", "example.com/missing"], t.dir.clone()),
        (
            vec!["-e", "-deps", "-json", "example.com/modusr"],
            t.dir.clone(),
        ),
        (vec!["-e", "-json", "example.com/m/v2/sub"], t.dir.clone()),
        (
            vec![
                "-e",
                "-json",
                "example.com/empty",
                "example.com/tagged",
                "example.com/onlytest",
                "example.com/mixed",
                "example.com/two",
                "example.com/mixed/testdata/x",
            ],
            t.dir.clone(),
        ),
        (
            vec!["-e", "-deps", "-json", "example.com/usesmissing"],
            t.dir.clone(),
        ),
        (
            vec!["-e", "-deps", "-json", "example.com/stdvendor"],
            t.dir.clone(),
        ),
        (vec!["-e", "-json", "./..."], src.clone()),
        (vec!["-e", "-json", "example.com/..."], t.dir.clone()),
        (
            vec!["-e", "-deps", "-json", "./example.com/app/..."],
            src.clone(),
        ),
    ];
    let mut diffs = Vec::new();
    for (args, cwd) in &cases {
        diffs.extend(compare(&t, &gopath, args, cwd));
    }
    // GOPATH order matters: with b first, example.com/p comes from b.
    let rev: Vec<String> = gopath.iter().rev().cloned().collect();
    diffs.extend(compare(&t, &rev, &["-e", "-json", "example.com/p"], &t.dir));
    assert!(
        diffs.is_empty(),
        "{} mismatches:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// The Debian tree (see the module documentation): every package `go list -e -deps ./...` reaches
/// from `TREE/src`, with its Dir, Standard flag and error.
#[test]
fn debian_gocode_tree_matches_recorded_go_list() {
    let (Some(tree), Some(oracle)) = (
        std::env::var_os("MODSCOPE_GOCODE"),
        std::env::var_os("MODSCOPE_GOCODE_ORACLE"),
    ) else {
        eprintln!("skipping: set MODSCOPE_GOCODE and MODSCOPE_GOCODE_ORACLE to run");
        return;
    };
    let Some(go) = common::go_command() else {
        eprintln!("skipping: no go command");
        return;
    };
    let tree = PathBuf::from(tree);
    let tsv =
        std::fs::read_to_string(PathBuf::from(oracle).join("packages.tsv")).expect("packages.tsv");
    let out = Command::new(&go)
        .args(["env", "GOROOT"])
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    let goroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let gp = tree.to_string_lossy().to_string();
    // gopath_oracle.sh runs with the go command's default CGO_ENABLED.
    let cgo = Command::new(&go)
        .args(["env", "CGO_ENABLED"])
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    let cfg = GopathConfig {
        goroot: goroot.clone(),
        goroot_mode: GorootMode::Fs,
        gopath: vec![gp.clone()],
        ctx: BuildContext {
            cgo_enabled: String::from_utf8_lossy(&cgo.stdout).trim() == "1",
            ..BuildContext::default()
        },
    };
    let args = PkgListArgs {
        e: true,
        deps: true,
        json: true,
        patterns: vec!["./...".into()],
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let mine = list_output_with(&args, &tree.join("src"), &cfg).stdout;
    eprintln!("modscope list -e -deps ./...: {:.2?}", t0.elapsed());
    let norm = |d: &str| {
        if let Some(r) = d.strip_prefix(&gp) {
            format!("$GOPATH{r}")
        } else if let Some(r) = d.strip_prefix(&goroot) {
            format!("$GOROOT{r}")
        } else {
            d.to_string()
        }
    };
    let mut ours: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let mut our_edges: std::collections::BTreeSet<String> = Default::default();
    for v in json_stream(&mine) {
        // Import edges (importer, as written, resolved) of the packages `./...` matches (in the
        // tree, not under a vendor directory): what gopath_oracle.sh's imports.tsv records.
        // `./...` also skips `testdata` directories and those starting with `.` or `_` (Go
        // 1.19 `search.MatchPackagesInFS`).
        let skipped =
            v["ImportPath"].as_str().unwrap_or("").split('/').any(|e| {
                e == "vendor" || e == "testdata" || e.starts_with('.') || e.starts_with('_')
            });
        // `./...` does not follow symbolic links: packages reached only through one are -deps only.
        let via_link = v
            .get("Dir")
            .and_then(Value::as_str)
            .is_some_and(|d| std::fs::canonicalize(d).map_or(true, |c| c != Path::new(d)));
        if !skipped
            && !via_link
            && v.get("Dir")
                .and_then(Value::as_str)
                .is_some_and(|d| d.starts_with(&gp))
        {
            let ip = v["ImportPath"].as_str().unwrap_or("");
            let map: BTreeMap<String, String> = v
                .get("ImportMap")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, x)| (x.as_str().unwrap_or("").to_string(), k.clone()))
                        .collect()
                })
                .unwrap_or_default();
            for imp in v
                .get("Imports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let imp = imp.as_str().unwrap_or("");
                let written = map.get(imp).map(String::as_str).unwrap_or(imp);
                our_edges.insert(format!("{ip}\t{written}\t{imp}"));
            }
        }
        let ip = v["ImportPath"].as_str().unwrap_or("").to_string();
        let dir = norm(v.get("Dir").and_then(Value::as_str).unwrap_or(""));
        let std = v
            .get("Standard")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string();
        let mut err = v
            .pointer("/Error/Err")
            .and_then(Value::as_str)
            .unwrap_or("")
            .replace('\n', " ");
        if let Some(i) = err.find(" in any of:") {
            err.truncate(i);
        }
        ours.insert(ip, (dir, std, err));
    }
    let mut dir_mismatch = Vec::new();
    let mut err_mismatch = Vec::new();
    let mut missing = Vec::new();
    let mut n = 0;
    for line in tsv.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            continue;
        }
        n += 1;
        let (ip, dir, std) = (f[0], f[1], f[2]);
        let err = f.get(3).copied().unwrap_or("").trim_end();
        match ours.get(ip) {
            None => missing.push(ip.to_string()),
            Some((d, s, e)) => {
                if d != dir || s != std {
                    dir_mismatch.push(format!("{ip}: go {dir} {std} / us {d} {s}"));
                }
                if e.trim_end() != err {
                    err_mismatch.push(format!("{ip}:\n  go: {err}\n  us: {e}"));
                }
            }
        }
    }
    let edges_tsv = std::fs::read_to_string(
        PathBuf::from(std::env::var_os("MODSCOPE_GOCODE_ORACLE").unwrap_or_default())
            .join("imports.tsv"),
    )
    .unwrap_or_default();
    let go_edges: std::collections::BTreeSet<String> = edges_tsv
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let edge_diff: Vec<String> = go_edges
        .symmetric_difference(&our_edges)
        .map(|e| {
            format!(
                "{} {e}",
                if go_edges.contains(e) {
                    "go only:"
                } else {
                    "us only:"
                }
            )
        })
        .collect();
    eprintln!(
        "debian tree: {} import edges from go ({} vendor/compat-mapped), {} from us, {} differ",
        go_edges.len(),
        go_edges
            .iter()
            .filter(|e| {
                let f: Vec<&str> = e.split('\t').collect();
                f.len() == 3 && f[1] != f[2]
            })
            .count(),
        our_edges.len(),
        edge_diff.len()
    );
    for l in edge_diff.iter().take(20) {
        eprintln!("  {l}");
    }
    eprintln!(
        "debian tree: {n} packages from go; {} listed by us; Dir mismatches {}, error mismatches {}, missing {}",
        ours.len(),
        dir_mismatch.len(),
        err_mismatch.len(),
        missing.len()
    );
    for l in dir_mismatch
        .iter()
        .chain(&err_mismatch)
        .chain(&missing)
        .take(30)
    {
        eprintln!("  {l}");
    }
    assert!(
        dir_mismatch.is_empty() && missing.is_empty(),
        "Dir mismatches or missing packages"
    );
    assert!(err_mismatch.is_empty(), "error text mismatches");
    assert!(edge_diff.is_empty(), "import edge mismatches");
}
