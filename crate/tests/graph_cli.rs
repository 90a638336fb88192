//! The `modscope` command next to the go command on one generated universe, flag by flag and
//! argument form by argument form (issue 3's "What must exist" list): `list -m` with `all`, module
//! paths, `path@version` queries (exact, `latest`, `upgrade`, `patch`, prefixes, ranges, a main
//! module), `...` patterns, `-e`, `-json`, `-u=false`, `-u` and `-retracted` (Update, Retracted,
//! Deprecated, on a hand-written proxy); `mod graph` and `-go=`; GOFLAGS `-mod=`;
//! GOPROXY lists with `,` and `|`, `off`, and `off` after a proxy that has nothing.
//!
//! Each case runs both commands on fresh copies of the universe's main module (the go command
//! rewrites go.mod under `-mod=mod`) with an empty module cache each (so `GOPROXY=off` means what
//! it says), and compares stdout, stderr (without `go: downloading` lines) and the exit code
//! after replacing the temporary paths by names. Cases the go command cannot answer the same way
//! (GONOPROXY, which sends it to version control; `-C`, which Go 1.19 does not have; an HTTP
//! proxy) are checked against modscope's own answers. Skipped when the go command is not
//! installed (outside CI).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one command printed, paths replaced by names.
#[derive(Debug, PartialEq, Eq)]
struct Out {
    stdout: String,
    stderr: String,
    exit: i32,
}

struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(tag: &str, args: &[&str]) -> Fixture {
        let root =
            std::env::temp_dir().join(format!("modscope-graph-cli-{tag}-{}", std::process::id()));
        let gen = Command::new("python3")
            .arg(common::shared_dir().join("oracle/gen_universe.py"))
            .arg("--out")
            .arg(root.join("u"))
            .arg("--force")
            .args(args)
            .output()
            .expect("python3 runs");
        assert!(
            gen.status.success(),
            "gen_universe.py: {}",
            String::from_utf8_lossy(&gen.stderr)
        );
        Fixture { root }
    }

    /// A hand-written universe: `files` (path under the universe → contents).
    fn from_files(tag: &str, files: &[(&str, String)]) -> Fixture {
        let root =
            std::env::temp_dir().join(format!("modscope-graph-cli-{tag}-{}", std::process::id()));
        let _ = make_writable_and_remove(&root);
        for (rel, text) in files {
            let p = root.join("u").join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
        Fixture { root }
    }

    fn proxy(&self) -> PathBuf {
        self.root.join("u/proxy")
    }

    /// The first `require` of the main module's go.mod (a direct dependency).
    fn first_require(&self) -> String {
        let text = std::fs::read_to_string(self.root.join("u/main/go.mod")).expect("go.mod");
        let mut in_block = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("require (") {
                in_block = true;
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if in_block && fields.len() >= 2 {
                return fields[0].to_string();
            }
            if fields.first() == Some(&"require") && fields.len() >= 3 && fields[1] != "(" {
                return fields[1].to_string();
            }
        }
        panic!("no require in the main go.mod")
    }

    /// Runs `prog args` in a fresh copy of the main module with the oracle's environment plus
    /// `env` (`$PROXY` in a value is the universe's proxy directory).
    fn run(&self, who: &str, prog: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
        let work = self.root.join(format!("work-{who}"));
        let _ = make_writable_and_remove(&work);
        for d in ["main", "local"] {
            let src = self.root.join("u").join(d);
            if src.is_dir() {
                common::copy_tree(&src, &work.join(d));
            }
        }
        let modcache = self.root.join(format!("modcache-{who}"));
        let _ = make_writable_and_remove(&modcache);
        let proxy_url = format!("file://{}", self.proxy().display());
        let mut vars: HashMap<String, String> = [
            ("GOPROXY", proxy_url.clone()),
            ("GOSUMDB", "off".to_string()),
            ("GOFLAGS", "-mod=mod -modcacherw".to_string()),
            ("GOMODCACHE", modcache.display().to_string()),
            ("GOPATH", self.root.join("gopath").display().to_string()),
            ("GOCACHE", self.root.join("gocache").display().to_string()),
            ("HOME", self.root.join("home").display().to_string()),
            ("GOENV", "off".to_string()),
            ("GOWORK", "off".to_string()),
            ("GOTOOLCHAIN", "local".to_string()),
            ("GOVCS", "*:off".to_string()),
            ("CGO_ENABLED", "0".to_string()),
            ("LC_ALL", "C".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in env {
            vars.insert(
                k.to_string(),
                v.replace("$PROXY", &self.proxy().display().to_string()),
            );
        }
        let out = Command::new(prog)
            .args(args)
            .current_dir(work.join("main"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(&vars)
            .output()
            .expect("command runs");
        let names = [
            (modcache.display().to_string(), "$GOMODCACHE"),
            (self.proxy().display().to_string(), "$PROXY"),
            (work.display().to_string(), "$WORK"),
        ];
        let norm = |b: &[u8]| {
            let mut s = String::from_utf8_lossy(b).into_owned();
            for (real, name) in &names {
                s = s.replace(real.as_str(), name);
            }
            s
        };
        let stderr = norm(&out.stderr)
            .lines()
            .filter(|l| !l.starts_with("go: downloading "))
            .map(|l| format!("{l}\n"))
            .collect();
        Out {
            stdout: norm(&out.stdout),
            stderr,
            exit: out.status.code().unwrap_or(-1),
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = make_writable_and_remove(&self.root);
    }
}

/// Removes `dir`, first making the module cache's read-only files writable.
fn make_writable_and_remove(dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(dir).status();
    std::fs::remove_dir_all(dir)
}

fn modscope() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_modscope"))
}

/// The universe every case runs on: uppercase paths, +incompatible and pseudo-versions,
/// excludes, module and directory replacements, a go 1.17 (pruned) main module whose go.mod is
/// not tidy (its requirements are below the selected versions), a complete go.sum.
const UNIVERSE: &[&str] = &[
    "--seed",
    "7",
    "--modules",
    "30",
    "--no-zips",
    "--p-upper",
    "0.3",
    "--p-incompatible",
    "0.3",
    "--p-pseudo",
    "0.3",
    "--excludes",
    "2",
    "--replaces",
    "2",
    "--local-replaces",
    "1",
    "--main-go",
    "1.17",
    "--gosum",
    "full",
];

#[test]
fn list_m_forms_and_goproxy_lists_match_the_go_command() {
    let Some(go) = common::go_command() else {
        eprintln!("go command not installed: skipping");
        return;
    };
    let f = Fixture::new("forms", UNIVERSE);
    let dep = f.first_require();
    let q = |v: &str| format!("{dep}@{v}");
    let owned: Vec<Vec<String>> = vec![
        vec!["list", "-m", "all"],
        vec!["list", "-m", "-u=false", "all"],
        vec!["list", "-m", "-json", "all"],
        vec!["list", "-m", "-json", "-e", "all"],
        vec!["list", "-m"],
        vec!["list", "-m", "-json"],
        vec!["list", "-m", &dep],
        vec!["list", "-m", "-json", &dep],
        vec!["list", "-m", "example.com/..."],
        vec!["list", "-m", "nonexistent.example/..."],
        vec!["list", "-m", "nonexistent.example/m"],
        vec!["list", "-m", "-e", "-json", "nonexistent.example/m"],
        vec!["list", "-m", "-json", "all", &dep, "example.net/..."],
        vec!["mod", "graph"],
        vec!["mod", "graph", "-go=1.16"],
        vec!["mod", "graph", "-go=1.17"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_string).collect())
    .chain(
        [
            "latest", "upgrade", "patch", "v0", "v1", "v0.0", "v9.9.9", "<v0.1.0", ">=v0.0.0",
            "<=v0.1", ">v0.0.1", "master",
        ]
        .iter()
        .flat_map(|v| {
            [
                vec!["list".to_string(), "-m".to_string(), q(v)],
                vec![
                    "list".to_string(),
                    "-m".to_string(),
                    "-e".to_string(),
                    "-json".to_string(),
                    q(v),
                ],
            ]
        }),
    )
    .chain(
        [
            "example.com/main@upgrade",
            "example.com/main@patch",
            "example.com/main@latest",
            "nonexistent.example/m@latest",
            "nonexistent.example/m@v1.0.0",
            "nonexistent.example/m@patch",
        ]
        .iter()
        .map(|a| {
            vec![
                "list".into(),
                "-m".into(),
                "-e".into(),
                "-json".into(),
                a.to_string(),
            ]
        }),
    )
    .collect();
    let mut failures = Vec::new();
    let mut check = |args: &[String], env: &[(&str, &str)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let theirs = f.run("go", &go, &args, env);
        let ours = f.run("ms", &modscope(), &args, env);
        if theirs != ours {
            failures.push(format!(
                "{env:?} {args:?}:\n--- go (exit {})\n{}{}--- modscope (exit {})\n{}{}",
                theirs.exit, theirs.stdout, theirs.stderr, ours.exit, ours.stdout, ours.stderr
            ));
        }
    };
    for args in &owned {
        check(args, &[]);
    }
    let all: Vec<String> = ["list", "-m", "all"].map(String::from).to_vec();
    let json_e: Vec<String> = ["list", "-m", "-json", "-e", "all"]
        .map(String::from)
        .to_vec();
    for goproxy in [
        "off",
        "file:///nonexistent-proxy,off",
        "file:///nonexistent-proxy|off",
        "file:///nonexistent-proxy,file://$PROXY",
        "file:///nonexistent-proxy|file://$PROXY",
        "file://$PROXY,off",
    ] {
        check(&all, &[("GOPROXY", goproxy)]);
        check(&json_e, &[("GOPROXY", goproxy)]);
    }
    // GOFLAGS -mod=: readonly refuses what mod would add; an explicit flag beats GOFLAGS.
    check(&all, &[("GOFLAGS", "-mod=readonly")]);
    let with_flag: Vec<String> = ["list", "-m", "-mod=mod", "all"].map(String::from).to_vec();
    check(&with_flag, &[("GOFLAGS", "-mod=readonly")]);
    // `go mod graph` has no -mod flag: GOFLAGS' -mod does not apply to it.
    let graph: Vec<String> = ["mod", "graph"].map(String::from).to_vec();
    check(&graph, &[("GOFLAGS", "-mod=readonly")]);
    check(&graph, &[("GOFLAGS", "-mod=vendor")]);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Serves directory `root` over HTTP on 127.0.0.1 (404 for anything missing) until the process
/// ends; returns the base URL.
fn serve_dir(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                    }
                    let file = root.join(path.trim_start_matches('/'));
                    let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
                        (false, Ok(b)) => ("200 OK", b),
                        _ => ("404 Not Found", Vec::new()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(head.as_bytes()).is_err()
                        || stream.write_all(&body).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn an_http_proxy_over_the_generated_proxy_directory_gives_the_same_answers() {
    // Needs only python3 for the generator (the comparison is modscope's own file:// answer).
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping");
        return;
    }
    let f = Fixture::new("http", UNIVERSE);
    let base = serve_dir(f.proxy());
    for args in [
        &["list", "-m", "all"][..],
        &["list", "-m", "-json", "all"],
        &["mod", "graph"],
    ] {
        let file = f.run("ms", &modscope(), args, &[]);
        let http = f.run("ms", &modscope(), args, &[("GOPROXY", base.as_str())]);
        assert_eq!(file.exit, 0, "{args:?}: {}", file.stderr);
        assert_eq!(http, file, "{args:?} through {base}");
        assert!(!file.stdout.is_empty());
    }
    // A `,` list falls through the HTTP proxy's 404s to the file proxy; `-x` shows which
    // answered.
    let empty = serve_dir(f.root.join("no-such-dir"));
    let list = format!("{empty},file://$PROXY");
    let fell = f.run(
        "ms",
        &modscope(),
        &["list", "-m", "all"],
        &[("GOPROXY", &list)],
    );
    let file = f.run("ms", &modscope(), &["list", "-m", "all"], &[]);
    assert_eq!(fell, file);
    let x = f.run(
        "ms",
        &modscope(),
        &["list", "-m", "-x", "all"],
        &[("GOPROXY", &base)],
    );
    assert!(x.stderr.contains(&format!("{base}/")), "{}", x.stderr);
}

#[test]
fn gonoproxy_and_direct_name_the_module_and_dash_c_runs_elsewhere() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping");
        return;
    }
    let f = Fixture::new("private", UNIVERSE);
    let dep = f.first_require();
    let all = ["list", "-m", "all"];
    for env in [
        vec![("GONOPROXY", dep.as_str())],
        vec![("GOPRIVATE", dep.as_str())],
        vec![("GOPROXY", "direct")],
    ] {
        let o = f.run("ms", &modscope(), &all, &env);
        assert_eq!(o.exit, 1, "{env:?}: {o:?}");
        assert!(
            o.stderr
                .contains(&format!("cannot fetch {dep} directly from version control")),
            "{env:?}: {}",
            o.stderr
        );
    }
    // GONOSUMDB alone changes nothing about where go.mod files come from.
    let plain = f.run("ms", &modscope(), &all, &[]);
    assert_eq!(plain.exit, 0, "{}", plain.stderr);
    assert_eq!(
        f.run("ms", &modscope(), &all, &[("GONOSUMDB", dep.as_str())]),
        plain
    );
    // `-C dir` answers as if started there (Go 1.20's flag; 1.19 has no `-C` to compare with).
    let from_parent = f.run("ms", &modscope(), &["list", "-m", "-C", "..", "all"], &[]);
    assert_eq!(from_parent.exit, 1, "no go.mod above main/");
    let from_main = f.run("ms", &modscope(), &["list", "-C", ".", "-m", "all"], &[]);
    assert_eq!(from_main, plain);
    // `-u=true` is `-u`; `-u=maybe` is a usage error.
    let u = f.run("ms", &modscope(), &["list", "-m", "-u", "all"], &[]);
    assert_eq!(u.exit, 0, "{u:?}");
    assert_eq!(
        f.run("ms", &modscope(), &["list", "-m", "-u=true", "all"], &[]),
        u
    );
    let bad = f.run("ms", &modscope(), &["list", "-m", "-u=maybe", "all"], &[]);
    assert_eq!(bad.exit, 2, "{bad:?}");
}

#[test]
fn mod_why_all_paths_are_chains_of_the_go_commands_graph() {
    let Some(go) = common::go_command() else {
        eprintln!("go command not installed: skipping");
        return;
    };
    let f = Fixture::new("whyall", UNIVERSE);
    let graph = f.run("go", &go, &["mod", "graph"], &[]);
    assert_eq!(graph.exit, 0, "{}", graph.stderr);
    let edges: std::collections::HashSet<(String, String)> = graph
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    // Every module the graph reaches, by path (a node's target side).
    let mut modules: Vec<String> = edges
        .iter()
        .filter_map(|(_, b)| b.split_once('@').map(|(p, _)| p.to_string()))
        .collect();
    modules.sort();
    modules.dedup();
    let mut args = vec!["mod", "why", "-m", "--all"];
    args.extend(modules.iter().map(String::as_str));
    args.push("nonexistent.example/m");
    let out = f.run("ms", &modscope(), &args, &[]);
    assert_eq!(out.exit, 0, "{}", out.stderr);
    let mut seen_modules = std::collections::BTreeSet::new();
    let mut paths = 0;
    for stanza in out.stdout.split("\n\n") {
        let lines: Vec<&str> = stanza.lines().collect();
        let head = lines[0].strip_prefix("# ").expect("a # header");
        if head == "nonexistent.example/m" {
            assert_eq!(
                lines[1..],
                ["(main module does not need module nonexistent.example/m)"]
            );
            continue;
        }
        if lines.len() > 1 && lines[1].starts_with('(') {
            continue;
        }
        let (module, _) = head.split_once('@').expect("module@version header");
        seen_modules.insert(module.to_string());
        assert_eq!(lines[1], "example.com/main", "{stanza}");
        assert_eq!(*lines.last().expect("steps"), head, "{stanza}");
        for pair in lines[1..].windows(2) {
            assert!(
                edges.contains(&(pair[0].to_string(), pair[1].to_string())),
                "{} -> {} is not an edge of go mod graph",
                pair[0],
                pair[1]
            );
        }
        let steps = &lines[1..];
        let distinct: std::collections::HashSet<&&str> = steps.iter().collect();
        assert_eq!(
            distinct.len(),
            steps.len(),
            "a path repeats a node: {stanza}"
        );
        paths += 1;
    }
    assert!(
        paths >= modules.len() / 2,
        "{paths} paths for {} modules",
        modules.len()
    );
    // Each stanza set for a module includes the shortest path why-version prints.
    let m = modules.first().expect("a module");
    let short = f.run("ms", &modscope(), &["why-version", m], &[]);
    assert_eq!(short.exit, 0, "{}", short.stderr);
    assert!(
        out.stdout.contains(short.stdout.trim_end()),
        "{}",
        short.stdout
    );
    // Without -m, --all is a usage error.
    let bad = f.run("ms", &modscope(), &["mod", "why", "--all", m], &[]);
    assert_eq!(bad.exit, 2);
}

/// A proxy with retractions and deprecations: `example.com/r`'s latest go.mod retracts v1.0.0
/// (with a rationale) and v1.1.0–v1.1.9 (without), and deprecates the module;
/// `example.com/q` is deprecated in a replacement's latest version.
fn retraction_files() -> Vec<(&'static str, String)> {
    let info = |v: &str, day: u32| {
        format!("{{\"Version\":\"{v}\",\"Time\":\"2023-01-{day:02}T00:00:00Z\"}}\n")
    };
    let mut f: Vec<(&'static str, String)> = vec![
        (
            "main/go.mod",
            "module example.com/main\n\ngo 1.17\n\nrequire (\n\texample.com/r v1.0.0\n\texample.com/q v0.1.0\n\texample.com/s v1.1.0\n)\n\nexclude example.com/s v1.3.0\n".to_string(),
        ),
        ("proxy/example.com/r/@v/list", "v1.0.0\nv1.1.0\nv1.1.5\nv1.2.0\nv1.3.0-pre\n".to_string()),
        ("proxy/example.com/q/@v/list", "v0.1.0\nv0.2.0\n".to_string()),
        ("proxy/example.com/s/@v/list", "v1.1.0\nv1.2.0\nv1.3.0\n".to_string()),
    ];
    let versions: [(&'static str, &'static str, &'static str, u32); 10] = [
        ("example.com/r", "v1.0.0", "module example.com/r\n\ngo 1.17\n", 1),
        ("example.com/r", "v1.1.0", "module example.com/r\n\ngo 1.17\n", 2),
        ("example.com/r", "v1.1.5", "module example.com/r\n\ngo 1.17\n", 3),
        (
            "example.com/r",
            "v1.2.0",
            "// Deprecated: use example.com/s instead.\nmodule example.com/r\n\ngo 1.17\n\nretract (\n\tv1.0.0 // it was broken\n\t[v1.1.0, v1.1.9]\n)\n",
            4,
        ),
        (
            "example.com/r",
            "v1.3.0-pre",
            "module example.com/r\n\ngo 1.17\n\nretract v1.3.0-pre // never use\n",
            5,
        ),
        ("example.com/q", "v0.1.0", "module example.com/q\n\ngo 1.17\n", 6),
        (
            "example.com/q",
            "v0.2.0",
            "module example.com/q // Deprecated: gone\n\ngo 1.17\n",
            7,
        ),
        ("example.com/s", "v1.1.0", "module example.com/s\n\ngo 1.17\n", 8),
        ("example.com/s", "v1.2.0", "module example.com/s\n\ngo 1.17\n\nretract v1.2.0\n", 9),
        ("example.com/s", "v1.3.0", "module example.com/s\n\ngo 1.17\n\nretract v1.2.0\n", 10),
    ];
    for (path, v, gomod, day) in versions {
        let dir = match path {
            "example.com/r" => "proxy/example.com/r/@v/",
            "example.com/q" => "proxy/example.com/q/@v/",
            _ => "proxy/example.com/s/@v/",
        };
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        f.push((leak(format!("{dir}{v}.mod")), gomod.to_string()));
        f.push((leak(format!("{dir}{v}.info")), info(v, day)));
    }
    f
}

#[test]
fn update_retraction_and_deprecation_information_match_the_go_command() {
    let Some(go) = common::go_command() else {
        eprintln!("go command not installed: skipping");
        return;
    };
    let f = Fixture::from_files("retract", &retraction_files());
    let mut failures = Vec::new();
    for args in [
        &["list", "-m", "all"][..],
        &["list", "-m", "-u", "all"],
        &["list", "-m", "-u", "-json", "all"],
        &["list", "-m", "-retracted", "all"],
        &["list", "-m", "-retracted", "-json", "all"],
        &[
            "list",
            "-m",
            "-u",
            "-retracted",
            "example.com/r",
            "example.com/s",
        ],
        &["list", "-m", "-json", "example.com/r@latest"],
        &["list", "-m", "-json", "example.com/r@upgrade"],
        &["list", "-m", "-json", "example.com/r@v1.1"],
        &["list", "-m", "-json", "example.com/r@v1.0.0"],
        &["list", "-m", "-json", "-u", "example.com/r@v1.1.5"],
        &["list", "-m", "-json", "example.com/s@latest"],
        &["list", "-m", "-json", "example.com/s@>v1.1.0"],
        &["list", "-m", "-e", "-json", "example.com/s@v1.3"],
        &["list", "-m", "-json", "example.com/s@patch"],
    ] {
        let theirs = f.run("go", &go, args, &[]);
        let ours = f.run("ms", &modscope(), args, &[]);
        if theirs != ours {
            failures.push(format!(
                "{args:?}:\n--- go (exit {})\n{}{}--- modscope (exit {})\n{}{}",
                theirs.exit, theirs.stdout, theirs.stderr, ours.exit, ours.stdout, ours.stderr
            ));
        }
    }
    // The fixture shows all three: an update, a retraction, a deprecation.
    let u = f.run("go", &go, &["list", "-m", "-u", "all"], &[]);
    for mark in [" [v", "(retracted)", "(deprecated)"] {
        assert!(u.stdout.contains(mark), "{mark} in {}", u.stdout);
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
