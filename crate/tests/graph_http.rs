//! HTTP GOPROXY entries against a static server on 127.0.0.1: files are served, 404 falls through
//! a `,` list to the next proxy, a 500 stops it (but not a `|` list), and prefetching many files at
//! once gives the same answers.

use modscope::native::proxy::CacheThenProxy;
use modscope::source::{FileKind, ModuleSource};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// Serves `files` (URL path → body) until the process ends; `/fail/…` answers 500.
fn serve(files: HashMap<String, String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let files = Arc::new(files);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let files = files.clone();
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
                    let (status, body) = if path.starts_with("/fail/") {
                        ("500 Internal Server Error", String::new())
                    } else {
                        match files.get(&path) {
                            Some(b) => ("200 OK", b.clone()),
                            None => ("404 Not Found", String::new()),
                        }
                    };
                    let resp = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn files() -> HashMap<String, String> {
    let mut m = HashMap::new();
    for i in 0..64 {
        m.insert(
            format!("/a/example.com/m{i}/@v/v1.0.0.mod"),
            format!("module example.com/m{i}\n"),
        );
    }
    m.insert(
        "/b/example.com/!upper/@v/v1.1.0.mod".to_string(),
        "module example.com/Upper\n".to_string(),
    );
    m
}

#[test]
fn http_proxies_follow_the_goproxy_rules() {
    let base = serve(files());
    let nocache = std::env::temp_dir().join("modscope-http-test-no-cache");
    let src = |goproxy: String| {
        CacheThenProxy::new(&nocache.display().to_string(), &goproxy, "").expect("GOPROXY parses")
    };

    let s = src(format!("{base}/a"));
    let f = s
        .fetch("example.com/m3", "v1.0.0", FileKind::Mod)
        .expect("served");
    assert_eq!(&*f.data, b"module example.com/m3\n");
    assert_eq!(f.location, format!("{base}/a/example.com/m3/@v/v1.0.0.mod"));
    let e = s
        .fetch("example.com/m3", "v9.0.0", FileKind::Mod)
        .unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(
        e.message(),
        format!("reading {base}/a/example.com/m3/@v/v9.0.0.mod: 404 Not Found")
    );

    // `,`: a 404 falls through; the escaped path is requested.
    let s = src(format!("{base}/a,{base}/b"));
    let f = s
        .fetch("example.com/Upper", "v1.1.0", FileKind::Mod)
        .expect("second proxy");
    assert_eq!(&*f.data, b"module example.com/Upper\n");

    // `,`: a 500 stops the list; `|` falls through on it.
    let s = src(format!("{base}/fail,{base}/a"));
    let e = s
        .fetch("example.com/m1", "v1.0.0", FileKind::Mod)
        .unwrap_err();
    assert!(!e.is_not_found());
    assert!(
        e.message().ends_with("500 Internal Server Error"),
        "{}",
        e.message()
    );
    let s = src(format!("{base}/fail|{base}/a"));
    assert!(s.fetch("example.com/m1", "v1.0.0", FileKind::Mod).is_ok());

    // Prefetching many files at once answers exactly as one by one.
    let s = src(format!("{base}/a"));
    let items: Vec<(String, String)> = (0..64)
        .map(|i| (format!("example.com/m{i}"), "v1.0.0".to_string()))
        .collect();
    s.prefetch(FileKind::Mod, &items);
    for (p, v) in &items {
        let f = s.fetch(p, v, FileKind::Mod).expect("prefetched");
        assert_eq!(String::from_utf8_lossy(&f.data), format!("module {p}\n"));
    }
}
