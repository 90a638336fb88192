//! vendor/modules.txt, the manifest `go mod vendor` writes (SPEC E.2), read as the go command reads it.
//!
//! Format, one item per line:
//! * `# path version` starts a module; `# path version => target [targetVersion]` also records its
//!   replacement; `# path => target [version]` is a wildcard replacement from go.mod (no version);
//! * `## explicit; go 1.21` lines annotate the current module (`;`-separated; `explicit` and
//!   `go X` are meaningful, other entries are reserved and ignored);
//! * a line holding one valid import path is a package of the current module, which puts that
//!   module version in the vendor list.
//!
//! The go command silently ignores lines it cannot interpret; [`parse`] does too but reports each
//! as a warning [`Diagnostic`] so that tools can point at it.
//!
//! # JSON shape
//!
//! ```json
//! {"modules": [{"module": "example.com/a@v1.2.3", "explicit": true, "go_version": "1.21",
//!               "replacement": {"path": "../a"}, "packages": ["example.com/a", "example.com/a/b"],
//!               "span": SPAN}]}
//! ```

use super::rule::ReplaceSide;
use crate::error::{Code, Diagnostic, Pos, Span};
use crate::module::{check_import_path, ModuleVersion};
use crate::version::semver;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Code of the warnings about lines the go command would ignore.
pub const IGNORED_LINE: Code = Code("modfile-vendor-ignored-line");

fn is_false(b: &bool) -> bool {
    !*b
}

/// vendor/modules.txt, interpreted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModulesTxt {
    /// Every module named by a `#` line, in order of first appearance (annotations of repeated
    /// entries are merged, as the go command merges them).
    pub modules: Vec<VendoredModule>,
    /// Package lines in file order, as (module index, package index).
    #[serde(skip)]
    order: Vec<(usize, usize)>,
}

/// One module of vendor/modules.txt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendoredModule {
    /// The module and version (empty version for a wildcard replacement line).
    pub module: ModuleVersion,
    /// `## explicit`: required directly by the main module's go.mod.
    #[serde(default, skip_serializing_if = "is_false")]
    pub explicit: bool,
    /// `## go 1.x`: the module's go version (empty when not recorded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub go_version: String,
    /// The replacement recorded after `=>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<ReplaceSide>,
    /// Vendored packages of this module, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    /// The module's first `#` line.
    pub span: Span,
}

impl ModulesTxt {
    /// The modules that provide packages, in order, keeping for each path only the first and
    /// then any higher version seen (the go command's `vendorList`).
    pub fn vendor_list(&self) -> Vec<&ModuleVersion> {
        let mut best: HashMap<&str, &str> = HashMap::new();
        let mut out = Vec::new();
        for (pkg_mod, _) in self.package_order() {
            let m = &pkg_mod.module;
            let newer = match best.get(m.path.as_str()) {
                None => true,
                Some(v) => semver::compare(v, &m.version) == std::cmp::Ordering::Less,
            };
            if newer {
                best.insert(&m.path, &m.version);
                out.push(m);
            }
        }
        out
    }

    /// The module each vendored package belongs to (the last module that listed it).
    pub fn package_modules(&self) -> HashMap<&str, &ModuleVersion> {
        let mut map = HashMap::new();
        for (m, pkg) in self.package_order() {
            map.insert(pkg, &m.module);
        }
        map
    }

    /// The modules that have a replacement.
    pub fn replaced(&self) -> impl Iterator<Item = &VendoredModule> {
        self.modules.iter().filter(|m| m.replacement.is_some())
    }

    fn package_order(&self) -> Vec<(&VendoredModule, &str)> {
        self.order
            .iter()
            .filter_map(|&(mi, pi)| {
                let m = self.modules.get(mi)?;
                Some((m, m.packages.get(pi)?.as_str()))
            })
            .collect()
    }
}

/// Reads vendor/modules.txt. Never fails: lines the go command ignores become warnings.
pub fn parse(file_name: &str, data: &[u8]) -> (ModulesTxt, Vec<Diagnostic>) {
    let text = String::from_utf8_lossy(data);
    let mut out = ModulesTxt::default();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut warnings = Vec::new();
    let mut cur: Option<usize> = None;
    let mut byte = 0u32;
    for (n, line) in text.split('\n').enumerate() {
        let start = Pos {
            line: n as u32 + 1,
            col: 1,
            byte,
        };
        byte += line.len() as u32 + 1;
        let span = Span {
            start,
            end: Pos {
                line: start.line,
                col: line.chars().count() as u32 + 1,
                byte: start.byte + line.len() as u32,
            },
        };
        let mut warn = |msg: String| {
            warnings.push(Diagnostic::warning(
                IGNORED_LINE,
                file_name,
                Some(span),
                msg,
            ));
        };
        if line.starts_with("# ") {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 3 {
                warn(format!(
                    "ignored module line {line:?}: want \"# path version\""
                ));
                continue;
            }
            let (module, rest) = if semver::is_valid(f[2]) {
                (ModuleVersion::new(f[1], f[2]), &f[3..])
            } else if f[2] == "=>" {
                (ModuleVersion::new(f[1], ""), &f[2..])
            } else {
                cur = None;
                warn(format!(
                    "ignored module line {line:?}: {:?} is neither a version nor =>",
                    f[2]
                ));
                continue;
            };
            let key = (module.path.clone(), module.version.clone());
            let i = *index.entry(key).or_insert_with(|| {
                out.modules.push(VendoredModule {
                    module,
                    explicit: false,
                    go_version: String::new(),
                    replacement: None,
                    packages: Vec::new(),
                    span,
                });
                out.modules.len() - 1
            });
            cur = Some(i);
            if rest.len() >= 2 && rest[0] == "=>" {
                let r = match rest.len() {
                    2 => Some(ReplaceSide {
                        path: rest[1].to_string(),
                        version: String::new(),
                    }),
                    3 if semver::is_valid(rest[2]) => Some(ReplaceSide {
                        path: rest[1].to_string(),
                        version: rest[2].to_string(),
                    }),
                    _ => None,
                };
                match r {
                    Some(r) => out.modules[i].replacement = Some(r),
                    None => warn(format!("ignored replacement in {line:?}")),
                }
            } else if !rest.is_empty() {
                warn(format!("ignored text after the version in {line:?}"));
            }
            continue;
        }
        let Some(i) = cur else {
            if !line.trim().is_empty() {
                warn(format!("ignored line {line:?}: no module line before it"));
            }
            continue;
        };
        if let Some(annotations) = line.strip_prefix("## ") {
            let m = &mut out.modules[i];
            for entry in annotations.split(';') {
                let entry = entry.trim();
                if entry == "explicit" {
                    m.explicit = true;
                }
                if let Some(v) = entry.strip_prefix("go ") {
                    m.go_version = v.to_string();
                }
            }
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() == 1 && check_import_path(f[0]).is_ok() {
            let m = &mut out.modules[i];
            out.order.push((i, m.packages.len()));
            m.packages.push(f[0].to_string());
        } else if !f.is_empty() {
            warn(format!("ignored line {line:?}: not a package import path"));
        }
    }
    (out, warnings)
}
