//! vendor/modules.txt reading (SPEC E.2) on fixtures in `tests/modfile/vendor/`.

mod common;

use modscope::modfile::vendor;

fn fixture(name: &str) -> Vec<u8> {
    let p = common::repo_root().join("tests/modfile/vendor").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

#[test]
fn every_line_kind() {
    let (m, warnings) = vendor::parse("vendor/modules.txt", &fixture("all_kinds.txt"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let ids: Vec<String> = m.modules.iter().map(|x| x.module.to_string()).collect();
    assert_eq!(
        ids,
        [
            "example.com/a@v1.2.3",
            "example.com/b@v0.1.0",
            "example.com/c@v1.0.0",
            "example.com/d@v1.0.0",
            "example.com/e",
            "example.com/f@v2.0.0+incompatible",
        ]
    );
    let a = &m.modules[0];
    assert!(a.explicit);
    assert_eq!(a.go_version, "1.21");
    assert_eq!(
        a.packages,
        ["example.com/a", "example.com/a/sub", "example.com/a/again"]
    );
    let b = &m.modules[1];
    assert_eq!(
        b.replacement.as_ref().map(|r| r.path.as_str()),
        Some("../b")
    );
    let c = &m.modules[2];
    assert!(!c.explicit);
    assert_eq!(c.go_version, "1.17");
    let r = c.replacement.as_ref().expect("c is replaced");
    assert_eq!(
        (r.path.as_str(), r.version.as_str()),
        ("example.com/c-fork", "v1.0.1")
    );
    let d = &m.modules[3];
    assert!(d.explicit && d.packages.is_empty());
    let e = &m.modules[4];
    assert_eq!(e.replacement.as_ref().map(|r| r.path.as_str()), Some("./e"));
    assert_eq!(e.span.start.line, 13);

    let list: Vec<String> = m.vendor_list().iter().map(|x| x.to_string()).collect();
    assert_eq!(
        list,
        [
            "example.com/a@v1.2.3",
            "example.com/b@v0.1.0",
            "example.com/c@v1.0.0",
            "example.com/f@v2.0.0+incompatible",
        ]
    );
    let pkgs = m.package_modules();
    assert_eq!(
        pkgs.get("example.com/a/again").map(|x| x.to_string()),
        Some("example.com/a@v1.2.3".into())
    );
    assert_eq!(m.replaced().count(), 3);
}

#[test]
fn ignored_lines_are_warnings() {
    let (m, warnings) = vendor::parse("vendor/modules.txt", &fixture("ignored_lines.txt"));
    let lines: Vec<u32> = warnings
        .iter()
        .map(|w| w.span.map_or(0, |s| s.start.line))
        .collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7], "{warnings:#?}");
    assert!(warnings.iter().all(|w| !w.is_error()));
    // Only y's package counts; its malformed replacement is dropped.
    assert_eq!(m.modules.len(), 1);
    assert_eq!(m.modules[0].packages, ["example.com/y"]);
    assert!(m.modules[0].replacement.is_none());
    let shown = warnings[0].to_string();
    assert!(shown.starts_with("vendor/modules.txt:1: "), "{shown}");
}
