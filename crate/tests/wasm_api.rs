//! The WASM API as JS sees it: the `Workspace` file tree, and errors that leave as JS `Error`s
//! carrying diagnostics. Runs under Node with wasm-bindgen-test-runner (see scripts/test):
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
