//! Case escaping of module paths and versions for the module cache and proxy URLs: each
//! uppercase letter becomes `!` + its lowercase form, so that case-insensitive file systems keep
//! `github.com/Azure` and `github.com/azure` apart.

use super::check::{check_elem, check_path, InvalidPathError, PathErrorReason, PathKind};
use crate::version::quote::quote_str;
use crate::version::{InvalidVersionError, VersionErrorReason};

/// Why a path or version could not be escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    /// The module path is malformed.
    #[error(transparent)]
    Path(#[from] InvalidPathError),
    /// The version cannot be a file-path element: `version "V" invalid: disallowed version string`.
    #[error(transparent)]
    Version(#[from] InvalidVersionError),
    /// Non-ASCII text or a `!` reached the escaper (the go command's internal-error wording).
    #[error("internal error: inconsistency in EscapePath")]
    Inconsistent,
}

/// Why an escaped path or version could not be unescaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnescapeError {
    /// Not a valid escaping (uppercase letter, `!` not followed by `a`–`z`, non-ASCII).
    #[error("invalid escaped module path {}", quote_str(.escaped))]
    PathEscape {
        /// The escaped text.
        escaped: String,
    },
    /// The unescaped path is not a valid module path.
    #[error("invalid escaped module path {}: {err}", quote_str(.escaped))]
    Path {
        /// The escaped text.
        escaped: String,
        /// Why the unescaped path is invalid.
        err: InvalidPathError,
    },
    /// Not a valid escaping of a version.
    #[error("invalid escaped version {}", quote_str(.escaped))]
    VersionEscape {
        /// The escaped text.
        escaped: String,
    },
    /// The unescaped version is not a valid file-path element.
    #[error("invalid escaped version {}: {reason}", quote_str(.version))]
    Version {
        /// The unescaped version.
        version: String,
        /// Why it is not a valid path element.
        reason: PathErrorReason,
    },
}

fn escape_string(s: &str) -> Result<String, EscapeError> {
    if s.bytes().any(|b| b == b'!' || !b.is_ascii()) {
        return Err(EscapeError::Inconsistent);
    }
    let uppers = s.bytes().filter(u8::is_ascii_uppercase).count();
    let mut out = String::with_capacity(s.len() + uppers);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn unescape_string(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut bang = false;
    for c in escaped.chars() {
        if !c.is_ascii() {
            return None;
        }
        if bang {
            bang = false;
            if !c.is_ascii_lowercase() {
                return None;
            }
            out.push(c.to_ascii_uppercase());
            continue;
        }
        if c == '!' {
            bang = true;
            continue;
        }
        if c.is_ascii_uppercase() {
            return None;
        }
        out.push(c);
    }
    (!bang).then_some(out)
}

/// Escapes a module path for use in the module cache or a proxy URL (the path must be valid).
pub fn escape_path(path: &str) -> Result<String, EscapeError> {
    check_path(path)?;
    escape_string(path)
}

/// Escapes a version for use in the module cache or a proxy URL. The version must be a valid
/// file-path element without `!`; it need not be semver (queries like `master` are allowed).
pub fn escape_version(v: &str) -> Result<String, EscapeError> {
    if check_elem(v, PathKind::File).is_err() || v.contains('!') {
        return Err(EscapeError::Version(InvalidVersionError {
            version: v.to_string(),
            pseudo: false,
            reason: VersionErrorReason::Disallowed,
        }));
    }
    escape_string(v)
}

/// Reverses [`escape_path`], checking that the result is a valid module path.
pub fn unescape_path(escaped: &str) -> Result<String, UnescapeError> {
    let path = unescape_string(escaped).ok_or_else(|| UnescapeError::PathEscape {
        escaped: escaped.to_string(),
    })?;
    check_path(&path).map_err(|err| UnescapeError::Path {
        escaped: escaped.to_string(),
        err,
    })?;
    Ok(path)
}

/// Reverses [`escape_version`], checking that the result is a valid file-path element.
pub fn unescape_version(escaped: &str) -> Result<String, UnescapeError> {
    let v = unescape_string(escaped).ok_or_else(|| UnescapeError::VersionEscape {
        escaped: escaped.to_string(),
    })?;
    check_elem(&v, PathKind::File).map_err(|reason| UnescapeError::Version {
        version: v.clone(),
        reason,
    })?;
    Ok(v)
}
