//! Validity of module, import and file paths, and of a version for a path's major suffix.

use crate::error::{Code, Diagnostic, Span};
use crate::version::quote::{is_letter, quote_bytes, quote_rune, quote_str};
use crate::version::{semver, InvalidVersionError, VersionErrorReason};
use std::borrow::Cow;
use std::fmt;

/// Which rules a path is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// A module path (`CheckPath`): the strictest rules.
    Module,
    /// An import path (`CheckImportPath`): allows `+` and leading dots in elements.
    Import,
    /// A file path inside a module zip (`CheckFilePath`): Unicode letters and more punctuation.
    File,
}

impl fmt::Display for PathKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathKind::Module => "module",
            PathKind::Import => "import",
            PathKind::File => "file",
        })
    }
}

/// What is wrong with a path (the text after `malformed … path "P": `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathErrorReason {
    /// `invalid UTF-8`
    InvalidUtf8,
    /// `empty string`
    Empty,
    /// `leading dash`
    LeadingDash,
    /// `double slash`
    DoubleSlash,
    /// `trailing slash`
    TrailingSlash,
    /// `empty path element`
    EmptyElement,
    /// `invalid path element "…"`: an element made only of dots.
    DotsElement(String),
    /// `leading dot in path element`
    LeadingDot,
    /// `trailing dot in path element`
    TrailingDot,
    /// `invalid char '…'`
    InvalidChar(char),
    /// `"…" disallowed as path element component on Windows`
    WindowsReserved(String),
    /// `trailing tilde and digits in path element`
    TildeDigits,
    /// `leading slash`
    LeadingSlash,
    /// `missing dot in first path element`
    MissingDotInFirstElement,
    /// `leading dash in first path element`
    LeadingDashInFirstElement,
    /// `invalid char '…' in first path element`
    InvalidCharInFirstElement(char),
    /// `invalid version`: a malformed major-version suffix (`/v1`, `/v2.0`, `gopkg.in/x`).
    InvalidVersion,
}

impl fmt::Display for PathErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use PathErrorReason::*;
        match self {
            InvalidUtf8 => f.write_str("invalid UTF-8"),
            Empty => f.write_str("empty string"),
            LeadingDash => f.write_str("leading dash"),
            DoubleSlash => f.write_str("double slash"),
            TrailingSlash => f.write_str("trailing slash"),
            EmptyElement => f.write_str("empty path element"),
            DotsElement(e) => write!(f, "invalid path element {}", quote_str(e)),
            LeadingDot => f.write_str("leading dot in path element"),
            TrailingDot => f.write_str("trailing dot in path element"),
            InvalidChar(c) => write!(f, "invalid char {}", quote_rune(*c)),
            WindowsReserved(s) => write!(
                f,
                "{} disallowed as path element component on Windows",
                quote_str(s)
            ),
            TildeDigits => f.write_str("trailing tilde and digits in path element"),
            LeadingSlash => f.write_str("leading slash"),
            MissingDotInFirstElement => f.write_str("missing dot in first path element"),
            LeadingDashInFirstElement => f.write_str("leading dash in first path element"),
            InvalidCharInFirstElement(c) => {
                write!(f, "invalid char {} in first path element", quote_rune(*c))
            }
            InvalidVersion => f.write_str("invalid version"),
        }
    }
}

/// A malformed module, import or file path: `malformed module path "P": REASON`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind} path {quoted}: {reason}")]
pub struct InvalidPathError {
    /// Which rules were applied.
    pub kind: PathKind,
    /// The path (invalid UTF-8 replaced by U+FFFD; the message shows the original bytes).
    pub path: String,
    /// What is wrong.
    pub reason: PathErrorReason,
    quoted: String,
}

/// Diagnostic code for a malformed module, import or file path.
pub const CODE_INVALID_PATH: Code = Code("module-invalid-path");

impl InvalidPathError {
    /// This error as a diagnostic about `file` at `span`.
    pub fn to_diagnostic(&self, file: &str, span: Option<Span>) -> Diagnostic {
        Diagnostic::error(CODE_INVALID_PATH, file, span, self.to_string())
    }

    pub(crate) fn new(kind: PathKind, path: &[u8], reason: PathErrorReason) -> Self {
        InvalidPathError {
            kind,
            path: String::from_utf8_lossy(path).into_owned(),
            reason,
            quoted: quote_bytes(path),
        }
    }
}

fn first_path_ok(c: char) -> bool {
    c == '-' || c == '.' || c.is_ascii_digit() || c.is_ascii_lowercase()
}

fn mod_path_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn file_name_ok(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || "!#$%&()+,-.=@[]^_{}~ ".contains(c);
    }
    is_letter(c)
}

const BAD_WINDOWS_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Checks one path element; `Ok` if it is acceptable for `kind`.
pub(crate) fn check_elem(elem: &str, kind: PathKind) -> Result<(), PathErrorReason> {
    if elem.is_empty() {
        return Err(PathErrorReason::EmptyElement);
    }
    if elem.bytes().all(|b| b == b'.') {
        return Err(PathErrorReason::DotsElement(elem.to_string()));
    }
    if elem.starts_with('.') && kind == PathKind::Module {
        return Err(PathErrorReason::LeadingDot);
    }
    if elem.ends_with('.') {
        return Err(PathErrorReason::TrailingDot);
    }
    for c in elem.chars() {
        let ok = match kind {
            PathKind::Module => mod_path_ok(c),
            PathKind::Import => mod_path_ok(c) || c == '+',
            PathKind::File => file_name_ok(c),
        };
        if !ok {
            return Err(PathErrorReason::InvalidChar(c));
        }
    }
    let short = elem.split('.').next().unwrap_or(elem);
    if BAD_WINDOWS_NAMES
        .iter()
        .any(|bad| bad.eq_ignore_ascii_case(short))
    {
        return Err(PathErrorReason::WindowsReserved(short.to_string()));
    }
    if kind == PathKind::File {
        return Ok(());
    }
    if let Some(tilde) = short.rfind('~') {
        let suffix = &short[tilde + 1..];
        if !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PathErrorReason::TildeDigits);
        }
    }
    Ok(())
}

/// The rules shared by all three kinds, on a path already known to be UTF-8.
fn check_common(path: &str, kind: PathKind) -> Result<(), PathErrorReason> {
    if path.is_empty() {
        return Err(PathErrorReason::Empty);
    }
    if path.starts_with('-') && kind != PathKind::File {
        return Err(PathErrorReason::LeadingDash);
    }
    if path.contains("//") {
        return Err(PathErrorReason::DoubleSlash);
    }
    if path.ends_with('/') {
        return Err(PathErrorReason::TrailingSlash);
    }
    path.split('/').try_for_each(|elem| check_elem(elem, kind))
}

/// The module-path rules on top of the common ones.
fn check_module_extra(path: &str) -> Result<(), PathErrorReason> {
    let first = path.split('/').next().unwrap_or("");
    if first.is_empty() {
        return Err(PathErrorReason::LeadingSlash);
    }
    if !first.contains('.') {
        return Err(PathErrorReason::MissingDotInFirstElement);
    }
    if first.starts_with('-') {
        return Err(PathErrorReason::LeadingDashInFirstElement);
    }
    if let Some(c) = first.chars().find(|&c| !first_path_ok(c)) {
        return Err(PathErrorReason::InvalidCharInFirstElement(c));
    }
    if split_path_version(path).is_none() {
        return Err(PathErrorReason::InvalidVersion);
    }
    Ok(())
}

/// Checks a path given as raw bytes (which may not be UTF-8) against the rules of `kind`.
pub fn check_bytes(kind: PathKind, path: &[u8]) -> Result<(), InvalidPathError> {
    let Ok(s) = std::str::from_utf8(path) else {
        return Err(InvalidPathError::new(
            kind,
            path,
            PathErrorReason::InvalidUtf8,
        ));
    };
    check_kind(kind, s)
}

fn check_kind(kind: PathKind, path: &str) -> Result<(), InvalidPathError> {
    let mut result = check_common(path, kind);
    if result.is_ok() && kind == PathKind::Module {
        result = check_module_extra(path);
    }
    result.map_err(|reason| InvalidPathError::new(kind, path.as_bytes(), reason))
}

/// Checks that `path` is a valid module path (`go.mod`'s `module` line, a `require` target).
pub fn check_path(path: &str) -> Result<(), InvalidPathError> {
    check_kind(PathKind::Module, path)
}

/// Checks that `path` is a valid package import path.
pub fn check_import_path(path: &str) -> Result<(), InvalidPathError> {
    check_kind(PathKind::Import, path)
}

/// Checks that `path` is a valid file path inside a module (zip entry names).
pub fn check_file_path(path: &str) -> Result<(), InvalidPathError> {
    check_kind(PathKind::File, path)
}

/// Splits `path` into `(prefix, path_major)`: `("x.y/z", "/v2")` for `x.y/z/v2`,
/// `("gopkg.in/yaml", ".v2")` for `gopkg.in/yaml.v2`, `(path, "")` without a suffix. `None` when
/// the suffix is malformed (`/v1`, `/v0`, `/v02`, `/v2.0`, a gopkg.in path without `.vN`).
pub fn split_path_version(path: &str) -> Option<(&str, &str)> {
    if path.starts_with("gopkg.in/") {
        return split_gopkg_in(path);
    }
    let b = path.as_bytes();
    let mut i = b.len();
    let mut dot = false;
    while i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.') {
        dot |= b[i - 1] == b'.';
        i -= 1;
    }
    if i <= 1 || i == b.len() || b[i - 1] != b'v' || b[i - 2] != b'/' {
        return Some((path, ""));
    }
    let (prefix, major) = path.split_at(i - 2);
    if dot || major.len() <= 2 || major.as_bytes()[2] == b'0' || major == "/v1" {
        return None;
    }
    Some((prefix, major))
}

fn split_gopkg_in(path: &str) -> Option<(&str, &str)> {
    let b = path.as_bytes();
    let mut i = b.len();
    if path.ends_with("-unstable") {
        i -= "-unstable".len();
    }
    while i > 0 && b[i - 1].is_ascii_digit() {
        i -= 1;
    }
    if i <= 1 || b[i - 1] != b'v' || b[i - 2] != b'.' {
        return None;
    }
    let (prefix, major) = path.split_at(i - 2);
    if major.len() <= 2 || (major.as_bytes()[2] == b'0' && major != ".v0") {
        return None;
    }
    Some((prefix, major))
}

/// Checks that version `v` fits a path whose major suffix is `path_major` (from
/// [`split_path_version`]). The error reads `version "V" invalid: should be v2, not v3`.
pub fn check_path_major(v: &str, path_major: &str) -> Result<(), InvalidVersionError> {
    check_major_parts(v, semver::major(v), semver::build(v), path_major)
}

/// [`check_path_major`] given `v`'s major prefix and build suffix.
fn check_major_parts(
    v: &str,
    m: &str,
    build: &str,
    path_major: &str,
) -> Result<(), InvalidVersionError> {
    let mut pm = path_major;
    if pm.starts_with(".v") {
        pm = pm.strip_suffix("-unstable").unwrap_or(pm);
    }
    if v.starts_with("v0.0.0-") && pm == ".v1" {
        return Ok(());
    }
    let want = if pm.is_empty() {
        if m == "v0" || m == "v1" || build == "+incompatible" {
            return Ok(());
        }
        "v0 or v1"
    } else if pm.starts_with('/') || pm.starts_with('.') {
        if m == &pm[1..] {
            return Ok(());
        }
        &pm[1..]
    } else {
        pm
    };
    Err(InvalidVersionError {
        version: v.to_string(),
        pseudo: false,
        reason: VersionErrorReason::ShouldBe {
            want: want.to_string(),
            got: m.to_string(),
        },
    })
}

/// Reports whether version `v` fits major suffix `path_major` (see [`check_path_major`]).
pub fn match_path_major(v: &str, path_major: &str) -> bool {
    check_path_major(v, path_major).is_ok()
}

/// The major version a path suffix asks for (`v2` for `/v2` or `.v2-unstable`), `""` for none.
pub fn path_major_prefix(path_major: &str) -> &str {
    let pm = if path_major.starts_with(".v") {
        path_major.strip_suffix("-unstable").unwrap_or(path_major)
    } else {
        path_major
    };
    pm.get(1..).unwrap_or("")
}

/// A module path with a version that is invalid for it: `PATH@V: invalid version: REASON`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}@{}: invalid {}: {}", .err.version, .err.noun(), .err.reason)]
pub struct ModuleVersionError {
    /// The module path.
    pub path: String,
    /// The version problem.
    pub err: InvalidVersionError,
}

impl CheckError {
    /// This error as a diagnostic about `file` at `span`.
    pub fn to_diagnostic(&self, file: &str, span: Option<Span>) -> Diagnostic {
        let code = match self {
            CheckError::Path(_) => CODE_INVALID_PATH,
            CheckError::Version(_) => crate::version::CODE_INVALID_VERSION,
        };
        Diagnostic::error(code, file, span, self.to_string())
    }
}

/// Why [`check`] rejected a module path and version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The path is malformed.
    #[error(transparent)]
    Path(#[from] InvalidPathError),
    /// The version is not valid semver or does not match the path's major suffix.
    #[error(transparent)]
    Version(#[from] ModuleVersionError),
}

/// Checks a module path and version together (x/mod `module.Check`): path valid, version valid
/// semver, and major version matching the path's suffix.
pub fn check(path: &str, version: &str) -> Result<(), CheckError> {
    check_path(path)?;
    let err = |err| {
        CheckError::Version(ModuleVersionError {
            path: path.to_string(),
            err,
        })
    };
    if !semver::is_valid(version) {
        return Err(err(InvalidVersionError {
            version: version.to_string(),
            pseudo: false,
            reason: VersionErrorReason::NotSemver,
        }));
    }
    let (_, path_major) = split_path_version(path).unwrap_or((path, ""));
    check_path_major(version, path_major).map_err(err)
}

/// The canonical form of a module version: semver canonical, keeping a `+incompatible` suffix.
pub fn canonical_version(v: &str) -> String {
    canonical_version_cow(v).into_owned()
}

/// [`canonical_version`] without allocating unless a shorthand (`v1.2` → `v1.2.0`) is filled in:
/// a canonical version, and one that only drops build metadata, borrow from `v`.
pub fn canonical_version_cow(v: &str) -> Cow<'_, str> {
    match semver::canonical_parts(v) {
        None => Cow::Borrowed(""),
        // A build suffix only follows the full three-number form, so nothing was filled in.
        Some(p) if p.build == "+incompatible" => Cow::Borrowed(v),
        Some(p) => p.canonical,
    }
}

/// [`canonical_version_cow`] and [`check_path_major`] of the result from one parse of `v`:
/// `Ok(None)` when `v` is not a valid version, `Err` when its canonical form does not fit
/// `path_major`.
pub fn canonical_version_for_major<'v>(
    v: &'v str,
    path_major: &str,
) -> Result<Option<Cow<'v, str>>, InvalidVersionError> {
    let Some(p) = semver::canonical_parts(v) else {
        return Ok(None);
    };
    let incompatible = p.build == "+incompatible";
    let canonical = if incompatible {
        Cow::Borrowed(v)
    } else {
        p.canonical
    };
    // The canonical form has the same major and (kept or dropped) `+incompatible` as `v`.
    let build = if incompatible { p.build } else { "" };
    check_major_parts(&canonical, p.major, build, path_major)?;
    Ok(Some(canonical))
}
