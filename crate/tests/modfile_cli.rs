//! `modscope mod fmt` and `modscope mod parse`: output, exit codes (0 ok, 1 findings, 2 usage).

use std::path::PathBuf;
use std::process::{Command, Output};

fn modscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modscope"))
        .args(args)
        .output()
        .expect("run modscope")
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "modscope-cli-{}-{}",
        std::process::id(),
        name.replace('/', "_")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("parent dir");
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn fmt_prints_and_rewrites() {
    let p = temp_file("go.mod", "module  m\nrequire   x.com/a v1.2\n\n\n");
    let f = p.to_str().expect("utf-8 path");
    let out = modscope(&["mod", "fmt", f]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "module m\n\nrequire x.com/a v1.2.0\n"
    );
    let out = modscope(&["mod", "fmt", "-w", f]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&p).expect("read back"),
        "module m\n\nrequire x.com/a v1.2.0\n"
    );
}

#[test]
fn fmt_errors_exit_1_with_go_wording() {
    let p = temp_file("bad.mod", "module m\nrequire x.com/a\n");
    let f = p.to_str().expect("utf-8 path");
    let out = modscope(&["mod", "fmt", f]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("{f}:2: usage: require module/path v1.2.3\n")
    );
}

#[test]
fn parse_json_and_text() {
    let p = temp_file(
        "dep/go.mod",
        "module example.com/m // Deprecated: use v2\ngo v1.2.3\nreplace x => y\nrequire x.com/a v1.0.0 // indirect\n",
    );
    let f = p.to_str().expect("utf-8 path");
    // Strict: the replace and the go version are errors.
    let out = modscope(&["mod", "parse", f]);
    assert_eq!(out.status.code(), Some(1));
    // Lax: both are ignored or repaired.
    let out = modscope(&["mod", "parse", "-lax", "-json", f]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["module"]["path"], "example.com/m");
    assert_eq!(v["module"]["deprecated"], "use v2");
    assert_eq!(v["go"]["version"], "1.2");
    assert_eq!(v["require"][0]["module"], "x.com/a@v1.0.0");
    assert_eq!(v["require"][0]["indirect"], true);
    assert_eq!(v["replace"].as_array().map(Vec::len), Some(0));
    let out = modscope(&["mod", "parse", "-lax", f]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{f}:4: require x.com/a v1.0.0 // indirect")),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(modscope(&["mod", "parse"]).status.code(), Some(2));
    assert_eq!(modscope(&["mod", "frobnicate"]).status.code(), Some(2));
    let p = temp_file("go.work", "go 1.22\n");
    let f = p.to_str().expect("utf-8 path");
    assert_eq!(
        modscope(&["mod", "parse", "-lax", f]).status.code(),
        Some(2)
    );
    assert_eq!(
        modscope(&["mod", "parse", "-json", f]).status.code(),
        Some(0)
    );
    assert_eq!(
        modscope(&["mod", "fmt", "/nonexistent/go.mod"])
            .status
            .code(),
        Some(1)
    );
    let help = modscope(&["mod", "fmt", "-help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("go mod edit -fmt"));
}
