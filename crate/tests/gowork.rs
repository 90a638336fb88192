//! go.work reading (SPEC B): directives, blocks, positions and the typed result.

use modscope::modfile;

const WORK: &str = "// A workspace.
go 1.22.1

toolchain go1.22.3

godebug (
\tpanicnil=1
)

use ./a

use (
\t./b // module example.com/b
\t\"./dir with space\"
\t/abs/c
)

replace example.com/x v1.0.0 => ../x

replace (
\texample.com/y => example.com/y-fork v1.2.3
)
";

#[test]
fn reads_every_directive() {
    let w = modfile::parse_work("go.work", WORK.as_bytes()).expect("parses");
    assert_eq!(w.go.as_ref().map(|g| g.version.as_str()), Some("1.22.1"));
    assert_eq!(
        w.toolchain.as_ref().map(|t| t.name.as_str()),
        Some("go1.22.3")
    );
    assert_eq!(w.godebug.len(), 1);
    assert_eq!(
        (w.godebug[0].key.as_str(), w.godebug[0].value.as_str()),
        ("panicnil", "1")
    );
    let uses: Vec<&str> = w.uses.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(uses, ["./a", "./b", "./dir with space", "/abs/c"]);
    // Positions: the block line starts after its tab.
    assert_eq!(
        (w.uses[1].span.start.line, w.uses[1].span.start.col),
        (13, 2)
    );
    assert_eq!(w.replace.len(), 2);
    assert!(w.replace[0].is_directory());
    assert_eq!(w.replace[0].old.version, "v1.0.0");
    assert_eq!(w.replace[1].new.version, "v1.2.3");
    assert!(w.replace[1].old.version.is_empty());
}

#[test]
fn go_mod_directives_are_unknown() {
    let errs = modfile::parse_work(
        "go.work",
        b"go 1.22\nmodule m\nrequire x v1.0.0\nexclude (\n)\n",
    )
    .expect_err("go.mod directives in go.work");
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        text,
        [
            "go.work:2: unknown directive: module",
            "go.work:3: unknown directive: require",
            "go.work:4: unknown block type: exclude",
        ]
    );
}

#[test]
fn go_version_is_never_repaired() {
    for v in ["v1.22", "1.22.x", "1"] {
        let src = format!("go {v}\n");
        let errs = modfile::parse_work("go.work", src.as_bytes()).expect_err(&src);
        assert_eq!(
            errs[0].to_string(),
            format!("go.work:1: invalid go version '{v}': must match format 1.23.0")
        );
    }
}

#[test]
fn formats_canonically() {
    let out = modfile::format_work("go.work", WORK.as_bytes()).expect("formats");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("godebug panicnil=1\n"), "{text}");
    assert!(
        text.contains("replace example.com/y => example.com/y-fork v1.2.3\n"),
        "{text}"
    );
    assert!(
        text.contains("use (\n\t\"./dir with space\"\n\t./b // module example.com/b\n\t/abs/c\n)"),
        "{text}"
    );
}
