//! Parallel directory walk of GOROOT/GOPATH trees for the gopkg index.
//!
//! The core's [`crate::pkg::index::walk_fs`] walks through the `Fs` trait one directory at a time;
//! this walker does the same work on the real file system with one thread per core pulling
//! directories from a shared queue. Symbolic links to directories are followed as the go command
//! follows them, except into a directory that is already on the current path (a loop): such a
//! directory is recorded as opaque, as is anything deeper than [`MAX_DEPTH`].

use crate::pkg::gopath::Root;
use crate::pkg::index::{WalkedDir, MAX_DEPTH};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

struct Job {
    rel: String,
    /// (device, inode) of every directory from the root down to this one.
    ancestors: Vec<(u64, u64)>,
}

struct Queue {
    jobs: Vec<Job>,
    active: usize,
    out: Vec<WalkedDir>,
}

fn walk_one(src: &Path, job: &Job) -> (WalkedDir, Vec<Job>) {
    let dir: PathBuf = if job.rel.is_empty() {
        src.to_path_buf()
    } else {
        src.join(&job.rel)
    };
    let mut w = WalkedDir {
        rel: job.rel.clone(),
        mtime_ns: None,
        has_go: false,
        has_gomod: false,
        children: Vec::new(),
        opaque: job.ancestors.len() > MAX_DEPTH,
    };
    let mut next = Vec::new();
    if let Ok(m) = std::fs::metadata(&dir) {
        w.mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64);
    }
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return (w, next);
    };
    for entry in rd.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(ft) = entry.file_type() else { continue };
        let meta = if ft.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(m) => m,
                Err(_) => continue,
            }
        } else if ft.is_dir() {
            match entry.metadata() {
                Ok(m) => m,
                Err(_) => continue,
            }
        } else {
            w.has_go |= name.ends_with(".go");
            w.has_gomod |= name == "go.mod";
            continue;
        };
        if !meta.is_dir() {
            w.has_go |= name.ends_with(".go");
            w.has_gomod |= name == "go.mod";
            continue;
        }
        let id = (meta.dev(), meta.ino());
        let rel = if job.rel.is_empty() {
            name.clone()
        } else {
            format!("{}/{}", job.rel, name)
        };
        w.children.push(name);
        if w.opaque {
            continue;
        }
        let mut ancestors = job.ancestors.clone();
        if ancestors.contains(&id) {
            // A link back up the tree: record the directory but do not descend.
            next.push(Job {
                rel,
                ancestors: Vec::new(),
            });
            continue;
        }
        ancestors.push(id);
        next.push(Job { rel, ancestors });
    }
    w.children.sort();
    (w, next)
}

/// Walks `<root>/src` of every root; one list of directories per root, in `roots` order.
pub fn walk_roots(roots: &[Root], threads: usize) -> Vec<Vec<WalkedDir>> {
    roots
        .iter()
        .map(|r| walk_tree(Path::new(&r.src()), threads))
        .collect()
}

/// Walks one tree with `threads` workers.
pub fn walk_tree(src: &Path, threads: usize) -> Vec<WalkedDir> {
    let Ok(meta) = std::fs::metadata(src) else {
        return Vec::new();
    };
    if !meta.is_dir() {
        return Vec::new();
    }
    let queue = Mutex::new(Queue {
        jobs: vec![Job {
            rel: String::new(),
            ancestors: vec![(meta.dev(), meta.ino())],
        }],
        active: 0,
        out: Vec::new(),
    });
    let ready = Condvar::new();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let job = {
                    let Ok(mut q) = queue.lock() else { return };
                    loop {
                        if let Some(j) = q.jobs.pop() {
                            q.active += 1;
                            break j;
                        }
                        if q.active == 0 {
                            ready.notify_all();
                            return;
                        }
                        q = match ready.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                    }
                };
                // A job with no ancestors is a loop back-link: record it as opaque, no walk.
                let (w, next) = if job.ancestors.is_empty() {
                    let mut w = walk_one(
                        src,
                        &Job {
                            rel: job.rel.clone(),
                            ancestors: vec![(0, 0); MAX_DEPTH + 1],
                        },
                    )
                    .0;
                    w.opaque = true;
                    (w, Vec::new())
                } else {
                    walk_one(src, &job)
                };
                let Ok(mut q) = queue.lock() else { return };
                q.out.push(w);
                let n = next.len();
                q.jobs.extend(next);
                q.active -= 1;
                if n > 0 || q.active == 0 {
                    ready.notify_all();
                }
            });
        }
    });
    match queue.into_inner() {
        Ok(q) => q.out,
        Err(p) => p.into_inner().out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_and_stops_at_link_loops() {
        let base = std::env::temp_dir().join(format!("modscope-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let src = base.join("src");
        std::fs::create_dir_all(src.join("a/b")).unwrap();
        std::fs::write(src.join("a/b/x.go"), "package b\n").unwrap();
        std::os::unix::fs::symlink("../..", src.join("a/b/loop")).unwrap();
        std::os::unix::fs::symlink("a", src.join("alias")).unwrap();
        let mut got: Vec<(String, bool, bool)> = walk_tree(&src, 2)
            .into_iter()
            .map(|w| (w.rel, w.has_go, w.opaque))
            .collect();
        got.sort();
        let rels: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert!(rels.contains(&"a/b"), "{got:?}");
        assert!(rels.contains(&"alias/b"), "{got:?}");
        let lp = got
            .iter()
            .find(|g| g.0 == "a/b/loop")
            .expect("loop recorded");
        assert!(lp.2, "loop is opaque");
        assert!(got.iter().any(|g| g.0 == "a/b" && g.1));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
