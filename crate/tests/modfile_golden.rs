//! Golden files for the go.mod / go.work formatter and error messages.
//!
//! * `tests/modfile/fmt/NAME.in` → `NAME.golden`: the canonical form (`go mod edit -fmt`). The
//!   golden file must format to itself, and the input and its canonical form must say the same
//!   thing (same typed file up to positions, order and removed duplicates).
//! * `tests/modfile/errors/NAME.in` → `NAME.err`: every diagnostic, one per line, as the go command
//!   prints them (`go.mod:3:2: …`). `NAME.lax.in` is read as a dependency's go.mod, `NAME.work.in`
//!   as a go.work file.
//!
//! `UPDATE_GOLDEN=1 cargo test --test modfile_golden` writes missing or changed outputs.

mod common;

use modscope::modfile;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = common::repo_root().join("tests/modfile").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "in"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no inputs in {}", dir.display());
    v
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

fn check_golden(path: &Path, got: &[u8], failures: &mut Vec<String>) {
    match std::fs::read(path) {
        Ok(want) if want == got => {}
        _ if update() => std::fs::write(path, got).expect("write golden"),
        Ok(want) => failures.push(format!(
            "{}:\n--- want ---\n{}\n--- got ---\n{}",
            path.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(got)
        )),
        Err(e) => failures.push(format!("{}: {e}", path.display())),
    }
}

/// The typed file as JSON without positions, lists sorted and de-duplicated the way the
/// formatter does (first exclude wins, last replace wins).
fn meaning(v: &Value) -> Value {
    let mut v = v.clone();
    strip_spans(&mut v);
    if let Some(obj) = v.as_object_mut() {
        if let Some(Value::Array(reps)) = obj.get_mut("replace") {
            let mut seen = std::collections::HashSet::new();
            let mut kept: Vec<Value> = Vec::new();
            for r in reps.iter().rev() {
                if seen.insert(r["old"].to_string()) {
                    kept.push(r.clone());
                }
            }
            *reps = kept;
        }
        for (_, list) in obj.iter_mut() {
            if let Value::Array(items) = list {
                items.sort_by_key(|i| i.to_string());
                items.dedup();
            }
        }
    }
    v
}

fn strip_spans(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("span");
            m.values_mut().for_each(strip_spans);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

fn typed(name: &str, data: &[u8], work: bool) -> Value {
    let v = if work {
        serde_json::to_value(modfile::parse_work(name, data).expect("parses"))
    } else {
        serde_json::to_value(modfile::parse_strict(name, data).expect("parses"))
    };
    v.expect("serializes")
}

#[test]
fn fmt_golden() {
    let mut failures = Vec::new();
    for input in inputs("fmt") {
        let name = stem(&input);
        let work = name.ends_with(".work");
        let file = if work { "go.work" } else { "go.mod" };
        let data = std::fs::read(&input).expect("read input");
        let format = |d: &[u8]| {
            if work {
                modfile::format_work(file, d)
            } else {
                modfile::format_mod(file, d)
            }
        };
        let out = match format(&data) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{}: {e:?}", input.display()));
                continue;
            }
        };
        check_golden(&input.with_extension("golden"), &out, &mut failures);
        match format(&out) {
            Ok(again) if again == out => {}
            other => failures.push(format!("{name}: formatting is not idempotent: {other:?}")),
        }
        let (before, after) = (typed(file, &data, work), typed(file, &out, work));
        if meaning(&before) != meaning(&after) {
            failures.push(format!(
                "{name}: formatting changed the meaning\n{before}\n{after}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn error_golden() {
    let mut failures = Vec::new();
    for input in inputs("errors") {
        let name = stem(&input);
        let data = std::fs::read(&input).expect("read input");
        let result = if name.ends_with(".work") {
            modfile::parse_work("go.work", &data).map(|_| ())
        } else if name.ends_with(".lax") {
            modfile::parse_lax("go.mod", &data).map(|_| ())
        } else {
            modfile::parse_strict("go.mod", &data).map(|_| ())
        };
        let Err(diags) = result else {
            failures.push(format!("{}: parsed without error", input.display()));
            continue;
        };
        let mut text = String::new();
        for d in &diags {
            assert!(d.is_error());
            text.push_str(&d.to_string());
            text.push('\n');
        }
        check_golden(&input.with_extension("err"), text.as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
