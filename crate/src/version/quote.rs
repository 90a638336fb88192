//! Go's `%q` quoting (strconv.Quote / QuoteRune), so that messages quote paths and versions
//! byte-for-byte as the go command does.

use std::fmt::Write;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Mark
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    )
}

/// Go's `unicode.IsLetter`: the Unicode `L` categories.
pub(crate) fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter
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
        assert_eq!(quote_rune('\u{200b}'), r"'\u200b'");
        assert_eq!(quote_rune('\u{e000}'), r"'\ue000'");
        assert_eq!(quote_rune('\u{1F600}'), "'\u{1F600}'");
        assert_eq!(quote_rune('\u{10FFFF}'), r"'\U0010ffff'");
        assert!(is_letter('и') && !is_letter('\u{301}') && !is_letter('٣'));
    }
}
