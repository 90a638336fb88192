//! `list -m -x`: the trace lines name only reads that happened. With the modfile cache warm, a
//! module's `.info` comes from the cache and is printed as a cache hit, not as a read of the
//! module cache's file (which is then not opened at all).
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn list_x(root: &Path) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_modscope"))
        .args(["list", "-m", "-x", "--modfile-cache", "all"])
        .current_dir(root.join("main"))
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOWORK", "off")
        .env("GOMODCACHE", root.join("modcache"))
        .env("GOPATH", root.join("gopath"))
        .env("MODSCOPE_CACHE", root.join("mscache"))
        .env("GOEXPERIMENT", "")
        .env("NO_PROGRESS", "1")
        .output()
        .expect("running modscope");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn x_prints_info_reads_only_when_the_file_is_read() {
    let root = std::env::temp_dir().join(format!("modscope-graph-trace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "main/go.mod",
        "module example.com/m\n\ngo 1.19\n\nrequire example.com/a v1.0.0\n",
    );
    let dl = "modcache/cache/download/example.com/a/@v";
    write(
        &root,
        &format!("{dl}/v1.0.0.mod"),
        "module example.com/a\n\ngo 1.19\n",
    );
    write(
        &root,
        &format!("{dl}/v1.0.0.info"),
        "{\"Version\":\"v1.0.0\",\"Time\":\"2021-01-01T00:00:00Z\"}\n",
    );
    let (cold_out, cold) = list_x(&root);
    assert_eq!(cold_out, "example.com/m\nexample.com/a v1.0.0\n");
    assert!(
        cold.lines()
            .any(|l| l.starts_with("# read: example.com/a@v1.0.0.info (")),
        "cold run reads the .info:\n{cold}"
    );
    let (warm_out, warm) = list_x(&root);
    assert_eq!(warm_out, cold_out);
    assert!(
        !warm.contains("# read: example.com/a@v1.0.0.info"),
        "warm run must not claim to read the .info:\n{warm}"
    );
    assert!(
        warm.lines()
            .any(|l| l == "# using modfile cache: example.com/a@v1.0.0.info"),
        "warm run shows the cache hit:\n{warm}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
