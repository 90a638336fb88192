//! txtar parsing and formatting: marker rules, final-newline handling, round trips, and the
//! golden archive in tests/txtar/.

mod common;

use modscope::modfile::txtar::{self, Archive, File};

fn file(name: &str, data: &str) -> File {
    File {
        name: name.to_string(),
        data: data.as_bytes().to_vec(),
    }
}

#[test]
fn parses_comment_and_files() {
    let text = "comment1\ncomment2\n-- file1 --\nFile 1 text.\n-- foo --\nMore file 1 text.\n-- file 2 --\nFile 2 text.\n-- empty --\n-- noNL --\nhello world\n-- empty filename line --\nsome content\n-- --\n";
    let a = txtar::parse(text.as_bytes());
    assert_eq!(a.comment, b"comment1\ncomment2\n");
    assert_eq!(
        a.files,
        vec![
            file("file1", "File 1 text.\n"),
            file("foo", "More file 1 text.\n"),
            file("file 2", "File 2 text.\n"),
            file("empty", ""),
            file("noNL", "hello world\n"),
            file("empty filename line", "some content\n-- --\n"),
        ]
    );
}

#[test]
fn marker_rules() {
    // Not markers: no space before the closing dashes, too short, name only blanks, indented.
    let a = txtar::parse(b"--x --\n-- a--\n--  --\n -- b --\n-- c --\n");
    assert_eq!(a.comment, b"--x --\n-- a--\n--  --\n -- b --\n");
    assert_eq!(a.files, vec![file("c", "")]);
    // Names are trimmed; a marker at end of input without newline still counts.
    let a = txtar::parse(b"--   spaced name   --\nx\n-- last --");
    assert_eq!(a.files, vec![file("spaced name", "x\n"), file("last", "")]);
    // A missing final newline is added to the last file and to a lone comment.
    assert_eq!(
        txtar::parse(b"-- f --\nno newline").files,
        vec![file("f", "no newline\n")]
    );
    assert_eq!(txtar::parse(b"just a comment").comment, b"just a comment\n");
    assert_eq!(txtar::parse(b"").comment, b"");
}

#[test]
fn formats_and_round_trips() {
    let a = Archive {
        comment: b"comment".to_vec(),
        files: vec![
            file("a.go", "package a"),
            file("empty", ""),
            file("b/c.txt", "x\ny\n"),
        ],
    };
    let text = txtar::format(&a);
    assert_eq!(
        text,
        b"comment\n-- a.go --\npackage a\n-- empty --\n-- b/c.txt --\nx\ny\n"
    );
    let back = txtar::parse(&text);
    assert_eq!(back.comment, b"comment\n");
    assert_eq!(back.files[0], file("a.go", "package a\n"));
    assert_eq!(txtar::format(&back), text);
}

#[test]
fn golden_archive() {
    let dir = common::repo_root().join("tests/txtar");
    let input = std::fs::read(dir.join("archive.txtar")).expect("archive.txtar");
    let a = txtar::parse(&input);
    let mut listing = String::new();
    listing.push_str(&format!(
        "comment: {:?}\n",
        String::from_utf8_lossy(&a.comment)
    ));
    for f in &a.files {
        listing.push_str(&format!(
            "file {:?}: {:?}\n",
            f.name,
            String::from_utf8_lossy(&f.data)
        ));
    }
    let golden = std::fs::read_to_string(dir.join("archive.golden")).expect("archive.golden");
    assert_eq!(listing, golden);
    assert_eq!(
        txtar::format(&a),
        input,
        "a canonical archive formats back to itself"
    );
}
