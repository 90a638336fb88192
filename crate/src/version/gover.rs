//! Go toolchain versions: the syntax of `go` and `toolchain` lines (`1.21.0`, `1.22rc1`, `1.20`).
//!
//! Not semver: no `v`, prereleases are `alpha`/`beta`/`rc` + number written directly after the
//! minor version, and since Go 1.21 `1.N` (the language version) sorts before `1.N rc1` and
//! `1.N.0`. Before 1.21, `1.N` means `1.N.0`. Invalid strings compare equal to each other and below
//! every valid version (as `""`).

use std::cmp::Ordering;

/// A parsed Go version; empty fields are absent. Slices borrow from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoVersion<'a> {
    /// Major number (`1`).
    pub major: &'a str,
    /// Minor number (`21`).
    pub minor: &'a str,
    /// Patch number; empty for a language version (`1.21`) or a prerelease (`1.21rc1`).
    pub patch: &'a str,
    /// Prerelease kind (`alpha`, `beta`, `rc`, or any lowercase word), empty for releases.
    pub kind: &'a str,
    /// Prerelease number after the kind (`1` in `rc1`), possibly empty.
    pub pre: &'a str,
}

/// Splits a decimal number without leading zeros off the front of `s`.
fn cut_int(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (n > 1 && s.as_bytes()[0] == b'0') {
        return None;
    }
    Some(s.split_at(n))
}

/// Compares unbounded decimal strings (`""` is smallest).
pub fn cmp_int(x: &str, y: &str) -> Ordering {
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

/// Parses a Go version; `None` if it is not one.
pub fn parse(x: &str) -> Option<GoVersion<'_>> {
    let mut v = GoVersion::default();
    let (major, rest) = cut_int(x)?;
    v.major = major;
    if rest.is_empty() {
        v.minor = "0";
        v.patch = "0";
        return Some(v);
    }
    let (minor, rest) = cut_int(rest.strip_prefix('.')?)?;
    v.minor = minor;
    if rest.is_empty() {
        if cmp_int(minor, "21") == Ordering::Less {
            v.patch = "0";
        }
        return Some(v);
    }
    if let Some(after) = rest.strip_prefix('.') {
        let (patch, rest) = cut_int(after)?;
        if !rest.is_empty() {
            return None;
        }
        v.patch = patch;
        return Some(v);
    }
    let n = rest.bytes().take_while(|b| !b.is_ascii_digit()).count();
    if n == 0 || !rest.as_bytes()[..n].iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let (kind, rest) = rest.split_at(n);
    v.kind = kind;
    if rest.is_empty() {
        return Some(v);
    }
    let (pre, rest) = cut_int(rest)?;
    if !rest.is_empty() {
        return None;
    }
    v.pre = pre;
    Some(v)
}

/// Compares two Go versions (invalid ones as the smallest, equal to each other).
pub fn compare(x: &str, y: &str) -> Ordering {
    let vx = parse(x).unwrap_or_default();
    let vy = parse(y).unwrap_or_default();
    cmp_int(vx.major, vy.major)
        .then_with(|| cmp_int(vx.minor, vy.minor))
        .then_with(|| cmp_int(vx.patch, vy.patch))
        .then_with(|| vx.kind.cmp(vy.kind))
        .then_with(|| cmp_int(vx.pre, vy.pre))
}

/// The larger of two Go versions (`x` on a tie).
pub fn max<'a>(x: &'a str, y: &'a str) -> &'a str {
    if compare(x, y) == Ordering::Less {
        y
    } else {
        x
    }
}

/// Reports whether `x` is a valid Go version.
pub fn is_valid(x: &str) -> bool {
    parse(x).is_some()
}

/// The language version of `x`: `1.21` for `1.21.3` and `1.21rc2`; `1` for `1` and `1.0`.
pub fn lang(x: &str) -> String {
    let v = parse(x).unwrap_or_default();
    if v.minor.is_empty() || (v.major == "1" && v.minor == "0") {
        return v.major.to_string();
    }
    format!("{}.{}", v.major, v.minor)
}

/// Reports whether `x` is a language version (`1.21`, not `1.21.0`, `1.21rc1` or `1.20`).
pub fn is_lang(x: &str) -> bool {
    matches!(parse(x), Some(v) if v.patch.is_empty() && v.kind.is_empty() && v.pre.is_empty())
}
