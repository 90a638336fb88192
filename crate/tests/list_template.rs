//! `list -f` templates against the go command on real packages: a GOPATH tree whose packages
//! have vendored imports (so `ImportMap` has several keys, ranged in sorted order), standard
//! library dependencies, a missing import (an `Error` to print) and a package without imports.
//!
//! The table `tests/list_template/cases.json` holds, per case, the `list` arguments, the template
//! and what Go 1.19's `GO111MODULE=off go list` printed (stdout, stderr, exit status; the tree's
//! directory written `$TREE`). modscope must print exactly that; where the go command is
//! installed, it is run too and must still print what the table says.
//! `MODSCOPE_UPDATE_GOLDEN=1` rewrites the table from the go command.

mod common;

use modscope::native::cli::list_pkgs::{list_output_with, PkgListArgs};
use modscope::pkg::constraint::BuildContext;
use modscope::pkg::gopath::{GopathConfig, GorootMode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: &[(&str, &str)] = &[
    (
        "src/example.com/app/app.go",
        "package app\n\nimport (\n\t\"fmt\"\n\t\"example.com/zeta\"\n\t\"example.com/alpha\"\n\t\"example.com/Mid\"\n\t\"example.com/lib\"\n)\n\nvar _ = fmt.Sprint\n",
    ),
    ("src/example.com/app/vendor/example.com/zeta/z.go", "package zeta\n"),
    ("src/example.com/app/vendor/example.com/alpha/a.go", "package alpha\n\nimport \"strings\"\n"),
    ("src/example.com/app/vendor/example.com/Mid/m.go", "package mid\n"),
    ("src/example.com/lib/lib.go", "package lib\n\nimport \"example.com/nowhere\"\n"),
    ("src/example.com/bare/bare.go", "package bare\n"),
];

struct Tree {
    dir: PathBuf,
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_tree() -> Tree {
    let dir = std::env::temp_dir().join(format!("modscope-list-template-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in FILES {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    Tree { dir }
}

fn goroot(go: &Path) -> String {
    let out = Command::new(go)
        .args(["env", "GOROOT"])
        .env("GOFLAGS", "")
        .output()
        .expect("go env");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The go command's answer: (stdout, stderr, exit).
fn go_list(go: &Path, tree: &Path, args: &[String]) -> (String, String, i64) {
    let gopath = tree.display().to_string();
    common::go_list_gopath(go, tree, &gopath, &tree.join("src/example.com/app"), args)
}

fn ours(tree: &Path, goroot: &str, args: &[String]) -> (String, String, i64) {
    let mut a = PkgListArgs::default();
    let mut it = args.iter();
    while let Some(x) = it.next() {
        match x.as_str() {
            "-e" => a.e = true,
            "-deps" => a.deps = true,
            "-f" => a.format = it.next().cloned(),
            p => a.patterns.push(p.to_string()),
        }
    }
    let cfg = GopathConfig {
        goroot: goroot.to_string(),
        goroot_mode: GorootMode::Fs,
        gopath: vec![tree.to_string_lossy().to_string()],
        ctx: BuildContext::default(),
    };
    let o = list_output_with(&a, &tree.join("src/example.com/app"), &cfg);
    (o.stdout, o.stderr, i64::from(o.exit))
}

fn table_path() -> PathBuf {
    common::repo_root().join("tests/list_template/cases.json")
}

#[test]
fn templates_print_what_go_list_prints() {
    let text = std::fs::read_to_string(table_path()).expect("cases.json");
    let mut cases: Vec<Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    assert!(cases.len() >= 10, "the table lost its cases");
    let tree = make_tree();
    let tdir = tree.dir.to_string_lossy().to_string();
    let go = common::go_command();
    let root = match &go {
        Some(g) => goroot(g),
        None => String::from_utf8_lossy(
            &Command::new("sh")
                .args(["-c", "echo ${GOROOT:-/usr/lib/go}"])
                .output()
                .expect("sh")
                .stdout,
        )
        .trim()
        .to_string(),
    };
    let norm = |s: &str| s.replace(&tdir, "$TREE").replace(&root, "$GOROOT");
    let update = std::env::var_os("MODSCOPE_UPDATE_GOLDEN").is_some();
    let mut bad = Vec::new();
    for c in cases.iter_mut() {
        let mut args: Vec<String> = c["args"]
            .as_array()
            .expect("args")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let tmpl = c["template"].as_str().expect("template").to_string();
        args.insert(0, tmpl.clone());
        args.insert(0, "-f".into());
        if let Some(g) = &go {
            let (o, e, x) = go_list(g, &tree.dir, &args);
            let got = json!({"stdout": norm(&o), "stderr": norm(&e), "exit": x});
            if update {
                for k in ["stdout", "stderr", "exit"] {
                    c[k] = got[k].clone();
                }
            } else {
                for k in ["stdout", "stderr", "exit"] {
                    if c[k] != got[k] {
                        bad.push(format!("go {tmpl:?} {k}: table {} / go {}", c[k], got[k]));
                    }
                }
            }
        }
        let (o, e, x) = ours(&tree.dir, &root, &args);
        let got = json!({"stdout": norm(&o), "stderr": norm(&e), "exit": x});
        for k in ["stdout", "stderr", "exit"] {
            if c[k] != got[k] {
                bad.push(format!(
                    "ours {tmpl:?} {k}: table {} / ours {}",
                    c[k], got[k]
                ));
            }
        }
    }
    if update {
        let mut text = serde_json::to_string_pretty(&cases).expect("JSON");
        text.push('\n');
        std::fs::write(table_path(), text).expect("writing cases.json");
    }
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
