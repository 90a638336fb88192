//! Module mode: which module of the build list provides an import path (SPEC E.1, E.2).
//!
//! The caller (the module graph's owner) passes the build list with each module's directory; this
//! module applies the go command's rules (Go 1.19 `modload/import.go` `importFromModules` and
//! `dirInModule`): reject malformed paths, answer standard-library paths from GOROOT, in vendor
//! mode look in the main module and `vendor/`, otherwise consider **every** prefix of the import
//! path that is a module of the build list — a package is "in" a module when its directory holds
//! a `.go` file and, for local trees (main modules, directory replacements), no `go.mod` sits
//! between the module root and the package — and report an ambiguous import when more than one
//! module provides it. It is not "longest prefix wins".

use crate::pkg::stdlib::{is_standard_import_path, StdLib};
use crate::source::{EntryKind, Fs, FsError};

/// A module of the build list, as lookup needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRoot {
    /// Module path.
    pub path: String,
    /// Selected version (empty for main modules).
    pub version: String,
    /// Its directory on the file system; `None` when it is not available (its go.sum entry is
    /// missing, so the go command will not extract it).
    pub dir: Option<String>,
    /// A local tree (main module or directory replacement): nested go.mod files end the module.
    pub local: bool,
}

/// Where an import path was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModFound {
    /// The providing module's path (`std` for the standard library).
    pub module: String,
    /// Its version (empty for main modules and std).
    pub version: String,
    /// The package directory (empty for `C`).
    pub dir: String,
}

/// Why module-mode lookup failed. Display texts follow the go command (1.19).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModLookupError {
    /// `path@version` in an import.
    #[error("import path {0:?} should not have @version")]
    HasVersion(String),
    /// `./x`, `../x`.
    #[error("{0:?} is relative, but relative import paths are not supported in module mode")]
    Relative(String),
    /// `std`, `cmd`, `all`.
    #[error("{0:?} is not an importable package; see 'go help packages'")]
    Meta(String),
    /// A dotless path nobody provides.
    #[error("package {path} is not in GOROOT ({dir})")]
    NotInGoroot {
        /// The import path.
        path: String,
        /// `$GOROOT/src/<path>`.
        dir: String,
    },
    /// Two or more modules provide the package.
    #[error("ambiguous import: found package {path} in multiple modules:{}", .found.iter().map(|(m, v, d)| if v.is_empty() { format!("\n\t{m} ({d})") } else { format!("\n\t{m} {v} ({d})") }).collect::<String>())]
    AmbiguousModules {
        /// The import path.
        path: String,
        /// (module, version, dir), shortest module path first.
        found: Vec<(String, String, String)>,
    },
    /// Vendor mode: in the main module and in `vendor/`.
    #[error("ambiguous import: found package {path} in multiple directories:\n\t{main_dir}\n\t{vendor_dir}")]
    AmbiguousDirs {
        /// The import path.
        path: String,
        /// The main module's directory for it.
        main_dir: String,
        /// The vendor directory for it.
        vendor_dir: String,
    },
    /// A candidate module's go.sum entry is missing and nothing else provides the package.
    #[error("missing go.sum entry for module providing package {path}")]
    MissingSum {
        /// The import path.
        path: String,
        /// The modules whose sums are missing.
        modules: Vec<String>,
    },
    /// One module provides it, but another candidate could not be checked.
    #[error(
        "missing go.sum entry needed to verify package {path} is provided by exactly one module"
    )]
    MissingSumAmbiguity {
        /// The import path.
        path: String,
        /// The modules whose sums are missing.
        modules: Vec<String>,
    },
    /// No module of the build list provides it.
    #[error("no required module provides package {0}; to add it:\n\tgo get {0}")]
    NoModule(String),
    /// A candidate module's files could not be fetched (the fetch error's text).
    #[error("{0}")]
    Fetch(String),
}

/// The vendor-mode inputs: the main module and the vendor directory's module list.
#[derive(Debug, Clone)]
pub struct VendorMode {
    /// Main module path and directory.
    pub main: (String, String),
    /// Vendored package path → (module path, version), from vendor/modules.txt.
    pub packages: Vec<(String, String, String)>,
}

fn dir_has_go_files(fs: &dyn Fs, dir: &str) -> bool {
    fs.read_dir(dir).is_ok_and(|es| {
        es.iter()
            .any(|e| e.kind == EntryKind::File && e.name.ends_with(".go"))
    })
}

/// Whether the package `path` lives in module `m` (go's `dirInModule`); its directory if so.
pub(crate) fn dir_in_module(fs: &dyn Fs, path: &str, m: &ModuleRoot, mdir: &str) -> Option<String> {
    let rest = if path == m.path {
        ""
    } else {
        path.strip_prefix(m.path.as_str())?.strip_prefix('/')?
    };
    let dir = if rest.is_empty() {
        mdir.to_string()
    } else {
        format!("{}/{rest}", mdir.trim_end_matches('/'))
    };
    if m.local {
        // A go.mod in the package directory or any directory up to (not including) the module
        // root makes it another module's.
        let mut d = dir.as_str();
        while d.len() > mdir.len() {
            if fs.is_file(&format!("{d}/go.mod")) {
                return None;
            }
            d = match d.rfind('/') {
                Some(i) => &d[..i],
                None => break,
            };
        }
    }
    dir_has_go_files(fs, &dir).then_some(dir)
}

/// Finds the module providing `path`. `goroot` is `$GOROOT` (std packages are answered from the
/// embedded list when `fs` has no GOROOT tree).
pub fn import_from_modules(
    fs: &dyn Fs,
    goroot: &str,
    build_list: &[ModuleRoot],
    vendor: Option<&VendorMode>,
    path: &str,
) -> Result<ModFound, ModLookupError> {
    if path.contains('@') {
        return Err(ModLookupError::HasVersion(path.to_string()));
    }
    if path == "." || path == ".." || path.starts_with("./") || path.starts_with("../") {
        return Err(ModLookupError::Relative(path.to_string()));
    }
    if matches!(path, "std" | "cmd" | "all") {
        return Err(ModLookupError::Meta(path.to_string()));
    }
    if path == "C" {
        return Ok(ModFound {
            module: String::new(),
            version: String::new(),
            dir: String::new(),
        });
    }
    let std_dir = format!("{}/src/{path}", goroot.trim_end_matches('/'));
    if is_standard_import_path(path) {
        let lib = StdLib::embedded();
        if lib.is_package(path) || dir_has_go_files(fs, &std_dir) {
            let module = if path == "cmd" || path.starts_with("cmd/") {
                "cmd"
            } else {
                "std"
            };
            return Ok(ModFound {
                module: module.into(),
                version: String::new(),
                dir: std_dir,
            });
        }
    }
    if let Some(v) = vendor {
        let (main_path, main_dir) = &v.main;
        let main_m = ModuleRoot {
            path: main_path.clone(),
            version: String::new(),
            dir: Some(main_dir.clone()),
            local: true,
        };
        let in_main = dir_in_module(fs, path, &main_m, main_dir);
        let vdir = format!("{}/vendor/{path}", main_dir.trim_end_matches('/'));
        let in_vendor = dir_has_go_files(fs, &vdir);
        return match (in_main, in_vendor) {
            (Some(m), true) => Err(ModLookupError::AmbiguousDirs {
                path: path.into(),
                main_dir: m,
                vendor_dir: vdir,
            }),
            (Some(m), false) => Ok(ModFound {
                module: main_path.clone(),
                version: String::new(),
                dir: m,
            }),
            (None, true) => {
                let (module, version) = v
                    .packages
                    .iter()
                    .find(|(p, _, _)| p == path)
                    .map(|(_, m, ver)| (m.clone(), ver.clone()))
                    .unwrap_or_default();
                Ok(ModFound {
                    module,
                    version,
                    dir: vdir,
                })
            }
            // Nowhere: the go command answers the vendor directory without a module and lets
            // loading the package fail there.
            (None, false) => Ok(ModFound {
                module: String::new(),
                version: String::new(),
                dir: vdir,
            }),
        };
    }
    // Every prefix that is a module of the build list, longest first.
    let mut found: Vec<(String, String, String)> = Vec::new();
    let mut missing_sum: Vec<String> = Vec::new();
    let mut prefix = path;
    loop {
        for m in build_list.iter().filter(|m| m.path == prefix) {
            match &m.dir {
                None => missing_sum.push(m.path.clone()),
                Some(mdir) => {
                    // The go command fetches every candidate, longest path first; one that
                    // cannot be fetched ends the lookup, even when another provides the package.
                    if !m.local {
                        if let Err(FsError::Other { message, .. }) = fs.read_dir(mdir) {
                            return Err(ModLookupError::Fetch(message));
                        }
                    }
                    if let Some(d) = dir_in_module(fs, path, m, mdir) {
                        found.push((m.path.clone(), m.version.clone(), d));
                    }
                }
            }
        }
        match prefix.rfind('/') {
            Some(i) => prefix = &prefix[..i],
            None => break,
        }
    }
    match found.len() {
        0 if !missing_sum.is_empty() => Err(ModLookupError::MissingSum {
            path: path.into(),
            modules: missing_sum,
        }),
        0 if is_standard_import_path(path) => Err(ModLookupError::NotInGoroot {
            path: path.into(),
            dir: std_dir,
        }),
        0 => Err(ModLookupError::NoModule(path.into())),
        1 if !missing_sum.is_empty() => Err(ModLookupError::MissingSumAmbiguity {
            path: path.into(),
            modules: missing_sum,
        }),
        1 => {
            let (module, version, dir) = found.remove(0);
            Ok(ModFound {
                module,
                version,
                dir,
            })
        }
        _ => {
            found.reverse();
            Err(ModLookupError::AmbiguousModules {
                path: path.into(),
                found,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemFs;

    fn m(path: &str, version: &str, dir: Option<&str>, local: bool) -> ModuleRoot {
        ModuleRoot {
            path: path.into(),
            version: version.into(),
            dir: dir.map(str::to_string),
            local,
        }
    }

    #[test]
    fn rules() {
        let mut fs = MemFs::new();
        for f in [
            "/main/x/x.go",
            "/main/nested/go.mod",
            "/main/nested/n.go",
            "/mc/a@v1.0.0/a.go",
            "/mc/a@v1.0.0/b/b.go",
            "/mc/ab@v1.1.0/b.go",
            "/mc/a@v1.0.0/c/README",
        ] {
            fs.insert(f, b"package p\n".to_vec());
        }
        let bl = vec![
            m("example.com/main", "", Some("/main"), true),
            m("example.com/a", "v1.0.0", Some("/mc/a@v1.0.0"), false),
            m("example.com/a/b", "v1.1.0", Some("/mc/ab@v1.1.0"), false),
            m("example.com/nosum", "v0.1.0", None, false),
        ];
        let look = |p: &str| match import_from_modules(&fs, "/goroot", &bl, None, p) {
            Ok(f) => format!("{} {} {}", f.module, f.version, f.dir),
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(look("fmt"), "std  /goroot/src/fmt");
        assert_eq!(look("example.com/main/x"), "example.com/main  /main/x");
        assert_eq!(
            look("example.com/main/nested"),
            "ERR no required module provides package example.com/main/nested; to add it:\n\tgo get example.com/main/nested"
        );
        assert_eq!(look("example.com/a"), "example.com/a v1.0.0 /mc/a@v1.0.0");
        assert_eq!(
            look("example.com/a/b"),
            "ERR ambiguous import: found package example.com/a/b in multiple modules:\n\texample.com/a v1.0.0 (/mc/a@v1.0.0/b)\n\texample.com/a/b v1.1.0 (/mc/ab@v1.1.0)"
        );
        assert!(look("example.com/a/c").starts_with("ERR no required module"));
        assert_eq!(
            look("example.com/nosum/p"),
            "ERR missing go.sum entry for module providing package example.com/nosum/p"
        );
        assert_eq!(
            look("nodot/pkg"),
            "ERR package nodot/pkg is not in GOROOT (/goroot/src/nodot/pkg)"
        );
        assert_eq!(
            look("x@v1"),
            "ERR import path \"x@v1\" should not have @version"
        );
        assert!(look("./rel").contains("relative import paths are not supported"));
        assert!(look("all").contains("is not an importable package"));
    }

    #[test]
    fn vendor_mode() {
        let mut fs = MemFs::new();
        for f in [
            "/main/x/x.go",
            "/main/vendor/example.com/v/v.go",
            "/main/vendor/example.com/main/x/x.go",
        ] {
            fs.insert(f, b"package p\n".to_vec());
        }
        let v = VendorMode {
            main: ("example.com/main".into(), "/main".into()),
            packages: vec![(
                "example.com/v".into(),
                "example.com/v".into(),
                "v1.2.0".into(),
            )],
        };
        let r = import_from_modules(&fs, "/goroot", &[], Some(&v), "example.com/v").unwrap();
        assert_eq!(
            (r.module.as_str(), r.version.as_str()),
            ("example.com/v", "v1.2.0")
        );
        let e =
            import_from_modules(&fs, "/goroot", &[], Some(&v), "example.com/main/x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ambiguous import: found package example.com/main/x in multiple directories:\n\t/main/x\n\t/main/vendor/example.com/main/x"
        );
    }
}
