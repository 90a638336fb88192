//! Native module sources: the GOPROXY list (file:// entries on the OS file system, `off`,
//! `direct`), put behind the module cache the way the go command reads it (the cache's
//! `cache/download` directory first, then the proxies).

use super::fs::OsFs;
use crate::source::{DirEntry, Fs, FsError, Metadata};
use crate::source::{
    Fallback, Fetched, FileKind, ModuleSource, ProxyDir, ProxyEntry, ProxyList, SourceError,
};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::Mutex;

/// A proxy URL modscope cannot read (not file://, http:// or https://): every request fails with
/// a clear error naming the URL, so the `|` separator can still fall through.
struct Unsupported(String);

impl ModuleSource for Unsupported {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        let _ = kind;
        Err(SourceError::Other {
            message: format!(
                "{path}@{version}: invalid proxy URL scheme (must be https, http, file): {}",
                self.0
            ),
        })
    }
    fn describe(&self) -> String {
        self.0.clone()
    }
}

/// Parses a GOPROXY value into entries (SPEC G): `,` falls through on not-found, `|` on any
/// error; `off` and `direct` end the list; bare host names get `https://`.
pub fn parse_goproxy(value: &str) -> Result<Vec<(ProxyEntry, Fallback)>, String> {
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (entry, sep, tail) = match rest.find([',', '|']) {
            Some(i) => (&rest[..i], &rest[i..i + 1], &rest[i + 1..]),
            None => (rest, ",", ""),
        };
        rest = tail;
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let fallback = if sep == "|" {
            Fallback::OnAnyError
        } else {
            Fallback::OnNotFound
        };
        let e = match entry {
            "off" => ProxyEntry::Off,
            "direct" => ProxyEntry::Direct,
            url => {
                let url = if !url.contains(":/")
                    && !url.starts_with('/')
                    && url.contains(['.', ':', '/'])
                {
                    format!("https://{url}")
                } else {
                    url.to_string()
                };
                match url.strip_prefix("file://") {
                    Some(dir) => ProxyEntry::Proxy(Box::new(ProxyDir::file_proxy(
                        ModFilesFs::new(),
                        dir.trim_end_matches('/').to_string(),
                    ))),
                    None if url.starts_with("http://") || url.starts_with("https://") => {
                        ProxyEntry::Proxy(Box::new(super::http::HttpProxy::new(&url)))
                    }
                    None => ProxyEntry::Proxy(Box::new(Unsupported(url))),
                }
            }
        };
        let stop = matches!(e, ProxyEntry::Off | ProxyEntry::Direct);
        out.push((e, fallback));
        if stop {
            break;
        }
    }
    if out.is_empty() && !value.trim().is_empty() {
        return Err("GOPROXY list is not the empty string, but contains no entries".to_string());
    }
    Ok(out)
}

type Key = (String, String, FileKind);

/// The OS file system for module files: reads without the size probe `std::fs::read` makes (the
/// files are small; one syscall fewer per file matters when thousands are read).
#[derive(Debug, Clone)]
pub struct ModFilesFs(OsFs);

impl ModFilesFs {
    /// Absolute paths only.
    pub fn new() -> Self {
        ModFilesFs(OsFs::new("/"))
    }
}

impl Default for ModFilesFs {
    fn default() -> Self {
        Self::new()
    }
}

impl Fs for ModFilesFs {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        let mut f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(_) => return self.0.read(path),
        };
        let mut buf = vec![0u8; 8192];
        let mut len = 0;
        loop {
            if len == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            match f.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return self.0.read(path),
            }
        }
        buf.truncate(len);
        Ok(Arc::from(buf))
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.0.read_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        self.0.stat(path)
    }
    fn describe(&self) -> String {
        self.0.describe()
    }
}

/// The module cache in front of a GOPROXY list: files already downloaded are read from
/// `$GOMODCACHE/cache/download`, everything else from the list. Prefetch hints are served by
/// reading on all cores at once.
pub struct CacheThenProxy {
    cache: ProxyDir<ModFilesFs>,
    proxies: ProxyList,
    ready: Mutex<HashMap<Key, Result<Fetched, SourceError>>>,
    /// Files read so far (for progress display).
    pub files_read: std::sync::atomic::AtomicUsize,
}

impl CacheThenProxy {
    /// The cache at `download_dir` in front of the GOPROXY list `goproxy` (GONOPROXY patterns in
    /// `noproxy`).
    pub fn new(download_dir: &str, goproxy: &str, noproxy: &str) -> Result<Self, String> {
        let entries = if goproxy.trim().is_empty() {
            vec![(ProxyEntry::Direct, Fallback::OnNotFound)]
        } else {
            parse_goproxy(goproxy)?
        };
        Ok(CacheThenProxy {
            cache: ProxyDir::cache_dir(ModFilesFs::new(), download_dir.to_string()),
            proxies: ProxyList::new(entries, noproxy),
            ready: Mutex::new(HashMap::new()),
            files_read: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    fn fetch_now(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        self.files_read
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if kind != FileKind::List {
            if let Ok(f) = self.cache.fetch(path, version, kind) {
                return Ok(f);
            }
        }
        self.proxies.fetch(path, version, kind)
    }
}

impl ModuleSource for CacheThenProxy {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        if let Ok(mut ready) = self.ready.lock() {
            if !ready.is_empty() {
                if let Some(r) = ready.remove(&(path.to_string(), version.to_string(), kind)) {
                    return r;
                }
            }
        }
        self.fetch_now(path, version, kind)
    }

    fn describe(&self) -> String {
        format!("{} then {}", self.cache.describe(), self.proxies.describe())
    }

    fn prefetch(&self, kind: FileKind, items: &[(String, String)]) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        if threads < 2 || items.len() < 32 {
            return;
        }
        let chunk = items.len().div_ceil(threads);
        let results: Vec<Vec<(Key, Result<Fetched, SourceError>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = items
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|(p, v)| {
                                ((p.clone(), v.clone(), kind), self.fetch_now(p, v, kind))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        if let Ok(mut ready) = self.ready.lock() {
            ready.extend(results.into_iter().flatten());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(v: &str) -> Vec<(String, Fallback)> {
        parse_goproxy(v)
            .unwrap()
            .into_iter()
            .map(|(e, f)| {
                let k = match e {
                    ProxyEntry::Off => "off".to_string(),
                    ProxyEntry::Direct => "direct".to_string(),
                    ProxyEntry::Proxy(p) => p.describe(),
                };
                (k, f)
            })
            .collect()
    }

    #[test]
    fn goproxy_lists() {
        assert_eq!(
            kinds("file:///p,proxy.example.com|direct,https://never"),
            vec![
                ("file:///p".to_string(), Fallback::OnNotFound),
                (
                    "https://proxy.example.com".to_string(),
                    Fallback::OnAnyError
                ),
                ("direct".to_string(), Fallback::OnNotFound),
            ]
        );
        assert_eq!(
            kinds(" off , file:///x"),
            vec![("off".to_string(), Fallback::OnNotFound)]
        );
        assert!(parse_goproxy(" , ").is_err());
    }

    #[test]
    fn fallback_rules() {
        let dir = std::env::temp_dir().join(format!("modscope-proxy-{}", std::process::id()));
        let a = dir.join("a/example.com/m/@v");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::write(a.join("v1.0.0.mod"), "module example.com/m\n").unwrap();
        let b = dir.join("b/example.com/m/@v");
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("v1.1.0.mod"), "module example.com/m\n").unwrap();
        let d = dir.display();
        let list = ProxyList::new(
            parse_goproxy(&format!("file://{d}/a,file://{d}/b")).unwrap(),
            "",
        );
        assert!(list.fetch("example.com/m", "v1.1.0", FileKind::Mod).is_ok());
        let err = list
            .fetch("example.com/m", "v1.2.0", FileKind::Mod)
            .unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(
            err.message(),
            format!("reading file://{d}/b/example.com/m/@v/v1.2.0.mod: no such file or directory")
        );
        let off = ProxyList::new(parse_goproxy(&format!("file://{d}/a,off")).unwrap(), "");
        assert_eq!(
            off.fetch("example.com/m", "v1.1.0", FileKind::Mod)
                .unwrap_err()
                .message(),
            format!("reading file://{d}/a/example.com/m/@v/v1.1.0.mod: no such file or directory")
        );
        let private = ProxyList::new(
            parse_goproxy(&format!("file://{d}/a")).unwrap(),
            "example.com",
        );
        assert!(private
            .fetch("example.com/m", "v1.0.0", FileKind::Mod)
            .unwrap_err()
            .message()
            .contains("directly from version control"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
