//! Go toolchain versions against cmd/go's internal/gover table (shared/spec/cases/gover.json).

mod common;

use modscope::version::gover;
use std::cmp::Ordering;

fn rows(name: &str) -> Vec<serde_json::Value> {
    common::case_table("gover.json")[name]["rows"]
        .as_array()
        .expect("rows")
        .clone()
}

#[test]
fn compare() {
    for r in rows("compare") {
        let (x, y) = (r[0].as_str().expect("x"), r[1].as_str().expect("y"));
        let want = r[2].as_i64().expect("want").cmp(&0);
        assert_eq!(gover::compare(x, y), want, "compare({x}, {y})");
        assert_eq!(gover::compare(y, x), want.reverse(), "compare({y}, {x})");
        let expect_max = if want == Ordering::Less { y } else { x };
        assert_eq!(gover::max(x, y), expect_max);
    }
}

#[test]
fn parse() {
    for r in rows("parse") {
        let x = r[0].as_str().expect("in");
        let want: Vec<&str> = r[1]
            .as_array()
            .expect("fields")
            .iter()
            .map(|v| v.as_str().expect("str"))
            .collect();
        let v = gover::parse(x).unwrap_or_else(|| panic!("parse({x}) failed"));
        assert_eq!(
            vec![v.major, v.minor, v.patch, v.kind, v.pre],
            want,
            "parse({x})"
        );
    }
}

#[test]
fn lang_is_lang_is_valid() {
    for r in rows("lang") {
        assert_eq!(
            gover::lang(r[0].as_str().expect("in")),
            r[1].as_str().expect("want"),
            "lang({})",
            r[0]
        );
    }
    for r in rows("is_lang") {
        assert_eq!(
            gover::is_lang(r[0].as_str().expect("in")),
            r[1].as_bool().expect("want"),
            "is_lang({})",
            r[0]
        );
    }
    for r in rows("is_valid") {
        assert_eq!(
            gover::is_valid(r[0].as_str().expect("in")),
            r[1].as_bool().expect("want"),
            "is_valid({})",
            r[0]
        );
    }
}
