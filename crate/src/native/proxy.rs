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
/// `std::fs::read` makes — with one `read` call per file where the root's file system allows
/// it (see [`read_all`]). Anything unusual (a path outside the root, an open or read error)
/// falls back to a plain read by path for the usual error text.
#[derive(Debug, Clone)]
pub struct ModFilesFs {
    os: OsFs,
    root: Option<Arc<Root>>,
}

/// The directory [`ModFilesFs`] opens files relative to.
#[derive(Debug)]
struct Root {
    /// Its path with a trailing `/`.
    prefix: String,
    dir: std::fs::File,
    /// Whether a read that returns less than asked of a file under it means end of file.
    short_read_is_eof: bool,
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

/// Whether regular files on the file system holding `dir` are read whole by one `read` call
/// that asks for more than the file holds: true for the local file systems whose read path
/// (the kernel's page-cache `filemap_read`, tmpfs's own loop) only stops short at end of file,
/// on an I/O error (after the whole pages before the failing one: see [`read_all`]), or for a
/// fatal signal (which ends the process anyway). Network and FUSE
/// file systems may return less than asked in the middle of a file, so for them, and anything
/// not in the list, the reader asks again until `read` says end of file. One `fstatfs` per
/// directory, not per file.
#[cfg(target_os = "linux")]
fn reads_whole_files(dir: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    const LOCAL: [u32; 8] = [
        0xEF53,      // ext2, ext3, ext4
        0x0102_1994, // tmpfs
        0x8584_58F6, // ramfs
        0x5846_5342, // xfs
        0x9123_683E, // btrfs
        0xF2F5_2010, // f2fs
        0x794C_7630, // overlayfs (reads go to its layers' files: in practice ext4 or xfs)
        0x2FC1_2FC1, // zfs
    ];
    // SAFETY: an all-zero statfs is a valid value of this plain C struct.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `dir` is an open descriptor and `st` is valid for writes.
    if unsafe { libc::fstatfs(dir.as_raw_fd(), &mut st) } != 0 {
        return false;
    }
    LOCAL.contains(&(st.f_type as u32))
}

#[cfg(not(target_os = "linux"))]
fn reads_whole_files(_: &std::fs::File) -> bool {
    false
}

/// The granularity at which a page-cache read can stop short for any reason but end of file
/// (the smallest page size; larger pages and folios are multiples of it).
const PAGE: usize = 4096;

/// Reads all of `f` into one exactly-sized buffer, through a per-thread 64 KiB scratch buffer
/// (grown for larger files). Module files are small (a go.mod is a few hundred bytes, an
/// `.info` under a hundred), so the first `read` gets the whole file.
///
/// With `short_read_is_eof` (see [`reads_whole_files`]) a read that returns less than asked and
/// leaves the file position off a page boundary is taken as the end of the file, which saves
/// the second `read` that would only report end of file — half of all the system calls a warm
/// `list -m all` makes. That is sound because those file systems copy from the page cache a
/// whole page (or folio) at a time: when a page cannot be read (an I/O error), the call returns
/// the bytes of the pages before it, which end on a page boundary, and the error only comes
/// from the next call. So a short read ending on a page boundary — a file whose size is a
/// multiple of 4 KiB, or a failing page — is followed by one more `read`, which returns 0 at
/// the end of the file and the I/O error otherwise. When the buffer fills, reading goes on.
fn read_all(mut f: impl Read, short_read_is_eof: bool) -> std::io::Result<Arc<[u8]>> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|s| {
        let mut buf = s.borrow_mut();
        if buf.len() < 65536 {
            buf.resize(65536, 0);
        }
        let mut len = 0;
        loop {
            if len == buf.len() {
                let n = buf.len() * 2;
                buf.resize(n, 0);
            }
            match f.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(n) => {
                    len += n;
                    if short_read_is_eof && len < buf.len() && len % PAGE != 0 {
                        break;
                    }
                }
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
            root: dir.map(|dir| {
                Arc::new(Root {
                    prefix: format!("{root}/"),
                    short_read_is_eof: reads_whole_files(&dir),
                    dir,
                })
            }),
        }
    }

    fn read_fast(&self, path: &str) -> Option<Arc<[u8]>> {
        let root = self.root.as_deref()?;
        let rel = path.strip_prefix(root.prefix.as_str())?;
        if rel.is_empty() || rel.starts_with('/') {
            return None;
        }
        read_all(open_at(&root.dir, rel)?, root.short_read_is_eof).ok()
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
            Ok(f) => match read_all(f, false) {
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

/// The module cache in front of a GOPROXY list: files already downloaded are read from
/// `$GOMODCACHE/cache/download`, everything else from the list. Prefetch hints are served by
/// reading on all cores at once.
pub struct CacheThenProxy {
    cache: ProxyDir<ModFilesFs>,
    proxies: ProxyList,
    ready: Mutex<HashMap<Key, Result<Fetched, SourceError>>>,
    /// Whether `ready` may hold anything (checked before taking its lock on every fetch).
    has_ready: std::sync::atomic::AtomicBool,
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
            has_ready: std::sync::atomic::AtomicBool::new(false),
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
        if self.has_ready.load(std::sync::atomic::Ordering::Acquire) {
            if let Ok(mut ready) = self.ready.lock() {
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
            self.has_ready
                .store(true, std::sync::atomic::Ordering::Release);
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

    /// A reader that answers each `read` call with the next scripted step and counts calls.
    struct Script {
        steps: std::collections::VecDeque<std::io::Result<usize>>,
        calls: usize,
    }

    impl Script {
        fn new(steps: Vec<std::io::Result<usize>>) -> Self {
            Script {
                steps: steps.into(),
                calls: 0,
            }
        }
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            match self.steps.pop_front() {
                Some(Ok(n)) => {
                    let n = n.min(buf.len());
                    buf[..n].fill(b'x');
                    Ok(n)
                }
                Some(Err(e)) => Err(e),
                None => panic!("read called after the script ended"),
            }
        }
    }

    fn eio() -> std::io::Error {
        std::io::Error::from_raw_os_error(libc::EIO)
    }

    #[test]
    fn a_short_read_off_a_page_boundary_is_the_end() {
        let mut r = Script::new(vec![Ok(311)]);
        assert_eq!(read_all(&mut r, true).unwrap().len(), 311);
        assert_eq!(r.calls, 1);
        // Elsewhere the reader asks until end of file.
        let mut r = Script::new(vec![Ok(311), Ok(0)]);
        assert_eq!(read_all(&mut r, false).unwrap().len(), 311);
        assert_eq!(r.calls, 2);
    }

    #[test]
    fn a_short_read_on_a_page_boundary_reads_again() {
        // The pages before a failing one were copied: the next read reports the error.
        let mut r = Script::new(vec![Ok(2 * PAGE), Err(eio())]);
        let err = read_all(&mut r, true).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EIO));
        assert_eq!(r.calls, 2);
        // A file whose size is a multiple of the page size: the next read says end of file.
        let mut r = Script::new(vec![Ok(PAGE), Ok(0)]);
        assert_eq!(read_all(&mut r, true).unwrap().len(), PAGE);
        assert_eq!(r.calls, 2);
        // Interrupted calls are retried; a full buffer is grown and read on.
        let mut r = Script::new(vec![
            Err(std::io::ErrorKind::Interrupted.into()),
            Ok(65536),
            Ok(100),
        ]);
        assert_eq!(read_all(&mut r, true).unwrap().len(), 65636);
        assert_eq!(r.calls, 3);
    }

    #[test]
    fn files_of_whole_pages_read_whole() {
        let dir = std::env::temp_dir().join(format!("modscope-pages-{}", std::process::id()));
        let v = dir.join("example.com/m/@v");
        std::fs::create_dir_all(&v).unwrap();
        for (name, size) in [("a.mod", PAGE), ("b.mod", 3 * PAGE), ("c.mod", PAGE + 1)] {
            let data: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(v.join(name), &data).unwrap();
            let fs = ModFilesFs::rooted(&dir.display().to_string());
            let path = format!("{}/example.com/m/@v/{name}", dir.display());
            assert_eq!(&*fs.read(&path).unwrap(), &data[..], "{name}");
        }
        let _ = std::fs::remove_dir_all(&dir);
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
            "module lookup disabled by GOPROXY=off"
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
