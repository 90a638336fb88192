//! The watched gopkg index: a long-running process (`modscope serve`) keeps the index current
//! with inotify instead of proving each record current with a `stat`.
//!
//! # Set-up
//!
//! [`WatchedGopkg::open`] loads (or builds) the index as a CLI run does, adds an inotify watch to
//! every indexed directory, and only then validates the records once, the same check a CLI run
//! makes ([`crate::native::gopkg_index_store::prevalidate`]: a `stat` each, mtime against the
//! record, racy and changed records left to be listed or walked when first used). A change made
//! before a directory's watch was added shows in that validation (its mtime moved, or it is
//! racy and gets listed); one made after is reported by the watch. There is no window between
//! the two in which a change can go unseen.
//!
//! # What an event proves, and what it does not
//!
//! The kernel queues a notification on a watched directory, as part of the system call that
//! changes it, whenever an entry is created, deleted, renamed in or out, or has its attributes or
//! contents changed (`IN_CREATE`, `IN_DELETE`, `IN_MOVED_FROM`, `IN_MOVED_TO`, `IN_ATTRIB`,
//! `IN_MODIFY`), and when the directory itself is deleted or moved (`IN_DELETE_SELF`,
//! `IN_MOVE_SELF`). Those are all the ways the facts a record holds — the directory exists,
//! which subdirectories it has, whether it holds `.go` files or a `go.mod` — can change. So
//! while no notification has arrived for a checked record, it still holds, and a lookup relying
//! on it needs no `stat`. A notification marks the record ([`GopkgIndex::touch`]): the next lookup
//! relying on it lists the directory and compares; a named entry's own record (a subdirectory
//! replaced by another under the same name, or a symbolic link re-pointed) is walked again, as is
//! everything when the kernel's queue overflowed (`IN_Q_OVERFLOW`: notifications were lost). A
//! mismatch re-walks the subtree through the existing path (`# gopkg cache rebuild: …`), and
//! every directory that walk reads gets its watch before it is listed ([`WatchingFs`]), so new
//! records are covered from the moment they are made.
//!
//! # Ordering: an event is read before the lookup that must see it
//!
//! A change that a request must see happened before the request was sent, so its notification
//! was already queued on the inotify descriptor when the request arrived. Requests are answered
//! one at a time, and each starts by draining the descriptor without blocking
//! ([`WatchedGopkg::begin`]: read until `EAGAIN`), marking records, before any lookup of that
//! request runs. So every notification queued before the request is applied before its first
//! lookup. A change made while a request runs may or may not be seen by it (as with the go
//! command, which reads the tree while it changes), and is applied at the start of the next one.
//! No thread is needed for this ordering; the cost of an idle server is only that a burst of
//! changes larger than the kernel's queue (`/proc/sys/fs/inotify/max_queued_events`) overflows
//! it, which makes the next request re-walk what it relies on (with a new inotify instance:
//! lost notifications may have been renames, so no old watch is trusted to be where its path
//! points).
//!
//! # When watches run out
//!
//! Each watch counts against `/proc/sys/fs/inotify/max_user_watches`. If adding one fails with
//! `ENOSPC` (at set-up or later), the process says so and falls back to the stat-based checks:
//! every request is a new session over the index ([`GopkgIndex::new_session`]), as a CLI run is.

use crate::clock::Clock;
use crate::native::fs::OsFs;
use crate::native::gopkg_index_store;
use crate::pkg::gopath::{ResolverMemos, Root};
use crate::pkg::index::{FxMap, GopkgIndex};
use crate::report::trace::Trace;
use crate::source::{DirEntry, Fs, FsError, Metadata};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;

/// The events a directory's watch asks for (see the module documentation).
const MASK: u32 = libc::IN_CREATE
    | libc::IN_DELETE
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO
    | libc::IN_ATTRIB
    | libc::IN_MODIFY
    | libc::IN_DELETE_SELF
    | libc::IN_MOVE_SELF
    | libc::IN_ONLYDIR;

/// Why a watch could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchError {
    /// `max_user_watches` is reached (`ENOSPC`).
    Exhausted,
    /// The path is gone, not a directory, or not readable: nothing to watch (its record's own
    /// check finds out).
    Unwatchable,
}

/// One change notification, resolved to the directory it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The kernel's queue overflowed: notifications were lost.
    Overflow,
    /// Something changed in the directory at `dir`.
    Dir {
        /// The watched directory's path as it was added.
        dir: String,
        /// The entry concerned, when the notification names one.
        entry: Option<String>,
    },
    /// The directory at `dir` itself was deleted, moved, or unmounted: the path may name
    /// another directory now, or none.
    Replaced {
        /// The watched directory's path as it was added.
        dir: String,
    },
}

/// An inotify instance with the directories it watches, by path and by watch descriptor.
pub struct Inotify {
    fd: OwnedFd,
    by_wd: FxMap<i32, Vec<String>>,
    /// Ordered, so that the watches of a path and everything below it can be found together.
    by_path: BTreeMap<String, i32>,
    /// Set once a watch could not be added for lack of watches.
    pub exhausted: bool,
}

impl Inotify {
    /// A new non-blocking inotify instance.
    pub fn new() -> std::io::Result<Self> {
        // SAFETY: inotify_init1 takes flags only and returns a new descriptor or -1.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Inotify {
            // SAFETY: fd is a freshly created descriptor nobody else owns.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            by_wd: FxMap::default(),
            by_path: BTreeMap::new(),
            exhausted: false,
        })
    }

    /// Number of directories (paths) watched.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    /// Whether nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Whether `dir` has a watch.
    pub fn watches(&self, dir: &str) -> bool {
        self.by_path.contains_key(dir)
    }

    /// Adds a watch for directory `dir` (nothing to do when it has one).
    pub fn add(&mut self, dir: &str) -> Result<(), WatchError> {
        if self.by_path.contains_key(dir) {
            return Ok(());
        }
        let Ok(c) = CString::new(dir) else {
            return Err(WatchError::Unwatchable);
        };
        // SAFETY: the descriptor is ours and c is a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), c.as_ptr(), MASK) };
        if wd < 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::ENOSPC) {
                self.exhausted = true;
                return Err(WatchError::Exhausted);
            }
            return Err(WatchError::Unwatchable);
        }
        self.by_path.insert(dir.to_string(), wd);
        self.by_wd.entry(wd).or_default().push(dir.to_string());
        Ok(())
    }

    /// Forgets the watches of path `dir` and of every path below it: they may no longer name
    /// the directories watched. A kernel watch no path names any more is removed. The next
    /// listing of such a path adds a watch again ([`WatchingFs`]).
    fn forget_under(&mut self, dir: &str) {
        let below = format!("{}/", dir.trim_end_matches('/'));
        let mut gone: Vec<(String, i32)> = self
            .by_path
            .range::<str, _>((
                std::ops::Bound::Included(below.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(p, _)| p.starts_with(&below))
            .map(|(p, &wd)| (p.clone(), wd))
            .collect();
        if let Some(&wd) = self.by_path.get(dir) {
            gone.push((dir.to_string(), wd));
        }
        for (p, wd) in gone {
            self.by_path.remove(&p);
            let empty = match self.by_wd.get_mut(&wd) {
                Some(paths) => {
                    paths.retain(|q| *q != p);
                    paths.is_empty()
                }
                None => false,
            };
            if empty {
                self.by_wd.remove(&wd);
                // SAFETY: the descriptor is ours; a stale wd only makes the call fail.
                unsafe { libc::inotify_rm_watch(self.fd.as_raw_fd(), wd) };
            }
        }
    }

    /// Reads every queued notification without blocking and passes each to `f`.
    pub fn drain(&mut self, mut f: impl FnMut(Change)) {
        // Aligned for inotify_event; large enough for many events per read.
        let mut buf = vec![0u64; 8192];
        loop {
            // SAFETY: buf is writable for its whole byte length.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len() * std::mem::size_of::<u64>(),
                )
            };
            if n <= 0 {
                // EAGAIN: the queue is empty (EINTR: try again).
                if n < 0
                    && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                {
                    continue;
                }
                return;
            }
            let n = n as usize;
            // SAFETY: the first n bytes were written by the kernel; buf outlives bytes.
            let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), n) };
            let head = std::mem::size_of::<libc::inotify_event>();
            let mut off = 0;
            while off + head <= n {
                // SAFETY: a whole event header lies at off (the kernel writes whole events).
                let ev: libc::inotify_event =
                    unsafe { std::ptr::read_unaligned(bytes[off..].as_ptr().cast()) };
                let name_len = ev.len as usize;
                let name_bytes = bytes.get(off + head..off + head + name_len).unwrap_or(&[]);
                off += head + name_len;
                let name = name_bytes
                    .split(|&b| b == 0)
                    .next()
                    .filter(|b| !b.is_empty())
                    .map(|b| String::from_utf8_lossy(b).into_owned());
                self.apply(ev.wd, ev.mask, name, &mut f);
            }
        }
    }

    fn apply(&mut self, wd: i32, mask: u32, name: Option<String>, f: &mut impl FnMut(Change)) {
        if mask & libc::IN_Q_OVERFLOW != 0 {
            f(Change::Overflow);
            return;
        }
        let Some(paths) = self.by_wd.get(&wd).cloned() else {
            return;
        };
        let replaced =
            libc::IN_DELETE_SELF | libc::IN_MOVE_SELF | libc::IN_UNMOUNT | libc::IN_IGNORED;
        if mask & replaced != 0 {
            for dir in paths {
                self.forget_under(&dir);
                f(Change::Replaced { dir });
            }
            return;
        }
        for dir in paths {
            // An entry created, deleted or renamed: its path may name another directory now.
            if let Some(n) = &name {
                if mask
                    & (libc::IN_CREATE | libc::IN_DELETE | libc::IN_MOVED_FROM | libc::IN_MOVED_TO)
                    != 0
                {
                    self.forget_under(&format!("{}/{n}", dir.trim_end_matches('/')));
                }
            }
            f(Change::Dir {
                dir,
                entry: name.clone(),
            });
        }
    }
}

/// The real file system, adding a watch to each directory under the indexed roots before it is
/// listed, so that records made from a listing are watched from before it was read.
pub struct WatchingFs<'a> {
    os: OsFs,
    notify: &'a RefCell<Option<Inotify>>,
    srcs: &'a [String],
}

impl WatchingFs<'_> {
    fn under_roots(&self, path: &str) -> bool {
        self.srcs.iter().any(|s| {
            path.strip_prefix(s.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with('/'))
        })
    }
}

impl Fs for WatchingFs<'_> {
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FsError> {
        self.os.read(path)
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        if path.starts_with('/') && self.under_roots(path) {
            if let Some(n) = self.notify.borrow_mut().as_mut() {
                // Exhaustion is noticed by the next request (it falls back to stat checks);
                // this listing is fresh either way.
                let _ = n.add(path);
            }
        }
        self.os.read_dir(path)
    }

    fn stat(&self, path: &str) -> Result<Metadata, FsError> {
        self.os.stat(path)
    }

    fn describe(&self) -> String {
        format!("{} (watched)", self.os.describe())
    }
}

/// What [`WatchedGopkg::open`] did.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetupStats {
    /// Directories in the index.
    pub dirs: usize,
    /// Watches added.
    pub watches: usize,
    /// Records validated by the up-front `stat`s.
    pub validated: usize,
    /// Nanoseconds spent loading or building the index.
    pub open_ns: u64,
    /// Nanoseconds spent adding watches.
    pub watch_ns: u64,
    /// Nanoseconds spent validating after the watches were added.
    pub validate_ns: u64,
}

/// What [`WatchedGopkg::begin`] applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drained {
    /// Notifications read.
    pub events: usize,
    /// Whether the queue had overflowed.
    pub overflow: bool,
    /// Whether this request runs with stat checks (no watches).
    pub fallback: bool,
    /// Final answers memoised by earlier requests and kept for this one (0 when they were
    /// dropped: see [`WatchedGopkg::take_memos`]).
    pub kept_answers: usize,
}

/// The gopkg index of a long-running process, kept current by inotify.
pub struct WatchedGopkg {
    /// The index.
    pub index: GopkgIndex,
    notify: RefCell<Option<Inotify>>,
    srcs: Vec<String>,
    /// Set-up costs.
    pub setup: SetupStats,
    /// Why watching stopped (the process falls back to stat checks), once it has.
    pub fallback_reason: Option<String>,
    /// The lookups' memos, kept from one request to the next.
    ///
    /// Why this is sound: every memo (answers per importer context, vendor chains, go.mod
    /// facts per directory level, go.mod module paths) is a function of the index's records
    /// and of the configuration (roots, build context), nothing else; the configuration is
    /// fixed for the process. A record changes only (a) when a notification is applied in
    /// [`WatchedGopkg::begin`] — then the memos are dropped before the request's lookups run,
    /// whatever the notification was, and always on overflow; or (b) when a lookup re-walks a
    /// subtree, which bumps [`GopkgIndex::generation`] — the resolver drops its memos at
    /// once, [`Resolver::take_memos`] returns none filled under an older generation, and
    /// [`Resolver::with_index_and_memos`] uses none whose generation is not the index's. A
    /// memo hit skips the probes that would have re-checked a record, so without watches (stat
    /// checks per request: nothing says what changed) memos are never kept.
    ///
    /// [`Resolver::take_memos`]: crate::pkg::gopath::Resolver::take_memos
    /// [`Resolver::with_index_and_memos`]: crate::pkg::gopath::Resolver::with_index_and_memos
    memos: ResolverMemos,
}

/// `/proc/sys/fs/inotify/max_user_watches`, when readable.
pub fn max_user_watches() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

impl WatchedGopkg {
    /// Loads or builds the index for `roots` (decisions in `trace`), watches every indexed
    /// directory, then validates the records once with `threads` threads.
    pub fn open(roots: &[Root], trace: &mut Trace, clock: &dyn Clock, threads: usize) -> Self {
        let t0 = clock.now_nanos();
        let index = gopkg_index_store::open(roots, trace, clock);
        let t1 = clock.now_nanos();
        Self::watch(index, roots, clock, threads, t1 - t0)
    }

    /// Watches every directory of an open index, then validates its records once (see the
    /// module documentation); `open_ns` is what opening it cost.
    pub fn watch(
        mut index: GopkgIndex,
        roots: &[Root],
        clock: &dyn Clock,
        threads: usize,
        open_ns: u64,
    ) -> Self {
        let t1 = clock.now_nanos();
        let mut fallback_reason = None;
        let mut notify = match Inotify::new() {
            Ok(n) => Some(n),
            Err(e) => {
                fallback_reason = Some(format!("inotify unavailable: {e}"));
                None
            }
        };
        if let Some(n) = notify.as_mut() {
            let dirs: Vec<String> = index.live_ids().map(|id| index.dir_path(id)).collect();
            for d in &dirs {
                if n.add(d) == Err(WatchError::Exhausted) {
                    fallback_reason = Some(format!(
                        "out of inotify watches after {} of {} directories \
                         (/proc/sys/fs/inotify/max_user_watches is {})",
                        n.len(),
                        dirs.len(),
                        max_user_watches().map_or("unknown".to_string(), |m| m.to_string())
                    ));
                    break;
                }
            }
        }
        if fallback_reason.is_some() {
            notify = None;
        }
        let watches = notify.as_ref().map_or(0, Inotify::len);
        let t2 = clock.now_nanos();
        let validated = if notify.is_some() {
            gopkg_index_store::prevalidate(&mut index, threads)
        } else {
            0
        };
        let t3 = clock.now_nanos();
        let srcs = roots.iter().map(Root::src).collect();
        let dirs = index.len();
        WatchedGopkg {
            index,
            notify: RefCell::new(notify),
            srcs,
            setup: SetupStats {
                dirs,
                watches,
                validated,
                open_ns,
                watch_ns: t2 - t1,
                validate_ns: t3 - t2,
            },
            fallback_reason,
            memos: ResolverMemos::default(),
        }
    }

    /// Whether the index is kept current by watches (false: stat checks per request).
    pub fn watching(&self) -> bool {
        self.notify.borrow().is_some()
    }

    /// Starts a request: applies every queued notification (or, without watches, starts a new
    /// stat-checked session), and returns what it did.
    pub fn begin(&mut self) -> Drained {
        let mut d = Drained::default();
        let exhausted = self.notify.borrow().as_ref().is_some_and(|n| n.exhausted);
        if exhausted {
            let max = max_user_watches().map_or("unknown".to_string(), |m| m.to_string());
            self.fallback_reason = Some(format!(
                "out of inotify watches (/proc/sys/fs/inotify/max_user_watches is {max})"
            ));
            *self.notify.borrow_mut() = None;
        }
        let mut notify = self.notify.borrow_mut();
        let Some(n) = notify.as_mut() else {
            d.fallback = true;
            self.memos = ResolverMemos::default();
            self.index.new_session();
            return d;
        };
        let index = &mut self.index;
        let srcs = &self.srcs;
        let overflowed = &mut d.overflow;
        let events = &mut d.events;
        n.drain(|c| {
            *events += 1;
            match c {
                Change::Overflow => {
                    *overflowed = true;
                    index.touch_all();
                }
                Change::Dir { dir, entry } => {
                    for (root, rel) in rels(srcs, &dir) {
                        index.touch(root, rel, entry.as_deref());
                    }
                }
                Change::Replaced { dir } => {
                    for (root, rel) in rels(srcs, &dir) {
                        index.touch_subtree(root, rel);
                    }
                }
            }
        });
        if d.overflow {
            // Lost notifications may have been renames: no path's watch can be trusted to be on
            // the directory the path names now. A new instance starts with none; every record
            // is walked again before use, and each walk adds the watches as it lists.
            match Inotify::new() {
                Ok(fresh) => *n = fresh,
                Err(e) => {
                    drop(notify);
                    self.fallback_reason = Some(format!("inotify unavailable: {e}"));
                    *self.notify.borrow_mut() = None;
                    d.fallback = true;
                    self.index.new_session();
                }
            }
        }
        if d.events > 0 || d.overflow || d.fallback {
            self.memos = ResolverMemos::default();
        }
        d.kept_answers = self.memos.answers();
        d
    }

    /// The memos kept from the previous request, to pass to
    /// [`Resolver::with_index_and_memos`] with [`WatchedGopkg::parts`]; empty after
    /// [`WatchedGopkg::begin`] applied any notification, and always without watches.
    ///
    /// [`Resolver::with_index_and_memos`]: crate::pkg::gopath::Resolver::with_index_and_memos
    pub fn take_memos(&mut self) -> ResolverMemos {
        let m = std::mem::take(&mut self.memos);
        if self.watching() {
            m
        } else {
            ResolverMemos::default()
        }
    }

    /// Keeps a finished request's memos ([`Resolver::take_memos`]) for the next request; they
    /// are dropped without watches.
    ///
    /// [`Resolver::take_memos`]: crate::pkg::gopath::Resolver::take_memos
    pub fn keep_memos(&mut self, memos: ResolverMemos) {
        self.memos = if self.watching() {
            memos
        } else {
            ResolverMemos::default()
        };
    }

    /// The file system for this request's lookups (adds watches to directories it lists) and
    /// the index, to pass to [`crate::pkg::gopath::Resolver::with_index`].
    pub fn parts(&mut self, cwd: &std::path::Path) -> (WatchingFs<'_>, &mut GopkgIndex) {
        (
            WatchingFs {
                os: OsFs::new(cwd),
                notify: &self.notify,
                srcs: &self.srcs,
            },
            &mut self.index,
        )
    }

    /// Number of directories watched.
    pub fn watch_count(&self) -> usize {
        self.notify.borrow().as_ref().map_or(0, Inotify::len)
    }
}

/// Each root (by position in `srcs`, the roots' `src` directories) that `dir` lies in, with
/// its path below that root's `src`.
fn rels<'d>(srcs: &'d [String], dir: &'d str) -> impl Iterator<Item = (usize, &'d str)> + 'd {
    srcs.iter()
        .enumerate()
        .filter_map(move |(root, src)| match dir.strip_prefix(src.as_str()) {
            Some("") => Some((root, "")),
            Some(r) => r.strip_prefix('/').map(|r| (root, r)),
            None => None,
        })
}
