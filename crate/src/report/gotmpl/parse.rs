//! Lexer and parser of Go template text into [`Node`]s, with Go's parse error texts
//! (`template: main:1: unclosed action`, `function "x" not defined`, `unexpected EOF`, …).

use std::fmt;

/// A parse error, printed as the go command prints it (`template: NAME:LINE: MESSAGE`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {msg}")]
pub struct ParseError {
    /// The template's name.
    pub name: String,
    /// 1-based line of the offending text.
    pub line: usize,
    /// What is wrong.
    pub msg: String,
}

/// One lexical item: its kind and byte offset in the template text.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    tok: Tok,
    pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Open,
    Close,
    Space,
    Field(String),
    Dot,
    Var(String),
    Ident(String),
    Str { value: String, quoted: String },
    Char { value: i64, quoted: String },
    Number(String),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Text(t) => write!(f, "{t:?}"),
            Tok::Open => f.write_str("<{{>"),
            Tok::Close => f.write_str("<}}>"),
            Tok::Space => f.write_str("<space>"),
            Tok::Field(s) | Tok::Var(s) | Tok::Ident(s) | Tok::Number(s) => write!(f, "<{s}>"),
            Tok::Dot => f.write_str("<.>"),
            Tok::Str { quoted, .. } | Tok::Char { quoted, .. } => write!(f, "{quoted}"),
            Tok::Pipe => f.write_str("<|>"),
            Tok::LParen => f.write_str("<(>"),
            Tok::RParen => f.write_str("<)>"),
            Tok::Declare => f.write_str("<:=>"),
            Tok::Assign => f.write_str("<=>"),
            Tok::Comma => f.write_str("<,>"),
            Tok::Eof => f.write_str("EOF"),
        }
    }
}

/// A node of the parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Literal text.
    Text(String),
    /// `{{pipeline}}`: its value is printed unless the pipeline declares variables.
    Action(Pipe),
    /// `{{if}}` (`with == false`) or `{{with}}`.
    If {
        /// The condition.
        pipe: Pipe,
        /// Runs when true.
        list: Vec<Node>,
        /// Runs when false.
        else_list: Option<Vec<Node>>,
        /// `with` sets dot to the value.
        with: bool,
    },
    /// `{{range}}`.
    Range {
        /// What to range over (its declarations are the loop variables).
        pipe: Pipe,
        /// The loop body.
        list: Vec<Node>,
        /// Runs when there is nothing to range over.
        else_list: Option<Vec<Node>>,
    },
    /// `{{break}}`.
    Break,
    /// `{{continue}}`.
    Continue,
    /// `{{template "name" pipeline}}` (also what `{{block}}` leaves in place).
    Template {
        /// Offset of the name.
        pos: usize,
        /// The template's name.
        name: String,
        /// The name as written (quoted), for error contexts.
        quoted: String,
        /// The value dot takes in the template (nil without a pipeline).
        pipe: Option<Pipe>,
    },
}

/// A lexical item as go's parser names it in "unexpected X" errors: keywords as `<word>`, other
/// items by their text, quoted (cut to ten characters and `...` when longer).
fn item_text(tok: &Tok) -> String {
    const KEYWORDS: &[&str] = &[
        "block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template",
        "with",
    ];
    let text = match tok {
        Tok::Ident(s) if KEYWORDS.contains(&s.as_str()) => return format!("<{s}>"),
        Tok::Ident(s) | Tok::Var(s) | Tok::Number(s) | Tok::Text(s) => s.clone(),
        Tok::Field(s) => format!(".{s}"),
        other => return other.to_string(),
    };
    if text.chars().count() > 10 {
        let cut: String = text.chars().take(10).collect();
        format!("{cut:?}...")
    } else {
        format!("{text:?}")
    }
}

/// Whether a list holds only whitespace text (go's `IsEmptyTree`): such a definition neither
/// replaces an existing one nor conflicts with it.
pub(crate) fn is_empty_tree(nodes: &[Node]) -> bool {
    nodes.iter().all(|n| match n {
        Node::Text(t) => t.trim_matches([' ', '\t', '\r', '\n']).is_empty(),
        _ => false,
    })
}

/// A parsed template text: its main body and the templates it defines (`{{define}}`,
/// `{{block}}`), by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    /// The body of the named template itself.
    pub main: Vec<Node>,
    /// Defined templates, in definition order.
    pub defs: Vec<(String, Vec<Node>)>,
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    pub assign: bool,
    pub cmds: Vec<Cmd>,
}

/// A command: a function or value followed by arguments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    /// `.`
    Dot(usize),
    /// `nil`
    Nil(usize),
    /// `.A.B`
    Field(usize, Vec<String>),
    /// `$x.A.B` (the name includes `$`).
    Var(usize, String, Vec<String>),
    /// A function name.
    Func(usize, String),
    /// `true` / `false`.
    Bool(usize, bool),
    /// An integer constant with its source text.
    Int(usize, i64, String),
    /// A string constant with its quoted source text.
    Str(usize, String, String),
    /// `(pipeline).A.B`; the field list may be empty.
    Chain(usize, Box<Pipe>, Vec<String>),
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Field(p, _)
            | Arg::Var(p, _, _)
            | Arg::Func(p, _)
            | Arg::Bool(p, _)
            | Arg::Int(p, _, _)
            | Arg::Str(p, _, _)
            | Arg::Chain(p, _, _) => *p,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Field(_, names) => {
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
            Arg::Var(_, name, names) => {
                f.write_str(name)?;
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
            Arg::Func(_, name) => f.write_str(name),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Int(_, _, text) | Arg::Str(_, _, text) => f.write_str(text),
            Arg::Chain(_, pipe, names) => {
                write!(f, "({pipe})")?;
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Lexes the whole template; a lexical error is its message and offset.
fn lex(src: &str) -> Result<Vec<Item>, (String, usize)> {
    let b = src.as_bytes();
    let mut items = Vec::new();
    let mut i = 0;
    let mut trim_next = false;
    while i <= b.len() {
        let open = src[i..].find("{{").map(|k| i + k);
        let text_end = open.unwrap_or(b.len());
        let mut text = &src[i..text_end];
        if trim_next {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        }
        let Some(open) = open else {
            if !text.is_empty() {
                items.push(Item {
                    tok: Tok::Text(text.to_string()),
                    pos: i,
                });
            }
            break;
        };
        let mut j = open + 2;
        let trim_left = b.get(j) == Some(&b'-') && b.get(j + 1).is_some_and(|&c| is_space(c));
        if trim_left {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
            j += 2;
        }
        if !text.is_empty() {
            items.push(Item {
                tok: Tok::Text(text.to_string()),
                pos: i,
            });
        }
        // A comment is the whole action.
        if src[j..].starts_with("/*") {
            let Some(k) = src[j + 2..].find("*/") else {
                return Err(("unclosed comment".into(), open));
            };
            let mut e = j + 2 + k + 2;
            let mut trim_right = false;
            if b.get(e).is_some_and(|&c| is_space(c)) && src[e + 1..].starts_with("-}}") {
                trim_right = true;
                e += 2;
            }
            if !src[e..].starts_with("}}") {
                return Err(("comment ends before closing delimiter".into(), open));
            }
            i = e + 2;
            trim_next = trim_right;
            continue;
        }
        items.push(Item {
            tok: Tok::Open,
            pos: open,
        });
        let (next, trim_right) = lex_action(src, j, &mut items)?;
        i = next;
        trim_next = trim_right;
    }
    items.push(Item {
        tok: Tok::Eof,
        pos: b.len(),
    });
    Ok(items)
}

/// Lexes inside an action from `i` to its closing delimiter; returns the offset after it and
/// whether it trims the following text.
fn lex_action(
    src: &str,
    mut i: usize,
    items: &mut Vec<Item>,
) -> Result<(usize, bool), (String, usize)> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(("unclosed action".into(), i));
        };
        if src[i..].starts_with("}}") {
            if depth > 0 {
                return Err(("unclosed left paren".into(), i));
            }
            items.push(Item {
                tok: Tok::Close,
                pos: i,
            });
            return Ok((i + 2, false));
        }
        let start = i;
        let push = |items: &mut Vec<Item>, tok| items.push(Item { tok, pos: start });
        if is_space(c) {
            while b.get(i).is_some_and(|&c| is_space(c)) {
                i += 1;
            }
            if src[i - 1..].starts_with(" -}}")
                || src[i - 1..].starts_with("\t-}}")
                || src[i - 1..].starts_with("\n-}}")
                || src[i - 1..].starts_with("\r-}}")
            {
                if i - 1 > start {
                    push(items, Tok::Space);
                }
                if depth > 0 {
                    return Err(("unclosed left paren".into(), i));
                }
                items.push(Item {
                    tok: Tok::Close,
                    pos: i + 1,
                });
                return Ok((i + 3, true));
            }
            push(items, Tok::Space);
            continue;
        }
        match c {
            b'=' => {
                push(items, Tok::Assign);
                i += 1;
            }
            b':' => {
                if b.get(i + 1) != Some(&b'=') {
                    return Err(("expected :=".into(), i));
                }
                push(items, Tok::Declare);
                i += 2;
            }
            b'|' => {
                push(items, Tok::Pipe);
                i += 1;
            }
            b',' => {
                push(items, Tok::Comma);
                i += 1;
            }
            b'(' => {
                depth += 1;
                push(items, Tok::LParen);
                i += 1;
            }
            b')' => {
                if depth == 0 {
                    return Err(("unexpected right paren".into(), i));
                }
                depth -= 1;
                push(items, Tok::RParen);
                i += 1;
            }
            b'"' => {
                let mut k = i + 1;
                loop {
                    match b.get(k) {
                        None | Some(b'\n') => {
                            return Err(("unterminated quoted string".into(), i));
                        }
                        Some(b'\\') => k += 2,
                        Some(b'"') => break,
                        Some(_) => k += 1,
                    }
                }
                let quoted = &src[i..=k];
                let value = unquote(quoted).ok_or(("bad quoted string".to_string(), i))?;
                push(
                    items,
                    Tok::Str {
                        value,
                        quoted: quoted.to_string(),
                    },
                );
                i = k + 1;
            }
            b'`' => {
                let Some(k) = src[i + 1..].find('`') else {
                    return Err(("unterminated raw quoted string".into(), i));
                };
                let value = src[i + 1..i + 1 + k].replace('\r', "");
                push(
                    items,
                    Tok::Str {
                        value,
                        quoted: src[i..i + k + 2].to_string(),
                    },
                );
                i += k + 2;
            }
            b'\'' => {
                let mut k = i + 1;
                loop {
                    match b.get(k) {
                        None | Some(b'\n') => {
                            return Err(("unterminated character constant".into(), i));
                        }
                        Some(b'\\') => k += 2,
                        Some(b'\'') => break,
                        Some(_) => k += 1,
                    }
                }
                let quoted = &src[i..=k];
                let body = &quoted[1..quoted.len() - 1];
                let inner = match body {
                    "\\'" => Some("'".to_string()),
                    "\"" => Some("\"".to_string()),
                    _ => unquote(&format!("\"{body}\"")),
                };
                let mut chars = inner.as_deref().unwrap_or("").chars();
                let (Some(ch), None) = (chars.next(), chars.next()) else {
                    return Err((format!("malformed character constant: {quoted}"), i));
                };
                push(
                    items,
                    Tok::Char {
                        value: i64::from(u32::from(ch)),
                        quoted: quoted.to_string(),
                    },
                );
                i = k + 1;
            }
            b'$' => {
                let k = ident_end(src, i + 1);
                terminated(src, k)?;
                push(items, Tok::Var(src[i..k].to_string()));
                i = k;
            }
            b'.' => {
                if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    let k = number_end(src, i);
                    push(items, Tok::Number(src[i..k].to_string()));
                    i = k;
                } else {
                    let k = ident_end(src, i + 1);
                    terminated(src, k)?;
                    if k == i + 1 {
                        push(items, Tok::Dot);
                    } else {
                        push(items, Tok::Field(src[i + 1..k].to_string()));
                    }
                    i = k;
                }
            }
            b'0'..=b'9' | b'+' | b'-' => {
                let k = number_end(src, i);
                if k == i + 1 && !c.is_ascii_digit() {
                    return Err((
                        format!("unrecognized character in action: {}", go_rune(c as char)),
                        i,
                    ));
                }
                push(items, Tok::Number(src[i..k].to_string()));
                i = k;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('\0');
                if is_alnum(ch) {
                    let k = ident_end(src, i);
                    terminated(src, k)?;
                    push(items, Tok::Ident(src[i..k].to_string()));
                    i = k;
                } else {
                    return Err((
                        format!("unrecognized character in action: {}", go_rune(ch)),
                        i,
                    ));
                }
            }
        }
    }
}

/// Go's lexer accepts a word (identifier, field, variable, dot) only when what follows ends it:
/// space, the end, `.`, `,`, `|`, `:`, `(`, `)` or the closing `}}`; anything else is a bad
/// character.
fn terminated(src: &str, k: usize) -> Result<(), (String, usize)> {
    let rest = &src[k..];
    match rest.chars().next() {
        None => Ok(()),
        Some(' ' | '\t' | '\r' | '\n' | '.' | ',' | '|' | ':' | '(' | ')') => Ok(()),
        Some(_) if rest.starts_with("}}") => Ok(()),
        Some(c) => Err((format!("bad character {}", go_rune(c)), k)),
    }
}

/// Go's `%#U` of a character: `U+0021 '!'`.
fn go_rune(c: char) -> String {
    format!("U+{:04X} '{c}'", u32::from(c))
}

fn ident_end(src: &str, mut i: usize) -> usize {
    while let Some(c) = src[i..].chars().next() {
        if !is_alnum(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

fn number_end(src: &str, mut i: usize) -> usize {
    let b = src.as_bytes();
    if matches!(b.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    while b
        .get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
    {
        i += 1;
    }
    i
}

/// The value of a Go double-quoted string literal (with its quotes).
fn unquote(q: &str) -> Option<String> {
    crate::pkg::goscan::unquote(q.as_bytes())
}

/// The value of a Go integer constant (decimal, hex, octal, binary, `_` separators).
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    let (neg, t) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(bin) = lower.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

struct Parser<'a> {
    name: &'a str,
    src: &'a str,
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    funcs: &'a [&'a str],
    range_depth: usize,
    /// Templates defined so far.
    defs: Vec<(String, Vec<Node>)>,
}

/// Builtin function names of Go's text/template that this engine implements.
pub(crate) const BUILTINS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
    "le", "gt", "ge", "html", "urlquery",
];

/// Builtins of Go's text/template this engine does not implement.
const UNSUPPORTED: &[&str] = &["call", "js"];

type PResult<T> = Result<T, ParseError>;

/// How a list of nodes ended.
enum ListEnd {
    End,
    Else(usize),
}

impl<'a> Parser<'a> {
    fn err<T>(&self, pos: usize, msg: impl Into<String>) -> PResult<T> {
        let line = 1 + self.src[..pos.min(self.src.len())].matches('\n').count();
        Err(ParseError {
            name: self.name.to_string(),
            line,
            msg: msg.into(),
        })
    }

    fn peek(&self) -> &Item {
        &self.items[self.at.min(self.items.len() - 1)]
    }

    fn next(&mut self) -> Item {
        let it = self.peek().clone();
        if self.at < self.items.len() {
            self.at += 1;
        }
        it
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let it = self.next();
            if it.tok != Tok::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let it = self.next_non_space();
        self.at -= 1;
        it
    }

    /// Parses text and actions until `{{end}}`/`{{else}}` (inside a control) or EOF (top).
    fn list(&mut self, top: bool) -> PResult<(Vec<Node>, ListEnd)> {
        let mut nodes = Vec::new();
        loop {
            let it = self.next();
            match it.tok {
                Tok::Eof => {
                    if top {
                        return Ok((nodes, ListEnd::End));
                    }
                    return self.err(it.pos, "unexpected EOF");
                }
                Tok::Text(t) => nodes.push(Node::Text(t)),
                Tok::Open => {
                    let kw = self.peek_non_space();
                    if let Tok::Ident(word) = &kw.tok {
                        match word.as_str() {
                            "end" => {
                                self.next_non_space();
                                self.close("end")?;
                                if top {
                                    return self.err(kw.pos, "unexpected {{end}}");
                                }
                                return Ok((nodes, ListEnd::End));
                            }
                            "else" => {
                                self.next_non_space();
                                if top {
                                    return self.err(kw.pos, "unexpected {{else}}");
                                }
                                return Ok((nodes, ListEnd::Else(kw.pos)));
                            }
                            "define" if top => {
                                self.next_non_space();
                                self.definition()?;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    nodes.push(self.action()?);
                }
                other => return self.err(it.pos, format!("unexpected {other}")),
            }
        }
    }

    fn close(&mut self, ctx: &str) -> PResult<()> {
        let it = self.next_non_space();
        if it.tok != Tok::Close {
            return self.err(it.pos, format!("unexpected {} in {ctx}", it.tok));
        }
        Ok(())
    }

    fn action(&mut self) -> PResult<Node> {
        let it = self.peek_non_space();
        if let Tok::Ident(word) = &it.tok {
            match word.as_str() {
                "if" | "with" | "range" => {
                    self.next_non_space();
                    return self.control(word.clone());
                }
                "break" | "continue" => {
                    self.next_non_space();
                    if self.range_depth == 0 {
                        return self.err(it.pos, format!("{{{{{word}}}}} outside {{{{range}}}}"));
                    }
                    let w = word.clone();
                    self.close(&w)?;
                    return Ok(if w == "break" {
                        Node::Break
                    } else {
                        Node::Continue
                    });
                }
                "define" => {
                    // Only recognised at the top level; elsewhere it is no operand.
                    return self.err(it.pos, "unexpected <define> in command");
                }
                "template" | "block" => {
                    self.next_non_space();
                    let context = format!("{word} clause");
                    let tok = self.next_non_space();
                    let (name, quoted) = match tok.tok {
                        Tok::Str { value, quoted } => (value, quoted),
                        other => {
                            let t = item_text(&other);
                            return self.err(tok.pos, format!("unexpected {t} in {context}"));
                        }
                    };
                    let pipe = if word == "block" {
                        Some(self.pipeline(&context, Tok::Close)?)
                    } else if self.peek_non_space().tok == Tok::Close {
                        self.next_non_space();
                        None
                    } else {
                        Some(self.pipeline(&context, Tok::Close)?)
                    };
                    if word == "block" {
                        let body = self.sub_tree(&context)?;
                        self.add_def(name.clone(), body, tok.pos)?;
                    }
                    return Ok(Node::Template {
                        pos: tok.pos,
                        name,
                        quoted,
                        pipe,
                    });
                }
                _ => {}
            }
        }
        Ok(Node::Action(self.pipeline("command", Tok::Close)?))
    }

    /// `{{define "name"}}…{{end}}` after the keyword.
    fn definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let tok = self.next_non_space();
        let name = match tok.tok {
            Tok::Str { value, .. } => value,
            other => {
                let t = item_text(&other);
                return self.err(tok.pos, format!("unexpected {t} in {context}"));
            }
        };
        self.close(context)?;
        let body = self.sub_tree(context)?;
        self.add_def(name, body, tok.pos)
    }

    /// The body of a definition or block up to its `{{end}}`: a tree of its own, so with only
    /// `$` defined and outside any `{{range}}`.
    fn sub_tree(&mut self, context: &str) -> PResult<Vec<Node>> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let depth = std::mem::replace(&mut self.range_depth, 0);
        let res = self.list(false);
        self.vars = vars;
        self.range_depth = depth;
        let (body, end) = res?;
        if let ListEnd::Else(p) = end {
            return self.err(p, format!("unexpected {{{{else}}}} in {context}"));
        }
        Ok(body)
    }

    /// Records a definition as go's parser adds a tree: an empty body never replaces one, and
    /// two non-empty bodies for one name are an error.
    fn add_def(&mut self, name: String, body: Vec<Node>, pos: usize) -> PResult<()> {
        match self.defs.iter_mut().find(|(n, _)| *n == name) {
            None => self.defs.push((name, body)),
            Some((_, old)) if is_empty_tree(old) => *old = body,
            Some(_) if is_empty_tree(&body) => {}
            Some(_) => {
                return self.err(
                    pos.max(self.peek().pos.saturating_sub(1)),
                    format!("template: multiple definition of template {name:?}"),
                )
            }
        }
        Ok(())
    }

    fn control(&mut self, kind: String) -> PResult<Node> {
        let mark = self.vars.len();
        let pipe = self.pipeline(&kind, Tok::Close)?;
        if kind == "range" {
            self.range_depth += 1;
        }
        let (list, end) = self.list(false)?;
        if kind == "range" {
            self.range_depth -= 1;
        }
        let else_list = match end {
            ListEnd::End => None,
            ListEnd::Else(_) => {
                let nxt = self.peek_non_space();
                if kind == "if" && nxt.tok == Tok::Ident("if".into()) {
                    // `{{else if …}}`: an if inside the else branch that shares the `{{end}}`.
                    self.next_non_space();
                    let inner = self.control("if".into())?;
                    Some(vec![inner])
                } else {
                    self.close("else")?;
                    let (l, end) = self.list(false)?;
                    if let ListEnd::Else(p) = end {
                        return self.err(p, "expected end; found {{else}}");
                    }
                    Some(l)
                }
            }
        };
        self.vars.truncate(mark);
        Ok(match kind.as_str() {
            "range" => Node::Range {
                pipe,
                list,
                else_list,
            },
            _ => Node::If {
                pipe,
                list,
                else_list,
                with: kind == "with",
            },
        })
    }

    fn pipeline(&mut self, ctx: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            assign: false,
            cmds: Vec::new(),
        };
        // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range only).
        let save = self.at;
        if let Tok::Var(v) = &start.tok {
            self.next_non_space();
            let after = self.peek_non_space();
            match after.tok {
                Tok::Declare | Tok::Assign => {
                    self.next_non_space();
                    pipe.assign = after.tok == Tok::Assign;
                    pipe.decl.push(v.clone());
                }
                Tok::Comma if ctx == "range" => {
                    self.next_non_space();
                    let second = self.next_non_space();
                    let Tok::Var(v2) = &second.tok else {
                        return self.err(second.pos, "range can only initialize variables");
                    };
                    let op = self.next_non_space();
                    if op.tok != Tok::Declare && op.tok != Tok::Assign {
                        return self.err(op.pos, format!("unexpected {} in range", op.tok));
                    }
                    pipe.assign = op.tok == Tok::Assign;
                    pipe.decl.push(v.clone());
                    pipe.decl.push(v2.clone());
                }
                Tok::Comma => {
                    return self.err(after.pos, format!("too many declarations in {ctx}"));
                }
                _ => self.at = save,
            }
        }
        for v in &pipe.decl {
            if pipe.assign {
                if !self.vars.contains(v) {
                    return self.err(start.pos, format!("undefined variable {v:?}"));
                }
            } else {
                self.vars.push(v.clone());
            }
        }
        loop {
            let it = self.next_non_space();
            if it.tok == end {
                if pipe.cmds.is_empty() {
                    return self.err(it.pos, format!("missing value for {ctx}"));
                }
                return Ok(pipe);
            }
            match it.tok {
                Tok::Eof => return self.err(it.pos, "unclosed action"),
                Tok::Close | Tok::RParen => {
                    return self.err(it.pos, format!("unexpected {} in {ctx}", it.tok))
                }
                _ => {
                    self.at -= 1;
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let first = self.peek_non_space();
        let mut cmd = Cmd {
            pos: first.pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let it = self.next();
            match it.tok {
                Tok::Space => continue,
                Tok::Close | Tok::RParen => {
                    self.at -= 1;
                }
                Tok::Pipe => {}
                other => return self.err(it.pos, format!("unexpected {other} in operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.err(cmd.pos, "empty command");
        }
        Ok(cmd)
    }

    /// A term followed by any `.Field` chain written right after it.
    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        let mut fields = Vec::new();
        let mut second_pos = None;
        while let Tok::Field(f) = &self.peek().tok {
            second_pos.get_or_insert(self.peek().pos);
            fields.push(f.clone());
            self.next();
        }
        if fields.is_empty() {
            return Ok(Some(term));
        }
        let pos = second_pos.unwrap_or(term.pos());
        Ok(Some(match term {
            Arg::Field(_, mut names) => {
                names.extend(fields);
                Arg::Field(pos, names)
            }
            Arg::Var(_, name, mut names) => {
                names.extend(fields);
                Arg::Var(pos, name, names)
            }
            Arg::Chain(_, pipe, mut names) => {
                names.extend(fields);
                Arg::Chain(pos, pipe, names)
            }
            other => {
                return self.err(
                    pos,
                    format!("unexpected . after term {:?}", other.to_string()),
                );
            }
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let it = self.next_non_space();
        let pos = it.pos;
        Ok(Some(match it.tok {
            Tok::Ident(name) => match name.as_str() {
                "true" => Arg::Bool(pos, true),
                "false" => Arg::Bool(pos, false),
                "nil" => Arg::Nil(pos),
                _ => {
                    if UNSUPPORTED.contains(&name.as_str()) {
                        return self.err(
                            pos,
                            format!("function {name:?} is not supported by modscope's templates"),
                        );
                    }
                    if !BUILTINS.contains(&name.as_str()) && !self.funcs.contains(&name.as_str()) {
                        return self.err(pos, format!("function {name:?} not defined"));
                    }
                    Arg::Func(pos, name)
                }
            },
            Tok::Dot => Arg::Dot(pos),
            Tok::Field(f) => Arg::Field(pos, vec![f]),
            Tok::Var(v) => {
                if !self.vars.contains(&v) {
                    return self.err(pos, format!("undefined variable {v:?}"));
                }
                Arg::Var(pos, v, Vec::new())
            }
            Tok::Str { value, quoted } => Arg::Str(pos, value, quoted),
            Tok::Char { value, quoted } => Arg::Int(pos, value, quoted),
            Tok::Number(text) => match parse_int(&text) {
                Some(v) => Arg::Int(pos, v, text),
                None => {
                    return self.err(
                        pos,
                        format!("number {text} is not an integer modscope's templates support"),
                    )
                }
            },
            Tok::LParen => {
                let pipe = self.pipeline("parenthesized pipeline", Tok::RParen)?;
                Arg::Chain(pos, Box::new(pipe), Vec::new())
            }
            _ => {
                self.at -= 1;
                return Ok(None);
            }
        }))
    }
}

/// Parses template `src` named `name`; `funcs` are the non-builtin function names it may call.
pub(crate) fn parse(name: &str, src: &str, funcs: &[&str]) -> Result<Parsed, ParseError> {
    let items = match lex(src) {
        Ok(items) => items,
        Err((msg, pos)) => {
            let line = 1 + src[..pos.min(src.len())].matches('\n').count();
            return Err(ParseError {
                name: name.to_string(),
                line,
                msg,
            });
        }
    };
    let mut p = Parser {
        name,
        src,
        items,
        at: 0,
        vars: vec!["$".to_string()],
        funcs,
        range_depth: 0,
        defs: Vec::new(),
    };
    let (nodes, _) = p.list(true)?;
    // The main body is added last, by the same rule as a definition.
    let end = p.src.len();
    p.add_def(name.to_string(), nodes, end)?;
    let i = p.defs.iter().position(|(n, _)| n == name).unwrap_or(0);
    let (_, main) = p.defs.remove(i);
    Ok(Parsed { main, defs: p.defs })
}
