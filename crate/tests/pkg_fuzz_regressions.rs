//! Regressions for the Go source header scanner and the build-constraint parser: inputs found by
//! the `goscan` and `constraint` fuzz targets (scripts/fuzz) or by checking their properties
//! against the go command (Go 1.19's go/parser and go/build/constraint), each with the answer
//! the go command gives.

use modscope::pkg::constraint::{parse_go_build, parse_plus_build, BuildContext, Expr};
use modscope::pkg::goscan::{is_valid_import, scan};

/// Import paths with characters that are printable to Rust but not graphic to Go: format
/// characters, private use. go/parser says `invalid import path`.
#[test]
fn import_paths_must_be_graphic_as_go_defines_it() {
    for (src, bad) in [
        ("package p\nimport \"a\u{200b}b\"\n", "a\u{200b}b"),
        ("package p\nimport \"a\u{e000}b\"\n", "a\u{e000}b"),
        ("package p\nimport \"a\u{ad}b\"\n", "a\u{ad}b"),
    ] {
        assert!(!is_valid_import(bad), "{bad:?}");
        let h = scan(src.as_bytes());
        assert!(h.imports.is_empty(), "{src:?}: {:?}", h.imports);
        let e = h.error.expect("an error");
        assert_eq!((e.line, e.col), (2, 8), "{src:?}");
        assert!(
            e.message.starts_with("invalid import path: "),
            "{}",
            e.message
        );
    }
    for ok in ["é/ü", "example.com/a-b_c~d/v2", "日本/語"] {
        assert!(is_valid_import(ok), "{ok:?}");
    }
}

/// Tag characters are letters and decimal digits as Go's unicode package defines them: `²`
/// (other number), `Ⅻ` (letter number) and U+0345 (a mark Rust calls alphabetic) are not.
#[test]
fn tag_characters_are_go_letters_and_digits() {
    for (line, bad) in [
        ("//go:build a²", "²"),
        ("//go:build Ⅻ", "Ⅻ"),
        ("//go:build a\u{345}", "\u{345}"),
    ] {
        let e = parse_go_build(line).expect_err(line);
        assert_eq!(
            e.to_string(),
            format!("parsing //go:build line: invalid syntax at {bad}")
        );
    }
    assert_eq!(parse_go_build("//go:build é"), Ok(Expr::Tag("é".into())));
    assert_eq!(parse_go_build("//go:build ٣"), Ok(Expr::Tag("٣".into())));
    // A legacy line keeps going: the invalid term becomes the never-satisfied tag `ignore`.
    assert_eq!(
        parse_plus_build("// +build a²"),
        Some(Expr::Tag("ignore".into()))
    );
    let ctx = BuildContext::default();
    assert_eq!(
        ctx.should_build(b"// +build a\xc2\xb2\n\npackage p\n"),
        Ok(false)
    );
}
