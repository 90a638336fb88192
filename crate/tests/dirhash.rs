//! The h1: hash against dirhash.json: x/mod's unit vectors and 58 real go.sum lines from the go
//! command's test scripts, recomputed from the test modules they hash (txtar files in the installed
//! Go's `$GOROOT/src/cmd/go/testdata/mod`, read in place). Zip rows are hashed twice: from the
//! named files, and from a real zip archive built from them.

mod common;

use modscope::modfile::txtar;
use modscope::sum::dirhash::{self, DirhashError, ZipLimits};
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

fn make_zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, data)) in files.iter().enumerate() {
        let method = if i % 2 == 0 {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        w.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .expect("start_file");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn unit_vectors() {
    let table = common::case_table("dirhash.json");
    for v in table["unit_vectors"].as_array().expect("unit_vectors") {
        let files: Vec<(String, Vec<u8>)> = v["files"]
            .as_object()
            .expect("files")
            .iter()
            .map(|(k, d)| (k.clone(), d.as_str().expect("data").as_bytes().to_vec()))
            .collect();
        let refs = || files.iter().map(|(n, d)| (n.as_str(), d.as_slice()));
        let name = v["name"].as_str().expect("name");
        if let Some(err) = v["want_error"].as_str() {
            assert_eq!(
                dirhash::hash1(refs()).unwrap_err().to_string(),
                err,
                "{name}"
            );
            assert_eq!(
                dirhash::hash_zip(&make_zip(&files)),
                Err(DirhashError::NewlineInName),
                "{name}"
            );
            continue;
        }
        let want = v["want"].as_str().expect("want");
        assert_eq!(dirhash::hash1(refs()).as_deref(), Ok(want), "{name}");
        if let Some(summary) = v["summary"].as_str() {
            assert_eq!(dirhash::summary(refs()).as_deref(), Ok(summary), "{name}");
        }
        assert_eq!(
            dirhash::hash_zip(&make_zip(&files)).as_deref(),
            Ok(want),
            "{name} as a zip"
        );
        if files.len() == 1 && files[0].0 == "go.mod" {
            assert_eq!(dirhash::hash_gomod(&files[0].1), want);
        }
    }
}

#[test]
fn real_gosum_lines() {
    let table = common::case_table("dirhash.json");
    let rows = table["testmod_gosum_vectors"].as_array().expect("rows");
    assert_eq!(rows.len(), 58);
    let Some(src) = common::go_src_dir() else {
        eprintln!("skipping real_gosum_lines: no Go source tree installed");
        return;
    };
    let dir = src.join("cmd/go/testdata/mod");
    for r in rows {
        let s = |k: &str| r[k].as_str().expect(k);
        let text = std::fs::read(dir.join(s("testmod_file"))).expect("testmod file");
        let archive = txtar::parse(&text);
        let (path, version, want) = (s("path"), s("version"), s("h1"));
        match s("kind") {
            "go.mod" => {
                let gomod = archive.file(".mod").expect(".mod section");
                assert_eq!(dirhash::hash_gomod(gomod), want, "{path} {version}");
            }
            "zip" => {
                let files: Vec<(String, Vec<u8>)> = archive
                    .files
                    .iter()
                    .filter(|f| ![".info", ".mod", ".zip"].contains(&f.name.as_str()))
                    .map(|f| {
                        let name = match f.name.strip_prefix('/') {
                            Some(rest) => rest.to_string(),
                            None => format!("{path}@{version}/{}", f.name),
                        };
                        (name, f.data.clone())
                    })
                    .collect();
                if let Some(names) = r["zip_file_names"].as_array() {
                    let mut got: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
                    got.sort_unstable();
                    let mut want_names: Vec<&str> =
                        names.iter().map(|n| n.as_str().expect("name")).collect();
                    want_names.sort_unstable();
                    assert_eq!(got, want_names, "{path} {version}");
                }
                let refs = files.iter().map(|(n, d)| (n.as_str(), d.as_slice()));
                assert_eq!(
                    dirhash::hash1(refs).as_deref(),
                    Ok(want),
                    "{path} {version}"
                );
                assert_eq!(
                    dirhash::hash_zip(&make_zip(&files)).as_deref(),
                    Ok(want),
                    "{path} {version} zip"
                );
            }
            other => panic!("unknown kind {other}"),
        }
    }
}

#[test]
fn hostile_zips_are_refused() {
    assert!(matches!(
        dirhash::hash_zip(b"not a zip"),
        Err(DirhashError::Zip(_))
    ));
    assert!(matches!(dirhash::hash_zip(b""), Err(DirhashError::Zip(_))));

    // Highly compressible entry: 8 MiB of zeros in a few KiB.
    let bomb = make_zip(&[("m@v1.0.0/zeros".to_string(), vec![0u8; 8 << 20])]);
    assert!(bomb.len() < 64 << 10);
    let tight = ZipLimits {
        max_entries: 10,
        max_total_size: 1 << 20,
    };
    assert!(matches!(
        dirhash::hash_zip_with_limits(&bomb, tight),
        Err(DirhashError::TooLarge(_))
    ));
    assert!(dirhash::hash_zip(&bomb).is_ok());

    let many: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| (format!("m@v1.0.0/f{i}"), vec![]))
        .collect();
    assert!(matches!(
        dirhash::hash_zip_with_limits(&make_zip(&many), tight),
        Err(DirhashError::TooLarge(_))
    ));

    // Truncated archive: every prefix fails cleanly (no panic).
    let good = make_zip(&[
        ("m@v1.0.0/a".to_string(), b"hello\n".to_vec()),
        ("m@v1.0.0/b".to_string(), vec![7; 300]),
    ]);
    for n in 0..good.len() {
        let _ = dirhash::hash_zip(&good[..n]);
    }
    // Single-byte corruptions: never a panic.
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0xff;
        let _ = dirhash::hash_zip(&bad);
    }
}
