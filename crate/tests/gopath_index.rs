//! The gopkg index never answers wrongly after the trees change: packages added, removed and
//! renamed between runs on a real directory, a property test (index on == index off for every
//! lookup) over random trees and random edits, and corrupt index files being rebuilt.

use modscope::clock::FrozenClock;
use modscope::native::fs::OsFs;
use modscope::native::gopkg_index_store;
use modscope::native::walk::walk_roots;
use modscope::pkg::constraint::BuildContext;
use modscope::pkg::gopath::{GopathConfig, GorootMode, Importer, Resolver};
use modscope::pkg::index::GopkgIndex;
use modscope::report::trace::{EventKind, Trace};
use modscope::source::MemFs;
use std::path::{Path, PathBuf};

fn answer(r: &mut Resolver, from: Option<&str>, path: &str) -> String {
    let imp = from.map(|dir| {
        let (import_path, root) = r.dir_to_import_path(dir);
        Importer {
            import_path,
            dir: dir.to_string(),
            root,
        }
    });
    let res = r.resolve(path, imp.as_ref());
    match res.result {
        Ok(f) => format!("{} {}", res.import_path, f.dir),
        Err(e) => format!("ERR {e}"),
    }
}

fn write(base: &Path, rel: &str, text: &str) {
    let p = base.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

struct TempTree(PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const QUERIES: &[(Option<&str>, &str)] = &[
    (None, "example.com/a"),
    (None, "example.com/b"),
    (None, "example.com/new"),
    (None, "example.com/renamed"),
    (None, "example.com/old"),
    (None, "example.com/deep/x/y"),
    (Some("gp1/src/example.com/app"), "example.com/v"),
    (Some("gp1/src/example.com/app"), "example.com/a"),
    (Some("gp1/src/example.com/app"), "example.com/b"),
];

fn all_answers(
    base: &Path,
    cfg: &GopathConfig,
    index: Option<&mut GopkgIndex>,
) -> (Vec<String>, Vec<EventKind>) {
    answers_for(base, cfg, index, QUERIES, true)
}

/// Answers to `queries` (importer dir relative to `base`, import path); with `trace` off the
/// resolver memoises answers per importer context, with it on every lookup is done in full.
fn answers_for(
    base: &Path,
    cfg: &GopathConfig,
    index: Option<&mut GopkgIndex>,
    queries: &[(Option<&str>, &str)],
    trace: bool,
) -> (Vec<String>, Vec<EventKind>) {
    let fs = OsFs::new(base);
    let clock = FrozenClock;
    let t = if trace {
        Trace::recording()
    } else {
        Trace::off()
    };
    let mut r = Resolver::new(&fs, cfg, t, &clock);
    if let Some(ix) = index {
        r = r.with_index(ix);
    }
    let b = base.to_string_lossy().to_string();
    // Each query twice: the second answer may come from the memo.
    let out = queries
        .iter()
        .chain(queries)
        .map(|(from, p)| answer(&mut r, from.map(|f| format!("{b}/{f}")).as_deref(), p))
        .collect();
    (out, r.trace.events.iter().map(|e| e.kind).collect())
}

/// One scenario: build and persist the index, edit the tree, reload the index, compare.
fn scenario(racy_window: bool) {
    let base = std::env::temp_dir().join(format!(
        "modscope-gopkg-{}-{}",
        std::process::id(),
        racy_window
    ));
    let _ = std::fs::remove_dir_all(&base);
    let _guard = TempTree(base.clone());
    write(&base, "goroot/src/fmt/f.go", "package fmt\n");
    write(&base, "gp1/src/example.com/a/a.go", "package a\n");
    write(&base, "gp1/src/example.com/old/o.go", "package old\n");
    write(&base, "gp1/src/example.com/app/app.go", "package app\n");
    write(
        &base,
        "gp1/src/example.com/app/vendor/example.com/keep/k.go",
        "package keep\n",
    );
    write(&base, "gp2/src/example.com/b/b.go", "package b\n");
    write(&base, "gp2/src/example.com/deep/README", "x\n");
    let b = base.to_string_lossy().to_string();
    let cfg = GopathConfig {
        goroot: format!("{b}/goroot"),
        goroot_mode: GorootMode::Fs,
        gopath: vec![format!("{b}/gp1"), format!("{b}/gp2")],
        ctx: BuildContext::default(),
    };
    let roots = cfg.roots();
    // built_at None: validation trusts unchanged mtimes; Some(now): everything is racy and is
    // checked by listing. Both must give the go command's answers.
    let built_at = racy_window.then(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    });
    let index = GopkgIndex::from_walks(&roots, walk_roots(&roots, 2), built_at);
    let saved = index.encode();
    // Let directory timestamps move past the build (coarse kernel clock ticks).
    std::thread::sleep(std::time::Duration::from_millis(50));
    // Edits between runs.
    write(&base, "gp1/src/example.com/new/n.go", "package new\n"); // added package
    std::fs::rename(
        base.join("gp1/src/example.com/old"),
        base.join("gp1/src/example.com/renamed"),
    )
    .unwrap(); // renamed
    std::fs::remove_dir_all(base.join("gp2/src/example.com/b")).unwrap(); // removed
    write(&base, "gp1/src/example.com/b/b.go", "package b\n"); // now found in gp1
    write(&base, "gp2/src/example.com/deep/x/y/y.go", "package y\n"); // deep add under a leaf
    write(
        &base,
        "gp1/src/example.com/app/vendor/example.com/v/v.go",
        "package v\n",
    ); // vendored
    write(
        &base,
        "gp1/src/example.com/vendor/example.com/a/a.go",
        "package a\n",
    ); // ancestor vendor
    let (want, _) = all_answers(&base, &cfg, None);
    // Tracing off: answers memoised by importer context, dropped when a subtree is re-walked.
    let mut quiet = GopkgIndex::decode(&saved).expect("decodes");
    let (got_quiet, _) = answers_for(&base, &cfg, Some(&mut quiet), QUERIES, false);
    assert_eq!(got_quiet, want, "memoised answers after edits");
    // Validated up front by parallel stats: changed directories are not validated.
    let mut pre = GopkgIndex::decode(&saved).expect("decodes");
    gopkg_index_store::prevalidate(&mut pre, 2);
    let (got_pre, _) = answers_for(&base, &cfg, Some(&mut pre), QUERIES, false);
    assert_eq!(got_pre, want, "prevalidated answers after edits");
    let mut loaded = GopkgIndex::decode(&saved).expect("decodes");
    let (got, events) = all_answers(&base, &cfg, Some(&mut loaded));
    assert_eq!(
        got, want,
        "index answers after edits (racy window: {racy_window})"
    );
    assert!(want[2].starts_with("example.com/new "), "{want:?}");
    assert!(want[4].starts_with("ERR cannot find package"), "{want:?}");
    if !racy_window {
        assert!(
            events.contains(&EventKind::IndexRebuild),
            "stale records are rebuilt"
        );
    }
    // The refreshed index, saved and loaded again, still agrees; so does a second session.
    let again = loaded.encode();
    let mut reloaded = GopkgIndex::decode(&again).expect("decodes");
    let (got2, _) = all_answers(&base, &cfg, Some(&mut reloaded));
    assert_eq!(got2, want);
}

#[test]
fn edits_between_runs_mtime_validation() {
    scenario(false);
}

#[test]
fn edits_between_runs_racy_entries_are_listed() {
    scenario(true);
}

#[test]
fn corrupt_index_file_is_rebuilt_with_a_warning() {
    let base = std::env::temp_dir().join(format!("modscope-gopkg-corrupt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let _guard = TempTree(base.clone());
    write(&base, "gp/src/example.com/a/a.go", "package a\n");
    // The only test in this binary that sets the environment.
    std::env::set_var("MODSCOPE_CACHE", base.join("cache"));
    let cfg = GopathConfig {
        goroot: String::new(),
        goroot_mode: GorootMode::Fs,
        gopath: vec![base.join("gp").to_string_lossy().to_string()],
        ctx: BuildContext::default(),
    };
    let roots = cfg.roots();
    let clock = FrozenClock;
    let mut t = Trace::recording();
    let ix = gopkg_index_store::open(&roots, &mut t, &clock);
    assert!(t.events.iter().any(|e| e.kind == EventKind::IndexRebuild));
    let path = gopkg_index_store::index_path(&roots);
    assert!(path.is_file());
    // A second open loads it without rebuilding.
    let mut t2 = Trace::recording();
    let ix2 = gopkg_index_store::open(&roots, &mut t2, &clock);
    assert!(t2.events.is_empty(), "{:?}", t2.events);
    assert_eq!(ix.len(), ix2.len());
    // Flip a byte in the body: the hash no longer verifies.
    let mut data = std::fs::read(&path).unwrap();
    let last = data.len() - 2;
    data[last] ^= 1;
    std::fs::write(&path, &data).unwrap();
    let mut t3 = Trace::recording();
    let ix3 = gopkg_index_store::open(&roots, &mut t3, &clock);
    assert!(t3.events.iter().any(|e| e.kind == EventKind::Warning));
    assert!(t3.events.iter().any(|e| e.kind == EventKind::IndexRebuild));
    assert_eq!(ix3.len(), ix.len());
    assert!(GopkgIndex::decode(&std::fs::read(&path).unwrap()).is_ok());
}

/// A small deterministic PRNG (xorshift) for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

#[test]
fn property_index_on_equals_index_off() {
    let roots_dirs = ["/goroot", "/g1", "/g2"];
    let elems = ["a", "b", "vendor", "c", "v2"];
    let files = ["x.go", "README", "y_test.go"];
    for seed in 1..60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut fs = MemFs::new();
        let random_rel = |rng: &mut Rng| {
            let depth = 1 + rng.next() % 4;
            (0..depth)
                .map(|_| rng.pick(&elems))
                .collect::<Vec<_>>()
                .join("/")
        };
        for _ in 0..25 {
            let root = rng.pick(&roots_dirs);
            let rel = random_rel(&mut rng);
            let file = rng.pick(&files);
            fs.insert(&format!("{root}/src/{rel}/{file}"), b"package p\n".to_vec());
        }
        let cfg = GopathConfig {
            goroot: "/goroot".into(),
            goroot_mode: GorootMode::Fs,
            gopath: vec!["/g1".into(), "/g2".into()],
            ctx: BuildContext::default(),
        };
        let roots = cfg.roots();
        let mut index = GopkgIndex::build(&fs, &roots, None);
        for round in 0..4 {
            // Random edits, then a fresh session on the persisted index.
            for _ in 0..6 {
                let root = rng.pick(&roots_dirs);
                let rel = random_rel(&mut rng);
                if rng.next() % 2 == 0 {
                    let file = rng.pick(&files);
                    fs.insert(&format!("{root}/src/{rel}/{file}"), b"package p\n".to_vec());
                } else {
                    fs.remove_tree(&format!("{root}/src/{rel}"));
                }
            }
            let saved = index.encode();
            index = GopkgIndex::decode(&saved).expect("decodes");
            let clock = FrozenClock;
            let mut queries = Vec::new();
            for _ in 0..30 {
                let from = if rng.next() % 2 == 0 {
                    Some(format!(
                        "{}/src/{}",
                        rng.pick(&roots_dirs),
                        random_rel(&mut rng)
                    ))
                } else {
                    None
                };
                queries.push((from, random_rel(&mut rng)));
            }
            let run = |idx: Option<&mut GopkgIndex>| {
                let mut r = Resolver::new(&fs, &cfg, Trace::off(), &clock);
                if let Some(ix) = idx {
                    r = r.with_index(ix);
                }
                queries
                    .iter()
                    .map(|(from, p)| answer(&mut r, from.as_deref(), p))
                    .collect::<Vec<_>>()
            };
            let off = run(None);
            let on = run(Some(&mut index));
            assert_eq!(on, off, "seed {seed} round {round}");
        }
    }
}

fn tree_config(b: &str) -> GopathConfig {
    GopathConfig {
        goroot: format!("{b}/goroot"),
        goroot_mode: GorootMode::Fs,
        gopath: vec![format!("{b}/gp1"), format!("{b}/gp2")],
        ctx: BuildContext::default(),
    }
}

#[test]
fn go_mod_files_added_and_removed_between_runs() {
    // Minimal module compatibility reads go.mod files; the index records which directories hold
    // one, so adding or removing a go.mod must be noticed as for any other entry.
    let base = std::env::temp_dir().join(format!("modscope-gopkg-gomod-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let _guard = TempTree(base.clone());
    write(&base, "goroot/src/fmt/f.go", "package fmt\n");
    write(
        &base,
        "gp1/src/example.com/app/go.mod",
        "module example.com/app\n",
    );
    write(&base, "gp1/src/example.com/app/app.go", "package app\n");
    write(&base, "gp1/src/example.com/app2/app.go", "package app\n");
    write(
        &base,
        "gp2/src/example.com/lib/go.mod",
        "module example.com/lib/v2\n",
    );
    write(&base, "gp2/src/example.com/lib/x/x.go", "package x\n");
    write(
        &base,
        "gp2/src/example.com/other/go.mod",
        "module example.com/other\n",
    );
    write(&base, "gp2/src/example.com/other/y/y.go", "package y\n");
    let b = base.to_string_lossy().to_string();
    let cfg = tree_config(&b);
    let roots = cfg.roots();
    let queries: &[(Option<&str>, &str)] = &[
        (Some("gp1/src/example.com/app"), "example.com/lib/v2/x"),
        (Some("gp1/src/example.com/app2"), "example.com/lib/v2/x"),
        (Some("gp1/src/example.com/app"), "example.com/other/v3/y"),
        (Some("gp1/src/example.com/app2"), "example.com/other/v3/y"),
    ];
    let index = GopkgIndex::from_walks(&roots, walk_roots(&roots, 2), None);
    let (before_off, _) = answers_for(&base, &cfg, None, queries, false);
    let mut fresh = GopkgIndex::decode(&index.encode()).expect("decodes");
    let (before_on, _) = answers_for(&base, &cfg, Some(&mut fresh), queries, false);
    assert_eq!(before_on, before_off);
    assert!(
        before_off[0].starts_with("example.com/lib/x "),
        "{before_off:?}"
    );
    assert!(before_off[1].starts_with("ERR "), "{before_off:?}");
    let saved = index.encode();
    std::thread::sleep(std::time::Duration::from_millis(50));
    std::fs::remove_file(base.join("gp1/src/example.com/app/go.mod")).unwrap();
    write(
        &base,
        "gp1/src/example.com/app2/go.mod",
        "module example.com/app2\n",
    );
    write(
        &base,
        "gp2/src/example.com/other/go.mod",
        "module example.com/other/v3\n",
    );
    let (want, _) = answers_for(&base, &cfg, None, queries, false);
    assert!(want[0].starts_with("ERR "), "{want:?}");
    assert!(want[1].starts_with("example.com/lib/x "), "{want:?}");
    assert!(want[3].starts_with("example.com/other/y "), "{want:?}");
    for trace in [false, true] {
        let mut loaded = GopkgIndex::decode(&saved).expect("decodes");
        let (got, _) = answers_for(&base, &cfg, Some(&mut loaded), queries, trace);
        assert_eq!(got, want, "trace {trace}");
    }
    let mut pre = GopkgIndex::decode(&saved).expect("decodes");
    gopkg_index_store::prevalidate(&mut pre, 2);
    let (got, _) = answers_for(&base, &cfg, Some(&mut pre), queries, false);
    assert_eq!(got, want, "prevalidated");
}

#[test]
fn prevalidated_records_are_not_stat_again() {
    let base = std::env::temp_dir().join(format!("modscope-gopkg-pre-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let _guard = TempTree(base.clone());
    write(&base, "goroot/src/fmt/f.go", "package fmt\n");
    write(&base, "gp1/src/example.com/a/a.go", "package a\n");
    write(&base, "gp1/src/example.com/app/app.go", "package app\n");
    write(&base, "gp2/src/example.com/b/b.go", "package b\n");
    let b = base.to_string_lossy().to_string();
    let cfg = tree_config(&b);
    let roots = cfg.roots();
    let saved = GopkgIndex::from_walks(&roots, walk_roots(&roots, 2), None).encode();
    let mut ix = GopkgIndex::decode(&saved).expect("decodes");
    let n = ix.len();
    assert_eq!(ix.unchecked().len(), n, "a loaded index trusts nothing yet");
    assert_eq!(gopkg_index_store::prevalidate(&mut ix, 2), n);
    assert!(ix.unchecked().is_empty());
    let (want, _) = all_answers(&base, &cfg, None);
    let (got, events) = all_answers(&base, &cfg, Some(&mut ix));
    assert_eq!(got, want);
    assert_eq!(ix.stats.validated, n as u64, "no record validated twice");
    assert!(!events.contains(&EventKind::IndexRebuild));
    // A stat that shows another mtime, or no directory, validates nothing.
    let mut ix = GopkgIndex::decode(&saved).expect("decodes");
    let ids = ix.unchecked();
    let changed = modscope::source::Metadata {
        kind: modscope::source::EntryKind::Dir,
        size: 0,
        mtime_ns: Some(1),
    };
    for &id in &ids {
        ix.apply_stat(id, Some(&changed));
        ix.apply_stat(id, None);
    }
    assert_eq!(ix.unchecked().len(), n);
    let (got, events) = all_answers(&base, &cfg, Some(&mut ix));
    assert_eq!(got, want);
    assert!(!events.contains(&EventKind::IndexRebuild), "{events:?}");
}
