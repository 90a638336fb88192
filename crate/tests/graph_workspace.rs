//! Workspace replacements (SPEC B/C): workspace modules that replace the same module differently
//! are the go command's error unless go.work replaces it. Each archive in
//! `tests/graph/workspace/*.txtar` resolves through the core's `graph::resolve` to what
//! `<name>.golden` holds (`list -m all`: stdout lines, then stderr), the `modscope` command on the
//! unpacked archive prints the same, and — when the go command is installed — so does
//! `go list -m all`.
//!
//! The go command prints the non-fatal "conflicting replacements found for …" line once per
//! lookup of the module (four times for `list -m all`, once for `mod graph`); modscope prints it
//! once. The comparison with the go command collapses repeated consecutive lines.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use modscope::clock::FrozenClock;
use modscope::graph::resolve::{resolve, ResolveOptions};
use modscope::modfile::txtar;
use modscope::source::MemFs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    common::repo_root().join("tests/graph/workspace")
}

fn names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures())
        .expect("tests/graph/workspace")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txtar").map(str::to_string))
        .collect();
    v.sort();
    v
}

fn archive(name: &str) -> txtar::Archive {
    let path = fixtures().join(format!("{name}.txtar"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    txtar::parse(&data)
}

/// `list -m all` through the core, on the archive as an in-memory tree rooted at `/`.
fn core_output(name: &str) -> String {
    let mut fs = MemFs::new();
    for f in archive(name).files {
        fs.insert(&f.name, f.data);
    }
    let r = resolve(&fs, &ResolveOptions::default(), &FrozenClock);
    let mut out: String = r.lines.iter().map(|l| format!("{l}\n")).collect();
    out.push_str(&r.stderr);
    out
}

fn unpack(name: &str, dir: &Path) {
    for f in &archive(name).files {
        let p = dir.join(&f.name);
        std::fs::create_dir_all(p.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(&p, &f.data).expect("write");
    }
}

/// Runs `prog list -m all` in `dir` with an empty proxy and private caches; stdout then stderr,
/// with `dir` removed from paths so the text matches the in-memory tree's.
fn run_list(prog: &Path, dir: &Path) -> String {
    let out = Command::new(prog)
        .args(["list", "-m", "all"])
        .current_dir(dir)
        .env("GOPROXY", "off")
        .env_remove("GOFLAGS")
        .env_remove("GOWORK")
        .env("GOSUMDB", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOPATH", dir.join(".gopath"))
        .env("GOMODCACHE", dir.join(".gopath/pkg/mod"))
        .env("GOEXPERIMENT", "")
        .env("NO_PROGRESS", "1")
        .output()
        .expect("running list -m all");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace(&dir.display().to_string(), "")
}

fn collapse_repeats(text: &str) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        if last != Some(line) {
            out.push_str(line);
        }
        last = Some(line);
    }
    out
}

#[test]
fn archives_match_their_golden_files() {
    let all = names();
    assert!(all.len() >= 6, "workspace fixtures: {all:?}");
    for name in &all {
        let golden = fixtures().join(format!("{name}.golden"));
        let got = core_output(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).expect("writing golden file");
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("reading {}: {e}", golden.display()));
        assert_eq!(got, want, "fixture {name}");
    }
}

#[test]
fn conflicts_fail_and_agreements_list() {
    let conflict = core_output("conflict-dirs");
    assert_eq!(
        conflict,
        "go: conflicting replacements for example.com/x:\n\t/x1\n\t/x2\nuse \"go work edit -replace example.com/x=[override]\" to resolve\n"
    );
    assert!(core_output("conflict-version").starts_with(
        "conflicting replacements found for example.com/x@v1.0.0 in workspace modules defined by /a/go.mod and /b/go.mod\n"
    ));
    assert!(core_output("same-dir").contains("example.com/x v1.0.0 => x1\n"));
    assert!(core_output("work-overrides").contains("example.com/x v1.0.0 => ./x2\n"));
}

#[test]
fn the_cli_and_the_go_command_agree() {
    let tmp = std::env::temp_dir().join(format!("modscope-graph-ws-{}", std::process::id()));
    let modscope = PathBuf::from(env!("CARGO_BIN_EXE_modscope"));
    let go = common::go_command();
    if go.is_none() {
        eprintln!("go command not installed: comparing the CLI with the golden files only");
    }
    for name in names() {
        let dir = tmp.join(&name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let dir = dir.canonicalize().expect("canonical temp dir");
        unpack(&name, &dir);
        let golden = std::fs::read_to_string(fixtures().join(format!("{name}.golden")))
            .expect("golden file");
        assert_eq!(run_list(&modscope, &dir), golden, "modscope CLI, {name}");
        if let Some(go) = &go {
            let theirs = collapse_repeats(&run_list(Path::new(go), &dir));
            assert_eq!(theirs, golden, "go list -m all, {name}");
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
