//! Faults in and around the modfile cache: each run gives the right answer or the go command's
//! error, never a wrong answer, never a panic.
//!
//! * entries, the index and snapshots truncated, corrupted, swapped and deleted between runs;
//! * 8 processes of the built binary on one cache directory at once, on one main module and on
//!   eight different ones whose index updates overlap (no key may be lost);
//! * a go.sum whose `/go.mod` hash is wrong (the go command's checksum error, also when the
//!   cache was filled from a correct go.sum);
//! * a directory replacement's go.mod edited with its size and modification time restored;
//! * an unknown `GOEXPERIMENT` name.

mod common;

use modscope::native::cache_store::{decode_pack, encode_pack};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_modscope");

struct Universe {
    dir: PathBuf,
    cache: PathBuf,
}

#[derive(Debug, PartialEq, Eq)]
struct Run {
    exit: i32,
    stdout: String,
    stderr: String,
}

impl Universe {
    /// A generated universe of `modules` modules from `seed`, without module zips (none of
    /// these tests lists packages); `extra` goes to the generator as it is.
    fn generate(name: &str, modules: u32, seed: u32, extra: &[&str]) -> Universe {
        let dir = std::env::temp_dir().join(format!(
            "modscope-cache-faults-{}-{name}",
            std::process::id()
        ));
        let o = Command::new("python3")
            .arg(common::shared_dir().join("oracle/gen_universe.py"))
            .arg("--out")
            .arg(&dir)
            .arg("--force")
            .args(["--modules", &modules.to_string()])
            .args(["--seed", &seed.to_string()])
            .arg("--no-zips")
            .args(extra)
            .output()
            .expect("python3 runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        Universe {
            cache: dir.join("cache"),
            dir,
        }
    }

    /// `modscope args` in the main module with only this universe's environment; the cache on
    /// through `GOEXPERIMENT` when `cache`.
    fn command(&self, args: &[&str], cache: bool) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .current_dir(self.dir.join("main"))
            .env_clear()
            .envs(go_env(&self.dir, &self.cache));
        if cache {
            c.env("GOEXPERIMENT", "modfilecache");
        }
        c
    }

    fn run(&self, args: &[&str], cache: bool) -> Run {
        to_run(self.command(args, cache).output().expect("modscope runs"))
    }

    /// `list -m all` (with `-x` when `x`) in `dir`, with the extra environment `extra`.
    fn list_in(&self, dir: &Path, extra: &[(&str, &str)], x: bool, cache: bool) -> Run {
        let args: &[&str] = if x {
            &["list", "-m", "-x", "all"]
        } else {
            &["list", "-m", "all"]
        };
        let mut c = self.command(args, cache);
        c.current_dir(dir).envs(extra.iter().copied());
        to_run(c.output().expect("modscope runs"))
    }

    fn modfile(&self) -> PathBuf {
        self.cache.join("modfile")
    }
}

impl Drop for Universe {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The environment of a run on the universe (or fixture tree) at `dir`: its file proxy and
/// module cache, `-mod=mod`, no workspace, no checksum database, the modfile cache at `cache`.
fn go_env(dir: &Path, cache: &Path) -> [(&'static str, String); 8] {
    [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", dir.display().to_string()),
        ("GOPROXY", format!("file://{}", dir.join("proxy").display())),
        ("GOMODCACHE", dir.join("modcache").display().to_string()),
        ("GOFLAGS", "-mod=mod".to_string()),
        ("GOWORK", "off".to_string()),
        ("GOSUMDB", "off".to_string()),
        ("MODSCOPE_CACHE", cache.display().to_string()),
    ]
}

/// `modscope cache args` on the cache directory `cache`.
fn cache_cmd(cache: &Path, args: &[&str]) -> Run {
    to_run(
        Command::new(BIN)
            .arg("cache")
            .args(args)
            .env("MODSCOPE_CACHE", cache)
            .output()
            .expect("modscope runs"),
    )
}

/// Starts `c` with its output captured, to be collected with `wait_with_output`.
fn spawn_captured(c: &mut Command) -> std::process::Child {
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn to_run(o: Output) -> Run {
    let r = Run {
        exit: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "panic: {}", r.stderr);
    r
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn truncate(p: &Path) {
    let d = std::fs::read(p).unwrap();
    std::fs::write(p, &d[..d.len() / 2]).unwrap();
}

fn corrupt(p: &Path) {
    let mut d = std::fs::read(p).unwrap();
    let i = d.len() / 3;
    d[i] ^= 0x55;
    std::fs::write(p, d).unwrap();
}

/// Every way of damaging the cache between runs; each must leave answers unchanged.
#[test]
fn damaged_cache_files_never_change_an_answer() {
    let u = Universe::generate("damage", 50, 11, &["--local-replaces", "1"]);
    let list = ["list", "-m", "-x", "all"];
    let want = u.run(&list, false);
    assert_eq!(want.exit, 0, "{}", want.stderr);
    let graph = u.run(&["mod", "graph"], false).stdout;

    type Fault = (&'static str, bool, fn(&Path));
    let faults: &[Fault] = &[
        // (name, keep the snapshot, damage)
        ("truncate entries", false, |m| {
            files_under(&m.join("packs"))
                .iter()
                .step_by(3)
                .for_each(|p| truncate(p))
        }),
        ("corrupt entries", false, |m| {
            files_under(&m.join("packs"))
                .iter()
                .step_by(2)
                .for_each(|p| corrupt(p))
        }),
        ("swap entries", false, |m| {
            // A valid pack under the same name with its entries in reverse order: every index
            // pointer now lands on another entry (or between two).
            for p in files_under(&m.join("packs")) {
                let data = std::fs::read(&p).unwrap();
                let mut entries = decode_pack(&data).unwrap();
                assert!(entries.len() > 2, "{} entries", entries.len());
                entries.reverse();
                let items: Vec<_> = entries.iter().map(|(e, b)| (e, b.as_slice())).collect();
                std::fs::write(&p, encode_pack(&items).0).unwrap();
            }
        }),
        ("delete entries", false, |m| {
            files_under(&m.join("packs"))
                .iter()
                .step_by(2)
                .for_each(|p| {
                    std::fs::remove_file(p).unwrap();
                })
        }),
        ("truncate index", false, |m| truncate(&m.join("index"))),
        ("corrupt index", false, |m| corrupt(&m.join("index"))),
        ("delete index", false, |m| {
            std::fs::remove_file(m.join("index")).unwrap()
        }),
        ("empty index", false, |m| {
            std::fs::write(m.join("index"), b"").unwrap()
        }),
        ("truncate snapshot", true, |m| {
            files_under(&m.join("snapshots"))
                .iter()
                .for_each(|p| truncate(p))
        }),
        ("corrupt snapshot", true, |m| {
            files_under(&m.join("snapshots"))
                .iter()
                .for_each(|p| corrupt(p))
        }),
        ("garbage files", true, |m| {
            std::fs::write(m.join("packs/zz"), b"not a pack").unwrap();
            std::fs::create_dir_all(m.join("packs/ab")).unwrap();
            std::fs::write(m.join("packs/not-a-hash.pack"), b"x").unwrap();
            std::fs::write(m.join("runs.log"), b"garbage line\nv1 1 2\n").unwrap();
        }),
    ];
    for (name, keep_snapshot, damage) in faults {
        let _ = std::fs::remove_dir_all(&u.cache);
        let cold = u.run(&list, true);
        assert_eq!(cold.stdout, want.stdout, "{name}: cold run");
        if !keep_snapshot {
            let _ = std::fs::remove_dir_all(u.modfile().join("snapshots"));
        }
        damage(&u.modfile());
        let after = u.run(&list, true);
        assert_eq!(
            (after.exit, &after.stdout),
            (0, &want.stdout),
            "{name}: run after damage\n{}",
            after.stderr
        );
        if name.contains("corrupt") || name.contains("truncate") || name.contains("swap") {
            assert!(
                after.stderr.contains("# warning: modfile cache: corrupt"),
                "{name}: -x shows no warning:\n{}",
                after.stderr
            );
        }
        let again = u.run(&list, true);
        assert_eq!(
            (again.exit, &again.stdout),
            (0, &want.stdout),
            "{name}: rebuilt run"
        );
        assert_eq!(
            u.run(&["mod", "graph"], true).stdout,
            graph,
            "{name}: mod graph"
        );
        let verify = || cache_cmd(&u.cache, &["verify"]);
        let v = verify();
        if *name == "garbage files" {
            // verify reports (and deletes) files that are not entries; then all is clean.
            assert_eq!(v.exit, 1, "{name}: {}", v.stdout);
            let v = verify();
            assert_eq!(v.exit, 0, "{name}: second cache verify: {}", v.stdout);
        } else {
            assert_eq!(
                v.exit, 0,
                "{name}: cache verify after rebuild: {}",
                v.stdout
            );
        }
    }

    // A snapshot filed under another main module's key is refused.
    let _ = std::fs::remove_dir_all(&u.cache);
    u.run(&list, true);
    let first = files_under(&u.modfile().join("snapshots"));
    assert_eq!(first.len(), 1);
    let gomod = u.dir.join("main/go.mod");
    let original = std::fs::read(&gomod).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"// a comment changes the snapshot key\n");
    std::fs::write(&gomod, &edited).unwrap();
    u.run(&list, true);
    let both = files_under(&u.modfile().join("snapshots"));
    let second = both
        .iter()
        .find(|p| !first.contains(p))
        .expect("a second snapshot");
    std::fs::copy(&first[0], second).unwrap();
    let swapped = u.run(&list, true);
    assert_eq!(swapped.stdout, want.stdout, "swapped snapshot");
    assert!(swapped
        .stderr
        .contains("# warning: modfile cache: corrupt snapshot"));
    std::fs::write(&gomod, &original).unwrap();
}

#[test]
fn eight_processes_share_one_cache_directory() {
    let u = Universe::generate("concurrent", 80, 12, &["--local-replaces", "1"]);
    let want = u.run(&["list", "-m", "all"], false);
    assert_eq!(want.exit, 0, "{}", want.stderr);
    for round in 0..3 {
        let children: Vec<_> = (0..8)
            .map(|i| {
                spawn_captured(&mut u.command(
                    if i % 2 == 0 {
                        &["list", "-m", "all"]
                    } else {
                        &["list", "-m", "-modfile-cache", "all"]
                    },
                    i % 2 == 0,
                ))
            })
            .collect();
        for c in children {
            let r = to_run(c.wait_with_output().unwrap());
            assert_eq!(
                (r.exit, &r.stdout),
                (0, &want.stdout),
                "round {round}: {}",
                r.stderr
            );
        }
    }
    let v = cache_cmd(&u.cache, &["verify"]);
    assert_eq!(v.exit, 0, "{}", v.stdout);
    let s = cache_cmd(&u.cache, &["stats", "-json"]);
    let stats: serde_json::Value = serde_json::from_str(&s.stdout).unwrap();
    assert_eq!(stats["runs"], 24, "{}", s.stdout);
}

/// The module@version keys `cache show -json` lists for the cache at `cache`.
fn index_keys(cache: &Path) -> std::collections::BTreeSet<String> {
    let s = cache_cmd(cache, &["show", "-json"]);
    assert_eq!(s.exit, 0, "{}", s.stderr);
    let v: serde_json::Value = serde_json::from_str(&s.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["key"].as_str())
        .filter(|k| k.contains('@'))
        .map(str::to_string)
        .collect()
}

/// Eight main modules, each needing a different part of the universe, fill one cache directory
/// at once: the index must end up with every key each of them stores alone (a read-modify-write
/// race that let one process overwrite another's index would lose some).
#[test]
fn eight_processes_with_different_keys_lose_none() {
    let u = Universe::generate("concurrent-keys", 80, 12, &["--local-replaces", "1"]);
    let text = std::fs::read_to_string(u.dir.join("main/go.mod")).unwrap();
    let (head, rest) = text.split_once("require (\n").unwrap();
    let (block, tail) = rest.split_once(")\n").unwrap();
    let requires: Vec<&str> = block.lines().map(str::trim).collect();
    assert!(requires.len() >= 8, "{requires:?}");
    let mains: Vec<PathBuf> = (0..8)
        .map(|i| {
            let d = u.dir.join(format!("main{i}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::copy(u.dir.join("main/main.go"), d.join("main.go")).unwrap();
            std::fs::write(
                d.join("go.mod"),
                format!("{head}require {}\n{tail}", requires[i]),
            )
            .unwrap();
            d
        })
        .collect();
    let list = |dir: &Path, cache: &Path| {
        let mut c = u.command(&["list", "-m", "all"], true);
        c.current_dir(dir).env("MODSCOPE_CACHE", cache);
        c
    };
    // What each main module stores on its own, and its answer.
    let mut want_keys = std::collections::BTreeSet::new();
    let mut answers = Vec::new();
    for (i, d) in mains.iter().enumerate() {
        let alone = u.dir.join(format!("cache-alone-{i}"));
        let r = to_run(list(d, &alone).output().unwrap());
        assert_eq!(r.exit, 0, "{}", r.stderr);
        answers.push(r.stdout);
        let keys = index_keys(&alone);
        assert!(!keys.is_empty());
        want_keys.extend(keys);
    }
    let distinct: std::collections::BTreeSet<&String> = answers.iter().collect();
    assert!(distinct.len() > 4, "the main modules need different graphs");
    for round in 0..2 {
        let shared = u.dir.join(format!("cache-shared-{round}"));
        let children: Vec<_> = mains
            .iter()
            .map(|d| {
                // Every process holds its index update open for a while: unlocked, they
                // would all merge into the same old index and the last one would win.
                spawn_captured(list(d, &shared).env("MODSCOPE_CACHE_MERGE_PAUSE_MS", "40"))
            })
            .collect();
        for (c, want) in children.into_iter().zip(&answers) {
            let r = to_run(c.wait_with_output().unwrap());
            assert_eq!(
                (r.exit, &r.stdout),
                (0, want),
                "round {round}: {}",
                r.stderr
            );
        }
        let got = index_keys(&shared);
        let lost: Vec<&String> = want_keys.difference(&got).collect();
        assert!(lost.is_empty(), "round {round}: keys lost: {lost:?}");
    }
}

/// Replaces the hash of a `/go.mod` line in the middle of main/go.sum with a wrong one.
fn break_gosum(u: &Universe) -> String {
    let p = u.dir.join("main/go.sum");
    let text = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let gomod: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i]
                .split(' ')
                .nth(1)
                .is_some_and(|v| v.ends_with("/go.mod"))
        })
        .collect();
    assert!(!gomod.is_empty());
    let a = gomod[gomod.len() / 2];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let f: Vec<&str> = lines[a].split(' ').collect();
    out[a] = format!("{} {} h1:{}=", f[0], f[1], "A".repeat(43));
    std::fs::write(&p, out.join("\n") + "\n").unwrap();
    format!("{}@{}", f[0], f[1])
}

#[test]
fn wrong_gomod_hash_in_gosum_is_the_go_commands_error() {
    let u = Universe::generate("gosum", 40, 13, &["--gosum", "full", "--p-go117", "0"]);
    let list = ["list", "-m", "all"];
    let good = u.run(&list, false);
    assert_eq!(good.exit, 0, "{}", good.stderr);
    // Fill the cache (and its snapshot) from the correct go.sum.
    assert_eq!(u.run(&list, true).stdout, good.stdout);
    assert_eq!(u.run(&list, true).stdout, good.stdout);
    let broken = break_gosum(&u);

    let off = u.run(&list, false);
    assert_eq!(off.exit, 1, "cache off: {}", off.stdout);
    assert!(off.stdout.is_empty());
    assert!(
        off.stderr
            .starts_with(&format!("verifying {broken}: checksum mismatch\n")),
        "{}",
        off.stderr
    );
    let warm = u.run(&["list", "-m", "-x", "all"], true);
    assert_eq!(warm.exit, 1);
    assert!(warm.stdout.is_empty(), "a poisoned entry gave an answer");
    assert!(warm.stderr.ends_with(&off.stderr), "{}", warm.stderr);
    let cold = {
        let _ = std::fs::remove_dir_all(&u.cache);
        u.run(&list, true)
    };
    assert_eq!(cold, off);
    // And again, with whatever the failed runs left in the cache.
    assert_eq!(u.run(&list, true), off);

    // The go command says the same.
    if common::go_command().is_some() {
        let sh = common::shared_dir().join("oracle/oracle.sh");
        let o = Command::new("sh")
            .arg(sh)
            .arg(&u.dir)
            .args(["go", "list", "-m", "all"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&o.stderr), off.stderr);
    }
}

fn run_edit(dir: &Path, cache: &Path, on: bool, x: bool) -> Run {
    let mut c = Command::new(BIN);
    c.args(["mod", "graph"]);
    if x {
        c.arg("-x");
    }
    if on {
        c.arg("-modfile-cache");
    }
    to_run(
        c.current_dir(dir.join("main"))
            .env_clear()
            .envs(go_env(dir, cache))
            .output()
            .unwrap(),
    )
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

#[test]
fn local_gomod_edited_with_size_and_mtime_restored_is_read_again() {
    let dir = std::env::temp_dir().join(format!("modscope-cache-edit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&common::repo_root().join("tests/cache/edit"), &dir);
    let cache = dir.join("cache");
    let local = dir.join("local/go.mod");
    // An old modification time, so the stamp is not "too recent to trust".
    let touch = Command::new("touch")
        .args(["-d", "2020-01-01T00:00:00"])
        .arg(&local)
        .status()
        .unwrap();
    assert!(touch.success());
    let before = run_edit(&dir, &cache, false, false);
    assert_eq!(before.exit, 0, "{}", before.stderr);
    assert!(before.stdout.contains("example.com/b@v1.0.0"));
    assert_eq!(run_edit(&dir, &cache, true, false), before);
    let memo = run_edit(&dir, &cache, true, true);
    assert_eq!(memo.stdout, before.stdout);
    assert!(
        memo.stderr
            .contains("# modfile cache: build list from snapshot memo")
            && memo.stderr.contains("1 local go.mod files unchanged"),
        "the answer should come from the memo:\n{}",
        memo.stderr
    );
    // Without the memo, the snapshot's file key answers for the unchanged local go.mod.
    std::fs::remove_dir_all(cache.join("modfile/memo")).unwrap();
    let warm = run_edit(&dir, &cache, true, true);
    assert_eq!(warm.stdout, before.stdout);
    assert!(
        warm.stderr
            .lines()
            .any(|l| l.starts_with("# using modfile cache: ") && l.contains("local/go.mod")),
        "the unchanged local go.mod should come from the cache:\n{}",
        warm.stderr
    );
    // Memoize again, so that the edit below must get past the memo too.
    assert_eq!(run_edit(&dir, &cache, true, false), before);

    // Same size, same modification time, different content.
    let reference = dir.join("ref");
    std::fs::copy(&local, &reference).unwrap();
    let touch_ref = Command::new("touch")
        .arg("-r")
        .arg(&local)
        .arg(&reference)
        .status()
        .unwrap();
    assert!(touch_ref.success());
    let text = std::fs::read_to_string(&local).unwrap();
    let edited = text.replace("example.com/b v1.0.0", "example.com/b v1.0.1");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&local, edited).unwrap();
    let restore = Command::new("touch")
        .arg("-r")
        .arg(&reference)
        .arg(&local)
        .status()
        .unwrap();
    assert!(restore.success());

    let after_off = run_edit(&dir, &cache, false, false);
    assert!(
        after_off.stdout.contains("example.com/b@v1.0.1"),
        "{}",
        after_off.stdout
    );
    let after_on = run_edit(&dir, &cache, true, true);
    assert_eq!(
        after_on.stdout, after_off.stdout,
        "stale go.mod served:\n{}",
        after_on.stderr
    );
    assert!(
        after_on.stderr.contains("local/go.mod changed on disk"),
        "{}",
        after_on.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_goexperiment_is_an_error() {
    let dir = std::env::temp_dir().join(format!("modscope-cache-goexp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&common::repo_root().join("tests/cache/edit"), &dir);
    let o = to_run(
        Command::new(BIN)
            .args(["list", "-m", "all"])
            .current_dir(dir.join("main"))
            .env("GOEXPERIMENT", "modfilecache,modfilecash")
            .env("GOPROXY", format!("file://{}", dir.join("proxy").display()))
            .env("GOFLAGS", "-mod=mod")
            .env("GOWORK", "off")
            .env("MODSCOPE_CACHE", dir.join("cache"))
            .output()
            .unwrap(),
    );
    assert_eq!(o.exit, 1);
    assert_eq!(o.stderr, "go: unknown GOEXPERIMENT modfilecash\n");
    assert!(
        !dir.join("cache").exists(),
        "nothing is written when the command fails"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Moves the modification time of every file of the directory replacements 10 s back: files
/// changed within 2 s of a run are never given a stamp key (so nothing built from them is
/// memoized).
fn age_local_files(u: &Universe) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    for p in files_under(&u.dir.join("local")) {
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(past).unwrap();
    }
}

/// `list -m all` in `dir`: with the cache off, then twice with it on (the first fills the memo,
/// the second must use it). Returns the answer.
fn memo_round(u: &Universe, dir: &Path, extra: &[(&str, &str)], what: &str) -> Run {
    age_local_files(u);
    let off = u.list_in(dir, extra, false, false);
    let first = u.list_in(dir, extra, false, true);
    assert_eq!(first, off, "{what}: first cached run");
    let used = u.list_in(dir, extra, true, true);
    assert_eq!(
        (used.exit, &used.stdout),
        (off.exit, &off.stdout),
        "{what}: memo run"
    );
    if off.exit == 0 {
        assert!(
            used.stderr
                .contains("# modfile cache: build list from snapshot memo"),
            "{what}: memo not used:\n{}",
            used.stderr
        );
    }
    off
}

/// The first requirement that changes `list -m all`'s answer when added to `gomod`: a listed
/// module at another version its proxy has.
fn answer_changing_require(u: &Universe, answer: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in answer.lines().skip(1) {
        let mut f = line.split(' ');
        let (Some(path), Some(version)) = (f.next(), f.next()) else {
            continue;
        };
        if path.chars().any(|c| c.is_ascii_uppercase()) || line.contains("=>") {
            continue;
        }
        let list = u.dir.join("proxy").join(path).join("@v/list");
        for v in std::fs::read_to_string(list).unwrap_or_default().lines() {
            if !v.is_empty() && v != version {
                out.push(format!("require {path} {v}\n"));
            }
        }
    }
    out
}

/// Appends requirements to `gomod` until the answer (cache off) changes; returns the new answer.
fn edit_until_changed(u: &Universe, dir: &Path, gomod: &Path, extra: &[(&str, &str)]) -> Run {
    let before = memo_round(u, dir, extra, "before the edit");
    let original = std::fs::read_to_string(gomod).unwrap();
    for req in answer_changing_require(u, &before.stdout) {
        std::fs::write(gomod, format!("{original}{req}")).unwrap();
        let off = u.list_in(dir, extra, false, false);
        if off.exit == 0 && off.stdout != before.stdout {
            return off;
        }
    }
    panic!("no requirement changes the answer of {}", dir.display());
}

/// Every input of a memoized answer invalidates it: the main go.mod, go.sum, a directory
/// replacement's go.mod, go.work. After each edit the cached answer is the uncached one (the
/// edits change the answer, so a stale memo would print the old one), the `-x` line says the
/// memo was not used, and the next run uses the new memo.
#[test]
fn memo_follows_every_input() {
    let u = Universe::generate(
        "memo",
        40,
        5,
        &[
            "--local-replaces",
            "1",
            "--workspace",
            "2",
            "--gosum",
            "full",
        ],
    );
    let main = u.dir.join("main");
    let none: &[(&str, &str)] = &[];

    // The main module's go.mod.
    let gomod = main.join("go.mod");
    let changed = edit_until_changed(&u, &main, &gomod, none);
    let after = u.list_in(&main, none, true, true);
    assert_eq!(after.stdout, changed.stdout, "main go.mod edited");
    assert!(
        !after.stderr.contains("from snapshot memo"),
        "{}",
        after.stderr
    );
    memo_round(&u, &main, none, "main go.mod edited, again");

    // go.sum: a wrong /go.mod hash for a listed module is the go command's checksum error.
    let gosum = main.join("go.sum");
    let sum = std::fs::read_to_string(&gosum).unwrap();
    let broken: String = {
        let mut done = false;
        sum.lines()
            .map(|l| {
                if !done && l.contains("/go.mod h1:") {
                    done = true;
                    let (head, _) = l.rsplit_once(' ').unwrap();
                    format!("{head} h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    };
    std::fs::write(&gosum, &broken).unwrap();
    let off = u.run(&["list", "-m", "all"], false);
    let on = u.run(&["list", "-m", "all"], true);
    assert_eq!(on, off, "go.sum edited");
    std::fs::write(&gosum, &sum).unwrap();
    memo_round(&u, &main, none, "go.sum restored");

    // A directory replacement's go.mod (its stamp changes; no content hash needed).
    let text = std::fs::read_to_string(&gomod).unwrap();
    let local = text
        .lines()
        .find_map(|l| l.split_once("=> ../local/"))
        .map(|(_, d)| main.join(format!("../local/{}", d.trim())))
        .expect("a directory replacement");
    let changed = edit_until_changed(&u, &main, &local.join("go.mod"), none);
    let after = u.list_in(&main, none, true, true);
    assert_eq!(after.stdout, changed.stdout, "local go.mod edited");
    assert!(
        !after.stderr.contains("from snapshot memo"),
        "{}",
        after.stderr
    );

    // go.work: dropping a module from the workspace changes the main modules.
    let ws = u.dir.join("ws");
    let gowork = ws.join("go.work");
    let wenv: &[(&str, &str)] = &[("GOWORK", "auto"), ("GOFLAGS", "")];
    let before = memo_round(&u, &ws, wenv, "workspace");
    let work = std::fs::read_to_string(&gowork).unwrap();
    std::fs::write(&gowork, work.replace("\t./m2\n", "")).unwrap();
    let off = u.list_in(&ws, wenv, false, false);
    assert_ne!(
        off.stdout, before.stdout,
        "the go.work edit changes the answer"
    );
    let after = u.list_in(&ws, wenv, true, true);
    assert_eq!(
        (after.exit, &after.stdout),
        (off.exit, &off.stdout),
        "go.work edited"
    );
    assert!(
        !after.stderr.contains("from snapshot memo"),
        "{}",
        after.stderr
    );
    memo_round(&u, &ws, wenv, "go.work edited, again");
}

/// An edited main go.mod has a new snapshot key; the run starts from the module's previous
/// snapshot (found through `latest/`), so it reads no dependency go.mod again, and answers as
/// the cache off does.
#[test]
fn edited_main_gomod_starts_from_the_previous_snapshot() {
    let u = Universe::generate("incremental", 40, 21, &["--local-replaces", "0"]);
    let list = ["list", "-m", "-x", "all"];
    let first = u.run(&list, true);
    assert_eq!(first.exit, 0, "{}", first.stderr);
    let gomod = u.dir.join("main/go.mod");
    let mut text = std::fs::read_to_string(&gomod).unwrap();
    text.push_str("// a comment: a new snapshot key, the same answer\n");
    std::fs::write(&gomod, &text).unwrap();
    let off = u.run(&list, false);
    let on = u.run(&list, true);
    assert_eq!((on.exit, &on.stdout), (0, &off.stdout));
    let reads: Vec<&str> = on
        .stderr
        .lines()
        .filter(|l| l.starts_with("# read: ") && l.ends_with(".mod)"))
        .collect();
    assert!(reads.is_empty(), "read again:\n{}", reads.join("\n"));
    assert!(
        on.stderr.contains(", snapshot)"),
        "no snapshot hits:\n{}",
        on.stderr
    );
    assert_eq!(files_under(&u.modfile().join("snapshots")).len(), 2);
}

/// `cache export` from one cache directory and `cache import` into an empty one: the imported
/// entries (re-hashed and re-parsed on import) answer a run without reading any go.mod, and
/// `cache verify` finds the imported pack intact.
#[test]
fn export_then_import_answers_from_disk() {
    let u = Universe::generate("export", 30, 31, &["--local-replaces", "0"]);
    let list = ["list", "-m", "-x", "all"];
    let want = u.run(&["list", "-m", "all"], false);
    assert_eq!(want.exit, 0, "{}", want.stderr);
    assert_eq!(u.run(&list, true).stdout, want.stdout);
    let file = u.dir.join("export.bin");
    let e = cache_cmd(&u.cache, &["export", file.to_str().unwrap()]);
    assert_eq!(e.exit, 0, "{}", e.stderr);
    let other = u.dir.join("other-cache");
    let i = cache_cmd(&other, &["import", file.to_str().unwrap()]);
    assert_eq!(i.exit, 0, "{}", i.stderr);
    assert!(i.stdout.contains("skipped 0"), "{}", i.stdout);
    let v = cache_cmd(&other, &["verify"]);
    assert_eq!(v.exit, 0, "{}", v.stdout);
    let mut c = u.command(&list, true);
    c.env("MODSCOPE_CACHE", &other);
    let r = to_run(c.output().unwrap());
    assert_eq!((r.exit, &r.stdout), (0, &want.stdout));
    let reads = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("# read: ") && l.ends_with(".mod)"))
        .count();
    assert_eq!(reads, 0, "{}", r.stderr);
    assert!(r.stderr.contains(", disk)"), "{}", r.stderr);
}
