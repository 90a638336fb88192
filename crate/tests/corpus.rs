//! Real files from `shared/corpus/realmods`: every go.mod and go.work parses strictly, formats back
//! to itself byte for byte, every vendor/modules.txt reads without a warning and every go.sum
//! without an error. The test walks the folder, so files added there are covered.

mod common;

use modscope::modfile;
use std::path::{Path, PathBuf};

/// Files whose canonical form differs from their bytes, with the reason.
const NOT_CANONICAL: &[(&str, &str)] = &[];

fn corpus_files(name: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let root = common::shared_dir().join("corpus/realmods");
    let all = common::files_under(&root, &|_| true);
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

/// Runs `check` on every corpus file whose name passes `name`, with its path relative to the
/// corpus and its bytes; `check` returns what is wrong with the file. Fails listing every
/// problem of every file; returns how many files were checked.
fn check_each(
    name: impl Fn(&str) -> bool,
    mut check: impl FnMut(&str, &[u8]) -> Vec<String>,
) -> usize {
    let files = corpus_files(name);
    let mut failures = Vec::new();
    for p in &files {
        let data = std::fs::read(p).expect("read");
        let name = rel(p);
        failures.extend(
            check(&name, &data)
                .into_iter()
                .map(|f| format!("{name}: {f}")),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}

/// What is wrong when formatting `data` did not give back `data` itself.
fn formatted_differs<E: std::fmt::Debug>(
    data: &[u8],
    formatted: Result<Vec<u8>, E>,
) -> Vec<String> {
    match formatted {
        Ok(out) if out == data => vec![],
        Ok(out) => vec![format!(
            "formatted text differs\n--- got ---\n{}",
            String::from_utf8_lossy(&out)
        )],
        Err(errs) => vec![format!("{errs:?}")],
    }
}

#[test]
fn gomod_parses_strictly_and_laxly() {
    let n = check_each(is_gomod, |name, data| {
        match modfile::parse_strict(name, data) {
            Ok(f) => {
                assert_eq!(f.module_path(), modfile::module_path(data), "{name}");
                let lax = modfile::parse_lax(name, data).expect("lax parses what strict does");
                assert_eq!(lax.require, f.require, "{name}");
                let json = serde_json::to_string(&f).expect("serializes");
                let back: modfile::ModFile = serde_json::from_str(&json).expect("deserializes");
                assert_eq!(back, f, "{name}: JSON round trip");
                vec![]
            }
            Err(errs) => vec![format!("{errs:?}")],
        }
    });
    assert!(n >= 100, "only {n} go.mod files");
}

#[test]
fn gomod_formats_to_itself() {
    let n = check_each(is_gomod, |name, data| {
        if NOT_CANONICAL.iter().any(|(n, _)| *n == name) {
            return vec![];
        }
        formatted_differs(data, modfile::format_mod(name, data))
    });
    assert!(n > 0);
}

#[test]
fn gowork_parses_and_formats_to_itself() {
    let n = check_each(
        |n| n == "go.work",
        |name, data| match modfile::parse_work(name, data) {
            Err(errs) => vec![format!("{errs:?}")],
            Ok(_) => formatted_differs(data, modfile::format_work(name, data)),
        },
    );
    assert!(n > 0);
}

#[test]
fn modules_txt_reads_without_warnings() {
    let n = check_each(
        |n| n == "modules.txt",
        |name, data| {
            let mut failures = Vec::new();
            let (m, warnings) = modfile::vendor::parse(name, data);
            if !warnings.is_empty() {
                failures.push(format!("{warnings:?}"));
            }
            if m.modules.is_empty() || m.vendor_list().is_empty() {
                failures.push("no vendored modules read".to_string());
            }
            // Every package line names a package inside its module (or a replaced module).
            for vm in &m.modules {
                for pkg in &vm.packages {
                    let inside =
                        pkg == &vm.module.path || pkg.starts_with(&format!("{}/", vm.module.path));
                    if !inside && vm.replacement.is_none() {
                        failures.push(format!("{pkg} listed under {}", vm.module));
                    }
                }
            }
            failures
        },
    );
    assert!(n > 0);
}

#[test]
fn go_sum_reads_without_errors() {
    let n = check_each(
        |n| n == "go.sum" || n == "vendor.sum" || n == "go.work.sum",
        |name, data| {
            let Ok(text) = std::str::from_utf8(data) else {
                return vec!["not UTF-8".to_string()];
            };
            let mut failures = Vec::new();
            let (sum, diags) = modscope::sum::gosum::GoSum::parse(name, text);
            if diags.iter().any(|d| d.is_error()) {
                failures.push(format!("{diags:?}"));
            }
            if sum.is_empty() && !text.trim().is_empty() {
                failures.push("no lines read".to_string());
            }
            failures
        },
    );
    assert!(n > 0);
}
