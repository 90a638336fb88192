//! go.sum files: parsing (with the go command's tolerance), lookups, verification of a go.mod
//! against its recorded hash, and the canonical sorted form the go command writes.
//!
//! A line is `path version hash`; `version` may end in `/go.mod` (the hash of the go.mod file
//! alone). Blank lines are ignored; a key may carry several hashes. The legacy hash of an empty
//! go.mod is dropped on read, as the go command drops it. Like go 1.19, reading stops at the
//! first line without exactly three fields; that line is reported as a diagnostic.

use super::dirhash;
use crate::error::{Code, Diagnostic, Pos, Span};
use crate::module::compare_module_versions;
use std::collections::HashMap;
use std::fmt;

/// The h1 of an empty go.mod, which old go commands wrote and newer ones ignore.
pub const EMPTY_GOMOD_HASH: &str = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";

/// Diagnostic code for a go.sum line without exactly three fields.
pub const CODE_MALFORMED: Code = Code("sum-malformed");
/// Diagnostic code for a hash that does not match go.sum.
pub const CODE_MISMATCH: Code = Code("sum-mismatch");
/// Diagnostic code for a module missing from go.sum.
pub const CODE_MISSING: Code = Code("sum-missing");
/// Diagnostic code for go.sum entries that use only unknown hash algorithms.
pub const CODE_UNKNOWN_HASH: Code = Code("sum-unknown-hash");

const GOSUM_MISMATCH: &str = "\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n";

const HASH_VERSION_MISMATCH: &str = "\n\nSECURITY WARNING\nThis download is listed in go.sum, but using an unknown hash algorithm.\nThe download cannot be verified.\n\nFor more information, see 'go help module-auth'.\n\n";

/// The contents of a go.sum (or go.work.sum) file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoSum {
    file_name: String,
    /// path → version (possibly with `/go.mod`) → hashes in the order first seen.
    entries: HashMap<String, HashMap<String, Vec<String>>>,
}

/// A go.sum check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SumError {
    /// go.sum records a different `h1:` hash.
    #[error("verifying {path}@{version}: checksum mismatch\n\tdownloaded: {downloaded}\n\t{sum_file}:     {recorded}{GOSUM_MISMATCH}")]
    Mismatch {
        /// Module path.
        path: String,
        /// Version as keyed in go.sum (ends in `/go.mod` for a go.mod check).
        version: String,
        /// The hash of the bytes checked.
        downloaded: String,
        /// The conflicting hash in go.sum.
        recorded: String,
        /// `go.sum` or `go.work.sum`.
        sum_file: String,
    },
    /// go.sum has no line for this module version.
    #[error("{path}@{version}: missing go.sum entry; to add it:\n\tgo mod download {path}")]
    Missing {
        /// Module path.
        path: String,
        /// Module version (without `/go.mod`).
        version: String,
    },
    /// go.sum lists only hashes of algorithms other than `h1`.
    #[error("warning: verifying {path}@{version}: unknown hashes in go.sum: {}; adding {downloaded}{HASH_VERSION_MISMATCH}", .recorded.join(", "))]
    UnknownAlgorithm {
        /// Module path.
        path: String,
        /// Version as keyed in go.sum.
        version: String,
        /// The hash of the bytes checked.
        downloaded: String,
        /// The hashes go.sum lists.
        recorded: Vec<String>,
    },
}

impl SumError {
    /// The stable diagnostic code of this error.
    pub fn code(&self) -> Code {
        match self {
            SumError::Mismatch { .. } => CODE_MISMATCH,
            SumError::Missing { .. } => CODE_MISSING,
            SumError::UnknownAlgorithm { .. } => CODE_UNKNOWN_HASH,
        }
    }

    /// This error as a diagnostic about `file` (no position: it is about the whole file).
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        match self {
            SumError::UnknownAlgorithm { .. } => {
                Diagnostic::warning(self.code(), file, None, self.to_string())
            }
            _ => Diagnostic::error(self.code(), file, None, self.to_string()),
        }
    }
}

impl GoSum {
    /// An empty go.sum that will be reported as `file_name`.
    pub fn new(file_name: impl Into<String>) -> Self {
        GoSum {
            file_name: file_name.into(),
            entries: HashMap::new(),
        }
    }

    /// Parses go.sum text. Returns what was read and a diagnostic for the line that stopped it.
    pub fn parse(file_name: &str, text: &str) -> (GoSum, Vec<Diagnostic>) {
        let mut sum = GoSum::new(file_name);
        let mut diags = Vec::new();
        let mut offset = 0usize;
        for (i, line) in text.split('\n').enumerate() {
            let line_start = offset;
            offset += line.len() + 1;
            let mut fields = line.split_whitespace();
            let (Some(path), Some(version), Some(hash), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                let n = line.split_whitespace().count();
                if n == 0 {
                    continue;
                }
                let pos = Pos {
                    line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    col: 1,
                    byte: u32::try_from(line_start).unwrap_or(u32::MAX),
                };
                let end = Pos {
                    col: u32::try_from(line.len() + 1).unwrap_or(u32::MAX),
                    byte: u32::try_from(line_start + line.len()).unwrap_or(u32::MAX),
                    ..pos
                };
                diags.push(Diagnostic::error(
                    CODE_MALFORMED,
                    file_name,
                    Some(Span { start: pos, end }),
                    format!("wrong number of fields {n}"),
                ));
                break;
            };
            if hash == EMPTY_GOMOD_HASH {
                continue;
            }
            sum.add(path, version, hash);
        }
        (sum, diags)
    }

    /// The file name given at parse time.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Records `hash` for `path version` (a no-op if already recorded).
    pub fn add(&mut self, path: &str, version: &str, hash: &str) {
        let list = self
            .entries
            .entry(path.to_string())
            .or_default()
            .entry(version.to_string())
            .or_default();
        if !list.iter().any(|h| h == hash) {
            list.push(hash.to_string());
        }
    }

    /// The hashes recorded for `path version` (the version may end in `/go.mod`), in file order.
    pub fn hashes(&self, path: &str, version: &str) -> &[String] {
        self.entries
            .get(path)
            .and_then(|m| m.get(version))
            .map_or(&[], Vec::as_slice)
    }

    /// The go.mod hashes recorded for `path version` (the `version/go.mod` line).
    pub fn gomod_hash(&self, path: &str, version: &str) -> &[String] {
        self.entries
            .get(path)
            .and_then(|m| {
                m.iter()
                    .find(|(v, _)| v.strip_suffix("/go.mod") == Some(version))
            })
            .map_or(&[], |(_, h)| h.as_slice())
    }

    /// Whether go.sum has an `h1:` hash for `path version` (the go command's `HaveSum`).
    pub fn have_sum(&self, path: &str, version: &str) -> bool {
        self.hashes(path, version)
            .iter()
            .any(|h| h.starts_with("h1:"))
    }

    /// Number of `(path, version)` keys.
    pub fn len(&self) -> usize {
        self.entries.values().map(HashMap::len).sum()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sum_file_label(&self) -> &'static str {
        if self.file_name.ends_with("go.work.sum") {
            "go.work.sum"
        } else {
            "go.sum"
        }
    }

    /// Checks hash `h` for `path version` (the version may end in `/go.mod`) as the go command
    /// does: a recorded equal hash passes; a recorded different `h1:` hash is a mismatch.
    pub fn check_hash(&self, path: &str, version: &str, h: &str) -> Result<(), SumError> {
        let list = self.hashes(path, version);
        for vh in list {
            if vh == h {
                return Ok(());
            }
            if vh.starts_with("h1:") {
                return Err(SumError::Mismatch {
                    path: path.to_string(),
                    version: version.to_string(),
                    downloaded: h.to_string(),
                    recorded: vh.clone(),
                    sum_file: self.sum_file_label().to_string(),
                });
            }
        }
        if list.is_empty() {
            return Err(SumError::Missing {
                path: path.to_string(),
                version: version
                    .strip_suffix("/go.mod")
                    .unwrap_or(version)
                    .to_string(),
            });
        }
        Err(SumError::UnknownAlgorithm {
            path: path.to_string(),
            version: version.to_string(),
            downloaded: h.to_string(),
            recorded: list.to_vec(),
        })
    }

    /// Checks the bytes of `path@version`'s go.mod against its `version/go.mod` line.
    pub fn check_gomod(&self, path: &str, version: &str, gomod: &[u8]) -> Result<(), SumError> {
        let h = dirhash::hash_gomod(gomod);
        self.check_hash(path, &format!("{version}/go.mod"), &h)
    }

    /// All entries as `(path, version, hash)`, in the order the go command writes them.
    pub fn sorted_lines(&self) -> Vec<(&str, &str, &str)> {
        let mut keys: Vec<(&str, &str, &Vec<String>)> = self
            .entries
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(v, h)| (p.as_str(), v.as_str(), h)))
            .collect();
        keys.sort_by(|a, b| compare_module_versions((a.0, a.1), (b.0, b.1)));
        let mut lines = Vec::new();
        for (p, v, hashes) in keys {
            let mut hs: Vec<&str> = hashes.iter().map(String::as_str).collect();
            hs.sort_unstable();
            hs.dedup();
            lines.extend(hs.into_iter().map(|h| (p, v, h)));
        }
        lines
    }

    /// The canonical text: sorted by module, hashes sorted, duplicates removed.
    pub fn format(&self) -> String {
        let mut out = String::new();
        for (p, v, h) in self.sorted_lines() {
            out.push_str(p);
            out.push(' ');
            out.push_str(v);
            out.push(' ');
            out.push_str(h);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for GoSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format())
    }
}
