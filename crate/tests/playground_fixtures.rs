//! The playground's examples (`tests/fixtures/*.txtar`): each resolves through the core's
//! `graph::resolve` with `-mod=mod` (as the page does; a workspace — a `go.work` at the root — with
//! the default `-mod`, since workspace mode allows only readonly) to what
//! `tests/fixtures/<name>.golden` holds (what `modscope list -m all` prints: stdout, then stderr),
//! and — when the go command is installed — to what `go list -m all` prints on the unpacked
//! archive with `GOPROXY=file://…/proxy`. What the WASM's `resolve` answers
//! (`inspect::tree::resolve_tree`, with and without the modfile cache) is the same text.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use modscope::cache::store::DEFAULT_MEMORY_BYTES;
use modscope::cache::ModfileCache;
use modscope::clock::FrozenClock;
use modscope::graph::resolve::{resolve, Resolution, ResolveOptions};
use modscope::inspect::tree::{resolve_tree, TreeOptions};
use modscope::modfile::txtar;
use modscope::source::MemFs;
use std::path::{Path, PathBuf};

const EXAMPLES: &[&str] = &[
    "gosum-mismatch",
    "import-missing",
    "pruning-go116",
    "pruning-go117",
    "replace-exclude",
    "replace-no-gomod",
    "version-drift",
    "workspace",
];

fn fixtures() -> PathBuf {
    common::repo_root().join("tests/fixtures")
}

fn archive(name: &str) -> txtar::Archive {
    let path = fixtures().join(format!("{name}.txtar"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    txtar::parse(&data)
}

/// Whether the archive is a workspace: a `go.work` at its root (the page then leaves `-mod` unset).
fn is_workspace(a: &txtar::Archive) -> bool {
    a.files.iter().any(|f| f.name == "go.work")
}

/// What modscope prints for `list -m all` on the example: stdout lines, then stderr.
fn modscope_output(name: &str) -> String {
    let a = archive(name);
    let workspace = is_workspace(&a);
    let mut fs = MemFs::new();
    for f in a.files {
        fs.insert(&f.name, f.data);
    }
    let opts = ResolveOptions {
        build_mod: (!workspace).then(|| "mod".to_string()),
        ..ResolveOptions::default()
    };
    let r = resolve(&fs, &opts, &FrozenClock);
    let printed = |r: &Resolution| {
        let mut out: String = r.lines.iter().map(|l| format!("{l}\n")).collect();
        out.push_str(&r.stderr);
        out
    };
    // The WASM's `resolve` answers through inspect::tree (without and with the modfile cache):
    // the same text.
    let tree = TreeOptions {
        resolve: opts,
        go: None,
    };
    let uncached = resolve_tree(&fs, &tree, &FrozenClock, None);
    assert_eq!(
        printed(&uncached),
        printed(&r),
        "example {name}: inspect::tree::resolve_tree"
    );
    let cache = ModfileCache::new(DEFAULT_MEMORY_BYTES);
    let cached = resolve_tree(&fs, &tree, &FrozenClock, Some(&cache));
    assert_eq!(
        printed(&cached),
        printed(&r),
        "example {name}: resolve_tree with the modfile cache"
    );
    printed(&r)
}

#[test]
fn examples_match_their_golden_files() {
    for name in EXAMPLES {
        let golden = fixtures().join(format!("{name}.golden"));
        let got = modscope_output(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).expect("writing golden file");
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("reading {}: {e}", golden.display()));
        assert_eq!(got, want, "example {name}");
    }
}

#[test]
fn every_example_is_listed_and_the_examples_differ_where_they_should() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txtar").map(str::to_string))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, EXAMPLES);
    // The pruning pair has the same requirements; only the go line (and so the build list) differs.
    assert_ne!(
        modscope_output("pruning-go116"),
        modscope_output("pruning-go117")
    );
    assert!(modscope_output("version-drift").contains("example.com/b v1.1.0\n"));
    assert!(modscope_output("gosum-mismatch").contains(": checksum mismatch\n"));
    assert!(modscope_output("workspace").starts_with("example.com/a\nexample.com/b\n"));
}

fn unpack(a: &txtar::Archive, dir: &Path) {
    for f in &a.files {
        let p = dir.join(&f.name);
        std::fs::create_dir_all(p.parent().expect("file has a parent")).expect("mkdir");
        std::fs::write(&p, &f.data).expect("write");
    }
}

#[test]
fn examples_match_the_go_command() {
    let Some(go) = common::go_command() else {
        eprintln!("go command not installed: skipping");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("modscope-fixtures-{}", std::process::id()));
    for name in EXAMPLES {
        let dir = tmp.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let dir = dir.canonicalize().expect("canonical temp dir");
        let a = archive(name);
        unpack(&a, &dir);
        let mut cmd = std::process::Command::new(&go);
        cmd.args(["list", "-m", "all"]);
        if is_workspace(&a) {
            cmd.env_remove("GOFLAGS").env_remove("GOWORK");
        } else {
            cmd.env("GOFLAGS", "-mod=mod").env("GOWORK", "off");
        }
        let out = cmd
            .current_dir(&dir)
            .env("GOPROXY", format!("file://{}/proxy", dir.display()))
            .env("GOSUMDB", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOPATH", dir.join(".gopath"))
            .env("GOMODCACHE", dir.join(".gopath/pkg/mod"))
            .output()
            .expect("running go");
        // The tree's root is `/` in modscope and the temp directory for the go command.
        let go_text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .replace(&dir.display().to_string(), "");
        assert_eq!(modscope_output(name), go_text, "example {name}");
        // The module cache is read-only; make it removable.
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(&dir)
            .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
