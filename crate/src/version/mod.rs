//! Versions: Go semver, pseudo-versions and Go toolchain versions.
//!
//! Pure functions and value types; no I/O. Tables in `../shared/spec/cases/semver.json`,
//! `module.json` (pseudo-versions) and `gover.json` are the tests.
//!
//! Entry points: [`semver`] (string functions with x/mod's semantics and the [`Version`] value type
//! the module graph compares in its hot loops), [`pseudo`] (pseudo-versions), [`gover`] (the
//! `go`/`toolchain` version syntax of Go ≥ 1.21). Errors about a version are
//! [`InvalidVersionError`], worded as the go command words them.

pub mod gover;
pub mod pseudo;
pub(crate) mod quote;
pub mod semver;

pub use semver::Version;

use std::fmt;

/// Why a version string was rejected: the part after `invalid: ` in the go command's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionErrorReason {
    /// `not a semantic version`
    NotSemver,
    /// `should be WANT, not GOT`: the major version does not match the module path's suffix.
    ShouldBe {
        /// What the path asks for, e.g. `v2` or `v0 or v1`.
        want: String,
        /// The version's major, e.g. `v3` (empty for an invalid version).
        got: String,
    },
    /// `disallowed version string`: not usable as a file-path element (escaping).
    Disallowed,
    /// `syntax error`: not a pseudo-version.
    PseudoSyntax,
    /// `malformed time "T"`: the pseudo-version's timestamp is not a valid UTC time.
    MalformedTime(String),
    /// `lacks base version, but has build metadata "B"`.
    BuildWithoutBase(String),
    /// `version before B would have negative patch number`.
    NegativePatch(String),
}

impl fmt::Display for VersionErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionErrorReason::NotSemver => f.write_str("not a semantic version"),
            VersionErrorReason::ShouldBe { want, got } => write!(f, "should be {want}, not {got}"),
            VersionErrorReason::Disallowed => f.write_str("disallowed version string"),
            VersionErrorReason::PseudoSyntax => f.write_str("syntax error"),
            VersionErrorReason::MalformedTime(t) => {
                write!(f, "malformed time {}", quote::quote_str(t))
            }
            VersionErrorReason::BuildWithoutBase(b) => write!(
                f,
                "lacks base version, but has build metadata {}",
                quote::quote_str(b)
            ),
            VersionErrorReason::NegativePatch(b) => {
                write!(f, "version before {b} would have negative patch number")
            }
        }
    }
}

/// A version (or pseudo-version) that is not acceptable where it was used.
///
/// Displays as the go command's `version "V" invalid: REASON` (or `pseudo-version "V" invalid: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidVersionError {
    /// The version as given.
    pub version: String,
    /// True when the version was expected to be a pseudo-version.
    pub pseudo: bool,
    /// What is wrong with it.
    pub reason: VersionErrorReason,
}

/// Diagnostic code for an invalid version.
pub const CODE_INVALID_VERSION: crate::error::Code = crate::error::Code("module-invalid-version");

impl InvalidVersionError {
    /// This error as a diagnostic about `file` at `span`.
    pub fn to_diagnostic(
        &self,
        file: &str,
        span: Option<crate::error::Span>,
    ) -> crate::error::Diagnostic {
        crate::error::Diagnostic::error(CODE_INVALID_VERSION, file, span, self.to_string())
    }

    /// `version` or `pseudo-version`: the noun the go command uses in messages.
    pub fn noun(&self) -> &'static str {
        if self.pseudo {
            "pseudo-version"
        } else {
            "version"
        }
    }
}

impl fmt::Display for InvalidVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} invalid: {}",
            self.noun(),
            quote::quote_str(&self.version),
            self.reason
        )
    }
}
