//! Diagnostics: the one error-and-warning value every layer produces.
//!
//! A [`Diagnostic`] carries a stable [`Code`] (for tools and documentation), a position
//! (`file:line:col`), and a message worded as the go command words it where the go command has an
//! equivalent. Layers define their own `thiserror` enums for internal failures and convert them into
//! diagnostics at their public boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in a source file: 1-based line and column (in bytes), plus the byte offset.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in runes (characters) as the go command counts them.
    pub col: u32,
    /// 0-based byte offset into the file.
    pub byte: u32,
}

/// A half-open byte range `[start, end)` in a source file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    /// First position covered.
    pub start: Pos,
    /// Position just past the end.
    pub end: Pos,
}

/// How serious a diagnostic is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong; the go command would stop.
    Error,
    /// The go command would proceed but say something (or rewrite a file).
    Warning,
    /// Extra information modscope adds (e.g. an explanation).
    Note,
}

/// A stable diagnostic code: a short kebab-case name that never changes once published.
///
/// Codes are grouped by layer prefix: `modfile-…`, `module-…`, `sum-…`, `graph-…`, `pkg-…`,
/// `cache-…`, `cli-…`. Diagnostics are produced by the core and only serialized outward, so the
/// code is a `&'static str` that can be matched on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(pub &'static str);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One error, warning or note about the input, with where it is and what the go command says.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `modfile-syntax`.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// The file the diagnostic is about, as the user named it (may be empty for whole-run errors).
    pub file: String,
    /// Where in `file`, when known.
    pub span: Option<Span>,
    /// The message without the `file:line:col: ` prefix, worded as the go command words it.
    pub message: String,
}

impl Diagnostic {
    /// An error diagnostic.
    pub fn error(
        code: Code,
        file: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.into(),
            span,
            message: message.into(),
        }
    }

    /// A warning diagnostic.
    pub fn warning(
        code: Code,
        file: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            file: file.into(),
            span,
            message: message.into(),
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Renders `file:line:col: message` the way the go command does: the column is printed only
    /// when it is greater than 1, and the position only when it is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.span) {
            (true, _) => f.write_str(&self.message),
            (false, None) => write!(f, "{}: {}", self.file, self.message),
            (false, Some(sp)) if sp.start.col > 1 => {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    self.file, sp.start.line, sp.start.col, self.message
                )
            }
            (false, Some(sp)) => write!(f, "{}:{}: {}", self.file, sp.start.line, self.message),
        }
    }
}
