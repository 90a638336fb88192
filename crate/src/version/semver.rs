//! Go semantic versions, with the semantics of golang.org/x/mod/semver.
//!
//! A version is `v` + MAJOR[.MINOR[.PATCH]] with no leading zeros, optionally followed (only in
//! the full three-number form) by `-PRERELEASE` and `+BUILD`. The shorthands `vN` and `vN.M` mean
//! `vN.0.0` and `vN.M.0`. Invalid strings compare equal to each other and below every valid one;
//! build metadata never affects order.
//!
//! The string functions ([`is_valid`], [`canonical`], [`compare`], …) never allocate except to
//! build a returned `String`. [`Version`] is the parsed value type for code that compares the same
//! versions many times (the module graph).

use super::{InvalidVersionError, VersionErrorReason};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

/// The fields of a valid version, as slices of the input.
#[derive(Debug, Clone, Copy)]
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    /// What `canonical` appends to a shorthand: `.0.0`, `.0` or nothing.
    short: &'static str,
    /// `-…` including the dash, or empty.
    prerelease: &'a str,
    /// `+…` including the plus, or empty.
    build: &'a str,
}

/// Splits a leading decimal number (no leading zeros unless it is `0`) off `s`.
fn parse_int(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (n > 1 && s.as_bytes()[0] == b'0') {
        return None;
    }
    Some(s.split_at(n))
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn is_bad_num(ident: &[u8]) -> bool {
    ident.len() > 1 && ident[0] == b'0' && ident.iter().all(u8::is_ascii_digit)
}

/// Splits `-pre.release` (up to a `+` or the end) off `s`; `s` starts with `-`.
fn parse_prerelease(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut i = 1;
    let mut start = 1;
    while i < b.len() && b[i] != b'+' {
        if !is_ident_char(b[i]) && b[i] != b'.' {
            return None;
        }
        if b[i] == b'.' {
            if start == i || is_bad_num(&b[start..i]) {
                return None;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start == i || is_bad_num(&b[start..i]) {
        return None;
    }
    Some(s.split_at(i))
}

/// Checks `+build.meta` (the rest of the string); `s` starts with `+`.
fn parse_build(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut start = 1;
    for (i, &c) in b.iter().enumerate().skip(1) {
        if c == b'.' {
            if start == i {
                return None;
            }
            start = i + 1;
        } else if !is_ident_char(c) {
            return None;
        }
    }
    if start == b.len() {
        return None;
    }
    Some(s)
}

fn parse(v: &str) -> Option<Parsed<'_>> {
    let rest = v.strip_prefix('v')?;
    let (major, rest) = parse_int(rest)?;
    if rest.is_empty() {
        return Some(Parsed {
            major,
            minor: "0",
            patch: "0",
            short: ".0.0",
            prerelease: "",
            build: "",
        });
    }
    let (minor, rest) = parse_int(rest.strip_prefix('.')?)?;
    if rest.is_empty() {
        return Some(Parsed {
            major,
            minor,
            patch: "0",
            short: ".0",
            prerelease: "",
            build: "",
        });
    }
    let (patch, mut rest) = parse_int(rest.strip_prefix('.')?)?;
    let mut prerelease = "";
    let mut build = "";
    if rest.starts_with('-') {
        (prerelease, rest) = parse_prerelease(rest)?;
    }
    if rest.starts_with('+') {
        build = parse_build(rest)?;
        rest = "";
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Parsed {
        major,
        minor,
        patch,
        short: "",
        prerelease,
        build,
    })
}

/// Reports whether `v` is a valid Go semantic version.
pub fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// The canonical form of `v`: `vMAJOR.MINOR.PATCH[-PRERELEASE]`, build dropped; `""` if invalid.
pub fn canonical(v: &str) -> String {
    match parse(v) {
        None => String::new(),
        Some(p) if !p.build.is_empty() => v[..v.len() - p.build.len()].to_string(),
        Some(p) => {
            let mut s = String::with_capacity(v.len() + p.short.len());
            s.push_str(v);
            s.push_str(p.short);
            s
        }
    }
}

/// What one parse of a valid version tells: its canonical form, major prefix and build suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalParts<'a> {
    /// The canonical form as [`canonical`] computes it, borrowing when no shorthand needs filling
    /// in (`v1.2.3+meta` → `v1.2.3`).
    pub canonical: Cow<'a, str>,
    /// The major version prefix, as [`major`] computes it (`v2`).
    pub major: &'a str,
    /// The build suffix including the plus, as [`build`] computes it (`+incompatible`).
    pub build: &'a str,
}

/// [`canonical`], [`major`] and [`build`] of `v` from a single parse, without allocating for
/// versions that are already canonical (most are); `None` if `v` is invalid.
pub fn canonical_parts(v: &str) -> Option<CanonicalParts<'_>> {
    let p = parse(v)?;
    let canonical = if p.short.is_empty() {
        Cow::Borrowed(&v[..v.len() - p.build.len()])
    } else {
        let mut s = String::with_capacity(v.len() + p.short.len());
        s.push_str(v);
        s.push_str(p.short);
        Cow::Owned(s)
    };
    Some(CanonicalParts {
        canonical,
        major: &v[..1 + p.major.len()],
        build: p.build,
    })
}

/// The major version prefix of `v` (`v2` for `v2.1.0`); `""` if invalid.
pub fn major(v: &str) -> &str {
    match parse(v) {
        Some(p) => &v[..1 + p.major.len()],
        None => "",
    }
}

/// The major.minor prefix of `v` (`v2.1` for `v2.1.0`, `v2.0` for `v2`); `""` if invalid.
pub fn major_minor(v: &str) -> String {
    let Some(p) = parse(v) else {
        return String::new();
    };
    let i = 1 + p.major.len();
    let j = i + 1 + p.minor.len();
    if j <= v.len() && v.as_bytes()[i] == b'.' && &v[i + 1..j] == p.minor {
        return v[..j].to_string();
    }
    format!("{}.{}", &v[..i], p.minor)
}

/// The prerelease suffix of `v` including the dash (`-pre`), or `""`.
pub fn prerelease(v: &str) -> &str {
    parse(v).map_or("", |p| p.prerelease)
}

/// The build suffix of `v` including the plus (`+meta`), or `""`.
pub fn build(v: &str) -> &str {
    parse(v).map_or("", |p| p.build)
}

/// Compares two unbounded decimal numbers without leading zeros.
fn compare_int(x: &str, y: &str) -> Ordering {
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

/// Compares prerelease suffixes given without their leading dash.
/// An empty prerelease (a release) is greater than any prerelease.
fn compare_prerelease(x: &str, y: &str) -> Ordering {
    if x == y {
        return Ordering::Equal;
    }
    if x.is_empty() {
        return Ordering::Greater;
    }
    if y.is_empty() {
        return Ordering::Less;
    }
    let mut xi = x.split('.');
    let mut yi = y.split('.');
    loop {
        match (xi.next(), yi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(dx), Some(dy)) => {
                if dx == dy {
                    continue;
                }
                let nx = dx.bytes().all(|b| b.is_ascii_digit());
                let ny = dy.bytes().all(|b| b.is_ascii_digit());
                return match (nx, ny) {
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (true, true) => compare_int(dx, dy),
                    (false, false) => dx.cmp(dy),
                };
            }
        }
    }
}

fn strip_dash(pre: &str) -> &str {
    pre.get(1..).unwrap_or("")
}

/// Compares two versions: invalid == invalid < every valid version; build metadata ignored.
pub fn compare(v: &str, w: &str) -> Ordering {
    let (pv, pw) = match (parse(v), parse(w)) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(pv), Some(pw)) => (pv, pw),
    };
    compare_int(pv.major, pw.major)
        .then_with(|| compare_int(pv.minor, pw.minor))
        .then_with(|| compare_int(pv.patch, pw.patch))
        .then_with(|| compare_prerelease(strip_dash(pv.prerelease), strip_dash(pw.prerelease)))
}

/// The larger of `v` and `w` in canonical form (`w` when they compare equal); x/mod's deprecated
/// `Max`, kept for completeness.
pub fn max(v: &str, w: &str) -> String {
    let (cv, cw) = (canonical(v), canonical(w));
    if compare(&cv, &cw) == Ordering::Greater {
        cv
    } else {
        cw
    }
}

/// Sorts versions by [`compare`], breaking ties by plain string order (x/mod's `semver.Sort`).
pub fn sort<S: AsRef<str>>(list: &mut [S]) {
    list.sort_by(|a, b| {
        let (a, b) = (a.as_ref(), b.as_ref());
        compare(a, b).then_with(|| a.cmp(b))
    });
}

/// Marks a version number too long for a `u64` (more than 19 digits): compare by text instead.
const BIG: u64 = u64::MAX;

fn small_int(s: &str) -> u64 {
    if s.len() > 19 {
        return BIG;
    }
    s.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'))
}

/// A valid Go semantic version, parsed once so it can be compared cheaply many times.
///
/// Representation: the text as written (shared `Arc<str>`, so clones are a reference-count bump
/// and `Display` round-trips exactly), the three numbers as `u64`s, and the byte range of the
/// prerelease. In real module graphs almost every comparison is decided by the three numbers —
/// three integer comparisons with no parsing — and the rest (pseudo-versions of the same base,
/// `-rc` tags) by one byte-slice walk over the prerelease, still without allocating. Numbers
/// longer than 19 digits (legal in Go semver, unseen in practice) are marked and compared by text,
/// so the order is exactly [`compare`]'s. Measured on 200,000 random tags, `-rc.N` prereleases and
/// pseudo-versions (release build, random pairs): about 20–30 ns per `cmp` against about 200 ns
/// for [`compare`] on the strings, and a sort 3.8× faster; the value is 48 bytes.
///
/// Equality, hashing and order follow Go's `Compare`: `v1.2` == `v1.2.0` and build metadata
/// (including `+incompatible`) is ignored. Use [`Version::as_str`] when the exact text matters.
#[derive(Clone)]
pub struct Version {
    text: Arc<str>,
    nums: [u64; 3],
    pre_start: u32,
    pre_end: u32,
}

impl Version {
    /// Parses a Go semantic version.
    pub fn parse(v: &str) -> Result<Version, InvalidVersionError> {
        let not_semver = || InvalidVersionError {
            version: v.to_string(),
            pseudo: false,
            reason: VersionErrorReason::NotSemver,
        };
        let p = parse(v).ok_or_else(not_semver)?;
        let len = u32::try_from(v.len()).map_err(|_| not_semver())?;
        let pre_start = if p.prerelease.is_empty() {
            len
        } else {
            (p.prerelease.as_ptr() as usize - v.as_ptr() as usize) as u32 + 1
        };
        let pre_end = pre_start + p.prerelease.len().saturating_sub(1) as u32;
        Ok(Version {
            text: Arc::from(v),
            nums: [small_int(p.major), small_int(p.minor), small_int(p.patch)],
            pre_start,
            pre_end,
        })
    }

    /// The version exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The prerelease without its dash (`rc.1` for `v1.0.0-rc.1`), or `""`.
    pub fn prerelease(&self) -> &str {
        &self.text[self.pre_start as usize..self.pre_end as usize]
    }

    /// The build suffix including the plus (`+incompatible`), or `""`.
    pub fn build(&self) -> &str {
        build(&self.text)
    }

    /// The major version prefix, e.g. `v2`.
    pub fn major(&self) -> &str {
        major(&self.text)
    }

    /// The canonical form `vMAJOR.MINOR.PATCH[-PRERELEASE]`.
    pub fn canonical(&self) -> String {
        canonical(&self.text)
    }

    /// True for a prerelease (including pseudo-versions).
    pub fn is_prerelease(&self) -> bool {
        self.pre_end > self.pre_start
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (&a, &b) in self.nums.iter().zip(&other.nums) {
            if a != b {
                // A marked number has more than 19 digits, so it is larger than any unmarked one.
                return a.cmp(&b);
            }
            if a == BIG {
                return compare(&self.text, &other.text);
            }
        }
        compare_prerelease(self.prerelease(), other.prerelease())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.nums.contains(&BIG) {
            if let Some(p) = parse(&self.text) {
                p.major.hash(state);
                p.minor.hash(state);
                p.patch.hash(state);
            }
        } else {
            self.nums.hash(state);
        }
        self.prerelease().hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?})", &*self.text)
    }
}

impl FromStr for Version {
    type Err = InvalidVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl AsRef<str> for Version {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_fields() {
        let v = Version::parse("v1.2.3-rc.1+meta").unwrap();
        assert_eq!(v.prerelease(), "rc.1");
        assert_eq!(v.build(), "+meta");
        assert_eq!(v.major(), "v1");
        assert_eq!(v.canonical(), "v1.2.3-rc.1");
        let r = Version::parse("v1.2").unwrap();
        assert_eq!(r.prerelease(), "");
        assert!(!r.is_prerelease());
        assert_eq!(r, Version::parse("v1.2.0+x").unwrap());
        assert!(Version::parse("v1.2-pre").is_err());
    }

    #[test]
    fn big_numbers_compare_by_text() {
        let a = Version::parse("v1.2.99999999999999999999").unwrap();
        let b = Version::parse("v1.2.100000000000000000000").unwrap();
        assert!(a < b);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
        // Both majors marked: the minor must not decide.
        let c = Version::parse("v10000000000000000000.1").unwrap();
        let d = Version::parse("v10000000000000000010.0.1").unwrap();
        assert!(c < d);
    }
}
