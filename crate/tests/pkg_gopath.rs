//! GOPATH-mode lookup over an in-memory tree: the layout of `shared/oracle/gopath_check.py`, the
//! go command's error texts, minimal module compatibility, and the gopkg index agreeing with the
//! linear scan on every lookup.

use modscope::clock::FrozenClock;
use modscope::pkg::constraint::BuildContext;
use modscope::pkg::gopath::{GopathConfig, GorootMode, Importer, Resolver};
use modscope::pkg::index::GopkgIndex;
use modscope::report::trace::{EventKind, Trace};
use modscope::source::MemFs;

/// The tree of gopath_check.py under /t, plus a GOROOT with fmt.
fn tree() -> MemFs {
    let files: &[(&str, &str)] = &[
        ("t/a/src/example.com/p/p.go", "package p\n"),
        ("t/b/src/example.com/p/p.go", "package p\n"),
        ("t/b/src/example.com/q/q.go", "package q\n"),
        ("t/c/src/example.com/r/r.go", "package r\n"),
        ("t/a/src/example.com/app/app.go", "package app\n\nimport (\n\t_ \"example.com/p\"\n\t_ \"example.com/q\"\n\t_ \"example.com/r\"\n\t_ \"example.com/v\"\n\t_ \"example.com/w\"\n\t_ \"fmt\"\n)\n"),
        ("t/a/src/example.com/app/vendor/example.com/v/v.go", "package v\n\nimport _ \"example.com/x\"\n"),
        ("t/a/src/example.com/app/vendor/example.com/q/q.go", "package q\n"),
        ("t/a/src/example.com/app/vendor/example.com/v/vendor/example.com/x/x.go", "package x\n"),
        ("t/a/src/example.com/vendor/example.com/w/w.go", "package w\n"),
        ("t/b/src/example.com/vendor/example.com/r/r.go", "package r\n"),
        ("t/a/src/fmt/fmt.go", "package fmt\n"),
        ("t/a/src/example.com/other/other.go", "package other\n\nimport _ \"example.com/v\"\n"),
        ("goroot/src/fmt/print.go", "package fmt\n"),
        // minimal module compatibility: m/v2/sub is m/sub when m/go.mod says module m/v2
        ("t/a/src/example.com/m/go.mod", "module example.com/m/v2\n"),
        ("t/a/src/example.com/m/sub/s.go", "package sub\n"),
        ("t/a/src/example.com/modusr/go.mod", "module example.com/modusr\n"),
        ("t/a/src/example.com/modusr/u.go", "package modusr\n"),
        ("t/a/src/example.com/empty/README", "nothing\n"),
    ];
    let mut fs = MemFs::new();
    for (p, c) in files {
        fs.insert(p, c.as_bytes().to_vec());
    }
    fs
}

fn config() -> GopathConfig {
    GopathConfig {
        goroot: "/goroot".into(),
        goroot_mode: GorootMode::Fs,
        gopath: vec!["/t/a".into(), "/t/b".into(), "/t/c".into()],
        ctx: BuildContext::default(),
    }
}

fn importer(r: &mut Resolver, path: &str) -> Importer {
    let res = r.config().gopath.iter().find_map(|g| {
        let dir = format!("{g}/src/{path}");
        r.fs().is_dir(&dir).then_some(dir)
    });
    let dir = res.expect("importer exists");
    let (import_path, root) = r.dir_to_import_path(&dir);
    Importer {
        import_path,
        dir,
        root,
    }
}

/// (importer, import) → expected "resolved-path dir" or "ERR=<message>".
const CASES: &[(&str, &str, &str)] = &[
    ("", "example.com/p", "example.com/p /t/a/src/example.com/p"),
    ("", "example.com/q", "example.com/q /t/b/src/example.com/q"),
    ("", "example.com/r", "example.com/r /t/c/src/example.com/r"),
    ("", "fmt", "fmt /goroot/src/fmt"),
    ("", "example.com/v", "ERR=cannot find package \"example.com/v\" in any of:\n\t/goroot/src/example.com/v (from $GOROOT)\n\t/t/a/src/example.com/v (from $GOPATH)\n\t/t/b/src/example.com/v\n\t/t/c/src/example.com/v"),
    ("example.com/app", "example.com/p", "example.com/p /t/a/src/example.com/p"),
    ("example.com/app", "example.com/q", "example.com/app/vendor/example.com/q /t/a/src/example.com/app/vendor/example.com/q"),
    ("example.com/app", "example.com/r", "example.com/r /t/c/src/example.com/r"),
    ("example.com/app", "example.com/v", "example.com/app/vendor/example.com/v /t/a/src/example.com/app/vendor/example.com/v"),
    ("example.com/app", "example.com/w", "example.com/vendor/example.com/w /t/a/src/example.com/vendor/example.com/w"),
    ("example.com/app", "fmt", "fmt /goroot/src/fmt"),
    ("example.com/app/vendor/example.com/v", "example.com/x", "example.com/app/vendor/example.com/v/vendor/example.com/x /t/a/src/example.com/app/vendor/example.com/v/vendor/example.com/x"),
    ("example.com/other", "example.com/v", "ERR=cannot find package \"example.com/v\" in any of:\n\t/t/a/src/example.com/vendor/example.com/v (vendor tree)\n\t/goroot/src/example.com/v (from $GOROOT)\n\t/t/a/src/example.com/v (from $GOPATH)\n\t/t/b/src/example.com/v\n\t/t/c/src/example.com/v"),
    ("example.com/modusr", "example.com/m/v2/sub", "example.com/m/sub /t/a/src/example.com/m/sub"),
    ("example.com/app", "example.com/m/v2/sub", "ERR=cannot find package \"example.com/m/v2/sub\" in any of:\n\t/t/a/src/example.com/app/vendor/example.com/m/v2/sub (vendor tree)\n\t/t/a/src/example.com/vendor/example.com/m/v2/sub\n\t/goroot/src/example.com/m/v2/sub (from $GOROOT)\n\t/t/a/src/example.com/m/v2/sub (from $GOPATH)\n\t/t/b/src/example.com/m/v2/sub\n\t/t/c/src/example.com/m/v2/sub"),
    ("", "example.com/empty", "example.com/empty /t/a/src/example.com/empty"),
    ("", "mod/x", "ERR=disallowed import path \"mod/x\""),
];

fn run(r: &mut Resolver, from: &str, path: &str) -> String {
    let imp = if from.is_empty() {
        None
    } else {
        Some(importer(r, from))
    };
    let res = r.resolve(path, imp.as_ref());
    match res.result {
        Ok(f) => format!("{} {}", f.import_path, f.dir),
        Err(e) => format!("ERR={e}"),
    }
}

#[test]
fn gopath_check_layout() {
    let fs = tree();
    let cfg = config();
    let clock = FrozenClock;
    let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    for (from, path, want) in CASES {
        assert_eq!(
            run(&mut r, from, path),
            *want,
            "import {path:?} from {from:?}"
        );
    }
}

/// Relative imports (what `lookup --from DIR ./x` and `list` resolve): always the local pseudo
/// path `_/<dir>`, found or not by the directory; on the command line, a directory inside a tree
/// is looked up by its import path; an absolute path is refused. Same answers with the index.
#[test]
fn relative_and_absolute_paths() {
    let fs = tree();
    let cfg = config();
    let clock = FrozenClock;
    let mut index = GopkgIndex::build(&fs, &cfg.roots(), None);
    let linear = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    let indexed = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(&mut index);
    for mut r in [linear, indexed] {
        let show = |res: modscope::pkg::gopath::Resolution| match res.result {
            Ok(f) => format!("{} {} root={}", res.import_path, f.dir, f.root),
            Err(e) => format!("{} ERR={e}", res.import_path),
        };
        let m = "/t/a/src/example.com/m";
        assert_eq!(
            show(r.resolve_local_import("./sub", m)),
            "_/t/a/src/example.com/m/sub /t/a/src/example.com/m/sub root=1"
        );
        assert_eq!(
            show(r.resolve_local_import("../m/nope", m)),
            "_/t/a/src/example.com/m/nope ERR=cannot find package \"example.com/m/nope\" in:\n\t/t/a/src/example.com/m/nope"
        );
        assert_eq!(
            show(r.resolve_local_import("./x", "/elsewhere")),
            "_/elsewhere/x ERR=cannot find package \".\" in:\n\t/elsewhere/x"
        );
        assert_eq!(
            show(r.resolve_local("./sub", m)),
            "example.com/m/sub /t/a/src/example.com/m/sub root=1"
        );
        assert_eq!(
            show(r.resolve_local("./nope", m)),
            "example.com/m/nope ERR=cannot find package \"example.com/m/nope\" in any of:\n\t/goroot/src/example.com/m/nope (from $GOROOT)\n\t/t/a/src/example.com/m/nope (from $GOPATH)\n\t/t/b/src/example.com/m/nope\n\t/t/c/src/example.com/m/nope"
        );
        assert_eq!(
            show(r.resolve_local("/t/elsewhere", "/")),
            "/t/elsewhere ERR=import \"/t/elsewhere\": cannot import absolute path"
        );
        assert_eq!(
            show(r.resolve("a\u{1}b", None)),
            "a\u{1}b ERR=cannot find package \"a\\x01b\" in any of:\n\t/goroot/src/a\u{1}b (from $GOROOT)\n\t/t/a/src/a\u{1}b (from $GOPATH)\n\t/t/b/src/a\u{1}b\n\t/t/c/src/a\u{1}b"
        );
    }
}

#[test]
fn index_agrees_with_linear_scan() {
    let fs = tree();
    let cfg = config();
    let clock = FrozenClock;
    let mut index = GopkgIndex::build(&fs, &cfg.roots(), None);
    // Round-trip through the persisted form too.
    let mut index2 = GopkgIndex::decode(&index.encode()).expect("decodes");
    for ix in [&mut index, &mut index2] {
        let mut r = Resolver::new(&fs, &cfg, Trace::recording(), &clock).with_index(ix);
        for (from, path, want) in CASES {
            assert_eq!(
                run(&mut r, from, path),
                *want,
                "indexed: import {path:?} from {from:?}"
            );
        }
        assert!(r.trace.events.iter().any(|e| e.kind == EventKind::IndexHit));
    }
}

#[test]
fn not_a_package_and_trace() {
    let fs = tree();
    let cfg = config();
    let clock = FrozenClock;
    let mut r = Resolver::new(&fs, &cfg, Trace::recording(), &clock);
    let res = r.resolve("example.com/empty", None);
    let found = res.result.expect("directory exists");
    let p = r.load(&found);
    assert_eq!(
        p.error.map(|e| e.to_string()).as_deref(),
        Some("no Go files in /t/a/src/example.com/empty")
    );
    let lines: Vec<String> = r.trace.events.iter().map(|e| e.x_line()).collect();
    assert!(
        lines.contains(
            &"# lookup probe: example.com/empty (/goroot/src/example.com/empty) → absent"
                .to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"# lookup probe: example.com/empty (/t/a/src/example.com/empty) → found".to_string()
        ),
        "{lines:#?}"
    );
}

#[test]
fn embedded_goroot_knows_the_standard_library() {
    let fs = tree();
    let mut cfg = config();
    cfg.goroot_mode = GorootMode::Embedded;
    let clock = FrozenClock;
    let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    let f = r.resolve("net/http", None).result.expect("std");
    assert_eq!(f.dir, "/goroot/src/net/http");
    assert!(f.goroot);
    let p = r.load(&f);
    assert!(p.imports.contains(&"golang.org/x/net/idna".to_string()));
    assert!(r.resolve("nosuch/pkg", None).result.is_err());
}

/// An importer naming a tree the resolver was not configured with (an out-of-range `root`) is
/// looked up as if it had no tree — no vendor expansion — with the index and without, never a
/// panic. (From inside example.com/app's tree, example.com/q would be its vendored copy.)
#[test]
fn importer_with_unknown_root_resolves_without_vendor_expansion() {
    let fs = tree();
    let cfg = config();
    let clock = FrozenClock;
    let run_outside = |r: &mut Resolver| {
        let mut imp = importer(r, "example.com/app");
        imp.root = Some(usize::MAX);
        let res = r.resolve("example.com/q", Some(&imp));
        res.result.map(|f| f.dir).map_err(|e| e.to_string())
    };
    let want = Ok("/t/b/src/example.com/q".to_string());
    let mut scan = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    assert_eq!(run_outside(&mut scan), want);
    let mut index = GopkgIndex::build(&fs, &cfg.roots(), None);
    let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(&mut index);
    assert_eq!(run_outside(&mut r), want);
}

mod common;

use modscope::native::cli::list_pkgs::{list_output_with, PkgListArgs};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The on-disk tree of the `list` table: two GOPATH entries and directories outside both.
const LIST_FILES: &[(&str, &str)] = &[
    (
        "g1/src/ex.com/app/app.go",
        "package app\n\nimport (\n\t\"./local\"\n\t\"./sub\"\n\t\"ex.com/v\"\n\t\"ex.com/lib\"\n\t\"ex.com/missing\"\n\t\"x.com/a/internal/i\"\n\t\"ex.com/app/vendor/ex.com/w\"\n\t\"unsafe\"\n)\n",
    ),
    ("g1/src/ex.com/app/sub/s.go", "package sub\n"),
    ("g1/src/ex.com/app/vendor/ex.com/v/v.go", "package v\n"),
    ("g1/src/ex.com/app/vendor/ex.com/w/w.go", "package w\n"),
    ("g2/src/ex.com/lib/lib.go", "package lib\n\nimport _ \"ex.com/app/vendor/ex.com/v\"\n"),
    ("g1/src/x.com/a/internal/i/i.go", "package i\n"),
    ("g1/src/ex.com/empty/README", "not a package\n"),
    ("g1/src/ex.com/useempty/u.go", "package useempty\n\nimport _ \"ex.com/empty\"\n"),
    ("g1/src/ex.com/cyc/a/a.go", "package a\n\nimport _ \"ex.com/cyc/b\"\n"),
    ("g1/src/ex.com/cyc/b/b.go", "package b\n\nimport _ \"ex.com/cyc/a\"\n"),
    (
        "out/p/p.go",
        "package p\n\nimport (\n\t\"./sub\"\n\t\"./nosub\"\n\t\"../p/sub2\"\n\t\".\"\n)\n",
    ),
    ("out/p/sub/s.go", "package sub\n"),
    ("out/p/sub2/s.go", "package sub2\n"),
    ("out/q/q.go", "package q\n\nimport (\n\t\"./r\"\n\t\"ex.com/lib\"\n)\n"),
    ("out/q/r/r.go", "package r\n"),
    (
        "g1/src/ex.com/imp/i.go",
        "package imp\n\nimport (\n\t_ \"mod/x\"\n\t_ \"x@v1\"\n)\n",
    ),
];

/// Symbolic links of the tree (link, target): `...` patterns do not follow them and warn.
const LIST_LINKS: &[(&str, &str)] = &[
    ("g1/src/ex.com/zlink", "../x.com"),
    ("g1/src/ex.com/.hidden", "../x.com"),
];

/// The fields modscope's `list -json` reports; the go command's other fields are dropped before
/// comparing.
const LIST_FIELDS: &[&str] = &[
    "Dir",
    "ImportPath",
    "Name",
    "Root",
    "Module",
    "Goroot",
    "Standard",
    "Incomplete",
    "GoFiles",
    "IgnoredGoFiles",
    "Imports",
    "ImportMap",
    "Deps",
    "Error",
    "DepsErrors",
    "TestGoFiles",
    "XTestGoFiles",
];

struct ListTree(PathBuf);

impl Drop for ListTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn list_tree() -> ListTree {
    let dir = std::env::temp_dir().join(format!("modscope-pkg-gopath-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in LIST_FILES {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    for (link, target) in LIST_LINKS {
        std::os::unix::fs::symlink(target, dir.join(link)).expect("symlink");
    }
    ListTree(dir)
}

/// The output as compared: `-json` objects reduced to [`LIST_FIELDS`], other output as text.
fn list_stdout(stdout: &str, json_out: bool) -> Value {
    if !json_out {
        return Value::String(stdout.to_string());
    }
    let objs: Vec<Value> = serde_json::Deserializer::from_str(stdout)
        .into_iter::<Value>()
        .map(|v| {
            let mut v = v.expect("a JSON object");
            if let Value::Object(m) = &mut v {
                m.retain(|k, _| LIST_FIELDS.contains(&k.as_str()));
            }
            v
        })
        .collect();
    Value::Array(objs)
}

fn go_list_in(go: &Path, tree: &Path, cwd: &Path, args: &[String]) -> (String, String, i64) {
    let gopath = format!(
        "{}:{}",
        tree.join("g1").display(),
        tree.join("g2").display()
    );
    common::go_list_gopath(go, tree, &gopath, cwd, args)
}

fn ours_in(tree: &Path, goroot: &str, cwd: &Path, args: &[String]) -> (String, String, i64) {
    let mut a = PkgListArgs::default();
    let mut it = args.iter();
    while let Some(x) = it.next() {
        match x.as_str() {
            "-e" => a.e = true,
            "-deps" => a.deps = true,
            "-json" => a.json = true,
            "-f" => a.format = it.next().cloned(),
            p => a.patterns.push(p.to_string()),
        }
    }
    let cfg = GopathConfig {
        goroot: goroot.to_string(),
        goroot_mode: GorootMode::Fs,
        gopath: vec![
            tree.join("g1").to_string_lossy().to_string(),
            tree.join("g2").to_string_lossy().to_string(),
        ],
        ctx: BuildContext::default(),
    };
    let o = list_output_with(&a, cwd, &cfg);
    (o.stdout, o.stderr, i64::from(o.exit))
}

/// `list` in GOPATH mode against the go command: relative imports (from packages inside and
/// outside the trees, `.`, missing directories), command-line directories, absolute paths,
/// internal / vendor / relative-import refusals with their positions and import stacks, the
/// error a package keeps when it is reached again by a shorter path, import cycles, what is
/// printed on stderr without `-e`, the standard library's files, and the `std` and `all`
/// patterns. The table `tests/pkg_gopath/cases.json` holds what Go 1.19 printed (`$TREE` and
/// `$GOROOT` for the directories); where go is installed it is run too and must agree with the
/// table (`MODSCOPE_UPDATE_GOLDEN=1` rewrites the table from it).
#[test]
fn list_matches_go_list() {
    let table = common::repo_root().join("tests/pkg_gopath/cases.json");
    let text = std::fs::read_to_string(&table).expect("cases.json");
    let mut cases: Vec<Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    assert!(cases.len() >= 15, "the table lost its cases");
    let tree = list_tree();
    let tdir = tree.0.to_string_lossy().to_string();
    let go = common::go_command();
    let root = match &go {
        Some(g) => {
            let out = Command::new(g)
                .args(["env", "GOROOT"])
                .env("GOFLAGS", "")
                .output()
                .expect("go env");
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        }
        None => std::env::var("GOROOT").unwrap_or_else(|_| "/usr/lib/go".into()),
    };
    let norm = |s: &str| s.replace(&tdir, "$TREE").replace(&root, "$GOROOT");
    let update = std::env::var_os("MODSCOPE_UPDATE_GOLDEN").is_some();
    let mut bad = Vec::new();
    for c in cases.iter_mut() {
        let args: Vec<String> = c["args"]
            .as_array()
            .expect("args")
            .iter()
            .filter_map(|v| v.as_str().map(|s| s.replace("$TREE", &tdir)))
            .collect();
        let json_out = args.iter().any(|a| a == "-json");
        let cwd = tree.0.join(c["cwd"].as_str().expect("cwd"));
        let label = format!("{} {:?}", c["cwd"], c["args"]);
        let answer = |(o, e, x): (String, String, i64)| json!({"stdout": list_stdout(&norm(&o), json_out), "stderr": norm(&e), "exit": x});
        if let Some(g) = &go {
            let got = answer(go_list_in(g, &tree.0, &cwd, &args));
            for k in ["stdout", "stderr", "exit"] {
                if update {
                    c[k] = got[k].clone();
                } else if c[k] != got[k] {
                    bad.push(format!("go {label} {k}: table {} / go {}", c[k], got[k]));
                }
            }
        }
        let got = answer(ours_in(&tree.0, &root, &cwd, &args));
        for k in ["stdout", "stderr", "exit"] {
            if c[k] != got[k] {
                bad.push(format!(
                    "ours {label} {k}:\n table {}\n ours  {}",
                    c[k], got[k]
                ));
            }
        }
    }
    if update {
        let mut text = serde_json::to_string_pretty(&cases).expect("JSON");
        text.push('\n');
        std::fs::write(&table, text).expect("writing cases.json");
    }
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// A `$GOROOT` that names no directory stops `list` and `lookup` with the go command's message
/// instead of answering from a tree that is not there.
#[test]
fn missing_goroot_directory_is_the_go_commands_error() {
    for args in [&["list", "fmt"][..], &["lookup", "fmt"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_modscope"))
            .args(args)
            .env("GO111MODULE", "off")
            .env("GOROOT", "/nonexistent-goroot")
            .env("GOPATH", "/nonexistent-gopath")
            .output()
            .expect("running modscope");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "go: cannot find GOROOT directory: /nonexistent-goroot\n",
            "{args:?}"
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// A long import chain neither overflows the stack (the CLI lists on a thread with room for
/// [`MAX_IMPORT_DEPTH`] levels) nor is cut short below that depth; past the lister's depth limit
/// the package there gets an error instead of a crash.
#[test]
fn long_import_chains_are_listed_without_exhausting_the_stack() {
    use modscope::pkg::list::{Lister, MAX_IMPORT_DEPTH};
    const N: usize = 1200;
    let dir = std::env::temp_dir().join(format!("modscope-chain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for i in 0..N {
        let d = dir.join(format!("src/p{i}"));
        std::fs::create_dir_all(&d).expect("mkdir");
        let imp = if i + 1 < N {
            format!("import _ \"p{}\"\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(d.join("x.go"), format!("package p{i}\n{imp}")).expect("write");
    }
    let tree = ListTree(dir.clone());
    let cfg = GopathConfig {
        goroot: String::new(),
        goroot_mode: GorootMode::Embedded,
        gopath: vec![dir.to_string_lossy().to_string()],
        ctx: BuildContext::default(),
    };
    const { assert!(N < MAX_IMPORT_DEPTH) };
    let args = PkgListArgs {
        deps: true,
        format: Some("{{.ImportPath}}".into()),
        patterns: vec!["p0".into()],
        ..Default::default()
    };
    let out = list_output_with(&args, &dir, &cfg);
    assert_eq!((out.exit, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout.lines().count(), N);
    assert_eq!(
        out.stdout.lines().next(),
        Some(format!("p{}", N - 1).as_str())
    );

    // With a small limit, the package at the limit carries the error.
    let fs = modscope::native::fs::OsFs::new(&dir);
    let clock = FrozenClock;
    let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
    let mut lister = Lister::new(&mut r).with_max_depth(5);
    let root = lister.load_arg("p0", "/");
    let pkgs = lister.output(&[root], true);
    let errs: Vec<String> = pkgs
        .iter()
        .filter_map(|p| {
            p.error
                .as_ref()
                .map(|e| format!("{} {}", p.import_path, e.err))
        })
        .collect();
    assert_eq!(
        errs,
        vec!["p5 import chain deeper than 5 packages: not followed".to_string()]
    );
    assert_eq!(pkgs.len(), 6);
    drop(tree);
}
