//! The `/go.mod` lines of a go.sum text, indexed for checking go.mod files as a graph loads.
//!
//! A graph load checks every go.mod it reads against go.sum, so go.sum is read once at start-up
//! into one flat table whose keys are slices of the text itself: no string is allocated per
//! line, and lookups hash the key bytes with FxHash. Lines are read as [`super::GoSum::parse`]
//! reads them: three fields, reading stops at the first line with another count, the legacy
//! hash of an empty go.mod is ignored. Only `version/go.mod` lines are kept; several hashes for
//! one key stay in file order.

use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::hash::Hasher;
use std::ops::Range;

/// No further hash.
const END: u32 = u32::MAX;

/// One `path version/go.mod` key, held in the table itself: where its path, version (without
/// `/go.mod`) and first hash are in the text, and its further hashes (rare) in `more`. A lookup
/// compares lengths before it reads the text, and finds the first hash next to the key: a
/// check touches the table and one place in the text.
#[derive(Debug, Clone)]
struct Entry {
    path: (u32, u32),
    version: (u32, u32),
    first: (u32, u32),
    more: u32,
}

/// A further hash of a key: where it is in the text, and the next one.
#[derive(Debug, Clone)]
struct More {
    at: (u32, u32),
    next: u32,
}

/// go.sum's `path version/go.mod hash` lines, keyed by `(path, version)`.
#[derive(Debug, Clone)]
pub struct GoModSums {
    text: Box<str>,
    label: &'static str,
    table: HashTable<Entry>,
    more: Vec<More>,
}

/// The hashes go.sum records for one `path version/go.mod` key ([`GoModSums::get`]).
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'s> {
    sums: &'s GoModSums,
    entry: &'s Entry,
}

impl Default for GoModSums {
    fn default() -> Self {
        GoModSums::parse("go.sum", "")
    }
}

fn key_hash(path: &[u8], version: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(path);
    h.write_u8(0xff);
    h.write(version);
    h.finish()
}

fn span(r: Range<usize>) -> (u32, u32) {
    // Offsets fit: a text over 4 GiB is refused by `parse` before any span is made.
    (r.start as u32, r.end as u32)
}

/// The byte range of `part` inside `whole` (`part` is a subslice of it).
fn offset_in(whole: &str, part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

impl GoModSums {
    /// Reads the `/go.mod` lines of go.sum text `text`, reported as `name` (`go.sum`, or a
    /// `go.work.sum` path, which changes the file named in mismatch errors). A text too large
    /// for 32-bit offsets (over 4 GiB) is read as far as they reach.
    pub fn parse(name: &str, text: &str) -> GoModSums {
        let mut limit = text.len().min(u32::MAX as usize - 1);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let text: Box<str> = Box::from(&text[..limit]);
        let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
        let mut sums = GoModSums {
            label: if name.ends_with("go.work.sum") {
                "go.work.sum"
            } else {
                "go.sum"
            },
            table: HashTable::with_capacity(lines),
            more: Vec::new(),
            text: Box::from(""),
        };
        let mut pos = 0;
        while let Some(line) = next_line(&text, &mut pos) {
            let (path, version, hash) = match line {
                Fields::Three(p, v, h) => (p, v, h),
                Fields::Blank => continue,
                Fields::Other => break,
            };
            if hash == super::gosum::EMPTY_GOMOD_HASH {
                continue;
            }
            let Some(version) = version.strip_suffix("/go.mod") else {
                continue;
            };
            sums.add(
                &text,
                offset_in(&text, path),
                offset_in(&text, version),
                offset_in(&text, hash),
            );
        }
        sums.text = text;
        sums
    }

    fn add(&mut self, text: &str, path: Range<usize>, version: Range<usize>, hash: Range<usize>) {
        let (p, v) = (
            &text.as_bytes()[path.clone()],
            &text.as_bytes()[version.clone()],
        );
        let kh = key_hash(p, v);
        let found = self.table.find_mut(kh, |e| same_key(text, e, p, v));
        match found {
            Some(e) => {
                let m = self.more.len() as u32;
                self.more.push(More {
                    at: span(hash),
                    next: END,
                });
                if e.more == END {
                    e.more = m;
                } else {
                    let mut k = e.more as usize;
                    while self.more[k].next != END {
                        k = self.more[k].next as usize;
                    }
                    self.more[k].next = m;
                }
            }
            None => {
                let e = Entry {
                    path: span(path),
                    version: span(version),
                    first: span(hash),
                    more: END,
                };
                self.table.insert_unique(kh, e, |e| {
                    key_hash(
                        slice(text, e.path).as_bytes(),
                        slice(text, e.version).as_bytes(),
                    )
                });
            }
        }
    }

    /// The hashes recorded for `path version/go.mod`, if any.
    pub fn get<'s>(&'s self, path: &str, version: &str) -> Option<Recorded<'s>> {
        let (p, v) = (path.as_bytes(), version.as_bytes());
        self.table
            .find(key_hash(p, v), |e| same_key(&self.text, e, p, v))
            .map(|entry| Recorded { sums: self, entry })
    }

    /// The file named in mismatch errors: `go.sum` or `go.work.sum`.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// Number of distinct `path version/go.mod` keys.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when go.sum has no `/go.mod` line.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The hashes recorded for `path version/go.mod`, in file order.
    pub fn hashes<'s>(&'s self, path: &str, version: &str) -> impl Iterator<Item = &'s str> + 's {
        self.get(path, version).into_iter().flat_map(|r| r.iter())
    }

    /// Whether go.sum records an `h1:` hash for `path version/go.mod`.
    pub fn has_h1(&self, path: &str, version: &str) -> bool {
        self.get(path, version).is_some_and(|r| r.has_h1())
    }

    /// [`Recorded::check`] for `path version/go.mod` (nothing recorded passes).
    pub fn check<'s>(&'s self, path: &str, version: &str, h1: &str) -> Result<(), &'s str> {
        self.get(path, version).map_or(Ok(()), |r| r.check(h1))
    }

    /// [`Recorded::accepts`] for `path version/go.mod` (nothing recorded accepts).
    pub fn accepts(&self, path: &str, version: &str, h1: &str) -> bool {
        self.get(path, version).is_none_or(|r| r.accepts(h1))
    }
}

impl<'s> Recorded<'s> {
    /// The hashes in file order.
    pub fn iter(self) -> impl Iterator<Item = &'s str> + 's {
        let text = &*self.sums.text;
        let more = &self.sums.more;
        let mut first = Some(slice(text, self.entry.first));
        let mut next = self.entry.more;
        std::iter::from_fn(move || {
            if let Some(h) = first.take() {
                return Some(h);
            }
            let m = more.get(next as usize)?;
            next = m.next;
            Some(slice(text, m.at))
        })
    }

    /// Whether an `h1:` hash is among them.
    pub fn has_h1(self) -> bool {
        self.iter().any(|h| h.starts_with("h1:"))
    }

    /// Checks the `h1:` hash `h1` of the go.mod as the go command does: going through the
    /// recorded hashes in file order, an equal one passes and a different `h1:` one is a
    /// mismatch, returned as `Err(recorded)`. No recorded `h1:` hash passes.
    pub fn check(self, h1: &str) -> Result<(), &'s str> {
        for recorded in self.iter() {
            if recorded == h1 {
                return Ok(());
            }
            if recorded.starts_with("h1:") {
                return Err(recorded);
            }
        }
        Ok(())
    }

    /// True when no `h1:` hash is recorded or one equals `h1`.
    pub fn accepts(self, h1: &str) -> bool {
        let mut any = false;
        for recorded in self.iter() {
            if recorded == h1 {
                return true;
            }
            any |= recorded.starts_with("h1:");
        }
        !any
    }
}

/// Whether entry `e` is the key `(p, v)`: lengths first, then the text.
fn same_key(text: &str, e: &Entry, p: &[u8], v: &[u8]) -> bool {
    (e.path.1 - e.path.0) as usize == p.len()
        && (e.version.1 - e.version.0) as usize == v.len()
        && slice(text, e.path).as_bytes() == p
        && slice(text, e.version).as_bytes() == v
}

/// What a go.sum line holds, split at white space as `str::split_whitespace` splits it.
enum Fields<'a> {
    /// Exactly three fields.
    Three(&'a str, &'a str, &'a str),
    /// No field.
    Blank,
    /// Any other number of fields.
    Other,
}

/// Splits `line` into its fields: byte by byte when it is ASCII (white space is then space,
/// tab, line feed, vertical tab, form feed and carriage return, as `char::is_whitespace` has
/// it), with `split_whitespace` otherwise.
fn fields(line: &str) -> Fields<'_> {
    let mut f: [&str; 3] = [""; 3];
    let mut n = 0;
    if line.is_ascii() {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                i += 1;
            }
            if i == b.len() {
                break;
            }
            let start = i;
            while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                i += 1;
            }
            if n == 3 {
                return Fields::Other;
            }
            f[n] = &line[start..i];
            n += 1;
        }
    } else {
        for field in line.split_whitespace() {
            if n == 3 {
                return Fields::Other;
            }
            f[n] = field;
            n += 1;
        }
    }
    match n {
        0 => Fields::Blank,
        3 => Fields::Three(f[0], f[1], f[2]),
        _ => Fields::Other,
    }
}

/// ASCII white space as `char::is_whitespace` has it: space, tab, line feed, vertical tab,
/// form feed, carriage return.
fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// The index of the first byte of `b` at or after `i` that is below `!` (white space or
/// another control character) or not ASCII, or `b.len()`. Eight bytes at a time: a byte is
/// flagged when subtracting 0x21 borrows or its top bit is set, and the lowest flagged byte of a
/// word is exact (no byte below it borrows).
fn next_special(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let x = u64::from_le_bytes(w);
        let flagged = (x.wrapping_sub(ONES * 0x21) | x) & TOPS;
        if flagged != 0 {
            return i + (flagged.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && (0x21..0x80).contains(&b[i]) {
        i += 1;
    }
    i
}

/// The fields of the line of `text` starting at `*pos` (lines end at `\n`), moving `*pos` past
/// it; `None` at the end of the text. ASCII lines are split here, word by word; a line with
/// other characters goes to [`fields`].
fn next_line<'t>(text: &'t str, pos: &mut usize) -> Option<Fields<'t>> {
    let b = text.as_bytes();
    let start = *pos;
    if start > b.len() {
        return None;
    }
    let mut f: [&str; 3] = [""; 3];
    let mut n = 0;
    let mut i = start;
    loop {
        while i < b.len() && b[i] != b'\n' && ascii_space(b[i]) {
            i += 1;
        }
        if i == b.len() || b[i] == b'\n' {
            break;
        }
        let field = i;
        loop {
            i = next_special(b, i);
            if i == b.len() || ascii_space(b[i]) {
                break;
            }
            if b[i] >= 0x80 {
                // Not ASCII: white space may be any Unicode space; split the whole line as
                // `split_whitespace` does.
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |k| i + k);
                *pos = end + 1;
                return Some(fields(text.get(start..end).unwrap_or("")));
            }
            i += 1;
        }
        if n < 3 {
            f[n] = text.get(field..i).unwrap_or("");
        }
        n += 1;
    }
    *pos = i + 1;
    Some(match n {
        0 => Fields::Blank,
        3 => Fields::Three(f[0], f[1], f[2]),
        _ => Fields::Other,
    })
}

fn slice(text: &str, (start, end): (u32, u32)) -> &str {
    text.get(start as usize..end as usize).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sum::GoSum;

    const A1: &str = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const B1: &str = "h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";

    #[test]
    fn keeps_gomod_lines_in_file_order() {
        let text = format!(
            "x.test/a v1.0.0 {A1}\nx.test/a v1.0.0/go.mod {B1}\n\n  x.test/a\tv1.0.0/go.mod  {A1}\r\nx.test/b v0.1.0/go.mod h2:zzz\n"
        );
        let s = GoModSums::parse("/w/go.sum", &text);
        assert_eq!(s.hashes("x.test/a", "v1.0.0").collect::<Vec<_>>(), [B1, A1]);
        assert_eq!(
            s.hashes("x.test/b", "v0.1.0").collect::<Vec<_>>(),
            ["h2:zzz"]
        );
        assert_eq!(s.hashes("x.test/a", "v1.0.1").count(), 0);
        assert_eq!(s.hashes("x.test/ab", "v1.0.0").count(), 0);
        assert!(s.has_h1("x.test/a", "v1.0.0"));
        assert!(!s.has_h1("x.test/b", "v0.1.0"));
        assert_eq!(s.label(), "go.sum");
        assert_eq!(
            GoModSums::parse("/w/go.work.sum", "").label(),
            "go.work.sum"
        );
    }

    #[test]
    fn check_follows_file_order_and_accepts_any() {
        let text = format!("m v1.0.0/go.mod h2:x\nm v1.0.0/go.mod {B1}\nm v1.0.0/go.mod {A1}\n");
        let s = GoModSums::parse("go.sum", &text);
        assert_eq!(s.check("m", "v1.0.0", B1), Ok(()));
        // The first h1: line decides, as in the go command.
        assert_eq!(s.check("m", "v1.0.0", A1), Err(B1));
        assert!(s.accepts("m", "v1.0.0", A1));
        assert!(!s.accepts("m", "v1.0.0", "h1:other"));
        // Nothing recorded, or only other algorithms: passes.
        assert_eq!(s.check("n", "v1.0.0", A1), Ok(()));
        assert!(s.accepts("n", "v1.0.0", A1));
        let other = GoModSums::parse("go.sum", "m v1.0.0/go.mod h2:x\n");
        assert_eq!(other.check("m", "v1.0.0", A1), Ok(()));
        assert!(other.accepts("m", "v1.0.0", A1));
    }

    #[test]
    fn stops_where_gosum_parse_stops() {
        let text = format!(
            "m v1.0.0/go.mod {A1}\nbad line\nn v1.0.0/go.mod {A1}\no v1.0.0/go.mod {}\n",
            crate::sum::gosum::EMPTY_GOMOD_HASH
        );
        let s = GoModSums::parse("go.sum", &text);
        let (full, _) = GoSum::parse("go.sum", &text);
        for (p, v) in [("m", "v1.0.0"), ("n", "v1.0.0"), ("o", "v1.0.0")] {
            let ours: Vec<&str> = s.hashes(p, v).collect();
            let theirs: Vec<&str> = full
                .hashes(p, &format!("{v}/go.mod"))
                .iter()
                .map(String::as_str)
                .collect();
            assert_eq!(ours, theirs, "{p} {v}");
        }
        assert!(!s.is_empty());
        assert!(GoModSums::parse("go.sum", "x y z w\nm v1.0.0/go.mod h1:a\n").is_empty());
    }

    #[test]
    fn fields_split_as_split_whitespace_does() {
        let lines = [
            "",
            "   ",
            "a b c",
            " a\tb\x0bc\x0c",
            "a b c\r",
            "a b",
            "a b c d",
            "a\u{a0}b c d",
            "\u{2003}a b\u{85}c",
            "é b c",
        ];
        for line in lines {
            let want: Vec<&str> = line.split_whitespace().collect();
            let got: Vec<&str> = match fields(line) {
                Fields::Three(a, b, c) => vec![a, b, c],
                Fields::Blank => vec![],
                Fields::Other => {
                    assert!(!matches!(want.len(), 0 | 3), "{line:?}");
                    continue;
                }
            };
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn lines_split_as_split_and_split_whitespace_do() {
        let texts = [
            "",
            "\n",
            "a b c",
            "a b c\n",
            "a b c\r\n\n  d e f  \n",
            "a\x01b c d\n",
            "long-field-one-two-three-four long-field-five-six-seven h1:eight\nx y\n",
            "a b c\nx\u{a0}y z w\nq r s\n",
            "a\u{2003}b c\n\u{85}p q r",
            "abcdefgh\tijklmnop qrstuvwxyz0123456789é\n1 2 3",
        ];
        for text in texts {
            let want: Vec<Vec<&str>> = text
                .split('\n')
                .map(|l| l.split_whitespace().collect())
                .collect();
            let mut got = Vec::new();
            let mut pos = 0;
            while let Some(line) = next_line(text, &mut pos) {
                got.push(line);
            }
            assert_eq!(got.len(), want.len(), "{text:?}");
            for (g, w) in got.iter().zip(&want) {
                match g {
                    Fields::Three(a, b, c) => assert_eq!(&vec![*a, *b, *c], w, "{text:?}"),
                    Fields::Blank => assert!(w.is_empty(), "{text:?}"),
                    Fields::Other => assert!(!matches!(w.len(), 0 | 3), "{text:?}"),
                }
            }
        }
        for i in 0..40 {
            let b = vec![b'x'; i];
            assert_eq!(next_special(&b, 0), i);
            for (j, special) in [(0usize, b' '), (i / 2, 0x01), (i.saturating_sub(1), 0xc3)] {
                if j < i {
                    let mut c = b.clone();
                    c[j] = special;
                    assert_eq!(next_special(&c, 0), j, "{i} {j}");
                }
            }
        }
    }

    #[test]
    fn many_keys_agree_with_gosum() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(&format!(
                "ex.test/m{} v1.{}.0/go.mod h1:{i}=\n",
                i % 97,
                i / 97
            ));
            text.push_str(&format!("ex.test/m{} v1.{}.0 h1:z{i}=\n", i % 97, i / 97));
        }
        let s = GoModSums::parse("go.sum", &text);
        let (full, _) = GoSum::parse("go.sum", &text);
        for i in 0..2000 {
            let (p, v) = (format!("ex.test/m{}", i % 97), format!("v1.{}.0", i / 97));
            let ours: Vec<&str> = s.hashes(&p, &v).collect();
            let gomod = format!("{v}/go.mod");
            let theirs: Vec<&str> = full.hashes(&p, &gomod).iter().map(String::as_str).collect();
            assert_eq!(ours, theirs);
        }
    }
}
