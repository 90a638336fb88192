//! The watched gopkg index of `modscope serve`: packages added, removed and renamed, vendor
//! directories added, directories replaced under the same name, between two requests — the
//! second answer equals the scan's (a fresh CLI run without the index) and its steps show the
//! rebuild. In-process, the same index answers repeated lookups with no `stat` at all.

mod common;

use common::temp::TempTree;

use modscope::native::fs::OsFs;
use modscope::native::watch::WatchedGopkg;
use modscope::pkg::constraint::BuildContext;
use modscope::pkg::gopath::{GopathConfig, GorootMode, Importer, Resolver};
use modscope::report::trace::Trace;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The GOPATH `<t>/gp` (GOROOT `<t>/goroot`, module cache `<t>/cache`) and its roots opened as
/// a watched index, which must be watching.
fn watched_gopath(t: &TempTree) -> (GopathConfig, WatchedGopkg) {
    let cfg = GopathConfig {
        goroot: t.path("goroot").display().to_string(),
        goroot_mode: GorootMode::Fs,
        gopath: vec![t.path("gp").display().to_string()],
        ctx: BuildContext::default(),
    };
    std::env::set_var("MODSCOPE_CACHE", t.path("cache"));
    let mut trace = Trace::off();
    let g = WatchedGopkg::open(&cfg.roots(), &mut trace, &modscope::clock::FrozenClock, 2);
    assert!(g.watching(), "{:?}", g.fallback_reason);
    (cfg, g)
}

struct Serve {
    child: Child,
    addr: String,
}

impl Serve {
    fn start(env: &[(&str, String)], cwd: &Path) -> Serve {
        Serve::start_with(env, cwd, None)
    }

    /// With `log`: run with `-x`, its stderr going to that file.
    fn start_with(env: &[(&str, String)], cwd: &Path, log: Option<&Path>) -> Serve {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_modscope"));
        cmd.args(["serve", "-addr", "127.0.0.1:0", "--gopkg-cache"])
            .current_dir(cwd)
            .stdout(Stdio::piped());
        match log {
            Some(f) => {
                cmd.arg("-x")
                    .stderr(Stdio::from(std::fs::File::create(f).unwrap()));
            }
            None => {
                cmd.stderr(Stdio::null());
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (child, addr) = common::serve::spawn(&mut cmd);
        Serve { child, addr }
    }

    /// The status and body of `GET target`.
    fn get(&self, target: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\n\r\n").as_bytes())
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        let status = buf[9..12].parse().unwrap();
        (status, buf[buf.find("\r\n\r\n").unwrap() + 4..].to_string())
    }

    fn lookup(&self, path: &str, from: Option<&Path>) -> Value {
        let mut target = format!("/api/lookup?path={path}");
        if let Some(f) = from {
            target.push_str(&format!("&from={}", f.display()));
        }
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\n\r\n").as_bytes())
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        assert!(buf.starts_with("HTTP/1.1 200"), "{target}: {buf}");
        let body = &buf[buf.find("\r\n\r\n").unwrap() + 4..];
        serde_json::from_str(body).unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The answer of a fresh CLI run with the linear scan (no index).
fn scan(env: &[(&str, String)], cwd: &Path, path: &str, from: Option<&Path>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_modscope"));
    cmd.args(["lookup", path, "--json"]).current_dir(cwd);
    if let Some(f) = from {
        cmd.arg("--from").arg(f);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn answer(v: &Value) -> Vec<Option<&Value>> {
    ["ImportPath", "Dir", "Error", "NotAPackage"]
        .iter()
        .map(|k| v.get(*k))
        .collect()
}

fn rebuilt(v: &Value) -> bool {
    v["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "index-rebuild")
}

#[test]
fn changes_between_requests_are_seen_through_the_watcher() {
    let t = TempTree::new("watch", "changes");
    t.write("gp/src/example.com/a/a.go", "package a\n");
    t.write("gp/src/example.com/b/b.go", "package b\n");
    t.write("gp/src/example.com/app/main.go", "package main\n");
    t.write("gp/src/example.com/empty/README", "none\n");
    t.write("gp/src/example.com/other/x/x.go", "package x\n");
    t.write("gp/src/example.com/other/y/README", "none\n");
    let env = vec![
        ("GO111MODULE", "off".to_string()),
        ("GOPATH", t.path("gp").display().to_string()),
        ("GOEXPERIMENT", String::new()),
        ("MODSCOPE_CACHE", t.path("cache").display().to_string()),
    ];
    let srv = Serve::start(&env, &t.0);
    let app = t.path("gp/src/example.com/app");
    let src = t.path("gp/src/example.com");
    let check = |path: &str, from: Option<&Path>, want_rebuild: bool| {
        let got = srv.lookup(path, from);
        let want = scan(&env, &t.0, path, from);
        assert_eq!(answer(&got), answer(&want), "{path} from {from:?}: {got:#}");
        if want_rebuild {
            assert!(rebuilt(&got), "{path}: no rebuild step in {got:#}");
        }
        got
    };
    // Warm up every answer once (the index is built and watched at start).
    for p in [
        "example.com/a",
        "example.com/b",
        "example.com/new",
        "example.com/empty",
    ] {
        check(p, None, false);
        check(p, Some(&app), false);
    }
    check("example.com/other/y", None, false);
    let v = check("example.com/a", None, false);
    assert!(v.get("Error").is_none());

    // Added package.
    t.write("gp/src/example.com/new/new.go", "package new\n");
    let v = check("example.com/new", None, true);
    assert!(v.get("Error").is_none(), "{v:#}");

    // Removed package.
    std::fs::remove_dir_all(src.join("a")).unwrap();
    let v = check("example.com/a", None, true);
    assert!(v.get("Error").is_some(), "{v:#}");

    // Renamed package: the old path is gone, the new one found.
    std::fs::rename(src.join("b"), src.join("renamed")).unwrap();
    let v = check("example.com/renamed", None, true);
    assert!(v.get("Error").is_none(), "{v:#}");
    let v = check("example.com/b", None, false);
    assert!(v.get("Error").is_some(), "{v:#}");

    // A vendor directory added above the importer.
    t.write(
        "gp/src/example.com/app/vendor/example.com/a/a.go",
        "package a\n",
    );
    let v = check("example.com/a", Some(&app), true);
    assert_eq!(v["ImportPath"], "example.com/app/vendor/example.com/a");

    // A Go file added to a directory that had none: no longer "no Go files".
    let before = check("example.com/empty", None, false);
    t.write("gp/src/example.com/empty/e.go", "package empty\n");
    let after = check("example.com/empty", None, false);
    assert_ne!(answer(&before), answer(&after));

    // A directory replaced by another under the same name (the listing of the parent is the
    // same; only the watch of the name tells).
    std::fs::rename(src.join("other"), t.path("gp/other-old")).unwrap();
    t.write("gp/src/example.com/other/y/y.go", "package y\n");
    let v = check("example.com/other/y", None, true);
    assert!(v.get("Error").is_none(), "{v:#}");
    let v = check("example.com/other/x", None, false);
    assert!(v.get("Error").is_some(), "{v:#}");

    // A directory moved in from outside the trees, then changed inside: its new path is
    // watched.
    t.write("outside/pkg/p.go", "package pkg\n");
    std::fs::rename(t.path("outside/pkg"), src.join("moved")).unwrap();
    check("example.com/moved", None, true);
    t.write("gp/src/example.com/moved/sub/s.go", "package sub\n");
    let v = check("example.com/moved/sub", None, true);
    assert!(v.get("Error").is_none(), "{v:#}");

    // The directory moved away keeps no watch under the old name: changes there after the
    // move are not mistaken for the old path, and the old path stays absent.
    t.write("gp/other-old/x/z.go", "package x\n");
    let v = check("example.com/other/x", None, false);
    assert!(v.get("Error").is_some(), "{v:#}");
}

#[test]
fn unchanged_trees_need_no_stat_per_request() {
    let t = TempTree::new("watch", "nostat");
    for i in 0..20 {
        t.write(&format!("gp/src/example.com/p{i}/p.go"), "package p\n");
    }
    t.write(
        "gp/src/example.com/app/vendor/example.com/v/v.go",
        "package v\n",
    );
    t.write("gp/src/example.com/app/main.go", "package main\n");
    let (cfg, mut g) = watched_gopath(&t);
    let clock = modscope::clock::FrozenClock;
    assert_eq!(g.setup.watches, g.setup.dirs);
    let app = t.path("gp/src/example.com/app").display().to_string();
    let run = |g: &mut WatchedGopkg| {
        g.begin();
        let (fs, ix) = g.parts(&t.0);
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(ix);
        let (import_path, root) = r.dir_to_import_path(&app);
        let imp = Importer {
            import_path,
            dir: app.clone(),
            root,
        };
        let mut out = Vec::new();
        for i in 0..22 {
            let p = format!(
                "example.com/{}",
                if i == 21 {
                    "v".to_string()
                } else {
                    format!("p{i}")
                }
            );
            let res = r.resolve(&p, Some(&imp));
            out.push(res.result.map(|f| f.dir).map_err(|e| e.to_string()));
        }
        out
    };
    let first = run(&mut g);
    let stats = g.index.stats;
    // Later requests over unchanged trees: no stat, no listing, no rebuild.
    for _ in 0..3 {
        assert_eq!(run(&mut g), first);
        assert_eq!(g.index.stats.validated, stats.validated);
        assert_eq!(g.index.stats.listed, stats.listed);
        assert_eq!(g.index.stats.rebuilds, stats.rebuilds);
    }
    assert!(first[21]
        .as_ref()
        .unwrap()
        .ends_with("app/vendor/example.com/v"));
    // One change: one listing or rebuild, and the new answer.
    std::fs::remove_dir_all(t.path("gp/src/example.com/p3")).unwrap();
    let after = run(&mut g);
    assert!(after[3].is_err(), "{:?}", after[3]);
    assert_eq!(after[4], first[4]);
    assert!(g.index.stats.rebuilds + g.index.stats.listed > stats.rebuilds + stats.listed);
    drop(OsFs::new(&t.0));
}

#[test]
fn an_overflowed_queue_rewalks_what_lookups_rely_on() {
    let t = TempTree::new("watch", "overflow");
    t.write("gp/src/example.com/a/a.go", "package a\n");
    t.write("gp/src/example.com/b/b.go", "package b\n");
    let (cfg, mut g) = watched_gopath(&t);
    let clock = modscope::clock::FrozenClock;
    let lookup = |g: &mut WatchedGopkg, p: &str| {
        let (fs, ix) = g.parts(&t.0);
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index(ix);
        r.resolve(p, None)
            .result
            .map(|f| f.dir)
            .map_err(|e| e.to_string())
    };
    assert!(g.begin().events == 0);
    assert!(lookup(&mut g, "example.com/a").is_ok());
    // More notifications than the kernel queues (max_queued_events), plus a rename among them.
    let max: usize = std::fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(16384);
    let many = t.path("gp/src/example.com/b");
    for i in 0..max + 100 {
        std::fs::write(many.join(format!("f{}", i % 64)), [i as u8]).unwrap();
    }
    // A rename and a new directory under the old name, whose notifications are lost: the old
    // path's watch is on the renamed directory now.
    std::fs::rename(
        t.path("gp/src/example.com/a"),
        t.path("gp/src/example.com/c"),
    )
    .unwrap();
    t.write("gp/src/example.com/a/new.go", "package a\n");
    let d = g.begin();
    assert!(d.overflow, "{d:?}");
    assert!(g.watching());
    assert!(lookup(&mut g, "example.com/c").is_ok());
    assert!(lookup(&mut g, "example.com/a").is_ok());
    assert!(lookup(&mut g, "example.com/a/sub").is_err());
    // A change inside the new directory is seen: it is watched, not its predecessor.
    t.write("gp/src/example.com/a/sub/s.go", "package sub\n");
    g.begin();
    assert!(lookup(&mut g, "example.com/a/sub").is_ok());
    // The new instance watches what the rewalk listed: a later change is seen again.
    std::fs::remove_dir_all(t.path("gp/src/example.com/c")).unwrap();
    let d = g.begin();
    assert!(!d.overflow && d.events > 0, "{d:?}");
    assert!(lookup(&mut g, "example.com/c").is_err());
}

/// `modscope list` run fresh by the CLI with the linear scan (no index): stdout.
fn cli_list(env: &[(&str, String)], cwd: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_modscope"));
    cmd.arg("list").args(args).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn kept_memos_answer_unchanged_requests_and_are_dropped_on_change() {
    let t = TempTree::new("watch", "memos");
    let main = |imports: &[&str]| {
        let mut s = "package main\n\nimport (\n".to_string();
        for i in imports {
            s.push_str(&format!("\t_ \"{i}\"\n"));
        }
        s.push_str(")\n");
        s
    };
    let imports = [
        "example.com/a",
        "example.com/b",
        "example.com/renamed",
        "example.com/new",
    ];
    t.write("gp/src/example.com/a/a.go", "package a\n");
    t.write(
        "gp/src/example.com/b/b.go",
        "package b\n\nimport _ \"example.com/a\"\n",
    );
    t.write("gp/src/example.com/app/main.go", &main(&imports));
    let env = vec![
        ("GO111MODULE", "off".to_string()),
        ("GOPATH", t.path("gp").display().to_string()),
        ("GOEXPERIMENT", String::new()),
        ("MODSCOPE_CACHE", t.path("cache").display().to_string()),
    ];
    let log = t.path("serve.log");
    let srv = Serve::start_with(&env, &t.0, Some(&log));
    let kept_lines = || {
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .filter(|l| l.contains("answers kept from earlier requests"))
            .count()
    };
    let check = |what: &str| {
        let (status, body) = srv.get("/api/list?pkg=example.com/app&deps&e");
        let want = cli_list(&env, &t.0, &["-json", "-deps", "-e", "example.com/app"]);
        assert_eq!(status, 200, "{what}: {body}");
        assert_eq!(body, want, "{what}");
        body
    };
    let first = check("first request");
    assert_eq!(kept_lines(), 0);
    // Unchanged trees: every later request starts from the kept memos, with the same answer.
    for n in 1..=3 {
        assert_eq!(check("unchanged"), first);
        assert_eq!(kept_lines(), n);
    }
    type Change<'t> = (&'static str, Box<dyn Fn() + 't>);
    let changes: Vec<Change> = vec![
        (
            "added",
            Box::new(|| t.write("gp/src/example.com/new/new.go", "package new\n")),
        ),
        (
            "removed",
            Box::new(|| std::fs::remove_dir_all(t.path("gp/src/example.com/a")).unwrap()),
        ),
        (
            "renamed",
            Box::new(|| {
                std::fs::rename(
                    t.path("gp/src/example.com/b"),
                    t.path("gp/src/example.com/renamed"),
                )
                .unwrap()
            }),
        ),
        (
            "vendor added",
            Box::new(|| {
                t.write(
                    "gp/src/example.com/app/vendor/example.com/a/a.go",
                    "package a\n",
                )
            }),
        ),
    ];
    let mut last = first;
    for (what, change) in changes {
        let kept = kept_lines();
        change();
        // The request after a change runs without the memos and sees it ...
        let now = check(what);
        assert_ne!(now, last, "{what}: the answer did not change");
        assert_eq!(kept_lines(), kept, "{what}: memos kept across a change");
        // ... and the one after it is answered from the memos refilled since.
        assert_eq!(check(what), now);
        assert_eq!(kept_lines(), kept + 1, "{what}");
        last = now;
    }
    assert!(last.contains("example.com/app/vendor/example.com/a"));
}

#[test]
fn kept_memos_skip_the_index_and_follow_it_across_changes() {
    let t = TempTree::new("watch", "memos-inproc");
    for i in 0..10 {
        t.write(&format!("gp/src/example.com/p{i}/p.go"), "package p\n");
    }
    t.write("gp/src/example.com/app/main.go", "package main\n");
    let (cfg, mut g) = watched_gopath(&t);
    let clock = modscope::clock::FrozenClock;
    let app = t.path("gp/src/example.com/app").display().to_string();
    let paths: Vec<String> = (0..10)
        .map(|i| format!("example.com/p{i}"))
        .chain(["example.com/v".to_string(), "example.com/gone".to_string()])
        .collect();
    // One request as serve runs it: drain, the kept memos in, the answers, the memos out.
    let request = |g: &mut WatchedGopkg| {
        let d = g.begin();
        let memos = g.take_memos();
        let (fs, ix) = g.parts(&t.0);
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock).with_index_and_memos(ix, memos);
        let (import_path, root) = r.dir_to_import_path(&app);
        let imp = Importer {
            import_path,
            dir: app.clone(),
            root,
        };
        let out: Vec<_> = paths
            .iter()
            .map(|p| {
                let res = r.resolve(p, Some(&imp));
                (
                    res.import_path,
                    res.result.map(|f| f.dir).map_err(|e| e.to_string()),
                )
            })
            .collect();
        let m = r.take_memos();
        drop(fs);
        g.keep_memos(m);
        (d, out)
    };
    // The answers of the linear scan over the same trees (the watched index left alone).
    let scan = || {
        let fs = OsFs::new(&t.0);
        let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
        let (import_path, root) = r.dir_to_import_path(&app);
        let imp = Importer {
            import_path,
            dir: app.clone(),
            root,
        };
        paths
            .iter()
            .map(|p| {
                let res = r.resolve(p, Some(&imp));
                (
                    res.import_path,
                    res.result.map(|f| f.dir).map_err(|e| e.to_string()),
                )
            })
            .collect::<Vec<_>>()
    };
    let (d, first) = request(&mut g);
    assert_eq!(d.kept_answers, 0);
    assert_eq!(first, scan());
    let (d, _) = request(&mut g);
    assert_eq!(d.kept_answers, paths.len());
    // Kept memos answer every lookup of an unchanged request: the index is asked only where
    // the importer's directory lies (`dir_to_import_path`), never for a lookup.
    for _ in 0..3 {
        let probes = g.index.stats.probes;
        let (d, again) = request(&mut g);
        assert_eq!(d.kept_answers, paths.len());
        assert_eq!(again, first);
        assert!(
            g.index.stats.probes - probes <= 1,
            "{}",
            g.index.stats.probes - probes
        );
    }
    let changes: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| t.write("gp/src/example.com/gone/g.go", "package gone\n")),
        Box::new(|| std::fs::remove_dir_all(t.path("gp/src/example.com/p3")).unwrap()),
        Box::new(|| {
            std::fs::rename(
                t.path("gp/src/example.com/p4"),
                t.path("gp/src/example.com/p9x"),
            )
            .unwrap()
        }),
        Box::new(|| {
            t.write(
                "gp/src/example.com/app/vendor/example.com/v/v.go",
                "package v\n",
            )
        }),
        Box::new(|| {
            t.write(
                "gp/src/example.com/app/vendor/example.com/p5/p.go",
                "package p\n",
            )
        }),
    ];
    let mut last = first;
    for (i, change) in changes.into_iter().enumerate() {
        change();
        let (d, now) = request(&mut g);
        assert!(d.events > 0 && d.kept_answers == 0, "change {i}: {d:?}");
        assert_eq!(now, scan(), "change {i}");
        assert_ne!(now, last, "change {i}");
        // The request after it starts from the memos refilled since (those filled before a
        // rebuild inside that request were dropped with it).
        let (d, again) = request(&mut g);
        assert!(d.kept_answers > 0, "change {i}");
        assert_eq!(again, now, "change {i}");
        last = now;
    }
}
