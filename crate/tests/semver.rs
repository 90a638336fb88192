//! Go semver against x/mod's own table (shared/spec/cases/semver.json): every row, the full
//! compare and max matrices, and the sort golden.

mod common;

use modscope::version::semver;
use modscope::version::Version;
use serde_json::Value;
use std::cmp::Ordering;

fn rows() -> (Value, Vec<String>) {
    let table = common::case_table("semver.json");
    let ins = table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["in"].as_str().expect("in").to_string())
        .collect();
    (table, ins)
}

fn ord(n: i64) -> Ordering {
    n.cmp(&0)
}

#[test]
fn fields_of_every_row() {
    let (table, _) = rows();
    for row in table["rows"].as_array().expect("rows") {
        let v = row["in"].as_str().expect("in");
        let s = |k: &str| row[k].as_str().expect(k).to_string();
        assert_eq!(
            semver::is_valid(v),
            row["is_valid"].as_bool().expect("is_valid"),
            "is_valid({v})"
        );
        assert_eq!(semver::canonical(v), s("canonical"), "canonical({v})");
        assert_eq!(semver::major(v), s("major"), "major({v})");
        assert_eq!(semver::major_minor(v), s("major_minor"), "major_minor({v})");
        assert_eq!(semver::prerelease(v), s("prerelease"), "prerelease({v})");
        assert_eq!(semver::build(v), s("build"), "build({v})");
        assert_eq!(
            Version::parse(v).is_ok(),
            semver::is_valid(v),
            "Version::parse({v})"
        );
        if let Ok(parsed) = Version::parse(v) {
            assert_eq!(parsed.canonical(), s("canonical"));
            assert_eq!(parsed.to_string(), v);
        }
    }
}

#[test]
fn compare_matrix() {
    let (table, ins) = rows();
    let matrix = table["compare"].as_array().expect("compare");
    assert_eq!(matrix.len(), ins.len());
    for (i, line) in matrix.iter().enumerate() {
        for (j, want) in line.as_array().expect("row").iter().enumerate() {
            let want = ord(want.as_i64().expect("int"));
            assert_eq!(
                semver::compare(&ins[i], &ins[j]),
                want,
                "compare({}, {})",
                ins[i],
                ins[j]
            );
            if let (Ok(a), Ok(b)) = (Version::parse(&ins[i]), Version::parse(&ins[j])) {
                assert_eq!(a.cmp(&b), want, "Version {} vs {}", ins[i], ins[j]);
                assert_eq!(a == b, want == Ordering::Equal);
            }
        }
    }
}

#[test]
fn max_matrix() {
    let (table, ins) = rows();
    let matrix = table["max"].as_array().expect("max");
    for (i, line) in matrix.iter().enumerate() {
        for (j, want) in line.as_array().expect("row").iter().enumerate() {
            assert_eq!(
                semver::max(&ins[i], &ins[j]),
                want.as_str().expect("str"),
                "max({}, {})",
                ins[i],
                ins[j]
            );
        }
    }
}

#[test]
fn sort_golden() {
    let (table, ins) = rows();
    let golden: Vec<String> = table["sort_golden"]
        .as_array()
        .expect("sort_golden")
        .iter()
        .map(|v| v.as_str().expect("str").to_string())
        .collect();
    let mut list = ins.clone();
    list.reverse();
    semver::sort(&mut list);
    assert_eq!(list, golden);
    let mut rotated = ins.clone();
    rotated.rotate_left(ins.len() / 3);
    semver::sort(&mut rotated);
    assert_eq!(rotated, golden);
}

mod laws {
    use super::*;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    /// Mostly-valid version strings, with leading zeros, shorthands, long numbers, prereleases of
    /// every identifier kind and build metadata mixed in so invalid ones appear too.
    fn version() -> impl Strategy<Value = String> {
        prop_oneof![
            "v(0|00|[1-9][0-9]{0,2}|[1-9][0-9]{19,21})(\\.(0|01|[1-9][0-9]?)){0,2}(-(0|[1-9]|00|[a-z]{1,2}|[0-9A-Za-z-]{1,3})(\\.(0|[1-9][0-9]?|[a-z-]{1,2})){0,3})?(\\+[0-9A-Za-z-]{1,3}(\\.[a-z]{1,2})?)?",
            "v[0-2]\\.[0-2]\\.[0-2](-[0-2a-c-]{1,2}(\\.[0-2a-c]{1,2}){0,2})?",
            ".{0,6}",
        ]
    }

    fn hash_of(v: &Version) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn compare_is_antisymmetric_and_matches_canonical_equality(a in version(), b in version()) {
            let ab = semver::compare(&a, &b);
            prop_assert_eq!(ab, semver::compare(&b, &a).reverse());
            prop_assert_eq!(ab == Ordering::Equal, semver::canonical(&a) == semver::canonical(&b));
            prop_assert_eq!(semver::compare(&a, &a), Ordering::Equal);
        }

        #[test]
        fn compare_is_transitive(a in version(), b in version(), c in version()) {
            let mut v = [a, b, c];
            v.sort_by(|x, y| semver::compare(x, y));
            prop_assert_ne!(semver::compare(&v[0], &v[2]), Ordering::Greater);
            prop_assert!(!(semver::compare(&v[0], &v[1]) == Ordering::Equal
                && semver::compare(&v[1], &v[2]) == Ordering::Equal
                && semver::compare(&v[0], &v[2]) != Ordering::Equal));
        }

        #[test]
        fn version_order_is_compare(a in version(), b in version()) {
            if let (Ok(va), Ok(vb)) = (Version::parse(&a), Version::parse(&b)) {
                prop_assert_eq!(va.cmp(&vb), semver::compare(&a, &b));
                if va == vb {
                    prop_assert_eq!(hash_of(&va), hash_of(&vb));
                }
                prop_assert_eq!(va.canonical(), semver::canonical(&a));
            } else {
                prop_assert_eq!(Version::parse(&a).is_ok(), semver::is_valid(&a));
            }
        }
    }
}
