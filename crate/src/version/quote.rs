//! Go's `%q` quoting (strconv.Quote / QuoteRune), so that messages quote paths and versions
//! byte-for-byte as the go command does.

use std::fmt::Write;

/// Whether Go's `unicode.IsPrint` holds for `c` (letters, marks, numbers, punctuation, symbols and
/// the ASCII space). Approximated from Rust's character classes: control, non-ASCII white space,
/// private-use and the common format characters are not printable.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xF0000..=0x10FFFF | 0xFFFE | 0xFFFF)
}

fn push_escaped(out: &mut String, c: char, delim: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        c if c == delim => {
            out.push('\\');
            out.push(c);
        }
        c if is_print(c) => out.push(c),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// `strconv.Quote` of arbitrary bytes: invalid UTF-8 bytes print as `\xNN`.
pub(crate) fn quote_bytes(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_escaped(&mut out, c, '"');
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    out
}

/// `strconv.Quote` of a string.
pub(crate) fn quote_str(s: &str) -> String {
    quote_bytes(s.as_bytes())
}

/// `strconv.QuoteRune`: single quotes, `'` escaped, `"` not.
pub(crate) fn quote_rune(c: char) -> String {
    let mut out = String::with_capacity(4);
    out.push('\'');
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote_str("x.y\"/z"), r#""x.y\"/z""#);
        assert_eq!(quote_bytes(b"x.y/\xffz"), r#""x.y/\xffz""#);
        assert_eq!(quote_str("a\nb\u{1}"), r#""a\nb\x01""#);
        assert_eq!(quote_str("испытание"), "\"испытание\"");
        assert_eq!(quote_rune('\''), r"'\''");
        assert_eq!(quote_rune('"'), "'\"'");
        assert_eq!(quote_rune('\\'), r"'\\'");
        assert_eq!(quote_rune('\u{a0}'), r"'\u00a0'");
    }
}
