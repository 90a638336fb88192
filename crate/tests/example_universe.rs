//! The playground's generated universe (`modscope example universe`) answers as the go command
//! does: `list -m all`, `mod graph` and `mod graph -go=1.16` of modscope and of Go on the same
//! files are byte-identical. The README's "Playground performance" figures are measured on this
//! universe, so what it resolves to is checked, not assumed.
//!
//! `MODSCOPE_EXAMPLE_MODULES` sets the size (default 3,000 under CI, as the README's figures use,
//! else 300). Skipped when the go command is not installed outside CI.

mod common;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_modscope");

/// Runs `program args` in `dir` with the environment the example's help text gives, and a private
/// module cache, build cache and home under `private`; returns exit code, stdout and stderr.
fn run(program: &str, args: &[&str], dir: &Path, proxy: &Path, private: &Path) -> (i32, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GOPROXY", format!("file://{}", proxy.display()))
        .env("GOFLAGS", "-mod=mod")
        .env("GOSUMDB", "off")
        .env("GOMODCACHE", private.join("modcache"))
        .env("GOCACHE", private.join("cache"))
        .env("GOPATH", private.join("gopath"))
        .env("HOME", private)
        .env("GOENV", "off")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env_remove("GOEXPERIMENT")
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn generated_universe_resolves_as_the_go_command_does() {
    let Some(go) = common::go_command() else {
        eprintln!("go not installed: skipped");
        return;
    };
    let modules = std::env::var("MODSCOPE_EXAMPLE_MODULES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(if std::env::var_os("CI").is_some() {
            3000
        } else {
            300
        });
    let root = std::env::temp_dir().join(format!("modscope-example-u-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let tree = root.join("tree");
    let status = Command::new(BIN)
        .args([
            "example",
            "universe",
            "-modules",
            &modules.to_string(),
            "-o",
        ])
        .arg(&tree)
        .status()
        .expect("running modscope example universe");
    assert!(status.success(), "modscope example universe failed");

    // Each tool works in its own copy of the main module (the go command may rewrite go.mod
    // under -mod=mod); both read the same proxy.
    let proxy = tree.join("proxy");
    let go = go.to_str().expect("go path is UTF-8").to_string();
    let mut compared = 0;
    for args in [
        vec!["list", "-m", "all"],
        vec!["mod", "graph"],
        vec!["mod", "graph", "-go=1.16"],
    ] {
        let mut answers = Vec::new();
        for (name, program) in [("go", go.as_str()), ("modscope", BIN)] {
            let dir = root.join(format!("{name}-{}", args.join("_")));
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::copy(tree.join("go.mod"), dir.join("go.mod")).expect("copy go.mod");
            answers.push(run(program, &args, &dir, &proxy, &root.join("private")));
        }
        let (ours, theirs) = (&answers[1], &answers[0]);
        assert_eq!(theirs.0, 0, "go {}: {}", args.join(" "), theirs.1);
        assert!(
            ours == theirs,
            "{modules}-module universe: modscope {} differs from go\n--- go:\n{}\n--- modscope:\n{}",
            args.join(" "),
            theirs.1,
            ours.1
        );
        compared += 1;
    }
    eprintln!("{modules}-module example universe: {compared} commands byte-identical to go");
    let _ = std::fs::remove_dir_all(&root);
}
