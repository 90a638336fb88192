//! Differential test: `go mod edit -fmt` / `go work edit -fmt` against `modfile::format_*` on
//! every input of `tests/modfile/fmt` and `tests/modfile/errors` (plus a few inline cases), comparing
//! the canonical text on success and the error text (after `go: errors parsing FILE:`) on failure.
//!
//! modscope implements the go.mod grammar of current x/mod (SPEC A, "HEAD" column); the installed
//! `go` may be older. Go 1.19's vendored x/mod differs in ways listed in [`GO119_DIFFERENCES`]: those
//! inputs are compared against the specification (the golden files) instead, and are skipped here
//! when the `go` command is 1.19.

mod common;

use modscope::modfile;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Inputs on which Go 1.19 behaves differently from current Go, with the SPEC reference.
const GO119_DIFFERENCES: &[(&str, &str)] = &[
    (
        "fmt/blanklines.in",
        "A.2: current x/mod drops a blank line just before a block's `)`; 1.19 keeps it",
    ),
    (
        "fmt/blocks.in",
        "A.3 formatting: current x/mod keeps a one-line block with comments before `)`; 1.19 collapses it and drops them",
    ),
    (
        "fmt/newer_directives.in",
        "A.3: toolchain, godebug, tool, ignore and go 1.23rc1 are unknown to 1.19",
    ),
    (
        "fmt/sort_go121.in",
        "A.3 SortBlocks: exclude blocks sort by semver when go >= 1.21 (1.19 sorts lexically)",
    ),
    (
        "fmt/replace_dotdot.in",
        "A.3 IsDirectoryPath: current x/mod accepts a bare `.` or `..` (1.19 requires ./ or ../)",
    ),
    (
        "fmt/workspace_collapse.work.in",
        "B: toolchain and godebug in go.work are unknown to 1.19",
    ),
    (
        "errors/go_args.in",
        "A.3: toolchain is unknown to 1.19",
    ),
    (
        "errors/go_version.in",
        "A.3: the go-version message says `format 1.23.0` (1.19: `format 1.23`)",
    ),
    (
        "errors/go_version_dots.in",
        "A.3: the go-version message says `format 1.23.0` (1.19: `format 1.23`)",
    ),
    (
        "errors/godebug.in",
        "A.3: godebug is unknown to 1.19",
    ),
    (
        "errors/replace.in",
        "A.3 replace: current wording `(rooted or starting with . or ..)` and the `path@version` message",
    ),
    (
        "errors/tool_ignore.in",
        "A.3: tool and ignore are unknown to 1.19",
    ),
    (
        "errors/toolchain.in",
        "A.3: toolchain is unknown to 1.19",
    ),
    (
        "errors/workspace.work.in",
        "B: toolchain/godebug in go.work and the replace wording are newer than 1.19",
    ),
    (
        "errors/workspace_go.work.in",
        "A.3/B: the go-version message says `format 1.23.0` (1.19: `format 1.23`)",
    ),
    (
        "inline/go_dotted_version",
        "A.3: go 1.21.0 is valid in current Go (1.19 accepts only N.M)",
    ),
];

/// Extra inputs not in the golden directories: (name, go.mod text).
const INLINE: &[(&str, &str)] = &[
    (
        "inline/unformatted",
        "module   example.com/x\n\n\n\ngo 1.18\nrequire ( example.com/a v1.0.0 )\nrequire (\n\texample.com/c v1.0.0\n\texample.com/b v1.0.0\n)\n\n\n",
    ),
    (
        "inline/indirect_variants",
        "module m\nrequire (\n\texample.com/a v1.0.0 // indirect\n\texample.com/b v1.0.0 // indirect; reason\n\texample.com/c v1.0.0 //indirect\n)\n",
    ),
    (
        "inline/quoted_everything",
        "module \"m\"\nrequire \"example.com/a\" \"v1.0.0\"\nexclude \"example.com/a\" \"v1.1\"\nreplace \"example.com/a\" \"v1.0.0\" => \"./a\"\nretract \"v1.0.0\"\n",
    ),
    (
        "inline/comment_only_lines",
        "// a\n\n// b\nmodule m\n// c\nrequire example.com/a v1.0.0 // d\n\n\n// e\n",
    ),
    ("inline/go_dotted_version", "module m\ngo 1.21.0\n"),
    (
        "inline/block_header_tokens",
        "module m\nrequire (\n\texample.com/a v1.0.0 [\n)\n",
    ),
    (
        "inline/sort_moves_blank_line",
        "module m\n\nrequire (\n\texample.comoa v1.0.0\n\n\texample.com/b v1.0.0\n)\n",
    ),
    (
        "inline/punctuation_tokens",
        "module m\nfoo a[b]c{d}e,\n",
    ),
];

struct Case {
    name: String,
    data: Vec<u8>,
    work: bool,
}

fn cases() -> Vec<Case> {
    let root = common::repo_root().join("tests/modfile");
    let mut out = Vec::new();
    for dir in ["fmt", "errors"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("read golden dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "in"))
            .collect();
        files.sort();
        for p in files {
            let file = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if file.ends_with(".lax.in") {
                // Lax parsing has no go command entry point that prints errors.
                continue;
            }
            out.push(Case {
                name: format!("{dir}/{file}"),
                data: std::fs::read(&p).expect("read"),
                work: file.ends_with(".work.in"),
            });
        }
    }
    for (name, text) in INLINE {
        out.push(Case {
            name: name.to_string(),
            data: text.as_bytes().to_vec(),
            work: false,
        });
    }
    out
}

/// Runs the go command's formatter on `data`; returns Ok(canonical) or Err(error lines).
fn go_fmt(go: &Path, data: &[u8], work: bool) -> Result<Vec<u8>, String> {
    let dir = std::env::temp_dir().join(format!(
        "modscope-go-diff-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = if work { "go.work" } else { "go.mod" };
    std::fs::write(dir.join(file), data).expect("write input");
    let sub = if work { "work" } else { "mod" };
    let out = Command::new(go)
        .args([sub, "edit", "-fmt", file])
        .current_dir(&dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .output()
        .expect("running go");
    let result = if out.status.success() {
        Ok(std::fs::read(dir.join(file)).expect("read formatted"))
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let header = format!("go: errors parsing {file}:\n");
        Err(stderr
            .strip_prefix(&header)
            .unwrap_or(&stderr)
            .trim_end()
            .to_string())
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn ours(data: &[u8], work: bool) -> Result<Vec<u8>, String> {
    let r = if work {
        modfile::format_work("go.work", data)
    } else {
        modfile::format_mod("go.mod", data)
    };
    r.map_err(|diags| {
        diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn go_mod_edit_fmt_agrees() {
    let Some(go) = common::go_command() else {
        eprintln!("go command not installed: differential test skipped");
        return;
    };
    let version = Command::new(&go)
        .args(["env", "GOVERSION"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let old_go = version.starts_with("go1.19");
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in cases() {
        let listed = old_go && GO119_DIFFERENCES.iter().any(|(n, _)| *n == case.name);
        let want = go_fmt(&go, &case.data, case.work);
        let got = ours(&case.data, case.work);
        if listed {
            if want == got {
                failures.push(format!(
                    "{}: listed as a Go 1.19 difference but agrees: drop it from the list",
                    case.name
                ));
            }
            continue;
        }
        compared += 1;
        if want != got {
            let show = |r: &Result<Vec<u8>, String>| match r {
                Ok(b) => format!("ok:\n{}", String::from_utf8_lossy(b)),
                Err(e) => format!("error:\n{e}"),
            };
            failures.push(format!(
                "{} ({version}):\n--- go ---\n{}\n--- modscope ---\n{}",
                case.name,
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(compared >= 30, "only {compared} cases compared");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn difference_list_names_real_cases() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    for (n, why) in GO119_DIFFERENCES {
        assert!(names.iter().any(|c| c == n), "{n} ({why}) is not a case");
    }
}
