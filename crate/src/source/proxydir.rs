//! The GOPROXY file layout over an [`Fs`] ([`ProxyDir`]: a `file://` proxy or a module cache's
//! `cache/download` directory) and the `GOPROXY` list with the go command's fallback rules
//! ([`ProxyList`]: `,` and `|` separators, `off`, `direct`, GONOPROXY).

use super::modsource::{Fetched, FileKind, ModuleSource, SourceError};
use super::{Fs, FsError};
use crate::module::{escape_path, escape_version};

/// The relative file name of `path@version`'s `kind` file in the GOPROXY layout:
/// `<escaped path>/@v/<escaped version>.<ext>` or `<escaped path>/@v/list`.
pub fn proxy_file_name(path: &str, version: &str, kind: FileKind) -> Result<String, String> {
    let ep = escape_path(path).map_err(|e| e.to_string())?;
    if kind == FileKind::List {
        return Ok(format!("{ep}/@v/list"));
    }
    let ev = escape_version(version).map_err(|e| e.to_string())?;
    Ok(format!("{ep}/@v/{ev}.{}", kind.ext()))
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
        let name = proxy_file_name(path, version, kind)
            .map_err(|message| SourceError::Other { message })?;
        let file = format!("{}/{name}", self.base.trim_end_matches('/'));
        let location = if self.url_prefix == self.base {
            file.clone()
        } else {
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
