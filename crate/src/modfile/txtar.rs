//! txtar archives: the plain-text multi-file format of the Go playground and the go command's
//! test scripts and test modules.
//!
//! An archive is a comment followed by files. Each file starts with a marker line
//! `-- NAME --` (the line begins with `-- ` and ends with ` --`; the name between is trimmed of
//! white space and must not be empty) and runs to the next marker line. A missing final newline
//! on the comment or on a file's data counts as present. Every input parses: there are no syntax
//! errors, only text that is not a marker.

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct File {
    /// The name from the marker line, e.g. `foo/bar.go`.
    pub name: String,
    /// The file's contents (every non-empty file ends in a newline after parsing).
    pub data: Vec<u8>,
}

/// A parsed archive: the comment before the first marker and the files in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Archive {
    /// Text before the first file marker.
    pub comment: Vec<u8>,
    /// The files, in the order they appear (names may repeat).
    pub files: Vec<File>,
}

const MARKER: &[u8] = b"-- ";
const MARKER_END: &[u8] = b" --";

/// `data` with a newline appended unless it is empty or already ends in one.
fn fix_nl(data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    if d.last().is_some_and(|&b| b != b'\n') {
        d.push(b'\n');
    }
    d
}

/// If `data` starts with a marker line, its name and the text after the line.
fn is_marker(data: &[u8]) -> Option<(String, &[u8])> {
    if !data.starts_with(MARKER) {
        return None;
    }
    let (line, after) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[data.len()..]),
    };
    if !line.ends_with(MARKER_END) || line.len() < MARKER.len() + MARKER_END.len() {
        return None;
    }
    let name = String::from_utf8_lossy(&line[MARKER.len()..line.len() - MARKER_END.len()]);
    let name = name.trim();
    (!name.is_empty()).then(|| (name.to_string(), after))
}

/// Splits `data` at the first marker line: the text before it, and the marker's name and the
/// text after it (if there is a marker).
fn find_marker(data: &[u8]) -> (Vec<u8>, Option<(String, &[u8])>) {
    let mut i = 0;
    loop {
        if let Some((name, after)) = is_marker(&data[i..]) {
            return (data[..i].to_vec(), Some((name, after)));
        }
        match data[i..].windows(4).position(|w| w == b"\n-- ") {
            Some(j) => i += j + 1,
            None => return (fix_nl(data), None),
        }
    }
}

/// Parses an archive. Never fails.
pub fn parse(data: &[u8]) -> Archive {
    let (comment, mut next) = find_marker(data);
    let mut files = Vec::new();
    while let Some((name, rest)) = next {
        let (data, after) = find_marker(rest);
        files.push(File { name, data });
        next = after;
    }
    Archive { comment, files }
}

/// Formats an archive. The comment and data must not contain marker lines and names must be
/// non-empty for [`parse`] to give the archive back; a missing final newline is added.
pub fn format(a: &Archive) -> Vec<u8> {
    let mut out = fix_nl(&a.comment);
    for f in &a.files {
        out.extend_from_slice(MARKER);
        out.extend_from_slice(f.name.as_bytes());
        out.extend_from_slice(MARKER_END);
        out.push(b'\n');
        out.extend_from_slice(&fix_nl(&f.data));
    }
    out
}

impl Archive {
    /// The data of the first file named `name`.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.data.as_slice())
    }
}
