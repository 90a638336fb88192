//! Helpers shared by the integration tests: where the repository and the shared data live.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod oracle;
pub mod serve;
pub mod temp;

/// The repository root (the directory holding `Cargo.toml`, `crate/`, `tests/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate/ has a parent")
        .to_path_buf()
}

/// The shared data directory: `$MODSCOPE_SHARED`, else `shared/` beside the repository.
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MODSCOPE_SHARED") {
        return PathBuf::from(dir);
    }
    repo_root()
        .parent()
        .expect("repository has a parent")
        .join("shared")
}

/// The files under `dir` whose names `keep` accepts, recursively, in path order (an unreadable
/// directory contributes nothing).
pub fn files_under(dir: &std::path::Path, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, keep, out);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, keep, &mut out);
    out
}

/// A rule table from `shared/spec/cases/`, parsed.
pub fn case_table(name: &str) -> serde_json::Value {
    let path = shared_dir().join("spec/cases").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The `go` command for differential tests, or `None` when it is not installed. Under CI (`CI` set)
/// a missing `go` is a failure, not a skip: CI installs it.
pub fn go_command() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("go"))
            .find(|p| p.is_file())
    });
    if found.is_none() && std::env::var_os("CI").is_some() {
        panic!("the go command is required under CI for differential tests (install golang-go)");
    }
    found
}

/// The Go 1.19 source tree (`$GOROOT/src`) of the installed go command, for tests that read the go
/// command's own test data. `None` when no Go is installed (a failure under CI, which installs it).
pub fn go_src_dir() -> Option<PathBuf> {
    let go = go_command()?;
    let out = std::process::Command::new(go)
        .args(["env", "GOROOT"])
        .output()
        .ok()?;
    let root = String::from_utf8(out.stdout).ok()?;
    let src = PathBuf::from(root.trim()).join("src");
    if src.join("cmd/go/testdata/mod").is_dir() {
        Some(src)
    } else if std::env::var_os("CI").is_some() {
        panic!(
            "{} has no cmd/go/testdata/mod (install golang-1.19-src)",
            src.display()
        );
    } else {
        None
    }
}

/// Runs `go list ARGS` in GOPATH mode in `cwd`: GO111MODULE=off, GOPATH `gopath`, linux/amd64
/// without cgo, no go env file or GOFLAGS, HOME and GOCACHE under `tree`. Returns (stdout,
/// stderr, exit).
pub fn go_list_gopath(
    go: &Path,
    tree: &Path,
    gopath: &str,
    cwd: &Path,
    args: &[String],
) -> (String, String, i64) {
    let out = Command::new(go)
        .arg("list")
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", tree)
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("GOCACHE", tree.join("gocache"))
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "0")
        .env("GOOS", "linux")
        .env("GOARCH", "amd64")
        .output()
        .expect("running go");
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        i64::from(out.status.code().unwrap_or(-1)),
    )
}

/// Copies directory `from` to `to` (files and directories; links are not expected).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("dir entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}
