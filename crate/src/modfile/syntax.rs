//! The go.mod / go.work syntax tree: lexer, parser and comment attachment (SPEC A.1–A.2).
//!
//! The tree keeps every token and comment with its position so that the [printer](super::print) can
//! reproduce the file. Tokens borrow from the input bytes; the typed layer replaces a token only when
//! it rewrites it (an unquoted path, a canonical version), as the go command does before formatting.
//!
//! Grammar, as golang.org/x/mod reads it:
//! * tokens are separated by space, tab and CR; a newline is a token; `( ) [ ] { } ,` are one-byte
//!   tokens; `"…"` (with backslash escapes) and `` `…` `` are string tokens; everything else that is
//!   printable and not a space is an identifier, up to a `//`;
//! * `//` starts a comment to end of line: a *line comment* when only spaces precede it on its line,
//!   otherwise a *suffix comment* attached to the element that ends just before it;
//! * a statement is the tokens of one line; `verb … (` at end of line opens a block whose lines end
//!   at a line holding only `)`; `verb ( )` at end of line is an empty block;
//! * line comments before a statement (with no blank line between) become its *before* comments;
//!   blank lines inside a block are kept as empty comments.

use crate::error::Pos;
use std::borrow::Cow;

/// The tokens of one line, stored inline up to four (a go.mod line rarely has more).
pub type Tokens<'a> = smallvec::SmallVec<[Cow<'a, [u8]>; 4]>;

use super::chars::{decode_rune, is_ascii_ident, is_ident, quote_rune, PLAIN_IDENT};

/// One `//` comment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment<'a> {
    /// Where the `//` starts (zero for the empty comment that stands for a blank line).
    pub start: Pos,
    /// The comment text from `//` to end of line, without the newline (empty for a blank line).
    pub token: &'a [u8],
    /// True for an end-of-line comment that follows tokens on its line.
    pub suffix: bool,
}

/// The comments attached to one syntax element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comments<'a> {
    /// Whole-line comments just before the element.
    pub before: Vec<Comment<'a>>,
    /// End-of-line comments after the element (one, inline, in all but edited trees).
    pub suffix: smallvec::SmallVec<[Comment<'a>; 1]>,
    /// Whole-line comments after the element (only at file level).
    pub after: Vec<Comment<'a>>,
}

impl Comments<'_> {
    fn is_empty(&self) -> bool {
        self.before.is_empty() && self.suffix.is_empty() && self.after.is_empty()
    }
}

/// One line of tokens: a statement, or a line inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// Comments attached to the line.
    pub comments: Comments<'a>,
    /// Start of the first token.
    pub start: Pos,
    /// End of the last token.
    pub end: Pos,
    /// The tokens (inside a block, without the block's verb).
    pub tokens: Tokens<'a>,
    /// True for a line inside a block.
    pub in_block: bool,
}

/// A parenthesised block: `verb (` newline, lines, `)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineBlock<'a> {
    /// Comments attached to the block as a whole.
    pub comments: Comments<'a>,
    /// Start of the verb.
    pub start: Pos,
    /// The tokens before `(` (the verb).
    pub tokens: Tokens<'a>,
    /// The opening parenthesis (holds the suffix comment of the first line).
    pub lparen: Paren<'a>,
    /// The lines of the block.
    pub lines: Vec<Line<'a>>,
    /// The closing parenthesis (holds comments before it and its suffix comment).
    pub rparen: Paren<'a>,
}

/// A parenthesis of a block, as a place to hang comments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paren<'a> {
    /// Comments attached to the parenthesis.
    pub comments: Comments<'a>,
    /// Where the parenthesis is.
    pub pos: Pos,
}

/// A run of whole-line comments not attached to any statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBlock<'a> {
    /// The comments (in `before`).
    pub comments: Comments<'a>,
    /// Where the first comment starts.
    pub start: Pos,
}

/// A top-level element of the file.
// Blocks are few per file and statements are built once: an inline block costs less than a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt<'a> {
    /// Comments on their own, separated from statements by blank lines.
    Comments(CommentBlock<'a>),
    /// A one-line statement.
    Line(Line<'a>),
    /// A block statement.
    Block(LineBlock<'a>),
}

impl<'a> Stmt<'a> {
    /// The comments attached to the statement.
    pub fn comments(&self) -> &Comments<'a> {
        match self {
            Stmt::Comments(c) => &c.comments,
            Stmt::Line(l) => &l.comments,
            Stmt::Block(b) => &b.comments,
        }
    }

    fn comments_mut(&mut self) -> &mut Comments<'a> {
        match self {
            Stmt::Comments(c) => &mut c.comments,
            Stmt::Line(l) => &mut l.comments,
            Stmt::Block(b) => &mut b.comments,
        }
    }
}

/// A whole go.mod or go.work file as syntax.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileSyntax<'a> {
    /// File-level comments (suffix comments no element took, printed first).
    pub comments: Comments<'a>,
    /// The statements in order.
    pub stmts: Vec<Stmt<'a>>,
}

/// A syntax error: where the go command reports it and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The position the go command prints (`file:line:col`).
    pub pos: Pos,
    /// The message, worded as the go command words it.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Eof,
    EolComment,
    Ident,
    Str,
    Comment,
    Newline,
    LParen,
    RParen,
    Punct,
}

impl Kind {
    fn is_eol(self) -> bool {
        matches!(self, Kind::Eof | Kind::EolComment | Kind::Newline)
    }
}

/// A position as the lexer keeps it: line and column packed in one word, so that a position is
/// written and read back with one move each way. Building a [`Pos`] field by field and copying it
/// whole reads three narrow stores with one wide load, which stalls the CPU on every token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    /// The line in the low half, the column in the high half.
    line_col: u64,
    byte: u32,
}

impl At {
    fn new(line: u32, col: u32, byte: u32) -> At {
        At {
            line_col: u64::from(line) | (u64::from(col) << 32),
            byte,
        }
    }

    fn line(self) -> u32 {
        self.line_col as u32
    }

    fn col(self) -> u32 {
        (self.line_col >> 32) as u32
    }

    fn pos(self) -> Pos {
        Pos {
            line: self.line(),
            col: self.col(),
            byte: self.byte,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    pos: At,
    end: At,
    /// Byte range of the text (comments exclude their trailing newline).
    text: (usize, usize),
}

struct Parser<'a, 'n> {
    src: &'a [u8],
    file_name: &'n str,
    /// Current lexing position.
    pos: At,
    /// The lookahead token.
    tok: Token,
    /// Whether a token other than a comment or newline ended on the current line.
    line_has_token: bool,
}

type PResult<T> = Result<T, SyntaxError>;

/// Parses `src` into a syntax tree. `file_name` appears in the one error message that names a
/// position (`unterminated block started at F:L:C`).
pub fn parse<'a>(file_name: &str, src: &'a [u8]) -> Result<FileSyntax<'a>, SyntaxError> {
    let start = At::new(1, 1, 0);
    let mut p = Parser {
        src,
        file_name,
        pos: start,
        tok: Token {
            kind: Kind::Eof,
            pos: start,
            end: start,
            text: (0, 0),
        },
        line_has_token: false,
    };
    p.read_token()?;
    p.parse_file()
}

impl<'a> Parser<'a, '_> {
    fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(SyntaxError {
            pos: self.pos.pos(),
            message: message.into(),
        })
    }

    fn at_eof(&self) -> bool {
        self.pos.byte as usize >= self.src.len()
    }

    fn rest(&self) -> &'a [u8] {
        &self.src[self.pos.byte as usize..]
    }

    fn peek_byte(&self) -> Option<u8> {
        self.src.get(self.pos.byte as usize).copied()
    }

    /// Consumes one rune and returns it.
    fn read_rune(&mut self) -> char {
        let rest = self.rest();
        if rest.is_empty() {
            return '\0';
        }
        let (c, n) = decode_rune(rest);
        let byte = self.pos.byte + n as u32;
        self.pos = if c == '\n' {
            At::new(self.pos.line() + 1, 1, byte)
        } else {
            At::new(self.pos.line(), self.pos.col() + 1, byte)
        };
        c
    }

    fn finish(&mut self, kind: Kind, start: At) {
        self.finish_at(kind, start, self.pos);
    }

    /// Sets the lookahead to a token from `start` to `end` (the current position).
    fn finish_at(&mut self, kind: Kind, start: At, end: At) {
        let (s, mut e) = (start.byte as usize, end.byte as usize);
        if matches!(kind, Kind::Comment | Kind::EolComment) {
            let t = &self.src[s..e];
            if t.ends_with(b"\r\n") {
                e -= 2;
            } else if t.ends_with(b"\n") {
                e -= 1;
            }
        }
        self.line_has_token = !matches!(
            kind,
            Kind::Newline | Kind::Comment | Kind::EolComment | Kind::Eof
        );
        self.tok = Token {
            kind,
            pos: start,
            end,
            text: (s, e),
        };
    }

    /// Lexes the next token into the lookahead.
    ///
    /// The common tokens (spaces, comments, newlines, punctuation, identifiers) are lexed with
    /// the position in locals and stored once: updating `self.pos` field by field and reading
    /// it back whole costs a store-forwarding stall per token.
    fn read_token(&mut self) -> PResult<()> {
        let src = self.src;
        let (line, mut col, byte) = (self.pos.line(), self.pos.col(), self.pos.byte);
        let mut i = byte as usize;
        while let Some(&b) = src.get(i) {
            if b == b' ' || b == b'\t' || b == b'\r' {
                i += 1;
                col += 1;
            } else {
                break;
            }
        }
        let start = At::new(line, col, i as u32);
        self.pos = start;
        let Some(&b) = src.get(i) else {
            self.finish_at(Kind::Eof, start, start);
            return Ok(());
        };
        match b {
            b'/' if src.get(i + 1) == Some(&b'/') => {
                // A suffix comment follows a token on its line (x/mod looks back for non-space
                // text since the last newline; only tokens can be there).
                let kind = if self.line_has_token {
                    Kind::EolComment
                } else {
                    Kind::Comment
                };
                // Consume to and including the newline.
                let rest = &src[i..];
                let end = match rest.iter().position(|&c| c == b'\n') {
                    Some(k) => At::new(line + 1, 1, (i + k + 1) as u32),
                    None => At::new(line, col + count_runes(rest), src.len() as u32),
                };
                self.pos = end;
                self.finish_at(kind, start, end);
                return Ok(());
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                return self.err("mod files must use // comments (not /* */ comments)");
            }
            b'\n' => {
                let end = At::new(line + 1, 1, i as u32 + 1);
                self.pos = end;
                self.finish_at(Kind::Newline, start, end);
                return Ok(());
            }
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' => {
                let end = At::new(line, col + 1, i as u32 + 1);
                let kind = match b {
                    b'(' => Kind::LParen,
                    b')' => Kind::RParen,
                    _ => Kind::Punct,
                };
                self.pos = end;
                self.finish_at(kind, start, end);
                return Ok(());
            }
            b'"' | b'`' => {
                self.read_rune();
                loop {
                    if self.at_eof() {
                        self.pos = start;
                        return self.err("unexpected EOF in string");
                    }
                    if self.peek_byte() == Some(b'\n') {
                        return self.err("unexpected newline in string");
                    }
                    let c = self.read_rune();
                    if c == b as char {
                        break;
                    }
                    if c == '\\' && b != b'`' {
                        if self.at_eof() {
                            self.pos = start;
                            return self.err("unexpected EOF in string");
                        }
                        self.read_rune();
                    }
                }
                self.finish(Kind::Str, start);
                return Ok(());
            }
            _ => {}
        }

        // An ASCII byte is its own rune: no decoding for the common case.
        let first = if b < 0x80 {
            is_ascii_ident(b).then_some(b as char).ok_or(b as char)
        } else {
            let (c, _) = decode_rune(&src[i..]);
            is_ident(c).then_some(c).ok_or(c)
        };
        if let Err(first) = first {
            return self.err(format!("unexpected input character {}", quote_rune(first)));
        }
        // Scan the identifier: eight plain bytes at a time, then byte by byte over ASCII, rune by
        // rune otherwise.
        loop {
            while let Some(w) = src.get(i..i + 8) {
                let mut all = true;
                for &c in w {
                    all &= PLAIN_IDENT[c as usize];
                }
                if !all {
                    break;
                }
                i += 8;
                col += 8;
            }
            let run = src[i..]
                .iter()
                .take_while(|&&c| PLAIN_IDENT[c as usize])
                .count();
            i += run;
            col += run as u32;
            let Some(&c) = src.get(i) else { break };
            if c < 0x80 {
                if !is_ascii_ident(c) {
                    break;
                }
                if c == b'/' {
                    match src.get(i + 1) {
                        Some(b'/') => break,
                        Some(b'*') => {
                            self.pos = At::new(line, col, i as u32);
                            return self.err("mod files must use // comments (not /* */ comments)");
                        }
                        _ => {}
                    }
                }
                i += 1;
                col += 1;
            } else {
                let (r, n) = decode_rune(&src[i..]);
                if !is_ident(r) {
                    break;
                }
                i += n;
                col += 1;
            }
        }
        let end = At::new(line, col, i as u32);
        self.pos = end;
        self.finish_at(Kind::Ident, start, end);
        Ok(())
    }

    fn peek(&self) -> Kind {
        self.tok.kind
    }

    /// Returns the lookahead token and lexes the next one.
    fn lex(&mut self) -> PResult<Token> {
        let t = self.tok;
        self.read_token()?;
        Ok(t)
    }

    fn text(&self, t: &Token) -> &'a [u8] {
        &self.src[t.text.0..t.text.1]
    }

    fn comment(&self, t: &Token, suffix: bool) -> Comment<'a> {
        Comment {
            start: t.pos.pos(),
            token: self.text(t),
            suffix,
        }
    }

    fn parse_file(&mut self) -> PResult<FileSyntax<'a>> {
        let mut file = FileSyntax::default();
        let mut cb: Option<CommentBlock<'a>> = None;
        loop {
            match self.peek() {
                Kind::Newline => {
                    self.lex()?;
                    if let Some(c) = cb.take() {
                        file.stmts.push(Stmt::Comments(c));
                    }
                }
                Kind::Comment => {
                    let t = self.lex()?;
                    let c = self.comment(&t, false);
                    cb.get_or_insert_with(|| CommentBlock {
                        comments: Comments::default(),
                        start: t.pos.pos(),
                    })
                    .comments
                    .before
                    .push(c);
                }
                Kind::Eof => {
                    if let Some(c) = cb.take() {
                        file.stmts.push(Stmt::Comments(c));
                    }
                    return Ok(file);
                }
                _ => {
                    let stmt = self.parse_stmt()?;
                    file.stmts.push(stmt);
                    if let Some(c) = cb.take() {
                        if let Some(last) = file.stmts.last_mut() {
                            last.comments_mut().before = c.comments.before;
                        }
                    }
                }
            }
        }
    }

    fn parse_stmt(&mut self) -> PResult<Stmt<'a>> {
        let t = self.lex()?;
        let start = t.pos;
        let mut end = t.end;
        let mut tokens = Tokens::new();
        tokens.push(Cow::Borrowed(self.text(&t)));
        loop {
            let t = self.lex()?;
            if t.kind.is_eol() {
                let line = self.end_line(start.pos(), end.pos(), tokens, false, &t);
                return Ok(Stmt::Line(line));
            }
            if t.kind == Kind::LParen {
                let next = self.peek();
                if next.is_eol() {
                    return Ok(Stmt::Block(self.parse_line_block(
                        start.pos(),
                        tokens,
                        t,
                    )?));
                } else if next == Kind::RParen {
                    let rparen = self.lex()?;
                    if self.peek().is_eol() {
                        let eol = self.lex()?;
                        let mut block = open_block(start.pos(), tokens, t.pos.pos());
                        block.rparen.pos = rparen.pos.pos();
                        if eol.kind == Kind::EolComment {
                            // The whole empty block is on one line: it takes the comment.
                            block.comments.suffix.push(self.comment(&eol, true));
                        }
                        return Ok(Stmt::Block(block));
                    }
                    tokens.push(Cow::Borrowed(self.text(&t)));
                    tokens.push(Cow::Borrowed(self.text(&rparen)));
                } else {
                    tokens.push(Cow::Borrowed(self.text(&t)));
                }
                continue;
            }
            tokens.push(Cow::Borrowed(self.text(&t)));
            end = t.end;
        }
    }

    fn parse_line_block(
        &mut self,
        start: Pos,
        tokens: Tokens<'a>,
        lparen: Token,
    ) -> PResult<LineBlock<'a>> {
        let mut block = open_block(start, tokens, lparen.pos.pos());
        let mut comments: Vec<Comment<'a>> = Vec::new();
        loop {
            match self.peek() {
                Kind::EolComment => {
                    // Only the line that opens the block ends in a comment seen here.
                    let t = self.lex()?;
                    let c = self.comment(&t, true);
                    block.lparen.comments.suffix.push(c);
                }
                Kind::Newline => {
                    self.lex()?;
                    let keep = if comments.is_empty() {
                        !block.lines.is_empty()
                    } else {
                        comments.last().is_some_and(|c| !c.token.is_empty())
                    };
                    if keep {
                        comments.push(Comment::default());
                    }
                }
                Kind::Comment => {
                    let t = self.lex()?;
                    comments.push(self.comment(&t, false));
                }
                Kind::Eof => {
                    return self.err(format!(
                        "syntax error (unterminated block started at {}:{}:{})",
                        self.file_name, block.start.line, block.start.col
                    ));
                }
                Kind::RParen => {
                    let rparen = self.lex()?;
                    if comments.len() == 1 && comments[0] == Comment::default() {
                        comments.clear();
                    }
                    block.rparen.comments.before = comments;
                    block.rparen.pos = rparen.pos.pos();
                    if !self.peek().is_eol() {
                        return self.err("syntax error (expected newline after closing paren)");
                    }
                    let eol = self.lex()?;
                    if eol.kind == Kind::EolComment {
                        let c = self.comment(&eol, true);
                        if block.start.line == rparen.pos.line() {
                            block.comments.suffix.push(c);
                        } else {
                            block.rparen.comments.suffix.push(c);
                        }
                    }
                    return Ok(block);
                }
                _ => {
                    let mut line = self.parse_line()?;
                    line.comments.before = std::mem::take(&mut comments);
                    block.lines.push(line);
                }
            }
        }
    }

    fn parse_line(&mut self) -> PResult<Line<'a>> {
        let t = self.lex()?;
        let start = t.pos;
        let mut end = t.end;
        let mut tokens = Tokens::new();
        tokens.push(Cow::Borrowed(self.text(&t)));
        loop {
            let t = self.lex()?;
            if t.kind.is_eol() {
                return Ok(self.end_line(start.pos(), end.pos(), tokens, true, &t));
            }
            tokens.push(Cow::Borrowed(self.text(&t)));
            end = t.end;
        }
    }

    /// The line from `start` to `end` with its `tokens`, ended by `eol` (a newline, or a
    /// comment that becomes the line's suffix comment).
    #[inline]
    fn end_line(
        &self,
        start: Pos,
        end: Pos,
        tokens: Tokens<'a>,
        in_block: bool,
        eol: &Token,
    ) -> Line<'a> {
        let mut line = Line {
            comments: Comments::default(),
            start,
            end,
            tokens,
            in_block,
        };
        if eol.kind == Kind::EolComment {
            line.comments.suffix.push(self.comment(eol, true));
        }
        line
    }
}

/// A block opened at `start` by the verb `tokens` and a `(` at `lparen`: no lines yet, and no
/// closing parenthesis.
fn open_block(start: Pos, tokens: Tokens<'_>, lparen: Pos) -> LineBlock<'_> {
    LineBlock {
        comments: Comments::default(),
        start,
        tokens,
        lparen: Paren {
            comments: Comments::default(),
            pos: lparen,
        },
        lines: Vec::new(),
        rparen: Paren::default(),
    }
}

fn count_runes(s: &[u8]) -> u32 {
    if s.is_ascii() {
        return s.len() as u32;
    }
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        i += decode_rune(&s[i..]).1;
        n += 1;
    }
    n
}

impl LineBlock<'_> {
    /// Whether the block has no lines and no comments inside.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.rparen.comments.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> String {
        let f = parse("go.mod", src.as_bytes()).expect("parses");
        let mut out: Vec<String> = Vec::new();
        let s = |t: &Cow<[u8]>| String::from_utf8_lossy(t).into_owned();
        for stmt in &f.stmts {
            match stmt {
                Stmt::Line(l) => out.extend(l.tokens.iter().map(s)),
                Stmt::Block(b) => {
                    out.extend(b.tokens.iter().map(s));
                    out.push("(".into());
                    for l in &b.lines {
                        out.extend(l.tokens.iter().map(s));
                    }
                    out.push(")".into());
                }
                Stmt::Comments(_) => {}
            }
        }
        out.join(" ")
    }

    #[test]
    fn comment_attachment() {
        let src = "// a\n// b\nblock ( // c\n\t// d\n\n\t// e\n\tx // f\n\t// g\n\n\t// h\n) // i\n// j\n";
        let f = parse("go.mod", src.as_bytes()).expect("parses");
        let Stmt::Block(b) = &f.stmts[0] else {
            panic!("want block, got {:?}", f.stmts[0])
        };
        let toks = |cs: &[Comment]| -> Vec<String> {
            cs.iter()
                .map(|c| String::from_utf8_lossy(c.token).into_owned())
                .collect()
        };
        assert_eq!(toks(&b.comments.before), ["// a", "// b"]);
        assert_eq!(toks(&b.lparen.comments.suffix), ["// c"]);
        assert_eq!(toks(&b.lines[0].comments.before), ["// d", "", "// e"]);
        assert_eq!(toks(&b.lines[0].comments.suffix), ["// f"]);
        assert_eq!(toks(&b.rparen.comments.before), ["// g", "", "// h"]);
        assert_eq!(toks(&b.rparen.comments.suffix), ["// i"]);
        let Stmt::Comments(c) = &f.stmts[1] else {
            panic!("want comments")
        };
        assert_eq!(toks(&c.comments.before), ["// j"]);
    }

    #[test]
    fn cr_is_kept_unless_before_newline() {
        let f = parse("go.mod", b"// a\r\r\n").expect("parses");
        assert_eq!(f.stmts[0].comments().before[0].token, b"// a\r");
    }

    #[test]
    fn errors_carry_go_positions() {
        let cases: &[(&str, (u32, u32), &str)] = &[
            (
                "module m /* x */\n",
                (1, 10),
                "mod files must use // comments (not /* */ comments)",
            ),
            (
                "module a/*b\n",
                (1, 9),
                "mod files must use // comments (not /* */ comments)",
            ),
            ("module \"abc\n", (1, 12), "unexpected newline in string"),
            ("module \"abc", (1, 8), "unexpected EOF in string"),
            ("module \"abc\\", (1, 8), "unexpected EOF in string"),
            (
                "module m\u{a0}\n",
                (1, 9),
                "unexpected input character '\\u00a0'",
            ),
            (
                "\u{feff}module m\n",
                (1, 1),
                "unexpected input character '\\ufeff'",
            ),
            (
                "require (\n\tx v1\n",
                (3, 1),
                "syntax error (unterminated block started at go.mod:1:1)",
            ),
            (
                "require (\n)x y\n",
                (2, 3),
                "syntax error (expected newline after closing paren)",
            ),
        ];
        for (src, (line, col), msg) in cases {
            let e = parse("go.mod", src.as_bytes()).expect_err(src);
            assert_eq!(
                (e.pos.line, e.pos.col, e.message.as_str()),
                (*line, *col, *msg),
                "{src:?}"
            );
        }
    }

    #[test]
    fn punctuation_is_split() {
        assert_eq!(tokens("require a[b]c{d}e,"), "require a [ b ] c { d } e ,");
        assert_eq!(tokens("require (\n\ta[b]\n)"), "require ( a [ b ] )");
        assert_eq!(tokens("require ()"), "require ( )");
    }
}
