//! The WASM API as JS sees it: the `Workspace` file tree, go.mod parsing, resolve, the graph view,
//! why-version and why-paths, lookup, the modfile cache and bench in the core's JSON shapes, and errors that
//! leave as JS `Error`s carrying diagnostics. Runs under Node with wasm-bindgen-test-runner (see scripts/test):
//! `cargo test --target wasm32-unknown-unknown --test wasm_api`.
#![cfg(target_arch = "wasm32")]

use modscope::wasm::{version, Workspace};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// The JS `Error` an API call failed with, and its `diagnostics` array.
fn error_parts(err: JsValue) -> (String, js_sys::Array) {
    let error: js_sys::Error = err.dyn_into().expect("errors leave as JS Error objects");
    let diagnostics = js_sys::Reflect::get(&error, &JsValue::from_str("diagnostics"))
        .expect("error has a diagnostics property");
    (
        String::from(error.message()),
        diagnostics.dyn_into().expect("diagnostics is an array"),
    )
}

/// A string property of a JS object.
fn prop(obj: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(name)).expect("property readable")
}

const EXAMPLE: &str = "module example.com/hello

go 1.19

require (
\tgolang.org/x/text v0.14.0
\trsc.io/sampler v1.3.0 // indirect
)

replace rsc.io/sampler v1.3.0 => ../sampler

retract [v0.1.0, v0.2.0] // published by mistake
";

/// `JSON.stringify` of a JS value.
fn json(value: &JsValue) -> String {
    String::from(js_sys::JSON::stringify(value).expect("JSON-compatible value"))
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn files_are_set_listed_read_and_removed() {
    let mut ws = Workspace::new();
    assert!(ws.files().is_empty());
    ws.set_file("go.mod", "module example.com/m\n".into())
        .unwrap();
    ws.set_file("sub/go.mod", "module example.com/m/sub\n".into())
        .unwrap();
    assert_eq!(
        ws.files(),
        vec!["go.mod".to_string(), "sub/go.mod".to_string()]
    );
    assert_eq!(
        ws.read_file("sub/go.mod").unwrap(),
        "module example.com/m/sub\n"
    );

    ws.set_file("go.mod", "module example.com/n\n".into())
        .unwrap();
    assert_eq!(ws.read_file("go.mod").unwrap(), "module example.com/n\n");

    ws.remove_file("sub/go.mod").unwrap();
    assert_eq!(ws.files(), vec!["go.mod".to_string()]);
}

#[wasm_bindgen_test]
fn removing_a_missing_file_is_an_error_with_a_diagnostic() {
    let mut ws = Workspace::new();
    let (message, diagnostics) = error_parts(ws.remove_file("go.mod").unwrap_err());
    assert_eq!(message, "open go.mod: no such file or directory");
    assert_eq!(diagnostics.length(), 1);
    let d = diagnostics.get(0);
    assert_eq!(
        prop(&d, "code").as_string().as_deref(),
        Some("wasm-not-found")
    );
    assert_eq!(prop(&d, "severity").as_string().as_deref(), Some("error"));
    assert!(
        prop(&d, "span").is_null(),
        "an absent span is null, as in --json"
    );
}

#[wasm_bindgen_test]
fn bad_paths_are_refused() {
    let mut ws = Workspace::new();
    for path in ["", "/go.mod", "../go.mod", "a//go.mod", "a\\go.mod"] {
        let (message, _) = error_parts(ws.set_file(path, String::new()).unwrap_err());
        assert!(message.contains("invalid file path"), "{path:?}: {message}");
    }
    assert!(ws.files().is_empty());
}

#[wasm_bindgen_test]
fn parsed_go_mod_has_the_json_shape_of_the_core() {
    let mut ws = Workspace::new();
    ws.set_file("go.mod", EXAMPLE.into()).unwrap();
    let parsed = ws.parse_mod_file("go.mod").unwrap();

    // Exactly what serde_json makes of the core's ModFile, i.e. what `--json` prints.
    let core = modscope::modfile::parse_strict("go.mod", EXAMPLE.as_bytes()).unwrap();
    assert_eq!(json(&parsed), serde_json::to_string(&core).unwrap());

    let module = prop(&parsed, "module");
    assert_eq!(
        prop(&module, "path").as_string().as_deref(),
        Some("example.com/hello")
    );
    assert!(
        prop(&parsed, "toolchain").is_null(),
        "absent directives are null"
    );
    let require: js_sys::Array = prop(&parsed, "require").dyn_into().unwrap();
    assert_eq!(require.length(), 2);
    let sampler = require.get(1);
    assert_eq!(
        prop(&sampler, "module").as_string().as_deref(),
        Some("rsc.io/sampler@v1.3.0")
    );
    assert_eq!(prop(&sampler, "indirect").as_bool(), Some(true));
    let start = prop(&prop(&sampler, "span"), "start");
    assert_eq!(prop(&start, "line").as_f64(), Some(7.0));
    assert_eq!(prop(&start, "col").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn a_broken_go_mod_throws_its_diagnostics() {
    let mut ws = Workspace::new();
    let text = "module example.com/broken\n\ngo 1.19\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.x\n)\n";
    ws.set_file("go.mod", text.into()).unwrap();
    let (message, diagnostics) = error_parts(ws.parse_mod_file("go.mod").unwrap_err());
    assert_eq!(
        message,
        "go.mod:7:2: require rsc.io/sampler: version \"v1.x\" invalid: must be of the form v1.2.3"
    );
    assert_eq!(diagnostics.length(), 1);
    let d = diagnostics.get(0);
    assert_eq!(
        prop(&d, "code").as_string().as_deref(),
        Some("modfile-version")
    );
    assert_eq!(prop(&d, "file").as_string().as_deref(), Some("go.mod"));
    let start = prop(&prop(&d, "span"), "start");
    assert_eq!(prop(&start, "line").as_f64(), Some(7.0));
    assert_eq!(prop(&start, "col").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn every_error_of_a_file_is_thrown_one_per_line() {
    let mut ws = Workspace::new();
    ws.set_file("go.mod", "module m\ngo 1.19\ngo 1.20\nbogus x\n".into())
        .unwrap();
    let (message, diagnostics) = error_parts(ws.parse_mod_file("go.mod").unwrap_err());
    let core = modscope::modfile::parse_strict("go.mod", b"module m\ngo 1.19\ngo 1.20\nbogus x\n")
        .unwrap_err();
    assert!(core.len() >= 2, "the input has two errors: {core:?}");
    assert_eq!(diagnostics.length() as usize, core.len());
    let rendered: Vec<String> = core.iter().map(ToString::to_string).collect();
    assert_eq!(message, rendered.join("\n"));
}

#[wasm_bindgen_test]
fn parsing_a_missing_file_is_an_error() {
    let ws = Workspace::new();
    let (message, _) = error_parts(ws.parse_mod_file("go.mod").unwrap_err());
    assert_eq!(message, "open go.mod: no such file or directory");
}

const PRUNING_117: &str = include_str!("../../tests/fixtures/pruning-go117.txtar");
const NO_GOMOD: &str = include_str!("../../tests/fixtures/replace-no-gomod.txtar");

/// `{ buildMod: "mod" }`, as the playground resolves.
fn mod_options() -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(
        &o,
        &JsValue::from_str("buildMod"),
        &JsValue::from_str("mod"),
    )
    .expect("set option");
    o.into()
}

#[wasm_bindgen_test]
fn load_txtar_replaces_the_tree() {
    let mut ws = Workspace::new();
    ws.set_file("stale.txt", "x".into()).unwrap();
    let names = ws.load_txtar(PRUNING_117).unwrap();
    assert_eq!(names[0], "go.mod");
    assert!(!ws.files().contains(&"stale.txt".to_string()));
    assert!(ws
        .files()
        .contains(&"proxy/example.com/a/@v/v1.0.0.mod".to_string()));
}

#[wasm_bindgen_test]
fn load_txtar_refuses_bad_names_and_keeps_the_tree() {
    let mut ws = Workspace::new();
    ws.set_file("go.mod", "module example.com/m\n".into())
        .unwrap();
    let err = ws.load_txtar("-- ../escape --\nx\n").unwrap_err();
    let (message, diagnostics) = error_parts(err);
    assert!(message.contains("invalid file path"), "{message}");
    assert_eq!(diagnostics.length(), 1);
    assert_eq!(ws.files(), vec!["go.mod".to_string()]);
}

#[wasm_bindgen_test]
fn resolve_answers_build_list_graph_and_trace() {
    let mut ws = Workspace::new();
    ws.load_txtar(PRUNING_117).unwrap();
    let r = ws.resolve(mod_options()).unwrap();
    assert_eq!(
        json(&prop(&r, "lines")),
        r#"["example.com/m","example.com/a v1.0.0","example.com/b v1.0.0"]"#
    );
    let list: js_sys::Array = prop(&r, "buildList").dyn_into().unwrap();
    assert_eq!(list.length(), 3);
    let first = list.get(0);
    assert_eq!(prop(&first, "Path").as_string().unwrap(), "example.com/m");
    assert_eq!(prop(&first, "Main").as_bool(), Some(true));
    assert_eq!(
        prop(&list.get(1), "Time").as_string().unwrap(),
        "2023-03-01T12:00:00Z"
    );
    let graph: js_sys::Array = prop(&r, "graph").dyn_into().unwrap();
    assert_eq!(
        json(&graph.get(0)),
        r#"{"from":"example.com/m","to":"example.com/a@v1.0.0","selected":true}"#
    );
    let trace: js_sys::Array = prop(&r, "trace").dyn_into().unwrap();
    assert!(trace.length() >= 2);
    assert_eq!(prop(&trace.get(0), "kind").as_string().unwrap(), "read");
    assert_eq!(prop(&r, "stderr").as_string().unwrap(), "");
}

#[wasm_bindgen_test]
fn a_failed_resolution_is_an_answer_with_the_go_commands_error() {
    let mut ws = Workspace::new();
    ws.load_txtar(NO_GOMOD).unwrap();
    let r = ws.resolve(JsValue::UNDEFINED).unwrap();
    assert_eq!(json(&prop(&r, "lines")), "[]");
    assert_eq!(
        prop(&r, "stderr").as_string().unwrap(),
        "go: example.com/e@v1.0.0 (replaced by ./e): reading e/go.mod: open /e/go.mod: no such file or directory\n"
    );
    let diagnostics: js_sys::Array = prop(&r, "diagnostics").dyn_into().unwrap();
    assert_eq!(
        prop(&diagnostics.get(diagnostics.length() - 1), "code")
            .as_string()
            .unwrap(),
        "resolve-failed"
    );
}

#[wasm_bindgen_test]
fn bad_resolve_options_throw() {
    let mut ws = Workspace::new();
    let err = ws.resolve(JsValue::from_str("nope")).unwrap_err();
    let (message, _) = error_parts(err);
    assert!(message.contains("invalid resolve options"), "{message}");
}

const PRUNING_116: &str = include_str!("../../tests/fixtures/pruning-go116.txtar");

/// A JS object from JSON text.
fn obj(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn array(v: &JsValue) -> js_sys::Array {
    v.clone().dyn_into().expect("an array")
}

#[wasm_bindgen_test]
fn graph_is_the_core_view_and_go_116_unprunes_it() {
    let mut ws = Workspace::new();
    ws.load_txtar(PRUNING_117).unwrap();
    let pruned = ws.graph(JsValue::UNDEFINED).unwrap();
    // Exactly the core's serde JSON.
    let mut fs = modscope::source::MemFs::new();
    for f in modscope::modfile::txtar::parse(PRUNING_117.as_bytes()).files {
        fs.insert(&f.name, f.data);
    }
    let core = modscope::inspect::graph_view::graph_view(
        &fs,
        &Default::default(),
        &modscope::clock::FrozenClock,
        None,
    );
    // (Through JSON.parse: floats print as JS prints them.)
    assert_eq!(
        json(&pruned),
        json(&obj(&serde_json::to_string(&core).unwrap()))
    );
    assert_eq!(prop(&pruned, "pruning").as_string().unwrap(), "pruned");
    let unpruned = ws.graph(obj(r#"{"go":"1.16"}"#)).unwrap();
    assert_eq!(prop(&unpruned, "pruning").as_string().unwrap(), "unpruned");
    let ids = |v: &JsValue| -> Vec<String> {
        array(&prop(v, "nodes"))
            .iter()
            .map(|n| prop(&n, "id").as_string().unwrap())
            .collect()
    };
    assert!(!ids(&pruned).contains(&"example.com/c@v1.0.0".to_string()));
    assert!(ids(&unpruned).contains(&"example.com/c@v1.0.0".to_string()));
    let (message, _) = error_parts(ws.graph(obj(r#"{"go":7}"#)).unwrap_err());
    assert!(message.contains("invalid graph options"), "{message}");
}

#[wasm_bindgen_test]
fn why_version_gives_the_witness_and_why_all_every_module() {
    let mut ws = Workspace::new();
    ws.load_txtar(PRUNING_116).unwrap();
    let w = ws.why_version("example.com/c", JsValue::UNDEFINED).unwrap();
    assert_eq!(
        json(&prop(&w, "path")),
        r#"["example.com/m","example.com/a@v1.0.0","example.com/b@v1.0.0","example.com/c@v1.0.0"]"#
    );
    let w = ws
        .why_version("example.com/nope", JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(
        prop(&w, "error").as_string().unwrap(),
        "module example.com/nope: not a known dependency"
    );
    let all = array(&ws.why_all(JsValue::UNDEFINED).unwrap());
    assert_eq!(all.length(), 4);
    let empty = Workspace::new();
    let (message, diagnostics) = error_parts(empty.why_all(JsValue::UNDEFINED).unwrap_err());
    assert!(message.starts_with("go.mod file not found"), "{message}");
    assert_eq!(
        prop(&diagnostics.get(0), "code").as_string().unwrap(),
        "resolve-failed"
    );
}

#[wasm_bindgen_test]
fn lookup_shows_each_step_in_module_and_gopath_mode() {
    let mut ws = Workspace::new();
    ws.load_txtar(PRUNING_117).unwrap();
    ws.set_file("x/x.go", "package x\n".into()).unwrap();
    let r = ws.lookup("example.com/m/x", JsValue::UNDEFINED).unwrap();
    assert_eq!(prop(&r, "Mode").as_string().unwrap(), "module");
    assert_eq!(prop(&r, "Dir").as_string().unwrap(), "/x");
    assert_eq!(prop(&r, "Module").as_string().unwrap(), "example.com/m");
    let steps = array(&prop(&r, "Steps"));
    assert!(steps.length() >= 2);
    assert_eq!(
        prop(&steps.get(0), "kind").as_string().unwrap(),
        "lookup-candidate"
    );
    let r = ws.lookup("example.com/a/p", JsValue::UNDEFINED).unwrap();
    assert!(prop(&r, "Error").as_string().is_some());

    ws.set_file("gopath/src/example.com/q/q.go", "package q\n".into())
        .unwrap();
    let r = ws
        .lookup("example.com/q", obj(r#"{"mode":"gopath"}"#))
        .unwrap();
    assert_eq!(
        prop(&r, "Dir").as_string().unwrap(),
        "/gopath/src/example.com/q"
    );
    assert!(array(&prop(&r, "Steps")).length() >= 2);
    let (message, _) = error_parts(ws.lookup("x", obj(r#"{"gopath":"no"}"#)).unwrap_err());
    assert!(message.contains("invalid lookup options"), "{message}");
}

#[wasm_bindgen_test]
fn the_cache_goes_from_cold_to_warm_and_survives_export_and_import() {
    let mut ws = Workspace::new();
    ws.load_txtar(PRUNING_117).unwrap();
    let opts = || obj(r#"{"buildMod":"mod","modfileCache":true}"#);
    let cold = ws.resolve(opts()).unwrap();
    let warm = ws.resolve(opts()).unwrap();
    assert_eq!(json(&prop(&cold, "lines")), json(&prop(&warm, "lines")));
    let snap = ws.cache_snapshot().unwrap();
    let runs = array(&prop(&snap, "runs"));
    assert_eq!(runs.length(), 2);
    assert_eq!(prop(&runs.get(0), "kind").as_string().unwrap(), "cold");
    assert_eq!(prop(&runs.get(1), "kind").as_string().unwrap(), "warm");
    assert_eq!(prop(&runs.get(1), "misses").as_f64(), Some(0.0));
    let entries = array(&prop(&snap, "entries"));
    assert!(entries.length() >= 2);
    let a = entries
        .iter()
        .find(|e| prop(e, "key").as_string().unwrap() == "example.com/a@v1.0.0")
        .expect("a is cached");
    assert_eq!(prop(&a, "hits").as_f64(), Some(1.0));
    assert_eq!(prop(&a, "hash").as_string().unwrap().len(), 64);
    assert!(prop(&ws.cache_stats().unwrap(), "stores").as_f64().unwrap() >= 2.0);

    let exported = ws.export_cache();
    let mut fresh = Workspace::new();
    fresh.load_txtar(PRUNING_117).unwrap();
    let imported = fresh.import_cache(&exported).unwrap();
    assert_eq!(
        prop(&imported, "keys").as_f64(),
        Some(entries.length() as f64)
    );
    fresh.resolve(opts()).unwrap();
    let runs = array(&prop(&fresh.cache_snapshot().unwrap(), "runs"));
    assert_eq!(prop(&runs.get(0), "kind").as_string().unwrap(), "warm");

    let (message, _) = error_parts(fresh.import_cache(b"not a cache").unwrap_err());
    assert!(message.contains("not a modfile cache export"), "{message}");
    // Changing a module file empties the cache: its entries may no longer be right.
    fresh
        .set_file(
            "proxy/example.com/a/@v/v1.0.0.mod",
            "module example.com/a\n".into(),
        )
        .unwrap();
    assert_eq!(
        array(&prop(&fresh.cache_snapshot().unwrap(), "entries")).length(),
        0
    );
}

#[wasm_bindgen_test]
fn a_generated_universe_loads_and_benches() {
    let mut ws = Workspace::new();
    let n = ws.load_universe(obj(r#"{"modules":80,"seed":2}"#)).unwrap();
    assert_eq!(ws.files().len(), n);
    let imports = ws
        .universe_imports(obj(r#"{"modules":80,"seed":2}"#))
        .unwrap();
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"rounds".into(), &JsValue::from_f64(2.0)).unwrap();
    let series = js_sys::Array::of5(
        &"off".into(),
        &"cold".into(),
        &"warm".into(),
        &"scan".into(),
        &"index".into(),
    );
    js_sys::Reflect::set(&opts, &"series".into(), &series).unwrap();
    let list = js_sys::Array::new();
    for i in imports {
        list.push(&JsValue::from_str(&i));
    }
    js_sys::Reflect::set(&opts, &"imports".into(), &list).unwrap();
    let r = ws.bench(opts.into()).unwrap();
    assert_eq!(prop(&r, "host").as_string().unwrap(), "wasm");
    assert!(prop(&r, "buildList").as_f64().unwrap() > 10.0);
    let s = array(&prop(&r, "series"));
    assert_eq!(s.length(), 5);
    assert_eq!(array(&prop(&s.get(0), "samplesMs")).length(), 2);
    let (message, _) = error_parts(ws.bench(obj(r#"{"rounds":0}"#)).unwrap_err());
    assert!(message.contains("rounds must be"), "{message}");
    let (message, _) = error_parts(ws.load_universe(obj(r#"{"modules":0}"#)).unwrap_err());
    assert!(message.contains("1 to"), "{message}");
}

#[wasm_bindgen_test]
fn replace_files_swaps_the_whole_tree_and_refuses_bad_paths() {
    let mut ws = Workspace::new();
    ws.set_file("old.go", "package old\n".into()).unwrap();
    let pair = |p: &str, t: &str| -> JsValue {
        js_sys::Array::of2(&JsValue::from_str(p), &JsValue::from_str(t)).into()
    };
    let entries = js_sys::Array::of2(
        &pair("go.mod", "module example.com/m\n"),
        &pair(
            "proxy/example.com/a/@v/v1.0.0.mod",
            "module example.com/a\n",
        ),
    );
    assert_eq!(ws.replace_files(entries.into()).unwrap(), 2);
    assert_eq!(
        ws.files(),
        vec!["go.mod", "proxy/example.com/a/@v/v1.0.0.mod"]
    );
    assert_eq!(ws.read_file("go.mod").unwrap(), "module example.com/m\n");
    // A bad path anywhere refuses the whole call and leaves the tree as it was.
    let bad = js_sys::Array::of2(&pair("x.go", "package x\n"), &pair("../evil", ""));
    let (message, diagnostics) = error_parts(ws.replace_files(bad.into()).unwrap_err());
    assert!(message.contains("invalid file path"), "{message}");
    assert_eq!(diagnostics.length(), 1);
    assert_eq!(ws.files().len(), 2);
    // Not an array of pairs: a clear error.
    let (message, _) = error_parts(ws.replace_files(JsValue::from_str("go.mod")).unwrap_err());
    assert!(message.starts_with("invalid files:"), "{message}");
}

const VERSION_DRIFT: &str = include_str!("../../tests/fixtures/version-drift.txtar");

#[wasm_bindgen_test]
fn why_paths_lists_every_requirement_path_and_refuses_unknown_modules() {
    let mut ws = Workspace::new();
    ws.load_txtar(VERSION_DRIFT).unwrap();
    let w = ws.why_paths("example.com/b", JsValue::UNDEFINED).unwrap();
    assert_eq!(json(&prop(&w, "version")), r#""v1.1.0""#);
    assert_eq!(
        json(&prop(&w, "paths")),
        r#"[["example.com/m","example.com/a@v1.0.0","example.com/b@v1.1.0"],["example.com/m","example.com/b@v1.1.0"]]"#
    );
    assert!(prop(&w, "truncated").is_undefined());
    let w = ws.why_paths("example.com/zz", JsValue::UNDEFINED).unwrap();
    assert_eq!(
        json(&prop(&w, "error")),
        r#""module example.com/zz: not a known dependency""#
    );
    assert_eq!(json(&prop(&w, "paths")), "[]");
}
