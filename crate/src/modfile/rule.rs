//! The typed go.mod file ([`ModFile`]) and the rules that read it from the syntax tree (SPEC A.3).
//!
//! Strict mode reads the main module's go.mod: every directive is checked and any error fails the
//! parse. Lax mode reads a dependency's go.mod: only `module`, `go`, `require`, `retract` and
//! `ignore` are read, everything else (and malformed retractions) is skipped, and a malformed `go`
//! version such as `v1.2.3` is repaired to `1.2`. Messages are the go command's, word for word.
//!
//! # JSON shape
//!
//! [`ModFile`] serializes (for `modscope mod parse --json` and the WASM API) as
//!
//! ```json
//! {
//!   "module":    {"path": "example.com/m", "deprecated": "use v2", "span": SPAN},
//!   "go":        {"version": "1.21", "span": SPAN},
//!   "toolchain": {"name": "go1.21.3", "span": SPAN},
//!   "godebug":   [{"key": "panicnil", "value": "1", "span": SPAN}],
//!   "require":   [{"module": "example.com/a@v1.2.3", "indirect": true, "span": SPAN}],
//!   "exclude":   [{"module": "example.com/a@v1.2.4", "span": SPAN}],
//!   "replace":   [{"old": {"path": "example.com/a"}, "new": {"path": "../a"}, "span": SPAN}],
//!   "retract":   [{"low": "v1.0.0", "high": "v1.0.5", "rationale": "broken", "span": SPAN}],
//!   "tool":      [{"path": "example.com/a/cmd/x", "span": SPAN}],
//!   "ignore":    [{"path": "./node_modules", "span": SPAN}]
//! }
//! ```
//!
//! where `SPAN` is `{"start": POS, "end": POS}` and `POS` is `{"line": 1, "col": 1, "byte": 0}`
//! (the start of the line's first token to the end of its last). Absent singletons are `null`;
//! `deprecated`, `rationale` and an empty `version` (a replacement of all versions, or a directory
//! target) are omitted. Lists keep file order.

use super::chars::{auto_quote, parse_string, quote, text, PLAIN_TOKEN};
use super::print::trim_space;
use super::syntax::{Comment, Comments, FileSyntax, Line, LineBlock, Stmt};
use crate::error::{Code, Diagnostic, Span};
use crate::module::{
    canonical_version, canonical_version_cow, canonical_version_for_major, check_path_major,
    split_path_version, ModuleVersion,
};
use crate::version::semver;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Stable diagnostic codes of the go.mod / go.work readers.
pub mod codes {
    use crate::error::Code;
    /// The file cannot be tokenised or its blocks are malformed.
    pub const SYNTAX: Code = Code("modfile-syntax");
    /// A directive or block type the file kind does not have.
    pub const UNKNOWN_DIRECTIVE: Code = Code("modfile-unknown-directive");
    /// A directive that may appear once appears again.
    pub const REPEATED: Code = Code("modfile-repeated");
    /// A directive with the wrong number or shape of arguments.
    pub const USAGE: Code = Code("modfile-usage");
    /// A quoted string that is not a valid Go string literal, or a stray quote.
    pub const QUOTE: Code = Code("modfile-quote");
    /// A version (module, go or toolchain) that is not valid where it is used.
    pub const VERSION: Code = Code("modfile-version");
    /// A module path whose major-version suffix is malformed.
    pub const PATH: Code = Code("modfile-path");
    /// A replacement whose target is malformed.
    pub const REPLACE: Code = Code("modfile-replace");
    /// A retraction whose interval is malformed or that cannot be used.
    pub const RETRACT: Code = Code("modfile-retract");
}

fn is_empty_str(s: &str) -> bool {
    s.is_empty()
}

/// The interpreted form of a go.mod file. Every element carries the [`Span`] of its syntax line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModFile {
    /// The `module` directive.
    pub module: Option<Module>,
    /// The `go` directive.
    pub go: Option<GoVersion>,
    /// The `toolchain` directive (strict mode only).
    pub toolchain: Option<Toolchain>,
    /// `godebug key=value` lines (strict mode only).
    pub godebug: Vec<Godebug>,
    /// `require` lines.
    pub require: Vec<Require>,
    /// `exclude` lines (strict mode only).
    pub exclude: Vec<Exclude>,
    /// `replace` lines (strict mode only).
    pub replace: Vec<Replace>,
    /// `retract` lines.
    pub retract: Vec<Retract>,
    /// `tool` lines (strict mode only).
    pub tool: Vec<Tool>,
    /// `ignore` lines.
    pub ignore: Vec<Ignore>,
}

/// The `module` directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// The module path.
    pub path: String,
    /// The deprecation message from the directive's comments (empty when not deprecated).
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub deprecated: String,
    /// Where the directive is.
    pub span: Span,
}

/// The `go` directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoVersion {
    /// The Go language version (`1.21`, `1.21.0`, `1.21rc1`); lax mode stores a repaired `1.2`.
    pub version: String,
    /// Where the directive is.
    pub span: Span,
}

/// The `toolchain` directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// The toolchain name (`go1.21.3`, `default`).
    pub name: String,
    /// Where the directive is.
    pub span: Span,
}

/// One `godebug key=value` setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Godebug {
    /// The setting's name.
    pub key: String,
    /// Its value.
    pub value: String,
    /// Where the line is.
    pub span: Span,
}

/// One `require` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Require {
    /// The required module and its minimum version (canonical).
    pub module: ModuleVersion,
    /// Marked `// indirect`.
    pub indirect: bool,
    /// Where the line is.
    pub span: Span,
}

/// One `exclude` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclude {
    /// The excluded module version (canonical).
    pub module: ModuleVersion,
    /// Where the line is.
    pub span: Span,
}

/// One side of a `replace` line: a module path and a version, or a directory (empty version).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReplaceSide {
    /// The module path, or the directory for a directory replacement.
    pub path: String,
    /// The version; empty for all versions (old side) or a directory (new side).
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub version: String,
}

/// One `replace` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replace {
    /// What is replaced: a module at one version, or at every version (empty version).
    pub old: ReplaceSide,
    /// The replacement: a module version, or a directory.
    pub new: ReplaceSide,
    /// Where the line is.
    pub span: Span,
}

impl Replace {
    /// Whether the replacement is a local directory rather than a module version.
    pub fn is_directory(&self) -> bool {
        self.new.version.is_empty()
    }
}

/// One `retract` line: a version or a closed interval `[low, high]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retract {
    /// The lowest retracted version (as written, unquoted).
    pub low: String,
    /// The highest retracted version (equal to `low` for a single version).
    pub high: String,
    /// The comment text of the directive (its block's when the line has none), untruncated.
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub rationale: String,
    /// Where the line is.
    pub span: Span,
}

/// One `tool` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// The tool's package path.
    pub path: String,
    /// Where the line is.
    pub span: Span,
}

/// One `ignore` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignore {
    /// The ignored directory.
    pub path: String,
    /// Where the line is.
    pub span: Span,
}

/// Canonicalises versions as the go command's main-module loader does (x/mod `VersionFixer`):
/// called with a module path and a version as written; returns the version to use, or an error
/// message.
pub type VersionFixer<'f> = &'f mut dyn FnMut(&str, &str) -> Result<String, String>;

/// How to read a go.mod file.
#[derive(Default)]
pub struct ParseOptions<'f> {
    /// Strict (main module) or lax (dependency).
    pub strict: bool,
    /// Resolves non-canonical versions; `None` requires canonical (or canonicalisable) versions.
    pub fix: Option<VersionFixer<'f>>,
}

/// The source bytes, with their text view when they are valid UTF-8 (checked once per file), so
/// that tokens borrowed from them are read as text without another UTF-8 check.
#[derive(Clone, Copy)]
pub(crate) struct Src<'a> {
    text: Option<&'a str>,
}

impl<'a> Src<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Src {
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// `tok` as text: a slice of the validated source when it points into it.
    pub(crate) fn str<'t>(&self, tok: &'t [u8]) -> Cow<'t, str>
    where
        'a: 't,
    {
        if let Some(t) = self.text {
            let base = t.as_ptr() as usize;
            let at = tok.as_ptr() as usize;
            if at >= base && at + tok.len() <= base + t.len() {
                if let Some(s) = t.get(at - base..at - base + tok.len()) {
                    return Cow::Borrowed(s);
                }
            }
        }
        text(tok)
    }
}

/// Collects diagnostics for one file.
pub(crate) struct Errs<'n> {
    pub(crate) file: &'n str,
    pub(crate) list: Vec<Diagnostic>,
}

impl Errs<'_> {
    pub(crate) fn at(&mut self, code: Code, line: &Line<'_>, message: impl Into<String>) {
        self.list.push(Diagnostic::error(
            code,
            self.file,
            Some(span_of(line)),
            message,
        ));
    }
}

pub(crate) fn span_of(line: &Line<'_>) -> Span {
    Span {
        start: line.start,
        end: line.end,
    }
}

/// A failure of one directive: its code and message (without the position).
pub(crate) struct DirErr {
    pub(crate) code: Code,
    pub(crate) message: String,
}

fn derr(code: Code, message: impl Into<String>) -> DirErr {
    DirErr {
        code,
        message: message.into(),
    }
}

/// `verb path: ` or `verb: ` as x/mod prefixes errors about a module version.
fn directive_prefix(verb: &str, path: &str) -> String {
    if path.is_empty() {
        format!("{verb}: ")
    } else {
        format!("{verb} {path}: ")
    }
}

fn s(b: &[u8]) -> String {
    text(b).into_owned()
}

/// Whether a token as the lexer produced it reads as itself and prints as itself: printable
/// ASCII without quotes, spaces or punctuation (the common case, decided without allocating).
/// Tokens rewritten by an earlier directive never reach this check.
fn is_plain(tok: &[u8]) -> bool {
    // Eight table lookups per step with one branch: most tokens are module paths of a few dozen
    // bytes, and a branch per byte costs more than the lookups.
    let mut words = tok.chunks_exact(8);
    for w in &mut words {
        let mut all = true;
        for &b in w {
            all &= PLAIN_TOKEN[b as usize];
        }
        if !all {
            return false;
        }
    }
    !tok.is_empty() && words.remainder().iter().all(|&b| PLAIN_TOKEN[b as usize])
}

/// x/mod `parseString`, rewriting the token to its auto-quoted form.
pub(crate) fn parse_string_tok(src: Src<'_>, tok: &mut Cow<'_, [u8]>) -> Result<String, DirErr> {
    if is_plain(tok) {
        return Ok(src.str(tok).into_owned());
    }
    let value = match parse_string(tok) {
        Ok(v) => v.into_owned(),
        Err(e) => return Err(derr(codes::QUOTE, format!("invalid quoted string: {e}"))),
    };
    if let Cow::Owned(q) = auto_quote(&value) {
        *tok = Cow::Owned(q);
    } else if tok.as_ref() != value.as_slice() {
        *tok = Cow::Owned(value.clone());
    }
    Ok(s(&value))
}

/// x/mod `parseVersion`: unquote, then fix or canonicalise; rewrites the token to the result.
pub(crate) fn parse_version_tok(
    src: Src<'_>,
    verb: &str,
    path: &str,
    tok: &mut Cow<'_, [u8]>,
    fix: &mut Option<VersionFixer<'_>>,
) -> Result<String, DirErr> {
    parse_version_major(src, verb, path, None, tok, fix)
}

/// [`parse_version_tok`], then, when `path_major` is given, the check that the version fits
/// the path's major suffix (x/mod `CheckPathMajor`), worded `verb path: …`. Without a fixer,
/// one parse of the version does both.
fn parse_version_major(
    src: Src<'_>,
    verb: &str,
    path: &str,
    path_major: Option<&str>,
    tok: &mut Cow<'_, [u8]>,
    fix: &mut Option<VersionFixer<'_>>,
) -> Result<String, DirErr> {
    let major_err = |e: crate::version::InvalidVersionError| {
        derr(codes::VERSION, format!("{verb} {path}: {e}"))
    };
    // The common case: an unquoted version that is already canonical. A valid version holds no
    // quote, so reading the token as a string would leave it as it is; anything else takes the
    // full path below, which reports what is wrong in the go command's order.
    if fix.is_none() && tok.first() != Some(&b'"') {
        if let Some(pm) = path_major {
            let t = src.str(tok);
            if let Some(cv) = canonical_version_for_major(&t, pm).map_err(major_err)? {
                if cv.as_bytes() == tok.as_ref() {
                    return Ok(cv.into_owned());
                }
            }
        }
    }
    let v = {
        let raw = match parse_string(tok) {
            Ok(v) => v,
            Err(e) => {
                return Err(derr(
                    codes::QUOTE,
                    format!(
                        "{}version {} invalid: {e}",
                        directive_prefix(verb, path),
                        quote(tok)
                    ),
                ))
            }
        };
        let t = src.str(&raw);
        match fix {
            Some(f) => f(path, &t).map_err(|m| derr(codes::VERSION, m))?,
            None => {
                let cv = match path_major {
                    Some(pm) => canonical_version_for_major(&t, pm).map_err(major_err)?,
                    None => Some(canonical_version_cow(&t)).filter(|c| !c.is_empty()),
                };
                let Some(cv) = cv else {
                    return Err(derr(
                        codes::VERSION,
                        format!(
                            "{}version {} invalid: must be of the form v1.2.3",
                            directive_prefix(verb, path),
                            quote(t.as_bytes())
                        ),
                    ));
                };
                // Most versions are already canonical: the token stays as it is.
                if cv.as_bytes() == tok.as_ref() {
                    return Ok(cv.into_owned());
                }
                let v = cv.into_owned();
                *tok = Cow::Owned(v.clone().into_bytes());
                return Ok(v);
            }
        }
    };
    if v.as_bytes() != tok.as_ref() {
        *tok = Cow::Owned(v.clone().into_bytes());
    }
    if let Some(pm) = path_major {
        check_path_major(&v, pm).map_err(major_err)?;
    }
    Ok(v)
}

/// The fixer `Parse` uses for retractions when none is given: keep the version as written.
fn keep_version(_: &str, v: &str) -> Result<String, String> {
    Ok(v.to_string())
}

fn path_major(path: &str) -> Option<&str> {
    split_path_version(path).map(|(_, m)| m)
}

/// x/mod `GoVersionRE`: `1.21`, `1.21.0`, `1.21rc1`.
pub fn is_go_version(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, first_nonzero: bool| -> bool {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        let n = *i - start;
        if n == 0 {
            return false;
        }
        if first_nonzero {
            b[start] != b'0'
        } else {
            n == 1 || b[start] != b'0'
        }
    };
    if !num(&mut i, true) || b.get(i) != Some(&b'.') {
        return false;
    }
    i += 1;
    if !num(&mut i, false) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !num(&mut i, false) {
            return false;
        }
    }
    if i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        if i == start {
            return false;
        }
        let ds = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == ds {
            return false;
        }
    }
    i == b.len()
}

/// x/mod `laxGoVersionRE` `^v?(N.M)([^0-9].*)$`: the repaired `N.M`, if it applies.
fn lax_go_version(v: &str) -> Option<&str> {
    let body = v.strip_prefix('v').unwrap_or(v);
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 || b[0] == b'0' || b.get(i) != Some(&b'.') {
        return None;
    }
    let ms = i + 1;
    let mut j = ms;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    // The minor is `0` or has no leading zero; it is followed by a non-empty, non-digit tail.
    if j == ms || (j - ms > 1 && b[ms] == b'0') {
        return None;
    }
    // The tail must exist and start with a non-digit (the minor's digits are maximal here).
    if j >= b.len() {
        return None;
    }
    Some(&body[..j])
}

/// x/mod `ToolchainRE`: `default`, `go1`, or `go1.`-prefixed.
pub fn is_toolchain_name(v: &str) -> bool {
    v == "default" || v == "go1" || v.starts_with("go1.")
}

/// x/mod `IsDirectoryPath`: `.`/`..`, `./` `../` `.\` `..\` prefixes, rooted, or a drive letter.
pub fn is_directory_path(p: &str) -> bool {
    let b = p.as_bytes();
    p == "."
        || p.starts_with("./")
        || p.starts_with(".\\")
        || p == ".."
        || p.starts_with("../")
        || p.starts_with("..\\")
        || p.starts_with('/')
        || p.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Reads a `replace` directive's arguments (shared by go.mod and go.work).
pub(crate) fn parse_replace(
    src: Src<'_>,
    verb: &str,
    args: &mut [Cow<'_, [u8]>],
    fix: &mut Option<VersionFixer<'_>>,
) -> Result<(ReplaceSide, ReplaceSide), DirErr> {
    let arrow = if args.len() >= 2 && args[1].as_ref() == b"=>" {
        1
    } else {
        2
    };
    if args.len() < arrow + 2 || args.len() > arrow + 3 || args[arrow].as_ref() != b"=>" {
        return Err(derr(
            codes::USAGE,
            format!(
                "usage: {verb} module/path [v1.2.3] => other/module v1.4\n\t or {verb} module/path [v1.2.3] => ../local/directory"
            ),
        ));
    }
    let old_path = parse_string_tok(src, &mut args[0])?;
    let Some(pm) = path_major(&old_path) else {
        return Err(derr(
            codes::PATH,
            format!("{verb} {old_path}: invalid module path"),
        ));
    };
    let pm = pm.to_string();
    let mut old_version = String::new();
    if arrow == 2 {
        old_version = parse_version_major(src, verb, &old_path, Some(&pm), &mut args[1], fix)?;
    }
    let new_path = parse_string_tok(src, &mut args[arrow + 1])?;
    let mut new_version = String::new();
    if args.len() == arrow + 2 {
        if !is_directory_path(&new_path) {
            if new_path.contains('@') {
                return Err(derr(
                    codes::REPLACE,
                    "replacement module must match format 'path version', not 'path@version'",
                ));
            }
            return Err(derr(
                codes::REPLACE,
                "replacement module without version must be directory path (rooted or starting with . or ..)",
            ));
        }
        if new_path.contains('\\') {
            return Err(derr(
                codes::REPLACE,
                "replacement directory appears to be Windows path (on a non-windows system)",
            ));
        }
    }
    if args.len() == arrow + 3 {
        new_version = parse_version_tok(src, verb, &new_path, &mut args[arrow + 2], fix)?;
        if is_directory_path(&new_path) {
            return Err(derr(
                codes::REPLACE,
                format!(
                    "replacement module directory path {} cannot have version",
                    quote(new_path.as_bytes())
                ),
            ));
        }
    }
    Ok((
        ReplaceSide {
            path: old_path,
            version: old_version,
        },
        ReplaceSide {
            path: new_path,
            version: new_version,
        },
    ))
}

/// Reads a `godebug` argument list: exactly one `key=value` without quotes or commas.
pub(crate) fn parse_godebug(args: &[Cow<'_, [u8]>]) -> Result<(String, String), DirErr> {
    let usage = || derr(codes::USAGE, "usage: godebug key=value");
    if args.len() != 1
        || args[0]
            .iter()
            .any(|b| matches!(b, b'"' | b'`' | b'\'' | b','))
    {
        return Err(usage());
    }
    let a = s(&args[0]);
    match a.split_once('=') {
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => Err(usage()),
    }
}

/// Reads the argument of `go` (strict regex; lax repair when `lax`), rewriting it when repaired.
pub(crate) fn parse_go_arg(args: &mut [Cow<'_, [u8]>], lax: bool) -> Result<String, DirErr> {
    if args.len() != 1 {
        return Err(derr(
            codes::USAGE,
            "go directive expects exactly one argument",
        ));
    }
    let v = s(&args[0]);
    if is_go_version(&v) {
        return Ok(v);
    }
    if lax {
        if let Some(fixed) = lax_go_version(&v) {
            let fixed = fixed.to_string();
            args[0] = Cow::Owned(fixed.clone().into_bytes());
            return Ok(fixed);
        }
    }
    Err(derr(
        codes::VERSION,
        format!("invalid go version '{v}': must match format 1.23.0"),
    ))
}

/// Reads the argument of `toolchain`.
pub(crate) fn parse_toolchain_arg(args: &[Cow<'_, [u8]>]) -> Result<String, DirErr> {
    if args.len() != 1 {
        return Err(derr(
            codes::USAGE,
            "toolchain directive expects exactly one argument",
        ));
    }
    let v = s(&args[0]);
    if !is_toolchain_name(&v) {
        return Err(derr(
            codes::VERSION,
            format!("invalid toolchain version '{v}': must match format go1.23.0 or default"),
        ));
    }
    Ok(v)
}

/// The comment text of a directive: its before and suffix comments, or its block's when it has
/// none; each stripped of `//` and trimmed; blank-line entries skipped; joined with newlines.
fn directive_comment(block: Option<&Comments<'_>>, line: &Comments<'_>) -> String {
    let (before, suffix): (&[Comment<'_>], &[Comment<'_>]) = match block {
        Some(b) if line.before.is_empty() && line.suffix.is_empty() => (&b.before, &b.suffix),
        _ => (&line.before, &line.suffix),
    };
    let mut out = String::new();
    let mut first = true;
    for com in before.iter().chain(suffix.iter()) {
        let Some(body) = com.token.strip_prefix(b"//") else {
            continue;
        };
        if !first {
            out.push('\n');
        }
        first = false;
        out.push_str(&text(trim_space(body)));
    }
    out
}

/// The deprecation message in a directive comment: the first paragraph that begins with
/// `Deprecated:` (x/mod `(?s)(?:^|\n\n)Deprecated: *(.*?)(?:$|\n\n)`).
fn deprecation(comment: &str) -> String {
    let mut at = 0;
    loop {
        let rest = &comment[at..];
        if let Some(body) = rest.strip_prefix("Deprecated:") {
            let body = body.trim_start_matches(' ');
            let end = body.find("\n\n").unwrap_or(body.len());
            return body[..end].to_string();
        }
        match rest.find("\n\n") {
            Some(i) => at += i + 2,
            None => return String::new(),
        }
    }
}

/// A directive's verb as text, without a UTF-8 check for the known verbs.
pub(crate) fn verb_text(b: &[u8]) -> Cow<'_, str> {
    const KNOWN: [&str; 12] = [
        "require",
        "go",
        "module",
        "exclude",
        "replace",
        "retract",
        "toolchain",
        "godebug",
        "tool",
        "ignore",
        "use",
        "",
    ];
    match KNOWN.iter().find(|k| k.as_bytes() == b) {
        Some(k) => Cow::Borrowed(k),
        None => text(b),
    }
}

/// Whether a line carries the `// indirect` marker (first suffix comment).
fn is_indirect(line: &Line<'_>) -> bool {
    let Some(c) = line.comments.suffix.first() else {
        return false;
    };
    // The marker as the go command writes it, decided without splitting the comment.
    if c.token == b"// indirect" {
        return true;
    }
    let body = c.token.strip_prefix(b"//").unwrap_or(c.token);
    if body.is_ascii() {
        let mut f = body
            .split(|b| b.is_ascii_whitespace() || *b == 0x0b)
            .filter(|w| !w.is_empty());
        return matches!(
            (f.next(), f.next()),
            (Some(b"indirect"), None) | (Some(b"indirect;"), Some(_))
        );
    }
    let body = text(body);
    let mut f = body.split_whitespace();
    matches!(
        (f.next(), f.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

/// x/mod `parseVersionInterval`: a version or `[low, high]`; consumes the tokens it reads.
fn parse_version_interval(
    src: Src<'_>,
    verb: &str,
    path: &str,
    args: &mut [Cow<'_, [u8]>],
    fix: &mut Option<VersionFixer<'_>>,
) -> Result<(String, String, usize), DirErr> {
    let bad = |m: &str| derr(codes::RETRACT, m);
    if args.is_empty() || args[0].as_ref() == b"(" {
        return Err(bad("expected '[' or version"));
    }
    if args[0].as_ref() != b"[" {
        let v = parse_version_tok(src, verb, path, &mut args[0], fix)?;
        return Ok((v.clone(), v, 1));
    }
    if args.len() < 2 {
        return Err(bad("expected version after '['"));
    }
    let low = parse_version_tok(src, verb, path, &mut args[1], fix)?;
    if args.len() < 3 || args[2].as_ref() != b"," {
        return Err(bad("expected ',' after version"));
    }
    if args.len() < 4 {
        return Err(bad("expected version after ','"));
    }
    let high = parse_version_tok(src, verb, path, &mut args[3], fix)?;
    if args.len() < 5 || args[4].as_ref() != b"]" {
        return Err(bad("expected ']' after version"));
    }
    Ok((low, high, 5))
}

struct ModReader<'x, 'f, 's> {
    src: Src<'s>,
    file: ModFile,
    errs: Errs<'x>,
    strict: bool,
    fix: Option<VersionFixer<'f>>,
    /// Index into `file.retract` → the syntax line's tokens, for fixing after the module is known.
    retract_lines: Vec<(usize, Option<usize>)>,
}

/// Interprets a go.mod syntax tree, rewriting tokens as the go command does before formatting
/// (unquoted strings, canonical versions). Returns the typed file and its diagnostics.
pub(crate) fn interpret_mod(
    file_name: &str,
    src: Src<'_>,
    syntax: &mut FileSyntax<'_>,
    opts: ParseOptions<'_>,
) -> (ModFile, Vec<Diagnostic>) {
    let mut r = ModReader {
        src,
        file: ModFile::default(),
        errs: Errs {
            file: file_name,
            list: Vec::new(),
        },
        strict: opts.strict,
        fix: opts.fix,
        retract_lines: Vec::new(),
    };
    let requires: usize = syntax
        .stmts
        .iter()
        .map(|st| match st {
            Stmt::Line(l) if l.tokens[0].as_ref() == b"require" => 1,
            Stmt::Block(b) if b.tokens[0].as_ref() == b"require" => b.lines.len(),
            _ => 0,
        })
        .sum();
    r.file.require.reserve_exact(requires);
    for (si, stmt) in syntax.stmts.iter_mut().enumerate() {
        match stmt {
            Stmt::Comments(_) => {}
            Stmt::Line(line) => {
                let mut tokens = std::mem::take(&mut line.tokens);
                let (head, args) = tokens.split_at_mut(1);
                let verb = verb_text(&head[0]);
                r.add(None, line, (si, None), &verb, args);
                line.tokens = tokens;
            }
            Stmt::Block(block) => {
                let known = block.tokens.len() == 1
                    && matches!(
                        block.tokens[0].as_ref(),
                        b"module"
                            | b"godebug"
                            | b"require"
                            | b"exclude"
                            | b"replace"
                            | b"retract"
                            | b"tool"
                            | b"ignore"
                    );
                if !known {
                    if r.strict {
                        unknown_block(&mut r.errs, block);
                    }
                    continue;
                }
                let verb = verb_text(&block.tokens[0]).into_owned();
                let LineBlock {
                    comments, lines, ..
                } = block;
                for (li, line) in lines.iter_mut().enumerate() {
                    let mut tokens = std::mem::take(&mut line.tokens);
                    r.add(Some(comments), line, (si, Some(li)), &verb, &mut tokens);
                    line.tokens = tokens;
                }
            }
        }
    }
    r.fix_retract(syntax);
    (r.file, r.errs.list)
}

pub(crate) fn unknown_block(errs: &mut Errs<'_>, block: &LineBlock<'_>) {
    let words: Vec<String> = block.tokens.iter().map(|t| s(t)).collect();
    errs.list.push(Diagnostic::error(
        codes::UNKNOWN_DIRECTIVE,
        errs.file,
        Some(Span {
            start: block.start,
            end: block.start,
        }),
        format!("unknown block type: {}", words.join(" ")),
    ));
}

impl ModReader<'_, '_, '_> {
    fn add(
        &mut self,
        block: Option<&Comments<'_>>,
        line: &Line<'_>,
        at: (usize, Option<usize>),
        verb: &str,
        args: &mut [Cow<'_, [u8]>],
    ) {
        if !self.strict && !matches!(verb, "go" | "module" | "retract" | "require" | "ignore") {
            return;
        }
        if let Err(e) = self.add_inner(block, line, at, verb, args) {
            self.errs.at(e.code, line, e.message);
        }
    }

    fn add_inner(
        &mut self,
        block: Option<&Comments<'_>>,
        line: &Line<'_>,
        at: (usize, Option<usize>),
        verb: &str,
        args: &mut [Cow<'_, [u8]>],
    ) -> Result<(), DirErr> {
        let span = span_of(line);
        let src = self.src;
        let f = &mut self.file;
        match verb {
            "go" => {
                if f.go.is_some() {
                    return Err(derr(codes::REPEATED, "repeated go statement"));
                }
                let version = parse_go_arg(args, !self.strict)?;
                f.go = Some(GoVersion { version, span });
            }
            "toolchain" => {
                if f.toolchain.is_some() {
                    return Err(derr(codes::REPEATED, "repeated toolchain statement"));
                }
                let name = parse_toolchain_arg(args)?;
                f.toolchain = Some(Toolchain { name, span });
            }
            "module" => {
                if f.module.is_some() {
                    return Err(derr(codes::REPEATED, "repeated module statement"));
                }
                let deprecated = deprecation(&directive_comment(block, &line.comments));
                f.module = Some(Module {
                    path: String::new(),
                    deprecated,
                    span,
                });
                if args.len() != 1 {
                    return Err(derr(codes::USAGE, "usage: module module/path"));
                }
                let p = parse_string_tok(src, &mut args[0])?;
                if let Some(m) = f.module.as_mut() {
                    m.path = p;
                }
            }
            "godebug" => {
                let (key, value) = parse_godebug(args)?;
                f.godebug.push(Godebug { key, value, span });
            }
            "require" | "exclude" => {
                if args.len() != 2 {
                    return Err(derr(
                        codes::USAGE,
                        format!("usage: {verb} module/path v1.2.3"),
                    ));
                }
                let path = parse_string_tok(src, &mut args[0])?;
                let pm = path_major(&path);
                let v = parse_version_major(src, verb, &path, pm, &mut args[1], &mut self.fix)?;
                if pm.is_none() {
                    return Err(derr(codes::PATH, "invalid module path"));
                }
                let module = ModuleVersion::new(path, v);
                if verb == "require" {
                    f.require.push(Require {
                        module,
                        indirect: is_indirect(line),
                        span,
                    });
                } else {
                    f.exclude.push(Exclude { module, span });
                }
            }
            "replace" => {
                let (old, new) = parse_replace(self.src, verb, args, &mut self.fix)?;
                self.file.replace.push(Replace { old, new, span });
            }
            "retract" => {
                let rationale = directive_comment(block, &line.comments);
                let mut keep = keep_version;
                let mut keep_fix: Option<VersionFixer<'_>> = Some(&mut keep);
                let (low, high, used) =
                    match parse_version_interval(self.src, verb, "", args, &mut keep_fix) {
                        Ok(x) => x,
                        Err(e) if self.strict => return Err(e),
                        Err(_) => return Ok(()),
                    };
                if used < args.len() && self.strict {
                    return Err(derr(
                        codes::RETRACT,
                        format!("unexpected token after version: {}", quote(&args[used])),
                    ));
                }
                self.file.retract.push(Retract {
                    low,
                    high,
                    rationale,
                    span,
                });
                self.retract_lines.push(at);
            }
            "tool" | "ignore" => {
                if args.len() != 1 {
                    return Err(derr(
                        codes::USAGE,
                        format!("{verb} directive expects exactly one argument"),
                    ));
                }
                let path = parse_string_tok(src, &mut args[0])?;
                if verb == "tool" {
                    f.tool.push(Tool { path, span });
                } else {
                    f.ignore.push(Ignore { path, span });
                }
            }
            _ => {
                return Err(derr(
                    codes::UNKNOWN_DIRECTIVE,
                    format!("unknown directive: {verb}"),
                ))
            }
        }
        Ok(())
    }

    /// With a fixer, retracted versions are fixed once the module path is known.
    fn fix_retract(&mut self, syntax: &mut FileSyntax<'_>) {
        if self.fix.is_none() {
            return;
        }
        let path = self
            .file
            .module
            .as_ref()
            .map(|m| m.path.clone())
            .unwrap_or_default();
        for (i, &(si, li)) in self.retract_lines.iter().enumerate() {
            let line = match (syntax.stmts.get_mut(si), li) {
                (Some(Stmt::Line(l)), None) => l,
                (Some(Stmt::Block(b)), Some(li)) => match b.lines.get_mut(li) {
                    Some(l) => l,
                    None => continue,
                },
                _ => continue,
            };
            if path.is_empty() {
                self.errs.at(
                    codes::RETRACT,
                    line,
                    "no module directive found, so retract cannot be used",
                );
                return;
            }
            let mut tokens = std::mem::take(&mut line.tokens);
            let skip = usize::from(li.is_none());
            let res = parse_version_interval(
                self.src,
                "retract",
                &path,
                &mut tokens[skip..],
                &mut self.fix,
            );
            line.tokens = tokens;
            match res {
                Ok((low, high, _)) => {
                    if let Some(r) = self.file.retract.get_mut(i) {
                        r.low = low;
                        r.high = high;
                    }
                }
                Err(e) => {
                    self.errs.at(e.code, line, e.message);
                    if let Some(r) = self.file.retract.get_mut(i) {
                        r.low.clear();
                        r.high.clear();
                    }
                }
            }
        }
    }
}

/// Checks a version about to be written into an `exclude` or `retract` line for module `path`
/// (x/mod `checkCanonicalVersion`, used by its edit helpers): it must be canonical and match the
/// path's major suffix. The error reads as x/mod's, e.g. `version "v2.3.4" invalid: should be
/// v2.3.4+incompatible (or module example.com/m/v2)`.
pub fn check_canonical_version(path: &str, version: &str) -> Result<(), String> {
    let split = split_path_version(path);
    let path_major = split.map_or("", |(_, m)| m);
    let invalid =
        |reason: String| format!("version {} invalid: {reason}", quote(version.as_bytes()));
    if version.is_empty() || version != canonical_version(version) {
        if path_major.is_empty() {
            return Err(invalid("must be of the form v1.2.3".into()));
        }
        let prefix = crate::module::path_major_prefix(path_major);
        return Err(invalid(format!("must be of the form {prefix}.2.3")));
    }
    if split.is_some() {
        if let Err(e) = check_path_major(version, path_major) {
            if path_major.is_empty() {
                return Err(invalid(format!(
                    "should be {version}+incompatible (or module {path}/{})",
                    semver::major(version)
                )));
            }
            return Err(e.to_string());
        }
    }
    Ok(())
}

impl ModFile {
    /// The module path, or `""` when there is no `module` line.
    pub fn module_path(&self) -> &str {
        self.module.as_ref().map_or("", |m| m.path.as_str())
    }

    /// The `go` version, if any.
    pub fn go_version(&self) -> Option<&str> {
        self.go.as_ref().map(|g| g.version.as_str())
    }
}

// ---- Editing for the formatter: SortBlocks, removeDups, Cleanup -------------------------------

/// x/mod `removeDups`: drops later duplicate excludes, tools and ignores and earlier duplicate
/// replaces (the last replacement of a module version wins), from the syntax and the typed lists.
pub(crate) fn remove_dups(
    syntax: &mut FileSyntax<'_>,
    exclude: Option<&mut Vec<Exclude>>,
    replace: &mut Vec<Replace>,
    tool: Option<&mut Vec<Tool>>,
    ignore: Option<&mut Vec<Ignore>>,
) {
    use std::collections::HashSet;
    let mut kill: HashSet<u32> = HashSet::new();
    if let Some(exclude) = exclude {
        let mut have = HashSet::new();
        exclude.retain(|x| {
            if have.insert((x.module.path.clone(), x.module.version.clone())) {
                true
            } else {
                kill.insert(x.span.start.byte);
                false
            }
        });
    }
    let mut have = HashSet::new();
    let mut keep = vec![true; replace.len()];
    for (i, x) in replace.iter().enumerate().rev() {
        if !have.insert(x.old.clone()) {
            kill.insert(x.span.start.byte);
            keep[i] = false;
        }
    }
    let mut i = 0;
    replace.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    if let Some(tool) = tool {
        let mut have = HashSet::new();
        tool.retain(|t| have.insert(t.path.clone()) || !kill.insert(t.span.start.byte));
    }
    if let Some(ignore) = ignore {
        let mut have = HashSet::new();
        ignore.retain(|t| have.insert(t.path.clone()) || !kill.insert(t.span.start.byte));
    }
    if kill.is_empty() {
        return;
    }
    syntax.stmts.retain_mut(|stmt| match stmt {
        Stmt::Line(l) => !kill.contains(&l.start.byte),
        Stmt::Block(b) => {
            b.lines.retain(|l| !kill.contains(&l.start.byte));
            !b.lines.is_empty()
        }
        Stmt::Comments(_) => true,
    });
}

fn compare_line(a: &Line<'_>, b: &Line<'_>) -> Ordering {
    for (x, y) in a.tokens.iter().zip(b.tokens.iter()) {
        if x != y {
            return x.as_ref().cmp(y.as_ref());
        }
    }
    a.tokens.len().cmp(&b.tokens.len())
}

fn compare_line_exclude(a: &Line<'_>, b: &Line<'_>) -> Ordering {
    if a.tokens.len() != 2 || b.tokens.len() != 2 {
        return compare_line(a, b);
    }
    if a.tokens[0] != b.tokens[0] {
        return a.tokens[0].as_ref().cmp(b.tokens[0].as_ref());
    }
    semver::compare(&text(&a.tokens[1]), &text(&b.tokens[1]))
}

fn retract_interval<'l>(l: &'l Line<'_>) -> (Cow<'l, str>, Cow<'l, str>) {
    let t = &l.tokens;
    if t.len() == 1 {
        (text(&t[0]), text(&t[0]))
    } else if t.len() == 5
        && t[0].as_ref() == b"["
        && t[2].as_ref() == b","
        && t[4].as_ref() == b"]"
    {
        (text(&t[1]), text(&t[3]))
    } else {
        (Cow::Borrowed(""), Cow::Borrowed(""))
    }
}

fn compare_line_retract(a: &Line<'_>, b: &Line<'_>) -> Ordering {
    let (al, ah) = retract_interval(a);
    let (bl, bh) = retract_interval(b);
    semver::compare(&bl, &al).then_with(|| semver::compare(&bh, &ah))
}

/// x/mod `SortBlocks`: sorts the lines of every block (retract blocks descending by interval;
/// exclude blocks by path then semver when the go version is at least 1.21).
pub(crate) fn sort_blocks(syntax: &mut FileSyntax<'_>, go: Option<&str>, work: bool) {
    let semantic_exclude =
        go.is_some_and(|v| semver::compare(&format!("v{v}"), "v1.21") != Ordering::Less);
    for stmt in &mut syntax.stmts {
        let Stmt::Block(b) = stmt else { continue };
        match b.tokens.first().map(|t| t.as_ref()) {
            _ if work => b.lines.sort_by(compare_line),
            Some(b"exclude") if semantic_exclude => b.lines.sort_by(compare_line_exclude),
            Some(b"retract") => b.lines.sort_by(compare_line_retract),
            _ => b.lines.sort_by(compare_line),
        }
    }
}

/// x/mod `FileSyntax.Cleanup`: drops empty blocks and collapses a one-line block (with no
/// comments before its closing parenthesis) into a single line.
pub(crate) fn cleanup(syntax: &mut FileSyntax<'_>) {
    let stmts = std::mem::take(&mut syntax.stmts);
    for stmt in stmts {
        match stmt {
            Stmt::Block(b) if b.lines.is_empty() => {}
            Stmt::Block(b) if b.lines.len() == 1 && b.rparen.comments.before.is_empty() => {
                let LineBlock {
                    comments: bc,
                    tokens: bt,
                    mut lines,
                    ..
                } = b;
                let Some(l) = lines.pop() else { continue };
                let mut before = bc.before;
                before.extend(l.comments.before);
                let mut suffix = l.comments.suffix;
                suffix.extend(bc.suffix);
                let mut after = l.comments.after;
                after.extend(bc.after);
                let mut tokens = bt;
                tokens.extend(l.tokens);
                syntax.stmts.push(Stmt::Line(Line {
                    comments: Comments {
                        before,
                        suffix,
                        after,
                    },
                    start: l.start,
                    end: l.end,
                    tokens,
                    in_block: false,
                }));
            }
            other => syntax.stmts.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tokens_match_the_table() {
        for b in 0..=255u8 {
            assert_eq!(is_plain(&[b]), PLAIN_TOKEN[b as usize], "byte {b:#04x}");
            assert_eq!(
                is_plain(&[b'a', b, b'z']),
                PLAIN_TOKEN[b as usize],
                "byte {b:#04x}"
            );
        }
        assert!(!is_plain(b""));
        assert!(is_plain(b"github.com/a/b/v2"));
        assert!(!is_plain(b"github.com/a/b/v2\"x"));
    }

    #[test]
    fn go_version_syntax() {
        for ok in ["1.21", "1.21.0", "1.21rc1", "1.2beta1", "10.0", "1.0.0"] {
            assert!(is_go_version(ok), "{ok}");
        }
        for bad in [
            "1",
            "v1.2",
            "1.02",
            "01.2",
            "1.2.03",
            "1.2.beta1",
            "1.2rc",
            "1.2RC1",
            "",
        ] {
            assert!(!is_go_version(bad), "{bad}");
        }
        assert_eq!(lax_go_version("v1.2.3"), Some("1.2"));
        assert_eq!(lax_go_version("1.2.beta1"), Some("1.2"));
        assert_eq!(lax_go_version("v1.2rc1"), Some("1.2"));
        assert_eq!(lax_go_version("v1.2"), None);
        assert_eq!(lax_go_version("1.02x"), None);
        assert_eq!(lax_go_version("1.0x"), Some("1.0"));
    }

    #[test]
    fn deprecation_paragraphs() {
        assert_eq!(deprecation("Deprecated: a\nb\n\nc"), "a\nb");
        assert_eq!(deprecation("x\n\nDeprecated:  y"), "y");
        assert_eq!(deprecation("x\nDeprecated: y"), "");
        assert_eq!(deprecation("Deprecated"), "");
    }
}
