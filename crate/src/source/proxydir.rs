//! The GOPROXY file layout over an [`Fs`] ([`ProxyDir`]: a `file://` proxy or a module cache's
//! `cache/download` directory) and the `GOPROXY` list with the go command's fallback rules
//! ([`ProxyList`]: `,` and `|` separators, `off`, `direct`, GONOPROXY).

use super::modsource::{Fetched, FileKind, ModuleSource, SourceError};
use super::{Fs, FsError};
use crate::module::{escape_path, escape_version};
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// The relative file name of `path@version`'s `kind` file in the GOPROXY layout:
/// `<escaped path>/@v/<escaped version>.<ext>` or `<escaped path>/@v/list`.
pub fn proxy_file_name(path: &str, version: &str, kind: FileKind) -> Result<String, String> {
    let mut out = String::with_capacity(path.len() + version.len() + 16);
    push_proxy_file_name(&mut out, path, version, kind)?;
    Ok(out)
}

/// Most module paths whose escaped forms a thread remembers before it starts over.
const ESCAPED_PATHS_KEPT: usize = 1 << 16;

thread_local! {
    /// Module paths already checked and escaped on this thread: a graph load names each module
    /// path for several files (each version's `.mod`, the listed version's `.info`), and the
    /// check is most of the cost of naming a file.
    static ESCAPED_PATHS: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::new(FxHashMap::default());
}

/// Appends the escaped form of module path `path` to `out`, or returns why it has none.
fn push_escaped_path(out: &mut String, path: &str) -> Result<(), String> {
    let hit = ESCAPED_PATHS.with(|m| {
        let m = m.borrow();
        match m.get(path) {
            Some(e) => {
                out.push_str(e);
                true
            }
            None => false,
        }
    });
    if hit {
        return Ok(());
    }
    let escaped = escape_path(path).map_err(|e| e.to_string())?;
    out.push_str(&escaped);
    ESCAPED_PATHS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= ESCAPED_PATHS_KEPT {
            m.clear();
        }
        m.insert(Box::from(path), escaped.into_boxed_str());
    });
    Ok(())
}

/// True when `v` is its own escaped form and a valid one: `v` then lower-case ASCII letters,
/// digits, `.`, `-` and `+`, not ending in `.` (every canonical semantic version without
/// upper-case letters). Such an element passes every file-name check [`escape_version`] makes:
/// its characters are allowed, it is not dots alone, and its part before the first dot starts
/// with `v`, which no reserved Windows name does.
fn plain_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.first() == Some(&b'v')
        && b.last() != Some(&b'.')
        && b.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+')
        })
}

/// Appends [`proxy_file_name`] to `out` (nothing is appended on error).
pub fn push_proxy_file_name(
    out: &mut String,
    path: &str,
    version: &str,
    kind: FileKind,
) -> Result<(), String> {
    let start = out.len();
    let r = push_name(out, path, version, kind);
    if r.is_err() {
        out.truncate(start);
    }
    r
}

fn push_name(out: &mut String, path: &str, version: &str, kind: FileKind) -> Result<(), String> {
    push_escaped_path(out, path)?;
    if kind == FileKind::List {
        out.push_str("/@v/list");
        return Ok(());
    }
    out.push_str("/@v/");
    if plain_version(version) {
        out.push_str(version);
    } else {
        out.push_str(&escape_version(version).map_err(|e| e.to_string())?);
    }
    out.push('.');
    out.push_str(kind.ext());
    Ok(())
}

/// A directory in the GOPROXY file layout, read through an [`Fs`]: a `file://` proxy, or a module
/// cache's `cache/download` directory (the same layout).
#[derive(Debug, Clone)]
pub struct ProxyDir<F: Fs> {
    fs: F,
    base: String,
    /// How locations are shown: `file:///base` for a proxy, the plain directory for a cache.
    url_prefix: String,
}

impl<F: Fs> ProxyDir<F> {
    /// A `file://` proxy rooted at `base` (an absolute directory): locations read
    /// `file:///base/<file>`, as the go command prints them.
    pub fn file_proxy(fs: F, base: impl Into<String>) -> Self {
        let base = base.into();
        let url_prefix = format!("file://{base}");
        ProxyDir {
            fs,
            base,
            url_prefix,
        }
    }

    /// A module cache download directory (`$GOMODCACHE/cache/download`): locations are plain paths.
    pub fn cache_dir(fs: F, base: impl Into<String>) -> Self {
        let base = base.into();
        ProxyDir {
            fs,
            url_prefix: base.clone(),
            base,
        }
    }

    /// The base directory.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The file system read through.
    pub fn fs(&self) -> &F {
        &self.fs
    }
}

impl<F: Fs + Send + Sync> ModuleSource for ProxyDir<F> {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        let base = self.base.trim_end_matches('/');
        let mut file = String::with_capacity(base.len() + path.len() + version.len() + 24);
        file.push_str(base);
        file.push('/');
        push_proxy_file_name(&mut file, path, version, kind)
            .map_err(|message| SourceError::Other { message })?;
        let location = if self.url_prefix == self.base {
            file.clone()
        } else {
            let name = &file[base.len() + 1..];
            url_escape(&format!("{}/{name}", self.url_prefix.trim_end_matches('/')))
        };
        match self.fs.read(&file) {
            Ok(data) => Ok(Fetched { data, location }),
            // The go command names the file again when the URL does not end with its path
            // (e.g. `!` is written `%21` in the URL).
            Err(FsError::NotFound { .. }) if location.ends_with(&file) => {
                Err(SourceError::NotFound {
                    message: format!("reading {location}: no such file or directory"),
                })
            }
            Err(FsError::NotFound { .. }) => Err(SourceError::NotFound {
                message: format!("reading {location}: open {file}: no such file or directory"),
            }),
            Err(e) => Err(SourceError::Other {
                message: format!("reading {location}: {e}"),
            }),
        }
    }

    fn describe(&self) -> String {
        self.url_prefix.clone()
    }

    fn prefetches(&self) -> bool {
        false
    }
}

/// Percent-encodes a URL's path characters the way Go's `net/url` prints a path: letters, digits,
/// `-._~` and the sub-delimiters allowed in paths stay, everything else becomes `%XX`.
fn url_escape(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(scheme);
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/$&+,:;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What comes after a GOPROXY entry: whether a failure falls through to the next entry only when
/// it is not-found (`,`) or on any error (`|`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// `,`: try the next entry only on not-found.
    OnNotFound,
    /// `|`: try the next entry on any error.
    OnAnyError,
}

/// One entry of a GOPROXY list.
pub enum ProxyEntry {
    /// A proxy (file:// or HTTP).
    Proxy(Box<dyn ModuleSource>),
    /// `off`: lookups are disabled.
    Off,
    /// `direct`: fetch from version control, which modscope does not do.
    Direct,
}

/// A GOPROXY list with the go command's fallback rules (SPEC G). Paths matching GONOPROXY skip the
/// proxies and go straight to `direct`.
pub struct ProxyList {
    entries: Vec<(ProxyEntry, Fallback)>,
    /// GONOPROXY/GOPRIVATE patterns (comma-separated globs, as the go command matches them).
    noproxy: String,
}

impl ProxyList {
    /// A list of entries, each with the separator that followed it.
    pub fn new(entries: Vec<(ProxyEntry, Fallback)>, noproxy: impl Into<String>) -> Self {
        ProxyList {
            entries,
            noproxy: noproxy.into(),
        }
    }

    fn direct_error(path: &str) -> SourceError {
        SourceError::Other {
            message: format!(
                "cannot fetch {path} directly from version control: modscope reads only \
                 module proxies and the module cache (set GOPROXY to a file:// or https:// proxy)"
            ),
        }
    }
}

impl ModuleSource for ProxyList {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        if !self.noproxy.is_empty() && crate::module::match_prefix_patterns(&self.noproxy, path) {
            return Err(Self::direct_error(path));
        }
        // Error precedence after exhausting the list: direct, then non-not-found proxy errors,
        // then the last not-found.
        let mut best: Option<SourceError> = None;
        for (entry, fallback) in &self.entries {
            let err = match entry {
                // `off` counts as not found: it replaces an earlier not-found error (the go
                // command reports the last of those) but not a proxy's other error.
                ProxyEntry::Off => {
                    return Err(match best {
                        Some(prev) if !prev.is_not_found() => prev,
                        _ => SourceError::Disabled {
                            message: "module lookup disabled by GOPROXY=off".to_string(),
                        },
                    })
                }
                ProxyEntry::Direct => return Err(Self::direct_error(path)),
                ProxyEntry::Proxy(p) => match p.fetch(path, version, kind) {
                    Ok(f) => return Ok(f),
                    Err(e) => e,
                },
            };
            let fall = err.is_not_found() || *fallback == Fallback::OnAnyError;
            best = match best {
                Some(prev) if !prev.is_not_found() && err.is_not_found() => Some(prev),
                _ => Some(err),
            };
            if !fall {
                break;
            }
        }
        Err(best.unwrap_or(SourceError::Other {
            message: "GOPROXY list is not the empty string, but contains no entries".to_string(),
        }))
    }

    fn prefetches(&self) -> bool {
        // The list reads one file at a time (it keeps the default `prefetch`).
        false
    }

    fn describe(&self) -> String {
        self.entries
            .iter()
            .map(|(e, _)| match e {
                ProxyEntry::Proxy(p) => p.describe(),
                ProxyEntry::Off => "off".to_string(),
                ProxyEntry::Direct => "direct".to_string(),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file name as the escaping functions give it, without the shortcuts.
    fn reference(path: &str, version: &str, kind: FileKind) -> Result<String, String> {
        let ep = escape_path(path).map_err(|e| e.to_string())?;
        if kind == FileKind::List {
            return Ok(format!("{ep}/@v/list"));
        }
        let ev = escape_version(version).map_err(|e| e.to_string())?;
        Ok(format!("{ep}/@v/{ev}.{}", kind.ext()))
    }

    #[test]
    fn names_agree_with_the_escaping_functions() {
        let paths = [
            "example.com/a",
            "github.com/Azure/go-autorest",
            "example.com/a/v2",
            "gopkg.in/yaml.v2",
            "example.com/con",
            "example.com/x~1",
            "nodot/a",
            "example.com//a",
            "example.com/a!b",
            "-example.com/a",
            "example.com/ü",
            "",
        ];
        let versions = [
            "v1.0.0",
            "v1.2.3-pre.1+build",
            "v0.0.0-20200101000000-abcdef123456",
            "v2.0.0+incompatible",
            "v1.0.0-RC1",
            "V1.0.0",
            "v1.",
            "v1.0.0!",
            "master",
            "con",
            "v1 0",
            "",
            "..",
        ];
        for _ in 0..2 {
            for p in paths {
                for v in versions {
                    for k in [FileKind::Mod, FileKind::Info, FileKind::Zip, FileKind::List] {
                        let want = reference(p, v, k);
                        assert_eq!(proxy_file_name(p, v, k), want, "{p} {v} {k:?}");
                        let mut out = String::from("base/");
                        let r = push_proxy_file_name(&mut out, p, v, k);
                        match want {
                            Ok(name) => assert_eq!(out, format!("base/{name}")),
                            Err(_) => assert!(r.is_err() && out == "base/"),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn plain_versions_are_valid_and_unchanged() {
        for v in ["v1.0.0", "v0.0.0-2020-abc", "v1.0.0+incompatible", "v1-x.y"] {
            assert!(plain_version(v), "{v}");
            assert_eq!(escape_version(v).ok().as_deref(), Some(v));
        }
        for v in ["", "v", "v1.", "V1", "v1.0.0-RC1", "1.0.0", "v1~2", "v1_0"] {
            if v != "v" {
                assert!(!plain_version(v), "{v}");
            }
        }
        assert!(plain_version("v"));
        assert_eq!(escape_version("v").ok().as_deref(), Some("v"));
    }
}
