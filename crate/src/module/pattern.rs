//! GOPRIVATE-style prefix globs (`GOPRIVATE`, `GONOPROXY`, `GONOSUMDB`, `GOINSECURE`) and the
//! `path.Match` glob syntax they use.

/// One parsed item of a glob.
enum Item<'a> {
    /// A literal character.
    Lit(char),
    /// `?`: any one character except `/`.
    Any,
    /// `*`: any run of characters without `/`.
    Star,
    /// `[...]`: a character class; `negated` for `[^...]`. The body is checked when parsed.
    Class { negated: bool, body: &'a str },
}

/// Parses a character-class body from `s` (just after `[`). Returns the body, whether it is
/// negated, and the rest of the pattern after `]`; `None` if malformed.
fn parse_class(s: &str) -> Option<(bool, &str, &str)> {
    let (negated, s) = match s.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut chars = s.char_indices().peekable();
    let mut first = true;
    loop {
        let (i, c) = chars.next()?;
        if c == ']' && !first {
            return Some((negated, &s[..i], &s[i + 1..]));
        }
        first = false;
        let lo = class_char(c, &mut chars)?;
        if let Some(&(_, '-')) = chars.peek() {
            chars.next();
            let (_, c2) = chars.next()?;
            if c2 == ']' {
                return None;
            }
            let hi = class_char(c2, &mut chars)?;
            if hi < lo {
                return None;
            }
        }
    }
}

/// Reads one (possibly `\`-escaped) class character; an unescaped `-` or `]` is malformed here.
fn class_char(c: char, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<char> {
    match c {
        '\\' => chars.next().map(|(_, c)| c),
        '-' | ']' => None,
        c => Some(c),
    }
}

fn class_matches(body: &str, negated: bool, target: char) -> bool {
    let mut chars = body.char_indices().peekable();
    let mut matched = false;
    while let Some((_, c)) = chars.next() {
        let Some(lo) = class_char(c, &mut chars) else {
            return false;
        };
        let mut hi = lo;
        if let Some(&(_, '-')) = chars.peek() {
            chars.next();
            if let Some((_, c2)) = chars.next() {
                hi = class_char(c2, &mut chars).unwrap_or(lo);
            }
        }
        if lo <= target && target <= hi {
            matched = true;
        }
    }
    matched != negated
}

/// Parses a whole glob; `None` if it is malformed (then nothing matches, as in the go command).
fn parse_glob(mut s: &str) -> Option<Vec<Item<'_>>> {
    let mut items = Vec::new();
    while let Some(c) = s.chars().next() {
        s = &s[c.len_utf8()..];
        match c {
            '*' => items.push(Item::Star),
            '?' => items.push(Item::Any),
            '\\' => {
                let e = s.chars().next()?;
                s = &s[e.len_utf8()..];
                items.push(Item::Lit(e));
            }
            '[' => {
                let (negated, body, rest) = parse_class(s)?;
                items.push(Item::Class { negated, body });
                s = rest;
            }
            c => items.push(Item::Lit(c)),
        }
    }
    Some(items)
}

fn match_items(items: &[Item<'_>], name: &str) -> bool {
    let Some((first, rest)) = items.split_first() else {
        return name.is_empty();
    };
    if let Item::Star = first {
        // Try every split of `name` that does not cross a slash.
        let mut end = 0;
        loop {
            if match_items(rest, &name[end..]) {
                return true;
            }
            match name[end..].chars().next() {
                Some(c) if c != '/' => end += c.len_utf8(),
                _ => return false,
            }
        }
    }
    let Some(c) = name.chars().next() else {
        return false;
    };
    let ok = match first {
        Item::Lit(l) => *l == c,
        Item::Any => c != '/',
        Item::Class { negated, body } => c != '/' && class_matches(body, *negated, c),
        Item::Star => false,
    };
    ok && match_items(rest, &name[c.len_utf8()..])
}

/// Go's `path.Match`: whether `name` matches the shell glob `pattern` (`*` and `?` never match
/// `/`). `None` when the pattern is malformed.
pub fn path_match(pattern: &str, name: &str) -> Option<bool> {
    let items = parse_glob(pattern)?;
    Some(match_items(&items, name))
}

/// Reports whether any comma-separated glob in `globs` matches a prefix of `target` (whole path
/// elements): a glob with k slashes is matched against the first k+1 elements. Empty entries are
/// skipped, a trailing `/` is ignored, malformed globs never match.
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    for glob in globs.split(',') {
        let glob = glob.strip_suffix('/').unwrap_or(glob);
        if glob.is_empty() {
            continue;
        }
        let n = glob.bytes().filter(|&b| b == b'/').count();
        let prefix = match target.match_indices('/').nth(n) {
            Some((i, _)) => &target[..i],
            None if target.bytes().filter(|&b| b == b'/').count() >= n => target,
            None => continue,
        };
        if path_match(glob, prefix) == Some(true) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert_eq!(path_match("a*b", "axxb"), Some(true));
        assert_eq!(path_match("a*b", "ax/b"), Some(false));
        assert_eq!(path_match("[a-c]x", "bx"), Some(true));
        assert_eq!(path_match("[^a-c]x", "bx"), Some(false));
        assert_eq!(path_match("[]a]", "]"), None);
        assert_eq!(path_match("[", "a"), None);
        assert_eq!(path_match("a\\", "a"), None);
        assert_eq!(path_match("\\*", "*"), Some(true));
        assert_eq!(path_match("[\\]]", "]"), Some(true));
        assert!(!match_prefix_patterns("[", "rsc.io/quote"));
    }
}
