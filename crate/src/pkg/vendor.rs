//! Vendor mode (SPEC E.2): when it is on, the consistency checks between the main module's go.mod
//! and `vendor/modules.txt`, and the lookup inputs it gives.
//!
//! Rules from Go 1.19's `modload` (`setDefaultBuildMod`, `checkVendorConsistency`): with no
//! `-mod` flag, vendor mode is the default when the main module has a `vendor` directory and its
//! go line is at least 1.14 (never in workspace mode). go.mod and modules.txt must then agree:
//! every `require` is marked `## explicit` (before go 1.14, only a differing vendored version is
//! reported), every `replace` appears with the same replacement, every module marked explicit
//! that provides packages is required, and every replacement in modules.txt is go.mod's. All
//! disagreements are reported together, in that order, in the go command's words.

use crate::modfile::rule::{ModFile, ReplaceSide};
use crate::modfile::vendor::ModulesTxt;
use crate::pkg::modload::VendorMode;
use crate::version::semver;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Whether vendor mode is the default for a main module with go line `go` (`None`: no go line)
/// and, per `has_vendor_dir`, a `vendor` directory.
pub fn default_on(go: Option<&str>, has_vendor_dir: bool) -> bool {
    has_vendor_dir
        && go.is_some_and(|g| semver::compare(&format!("v{g}"), "v1.14") != Ordering::Less)
}

fn describe(path: &str, version: &str) -> String {
    if version.is_empty() {
        path.to_string()
    } else {
        format!("{path}@{version}")
    }
}

/// The go.mod replacement of `path@version`: an exact `replace` first, else a wildcard one.
fn replacement<'m>(gomod: &'m ModFile, path: &str, version: &str) -> Option<&'m ReplaceSide> {
    gomod
        .replace
        .iter()
        .rev()
        .find(|r| r.old.path == path && r.old.version == version && !version.is_empty())
        .or_else(|| {
            gomod
                .replace
                .iter()
                .rev()
                .find(|r| r.old.path == path && r.old.version.is_empty())
        })
        .map(|r| &r.new)
}

/// Checks go.mod against modules.txt; the go command's message (without `go: `) when they
/// disagree. `main_dir` is the main module's directory as the message shows it.
pub fn check_consistency(main_dir: &str, gomod: &ModFile, txt: &ModulesTxt) -> Result<(), String> {
    let pre114 = gomod
        .go
        .as_ref()
        .is_none_or(|g| semver::compare(&format!("v{}", g.version), "v1.14") == Ordering::Less);
    let meta = |path: &str, version: &str| {
        txt.modules
            .iter()
            .find(|m| m.module.path == path && m.module.version == version)
    };
    // Vendored version of each path that provides packages.
    let mut vendor_version: HashMap<&str, &str> = HashMap::new();
    for m in txt.modules.iter().filter(|m| !m.packages.is_empty()) {
        vendor_version.insert(&m.module.path, &m.module.version);
    }
    let mut errs = String::new();
    let mut err = |path: &str, version: &str, detail: String| {
        errs.push_str(&format!("\n\t{}: {detail}", describe(path, version)));
    };
    for r in &gomod.require {
        let (p, v) = (r.module.path.as_str(), r.module.version.as_str());
        if meta(p, v).is_some_and(|m| m.explicit) {
            continue;
        }
        if pre114 {
            if let Some(vv) = vendor_version.get(p).filter(|vv| **vv != v) {
                err(
                    p,
                    v,
                    format!("is explicitly required in go.mod, but vendor/modules.txt indicates {p}@{vv}"),
                );
            }
        } else {
            err(
                p,
                v,
                "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"
                    .into(),
            );
        }
    }
    for r in &gomod.replace {
        let (p, v) = (r.old.path.as_str(), r.old.version.as_str());
        match meta(p, v).and_then(|m| m.replacement.as_ref()) {
            None => {
                let old_form = pre114
                    && (v.is_empty() || vendor_version.get(p).is_none_or(|vv| *vv != v));
                if !old_form {
                    err(
                        p,
                        v,
                        "is replaced in go.mod, but not marked as replaced in vendor/modules.txt"
                            .into(),
                    );
                }
            }
            Some(vr) if *vr != r.new => err(
                p,
                v,
                format!(
                    "is replaced by {} in go.mod, but marked as replaced by {} in vendor/modules.txt",
                    describe(&r.new.path, &r.new.version),
                    describe(&vr.path, &vr.version)
                ),
            ),
            Some(_) => {}
        }
    }
    let required: HashSet<(&str, &str)> = gomod
        .require
        .iter()
        .map(|r| (r.module.path.as_str(), r.module.version.as_str()))
        .collect();
    for m in txt.vendor_list() {
        if meta(&m.path, &m.version).is_some_and(|x| x.explicit)
            && !required.contains(&(m.path.as_str(), m.version.as_str()))
        {
            err(
                &m.path,
                &m.version,
                "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod"
                    .into(),
            );
        }
    }
    for m in txt.replaced() {
        let (p, v) = (m.module.path.as_str(), m.module.version.as_str());
        let Some(vr) = &m.replacement else { continue };
        match replacement(gomod, p, v) {
            None => err(
                p,
                v,
                "is marked as replaced in vendor/modules.txt, but not replaced in go.mod".into(),
            ),
            Some(r) if r != vr => err(
                p,
                v,
                format!(
                    "is marked as replaced by {} in vendor/modules.txt, but replaced by {} in go.mod",
                    describe(&vr.path, &vr.version),
                    describe(&r.path, &r.version)
                ),
            ),
            Some(_) => {}
        }
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "inconsistent vendoring in {main_dir}:{errs}\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor"
    ))
}

/// The lookup inputs of vendor mode: the main module and each vendored package's module.
pub fn lookup_inputs(main_path: &str, main_dir: &str, txt: &ModulesTxt) -> VendorMode {
    let mut packages: Vec<(String, String, String)> = txt
        .package_modules()
        .into_iter()
        .map(|(p, m)| (p.to_string(), m.path.clone(), m.version.clone()))
        .collect();
    packages.sort();
    VendorMode {
        main: (main_path.to_string(), main_dir.to_string()),
        packages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(gomod: &str, txt: &str) -> Result<(), String> {
        let f = crate::modfile::parse_strict("go.mod", gomod.as_bytes()).expect("go.mod parses");
        let (t, _) = crate::modfile::vendor::parse("vendor/modules.txt", txt.as_bytes());
        check_consistency("/m", &f, &t)
    }

    #[test]
    fn consistent_and_inconsistent() {
        let gomod = "module m\n\ngo 1.19\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.1.0\n)\n\nreplace example.com/b => ../b\n";
        let good = "# example.com/a v1.0.0\n## explicit\nexample.com/a\n# example.com/b v1.1.0 => ../b\n## explicit; go 1.17\nexample.com/b\n# example.com/b => ../b\n";
        assert_eq!(check(gomod, good), Ok(()));
        let bad = "# example.com/a v1.0.0\nexample.com/a\n# example.com/b v1.1.0 => ../c\n## explicit\nexample.com/b\n# example.com/c v1.0.0\n## explicit\nexample.com/c\n";
        let e = check(gomod, bad).unwrap_err();
        assert_eq!(
            e,
            "inconsistent vendoring in /m:\n\
             \texample.com/a@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n\
             \texample.com/b: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\n\
             \texample.com/c@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod\n\
             \texample.com/b@v1.1.0: is marked as replaced by ../c in vendor/modules.txt, but replaced by ../b in go.mod\n\n\
             \tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\
             \tTo sync the vendor directory, run:\n\t\tgo mod vendor"
        );
    }

    #[test]
    fn default_mode() {
        assert!(default_on(Some("1.14"), true));
        assert!(!default_on(Some("1.13"), true));
        assert!(!default_on(None, true));
        assert!(!default_on(Some("1.19"), false));
    }
}
