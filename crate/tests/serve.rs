//! `modscope serve` over HTTP on 127.0.0.1 with an ephemeral port: its answers equal the CLI's
//! for the same inputs (GOPATH-mode lookup and list, module-mode `list -m -json all`), errors
//! carry the CLI's text, and hostile requests get a status code, never a crash or a file outside
//! the web directory.

mod common;

use common::temp::TempTree;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_modscope")
}

/// A running `modscope serve`, stopped when dropped.
struct Serve {
    child: Child,
    addr: String,
}

impl Serve {
    fn start(env: &[(&str, &str)], args: &[&str], cwd: &Path) -> Serve {
        let mut cmd = Command::new(bin());
        cmd.arg("serve")
            .args(["-addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (child, addr) = common::serve::spawn(&mut cmd);
        Serve { child, addr }
    }

    /// Sends raw bytes, returns (status, headers, body).
    fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.write_all(request).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8(buf[..end].to_vec()).unwrap();
        let status = head[9..12].parse().unwrap();
        (status, head, buf[end + 4..].to_vec())
    }

    fn get(&self, target: &str) -> (u16, String) {
        let (status, _, body) =
            self.raw(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        (status, String::from_utf8(body).unwrap())
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli(env: &[(&str, &str)], args: &[&str], cwd: &Path) -> (String, String, i32) {
    let mut cmd = Command::new(bin());
    cmd.args(args).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// The JSON values of a stream of objects, with the timings (which differ run to run) removed.
fn json_stream(text: &str) -> Vec<Value> {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("start_ns");
                m.remove("dur_ns");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(|v| {
            let mut v = v.unwrap();
            strip(&mut v);
            v
        })
        .collect()
}

fn gopath_tree(tag: &str) -> TempTree {
    let t = TempTree::new("serve", tag);
    t.write("gp/src/example.com/a/a.go", "package a\n");
    t.write(
        "gp/src/example.com/app/main.go",
        "package main\n\nimport (\n\t_ \"example.com/a\"\n\t_ \"example.com/v\"\n)\n",
    );
    t.write(
        "gp/src/example.com/app/vendor/example.com/v/v.go",
        "package v\n",
    );
    t.write("gp/src/example.com/empty/README", "no Go here\n");
    t.write(
        "gp/src/example.com/broken/b.go",
        "package b\n\nimport _ \"example.com/missing\"\n",
    );
    t
}

fn gopath_env(t: &TempTree) -> Vec<(&'static str, String)> {
    vec![
        ("GO111MODULE", "off".to_string()),
        ("GOPATH", t.0.join("gp").to_string_lossy().to_string()),
        ("GOEXPERIMENT", String::new()),
        (
            "MODSCOPE_CACHE",
            t.0.join("cache").to_string_lossy().to_string(),
        ),
    ]
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn gopath_answers_equal_the_cli() {
    let t = gopath_tree("equal");
    let env_owned = gopath_env(&t);
    let env: Vec<(&str, &str)> = env_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = t.0.join("gp/src/example.com/app");
    let app_s = app.to_string_lossy().to_string();
    for extra in [&[][..], &["--gopkg-cache"][..]] {
        let srv = Serve::start(&env, extra, &app);
        // Lookups: found, vendored, missing, not a package; with and without an importer.
        for (path, from) in [
            ("example.com/a", None),
            ("example.com/v", Some(app_s.as_str())),
            ("example.com/v", None),
            ("example.com/empty", None),
            ("fmt", Some(app_s.as_str())),
        ] {
            let mut target = format!("/api/lookup?path={}", enc(path));
            let mut args = vec!["lookup", path, "--json"];
            if let Some(f) = from {
                target.push_str(&format!("&from={}", enc(f)));
                args.extend(["--from", f]);
            }
            args.extend_from_slice(extra);
            let (status, body) = srv.get(&target);
            let (stdout, _, code) = cli(&env, &args, &app);
            assert_eq!(status, 200, "{target}: {body}");
            let (a, b) = (json_stream(&body), json_stream(&stdout));
            if extra.is_empty() {
                assert_eq!(a, b, "{target}");
            } else {
                // The steps show the index's own work (hits, rebuilds); the answer is the same.
                for (x, y) in a.iter().zip(&b) {
                    for k in ["ImportPath", "Dir", "Error", "NotAPackage", "Goroot"] {
                        assert_eq!(x.get(k), y.get(k), "{target} {k}");
                    }
                }
                assert_eq!(a.len(), b.len());
            }
            assert!(code == 0 || a[0].get("Error").is_some() || a[0].get("NotAPackage").is_some());
        }
        // list -json (with -deps, -e) equals the CLI's output byte for byte.
        for (q, args) in [
            ("pkg=.", vec!["list", "-json", "."]),
            ("pkg=.&deps", vec!["list", "-json", "-deps", "."]),
            (
                "pkg=example.com/broken&deps&e",
                vec!["list", "-json", "-deps", "-e", "example.com/broken"],
            ),
            (
                "pkg=example.com/...",
                vec!["list", "-json", "example.com/..."],
            ),
        ] {
            let (status, body) = srv.get(&format!("/api/list?{q}"));
            let (stdout, _, _) = cli(&env, &args, &app);
            assert_eq!(status, 200, "{q}: {body}");
            assert_eq!(body, stdout, "{q}");
        }
        // An error the CLI prints on stderr is a 400 with the same text.
        let (status, body) = srv.get("/api/list?pkg=example.com/nope");
        let (stdout, stderr, code) = cli(&env, &["list", "-json", "example.com/nope"], &app);
        assert_eq!((status, code), (400, 1));
        assert!(stdout.is_empty());
        assert_eq!(body, stderr);
        assert!(body.starts_with("cannot find package \"example.com/nope\" in any of:"));
    }
}

#[test]
fn module_list_m_equals_the_cli() {
    let t = TempTree::new("serve", "mod");
    t.write(
        "m/go.mod",
        "module example.com/m\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n",
    );
    t.write(
        "m/main.go",
        "package main\n\nimport _ \"example.com/dep\"\n",
    );
    t.write("dep/go.mod", "module example.com/dep\n\ngo 1.19\n");
    t.write("dep/dep.go", "package dep\n");
    let m = t.0.join("m");
    let env = [
        ("GO111MODULE", "on"),
        ("GOFLAGS", "-mod=mod"),
        ("GOPROXY", "off"),
        ("GOEXPERIMENT", ""),
    ];
    let base = t.0.clone();
    let srv = Serve::start(&env, &["-C", "m"], &base);
    let (status, body) = srv.get("/api/list-m?all");
    let (stdout, _, code) = cli(&env, &["list", "-m", "-json", "all"], &m);
    assert_eq!((status, code), (200, 0), "{body}");
    assert_eq!(body, stdout);
    assert!(body.contains("\"Path\": \"example.com/dep\""));
    // No pattern: a 400 that says what to give.
    let (status, body) = srv.get("/api/list-m");
    assert_eq!(status, 400);
    assert!(body.contains("?all"));
    // Module-mode package list.
    let (status, body) = srv.get("/api/list?pkg=.&deps");
    let (stdout, _, _) = cli(&env, &["list", "-json", "-deps", "."], &m);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, stdout);
}

#[test]
fn hostile_requests_get_a_status_and_the_server_goes_on() {
    let t = gopath_tree("hostile");
    t.write(
        "web/index.html",
        "<!doctype html><title>playground</title>\n",
    );
    t.write("web/assets/app.js", "console.log(1)\n");
    t.write("web/.hidden", "secret\n");
    t.write("secret.txt", "outside\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.0.join("secret.txt"), t.0.join("web/link.txt")).unwrap();
    let env_owned = gopath_env(&t);
    let env: Vec<(&str, &str)> = env_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let web = t.0.join("web").to_string_lossy().to_string();
    let srv = Serve::start(&env, &["--web", &web], &t.0);

    let (status, body) = srv.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("playground"));
    let (status, head, _) = srv.raw(b"GET /assets/app.js HTTP/1.1\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/javascript"));
    let (status, head, body) = srv.raw(b"HEAD /index.html HTTP/1.1\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Length: 41"));
    assert!(body.is_empty());

    for (target, want) in [
        ("/../secret.txt", 404),
        ("/assets/../../secret.txt", 404),
        ("/%2e%2e/secret.txt", 404),
        ("/assets/%2e%2e/%2e%2e/secret.txt", 404),
        ("/..%2fsecret.txt", 404),
        ("/..%5csecret.txt", 404),
        ("/.hidden", 404),
        ("/link.txt", 404),
        ("/nope.js", 404),
        ("/%00", 400),
        ("/%zz", 400),
        ("/api/lookup", 400),
        ("/api/lookup?path=", 400),
        ("/api/lookup?path=%ff%fe", 400),
        ("/api/nope", 404),
        ("/api/list-m", 400),
    ] {
        let (status, body) = srv.get(target);
        assert_eq!(status, want, "{target}: {body}");
        assert!(
            !body.contains("outside") && !body.contains("secret\n"),
            "{target}"
        );
    }
    // Odd import paths and importers are answered (with the lookup's error), not crashed on.
    for target in [
        "/api/lookup?path=..",
        "/api/lookup?path=./x",
        "/api/lookup?path=/etc",
        "/api/lookup?path=a//b&from=../../..",
        "/api/lookup?path=%E2%98%83&from=%2F",
        "/api/lookup?path=example.com/a&path=example.com/v&from=relative/dir",
        "/api/list?pkg=../../..",
        "/api/list?pkg=...",
    ] {
        let (status, body) = srv.get(target);
        assert!(status == 200 || status == 400, "{target}: {status} {body}");
    }
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 20_000));
    huge.extend_from_slice(b" HTTP/1.1\r\n\r\n");
    for (raw, want) in [
        (&b"POST /api/lookup HTTP/1.1\r\n\r\n"[..], 405),
        (&b"GET /a b HTTP/1.1\r\n\r\n"[..], 400),
        (&b"GET http://evil/ HTTP/1.1\r\n\r\n"[..], 400),
        (&b"\xff\xfe\xfd\r\n\r\n"[..], 400),
        (&b"GET / FTP/1.0\r\n\r\n"[..], 400),
        (&huge[..], 431),
    ] {
        assert_eq!(
            srv.raw(raw).0,
            want,
            "{:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(40)])
        );
    }
    // A client that connects and goes away without a request does not stop the server.
    drop(TcpStream::connect(&srv.addr).unwrap());
    let (status, _) = srv.get("/api/lookup?path=example.com/a");
    assert_eq!(status, 200);
}

#[test]
fn refuses_non_loopback_and_bad_dirs() {
    for (args, want) in [
        (&["serve", "-addr", "0.0.0.0:0"][..], "loopback"),
        (&["serve", "-addr", "localhost"][..], "IP:PORT"),
        (
            &["serve", "-addr", "127.0.0.1:0", "-C", "/nonexistent/dir"][..],
            "not a directory",
        ),
        (
            &["serve", "-addr", "127.0.0.1:0", "--web", "/nonexistent/web"][..],
            "--web",
        ),
    ] {
        let (_, stderr, code) = cli(&[], args, Path::new("/"));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
}
