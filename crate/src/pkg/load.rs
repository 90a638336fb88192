//! Loading one package directory: which `.go` files are built for a context, the package name,
//! the imports, and the go command's errors for directories that are not (valid) packages.
//!
//! This is `go/build`'s `Context.Import` after the directory is found: files named `_*` or `.*` are
//! skipped, `_GOOS`/`_GOARCH` suffixes and build constraints exclude files, files of package
//! `documentation` and (with cgo off) files importing `"C"` are ignored, `_test.go` files are test
//! files. A directory with no buildable non-test Go file is "not a package" with one of the go
//! command's three wordings (see [`PkgError`]).

use crate::pkg::constraint::BuildContext;
use crate::pkg::goscan;
use crate::source::{EntryKind, Fs};

/// What a directory holds for a build context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirPackage {
    /// The directory.
    pub dir: String,
    /// The package name (from the first built file).
    pub name: String,
    /// Non-test Go files that are built.
    pub go_files: Vec<String>,
    /// Go files that use cgo (only filled when cgo is enabled).
    pub cgo_files: Vec<String>,
    /// Go files excluded by build constraints (and cgo files with cgo off).
    pub ignored_go_files: Vec<String>,
    /// `_test.go` files of the package itself.
    pub test_go_files: Vec<String>,
    /// `_test.go` files of package `<name>_test`.
    pub xtest_go_files: Vec<String>,
    /// Files with errors (unreadable, bad constraint, syntax, wrong package).
    pub invalid_go_files: Vec<String>,
    /// Imports of the built non-test files, sorted and unique, as written.
    pub imports: Vec<String>,
    /// Imports of the test files, sorted and unique.
    pub test_imports: Vec<String>,
    /// Imports of the external test files, sorted and unique.
    pub xtest_imports: Vec<String>,
    /// The first error, if the directory is not a usable package.
    pub error: Option<PkgError>,
}

/// Why a directory is not a usable package. Display texts are the go command's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkgError {
    /// No Go files at all.
    #[error("no Go files in {dir}")]
    NoGoFiles {
        /// The directory.
        dir: String,
    },
    /// Go files exist but build constraints exclude all of them.
    #[error("build constraints exclude all Go files in {dir}")]
    ConstraintsExcludeAll {
        /// The directory.
        dir: String,
    },
    /// Only test files (what `go build` says; `go list` accepts such a directory).
    #[error("no non-test Go files in {dir}")]
    OnlyTests {
        /// The directory.
        dir: String,
    },
    /// Two package names among the built files.
    #[error("found packages {first} ({first_file}) and {second} ({second_file}) in {dir}")]
    MultiplePackages {
        /// The directory.
        dir: String,
        /// The first package name seen.
        first: String,
        /// The file that declared it.
        first_file: String,
        /// The conflicting name.
        second: String,
        /// The file that declared it.
        second_file: String,
    },
    /// A file could not be read or its header is malformed.
    #[error("{0}")]
    BadFile(String),
    /// The directory could not be listed.
    #[error("{0}")]
    ReadDir(String),
}

impl PkgError {
    /// The stable diagnostic code.
    pub fn code(&self) -> crate::error::Code {
        use crate::error::Code;
        match self {
            PkgError::NoGoFiles { .. }
            | PkgError::ConstraintsExcludeAll { .. }
            | PkgError::OnlyTests { .. } => Code("pkg-not-a-package"),
            PkgError::MultiplePackages { .. } => Code("pkg-multiple-packages"),
            PkgError::BadFile(_) => Code("pkg-bad-file"),
            PkgError::ReadDir(_) => Code("pkg-read-dir"),
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Reads the package in `dir` for `ctx`.
pub fn load_dir(fs: &dyn Fs, dir: &str, ctx: &BuildContext) -> DirPackage {
    let mut p = DirPackage {
        dir: dir.to_string(),
        ..Default::default()
    };
    let entries = match fs.read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            p.error = Some(PkgError::ReadDir(e.to_string()));
            return p;
        }
    };
    let mut bad: Option<PkgError> = None;
    let mut first_file = String::new();
    let mut bad_file = |p: &mut DirPackage, name: &str, err: PkgError| {
        if bad.is_none() {
            bad = Some(err);
        }
        push_unique(&mut p.invalid_go_files, name);
    };
    for entry in entries {
        if entry.kind != EntryKind::File {
            continue;
        }
        let name = entry.name.as_str();
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let is_go = name.ends_with(".go");
        if !ctx.good_os_arch_file(name) {
            if is_go {
                p.ignored_go_files.push(name.to_string());
            }
            continue;
        }
        if !is_go {
            continue;
        }
        let path = format!("{dir}/{name}");
        let data = match fs.read(&path) {
            Ok(d) => d,
            Err(e) => {
                bad_file(&mut p, name, PkgError::BadFile(format!("read {path}: {e}")));
                continue;
            }
        };
        let header = goscan::scan(&data);
        if header.nul {
            bad_file(
                &mut p,
                name,
                PkgError::BadFile(format!("read {path}: unexpected NUL in input")),
            );
            continue;
        }
        let body = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&data);
        match ctx.should_build(body) {
            Err(e) => {
                bad_file(&mut p, name, PkgError::BadFile(format!("{name}: {e}")));
                continue;
            }
            Ok(false) => {
                p.ignored_go_files.push(name.to_string());
                continue;
            }
            Ok(true) => {}
        }
        if let Some(e) = &header.error {
            bad_file(&mut p, name, PkgError::BadFile(format!("{path}:{e}")));
        }
        let mut pkg = header.package.as_str();
        if pkg == "documentation" {
            p.ignored_go_files.push(name.to_string());
            continue;
        }
        let is_test = name.ends_with("_test.go");
        let mut is_xtest = false;
        if is_test && pkg.ends_with("_test") && p.name != pkg {
            is_xtest = true;
            pkg = &pkg[..pkg.len() - "_test".len()];
        }
        if p.name.is_empty() {
            p.name = pkg.to_string();
            first_file = name.to_string();
        } else if pkg != p.name {
            let err = PkgError::MultiplePackages {
                dir: dir.to_string(),
                first: p.name.clone(),
                first_file: first_file.clone(),
                second: pkg.to_string(),
                second_file: name.to_string(),
            };
            bad_file(&mut p, name, err);
        }
        let is_cgo = header.imports_c();
        if is_cgo && is_test {
            bad_file(
                &mut p,
                name,
                PkgError::BadFile(format!("use of cgo in test {path} not supported")),
            );
        }
        let imports = if is_cgo {
            if ctx.cgo_enabled {
                p.cgo_files.push(name.to_string());
                Some(&mut p.imports)
            } else {
                p.ignored_go_files.push(name.to_string());
                None
            }
        } else if is_xtest {
            p.xtest_go_files.push(name.to_string());
            Some(&mut p.xtest_imports)
        } else if is_test {
            p.test_go_files.push(name.to_string());
            Some(&mut p.test_imports)
        } else {
            p.go_files.push(name.to_string());
            Some(&mut p.imports)
        };
        if let Some(list) = imports {
            for imp in &header.imports {
                list.push(imp.path.clone());
            }
        }
    }
    for list in [&mut p.imports, &mut p.test_imports, &mut p.xtest_imports] {
        list.sort();
        list.dedup();
    }
    p.error = bad.or_else(|| {
        if p.go_files.len() + p.cgo_files.len() + p.test_go_files.len() + p.xtest_go_files.len() > 0
        {
            return None;
        }
        let dir = dir.to_string();
        Some(if !p.ignored_go_files.is_empty() {
            PkgError::ConstraintsExcludeAll { dir }
        } else {
            PkgError::NoGoFiles { dir }
        })
    });
    p
}

/// Where package files `files` of `importer_dir` import `imp`, as go list's `Error.Pos` shows it:
/// `file:line:col` of the import spec (its name when it has one), the file relative to `cwd`
/// when that is shorter; empty when no file imports it.
pub fn import_position(
    fs: &dyn crate::source::Fs,
    cwd: &str,
    importer_dir: &str,
    files: &[String],
    imp: &str,
) -> String {
    for f in files {
        let full = format!("{importer_dir}/{f}");
        let Ok(data) = fs.read(&full) else {
            continue;
        };
        let h = crate::pkg::goscan::scan(&data);
        if let Some(i) = h.imports.iter().find(|i| i.path == imp) {
            let shown = crate::graph::load::short_path(cwd, &full);
            let col = match &i.name {
                Some(n) => i.col.saturating_sub(n.len() as u32 + 1).max(1),
                None => i.col,
            };
            return format!("{shown}:{}:{col}", i.line);
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemFs;

    fn fs(files: &[(&str, &str)]) -> MemFs {
        let mut m = MemFs::new();
        for (p, c) in files {
            m.insert(p, c.as_bytes().to_vec());
        }
        m
    }

    #[test]
    fn classifies_files() {
        let m = fs(&[
            ("d/a.go", "package p\nimport (\"fmt\"; \"os\")\n"),
            ("d/b_windows.go", "package p\nimport \"syscall\"\n"),
            ("d/c.go", "//go:build ignore\n\npackage main\n"),
            ("d/d_test.go", "package p\nimport \"testing\"\n"),
            ("d/e_test.go", "package p_test\nimport \"fmt\"\n"),
            ("d/f.go", "package p\nimport \"C\"\nimport \"net\"\n"),
            ("d/_g.go", "package zzz\n"),
            ("d/.h.go", "package zzz\n"),
            ("d/doc.go", "package documentation\n"),
            ("d/x.s", "TEXT"),
        ]);
        let p = load_dir(&m, "d", &BuildContext::default());
        assert_eq!(p.name, "p");
        assert_eq!(p.go_files, vec!["a.go"]);
        assert_eq!(
            p.ignored_go_files,
            vec!["b_windows.go", "c.go", "doc.go", "f.go"]
        );
        assert_eq!(p.test_go_files, vec!["d_test.go"]);
        assert_eq!(p.xtest_go_files, vec!["e_test.go"]);
        assert_eq!(p.imports, vec!["fmt", "os"]);
        assert_eq!(p.error, None);
    }

    #[test]
    fn not_a_package_wordings() {
        let ctx = BuildContext::default();
        let m = fs(&[
            ("empty/README", "x"),
            ("tags/a.go", "// +build windows\n\npackage p\n"),
            ("tests/a_test.go", "package p\n"),
            ("two/a.go", "package a\n"),
            ("two/b.go", "package b\n"),
        ]);
        let msg = |d: &str| load_dir(&m, d, &ctx).error.map(|e| e.to_string());
        assert_eq!(msg("empty").as_deref(), Some("no Go files in empty"));
        assert_eq!(
            msg("tags").as_deref(),
            Some("build constraints exclude all Go files in tags")
        );
        // A directory of test files is a package to `go list` (`go build` refuses it).
        assert_eq!(msg("tests"), None);
        assert_eq!(
            msg("two").as_deref(),
            Some("found packages a (a.go) and b (b.go) in two")
        );
    }
}
