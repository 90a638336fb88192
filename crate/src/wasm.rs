//! The browser edge: wasm-bindgen exports over the core. Thin by design; every error leaves through
//! one helper as a JS `Error` carrying the diagnostic.
//!
//! JS sees one object, [`Workspace`]: an in-memory file tree the page fills (`setFile`,
//! `removeFile`, `files`, `readFile`, `loadTxtar`) and asks questions of (`parseModFile`, `resolve`). Answers are plain JS objects in the same JSON
//! shape the CLI prints with `--json` (the core's serde types, serialized JSON-compatibly). This
//! module owns no types of its own beyond the handle, and the core never knows it runs in a browser.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::clock::Clock;
use crate::error::{Code, Diagnostic};
use crate::graph::resolve::{resolve, ResolveOptions};
use crate::modfile;
use crate::source::{Fs, FsError, MemFs};

/// Runs once when the module is instantiated: routes Rust panics to `console.error` with a message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The modscope version this WASM build was made from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// An in-memory file tree (the core's [`MemFs`]) and the questions the playground asks about it.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct Workspace {
    fs: MemFs,
}

#[wasm_bindgen]
impl Workspace {
    /// An empty workspace.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Adds or replaces the file at `path`.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(&mut self, path: &str, text: String) -> Result<(), JsValue> {
        check_path(path).map_err(|d| into_error(&[d]))?;
        self.fs.insert(path, text.into_bytes());
        Ok(())
    }

    /// Removes the file at `path`; an error when there is none.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, path: &str) -> Result<(), JsValue> {
        if self.fs.remove(path) {
            Ok(())
        } else {
            Err(into_error(&[fs_diagnostic(FsError::NotFound {
                path: path.to_string(),
            })]))
        }
    }

    /// The paths of all files, sorted.
    pub fn files(&self) -> Vec<String> {
        self.fs.paths().map(str::to_string).collect()
    }

    /// Parses the go.mod at `path` as the main module's (strictly) and returns it in the JSON shape
    /// of `ModFile` (see `modfile::rule`); a file with errors throws them all as diagnostics.
    #[wasm_bindgen(js_name = parseModFile)]
    pub fn parse_mod_file(&self, path: &str) -> Result<JsValue, JsValue> {
        let data = self
            .fs
            .read(path)
            .map_err(|e| into_error(&[fs_diagnostic(e)]))?;
        let file = modfile::parse_strict(path, &data).map_err(|d| into_error(&d))?;
        to_js(&file)
    }

    /// Replaces the whole tree with the files of a txtar archive (the Go playground's multi-file
    /// text format) and returns their paths in archive order; a bad file name throws and leaves
    /// the tree as it was.
    #[wasm_bindgen(js_name = loadTxtar)]
    pub fn load_txtar(&mut self, text: &str) -> Result<Vec<String>, JsValue> {
        let archive = modfile::txtar::parse(text.as_bytes());
        let bad: Vec<Diagnostic> = archive
            .files
            .iter()
            .filter_map(|f| check_path(&f.name).err())
            .collect();
        if !bad.is_empty() {
            return Err(into_error(&bad));
        }
        self.fs = MemFs::new();
        let mut names = Vec::with_capacity(archive.files.len());
        for f in archive.files {
            self.fs.insert(&f.name, f.data);
            names.push(f.name);
        }
        Ok(names)
    }

    /// Resolves the main module in the tree against the GOPROXY-layout directory in the same
    /// tree, as `modscope list -m all` / `mod graph` do. `options` is `{ dir, proxy, buildMod,
    /// workspace }` (all optional; defaults: `/`, `/proxy`, readonly, go.work used when
    /// present). Returns `{ buildList, lines, graph, diagnostics, trace, stderr }` in the CLI's
    /// `--json` shapes; a failed resolution is an answer (its `stderr` and diagnostics say why),
    /// not a throw. Times in the trace come from `performance.now()`.
    pub fn resolve(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: ResolveOptions = if options.is_undefined() || options.is_null() {
            ResolveOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(|e| {
                into_error(&[Diagnostic::error(
                    Code("wasm-bad-options"),
                    "",
                    None,
                    format!("invalid resolve options: {e}"),
                )])
            })?
        };
        let clock = PerformanceClock::new();
        to_js(&resolve(&self.fs, &opts, &clock))
    }

    /// The text of the file at `path`.
    #[wasm_bindgen(js_name = readFile)]
    pub fn read_file(&self, path: &str) -> Result<String, JsValue> {
        self.text(path).map_err(|d| into_error(&[d]))
    }
}

impl Workspace {
    /// The text of the file at `path` (UTF-8, as the page stored it).
    fn text(&self, path: &str) -> Result<String, Diagnostic> {
        let bytes = self.fs.read(path).map_err(fs_diagnostic)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            Diagnostic::error(Code("wasm-not-utf8"), path, None, "file is not UTF-8 text")
        })
    }
}

/// The core's [`Clock`] over the page's `performance.now()` (milliseconds, fractional), from the
/// moment the clock is made; frozen at 0 where there is no `performance` object.
struct PerformanceClock {
    origin: f64,
}

impl PerformanceClock {
    fn new() -> Self {
        PerformanceClock {
            origin: performance_now(),
        }
    }
}

impl Clock for PerformanceClock {
    fn now_nanos(&self) -> u64 {
        ((performance_now() - self.origin).max(0.0) * 1e6) as u64
    }
}

/// `globalThis.performance.now()`, or 0 when the host has none.
fn performance_now() -> f64 {
    let read = || -> Option<f64> {
        let perf =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok()?;
        let now: js_sys::Function = js_sys::Reflect::get(&perf, &JsValue::from_str("now"))
            .ok()?
            .dyn_into()
            .ok()?;
        now.call0(&perf).ok()?.as_f64()
    };
    read().unwrap_or(0.0)
}

/// Paths are slash-separated and relative, as in a module zip: no empty, absolute or `..` paths.
fn check_path(path: &str) -> Result<(), Diagnostic> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.split('/').any(|el| el.is_empty() || el == "..");
    if bad {
        return Err(Diagnostic::error(
            Code("wasm-bad-path"),
            path,
            None,
            "invalid file path: use a relative, slash-separated path",
        ));
    }
    Ok(())
}

/// A failed read of the workspace as a diagnostic; the message is the source layer's wording.
fn fs_diagnostic(error: FsError) -> Diagnostic {
    let code = if error.is_not_found() {
        "wasm-not-found"
    } else {
        "wasm-read"
    };
    Diagnostic::error(Code(code), "", None, error.to_string())
}

/// Serializes a core value to a plain JS object in the CLI's `--json` shape (maps as objects,
/// `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            into_error(&[Diagnostic::error(
                Code("wasm-serialize"),
                "",
                None,
                e.to_string(),
            )])
        })
}

/// The one way errors leave the WASM edge: a JS `Error` whose message is the diagnostics rendered
/// as the CLI renders them (one per line), with the diagnostics themselves attached as
/// `error.diagnostics` (an array in the `--json` shape).
fn into_error(diagnostics: &[Diagnostic]) -> JsValue {
    let message = diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let error = js_sys::Error::new(&message);
    if let Ok(list) = diagnostics.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        // Setting a property on a fresh Error object cannot fail; ignore the impossible case.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("diagnostics"), &list);
    }
    error.into()
}
