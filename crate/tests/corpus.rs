//! Real files from `shared/corpus/realmods`: every go.mod and go.work parses strictly, formats back
//! to itself byte for byte, every vendor/modules.txt reads without a warning and every go.sum
//! without an error. The test walks the folder, so files added there are covered.

mod common;

use modscope::modfile;
use std::path::{Path, PathBuf};

/// Files whose canonical form differs from their bytes, with the reason.
const NOT_CANONICAL: &[(&str, &str)] = &[];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn corpus_files(name: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let root = common::shared_dir().join("corpus/realmods");
    let mut all = Vec::new();
    walk(&root, &mut all);
    assert!(!all.is_empty(), "no files under {}", root.display());
    all.into_iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&name))
        .collect()
}

fn rel(p: &Path) -> String {
    let root = common::shared_dir().join("corpus/realmods");
    p.strip_prefix(&root).unwrap_or(p).display().to_string()
}

fn is_gomod(n: &str) -> bool {
    n == "go.mod" || n == "vendor.mod"
}

#[test]
fn gomod_parses_strictly_and_laxly() {
    let files = corpus_files(is_gomod);
    assert!(files.len() >= 100, "only {} go.mod files", files.len());
    let mut failures = Vec::new();
    for p in &files {
        let data = std::fs::read(p).expect("read");
        let name = rel(p);
        match modfile::parse_strict(&name, &data) {
            Ok(f) => {
                assert_eq!(f.module_path(), modfile::module_path(&data), "{name}");
                let lax = modfile::parse_lax(&name, &data).expect("lax parses what strict does");
                assert_eq!(lax.require, f.require, "{name}");
                let json = serde_json::to_string(&f).expect("serializes");
                let back: modfile::ModFile = serde_json::from_str(&json).expect("deserializes");
                assert_eq!(back, f, "{name}: JSON round trip");
            }
            Err(errs) => failures.push(format!("{name}: {errs:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gomod_formats_to_itself() {
    let mut failures = Vec::new();
    for p in corpus_files(is_gomod) {
        let data = std::fs::read(&p).expect("read");
        let name = rel(&p);
        if NOT_CANONICAL.iter().any(|(n, _)| *n == name) {
            continue;
        }
        match modfile::format_mod(&name, &data) {
            Ok(out) if out == data => {}
            Ok(out) => failures.push(format!(
                "{name}: formatted text differs\n--- got ---\n{}",
                String::from_utf8_lossy(&out)
            )),
            Err(errs) => failures.push(format!("{name}: {errs:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gowork_parses_and_formats_to_itself() {
    let files = corpus_files(|n| n == "go.work");
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for p in files {
        let data = std::fs::read(&p).expect("read");
        let name = rel(&p);
        if let Err(errs) = modfile::parse_work(&name, &data) {
            failures.push(format!("{name}: {errs:?}"));
            continue;
        }
        match modfile::format_work(&name, &data) {
            Ok(out) if out == data => {}
            Ok(out) => failures.push(format!(
                "{name}: formatted text differs\n--- got ---\n{}",
                String::from_utf8_lossy(&out)
            )),
            Err(errs) => failures.push(format!("{name}: {errs:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn modules_txt_reads_without_warnings() {
    let files = corpus_files(|n| n == "modules.txt");
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for p in files {
        let data = std::fs::read(&p).expect("read");
        let name = rel(&p);
        let (m, warnings) = modfile::vendor::parse(&name, &data);
        if !warnings.is_empty() {
            failures.push(format!("{name}: {warnings:?}"));
        }
        if m.modules.is_empty() || m.vendor_list().is_empty() {
            failures.push(format!("{name}: no vendored modules read"));
        }
        // Every package line names a package inside its module (or a replaced module).
        for vm in &m.modules {
            for pkg in &vm.packages {
                let inside =
                    pkg == &vm.module.path || pkg.starts_with(&format!("{}/", vm.module.path));
                if !inside && vm.replacement.is_none() {
                    failures.push(format!("{name}: {pkg} listed under {}", vm.module));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn go_sum_reads_without_errors() {
    let files = corpus_files(|n| n == "go.sum" || n == "vendor.sum" || n == "go.work.sum");
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        let name = rel(&p);
        let (sum, diags) = modscope::sum::gosum::GoSum::parse(&name, &text);
        if diags.iter().any(|d| d.is_error()) {
            failures.push(format!("{name}: {diags:?}"));
        }
        if sum.is_empty() && !text.trim().is_empty() {
            failures.push(format!("{name}: no lines read"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
