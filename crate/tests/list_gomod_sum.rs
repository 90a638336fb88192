//! `list -m -json all` outside -mod=mod: a module version's `GoMod` and `GoVersion` come from its
//! go.mod only when go.sum records that go.mod (in a workspace: go.work.sum or a module's go.sum),
//! as Go 1.19's `moduleInfo` does. Checked against the go command when it is installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `example.com/a` (a root of the main module) requires `example.com/c`; with a pruned graph the
/// go command never reads c's go.mod, so go.sum needs no line for it.
const A_MOD: &str = "module example.com/a\n\ngo 1.18\n\nrequire example.com/c v1.0.0\n";
const C_MOD: &str = "module example.com/c\n\ngo 1.18\n";
const A_SUM: &str = "example.com/a v1.0.0/go.mod h1:5RnBDoSQmxBEdQKXFaz0SrXXHSS7ka93spbZkd9J5U4=\n";
const C_SUM: &str = "example.com/c v1.0.0/go.mod h1:2G6Cwcx3soDZTi0peKejuV6JP1WmR+G6XDGhQkCz0E0=\n";
const MAIN_MOD: &str = "module example.com/m\n\ngo 1.19\n\nrequire example.com/a v1.0.0\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A file proxy with a and c, and a module cache that already holds both go.mod files.
fn proxy_and_cache(root: &Path) {
    for (name, gomod) in [("a", A_MOD), ("c", C_MOD)] {
        let v = root.join(format!("proxy/example.com/{name}/@v"));
        write(&v.join("list"), "v1.0.0\n");
        let info = r#"{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}"#;
        write(&v.join("v1.0.0.info"), info);
        write(&v.join("v1.0.0.mod"), gomod);
        let c = root.join(format!(
            ".gopath/pkg/mod/cache/download/example.com/{name}/@v"
        ));
        write(&c.join("v1.0.0.info"), info);
        write(&c.join("v1.0.0.mod"), gomod);
    }
}

/// Runs `prog list -m -json all` in `dir`, readonly, with the tree's proxy and module cache;
/// stdout then stderr with `root` removed from paths.
fn run_list(prog: &Path, root: &Path, dir: &Path, gowork: bool) -> String {
    let mut cmd = Command::new(prog);
    cmd.args(["list", "-m", "-json", "all"])
        .current_dir(dir)
        .env(
            "GOPROXY",
            format!("file://{}", root.join("proxy").display()),
        )
        .env_remove("GOFLAGS")
        .env("GOSUMDB", "off")
        .env("GONOSUMDB", "")
        .env("GOTOOLCHAIN", "local")
        .env("GOPATH", root.join(".gopath"))
        .env("GOMODCACHE", root.join(".gopath/pkg/mod"))
        .env("GOEXPERIMENT", "")
        .env("NO_PROGRESS", "1");
    if !gowork {
        cmd.env("GOWORK", "off");
    } else {
        cmd.env_remove("GOWORK");
    }
    let out = cmd.output().expect("running list -m -json all");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace(&root.display().to_string(), "$ROOT")
}

/// The JSON object of `path` in `list -m -json` output.
fn module<'a>(out: &'a str, path: &str) -> &'a str {
    let key = format!("\t\"Path\": \"{path}\",");
    let start = out
        .find(&key)
        .unwrap_or_else(|| panic!("{path} not listed:\n{out}"));
    let end = out[start..].find("\n}").map_or(out.len(), |e| start + e);
    &out[start..end]
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modscope-gomodsum-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.canonicalize().expect("canonical temp dir")
}

/// Checks modscope's output for a tree (and the go command's, when installed); `c_described`
/// says whether c's go.mod is described (GoMod and GoVersion).
fn check(root: &Path, dir: &Path, gowork: bool, c_described: bool, what: &str) {
    let modscope = PathBuf::from(env!("CARGO_BIN_EXE_modscope"));
    let ours = run_list(&modscope, root, dir, gowork);
    let a = module(&ours, "example.com/a");
    assert!(
        a.contains(
            "\"GoMod\": \"$ROOT/.gopath/pkg/mod/cache/download/example.com/a/@v/v1.0.0.mod\""
        ),
        "{what}: {ours}"
    );
    let c = module(&ours, "example.com/c");
    assert_eq!(c.contains("\"GoMod\""), c_described, "{what}: {ours}");
    assert_eq!(
        c.contains("\"GoVersion\": \"1.18\""),
        c_described,
        "{what}: {ours}"
    );
    if let Some(go) = common::go_command() {
        let theirs = run_list(Path::new(&go), root, dir, gowork);
        assert_eq!(ours, theirs, "{what}: modscope vs go list -m -json all");
    }
}

#[test]
fn readonly_main_module_describes_only_summed_go_mod_files() {
    let root = temp("module");
    proxy_and_cache(&root);
    let m = root.join("m");
    write(&m.join("go.mod"), MAIN_MOD);
    write(&m.join("go.sum"), A_SUM);
    check(&root, &m, false, false, "go.sum without c");
    write(&m.join("go.sum"), &format!("{A_SUM}{C_SUM}"));
    check(&root, &m, false, true, "go.sum with c");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn workspace_describes_go_mod_files_summed_in_any_of_its_sum_files() {
    let root = temp("work");
    proxy_and_cache(&root);
    let w = root.join("w");
    write(&w.join("go.work"), "go 1.19\n\nuse ./m\n");
    write(&w.join("m/go.mod"), MAIN_MOD);
    write(&w.join("m/go.sum"), A_SUM);
    check(&root, &w, true, false, "no sum for c");
    write(&w.join("go.work.sum"), C_SUM);
    check(&root, &w, true, true, "c in go.work.sum");
    std::fs::remove_file(w.join("go.work.sum")).expect("rm go.work.sum");
    write(&w.join("m/go.sum"), &format!("{A_SUM}{C_SUM}"));
    check(&root, &w, true, true, "c in the module's go.sum");
    let _ = std::fs::remove_dir_all(&root);
}
