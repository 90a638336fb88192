//! go.sum reading, lookups, verification messages and the canonical written form (golden files
//! in tests/gosum/; message texts are the go command's, SPEC.md F).

mod common;

use modscope::sum::{GoSum, SumError};

fn data(name: &str) -> String {
    std::fs::read_to_string(common::repo_root().join("tests/gosum").join(name)).expect("test data")
}

const GOMOD: &[u8] = b"module example.com\n";
const GOMOD_H1: &str = "h1:WRiieAqDBb1hVdDXLLdxNtCDWNfehn7FWyPC5Oz2vB4=";

#[test]
fn reads_and_looks_up() {
    let (sum, diags) = GoSum::parse("go.sum", &data("unsorted.sum"));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        sum.hashes("rsc.io/quote", "v1.5.2"),
        ["h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y="]
    );
    assert_eq!(
        sum.gomod_hash("rsc.io/quote", "v1.5.2"),
        ["h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0="]
    );
    // Duplicates are tolerated and collapse; several distinct hashes per key are kept in order.
    assert_eq!(sum.hashes("rsc.io/sampler", "v1.3.0").len(), 1);
    assert_eq!(sum.hashes("rsc.io/quote", "v1.9.0").len(), 2);
    assert!(sum.hashes("rsc.io/quote", "v1.9.0")[0].starts_with("h1:BBB"));
    // The legacy empty-go.mod hash is discarded.
    assert!(sum.gomod_hash("rsc.io/sampler", "v1.99.99").is_empty());
    assert!(sum.hashes("nope.example", "v1.0.0").is_empty());
    assert!(sum.have_sum("rsc.io/quote", "v1.5.2"));
    assert_eq!(sum.len(), 9);
}

#[test]
fn writes_the_canonical_form() {
    let (sum, _) = GoSum::parse("go.sum", &data("unsorted.sum"));
    assert_eq!(sum.format(), data("unsorted.golden"));
    let (again, _) = GoSum::parse("go.sum", &sum.format());
    assert_eq!(again.format(), sum.format());
}

#[test]
fn bad_line_stops_reading_with_a_diagnostic() {
    let text = "a.com/m v1.0.0 h1:x=\n\na.com/m v1.1.0\nb.com/m v1.0.0 h1:y=\n";
    let (sum, diags) = GoSum::parse("dir/go.sum", text);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].to_string(),
        "dir/go.sum:3: wrong number of fields 2"
    );
    assert_eq!(diags[0].code.0, "sum-malformed");
    assert!(
        sum.hashes("b.com/m", "v1.0.0").is_empty(),
        "go 1.19 stops at the bad line"
    );
    let (_, diags) = GoSum::parse("go.sum", "a b c d\n");
    assert_eq!(diags[0].to_string(), "go.sum:1: wrong number of fields 4");
}

#[test]
fn check_gomod_outcomes() {
    let ok = format!("example.com v1.0.0/go.mod {GOMOD_H1}\n");
    let (sum, _) = GoSum::parse("go.sum", &ok);
    assert_eq!(sum.check_gomod("example.com", "v1.0.0", GOMOD), Ok(()));

    let bad = "example.com v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let (sum, _) = GoSum::parse("go.sum", bad);
    let err = sum.check_gomod("example.com", "v1.0.0", GOMOD).unwrap_err();
    assert_eq!(err.to_string(), data("mismatch.golden"));
    assert_eq!(err.code().0, "sum-mismatch");

    let (work, _) = GoSum::parse("ws/go.work.sum", bad);
    let err = work
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert!(
        err.to_string().contains("\n\tgo.work.sum:     h1:AAAA"),
        "{err}"
    );

    let (empty, _) = GoSum::parse("go.sum", "");
    let err = empty
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "example.com@v1.0.0: missing go.sum entry; to add it:\n\tgo mod download example.com"
    );

    let (unknown, _) = GoSum::parse("go.sum", "example.com v1.0.0/go.mod h2:zzz=\n");
    let err = unknown
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert!(matches!(err, SumError::UnknownAlgorithm { .. }));
    assert!(err.to_string().starts_with(&format!(
        "warning: verifying example.com@v1.0.0/go.mod: unknown hashes in go.sum: h2:zzz=; adding {GOMOD_H1}\n\nSECURITY WARNING\n"
    )));

    // The first h1 that differs is the one reported, even if a later one matches (go does this).
    let both = format!("example.com v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com v1.0.0/go.mod {GOMOD_H1}\n");
    let (sum, _) = GoSum::parse("go.sum", &both);
    assert!(sum.check_gomod("example.com", "v1.0.0", GOMOD).is_err());
}
