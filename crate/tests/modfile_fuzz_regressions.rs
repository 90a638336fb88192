//! Inputs the fuzzers (`scripts/fuzz`) found, kept as regression tests in `tests/modfile/fuzz/`.
//!
//! Each file (`*.mod` read as go.mod, `*.work` as go.work) must parse or fail without panicking,
//! and when it parses, formatting must converge: like `go mod edit -fmt`, one pass can move a blank
//! line to the top of a block (sorting carries it along with the line after it) and only the next
//! pass drops it, so the second pass is final.

mod common;

use modscope::modfile;

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = common::repo_root().join("tests/modfile/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/modfile/fuzz")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for p in files {
        let data = std::fs::read(&p).expect("read");
        let work = p.extension().is_some_and(|e| e == "work");
        let fmt = |d: &[u8]| {
            if work {
                modfile::format_work("go.work", d)
            } else {
                let _ = modfile::parse_lax("go.mod", d);
                let _ = modfile::module_path(d);
                modfile::format_mod("go.mod", d)
            }
        };
        let Ok(first) = fmt(&data) else { continue };
        let second = fmt(&first).expect("canonical text parses");
        let third = fmt(&second).expect("canonical text parses");
        assert_eq!(
            third,
            second,
            "{}: formatting does not converge",
            p.display()
        );
    }
}

#[test]
fn blank_line_moved_by_sorting_is_dropped_on_the_next_pass() {
    let src = b"module m\n\nrequire (\n\texample.comoa v1.0.0\n\n\texample.com/b v1.0.0\n)\n";
    let first = modfile::format_mod("go.mod", src).expect("formats");
    assert_eq!(
        String::from_utf8_lossy(&first),
        "module m\n\nrequire (\n\n\texample.com/b v1.0.0\n\texample.comoa v1.0.0\n)\n"
    );
    let second = modfile::format_mod("go.mod", &first).expect("formats");
    assert_eq!(
        String::from_utf8_lossy(&second),
        "module m\n\nrequire (\n\texample.com/b v1.0.0\n\texample.comoa v1.0.0\n)\n"
    );
}
