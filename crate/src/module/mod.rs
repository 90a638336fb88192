//! Module and import paths: validity checks with the go command's exact errors, case escaping for
//! the module cache and proxies, major-version suffixes, and GOPRIVATE-style glob matching.
//!
//! Entry points: [`check_path`], [`check_import_path`], [`check_file_path`], [`check`],
//! [`split_path_version`], [`check_path_major`], [`escape_path`] / [`unescape_path`],
//! [`escape_version`] / [`unescape_version`], [`match_prefix_patterns`]; the value types
//! [`ModulePath`] (a checked module path) and [`ModuleVersion`] (`path@version`, ordered as
//! x/mod's `module.Sort`). Rules: SPEC.md A.4–A.5; tables in `shared/spec/cases/module*.json`.

mod check;
mod escape;
mod pattern;

pub use check::{
    canonical_version, canonical_version_cow, canonical_version_for_major, check, check_bytes,
    check_file_path, check_import_path, check_path, check_path_major, match_path_major,
    path_major_prefix, split_path_version, CheckError, InvalidPathError, ModuleVersionError,
    PathErrorReason, PathKind, CODE_INVALID_PATH,
};
pub use escape::{
    escape_path, escape_version, unescape_path, unescape_version, EscapeError, UnescapeError,
};
pub use pattern::{match_prefix_patterns, path_match};

use crate::version::semver;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// A module path that passed [`check_path`]. Cheap to clone (shared text).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModulePath(Arc<str>);

impl ModulePath {
    /// Checks `path` and wraps it.
    pub fn new(path: &str) -> Result<ModulePath, InvalidPathError> {
        check_path(path)?;
        Ok(ModulePath(Arc::from(path)))
    }

    /// The path text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path without its major-version suffix (`x.y/z` for `x.y/z/v2`).
    pub fn prefix(&self) -> &str {
        split_path_version(&self.0).map_or(&self.0, |(p, _)| p)
    }

    /// The major-version suffix (`/v2`, `.v1`, or `""`).
    pub fn path_major(&self) -> &str {
        split_path_version(&self.0).map_or("", |(_, m)| m)
    }

    /// The escaped form for the module cache and proxy URLs.
    pub fn escaped(&self) -> String {
        escape_path(&self.0).unwrap_or_else(|_| self.0.to_string())
    }
}

impl std::str::FromStr for ModulePath {
    type Err = InvalidPathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModulePath::new(s)
    }
}

impl AsRef<str> for ModulePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ModulePath({:?})", &*self.0)
    }
}

impl Serialize for ModulePath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ModulePath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ModulePath::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A module at a version (x/mod's `module.Version`): `path@version`.
///
/// The version is kept as written: it may be empty (the main module), a query, or end in
/// `/go.mod` (a go.sum key for the go.mod file alone). Ordering is x/mod's `module.Sort`: by path,
/// then by the semver order of the version part, then with a `/go.mod` suffix after the bare
/// version; versions equal in semver but different in text sort by text, keeping the order total.
/// Serializes as the plain string `path@version` (just `path` when the version is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleVersion {
    /// The module path.
    pub path: String,
    /// The version (or `""` for the main module).
    pub version: String,
}

impl ModuleVersion {
    /// A module version from its parts.
    pub fn new(path: impl Into<String>, version: impl Into<String>) -> Self {
        ModuleVersion {
            path: path.into(),
            version: version.into(),
        }
    }

    /// Splits `path@version` at its last `@`; a string without `@` is a path with no version.
    pub fn parse(s: &str) -> Self {
        match s.rsplit_once('@') {
            Some((path, version)) => ModuleVersion::new(path, version),
            None => ModuleVersion::new(s, ""),
        }
    }
}

impl fmt::Display for ModuleVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.version.is_empty() {
            f.write_str(&self.path)
        } else {
            write!(f, "{}@{}", self.path, self.version)
        }
    }
}

/// Compares `(path, version)` pairs as x/mod's `module.Sort` does (see [`ModuleVersion`]).
pub fn compare_module_versions((pa, va): (&str, &str), (pb, vb): (&str, &str)) -> Ordering {
    pa.cmp(pb).then_with(|| {
        let (va, fa) = va.split_at(va.find('/').unwrap_or(va.len()));
        let (vb, fb) = vb.split_at(vb.find('/').unwrap_or(vb.len()));
        let by_semver = if va == vb {
            Ordering::Equal
        } else {
            semver::compare(va, vb)
        };
        by_semver.then_with(|| fa.cmp(fb)).then_with(|| va.cmp(vb))
    })
}

impl Serialize for ModuleVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ModuleVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(ModuleVersion::parse(&s))
    }
}

impl Ord for ModuleVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_module_versions((&self.path, &self.version), (&other.path, &other.version))
    }
}

impl PartialOrd for ModuleVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
