//! Pseudo-versions against x/mod's module/pseudo_test.go tables (shared/spec/cases/module.json).

mod common;

use modscope::version::pseudo::{self, PseudoTime};

fn rows(name: &str) -> Vec<serde_json::Value> {
    common::case_table("module.json")[name]["rows"]
        .as_array()
        .expect("rows")
        .clone()
}

/// 2006-01-02T15:04:05Z, the time every row of the table uses.
const T: PseudoTime = PseudoTime {
    year: 2006,
    month: 1,
    day: 2,
    hour: 15,
    minute: 4,
    second: 5,
};

#[test]
fn pseudo_rows() {
    for r in rows("pseudo") {
        let s = |k: &str| r[k].as_str().expect(k).to_string();
        let (major, older, version) = (s("major"), s("older"), s("version"));
        assert_eq!(
            pseudo::pseudo_version(&major, &older, T, "hash"),
            version,
            "PseudoVersion({major}, {older})"
        );
        assert!(
            pseudo::is_pseudo_version(&version),
            "IsPseudoVersion({version})"
        );
        assert!(
            !pseudo::is_pseudo_version(&older),
            "IsPseudoVersion({older})"
        );
        assert_eq!(
            pseudo::pseudo_version_time(&version),
            Ok(T),
            "time of {version}"
        );
        assert_eq!(
            pseudo::pseudo_version_rev(&version),
            Ok("hash"),
            "rev of {version}"
        );
        assert_eq!(
            pseudo::pseudo_version_base(&version).as_deref(),
            Ok(older.as_str()),
            "base of {version}"
        );
        assert!(pseudo::pseudo_version_time(&older).is_err());
        assert!(pseudo::pseudo_version_rev(&older).is_err());
    }
}

#[test]
fn invalid_base_rows() {
    for r in rows("invalid_pseudo_base") {
        let v = r.as_str().expect("str");
        assert!(
            pseudo::pseudo_version_base(v).is_err(),
            "PseudoVersionBase({v}) should fail"
        );
    }
}

#[test]
fn base_errors_are_worded_like_go() {
    let e = pseudo::pseudo_version_base("v0.0.0-20060102150405-hash+incompatible").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: lacks base version, but has build metadata "+incompatible""#
    );
    let e = pseudo::pseudo_version_base("v1.0.0-0.20060102150405-hash").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"pseudo-version "v1.0.0-0.20060102150405-hash" invalid: version before v1.0.0 would have negative patch number"#
    );
    let e = pseudo::pseudo_version_base("v0.0.0").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"pseudo-version "v0.0.0" invalid: syntax error"#
    );
}

#[test]
fn decimal_rows() {
    for r in rows("inc_decimal") {
        assert_eq!(
            pseudo::inc_decimal(r["in"].as_str().expect("in")),
            r["want"].as_str().expect("want")
        );
    }
    for r in rows("dec_decimal") {
        assert_eq!(
            pseudo::dec_decimal(r["in"].as_str().expect("in")),
            r["want"].as_str().expect("want")
        );
    }
}
