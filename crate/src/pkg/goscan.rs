//! The Go source scanner: reads only a file's package clause and import declarations.
//!
//! Package lookup needs three things from a `.go` file — its package name, the import paths it names
//! and its build constraints — and none of the rest. [`scan`] reads tokens (skipping comments,
//! whitespace and semicolons) up to the end of the last `import` declaration and stops, as Go 1.19's
//! `go/build` import reader does. It accepts named (`f "fmt"`), dot and blank imports, grouped
//! `import ( … )` blocks, interpreted and raw string literals, and the cgo pseudo-import `"C"`.
//! Build constraints come from [`crate::pkg::constraint`].
//!
//! Garbage in gives an error value out: the scanner never panics, never loops without consuming
//! input, and allocates only for the names and paths it returns.

/// One import declaration of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The import path, unquoted.
    pub path: String,
    /// The local name when one is given: an identifier, `.` or `_`.
    pub name: Option<String>,
    /// 1-based line of the path literal.
    pub line: u32,
    /// 1-based byte column of the path literal.
    pub col: u32,
}

/// A syntax error in the header, with its position (as the go command prints it: `line:col`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct ScanError {
    /// 1-based line.
    pub line: u32,
    /// 1-based byte column.
    pub col: u32,
    /// What is wrong, in `go/parser`'s words where it has them.
    pub message: String,
}

/// What [`scan`] read from a file's header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileHeader {
    /// The package name, or empty when the package clause is missing or broken.
    pub package: String,
    /// The imports in source order.
    pub imports: Vec<Import>,
    /// The first syntax error, if any. Fields above hold what was read before it.
    pub error: Option<ScanError>,
    /// Whether the input contained a NUL byte before the end of the header (`go/build` refuses it).
    pub nul: bool,
}

impl FileHeader {
    /// Whether the file imports `"C"` (uses cgo).
    pub fn imports_c(&self) -> bool {
        self.imports.iter().any(|i| i.path == "C")
    }
}

struct Reader<'a> {
    src: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
}

enum Stop {
    Eof,
    Err(ScanError),
}

impl<'a> Reader<'a> {
    fn col(&self) -> u32 {
        (self.i - self.line_start + 1) as u32
    }

    fn error(&self, message: impl Into<String>) -> Stop {
        Stop::Err(ScanError {
            line: self.line,
            col: self.col(),
            message: message.into(),
        })
    }

    fn bump(&mut self) {
        if self.src.get(self.i) == Some(&b'\n') {
            self.line += 1;
            self.line_start = self.i + 1;
        }
        self.i += 1;
    }

    /// Skips whitespace, semicolons and comments; returns the next byte without consuming it.
    fn peek(&mut self) -> Result<u8, Stop> {
        loop {
            let Some(&c) = self.src.get(self.i) else {
                return Err(Stop::Eof);
            };
            match c {
                0 => return Err(self.error("unexpected NUL in input")),
                b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b';' => self.bump(),
                b'/' => match self.src.get(self.i + 1) {
                    Some(b'/') => {
                        while let Some(&c) = self.src.get(self.i) {
                            if c == b'\n' {
                                break;
                            }
                            if c == 0 {
                                return Err(self.error("unexpected NUL in input"));
                            }
                            self.bump();
                        }
                    }
                    Some(b'*') => {
                        let (line, col) = (self.line, self.col());
                        self.bump();
                        self.bump();
                        loop {
                            match self.src.get(self.i) {
                                None => {
                                    return Err(Stop::Err(ScanError {
                                        line,
                                        col,
                                        message: "comment not terminated".into(),
                                    }))
                                }
                                Some(0) => return Err(self.error("unexpected NUL in input")),
                                Some(b'*') if self.src.get(self.i + 1) == Some(&b'/') => {
                                    self.bump();
                                    self.bump();
                                    break;
                                }
                                Some(_) => self.bump(),
                            }
                        }
                    }
                    _ => return Ok(c),
                },
                _ => return Ok(c),
            }
        }
    }

    fn ident(&mut self) -> Result<&'a str, Stop> {
        let c = self.peek()?;
        if !is_ident_start(c) {
            return Err(self.error(format!("expected identifier, found {}", describe(c))));
        }
        let start = self.i;
        while self.src.get(self.i).is_some_and(|&c| is_ident_byte(c)) {
            self.i += 1;
        }
        std::str::from_utf8(&self.src[start..self.i])
            .map_err(|_| self.error("invalid UTF-8 encoding"))
    }

    fn keyword(&mut self, kw: &str) -> Result<bool, Stop> {
        self.peek()?;
        let rest = &self.src[self.i..];
        if rest.starts_with(kw.as_bytes()) && !rest.get(kw.len()).is_some_and(|&c| is_ident_byte(c))
        {
            self.i += kw.len();
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads a string literal at the current position (after [`Reader::peek`]).
    fn string(&mut self) -> Result<(String, u32, u32), Stop> {
        let c = self.peek()?;
        let (line, col) = (self.line, self.col());
        let start = self.i;
        match c {
            b'"' => {
                self.i += 1;
                loop {
                    match self.src.get(self.i) {
                        None | Some(b'\n') => {
                            return Err(Stop::Err(ScanError {
                                line,
                                col,
                                message: "string literal not terminated".into(),
                            }))
                        }
                        Some(0) => return Err(self.error("unexpected NUL in input")),
                        Some(b'\\') => self.i += 2,
                        Some(b'"') => {
                            self.i += 1;
                            break;
                        }
                        Some(_) => self.i += 1,
                    }
                }
                let raw = &self.src[start..self.i.min(self.src.len())];
                match unquote(raw) {
                    Some(s) => Ok((s, line, col)),
                    None => Err(Stop::Err(ScanError {
                        line,
                        col,
                        message: format!("invalid import path: {}", String::from_utf8_lossy(raw)),
                    })),
                }
            }
            b'`' => {
                self.bump();
                loop {
                    match self.src.get(self.i) {
                        None => {
                            return Err(Stop::Err(ScanError {
                                line,
                                col,
                                message: "raw string literal not terminated".into(),
                            }))
                        }
                        Some(0) => return Err(self.error("unexpected NUL in input")),
                        Some(b'`') => {
                            self.bump();
                            break;
                        }
                        Some(_) => self.bump(),
                    }
                }
                let body = &self.src[start + 1..self.i - 1];
                // Carriage returns are dropped from raw strings.
                let body: Vec<u8> = body.iter().copied().filter(|&b| b != b'\r').collect();
                match String::from_utf8(body) {
                    Ok(s) => Ok((s, line, col)),
                    Err(_) => Err(Stop::Err(ScanError {
                        line,
                        col,
                        message: "invalid UTF-8 encoding".into(),
                    })),
                }
            }
            other => Err(self.error(format!(
                "missing import path; require quoted string, found {}",
                describe(other)
            ))),
        }
    }

    fn import_spec(&mut self, out: &mut Vec<Import>) -> Result<(), Stop> {
        let c = self.peek()?;
        let name = if c == b'.' {
            self.i += 1;
            Some(".".to_string())
        } else if is_ident_start(c) {
            Some(self.ident()?.to_string())
        } else {
            None
        };
        let (path, line, col) = self.string()?;
        if !is_valid_import(&path) {
            return Err(Stop::Err(ScanError {
                line,
                col,
                message: format!("invalid import path: {}", quote(&path)),
            }));
        }
        out.push(Import {
            path,
            name,
            line,
            col,
        });
        Ok(())
    }
}

fn describe(c: u8) -> String {
    match c {
        b'"' | b'`' => "string literal".into(),
        c if c.is_ascii_graphic() => format!("'{}'", c as char),
        c => format!("byte {c:#04x}"),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Whether `path` is acceptable in an import declaration (`go/parser`'s rule): non-empty, and
/// every character graphic, not a space, and none of ``!"#$%&'()*,:;<=>?[\]^{|}` `` or U+FFFD.
/// Graphic is Go's `unicode.IsGraphic`: format characters (U+200B, U+00AD), private-use and
/// unassigned code points are not.
pub fn is_valid_import(path: &str) -> bool {
    const ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{FFFD}";
    !path.is_empty()
        && path.chars().all(|c| {
            crate::version::quote::is_print(c) && !c.is_whitespace() && !ILLEGAL.contains(c)
        })
}

/// Unquotes an interpreted Go string literal (quotes included); `None` if it is malformed.
pub(crate) fn unquote(raw: &[u8]) -> Option<String> {
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let text = std::str::from_utf8(inner).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    v = v * 8 + chars.next()?.to_digit(8)?;
                }
                if v > 255 {
                    return None;
                }
                out.push(char::from_u32(v)?);
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                for _ in 0..n {
                    v = v
                        .checked_mul(16)?
                        .checked_add(chars.next()?.to_digit(16)?)?;
                }
                out.push(char::from_u32(v)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Reads the package clause and the import declarations of a Go source file.
pub fn scan(src: &[u8]) -> FileHeader {
    // A leading UTF-8 byte order mark is not part of the source.
    let start = if src.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut r = Reader {
        src,
        i: start,
        line: 1,
        line_start: 0,
    };
    let mut h = FileHeader::default();
    let mut saw_package = false;
    let result = (|| -> Result<(), Stop> {
        saw_package = r.keyword("package")?;
        if !saw_package {
            let c = r.peek()?;
            return Err(r.error(format!("expected 'package', found {}", describe(c))));
        }
        h.package = r.ident()?.to_string();
        while r.keyword("import")? {
            if r.peek()? == b'(' {
                r.i += 1;
                while r.peek()? != b')' {
                    r.import_spec(&mut h.imports)?;
                }
                r.i += 1;
            } else {
                r.import_spec(&mut h.imports)?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => {}
        Err(Stop::Eof) => {
            if h.package.is_empty() {
                let want = if saw_package { "IDENT" } else { "'package'" };
                h.error = Some(ScanError {
                    line: r.line,
                    col: r.col(),
                    message: format!("expected {want}, found 'EOF'"),
                });
            }
        }
        Err(Stop::Err(e)) => {
            h.nul = e.message == "unexpected NUL in input";
            h.error = Some(e);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    type Scanned = (String, Vec<(Option<String>, String)>, Option<String>);

    fn paths(src: &str) -> Scanned {
        let h = scan(src.as_bytes());
        (
            h.package,
            h.imports.into_iter().map(|i| (i.name, i.path)).collect(),
            h.error.map(|e| e.to_string()),
        )
    }

    #[test]
    fn table() {
        type Row = (
            &'static str,
            &'static str,
            &'static [(Option<&'static str>, &'static str)],
            Option<&'static str>,
        );
        let rows: &[Row] = &[
            ("package p\n", "p", &[], None),
            ("package p; import \"fmt\"", "p", &[(None, "fmt")], None),
            (
                "// c\n/* d */ package main\n\nimport (\n\t\"fmt\"\n\tf \"flag\"\n\t. \"os\"\n\t_ \"embed\"\n)\n\nfunc main() {}\n",
                "main",
                &[(None, "fmt"), (Some("f"), "flag"), (Some("."), "os"), (Some("_"), "embed")],
                None,
            ),
            (
                "package p\nimport \"a\"\nimport `b/c`\nimport (\"d\"; e \"f\")\nvar x = 1\n",
                "p",
                &[(None, "a"), (None, "b/c"), (None, "d"), (Some("e"), "f")],
                None,
            ),
            (
                "package p\n\n/*\n#include <stdio.h>\n*/\nimport \"C\"\nimport \"unsafe\"\n",
                "p",
                &[(None, "C"), (None, "unsafe")],
                None,
            ),
            ("package p\nimport \"a\\x2fb\"\n", "p", &[(None, "a/b")], None),
            ("package p\nimport ()\n", "p", &[], None),
            ("package p_test\nimport \"testing\"\n", "p_test", &[(None, "testing")], None),
            ("package ü\n", "ü", &[], None),
            ("", "", &[], Some("1:1: expected 'package', found 'EOF'")),
            ("func f() {}", "", &[], Some("1:1: expected 'package', found 'f'")),
            ("package", "", &[], Some("1:8: expected IDENT, found 'EOF'")),
            ("package p\nimport \"a\n", "p", &[], Some("2:8: string literal not terminated")),
            ("package p\nimport (\"a\"", "p", &[(None, "a")], None),
            ("package p\nimport 5", "p", &[], Some("2:8: missing import path; require quoted string, found '5'")),
            ("package p\nimport \"a b\"", "p", &[], Some("2:8: invalid import path: \"a b\"")),
            ("package p\nimport \"\"", "p", &[], Some("2:8: invalid import path: \"\"")),
            ("package p /* open", "p", &[], Some("1:11: comment not terminated")),
            ("package p\nimport \"\\q\"", "p", &[], Some("2:8: invalid import path: \"\\q\"")),
            ("package p\x00", "p", &[], Some("1:10: unexpected NUL in input")),
            ("packagex p", "", &[], Some("1:1: expected 'package', found 'p'")),
            ("\u{feff}package bom\nimport \"a\"\n", "bom", &[(None, "a")], None),
        ];
        for (src, pkg, imports, err) in rows {
            let (gp, gi, ge) = paths(src);
            assert_eq!(gp, *pkg, "package of {src:?}");
            let want: Vec<(Option<String>, String)> = imports
                .iter()
                .map(|(n, p)| (n.map(str::to_string), p.to_string()))
                .collect();
            assert_eq!(gi, want, "imports of {src:?}");
            assert_eq!(ge.as_deref(), *err, "error of {src:?}");
        }
    }

    #[test]
    fn positions() {
        let h = scan(b"package p\n\nimport (\n\t\"fmt\"\n)\n");
        assert_eq!((h.imports[0].line, h.imports[0].col), (4, 2));
        assert!(!h.imports_c());
    }

    #[test]
    fn garbage_never_panics() {
        // A small deterministic generator over the bytes that matter to the scanner.
        let alphabet = b"package import ( ) ; \" ` \\ / * \n _ . a C \x00 \xff";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..400 {
            let mut buf = b"package p\nimport ".to_vec();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                buf.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = scan(&buf);
            let _ = scan(&buf[17..]);
        }
    }
}
