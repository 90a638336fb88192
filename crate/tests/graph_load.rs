//! The graph loader on in-memory module trees (no native code): which go.mod files are read under
//! pruning, exclude, replace (version-specific over wildcard, directories), cycles, and the
//! go command's error wording with the requirement chain (SPEC C, D).

use modscope::clock::FrozenClock;
use modscope::graph::list::graph_edges;
use modscope::graph::load::{
    BuildMod, CmdKind, Env, Loader, MainModule, Options, Replace, Require,
};
use modscope::report::trace::EventKind;
use modscope::source::{MemFs, ProxyDir};

use modscope::graph::resolve::parse_dep as parse;

/// A proxy tree from `path@version: go.mod text` entries.
fn proxy(mods: &[(&str, &str)]) -> MemFs {
    let mut fs = MemFs::new();
    for (mv, text) in mods {
        let (p, v) = mv.split_once('@').expect("path@version");
        fs.insert(&format!("/proxy/{p}/@v/{v}.mod"), text.as_bytes());
        fs.insert(
            &format!("/proxy/{p}/@v/{v}.info"),
            format!("{{\"Version\":\"{v}\",\"Time\":\"2020-01-01T00:00:00Z\"}}").as_bytes(),
        );
    }
    fs
}

fn main_module(go: Option<&str>, requires: &[&str]) -> MainModule {
    MainModule {
        path: "example.com/main".into(),
        dir: "/work/main".into(),
        go: go.map(str::to_string),
        requires: requires
            .iter()
            .map(|r| {
                let (p, v) = r.split_once('@').expect("path@version");
                Require {
                    path: p.into(),
                    version: v.into(),
                    indirect: false,
                }
            })
            .collect(),
        ..MainModule::default()
    }
}

/// A replacement written as in go.mod: `path[@version]` on both sides (a directory as a bare
/// path).
fn replace(old: &str, new: &str) -> Replace {
    let split = |s: &str| match s.split_once('@') {
        Some((p, v)) => (p.to_string(), Some(v.to_string())),
        None => (s.to_string(), None),
    };
    let ((old_path, old_version), (new_path, new_version)) = (split(old), split(new));
    Replace {
        old_path,
        old_version,
        new_path,
        new_version,
    }
}

struct Run {
    list: Vec<String>,
    edges: Vec<String>,
    reads: Vec<String>,
    error: Option<String>,
}

fn run(fs: &MemFs, main: MainModule, build_mod: BuildMod) -> Run {
    let source = ProxyDir::file_proxy(fs.clone(), "/proxy");
    let env = Env {
        modules: &source,
        fs,
        parse: &parse,
        clock: &FrozenClock,
        cache: None,
    };
    let opts = Options {
        build_mod,
        command: CmdKind::List,
        cwd: "/work/main".into(),
        ..Options::default()
    };
    let mut l = Loader::new(env, opts, vec![main], None).expect("main modules are consistent");
    let (_, mg, err) = l.load_mod_graph().expect("no fatal error");
    let list = mg
        .graph
        .build_list(&l.names)
        .into_iter()
        .map(|m| l.names.display(m))
        .collect();
    let edges = graph_edges(&l, &mg)
        .into_iter()
        .map(|(a, b)| format!("{} {}", l.names.display(a), l.names.display(b)))
        .collect();
    let reads = l
        .trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Read)
        .map(|e| e.subject.clone())
        .collect();
    Run {
        list,
        edges,
        reads,
        error: err.map(|e| e.to_string()),
    }
}

/// Loads with `-mod=mod` for a main module declaring `go` and requiring `requires`.
fn run_mod(fs: &MemFs, go: &str, requires: &[&str]) -> Run {
    run(fs, main_module(Some(go), requires), BuildMod::Mod)
}

const C1: &str = "module example.com/c\n\ngo 1.17\n";

#[test]
fn pruned_graph_does_not_read_past_pruned_modules() {
    let fs = proxy(&[
        (
            "example.com/b@v1.0.0",
            "module example.com/b\n\ngo 1.17\n\nrequire example.com/c v1.0.0\n",
        ),
        ("example.com/c@v1.0.0", C1),
    ]);
    let r = run_mod(&fs, "1.17", &["example.com/b@v1.0.0"]);
    assert_eq!(
        r.list,
        [
            "example.com/main",
            "example.com/b@v1.0.0",
            "example.com/c@v1.0.0"
        ]
    );
    assert_eq!(
        r.reads,
        ["example.com/b@v1.0.0"],
        "c's go.mod is pruned out"
    );
    assert_eq!(
        r.edges,
        [
            "example.com/main example.com/b@v1.0.0",
            "example.com/b@v1.0.0 example.com/c@v1.0.0"
        ]
    );
    // The same tree from an unpruned main module reads everything.
    let r = run_mod(&fs, "1.16", &["example.com/b@v1.0.0"]);
    assert_eq!(r.reads.len(), 2);
}

#[test]
fn unpruned_dependency_is_followed_and_cycles_end() {
    let fs = proxy(&[
        (
            "example.com/b@v1.0.0",
            "module example.com/b\n\ngo 1.16\n\nrequire example.com/c v1.0.0\n",
        ),
        (
            "example.com/c@v1.0.0",
            "module example.com/c\n\nrequire (\n\texample.com/b v1.0.0\n\texample.com/d v1.1.0\n)\n",
        ),
        ("example.com/d@v1.1.0", "module example.com/d\n"),
    ]);
    let r = run_mod(&fs, "1.17", &["example.com/b@v1.0.0"]);
    assert_eq!(
        r.list,
        [
            "example.com/main",
            "example.com/b@v1.0.0",
            "example.com/c@v1.0.0",
            "example.com/d@v1.1.0"
        ]
    );
    assert_eq!(r.reads.len(), 3);
    assert!(r.error.is_none());
}

#[test]
fn excludes_drop_requirements_and_replacements_prefer_exact_versions() {
    let fs = proxy(&[
        (
            "example.com/b@v1.0.0",
            "module example.com/b\n\ngo 1.16\n\nrequire (\n\texample.com/c v1.2.0\n\texample.com/e v1.0.0\n)\n",
        ),
        ("example.com/c@v1.0.0", C1),
        ("example.com/e@v1.0.0", "module example.com/e\n"),
        ("example.com/fork@v1.0.0", "module example.com/fork\n"),
        ("example.com/other@v2.0.0", "module example.com/other\n"),
    ]);
    let mut main = main_module(
        Some("1.16"),
        &["example.com/b@v1.0.0", "example.com/c@v1.0.0"],
    );
    main.excludes = vec![("example.com/c".into(), "v1.2.0".into())];
    main.replaces = vec![
        replace("example.com/e", "example.com/other@v2.0.0"),
        replace("example.com/e@v1.0.0", "example.com/fork@v1.0.0"),
    ];
    let r = run(&fs, main, BuildMod::Mod);
    assert_eq!(
        r.list,
        [
            "example.com/main",
            "example.com/b@v1.0.0",
            "example.com/c@v1.0.0",
            "example.com/e@v1.0.0"
        ],
        "c v1.2.0 is excluded: dropped, not redirected"
    );
    assert!(r.reads.contains(&"example.com/fork@v1.0.0".to_string()));
    assert!(!r.reads.contains(&"example.com/other@v2.0.0".to_string()));
}

#[test]
fn errors_carry_the_requirement_chain() {
    let fs = proxy(&[
        (
            "example.com/b@v1.0.0",
            "module example.com/b\n\ngo 1.16\n\nrequire example.com/c v1.0.0\n",
        ),
        ("example.com/c@v1.0.0", "module example.com/wrong\n"),
    ]);
    let r = run_mod(&fs, "1.16", &["example.com/b@v1.0.0"]);
    assert_eq!(
        r.error.as_deref(),
        Some(
            "example.com/b@v1.0.0 requires\n\texample.com/c@v1.0.0: parsing go.mod:\n\tmodule declares its path as: example.com/wrong\n\t        but was required as: example.com/c"
        )
    );

    let mut main = main_module(Some("1.17"), &["example.com/b@v1.0.0"]);
    main.replaces = vec![replace("example.com/b", "../local/b")];
    let r = run(&fs, main, BuildMod::Mod);
    assert_eq!(
        r.error.as_deref(),
        Some(
            "example.com/b@v1.0.0 (replaced by ../local/b): reading ../local/b/go.mod: open /work/local/b/go.mod: no such file or directory"
        )
    );

    let r = run_mod(&fs, "1.17", &["example.com/b@v1.5.0"]);
    assert_eq!(
        r.error.as_deref(),
        Some(
            "example.com/b@v1.5.0: reading file:///proxy/example.com/b/@v/v1.5.0.mod: no such file or directory"
        )
    );
}

#[test]
fn readonly_refuses_inconsistent_roots_and_mod_raises_them() {
    let fs = proxy(&[
        (
            "example.com/b@v1.0.0",
            "module example.com/b\n\ngo 1.17\n\nrequire example.com/c v1.1.0\n",
        ),
        ("example.com/c@v1.0.0", C1),
        (
            "example.com/c@v1.1.0",
            "module example.com/c\n\ngo 1.17\n\nrequire example.com/d v1.0.0\n",
        ),
        ("example.com/d@v1.0.0", "module example.com/d\n\ngo 1.17\n"),
    ]);
    let main = main_module(
        Some("1.17"),
        &["example.com/b@v1.0.0", "example.com/c@v1.0.0"],
    );
    let r = run(&fs, main.clone(), BuildMod::Mod);
    assert!(r.error.is_none());
    assert!(
        r.list.contains(&"example.com/d@v1.0.0".to_string()),
        "raising root c to v1.1.0 loads its requirements: {:?}",
        r.list
    );
    let r = run(&fs, main, BuildMod::Readonly);
    assert_eq!(
        r.error.as_deref(),
        Some("updates to go.mod needed; to update it:\n\tgo mod tidy")
    );
}
