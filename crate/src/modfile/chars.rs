//! Character classes and string quoting shared by the go.mod lexer, the typed parser and the printer.
//!
//! The go command decodes its input rune by rune (an invalid byte decodes as U+FFFD, which counts as
//! one printable rune), classifies runes with Go's `unicode.IsPrint` / `unicode.IsSpace`, and quotes
//! and unquotes with Go string-literal rules. This module reproduces exactly those classes and rules.

/// Decodes the rune at the start of `s` as Go's `utf8.DecodeRune` does: invalid or truncated
/// sequences give `(U+FFFD, 1)`. `s` must not be empty.
pub(crate) fn decode_rune(s: &[u8]) -> (char, usize) {
    let b = s[0];
    if b < 0x80 {
        return (b as char, 1);
    }
    let n = match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    if s.len() < n {
        return ('\u{FFFD}', 1);
    }
    match std::str::from_utf8(&s[..n]) {
        Ok(t) => match t.chars().next() {
            Some(c) => (c, n),
            None => ('\u{FFFD}', 1),
        },
        Err(_) => ('\u{FFFD}', 1),
    }
}

/// Go's `unicode.IsSpace`: the ASCII spaces, U+0085, U+00A0 and the Unicode `Z` categories.
pub(crate) fn is_space(c: char) -> bool {
    // Rust's White_Space property is exactly that set.
    c.is_whitespace()
}

pub(crate) use crate::version::quote::is_print;

/// Whether an ASCII byte may appear in an identifier token.
#[inline]
pub(crate) fn is_ascii_ident(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && !matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',')
}

/// Bytes that continue an identifier with no further check: ASCII identifier bytes except `/`
/// (which may start `//` or `/*`).
pub(crate) static PLAIN_IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        t[b] = !matches!(
            b as u8,
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b'/'
        );
        b += 1;
    }
    t
};

/// Bytes that read as themselves in an unquoted token and never force quoting: [`PLAIN_IDENT`]
/// without the three quote characters.
pub(crate) static PLAIN_STRING: [bool; 256] = {
    let mut t = PLAIN_IDENT;
    t[b'"' as usize] = false;
    t[b'\'' as usize] = false;
    t[b'`' as usize] = false;
    t
};

/// Bytes of a token that reads and prints as itself: [`PLAIN_STRING`] plus `/` (an identifier
/// token never holds `//` or `/*`: the lexer stops or fails there).
pub(crate) static PLAIN_TOKEN: [bool; 256] = {
    let mut t = PLAIN_STRING;
    t[b'/' as usize] = true;
    t
};

/// Whether rune `c` may appear in an identifier token (printable, not space, not punctuation).
pub(crate) fn is_ident(c: char) -> bool {
    match c {
        ' ' | '(' | ')' | '[' | ']' | '{' | '}' | ',' => false,
        _ => !is_space(c) && is_print(c),
    }
}

/// Appends `c` escaped as Go's `strconv` does inside a literal quoted with `quote`.
fn push_escaped_rune(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.QuoteRune`: `'x'`, `'\x00'`, `'\u00a0'`.
pub(crate) fn quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_escaped_rune(&mut out, c, '\'');
    out.push('\'');
    out
}

/// Go's `strconv.Quote` applied to raw bytes (invalid UTF-8 bytes become `\xNN`).
pub(crate) fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < s.len() {
        let (c, n) = decode_rune(&s[i..]);
        if c == '\u{FFFD}' && n == 1 {
            out.push_str(&format!("\\x{:02x}", s[i]));
        } else {
            push_escaped_rune(&mut out, c, '"');
        }
        i += n;
    }
    out.push('"');
    out
}

/// Go's `modfile.MustQuote`: whether `s` must be quoted to be one token on a go.mod line.
pub(crate) fn must_quote(s: &[u8]) -> bool {
    if s.is_empty() {
        return true;
    }
    let mut i = 0;
    while i < s.len() {
        let (c, n) = decode_rune(&s[i..]);
        match c {
            ' ' | '"' | '\'' | '`' => return true,
            '(' | ')' | '[' | ']' | '{' | '}' | ',' => {
                if s.len() > 1 {
                    return true;
                }
            }
            _ => {
                if !is_print(c) {
                    return true;
                }
            }
        }
        i += n;
    }
    contains(s, b"//") || contains(s, b"/*")
}

/// Whether `needle` occurs in `hay`.
pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Why a string could not be read by [`parse_string`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringError {
    /// A quoted token that is not a valid Go string literal (`strconv.ErrSyntax`).
    Syntax,
    /// An unquoted token that contains `"`, `'` or `` ` ``.
    UnquotedQuote,
}

impl std::fmt::Display for StringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StringError::Syntax => "invalid syntax",
            StringError::UnquotedQuote => "unquoted string cannot contain quote",
        })
    }
}

/// The go.mod reading of one token (x/mod `parseString`): a token starting with `"` is unquoted with
/// Go string-literal rules; any other token containing a quote character is rejected.
pub(crate) fn parse_string(tok: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, StringError> {
    if tok.first() == Some(&b'"') {
        return unquote(tok).ok_or(StringError::Syntax);
    }
    if tok.iter().any(|&b| matches!(b, b'"' | b'\'' | b'`')) {
        return Err(StringError::UnquotedQuote);
    }
    Ok(std::borrow::Cow::Borrowed(tok))
}

/// Go's `strconv.Unquote` for a double-quoted literal; `None` on a syntax error.
fn unquote(tok: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    if tok.len() < 2 || tok[0] != b'"' || tok[tok.len() - 1] != b'"' {
        return None;
    }
    let body = &tok[1..tok.len() - 1];
    if !body.contains(&b'\\') {
        if body.contains(&b'"') || body.contains(&b'\n') || std::str::from_utf8(body).is_err() {
            return None;
        }
        return Some(std::borrow::Cow::Borrowed(body));
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match b {
            b'"' | b'\n' => return None,
            b'\\' => {
                let e = *body.get(i + 1)?;
                i += 2;
                match e {
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'v' => out.push(0x0b),
                    b'\\' => out.push(b'\\'),
                    b'"' => out.push(b'"'),
                    b'x' => {
                        let v = hex_value(body.get(i..i + 2)?)?;
                        out.push(v as u8);
                        i += 2;
                    }
                    b'u' | b'U' => {
                        let n = if e == b'u' { 4 } else { 8 };
                        let v = hex_value(body.get(i..i + n)?)?;
                        let c = char::from_u32(v)?;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += n;
                    }
                    b'0'..=b'7' => {
                        let digits = body.get(i - 1..i + 2)?;
                        let mut v: u32 = 0;
                        for &d in digits {
                            if !(b'0'..=b'7').contains(&d) {
                                return None;
                            }
                            v = v * 8 + u32::from(d - b'0');
                        }
                        if v > 255 {
                            return None;
                        }
                        out.push(v as u8);
                        i += 2;
                    }
                    _ => return None,
                }
            }
            b if b < 0x80 => {
                out.push(b);
                i += 1;
            }
            _ => {
                let (c, n) = decode_rune(&body[i..]);
                if c == '\u{FFFD}' && n == 1 {
                    // strconv.Unquote decodes the byte as U+FFFD when escapes are present.
                    out.extend_from_slice("\u{FFFD}".as_bytes());
                } else {
                    out.extend_from_slice(&body[i..i + n]);
                }
                i += n;
            }
        }
    }
    Some(std::borrow::Cow::Owned(out))
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for &d in digits {
        let x = (d as char).to_digit(16)?;
        v = v * 16 + x;
    }
    Some(v)
}

/// Go's `modfile.AutoQuote`: `s` itself, or its quotation when it must be quoted.
pub(crate) fn auto_quote(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if must_quote(s) {
        std::borrow::Cow::Owned(quote(s).into_bytes())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Bytes as text: borrowed when valid UTF-8, otherwise with invalid bytes replaced by U+FFFD.
pub(crate) fn text(s: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(s) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_go() {
        assert_eq!(quote_rune('\u{a0}'), "'\\u00a0'");
        assert_eq!(quote_rune('\x0b'), "'\\v'");
        assert_eq!(quote_rune('\x01'), "'\\x01'");
        assert_eq!(quote_rune('\u{feff}'), "'\\ufeff'");
        assert_eq!(quote(b"/tmp/my dir"), "\"/tmp/my dir\"");
        assert_eq!(quote(b"a\"b\\\xff"), "\"a\\\"b\\\\\\xff\"");
        assert!(must_quote(b""));
        assert!(must_quote(b"a b"));
        assert!(must_quote(b"a//b"));
        assert!(!must_quote(b"("));
        assert!(must_quote(b"(x"));
        assert!(!must_quote(b"example.com/x"));
    }

    #[test]
    fn unquoting_matches_go() {
        let ok: &[(&[u8], &[u8])] = &[
            (b"\"abc\"", b"abc"),
            (b"\"a\\tb\"", b"a\tb"),
            (b"\"\\x41\\101\\u00e9\"", "AA\u{e9}".as_bytes()),
            (b"\"\\\"\"", b"\""),
        ];
        for (input, want) in ok {
            assert_eq!(parse_string(input).as_deref(), Ok(*want), "{input:?}");
        }
        for bad in [
            &b"\"\\'\""[..],
            b"\"\\q\"",
            b"\"\\400\"",
            b"\"\\ud800\"",
            b"\"ab",
        ] {
            assert_eq!(parse_string(bad), Err(StringError::Syntax), "{bad:?}");
        }
        assert_eq!(parse_string(b"`x`"), Err(StringError::UnquotedQuote));
        assert_eq!(parse_string(b"a'b"), Err(StringError::UnquotedQuote));
    }

    #[test]
    fn classes_match_go() {
        assert!(is_ident('é'));
        assert!(is_ident('\u{FFFD}'));
        assert!(!is_ident('\u{a0}'));
        assert!(!is_ident('\u{feff}'));
        assert!(!is_ident('\u{200b}'));
        assert!(!is_ident('\u{e000}'));
        assert_eq!(decode_rune(b"\xff"), ('\u{FFFD}', 1));
        assert_eq!(decode_rune("é".as_bytes()), ('é', 2));
        assert_eq!(decode_rune(b"\xe2\x82"), ('\u{FFFD}', 1));
    }
}
