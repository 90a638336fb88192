//! The Go source header scanner: never panics; every import it reports sits where it says (the
//! line and byte column name the opening quote of its path literal), is a valid import path, and
//! reads back the same when the header is written out again in canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::pkg::goscan::{is_valid_import, scan};

/// The byte offset of a 1-based line and byte column, if the file has that line.
fn offset(src: &[u8], line: u32, col: u32) -> Option<usize> {
    let mut start = 0usize;
    for _ in 1..line {
        start += src[start..].iter().position(|&b| b == b'\n')? + 1;
    }
    Some(start + col as usize - 1)
}

/// A Go interpreted string literal for `s`, escaping only what must be.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fuzz_target!(|data: &[u8]| {
    let h = scan(data);
    if h.nul {
        assert!(data.contains(&0), "a NUL is reported only when there is one");
    }
    for imp in &h.imports {
        assert!(is_valid_import(&imp.path), "reported an invalid path {:?}", imp.path);
        assert!(imp.line >= 1 && imp.col >= 1, "positions are 1-based");
        let at = offset(data, imp.line, imp.col)
            .unwrap_or_else(|| panic!("import {:?} at {}:{} is past the end", imp.path, imp.line, imp.col));
        assert!(
            matches!(data.get(at), Some(b'"') | Some(b'`')),
            "import {:?} at {}:{} does not start at a quote",
            imp.path,
            imp.line,
            imp.col
        );
        if let Some(name) = &imp.name {
            assert!(!name.is_empty(), "an import name is never empty");
        }
    }
    if let Some(e) = &h.error {
        assert!(e.line >= 1 && e.col >= 1, "error positions are 1-based");
    }
    // Written out again (one import per line, canonical quoting), the header reads the same.
    if h.package.is_empty() || h.error.is_some() {
        return;
    }
    let mut out = format!("package {}\n\nimport (\n", h.package);
    for imp in &h.imports {
        if let Some(n) = &imp.name {
            out.push_str(n);
            out.push(' ');
        }
        out.push_str(&go_quote(&imp.path));
        out.push('\n');
    }
    out.push_str(")\n");
    let again = scan(out.as_bytes());
    assert_eq!(again.error, None, "rewritten header {out:?} scans cleanly");
    assert_eq!(again.package, h.package);
    let a: Vec<_> = again.imports.iter().map(|i| (&i.name, &i.path)).collect();
    let b: Vec<_> = h.imports.iter().map(|i| (&i.name, &i.path)).collect();
    assert_eq!(a, b, "rewritten header {out:?} has the same imports");
});
