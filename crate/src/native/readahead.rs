//! The read-ahead pool: worker threads that live for a whole graph load and read (and parse)
//! module files in the order the loader starts them, while the loader's thread works on the
//! graph ([`crate::graph::load::ReadAhead`]).
//!
//! The loader starts a go.mod the moment the graph names its module version and takes the result
//! when it visits that node, so reading overlaps the graph work instead of alternating with it.
//! When the loader needs a file no worker has picked up yet, it reads that file itself rather
//! than wait. Nothing here changes what is read, only on which thread and when.

use crate::graph::intern::Mv;
use crate::graph::load::{Ahead, ParseFn, ReadAhead};
use crate::source::{FileKind, ModuleSource};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// [`Job::state`]: waiting in the queue.
const QUEUED: u8 = 0;
/// A worker is reading it.
const RUNNING: u8 = 1;
/// Read: [`Job::result`] holds it.
const DONE: u8 = 2;
/// The worker reading it failed (panicked): the loader reads it itself.
const LOST: u8 = 3;
/// The loader took it from the queue to read it itself.
const TAKEN: u8 = 4;
/// A worker is reading it and the loader sleeps until it is done ([`Job::waiter`]).
const WAITED: u8 = 5;

/// One started file. Its state moves from `QUEUED` to `RUNNING` (a worker claimed it) or
/// `TAKEN` (the loader did), from `RUNNING` to `WAITED` (the loader waits for it), and from
/// `RUNNING` or `WAITED` to `DONE` or `LOST`.
struct Job {
    kind: FileKind,
    path: String,
    version: String,
    state: AtomicU8,
    result: Mutex<Option<Ahead>>,
    /// The thread waiting for it, woken when it is done (only that thread, only then).
    waiter: std::sync::OnceLock<std::thread::Thread>,
}

/// The queue the workers take jobs from.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Arc<Job>>,
    /// Workers sleeping on `Pool::work` (woken only when there are some: a wake is a syscall).
    idle: usize,
    /// No more work: workers return.
    closed: bool,
}

/// The loader's side of the pool.
#[derive(Default)]
struct Started {
    jobs: FxHashMap<(Mv, FileKind), Arc<Job>>,
    /// Started since the last hand-over to the queue (handed over in groups, so that the queue's
    /// lock is taken once per group rather than once per file).
    pending: Vec<Arc<Job>>,
}

/// Counts of what happened to the pool's files and how long its threads slept: where a load's
/// reading went ([`Pool::stats`]). Counting is a relaxed atomic add per file; only sleeps are
/// timed (two clock reads per sleep).
#[derive(Debug, Default)]
pub struct Stats {
    /// Files started (each distinct file once).
    pub started: AtomicU64,
    /// Files a worker had read when the loader took them.
    pub ahead: AtomicU64,
    /// Files the loader read itself because no worker had picked them up.
    pub by_loader: AtomicU64,
    /// Files the loader needed while a worker was reading them.
    pub waited: AtomicU64,
    /// Of those, the times the loader slept (parked) until the worker was done.
    pub parked: AtomicU64,
    /// Files the loader read from the queue while a worker read the one it needed.
    pub loader_helped: AtomicU64,
    /// Nanoseconds the loader slept in parks.
    pub parked_ns: AtomicU64,
    /// Times a worker found the queue empty and slept.
    pub worker_sleeps: AtomicU64,
    /// Nanoseconds workers slept on an empty queue (summed over workers).
    pub worker_sleep_ns: AtomicU64,
}

impl Stats {
    /// One line for a person: `read-ahead: N files started, …`.
    pub fn summary(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "read-ahead: {} files started; {} read ahead by workers, {} read by the loading thread \
             when no worker had them, {} needed while a worker read them ({} parked, {:.2} ms), \
             {} read by the loading thread while waiting; workers slept {} times, {:.2} ms",
            g(&self.started),
            g(&self.ahead),
            g(&self.by_loader),
            g(&self.waited),
            g(&self.parked),
            g(&self.parked_ns) as f64 / 1e6,
            g(&self.loader_helped),
            g(&self.worker_sleeps),
            g(&self.worker_sleep_ns) as f64 / 1e6,
        )
    }
}

/// Adds one to a counter.
fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

/// Files handed to the workers at once (and taken off the queue at once by a worker).
const GROUP: usize = 8;

/// A read-ahead pool over a module source and a go.mod parser. Run [`Pool::work`] on each
/// worker thread; call [`Pool::close`] (or drop a [`Pool::closer`]) to let them return.
///
/// Workers and the loader share only the queue's lock, held for a push or a pop; each file's
/// progress is an atomic state, and the loader sleeps only when the file it needs is being read
/// by a worker at that moment.
pub struct Pool<'s> {
    queue: Mutex<Queue>,
    /// Signalled when work is queued or the pool closes.
    work: Condvar,
    /// Started files by key, and those not yet handed to the workers; only the loader's
    /// thread uses it.
    started: Mutex<Started>,
    closed: AtomicBool,
    modules: &'s dyn ModuleSource,
    parse: &'s ParseFn,
    stats: Stats,
    /// The moment the pool was made, for timing sleeps.
    epoch: std::time::Instant,
}

/// Closes its pool when dropped (also when unwinding, so scoped worker threads can be joined).
pub struct Closer<'p, 's>(&'p Pool<'s>);

impl Drop for Closer<'_, '_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Locks `m`. The pool's locks guard no invariant a panic could break halfway (jobs run
/// unlocked), so a poisoned lock is used as it is.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'s> Pool<'s> {
    /// A pool reading through `modules` and parsing go.mod files with `parse` (the loader's
    /// own source and parser).
    pub fn new(modules: &'s dyn ModuleSource, parse: &'s ParseFn) -> Self {
        Pool {
            queue: Mutex::new(Queue::default()),
            work: Condvar::new(),
            started: Mutex::new(Started::default()),
            closed: AtomicBool::new(false),
            modules,
            parse,
            stats: Stats::default(),
            epoch: std::time::Instant::now(),
        }
    }

    /// What happened to the files started so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Nanoseconds since the pool was made.
    fn nanos(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    /// Lets the workers return (files still queued are read by the loader when it takes them;
    /// files started later are not read ahead).
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let mut q = lock(&self.queue);
        q.closed = true;
        q.jobs.clear();
        drop(q);
        self.work.notify_all();
    }

    /// A guard that closes the pool when dropped.
    pub fn closer(&self) -> Closer<'_, 's> {
        Closer(self)
    }

    /// Reads one file as the loader would, plus what the loader decodes from it.
    fn read(&self, kind: FileKind, path: &str, version: &str) -> Ahead {
        let fetched = self.modules.fetch(path, version, kind);
        let data = fetched.as_ref().ok().map(|f| &*f.data);
        let (parsed, time) = match kind {
            FileKind::Mod => (data.map(|d| (self.parse)("go.mod", d)), None),
            FileKind::Info => (None, data.map(crate::graph::list::info_time)),
            _ => (None, None),
        };
        Ahead {
            fetched,
            parsed,
            time,
        }
    }

    /// Hands `jobs` to the workers, waking one if any sleeps.
    fn hand_over(&self, jobs: &mut Vec<Arc<Job>>) {
        if jobs.is_empty() {
            return;
        }
        let mut q = lock(&self.queue);
        q.jobs.extend(jobs.drain(..));
        let wake = q.idle > 0;
        drop(q);
        if wake {
            self.work.notify_all();
        }
    }

    /// Moves up to [`GROUP`] jobs off the queue into `into`; false when the pool is closed.
    fn next_jobs(&self, into: &mut Vec<Arc<Job>>) -> bool {
        let mut q = lock(&self.queue);
        loop {
            if !q.jobs.is_empty() {
                let n = q.jobs.len().min(GROUP);
                into.extend(q.jobs.drain(..n));
                return true;
            }
            if q.closed {
                return false;
            }
            q.idle += 1;
            bump(&self.stats.worker_sleeps);
            let t = self.nanos();
            q = self.work.wait(q).unwrap_or_else(PoisonError::into_inner);
            self.stats
                .worker_sleep_ns
                .fetch_add(self.nanos().saturating_sub(t), Ordering::Relaxed);
            q.idle -= 1;
        }
    }

    /// A worker thread's loop: reads queued files first in, first out until the pool closes. A
    /// file the loader took meanwhile is skipped.
    pub fn work(&self) {
        let mut jobs = Vec::with_capacity(GROUP);
        while self.next_jobs(&mut jobs) {
            for job in jobs.drain(..) {
                self.run(&job);
            }
        }
    }

    /// Reads `job` unless someone else has claimed it, and wakes the loader if it waits for it.
    fn run(&self, job: &Job) {
        if job
            .state
            .compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.read(job.kind, &job.path, &job.version)
        }));
        let state = match r {
            Ok(a) => {
                *lock(&job.result) = Some(a);
                DONE
            }
            Err(_) => LOST,
        };
        if job.state.swap(state, Ordering::AcqRel) == WAITED {
            if let Some(t) = job.waiter.get() {
                t.unpark();
            }
        }
    }

    /// Waits until a worker has finished `job`; its final state. Meanwhile the waiting thread
    /// reads queued files itself (it would otherwise sit idle while the worker reads), and only
    /// sleeps when there are none.
    fn wait(&self, job: &Job) -> u8 {
        loop {
            let s = job.state.load(Ordering::Acquire);
            if s != RUNNING {
                return s;
            }
            let next = lock(&self.queue).jobs.pop_front();
            match next {
                Some(other) => {
                    bump(&self.stats.loader_helped);
                    self.run(&other)
                }
                None => break,
            }
        }
        // A file takes microseconds: a short spin usually sees it done without sleeping.
        for _ in 0..64 {
            let s = job.state.load(Ordering::Acquire);
            if s != RUNNING {
                return s;
            }
            std::hint::spin_loop();
        }
        let _ = job.waiter.set(std::thread::current());
        if let Err(s) =
            job.state
                .compare_exchange(RUNNING, WAITED, Ordering::AcqRel, Ordering::Acquire)
        {
            return s;
        }
        bump(&self.stats.parked);
        let t = self.nanos();
        let s = loop {
            // Wakes at the worker's unpark (or spuriously: the state says which).
            std::thread::park();
            let s = job.state.load(Ordering::Acquire);
            if s != WAITED {
                break s;
            }
        };
        self.stats
            .parked_ns
            .fetch_add(self.nanos().saturating_sub(t), Ordering::Relaxed);
        s
    }
}

impl ReadAhead for Pool<'_> {
    fn start(&self, key: Mv, kind: FileKind, path: &str, version: &str) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        let mut started = lock(&self.started);
        let started = &mut *started;
        let std::collections::hash_map::Entry::Vacant(e) = started.jobs.entry((key, kind)) else {
            return;
        };
        let job = Arc::new(Job {
            kind,
            path: path.to_string(),
            version: version.to_string(),
            state: AtomicU8::new(QUEUED),
            result: Mutex::new(None),
            waiter: std::sync::OnceLock::new(),
        });
        e.insert(job.clone());
        bump(&self.stats.started);
        started.pending.push(job);
        if started.pending.len() >= GROUP {
            self.hand_over(&mut started.pending);
        }
    }

    fn take(&self, key: Mv, kind: FileKind) -> Option<Ahead> {
        let job = {
            let mut started = lock(&self.started);
            // Whatever was started before this file is needed before it: hand it over now.
            if !self.closed.load(Ordering::Relaxed) {
                self.hand_over(&mut started.pending);
            }
            started.jobs.remove(&(key, kind))?
        };
        let state =
            match job
                .state
                .compare_exchange(QUEUED, TAKEN, Ordering::AcqRel, Ordering::Acquire)
            {
                // No worker has it yet: reading it here beats waiting for one.
                Ok(_) => {
                    bump(&self.stats.by_loader);
                    return Some(self.read(kind, &job.path, &job.version));
                }
                Err(RUNNING) => {
                    bump(&self.stats.waited);
                    self.wait(&job)
                }
                Err(s) => {
                    if s == DONE {
                        bump(&self.stats.ahead);
                    }
                    s
                }
            };
        match state {
            DONE => lock(&job.result).take(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::intern::{PathId, VerId};
    use crate::graph::load::DepGoMod;
    use crate::source::{Fetched, SourceError};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A source whose go.mod for `m<i>` requires nothing and names `m<i>`; `.info` files hold a
    /// time; version `bad` is missing; `boom` panics.
    struct Fake {
        reads: AtomicUsize,
    }

    impl ModuleSource for Fake {
        fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            match version {
                "bad" => {
                    return Err(SourceError::NotFound {
                        message: format!("no {path}"),
                    })
                }
                "boom" => panic!("source failure"),
                _ => {}
            }
            let data = match kind {
                FileKind::Info => format!("{{\"Version\":\"{version}\",\"Time\":\"T-{path}\"}}"),
                _ => format!("module {path}\n"),
            };
            Ok(Fetched {
                data: Arc::from(data.as_bytes()),
                location: format!("{path}@{version}.{}", kind.ext()),
            })
        }
        fn describe(&self) -> String {
            "fake".to_string()
        }
    }

    fn parse(_: &str, data: &[u8]) -> Result<DepGoMod, String> {
        let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
        Ok(DepGoMod {
            module: text
                .strip_prefix("module ")
                .map(|m| m.trim_end().to_string()),
            ..DepGoMod::default()
        })
    }

    fn key(i: u32) -> Mv {
        Mv::new(PathId(i), VerId(2))
    }

    fn module_of(a: &Ahead) -> Option<String> {
        a.parsed.as_ref()?.as_ref().ok()?.module.clone()
    }

    #[test]
    fn workers_read_what_was_started_once_each() {
        let fake = Fake {
            reads: AtomicUsize::new(0),
        };
        let pool = Pool::new(&fake, &parse);
        std::thread::scope(|s| {
            let _close = pool.closer();
            for _ in 0..2 {
                s.spawn(|| pool.work());
            }
            for i in 0..200 {
                pool.start(key(i), FileKind::Mod, &format!("m{i}"), "v1.0.0");
                // Starting the same file again reads it once.
                pool.start(key(i), FileKind::Mod, &format!("m{i}"), "v1.0.0");
            }
            pool.start(key(7), FileKind::Info, "m7", "v1.0.0");
            pool.start(key(500), FileKind::Mod, "gone", "bad");
            for i in (0..200).rev() {
                let a = pool.take(key(i), FileKind::Mod).expect("started");
                assert_eq!(module_of(&a), Some(format!("m{i}")));
                assert!(pool.take(key(i), FileKind::Mod).is_none(), "taken twice");
            }
            let info = pool.take(key(7), FileKind::Info).expect("started");
            assert_eq!(info.time, Some(Ok("T-m7".to_string())));
            assert!(info.parsed.is_none());
            let missing = pool.take(key(500), FileKind::Mod).expect("started");
            assert_eq!(missing.fetched.unwrap_err().message(), "no gone");
            assert!(missing.parsed.is_none());
            assert!(pool.take(key(9999), FileKind::Mod).is_none());
        });
        assert_eq!(fake.reads.load(Ordering::SeqCst), 202);
        // Every file taken was read ahead, by the taker, or while the taker waited for it.
        let s = pool.stats();
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        assert_eq!(g(&s.started), 202);
        assert_eq!(g(&s.ahead) + g(&s.by_loader) + g(&s.waited), 202);
    }

    #[test]
    fn without_workers_the_taker_reads() {
        let fake = Fake {
            reads: AtomicUsize::new(0),
        };
        let pool = Pool::new(&fake, &parse);
        pool.start(key(1), FileKind::Mod, "m1", "v1.0.0");
        let a = pool.take(key(1), FileKind::Mod).expect("started");
        assert_eq!(module_of(&a), Some("m1".to_string()));
        assert_eq!(fake.reads.load(Ordering::SeqCst), 1);
        // Closed: a file still queued is read by the taker; nothing more is started.
        pool.start(key(2), FileKind::Mod, "m2", "v1.0.0");
        pool.close();
        let a = pool
            .take(key(2), FileKind::Mod)
            .expect("started before closing");
        assert_eq!(module_of(&a), Some("m2".to_string()));
        pool.start(key(3), FileKind::Mod, "m3", "v1.0.0");
        assert!(pool.take(key(3), FileKind::Mod).is_none());
        assert_eq!(fake.reads.load(Ordering::SeqCst), 2);
        let stats = pool.stats();
        assert_eq!(stats.started.load(Ordering::Relaxed), 2);
        assert_eq!(stats.by_loader.load(Ordering::Relaxed), 2);
        assert_eq!(stats.ahead.load(Ordering::Relaxed), 0);
        assert!(stats
            .summary()
            .starts_with("read-ahead: 2 files started; 0 read ahead"));
    }

    #[test]
    fn a_failing_read_is_left_to_the_loader() {
        let fake = Fake {
            reads: AtomicUsize::new(0),
        };
        let pool = Pool::new(&fake, &parse);
        std::thread::scope(|s| {
            let _close = pool.closer();
            s.spawn(|| pool.work());
            // A full group is handed to the worker at once; it reads them in order (a read is
            // counted before it fails).
            pool.start(key(0), FileKind::Mod, "m0", "boom");
            for i in 1..GROUP as u32 {
                pool.start(key(i), FileKind::Mod, &format!("m{i}"), "v1.0.0");
            }
            while fake.reads.load(Ordering::SeqCst) < GROUP {
                std::thread::yield_now();
            }
            assert!(pool.take(key(0), FileKind::Mod).is_none());
            for i in 1..GROUP as u32 {
                let a = pool.take(key(i), FileKind::Mod).expect("started");
                assert_eq!(module_of(&a), Some(format!("m{i}")));
            }
            // The worker survived the failure: it reads the next group without the loader.
            for i in 0..GROUP as u32 {
                pool.start(key(100 + i), FileKind::Mod, "n", "v1.0.0");
            }
            while fake.reads.load(Ordering::SeqCst) < 2 * GROUP {
                std::thread::yield_now();
            }
        });
    }
}
