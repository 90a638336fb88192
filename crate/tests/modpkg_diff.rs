//! Differential test of module-mode package lookup against the go command (Go 1.19): random
//! universes with module zips from `shared/oracle/gen_universe.py` (ambiguous imports, missing
//! zips, import cycles, replacements without go.mod, local replacements, excludes, nested module
//! paths, /vN paths, main modules before and after graph pruning), the go
//! command's `go list -e -deps -json ./...` (`list_deps`) and `go list -e -json PATHS` (`resolve`:
//! a required module's path, a path nobody provides, a dotless path, a std path) from
//! `oracle.py`, and modscope's `list` for the same input. Compared per package: ImportPath, Dir,
//! Name, Module (Path, Version, Main, Indirect, GoVersion, Replace), Imports, ImportMap,
//! Incomplete, Error and DepsErrors (text, import stack, position file:line:col), and the number
//! of standard-library packages; `-f` with a template prints what the go command's JSON says.
//! `mod why -m` over every module of the build list (`mod_why`,
//! `oracle.py --why all`) must print the same chains.
//!
//! `MODSCOPE_MODPKG_UNIVERSES` sets how many universes (default 30 under CI, 8 otherwise),
//! `MODSCOPE_ORACLE_SEED` the first seed. Skipped when the go command is not installed.
//!
//! `MODSCOPE_MODPKG_INJECT` (comma-separated `gen_universe.py` error kinds) replaces the
//! injected kinds for wider local runs.
//!
//! Runs on 2026-11-26 (Go 1.19), `MODSCOPE_MODPKG_UNIVERSES=40`: seeds 1 to 12 agree on all 40
//! universes each. Seed 6 found the case-insensitive import collision (universe 2) and seed 8
//! the `mod why -m` listing rule (universe 32); both are fixed (seeds 6 and 8 were rerun after
//! the fix), with focused tests below (`mod_why_m_lists_the_modules_first`) and in
//! `pkg::modlist`. Seed 21 with 20 universes
//! and `MODSCOPE_MODPKG_INJECT=missing-info,missing-version,missing-module,dep-missing-version,
//! replace-missing-dir,path-mismatch,bad-gomod-syntax,noncanonical-version,self-require,
//! dup-require` agrees too. Seed 5, universe 10 (a command-line package outside the main
//! modules whose dependency imports a package the graph does not provide) agrees since the
//! go command's root rules (only modules of command-line packages and of packages in "all"
//! become roots; command-line packages' modules are preloaded) and its `latest` query for
//! missing imports under `-mod=mod` are implemented (`pkg::modquery`; fixture test
//! `missing_imports_are_found_in_the_proxy`).

mod common;

use common::oracle::{self, go_in, norm, Universe};
use modscope::graph::load::CmdKind;
use modscope::native::cli::list_modpkgs::list_packages;
use modscope::native::cli::list_pkgs::PkgListArgs;
use modscope::native::modload::LoadRequest;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// The load request for the universe's main module with its environment, as `command`.
fn load_request(u: &Universe, command: CmdKind) -> LoadRequest {
    LoadRequest {
        dir: u.main_dir(),
        env: u.env(&[]),
        build_mod_flag: None,
        command,
        go_override: None,
    }
}

/// Differences that are known and tracked, with why. A mismatch whose text contains the key is
/// counted apart and printed, not failed on.
const KNOWN_GAPS: &[(&str, &str)] = &[];

const INJECT: &[&str] = &[
    "ambiguous-import",
    "missing-zip",
    "import-cycle",
    "replace-no-gomod",
];

fn universe_args(i: usize, seed: u64) -> Vec<String> {
    let size = [10, 12, 15, 20, 25, 30][i % 6];
    let mut a: Vec<String> = vec![
        "--seed".into(),
        (seed * 100000 + i as u64).to_string(),
        "--modules".into(),
        size.to_string(),
        "--p-go117".into(),
        ["0", "0.5", "1"][i % 3].to_string(),
        "--excludes".into(),
        ["0", "1", "2"][(i / 3) % 3].to_string(),
        "--local-replaces".into(),
        ["0", "1", "2"][(i / 2) % 3].to_string(),
        "--replaces".into(),
        ["0", "1"][(i / 5) % 2].to_string(),
    ];
    // Nested module paths (a package provided by two modules), /vN and gopkg.in paths, and
    // main modules before and after graph pruning.
    a.push("--p-nested".into());
    a.push(["0", "0.2", "0.4"][(i / 4) % 3].to_string());
    a.push("--p-major".into());
    a.push(["0.1", "0.3"][(i / 6) % 2].to_string());
    a.push(format!(
        "--main-go={}",
        ["1.17", "1.16", "1.19", "random"][(i / 3) % 4]
    ));
    if i % 2 == 0 {
        // MODSCOPE_MODPKG_INJECT (comma-separated gen_universe.py error kinds) replaces the
        // default kinds for wider local runs.
        let kinds: Vec<String> = std::env::var("MODSCOPE_MODPKG_INJECT")
            .ok()
            .map(|v| v.split(',').map(str::to_string).collect())
            .filter(|k: &Vec<String>| !k.is_empty())
            .unwrap_or_else(|| INJECT.iter().map(|k| k.to_string()).collect());
        a.push("--inject".into());
        a.push(kinds[(i / 2) % kinds.len()].clone());
    }
    a
}

/// A position reduced to `file:line:col` (the directory part depends on where GOPATH is).
fn short_pos(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}

fn norm_error(e: &Value, pairs: &[(String, &str)]) -> Value {
    json!({
        "Err": norm(e["Err"].as_str().unwrap_or(""), pairs),
        "ImportStack": e["ImportStack"].clone(),
        "Pos": short_pos(e["Pos"].as_str().unwrap_or("")),
    })
}

fn norm_module(m: &Value, pairs: &[(String, &str)]) -> Value {
    let mut out = serde_json::Map::new();
    for k in ["Path", "Version", "Main", "Indirect", "GoVersion"] {
        if let Some(v) = m.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    if let Some(r) = m.get("Replace") {
        let mut ro = serde_json::Map::new();
        for k in ["Path", "Version", "Dir"] {
            if let Some(Value::String(v)) = r.get(k) {
                let v = norm(v, pairs);
                if !(k == "Dir" && v.starts_with("$GOMODCACHE")) {
                    ro.insert(k.into(), Value::String(v));
                }
            }
        }
        out.insert("Replace".into(), Value::Object(ro));
    }
    Value::Object(out)
}

fn norm_pkg(p: &Value, pairs: &[(String, &str)]) -> Value {
    let s = |k: &str| norm(p[k].as_str().unwrap_or(""), pairs);
    json!({
        "ImportPath": s("ImportPath"),
        "Dir": s("Dir"),
        "Name": s("Name"),
        "Module": p.get("Module").map(|m| norm_module(m, pairs)),
        "Imports": p.get("Imports").cloned().unwrap_or(json!([])),
        "ImportMap": p.get("ImportMap").cloned().unwrap_or(json!({})),
        "Incomplete": p.get("Incomplete").cloned().unwrap_or(json!(false)),
        "Error": p.get("Error").map(|e| norm_error(e, pairs)),
        "DepsErrors": p.get("DepsErrors").and_then(Value::as_array).map(|a| a.iter().map(|e| norm_error(e, pairs)).collect::<Vec<_>>()).unwrap_or_default(),
    })
}

fn compare_pkgs(what: &str, theirs: &[Value], ours: &[Value], out: &mut Vec<String>) {
    let tp: Vec<&str> = theirs
        .iter()
        .map(|p| p["ImportPath"].as_str().unwrap_or(""))
        .collect();
    let op: Vec<&str> = ours
        .iter()
        .map(|p| p["ImportPath"].as_str().unwrap_or(""))
        .collect();
    if tp != op {
        // Same package, other module version: the lists differ because of version selection.
        let version = theirs.iter().any(|t| {
            ours.iter().any(|o| {
                o["ImportPath"] == t["ImportPath"]
                    && o["Module"]["Version"] != t["Module"]["Version"]
            })
        });
        out.push(format!(
            "{what}: package list differs{}\n go: {tp:?}\n ms: {op:?}",
            if version { " (selected version)" } else { "" }
        ));
        return;
    }
    for (t, o) in theirs.iter().zip(ours) {
        if t != o {
            let fields: Vec<String> = t
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, v)| o.get(k.as_str()) != Some(v))
                        .map(|(k, v)| format!("{k}: go {v} / ms {}", o[k.as_str()]))
                        .collect()
                })
                .unwrap_or_default();
            let version = t["Module"]["Version"] != o["Module"]["Version"];
            out.push(format!(
                "{what}: {}{}: {}",
                t["ImportPath"],
                if version { " (selected version)" } else { "" },
                fields.join("; ")
            ));
        }
    }
}

/// The template `-f` is checked with: fields, a nested struct behind `if`, a list through `join`,
/// a map ranged with key and value (Go ranges in sorted key order), a list ranged with its index.
const FORMAT: &str = "{{.ImportPath}} {{.Name}}{{if .Module}} {{.Module.Path}}@{{.Module.Version}}{{end}} [{{join .Imports \",\"}}]{{range $k, $v := .ImportMap}} {{$k}}={{$v}}{{end}}{{range $i, $d := .Imports}}{{if eq $i 0}} first={{$d}}{{end}}{{end}}{{if .Error}} E{{end}}{{if .Standard}} std{{end}}";

/// The line [`FORMAT`] gives for one of the go command's JSON packages.
fn format_line(p: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut l = format!("{} {}", s(&p["ImportPath"]), s(&p["Name"]));
    if p["Module"].is_object() {
        l.push_str(&format!(
            " {}@{}",
            s(&p["Module"]["Path"]),
            s(&p["Module"]["Version"])
        ));
    }
    let imports: Vec<String> = p["Imports"]
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default();
    l.push_str(&format!(" [{}]", imports.join(",")));
    if let Some(m) = p["ImportMap"].as_object() {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            l.push_str(&format!(" {k}={}", s(&m[k])));
        }
    }
    if let Some(first) = p["Imports"].as_array().and_then(|d| d.first()) {
        l.push_str(&format!(" first={}", s(first)));
    }
    if p["Error"].is_object() {
        l.push_str(" E");
    }
    l
}

fn first_require(gomod: &str) -> Option<String> {
    let mut in_block = false;
    for line in gomod.lines() {
        let l = line.trim();
        if l.starts_with("require (") {
            in_block = true;
            continue;
        }
        if in_block {
            if l == ")" {
                in_block = false;
                continue;
            }
            return l.split_whitespace().next().map(str::to_string);
        }
        if let Some(rest) = l.strip_prefix("require ") {
            return rest.split_whitespace().next().map(str::to_string);
        }
    }
    None
}

fn run_one(i: usize, seed: u64, root: &Path) -> (usize, Vec<String>) {
    let args = universe_args(i, seed);
    let u = Universe::generate(root.join(format!("u{i}")), args, false);
    let dir = &u.dir;
    let gomod = std::fs::read_to_string(dir.join("main/go.mod")).unwrap_or_default();
    let mut resolve = vec![
        "example.com/nobody/x".to_string(),
        "nodot/x".into(),
        "fmt".into(),
    ];
    if let Some(r) = first_require(&gomod) {
        resolve.insert(0, r);
    }
    let oracle = u.oracle(&[
        "--steps".into(),
        "list_deps,resolve,mod_why".into(),
        "--why".into(),
        "all".into(),
        "--resolve".into(),
        resolve.join(","),
    ]);
    let pairs = u.pairs();
    let req = load_request(&u, CmdKind::List);
    let mut mism = Vec::new();
    let mut n = 0;
    let tag = format!("universe {} ({})", dir.display(), u.args.join(" "));
    for (step, deps, patterns) in [
        ("list_deps", true, vec!["./...".to_string()]),
        ("resolve", false, resolve.clone()),
    ] {
        let t = &oracle["steps"][step];
        if t.is_null() {
            continue;
        }
        n += 1;
        let pa = PkgListArgs {
            e: true,
            json: true,
            deps,
            patterns,
            ..PkgListArgs::default()
        };
        let o = list_packages(&req, &pa);
        let texit = t["exit"].as_i64().unwrap_or(-1);
        if i64::from(o.exit) != texit {
            mism.push(format!(
                "{tag}: {step}: exit go {texit} / ms {}: {}",
                o.exit, o.stderr
            ));
            continue;
        }
        let ours_all = match oracle::json_stream(&o.stdout) {
            Ok(v) => v,
            Err(e) => {
                mism.push(format!("{tag}: {step}: our JSON: {e}"));
                continue;
            }
        };
        let ours: Vec<Value> = ours_all
            .iter()
            .filter(|p| p.get("Standard") != Some(&Value::Bool(true)))
            .map(|p| norm_pkg(p, &pairs))
            .collect();
        let theirs: Vec<Value> = t["packages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| norm_pkg(p, &[]))
            .collect();
        let mut local = Vec::new();
        compare_pkgs(step, &theirs, &ours, &mut local);
        if step == "list_deps" {
            let std_n = ours_all.len() - ours.len();
            if let Some(want) = t["std_packages"].as_u64() {
                if want as usize != std_n {
                    local.push(format!("list_deps: std packages go {want} / ms {std_n}"));
                }
            }
        }
        // -f: a template over the same packages prints what go's JSON says, line by line.
        let fa = PkgListArgs {
            json: false,
            format: Some(FORMAT.to_string()),
            ..pa.clone()
        };
        let f = list_packages(&req, &fa);
        let want: Vec<String> = t["packages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(format_line)
            .collect();
        let got: Vec<String> = f
            .stdout
            .lines()
            .map(|l| norm(l, &pairs))
            .filter(|l| !l.ends_with(" std"))
            .collect();
        if want != got {
            local.push(format!(
                "{step}: -f output differs\n go: {want:?}\n ms: {got:?}"
            ));
        }
        mism.extend(local.into_iter().map(|m| format!("{tag}: {m}")));
    }
    // mod why -m over the modules the go command was asked about.
    let t = &oracle["steps"]["mod_why"];
    if let (Some(argv), Some(why)) = (t["argv"].as_array(), t["why"].as_object()) {
        n += 1;
        let mods: Vec<String> = argv
            .iter()
            .skip(4)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let mut wreq = req.clone();
        wreq.command = CmdKind::ModWhy;
        let o = modscope::native::cli::mod_why::mod_why(&wreq, true, false, &mods);
        let mut ours: HashMap<String, Vec<String>> = HashMap::new();
        let mut cur = String::new();
        for line in o.stdout.lines() {
            if let Some(m) = line.strip_prefix("# ") {
                cur = m.to_string();
                ours.entry(cur.clone()).or_default();
            } else if !line.is_empty() {
                ours.entry(cur.clone()).or_default().push(line.to_string());
            }
        }
        for (m, lines) in why {
            let theirs: Vec<String> = lines
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mine = ours.get(m).cloned().unwrap_or_default();
            if theirs != mine {
                mism.push(format!(
                    "{tag}: mod why -m {m}: go {theirs:?} / ms {mine:?}"
                ));
            }
        }
    }
    u.cleanup(!mism.is_empty());
    (n, mism)
}

#[test]
fn go_command_agrees_on_packages() {
    if common::go_command().is_none() {
        eprintln!("go command not installed: skipping the differential test");
        return;
    }
    let n = oracle::count_from_env("MODSCOPE_MODPKG_UNIVERSES", 30, 8);
    let seed = oracle::seed_from_env();
    let root = oracle::temp_root("modpkg");
    let (compared, all) = oracle::run_universes(n, &root, |i, root| run_one(i, seed, root));
    let (known, real): (Vec<&String>, Vec<&String>) = all
        .iter()
        .partition(|m| KNOWN_GAPS.iter().any(|(k, _)| m.contains(k)));
    println!(
        "{n} universes, {compared} steps compared, {} mismatches, {} in known gaps",
        real.len(),
        known.len()
    );
    for (k, why) in KNOWN_GAPS {
        println!("known gap [{k}]: {why}");
    }
    for m in known.iter().take(500) {
        println!("known: {m}");
    }
    for m in real.iter().take(10) {
        println!("{m}");
    }
    assert!(real.is_empty(), "{} mismatches", real.len());
}

/// A module zip with `files` under `path@version/`.
fn module_zip(path: &str, version: &str, files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(
            format!("{path}@{version}/{name}"),
            zip::write::SimpleFileOptions::default(),
        )
        .expect("zip entry");
        w.write_all(data.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Writes a module version into the file proxy under `dir`.
fn proxy_module(dir: &Path, path: &str, versions: &[(&str, &[(&str, &str)])]) {
    let d = dir.join("proxy").join(path).join("@v");
    std::fs::create_dir_all(&d).expect("proxy dir");
    let list: String = versions.iter().map(|(v, _)| format!("{v}\n")).collect();
    std::fs::write(d.join("list"), list).expect("list");
    for (v, files) in versions {
        let gomod = format!("module {path}\n\ngo 1.17\n");
        std::fs::write(
            d.join(format!("{v}.info")),
            format!("{{\"Version\":\"{v}\",\"Time\":\"2021-01-01T00:00:00Z\"}}"),
        )
        .expect("info");
        std::fs::write(d.join(format!("{v}.mod")), &gomod).expect("mod");
        let mut all: Vec<(&str, &str)> = vec![("go.mod", gomod.as_str())];
        all.extend(files.iter().copied());
        std::fs::write(d.join(format!("{v}.zip")), module_zip(path, v, &all)).expect("zip");
    }
}

/// `-mod=mod` and an import no module of the graph provides (SPEC.md E.1 step 5; Go 1.19
/// `modload/load.go` `resolveMissingImports`, `import.go` `queryImport`): the module is found at
/// its latest version in the proxy (`example.com/a` v1.1.0, the first version with the package)
/// and added; a package its latest version lacks, and a path no module has, get the go
/// command's errors. Checked against fixed answers, and against the go command when installed.
#[test]
fn missing_imports_are_found_in_the_proxy() {
    let root = oracle::temp_root("modpkg-query");
    let dir = root.join("u");
    let _ = std::fs::remove_dir_all(&dir);
    proxy_module(
        &dir,
        "example.com/dep",
        &[(
            "v1.0.0",
            &[("dep.go", "package dep\n\nimport _ \"example.com/a/sub\"\n")],
        )],
    );
    proxy_module(
        &dir,
        "example.com/a",
        &[
            ("v1.0.0", &[("a.go", "package a\n")]),
            (
                "v1.1.0",
                &[("a.go", "package a\n"), ("sub/sub.go", "package sub\n")],
            ),
        ],
    );
    let main = dir.join("main");
    std::fs::create_dir_all(&main).expect("main dir");
    std::fs::write(
        main.join("go.mod"),
        "module example.com/main\n\ngo 1.17\n\nrequire example.com/dep v1.0.0\n",
    )
    .expect("go.mod");
    std::fs::write(
        main.join("main.go"),
        "package main\n\nimport _ \"example.com/dep\"\n\nfunc main() {}\n",
    )
    .expect("main.go");
    let u = Universe {
        dir: dir.clone(),
        args: Vec::new(),
        ws: false,
    };
    let req = load_request(&u, CmdKind::List);
    let pairs = u.pairs();
    let summary = |stdout: &str, pairs: &[(String, &str)]| -> Vec<String> {
        oracle::json_stream(stdout)
            .expect("list JSON")
            .iter()
            .filter(|p| p.get("Standard") != Some(&Value::Bool(true)))
            .map(|p| {
                norm(
                    &format!(
                        "{} {}@{} {}",
                        p["ImportPath"].as_str().unwrap_or(""),
                        p["Module"]["Path"].as_str().unwrap_or(""),
                        p["Module"]["Version"].as_str().unwrap_or(""),
                        p["Error"]["Err"].as_str().unwrap_or("")
                    ),
                    pairs,
                )
                .trim_end()
                .to_string()
            })
            .collect()
    };
    let cases: [(Vec<&str>, bool, Vec<&str>); 2] = [
        (
            vec!["./..."],
            true,
            vec![
                "example.com/a/sub example.com/a@v1.1.0",
                "example.com/dep example.com/dep@v1.0.0",
                "example.com/main example.com/main@",
            ],
        ),
        (
            vec!["example.com/a/nosuch", "example.com/nobody/x"],
            false,
            vec![
                "example.com/a/nosuch @ module example.com/a@latest found (v1.1.0), but does not contain package example.com/a/nosuch",
                "example.com/nobody/x @ cannot find module providing package example.com/nobody/x: module example.com/nobody/x: reading file://$PROXY/example.com/nobody/x/@v/list: no such file or directory",
            ],
        ),
    ];
    for (patterns, deps, want) in cases {
        let args = PkgListArgs {
            e: true,
            json: true,
            deps,
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            ..PkgListArgs::default()
        };
        let o = list_packages(&req, &args);
        assert_eq!(o.exit, 0, "{patterns:?}: {}", o.stderr);
        let ours = summary(&o.stdout, &pairs);
        assert_eq!(ours, want, "{patterns:?}");
        if deps {
            assert!(
                o.stderr
                    .contains("go: found example.com/a/sub in example.com/a v1.1.0"),
                "{}",
                o.stderr
            );
        }
        if common::go_command().is_some() {
            // The go command rewrites go.mod: each run starts from a fresh copy.
            let copy = root.join("go-main");
            let _ = std::fs::remove_dir_all(&copy);
            std::fs::create_dir_all(&copy).expect("copy dir");
            for f in ["go.mod", "main.go"] {
                std::fs::copy(main.join(f), copy.join(f)).expect("copy");
            }
            let mut cmd = go_in(&u, &copy, "-mod=mod -modcacherw");
            cmd.args(["list", "-e", "-json"]);
            if deps {
                cmd.arg("-deps");
            }
            let g = cmd.args(&patterns).output().expect("go runs");
            let mut gp = pairs.clone();
            gp.push((copy.display().to_string(), "$WORK/main"));
            let theirs: Vec<String> = summary(&String::from_utf8_lossy(&g.stdout), &gp);
            assert_eq!(ours, theirs, "{patterns:?} against the go command");
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// `mod why -m` lists its arguments before loading packages (Go 1.19 `modcmd/why.go`,
/// `modload.ListModules`): an argument that is not a root of the pruned graph (here
/// gitlab.example.dev/acme/nimbus/v2, whose required version main excludes) makes the go command
/// load the full graph and start package loading from its raised roots, which changes the
/// answer for github.com/umbrella/ember-yodel/drift. Found by seed 8, universe 32.
#[test]
fn mod_why_m_lists_the_modules_first() {
    if common::go_command().is_none() {
        return;
    }
    let root = oracle::temp_root("modpkg-why");
    let args: Vec<String> = "--seed 800032 --modules 15 --p-go117 1 --excludes 1 --local-replaces 1 --replaces 0 --p-nested 0.4 --p-major 0.3 --main-go=1.19 --inject ambiguous-import"
        .split(' ')
        .map(str::to_string)
        .collect();
    let u = Universe::generate(root.join("u"), args, false);
    let req = load_request(&u, CmdKind::ModWhy);
    let drift = "github.com/umbrella/ember-yodel/drift";
    let cases: [(&[&str], &str); 2] = [
        (
            &[drift, "gitlab.example.dev/acme/nimbus/v2"],
            "# github.com/umbrella/ember-yodel/drift\nexample.com/main\nexample.com/aperture/nectar\ngitlab.example.dev/acme/nimbus/v2\ngithub.com/umbrella/ember-yodel/drift\n",
        ),
        (
            &[drift, "example.com/aperture/nectar"],
            "# github.com/umbrella/ember-yodel/drift\n(main module does not need module github.com/umbrella/ember-yodel/drift)\n",
        ),
    ];
    for (mods, want) in cases {
        let mods: Vec<String> = mods.iter().map(|m| m.to_string()).collect();
        let o = modscope::native::cli::mod_why::mod_why(&req, true, false, &mods);
        assert!(o.stdout.starts_with(want), "{mods:?}: {}", o.stdout);
        let copy = u.dir.join("main-copy");
        let _ = std::fs::remove_dir_all(&copy);
        let status = Command::new("cp")
            .arg("-r")
            .arg(u.main_dir())
            .arg(&copy)
            .status()
            .expect("cp runs");
        assert!(status.success());
        let g = go_in(&u, &copy, "-mod=mod -modcacherw")
            .args(["mod", "why", "-m"])
            .args(&mods)
            .output()
            .expect("go runs");
        assert_eq!(
            String::from_utf8_lossy(&g.stdout),
            o.stdout,
            "{mods:?} against the go command"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
