//! The graph's quick dependency go.mod reader (`graph::resolve::quick_dep`) gives the full lax
//! parser's answer on every file it accepts: the real go.mod files of `shared/corpus/realmods`
//! (each as it is and with every line, in turn, removed) and the go.mod files under `tests/`.

mod common;

use modscope::graph::resolve::{full_dep, quick_dep};
use std::path::Path;

/// go.mod files: `go.mod`, and proxy-layout `<version>.mod`.
fn is_gomod(name: &str) -> bool {
    name == "go.mod" || name.ends_with(".mod")
}

/// Checks one file; true when the quick reader accepted it.
fn agrees(name: &str, data: &[u8]) -> bool {
    let Some(q) = quick_dep(data) else {
        return false;
    };
    assert_eq!(
        full_dep(name, data),
        Ok(q),
        "{name}: quick and full parses differ"
    );
    true
}

#[test]
fn quick_reader_agrees_with_the_full_parser_on_real_files() {
    let mut files = common::files_under(&common::shared_dir().join("corpus/realmods"), &is_gomod);
    let corpus = files.len();
    assert!(corpus > 20, "only {corpus} go.mod files in the corpus");
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    files.extend(common::files_under(&tests_dir, &is_gomod));
    let mut quick = 0;
    let mut variants = 0;
    for p in &files {
        let data = std::fs::read(p).unwrap();
        let name = p.display().to_string();
        quick += usize::from(agrees(&name, &data));
        // Each line removed in turn: blocks left open, directives without their module line …
        let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
        if lines.len() > 120 {
            continue;
        }
        for i in 0..lines.len() {
            let v: Vec<u8> = lines
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            variants += usize::from(agrees(&format!("{name} without line {}", i + 1), &v));
        }
    }
    // Most real files are plain enough for the quick reader; the test would prove little if
    // it declined them all.
    assert!(
        quick * 2 >= corpus,
        "only {quick} of {corpus} files read quickly"
    );
    assert!(variants > 0);
    eprintln!(
        "{quick} of {} files and {variants} variants read quickly",
        files.len()
    );
}
