//! The go.mod printer: writes a [`FileSyntax`] in the canonical layout of `go mod edit -fmt`.
//!
//! Layout rules (x/mod `print.go`): one statement per line with single spaces between tokens (none
//! after `( [ {` or before `, ) ] }`); block lines indented by one tab; comments trimmed of
//! surrounding space; a blank line between top-level statements, never two blank lines in a row,
//! none at the top or bottom of the file; a suffix comment follows its line after one space.

use super::chars::{decode_rune, is_space};
use super::syntax::{Comment, Comments, FileSyntax, Line, LineBlock, Stmt};
use std::borrow::Cow;

/// Prints `file` in canonical form.
pub fn format(file: &FileSyntax<'_>) -> Vec<u8> {
    let mut p = Printer {
        buf: Vec::with_capacity(1024),
        pending: Vec::new(),
        margin: 0,
    };
    p.file(file);
    let mut b = p.buf;
    while b.last() == Some(&b'\n') && (b.len() == 1 || b[b.len() - 2] == b'\n') {
        b.pop();
    }
    b
}

struct Printer<'t> {
    buf: Vec<u8>,
    /// Suffix comments waiting for the end of the current line.
    pending: Vec<&'t [u8]>,
    margin: usize,
}

enum Expr<'r, 'a> {
    Comments(&'r Comments<'a>),
    Paren(&'r Comments<'a>, u8),
    Line(&'r Line<'a>),
    Block(&'r LineBlock<'a>),
}

impl<'t> Printer<'t> {
    fn tabs(&mut self) {
        for _ in 0..self.margin {
            self.buf.push(b'\t');
        }
    }

    fn trim(&mut self) {
        while matches!(self.buf.last(), Some(b' ' | b'\t')) {
            self.buf.pop();
        }
    }

    fn indent(&self) -> usize {
        self.buf.iter().rev().take_while(|&&c| c != b'\n').count()
    }

    fn newline(&mut self) {
        if !self.pending.is_empty() {
            self.buf.push(b' ');
            let pending = std::mem::take(&mut self.pending);
            for (i, com) in pending.iter().enumerate() {
                if i > 0 {
                    self.trim();
                    self.buf.push(b'\n');
                    self.tabs();
                }
                self.buf.extend_from_slice(trim_space(com));
            }
        }
        self.trim();
        let n = self.buf.len();
        if n == 0 || (n >= 2 && self.buf[n - 1] == b'\n' && self.buf[n - 2] == b'\n') {
            // No blank line at the top of the file or after a blank line.
        } else {
            self.buf.push(b'\n');
        }
        self.tabs();
    }

    fn comment_lines(&mut self, list: &'t [Comment<'_>]) {
        for com in list {
            self.buf.extend_from_slice(trim_space(com.token));
            self.newline();
        }
    }

    fn file(&mut self, f: &'t FileSyntax<'_>) {
        self.comment_lines(&f.comments.before);
        for (i, stmt) in f.stmts.iter().enumerate() {
            match stmt {
                Stmt::Comments(c) => self.expr(Expr::Comments(&c.comments)),
                Stmt::Line(l) => {
                    self.expr(Expr::Line(l));
                    self.newline();
                }
                Stmt::Block(b) => {
                    self.expr(Expr::Block(b));
                    self.newline();
                }
            }
            self.comment_lines(&stmt.comments().after);
            if i + 1 < f.stmts.len() {
                self.newline();
            }
        }
    }

    fn expr(&mut self, x: Expr<'t, '_>) {
        let comments = match &x {
            Expr::Comments(c) | Expr::Paren(c, _) => *c,
            Expr::Line(l) => &l.comments,
            Expr::Block(b) => &b.comments,
        };
        if !comments.before.is_empty() {
            self.trim();
            if self.indent() > 0 {
                self.buf.push(b'\n');
            }
            self.tabs();
            self.comment_lines(&comments.before);
        }
        match x {
            Expr::Comments(_) => {}
            Expr::Paren(_, c) => self.buf.push(c),
            Expr::Line(l) => self.tokens(&l.tokens),
            Expr::Block(b) => {
                self.tokens(&b.tokens);
                self.buf.push(b' ');
                self.expr(Expr::Paren(&b.lparen.comments, b'('));
                self.margin += 1;
                for l in &b.lines {
                    self.newline();
                    self.expr(Expr::Line(l));
                }
                self.margin -= 1;
                self.newline();
                self.expr(Expr::Paren(&b.rparen.comments, b')'));
            }
        }
        self.pending.extend(comments.suffix.iter().map(|c| c.token));
    }

    fn tokens(&mut self, tokens: &[Cow<'_, [u8]>]) {
        let mut sep: &[u8] = b"";
        for t in tokens {
            let t: &[u8] = t;
            if matches!(t, b"," | b")" | b"]" | b"}") {
                sep = b"";
            }
            self.buf.extend_from_slice(sep);
            self.buf.extend_from_slice(t);
            sep = b" ";
            if matches!(t, b"(" | b"[" | b"{") {
                sep = b"";
            }
        }
    }
}

/// Go's `strings.TrimSpace` on bytes.
pub(crate) fn trim_space(mut s: &[u8]) -> &[u8] {
    while !s.is_empty() {
        let (c, n) = decode_rune(s);
        if !is_space(c) || (c == '\u{FFFD}' && n == 1) {
            break;
        }
        s = &s[n..];
    }
    while !s.is_empty() {
        let mut start = s.len() - 1;
        while start > 0 && s.len() - start < 4 && (s[start] & 0xC0) == 0x80 {
            start -= 1;
        }
        let (c, n) = decode_rune(&s[start..]);
        if start + n != s.len() {
            // An invalid trailing byte decodes as U+FFFD: not a space.
            break;
        }
        if !is_space(c) || (c == '\u{FFFD}' && n == 1) {
            break;
        }
        s = &s[..start];
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn fmt(src: &str) -> String {
        let f = parse("go.mod", src.as_bytes()).expect("parses");
        String::from_utf8(format(&f)).expect("utf-8")
    }

    #[test]
    fn x_mod_block_layout() {
        let src = "// comment\nx \"y\" z\n\n// block\nblock ( // block-eol\n\t// x-before-line\n\t\n\t\"x\" ( y // x-eol\n\t\"x\" ) y // y-eol\n\t\"x1\"\n\t\"x2\"\n\t// line\n\t\"x3\"\n\t\"x4\"\n\t\n\t\"x5\"\n\t\n\t// y-line\n\t\"y\" //  y-eol\n\t\n\t\"z\" // z-eol\n) // block-eol2\n\n\nblock1()\n\nblock2 (x y z)\n\nblock3 \"w\" ( ) // empty block\nblock4 \"x\" ( ) \"y\" // not a block\nblock5 ( \"z\" // also not a block\n\n// eof\n";
        let want = "// comment\nx \"y\" z\n\n// block\nblock ( // block-eol\n\t// x-before-line\n\n\t\"x\" (y // x-eol\n\t\"x\") y // y-eol\n\t\"x1\"\n\t\"x2\"\n\t// line\n\t\"x3\"\n\t\"x4\"\n\n\t\"x5\"\n\n\t// y-line\n\t\"y\" //  y-eol\n\n\t\"z\" // z-eol\n) // block-eol2\n\nblock1 (\n)\n\nblock2 (x y z)\n\nblock3 \"w\" (\n) // empty block\n\nblock4 \"x\" () \"y\" // not a block\n\nblock5 (\"z\" // also not a block\n\n// eof\n";
        assert_eq!(fmt(src), want);
    }

    #[test]
    fn trims_like_go() {
        assert_eq!(trim_space(b" \t// a\r"), b"// a");
        assert_eq!(trim_space("// a\u{a0}".as_bytes()), b"// a");
        assert_eq!(trim_space(b"// a\xff "), b"// a\xff");
        assert_eq!(trim_space(b""), b"");
    }
}
