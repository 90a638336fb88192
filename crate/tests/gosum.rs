//! go.sum reading, lookups, verification messages and the canonical written form (golden files
//! in tests/gosum/; message texts are the go command's, SPEC.md F).

mod common;

use modscope::sum::{GoSum, SumError};

fn data(name: &str) -> String {
    std::fs::read_to_string(common::repo_root().join("tests/gosum").join(name)).expect("test data")
}

const GOMOD: &[u8] = b"module example.com\n";
const GOMOD_H1: &str = "h1:WRiieAqDBb1hVdDXLLdxNtCDWNfehn7FWyPC5Oz2vB4=";

#[test]
fn reads_and_looks_up() {
    let (sum, diags) = GoSum::parse("go.sum", &data("unsorted.sum"));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        sum.hashes("rsc.io/quote", "v1.5.2"),
        ["h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y="]
    );
    assert_eq!(
        sum.gomod_hash("rsc.io/quote", "v1.5.2"),
        ["h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0="]
    );
    // Duplicates are tolerated and collapse; several distinct hashes per key are kept in order.
    assert_eq!(sum.hashes("rsc.io/sampler", "v1.3.0").len(), 1);
    assert_eq!(sum.hashes("rsc.io/quote", "v1.9.0").len(), 2);
    assert!(sum.hashes("rsc.io/quote", "v1.9.0")[0].starts_with("h1:BBB"));
    // The legacy empty-go.mod hash is discarded.
    assert!(sum.gomod_hash("rsc.io/sampler", "v1.99.99").is_empty());
    assert!(sum.hashes("nope.example", "v1.0.0").is_empty());
    assert!(sum.have_sum("rsc.io/quote", "v1.5.2"));
    assert_eq!(sum.len(), 9);
}

#[test]
fn writes_the_canonical_form() {
    let (sum, _) = GoSum::parse("go.sum", &data("unsorted.sum"));
    assert_eq!(sum.format(), data("unsorted.golden"));
    let (again, _) = GoSum::parse("go.sum", &sum.format());
    assert_eq!(again.format(), sum.format());
}

#[test]
fn bad_line_stops_reading_with_a_diagnostic() {
    let text = "a.com/m v1.0.0 h1:x=\n\na.com/m v1.1.0\nb.com/m v1.0.0 h1:y=\n";
    let (sum, diags) = GoSum::parse("dir/go.sum", text);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].to_string(),
        "dir/go.sum:3: wrong number of fields 2"
    );
    assert_eq!(diags[0].code.0, "sum-malformed");
    assert!(
        sum.hashes("b.com/m", "v1.0.0").is_empty(),
        "go 1.19 stops at the bad line"
    );
    let (_, diags) = GoSum::parse("go.sum", "a b c d\n");
    assert_eq!(diags[0].to_string(), "go.sum:1: wrong number of fields 4");
}

#[test]
fn check_gomod_outcomes() {
    let ok = format!("example.com v1.0.0/go.mod {GOMOD_H1}\n");
    let (sum, _) = GoSum::parse("go.sum", &ok);
    assert_eq!(sum.check_gomod("example.com", "v1.0.0", GOMOD), Ok(()));

    let bad = "example.com v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let (sum, _) = GoSum::parse("go.sum", bad);
    let err = sum.check_gomod("example.com", "v1.0.0", GOMOD).unwrap_err();
    assert_eq!(err.to_string(), data("mismatch.golden"));
    assert_eq!(err.code().0, "sum-mismatch");

    let (work, _) = GoSum::parse("ws/go.work.sum", bad);
    let err = work
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert!(
        err.to_string().contains("\n\tgo.work.sum:     h1:AAAA"),
        "{err}"
    );

    let (empty, _) = GoSum::parse("go.sum", "");
    let err = empty
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "example.com@v1.0.0: missing go.sum entry; to add it:\n\tgo mod download example.com"
    );

    let (unknown, _) = GoSum::parse("go.sum", "example.com v1.0.0/go.mod h2:zzz=\n");
    let err = unknown
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err();
    assert!(matches!(err, SumError::UnknownAlgorithm { .. }));
    assert!(err.to_string().starts_with(&format!(
        "warning: verifying example.com@v1.0.0/go.mod: unknown hashes in go.sum: h2:zzz=; adding {GOMOD_H1}\n\nSECURITY WARNING\n"
    )));

    // The first h1 that differs is the one reported, even if a later one matches (go does this).
    let both = format!("example.com v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com v1.0.0/go.mod {GOMOD_H1}\n");
    let (sum, _) = GoSum::parse("go.sum", &both);
    assert!(sum.check_gomod("example.com", "v1.0.0", GOMOD).is_err());
}

/// Runs the go command (1.19) on a main module requiring example.com v1.0.0 from a file://
/// proxy, with the given go.sum, and returns its stderr.
fn go_list_with_gosum(go: &std::path::Path, gosum: &str, modflag: &str) -> String {
    let root =
        std::env::temp_dir().join(format!("modscope-gosum-{}-{modflag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let proxy = root.join("proxy/example.com/@v");
    std::fs::create_dir_all(&proxy).expect("mkdir");
    std::fs::create_dir_all(root.join("main")).expect("mkdir");
    std::fs::write(proxy.join("v1.0.0.mod"), GOMOD).expect("write");
    std::fs::write(proxy.join("v1.0.0.info"), "{\"Version\":\"v1.0.0\"}").expect("write");
    std::fs::write(proxy.join("list"), "v1.0.0\n").expect("write");
    std::fs::write(
        root.join("main/go.mod"),
        "module m\n\ngo 1.19\n\nrequire example.com v1.0.0\n",
    )
    .expect("write");
    std::fs::write(root.join("main/go.sum"), gosum).expect("write");
    let out = std::process::Command::new(go)
        .args(["list", "-m", "all"])
        .current_dir(root.join("main"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &root)
        .env("GOPATH", root.join("gopath"))
        .env("GOCACHE", root.join("gocache"))
        .env(
            "GOPROXY",
            format!("file://{}", root.join("proxy").display()),
        )
        .env("GOSUMDB", "off")
        .env("GOFLAGS", format!("-mod={modflag} -modcacherw"))
        .output()
        .expect("running go");
    let _ = std::fs::remove_dir_all(&root);
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn messages_match_the_go_command() {
    let Some(go) = common::go_command() else {
        eprintln!("go not installed: skipping the differential check");
        return;
    };
    let bad = "example.com v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let (sum, _) = GoSum::parse("go.sum", bad);
    let ours = sum
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err()
        .to_string();
    assert_eq!(go_list_with_gosum(&go, bad, "mod"), ours);

    let (empty, _) = GoSum::parse("go.sum", "");
    let ours = empty
        .check_gomod("example.com", "v1.0.0", GOMOD)
        .unwrap_err()
        .to_string();
    assert_eq!(
        go_list_with_gosum(&go, "", "readonly"),
        format!("go: {ours}\n")
    );
}

#[test]
fn cli_verify_mod_and_hash() {
    let dir = std::env::temp_dir().join(format!("modscope-sumcli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("go.sum"),
        format!("example.com v1.0.0/go.mod {GOMOD_H1}\n"),
    )
    .expect("write");
    std::fs::write(dir.join("good.mod"), GOMOD).expect("write");
    std::fs::write(dir.join("bad.mod"), "module example.com\n\ngo 1.21\n").expect("write");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_modscope"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("run modscope");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(
        run(&["sum", "verify-mod", "go.sum", "example.com@v1.0.0=good.mod"]),
        (Some(0), "example.com@v1.0.0: ok\n".to_string())
    );
    let (code, out) = run(&["sum", "verify-mod", "go.sum", "example.com@v1.0.0=bad.mod"]);
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with("verifying example.com@v1.0.0/go.mod: checksum mismatch\n"),
        "{out}"
    );
    let (code, out) = run(&["sum", "verify-mod", "go.sum", "other.org/x@v1.0.0=good.mod"]);
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "other.org/x@v1.0.0: missing go.sum entry; to add it:\n\tgo mod download other.org/x\n"
        )
    );
    assert_eq!(
        run(&["sum", "verify-mod", "go.sum", "example.com@v1.0.0"]).0,
        Some(2)
    );
    assert_eq!(
        run(&["sum", "verify-mod", "go.sum", "example.com@1.0=good.mod"]).0,
        Some(2)
    );
    assert_eq!(run(&["sum", "verify-mod", "go.sum"]).0, Some(2));
    assert_eq!(
        run(&[
            "sum",
            "verify-mod",
            "missing.sum",
            "example.com@v1.0.0=good.mod"
        ])
        .0,
        Some(1)
    );
    assert_eq!(
        run(&["sum", "hash", "good.mod"]),
        (Some(0), format!("{GOMOD_H1}\n"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every go.sum, go.work.sum and vendor.sum of the real-project corpus: read without a
/// diagnostic, written back byte for byte (the go command writes the canonical form), and every
/// key is a valid module path with a version that fits it.
#[test]
fn real_gosum_files_round_trip() {
    let root = common::shared_dir().join("corpus/realmods");
    let files = common::files_under(&root, &|n| {
        n == "go.sum" || n == "go.work.sum" || n == "vendor.sum"
    });
    assert!(files.len() > 100, "corpus go.sum files: {}", files.len());
    let mut lines = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let (sum, diags) = GoSum::parse(&f.display().to_string(), &text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            sum.format(),
            text,
            "{} is not in canonical form",
            f.display()
        );
        for (path, version, hash) in sum.sorted_lines() {
            let v = version.strip_suffix("/go.mod").unwrap_or(version);
            assert!(
                modscope::module::check(path, v).is_ok(),
                "{}: {path} {version}",
                f.display()
            );
            assert!(hash.starts_with("h1:") && hash.len() == 47, "{hash}");
            lines += 1;
        }
    }
    assert!(lines > 10_000, "{lines}");
}
