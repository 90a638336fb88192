//! The go.mod rule tables of `shared/spec/cases/modfile.json`, read directly.

mod common;

use modscope::modfile::{self, syntax, ParseOptions};
use serde_json::Value;

fn rows<'a>(table: &'a Value, name: &str) -> &'a [Value] {
    let rows = table[name]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("table {name} has rows"));
    assert!(!rows.is_empty(), "table {name} is empty");
    rows
}

fn str_of<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key]
        .as_str()
        .unwrap_or_else(|| panic!("row {row} has string {key}"))
}

#[test]
fn parse_versions() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "parse_versions") {
        let input = str_of(row, "input");
        let strict_ok = row["strict_ok"].as_bool().expect("strict_ok");
        let lax_ok = row["lax_ok_computed"].as_bool().expect("lax_ok_computed");
        let strict = modfile::parse_strict("go.mod", input.as_bytes());
        assert_eq!(strict.is_ok(), strict_ok, "strict {input:?}: {strict:?}");
        let lax = modfile::parse_lax("go.mod", input.as_bytes());
        assert_eq!(lax.is_ok(), lax_ok, "lax {input:?}: {lax:?}");
        if let Some(want) = row["lax_go_version_becomes"].as_str() {
            let f = lax.expect("lax parse");
            assert_eq!(f.go_version(), Some(want), "lax {input:?}");
        }
    }
}

#[test]
fn punctuation() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "punctuation") {
        let src = str_of(row, "src");
        let f = syntax::parse("go.mod", src.as_bytes()).expect("parses");
        let mut toks: Vec<String> = Vec::new();
        let text = |t: &std::borrow::Cow<[u8]>| String::from_utf8_lossy(t).into_owned();
        for stmt in &f.stmts {
            match stmt {
                syntax::Stmt::Line(l) => toks.extend(l.tokens.iter().map(text)),
                syntax::Stmt::Block(b) => {
                    toks.extend(b.tokens.iter().map(text));
                    toks.push("(".into());
                    for l in &b.lines {
                        toks.extend(l.tokens.iter().map(text));
                    }
                    toks.push(")".into());
                }
                syntax::Stmt::Comments(_) => {}
            }
        }
        assert_eq!(toks.join(" "), str_of(row, "want"), "{src:?}");
    }
}

#[test]
fn parse_lax_ignores() {
    let t = common::case_table("modfile.json");
    let input = t["parse_lax_ignores"]["input"].as_str().expect("input");
    let f = modfile::parse_lax("file", input.as_bytes()).expect("lax ignores irrelevant errors");
    assert_eq!(f.module_path(), "m");
    assert_eq!(f.require.len(), 1);
    assert_eq!(f.require[0].module.path, "good");
    assert_eq!(f.require[0].module.version, "v1.0.0");
    // The same file is wrong for the main module.
    assert!(modfile::parse_strict("file", input.as_bytes()).is_err());
}

#[test]
fn retract_rationale() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "retract_rationale") {
        let input = str_of(row, "in");
        let f = modfile::parse_strict("in", input.as_bytes()).expect("parses");
        assert_eq!(f.retract[0].rationale, str_of(row, "want"), "{input:?}");
    }
}

#[test]
fn module_deprecated() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "module_deprecated") {
        let input = str_of(row, "in");
        let f = modfile::parse_strict("in", input.as_bytes()).expect("parses");
        let m = f.module.expect("module");
        assert_eq!(m.deprecated, str_of(row, "want"), "{input:?}");
    }
}

#[test]
fn fix_version() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "fix_version") {
        let input = str_of(row, "in");
        let mut fixer = |path: &str, v: &str| -> Result<String, String> {
            if path == "example.com/m" {
                Ok(format!("v{v}"))
            } else {
                Err("module path must be example.com/m".to_string())
            }
        };
        let opts = ParseOptions {
            strict: true,
            fix: Some(&mut fixer),
        };
        let got = modfile::parse_with("in", input.as_bytes(), opts);
        match row["wantErr"].as_str() {
            Some(want) => {
                let errs = got.expect_err(input);
                let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                let text = text.join("\n");
                assert!(
                    text.contains(want),
                    "{input:?}: got {text:?}, want {want:?}"
                );
            }
            None => {
                let want = str_of(row, "want");
                let got = got.unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
                let want_file = modfile::parse_strict("in", want.as_bytes()).expect("want parses");
                let versions = |f: &modfile::ModFile| {
                    let mut v: Vec<String> = Vec::new();
                    v.extend(f.require.iter().map(|r| r.module.to_string()));
                    v.extend(f.exclude.iter().map(|r| r.module.to_string()));
                    v.extend(
                        f.replace
                            .iter()
                            .map(|r| format!("{}@{}", r.old.path, r.old.version)),
                    );
                    v.extend(
                        f.replace
                            .iter()
                            .map(|r| format!("{}@{}", r.new.path, r.new.version)),
                    );
                    v.extend(f.retract.iter().map(|r| format!("{}-{}", r.low, r.high)));
                    v
                };
                assert_eq!(versions(&got), versions(&want_file), "{input:?}");
            }
        }
    }
}

#[test]
fn add_exclude_and_retract_validate() {
    let t = common::case_table("modfile.json");
    for row in rows(&t, "add_exclude_validate") {
        let got = modfile::check_canonical_version(str_of(row, "path"), str_of(row, "version"));
        assert_eq!(got.err().as_deref(), Some(str_of(row, "wantErr")), "{row}");
    }
    for row in rows(&t, "add_retract_validate") {
        // x/mod checks the low bound first, then the high bound.
        let path = str_of(row, "path");
        let got = modfile::check_canonical_version(path, str_of(row, "low"))
            .and_then(|()| modfile::check_canonical_version(path, str_of(row, "high")));
        assert_eq!(got.err().as_deref(), Some(str_of(row, "wantErr")), "{row}");
    }
    assert_eq!(
        modfile::check_canonical_version("example.com/m", "v1.2.3"),
        Ok(())
    );
    assert_eq!(
        modfile::check_canonical_version("example.com/m/v2", "v2.0"),
        Err("version \"v2.0\" invalid: must be of the form v2.2.3".to_string())
    );
}
