//! Pseudo-versions: the versions the go command invents for untagged revisions.
//!
//! Three forms, each `TIMESTAMP-REVISION` after a base (TIMESTAMP is UTC `yyyymmddhhmmss`):
//! `vX.0.0-TIMESTAMP-REV` (no earlier tag), `vX.Y.(Z+1)-0.TIMESTAMP-REV` (after tag `vX.Y.Z`) and
//! `vX.Y.Z-PRE.0.TIMESTAMP-REV` (after prerelease tag `vX.Y.Z-PRE`); build metadata such as
//! `+incompatible` is carried over from the base tag. This module recognises, builds and takes
//! them apart; it reads no clock (times are plain [`PseudoTime`] values).

use super::semver;
use super::{InvalidVersionError, VersionErrorReason};
use std::fmt;

/// A UTC time with one-second resolution, as stored in a pseudo-version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PseudoTime {
    /// Year, 0–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
}

impl PseudoTime {
    /// The zero time Go uses for the "zero" pseudo-version: 0001-01-01 00:00:00.
    pub const ZERO: PseudoTime = PseudoTime {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
    };

    /// Parses the 14-digit `yyyymmddhhmmss` form, checking ranges the way Go's `time.Parse` does.
    pub fn parse(timestamp: &str) -> Option<PseudoTime> {
        let b = timestamp.as_bytes();
        if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let num = |i: usize, n: usize| {
            b[i..i + n]
                .iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
        };
        let t = PseudoTime {
            year: num(0, 4),
            month: num(4, 2) as u8,
            day: num(6, 2) as u8,
            hour: num(8, 2) as u8,
            minute: num(10, 2) as u8,
            second: num(12, 2) as u8,
        };
        let leap = t.year % 4 == 0 && (t.year % 100 != 0 || t.year % 400 == 0);
        let days = match t.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if t.day < 1 || t.day > days || t.hour > 23 || t.minute > 59 || t.second > 59 {
            return None;
        }
        Some(t)
    }
}

impl fmt::Display for PseudoTime {
    /// The 14-digit `yyyymmddhhmmss` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Adds one to a decimal string (`"99"` → `"100"`).
pub fn inc_decimal(decimal: &str) -> String {
    let mut digits = decimal.as_bytes().to_vec();
    let mut i = digits.len();
    while i > 0 && digits[i - 1] == b'9' {
        digits[i - 1] = b'0';
        i -= 1;
    }
    if i > 0 {
        digits[i - 1] += 1;
    } else {
        digits.insert(0, b'1');
    }
    String::from_utf8(digits).unwrap_or_default()
}

/// Subtracts one from a decimal string (`"100"` → `"99"`); `""` when it is all zeros (or empty).
pub fn dec_decimal(decimal: &str) -> String {
    let mut digits = decimal.as_bytes().to_vec();
    let mut i = digits.len();
    while i > 0 && digits[i - 1] == b'0' {
        digits[i - 1] = b'9';
        i -= 1;
    }
    if i == 0 {
        return String::new();
    }
    if i == 1 && digits[0] == b'1' && digits.len() > 1 {
        digits.remove(0);
    } else {
        digits[i - 1] -= 1;
    }
    String::from_utf8(digits).unwrap_or_default()
}

/// Builds the pseudo-version for revision `rev` at time `t`, after tag `older` (`""` if none),
/// for major version `major` (`""` means `v0`; only used when there is no `older`).
pub fn pseudo_version(major: &str, older: &str, t: PseudoTime, rev: &str) -> String {
    let major = if major.is_empty() { "v0" } else { major };
    let segment = format!("{t}-{rev}");
    let build = semver::build(older);
    let older = semver::canonical(older);
    if older.is_empty() {
        return format!("{major}.0.0-{segment}");
    }
    if !semver::prerelease(&older).is_empty() {
        return format!("{older}.0.{segment}{build}");
    }
    let i = older.rfind('.').map_or(0, |i| i + 1);
    let (v, patch) = older.split_at(i);
    format!("{v}{}-0.{segment}{build}", inc_decimal(patch))
}

/// The "zero" pseudo-version `vN.0.0-00010101000000-000000000000` used for wildcard replacements.
pub fn zero_pseudo_version(major: &str) -> String {
    pseudo_version(major, "", PseudoTime::ZERO, "000000000000")
}

/// Reports whether `v` is the zero pseudo-version of its major version.
pub fn is_zero_pseudo_version(v: &str) -> bool {
    v == zero_pseudo_version(semver::major(v))
}

/// Whether the last prerelease identifier is `TIMESTAMP-REV` (14 digits, dash, alphanumerics).
fn is_stamp_rev(ident: &str) -> bool {
    let b = ident.as_bytes();
    b.len() > 15
        && b[..14].iter().all(u8::is_ascii_digit)
        && b[14] == b'-'
        && b[15..].iter().all(u8::is_ascii_alphanumeric)
}

/// Reports whether `v` is a pseudo-version.
pub fn is_pseudo_version(v: &str) -> bool {
    if v.bytes().filter(|&b| b == b'-').count() < 2 || !semver::is_valid(v) {
        return false;
    }
    let pre = semver::prerelease(v);
    let Some(pre) = pre.strip_prefix('-') else {
        return false;
    };
    let (head, last) = match pre.rfind('.') {
        Some(i) => (&pre[..=i], &pre[i + 1..]),
        None => ("", pre),
    };
    if !is_stamp_rev(last) {
        return false;
    }
    if head.is_empty() {
        // vX.0.0-TIMESTAMP-REV
        let core = &v[..v.len() - semver::build(v).len() - pre.len() - 1];
        return core.ends_with(".0.0")
            && core[1..core.len() - 4].bytes().all(|b| b.is_ascii_digit());
    }
    head == "0." || (head.len() > 3 && head.ends_with(".0."))
}

struct PseudoParts<'a> {
    base: &'a str,
    timestamp: &'a str,
    rev: &'a str,
    build: &'a str,
}

fn syntax_error(v: &str) -> InvalidVersionError {
    InvalidVersionError {
        version: v.to_string(),
        pseudo: true,
        reason: VersionErrorReason::PseudoSyntax,
    }
}

fn parse_pseudo(v: &str) -> Result<PseudoParts<'_>, InvalidVersionError> {
    if !is_pseudo_version(v) {
        return Err(syntax_error(v));
    }
    let build = semver::build(v);
    let rest = &v[..v.len() - build.len()];
    let j = rest.rfind('-').ok_or_else(|| syntax_error(v))?;
    let (rest, rev) = (&rest[..j], &rest[j + 1..]);
    let i = rest.rfind('-').ok_or_else(|| syntax_error(v))?;
    let (base, timestamp) = match rest.rfind('.') {
        Some(k) if k > i => (&rest[..k], &rest[k + 1..]),
        _ => (&rest[..i], &rest[i + 1..]),
    };
    Ok(PseudoParts {
        base,
        timestamp,
        rev,
        build,
    })
}

/// The time recorded in pseudo-version `v`.
pub fn pseudo_version_time(v: &str) -> Result<PseudoTime, InvalidVersionError> {
    let parts = parse_pseudo(v)?;
    PseudoTime::parse(parts.timestamp).ok_or_else(|| InvalidVersionError {
        version: v.to_string(),
        pseudo: true,
        reason: VersionErrorReason::MalformedTime(parts.timestamp.to_string()),
    })
}

/// The revision identifier (usually a 12-hex-digit commit prefix) of pseudo-version `v`.
pub fn pseudo_version_rev(v: &str) -> Result<&str, InvalidVersionError> {
    parse_pseudo(v).map(|p| p.rev)
}

/// The tag pseudo-version `v` was derived from (`""` for the no-tag form), with its build suffix.
pub fn pseudo_version_base(v: &str) -> Result<String, InvalidVersionError> {
    let parts = parse_pseudo(v)?;
    let err = |reason| InvalidVersionError {
        version: v.to_string(),
        pseudo: true,
        reason,
    };
    match semver::prerelease(parts.base) {
        "" => {
            if !parts.build.is_empty() {
                return Err(err(VersionErrorReason::BuildWithoutBase(
                    parts.build.to_string(),
                )));
            }
            Ok(String::new())
        }
        "-0" => {
            let base = &parts.base[..parts.base.len() - 2];
            let i = base.rfind('.').ok_or_else(|| syntax_error(v))?;
            let patch = dec_decimal(&base[i + 1..]);
            if patch.is_empty() {
                return Err(err(VersionErrorReason::NegativePatch(base.to_string())));
            }
            Ok(format!("{}{patch}{}", &base[..=i], parts.build))
        }
        _ => {
            let base = parts
                .base
                .strip_suffix(".0")
                .ok_or_else(|| syntax_error(v))?;
            Ok(format!("{base}{}", parts.build))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ranges() {
        assert!(PseudoTime::parse("20060102150405").is_some());
        assert!(PseudoTime::parse("20060230150405").is_none());
        assert!(PseudoTime::parse("20040229000000").is_some());
        assert!(PseudoTime::parse("20060102250405").is_none());
        assert_eq!(PseudoTime::ZERO.to_string(), "00010101000000");
    }

    #[test]
    fn zero_pseudo() {
        assert_eq!(
            zero_pseudo_version("v2"),
            "v2.0.0-00010101000000-000000000000"
        );
        assert!(is_zero_pseudo_version("v0.0.0-00010101000000-000000000000"));
        assert!(!is_pseudo_version("v1.2.3-20060102150405-hash"));
        assert!(is_pseudo_version("v1.0.0-20060102150405-hash"));
    }

    #[test]
    fn malformed_time() {
        let e = pseudo_version_time("v0.0.0-20061302150405-hash").unwrap_err();
        assert_eq!(
            e.to_string(),
            "pseudo-version \"v0.0.0-20061302150405-hash\" invalid: malformed time \"20061302150405\""
        );
    }
}
