//! The WASM API as JS sees it: the `Workspace` file tree, go.mod parsing in the CLI's JSON shape,
//! and errors that leave as JS `Error`s carrying diagnostics. Runs under Node with wasm-bindgen-test-runner (see scripts/test):
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
    let ws = Workspace::new();
    let err = ws.resolve(JsValue::from_str("nope")).unwrap_err();
    let (message, _) = error_parts(err);
    assert!(message.contains("invalid resolve options"), "{message}");
}
