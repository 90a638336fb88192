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
                        ModFilesFs::rooted(dir.trim_end_matches('/')),
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

/// The OS file system for module files: files under its root directory (the module cache's
/// `cache/download`, a file:// proxy) are opened relative to a descriptor of that directory
/// kept open, so the kernel does not walk the root's path again for each of thousands of
/// files, and every file is read into one exactly-sized buffer without the size probe
/// `std::fs::read` makes. Anything unusual (a path outside the root, an open or read error)
/// falls back to a plain read by path for the usual error text.
#[derive(Debug, Clone)]
pub struct ModFilesFs {
    os: OsFs,
    root: Option<Arc<(String, std::fs::File)>>,
}

/// Opens `rel` (a relative path without NUL) under directory `dir` for reading.
fn open_at(dir: &std::fs::File, rel: &str) -> Option<std::fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let c = std::ffi::CString::new(rel).ok()?;
    // SAFETY: `dir` is an open descriptor for the duration of the call and `c` a NUL-terminated
    // string; a non-negative result is a new descriptor that only the returned File owns.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` was just returned by openat and is owned by nobody else.
    Some(unsafe { std::fs::File::from_raw_fd(fd) })
}

/// Reads all of `f` into one exactly-sized buffer, through a per-thread scratch buffer.
fn read_all(mut f: std::fs::File) -> std::io::Result<Arc<[u8]>> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|s| {
        let mut buf = s.borrow_mut();
        if buf.len() < 16384 {
            buf.resize(16384, 0);
        }
        let mut len = 0;
        loop {
            if len == buf.len() {
                let n = buf.len() * 2;
                buf.resize(n, 0);
            }
            match f.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Arc::from(&buf[..len]))
    })
}

impl ModFilesFs {
    /// Absolute paths only, each opened by its whole path.
    pub fn new() -> Self {
        ModFilesFs {
            os: OsFs::new("/"),
            root: None,
        }
    }

    /// Absolute paths; those under directory `root` are opened relative to it (when it can be
    /// opened now).
    pub fn rooted(root: &str) -> Self {
        let root = root.trim_end_matches('/');
        let dir = (!root.is_empty())
            .then(|| std::fs::File::open(root).ok())
            .flatten()
            .filter(|f| f.metadata().is_ok_and(|m| m.is_dir()));
        ModFilesFs {
            os: OsFs::new("/"),
            root: dir.map(|d| Arc::new((format!("{root}/"), d))),
        }
    }

    fn read_fast(&self, path: &str) -> Option<Arc<[u8]>> {
        let (prefix, dir) = self.root.as_deref()?;
        let rel = path.strip_prefix(prefix.as_str())?;
        if rel.is_empty() || rel.starts_with('/') {
            return None;
        }
        read_all(open_at(dir, rel)?).ok()
    }
}

impl Default for ModFilesFs {
    fn default() -> Self {
        Self::new()
    }
}

impl Fs for ModFilesFs {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        if let Some(d) = self.read_fast(path) {
            return Ok(d);
        }
        match std::fs::File::open(path) {
            Ok(f) => match read_all(f) {
                Ok(d) => Ok(d),
                Err(_) => self.os.read(path),
            },
            Err(_) => self.os.read(path),
        }
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.os.read_dir(path)
    }
    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        self.os.stat(path)
    }
    fn describe(&self) -> String {
        self.os.describe()
    }
}

/// The threads worth reading and parsing on: the cores this process may use, at most 8
/// (asked once: the answer comes from cgroup files on Linux).
pub fn threads() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    })
}

/// Runs the graph loader's batches of independent jobs (read and parse a go.mod) on
/// [`threads`] threads: the calling thread and scoped helpers taking jobs in order from a
/// shared counter.
#[derive(Debug, Default, Clone, Copy)]
pub struct Threads;

impl crate::graph::load::Parallel for Threads {
    fn run(&self, jobs: usize, job: &(dyn Fn(usize) + Sync)) {
        let n = threads().min(jobs);
        if n < 2 {
            (0..jobs).for_each(job);
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= jobs {
                break;
            }
            job(i);
        };
        std::thread::scope(|s| {
            for _ in 1..n {
                s.spawn(work);
            }
            work();
        });
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
            cache: ProxyDir::cache_dir(ModFilesFs::rooted(download_dir), download_dir.to_string()),
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
        let threads = threads();
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
