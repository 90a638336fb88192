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
