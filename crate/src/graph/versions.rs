//! Choosing among a module's listed versions as the go command's version queries do (Go 1.19
//! `modload/query.go` `queryProxy` and `filterVersions`): the proxy's `@v/list`, the versions a
//! query accepts, and the `+incompatible` rule. Shared by `list -m path@query`
//! ([`crate::graph::list::query`]) and the `latest` lookups for missing imports
//! ([`crate::pkg::modquery`]); the callers fetch the files and word the errors.

use crate::version::pseudo::is_pseudo_version;
use crate::version::semver;

/// The versions an `@v/list` file lists: the first word of each line that is a valid semantic
/// version and not a pseudo-version, in the file's order.
pub fn listed_versions(data: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(data)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|v| semver::is_valid(v) && !is_pseudo_version(v))
        .map(str::to_string)
        .collect()
}

/// Whether `data` is the one-line go.mod a proxy makes up for a module version without one
/// (`module PATH`, quoted when the path needs it), rather than the module's own.
pub fn is_synthesized_go_mod(path: &str, data: &[u8]) -> bool {
    let quoted = path.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    let legacy = if quoted {
        format!("module {path:?}\n")
    } else {
        format!("module {path}\n")
    };
    data == legacy.as_bytes()
}

/// The version a query picks from `versions` (any order, duplicates allowed): among those
/// `accepts` keeps, the highest release, else the highest pre-release (the lowest of each with
/// `prefer_lower`, for `>` and `>=` ranges). `+incompatible` versions count only while no
/// compatible version with its own go.mod (`has_go_mod`) comes below them, unless
/// `prefer_incompatible` (the current version or the query is itself incompatible). `state` is
/// lent to both callbacks. `Ok(None)` when nothing is accepted.
pub fn pick<S, E>(
    mut versions: Vec<String>,
    state: &mut S,
    mut accepts: impl FnMut(&mut S, &str) -> bool,
    mut has_go_mod: impl FnMut(&mut S, &str) -> Result<bool, E>,
    prefer_incompatible: bool,
    prefer_lower: bool,
) -> Result<Option<String>, E> {
    semver::sort(&mut versions);
    versions.dedup();
    let mut releases = Vec::new();
    let mut prereleases = Vec::new();
    let mut need_incompatible = prefer_incompatible;
    let mut last_compatible: Option<&str> = None;
    for v in &versions {
        if !accepts(state, v) {
            continue;
        }
        if !need_incompatible {
            if !v.ends_with("+incompatible") {
                last_compatible = Some(v);
            } else if let Some(lc) = last_compatible {
                // A compatible version with its own go.mod hides the +incompatible ones above it.
                if has_go_mod(state, lc)? {
                    break;
                }
                need_incompatible = true;
            }
        }
        if semver::prerelease(v).is_empty() {
            releases.push(v.as_str());
        } else {
            prereleases.push(v.as_str());
        }
    }
    let end = |list: &[&str]| {
        if prefer_lower {
            list.first().map(|v| v.to_string())
        } else {
            list.last().map(|v| v.to_string())
        }
    };
    Ok(end(&releases).or_else(|| end(&prereleases)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pick_all(v: &[&str], own_go_mod: bool, lower: bool) -> Option<String> {
        pick::<_, ()>(
            strs(v),
            &mut (),
            |_, _| true,
            |_, _| Ok(own_go_mod),
            false,
            lower,
        )
        .unwrap()
    }

    #[test]
    fn releases_before_prereleases_and_the_incompatible_rule() {
        let v = ["v1.2.0", "v1.10.0-pre", "v1.1.0", "v2.0.0+incompatible"];
        assert_eq!(pick_all(&v, true, false).as_deref(), Some("v1.2.0"));
        assert_eq!(
            pick_all(&v, false, false).as_deref(),
            Some("v2.0.0+incompatible")
        );
        assert_eq!(pick_all(&v, true, true).as_deref(), Some("v1.1.0"));
        assert_eq!(
            pick_all(&["v1.3.0-rc.1", "v1.3.0-rc.2"], true, false).as_deref(),
            Some("v1.3.0-rc.2")
        );
        assert_eq!(pick_all(&[], true, false), None);
    }

    #[test]
    fn the_list_keeps_valid_non_pseudo_versions() {
        let list = b"v1.0.0\nbad\nv1.1.0 extra\nv0.0.0-20200101000000-abcdefabcdef\n\n";
        assert_eq!(listed_versions(list), strs(&["v1.0.0", "v1.1.0"]));
    }

    #[test]
    fn synthesized_go_mod_files_are_recognised() {
        assert!(is_synthesized_go_mod(
            "example.com/m",
            b"module example.com/m\n"
        ));
        assert!(!is_synthesized_go_mod(
            "example.com/m",
            b"module example.com/m\n\ngo 1.16\n"
        ));
        assert!(is_synthesized_go_mod("a b", b"module \"a b\"\n"));
    }
}
