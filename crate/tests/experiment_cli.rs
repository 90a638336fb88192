//! `GOEXPERIMENT` means the same to every command: an unknown name is the go command's error and
//! exit 1, whichever accelerator the command uses (`list -m` is covered in `cache_faults.rs`).

use std::process::Command;

fn run(args: &[&str], goexperiment: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("modscope-experiment-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_modscope"))
        .args(args)
        .current_dir(&dir)
        .env("GO111MODULE", "off")
        .env("GOPATH", &dir)
        .env("GOEXPERIMENT", goexperiment)
        .env("MODSCOPE_CACHE", dir.join("cache"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn unknown_experiment_is_an_error_for_gopath_commands() {
    for args in [&["lookup", "fmt"][..], &["list", "fmt"][..]] {
        let (code, stderr) = run(args, "gopkgcache,gopkgcash");
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert_eq!(stderr, "go: unknown GOEXPERIMENT gopkgcash\n", "{args:?}");
    }
}

#[test]
fn negated_experiment_turns_the_gopkg_cache_off() {
    let (code, stderr) = run(&["lookup", "-x", "fmt"], "gopkgcache,nogopkgcache");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("gopkg cache"),
        "index used although negated:\n{stderr}"
    );
    let (code, stderr) = run(&["lookup", "-x", "fmt"], "gopkgcache");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("gopkg cache"), "index not used:\n{stderr}");
}
