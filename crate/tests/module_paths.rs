//! Module paths against x/mod's module_test.go tables (shared/spec/cases/module.json) and the exact
//! error strings computed with x/mod (module_errors_computed.json, escape_version_computed.json).

mod common;

use modscope::module::{self, PathKind};
use serde_json::Value;

fn rows(file: &str, name: &str) -> Vec<Value> {
    let t = common::case_table(file);
    let v = if t[name]["rows"].is_array() {
        &t[name]["rows"]
    } else {
        &t[name]
    };
    v.as_array().expect("rows").clone()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The row's path as bytes (rows that are not UTF-8 carry `path_hex`).
fn path_bytes(r: &Value) -> Vec<u8> {
    match r["path"].as_str() {
        Some(p) => p.as_bytes().to_vec(),
        None => hex(r["path_hex"].as_str().expect("path_hex")),
    }
}

fn err_text<E: std::fmt::Display>(r: Result<(), E>) -> Option<String> {
    r.err().map(|e| e.to_string())
}

#[test]
fn check_path_rows() {
    for r in rows("module.json", "check_path") {
        let b = path_bytes(&r);
        let want = |k: &str| r[k].as_bool().expect(k);
        assert_eq!(
            module::check_bytes(PathKind::Module, &b).is_ok(),
            want("check_path_ok"),
            "CheckPath({r})"
        );
        assert_eq!(
            module::check_bytes(PathKind::Import, &b).is_ok(),
            want("check_import_path_ok"),
            "CheckImportPath({r})"
        );
        assert_eq!(
            module::check_bytes(PathKind::File, &b).is_ok(),
            want("check_file_path_ok"),
            "CheckFilePath({r})"
        );
        let Ok(p) = std::str::from_utf8(&b) else {
            continue;
        };
        assert_eq!(module::check_path(p).is_ok(), want("check_path_ok"));
        if !want("check_path_ok") {
            assert!(
                module::escape_path(p).is_err(),
                "EscapePath({p}) should fail"
            );
            assert!(
                module::unescape_path(p).is_err(),
                "UnescapePath({p}) should fail"
            );
        }
        let (prefix, major) = module::split_path_version(p).unwrap_or((p, ""));
        assert_eq!(format!("{prefix}{major}"), p);
    }
}

#[test]
fn exact_errors() {
    for r in rows("module_errors_computed.json", "rows") {
        let b = path_bytes(&r);
        let want = |k: &str| r[k].as_str().map(str::to_string);
        assert_eq!(
            err_text(module::check_bytes(PathKind::Module, &b)),
            want("CheckPath"),
            "{r}"
        );
        assert_eq!(
            err_text(module::check_bytes(PathKind::Import, &b)),
            want("CheckImportPath"),
            "{r}"
        );
        assert_eq!(
            err_text(module::check_bytes(PathKind::File, &b)),
            want("CheckFilePath"),
            "{r}"
        );
        let Ok(p) = std::str::from_utf8(&b) else {
            continue;
        };
        assert_eq!(
            module::escape_path(p).ok(),
            want("EscapePath"),
            "EscapePath({p})"
        );
        let split = r["SplitPathVersion"].as_array().expect("split");
        let got = module::split_path_version(p);
        if split[2].as_bool().expect("ok") {
            assert_eq!(
                got,
                Some((
                    split[0].as_str().expect("prefix"),
                    split[1].as_str().expect("major")
                )),
                "{p}"
            );
        } else {
            assert_eq!(got, None, "SplitPathVersion({p})");
        }
    }
}

#[test]
fn check_rows() {
    for r in rows("module.json", "check") {
        let (p, v) = (
            r["path"].as_str().expect("path"),
            r["version"].as_str().expect("version"),
        );
        assert_eq!(
            module::check(p, v).is_ok(),
            r["ok"].as_bool().expect("ok"),
            "Check({p}, {v})"
        );
    }
    assert_eq!(
        module::check("rsc.io/quote", "v17.0.0")
            .unwrap_err()
            .to_string(),
        "rsc.io/quote@v17.0.0: invalid version: should be v0 or v1, not v17"
    );
    assert_eq!(
        module::check("rsc.io/quote", "0.1.0")
            .unwrap_err()
            .to_string(),
        "rsc.io/quote@0.1.0: invalid version: not a semantic version"
    );
    assert_eq!(
        module::check("github.com/go-yaml/yaml/v2", "v3.0.0")
            .unwrap_err()
            .to_string(),
        "github.com/go-yaml/yaml/v2@v3.0.0: invalid version: should be v2, not v3"
    );
}

#[test]
fn split_path_version_rows() {
    for r in rows("module.json", "split_path_version") {
        let (prefix, major) = (
            r["pathPrefix"].as_str().expect("p"),
            r["version"].as_str().expect("v"),
        );
        let path = format!("{prefix}{major}");
        assert_eq!(
            module::split_path_version(&path),
            Some((prefix, major)),
            "{path}"
        );
    }
}

#[test]
fn escape_path_rows() {
    for r in rows("module.json", "escape_path") {
        let (p, e) = (
            r["path"].as_str().expect("path"),
            r["escaped"].as_str().expect("escaped"),
        );
        assert_eq!(module::escape_path(p).as_deref(), Ok(e));
        assert_eq!(module::unescape_path(e).as_deref(), Ok(p));
    }
    for r in rows("module.json", "bad_unescape") {
        let e = r.as_str().expect("str");
        assert!(
            module::unescape_path(e).is_err(),
            "UnescapePath({e}) should fail"
        );
    }
    assert_eq!(
        module::unescape_path("github.com/GoogleCloudPlatform/omega")
            .unwrap_err()
            .to_string(),
        r#"invalid escaped module path "github.com/GoogleCloudPlatform/omega""#
    );
    assert_eq!(
        module::unescape_path("x.y/z/v1").unwrap_err().to_string(),
        r#"invalid escaped module path "x.y/z/v1": malformed module path "x.y/z/v1": invalid version"#
    );
}

#[test]
fn escape_version_rows() {
    for r in rows("escape_version_computed.json", "escape_version") {
        let v = r["version"].as_str().expect("version");
        let s = |k: &str| r[k].as_str().map(str::to_string);
        match module::escape_version(v) {
            Ok(e) => assert_eq!(
                (Some(e), None),
                (s("escaped"), s("error")),
                "EscapeVersion({v})"
            ),
            Err(e) => assert_eq!(
                (None, Some(e.to_string())),
                (s("escaped"), s("error")),
                "EscapeVersion({v})"
            ),
        }
        match module::unescape_version(v) {
            Ok(u) => assert_eq!(
                (Some(u), None),
                (s("unescape_of_input"), s("unescape_error")),
                "UnescapeVersion({v})"
            ),
            Err(e) => assert_eq!(
                (None, Some(e.to_string())),
                (s("unescape_of_input"), s("unescape_error")),
                "UnescapeVersion({v})"
            ),
        }
    }
}

#[test]
fn match_path_major_rows() {
    for r in rows("module.json", "match_path_major") {
        let (v, pm) = (
            r["v"].as_str().expect("v"),
            r["pathMajor"].as_str().expect("pathMajor"),
        );
        assert_eq!(
            module::match_path_major(v, pm),
            r["want"].as_bool().expect("want"),
            "MatchPathMajor({v}, {pm})"
        );
    }
}

#[test]
fn match_prefix_patterns_rows() {
    for r in rows("module.json", "match_prefix_patterns") {
        let (g, t) = (
            r["globs"].as_str().expect("globs"),
            r["target"].as_str().expect("target"),
        );
        assert_eq!(
            module::match_prefix_patterns(g, t),
            r["want"].as_bool().expect("want"),
            "MatchPrefixPatterns({g:?}, {t})"
        );
    }
}

#[test]
fn canonical_version_keeps_incompatible() {
    assert_eq!(
        module::canonical_version("v2.0.0+incompatible"),
        "v2.0.0+incompatible"
    );
    assert_eq!(module::canonical_version("v2.0+incompatible"), "");
    assert_eq!(module::canonical_version("v1.2.3+meta"), "v1.2.3");
    assert_eq!(module::canonical_version("bad"), "");
}

#[test]
fn module_version_sort_is_x_mod_sort() {
    use module::ModuleVersion as MV;
    let mut list = [
        MV::new("b.com/x", "v1.0.0"),
        MV::new("a.com/x", "v1.10.0/go.mod"),
        MV::new("a.com/x", "v1.10.0"),
        MV::new("a.com/x", "v1.9.0/go.mod"),
        MV::new("a.com/x", "v1.2.0-pre"),
    ];
    list.sort();
    let got: Vec<String> = list.iter().map(|m| m.to_string()).collect();
    assert_eq!(
        got,
        [
            "a.com/x@v1.2.0-pre",
            "a.com/x@v1.9.0/go.mod",
            "a.com/x@v1.10.0",
            "a.com/x@v1.10.0/go.mod",
            "b.com/x@v1.0.0"
        ]
    );
    assert_eq!(
        serde_json::to_string(&module::ModulePath::new("a.com/x").unwrap()).unwrap(),
        "\"a.com/x\""
    );
    let mv = MV::new("a.com/x", "v1.0.0");
    assert_eq!(serde_json::to_string(&mv).unwrap(), "\"a.com/x@v1.0.0\"");
    assert_eq!(
        serde_json::from_str::<MV>("\"a.com/x@v1.0.0\"").unwrap(),
        mv
    );
    assert!(module::ModulePath::new("a.com/x/v1").is_err());
}

mod laws {
    use modscope::module;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn escape_path_round_trips(p in "[a-z0-9-]{1,6}\\.[a-zA-Z]{1,3}(/[A-Za-z0-9._~-]{1,8}){0,3}") {
            if let Ok(e) = module::escape_path(&p) {
                prop_assert!(!e.bytes().any(|b| b.is_ascii_uppercase()));
                prop_assert_eq!(module::unescape_path(&e), Ok(p.clone()));
            } else {
                prop_assert!(module::check_path(&p).is_err());
            }
        }

        #[test]
        fn escape_version_round_trips(v in "[A-Za-z0-9.+~ !-]{0,12}") {
            match module::escape_version(&v) {
                Ok(e) => prop_assert_eq!(module::unescape_version(&e), Ok(v.clone())),
                Err(_) => prop_assert!(v.contains('!') || module::check_file_path(&v).is_err() || v.contains('/')),
            }
        }

        #[test]
        fn unescape_then_escape_is_identity(e in "[a-z0-9.!/-]{1,16}") {
            if let Ok(p) = module::unescape_path(&e) {
                prop_assert_eq!(module::escape_path(&p), Ok(e.clone()));
            }
            if let Ok(v) = module::unescape_version(&e) {
                prop_assert_eq!(module::escape_version(&v), Ok(e.clone()));
            }
        }
    }
}

#[test]
fn errors_become_diagnostics() {
    let e = module::check_path("x.y/z/v1").unwrap_err();
    let d = e.to_diagnostic("go.mod", None);
    assert_eq!(d.code.0, "module-invalid-path");
    assert_eq!(
        d.to_string(),
        r#"go.mod: malformed module path "x.y/z/v1": invalid version"#
    );
    let d = module::check("rsc.io/quote", "v2.0.0")
        .unwrap_err()
        .to_diagnostic("go.mod", None);
    assert_eq!(d.code.0, "module-invalid-version");
}
