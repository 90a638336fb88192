//! The browser edge: wasm-bindgen exports over the core. Thin by design; every error leaves through
//! one helper as a JS `Error` carrying the diagnostic.
//!
//! JS sees one object, [`Workspace`]: an in-memory file tree the page fills (`setFile`,
//! `replaceFiles`, `removeFile`, `files`, `readFile`, `loadTxtar`, `loadUniverse`) and asks questions of
//! (`parseModFile`, `resolve`, `graph`, `whyVersion`, `whyPaths`, `whyAll`, `lookup`, `bench`), with an
//! in-memory modfile cache (`cacheSnapshot`, `cacheStats`, `exportCache`, `importCache`,
//! `clearCache`). Answers are plain JS objects in the same JSON shape the CLI prints with
//! `--json` (the core's serde types, serialized JSON-compatibly). This module owns no types of its
//! own beyond the handle and its option parsing, and the core never knows it runs in a browser.

pub mod alloc;
pub mod mem;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::cache::store::DEFAULT_MEMORY_BYTES;
use crate::cache::{ContentHash, ModfileCache};
use crate::clock::Clock;
use crate::error::{Code, Diagnostic};
use crate::example::universe::{self, UniverseParams};
use crate::inspect::bench::{self, BenchOptions};
use crate::inspect::cache_view::{self, CacheLedger};
use crate::inspect::graph_view::graph_view;
use crate::inspect::lookup::{lookup, LookupOptions};
use crate::inspect::tree::{proxy_of, resolve_tree, TreeOptions};
use crate::inspect::why::{why_all, why_paths, why_version};
use crate::modfile;
use crate::source::{Fs, FsError, MemFs};

/// Small blocks from size-class free lists, the rest from the standard library's allocator (see
/// [`alloc`]).
#[global_allocator]
static ALLOCATOR: alloc::Pools<std::alloc::System> = alloc::Pools::new(std::alloc::System);

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

/// An in-memory file tree (the core's [`MemFs`]), its modfile cache, and the questions the
/// playground asks about it.
#[wasm_bindgen]
pub struct Workspace {
    fs: MemFs,
    cache: ModfileCache,
    ledger: CacheLedger,
    /// blake3 of the module files (`…/@v/…`) the cache's entries came from: when they change,
    /// the cache is emptied, since a module version's go.mod is only immutable in a real proxy.
    modules_key: ContentHash,
    /// A module file changed since `modules_key` was computed (it is recomputed, once, before
    /// the cache is next used: hashing every module file on each `setFile` would be quadratic).
    modules_dirty: bool,
}

impl Default for Workspace {
    fn default() -> Self {
        let fs = MemFs::new();
        Workspace {
            modules_key: modules_key(&fs),
            modules_dirty: false,
            fs,
            cache: ModfileCache::new(DEFAULT_MEMORY_BYTES),
            ledger: CacheLedger::default(),
        }
    }
}

/// `resolve` options: the tree's layout and whether the modfile cache is used.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ResolveCall {
    #[serde(flatten)]
    tree: TreeOptions,
    modfile_cache: bool,
}

/// The blake3 of every module file (a path with an `/@v/` element) of `fs`, paths and bytes.
fn modules_key(fs: &MemFs) -> ContentHash {
    let mut h = blake3::Hasher::new();
    for p in fs.paths().filter(|p| p.contains("/@v/")) {
        h.update(p.as_bytes());
        h.update(&[0]);
        if let Ok(data) = fs.read(p) {
            h.update(&(data.len() as u64).to_le_bytes());
            h.update(&data);
        }
    }
    ContentHash(*h.finalize().as_bytes())
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
        self.tree_changed(path);
        Ok(())
    }

    /// Removes the file at `path`; an error when there is none.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, path: &str) -> Result<(), JsValue> {
        if self.fs.remove(path) {
            self.tree_changed(path);
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
        self.tree_changed("/@v/");
        Ok(names)
    }

    /// Replaces the whole tree with `entries`, an array of `[path, text]` pairs, and returns the
    /// number of files: one call for many files (one round trip from the worker). A bad path
    /// throws and leaves the tree as it was.
    #[wasm_bindgen(js_name = replaceFiles)]
    pub fn replace_files(&mut self, entries: JsValue) -> Result<usize, JsValue> {
        let entries: Vec<(String, String)> = serde_wasm_bindgen::from_value(entries)
            .map_err(|e| error_text("wasm-bad-options", format!("invalid files: {e}")))?;
        let bad: Vec<Diagnostic> = entries
            .iter()
            .filter_map(|(path, _)| check_path(path).err())
            .collect();
        if !bad.is_empty() {
            return Err(into_error(&bad));
        }
        self.fs = MemFs::new();
        for (path, text) in entries {
            self.fs.insert(&path, text.into_bytes());
        }
        self.tree_changed("/@v/");
        Ok(self.fs.paths().count())
    }

    /// Replaces the whole tree with a generated module universe (`{ modules, seed }`, defaults
    /// 3000 and 1: the same files `modscope example universe` writes) and returns the number of
    /// files. The universe's main module is at the root, its proxy under `proxy/`, a GOPATH
    /// tree under `gopath/`.
    #[wasm_bindgen(js_name = loadUniverse)]
    pub fn load_universe(&mut self, params: JsValue) -> Result<usize, JsValue> {
        let p: UniverseParams = options(params)?;
        let files = universe::generate(p).map_err(|e| error_text("wasm-bad-options", e))?;
        self.fs = MemFs::new();
        let n = files.len();
        for (name, data) in files {
            self.fs.insert(&name, data);
        }
        self.tree_changed("/@v/");
        Ok(n)
    }

    /// The generated universe `params` names as a txtar archive (the tree is not changed).
    #[wasm_bindgen(js_name = universeTxtar)]
    pub fn universe_txtar(&self, params: JsValue) -> Result<String, JsValue> {
        let p: UniverseParams = options(params)?;
        universe::txtar(p).map_err(|e| error_text("wasm-bad-options", e))
    }

    /// The import paths the lookup series of `bench` can time in a universe with `params`.
    #[wasm_bindgen(js_name = universeImports)]
    pub fn universe_imports(&self, params: JsValue) -> Result<Vec<String>, JsValue> {
        let p: UniverseParams = options(params)?;
        Ok(universe::gopath_imports(p))
    }

    /// A key of the module files the tree holds (hex blake3): where the page keeps the
    /// exported cache (IndexedDB), so a reload of the same tree starts warm.
    #[wasm_bindgen(js_name = modulesKey)]
    pub fn modules_key(&mut self) -> String {
        self.sync_cache();
        self.modules_key.hex()
    }

    /// Resolves the main module in the tree against the GOPROXY-layout directory in the same
    /// tree, as `modscope list -m all` / `mod graph` do. `options` is `{ dir, proxy, buildMod,
    /// workspace }` (all optional; defaults: `/`, `/proxy`, readonly, go.work used when
    /// present). Returns `{ buildList, lines, graph, diagnostics, trace, stderr }` in the CLI's
    /// `--json` shapes; a failed resolution is an answer (its `stderr` and diagnostics say why),
    /// not a throw. Times in the trace come from `performance.now()`.
    ///
    /// With `modfileCache: true` the workspace's modfile cache answers go.mod and `.info` reads
    /// first (see `cacheSnapshot`); `go` reads the graph as that Go version would.
    pub fn resolve(&mut self, options: JsValue) -> Result<JsValue, JsValue> {
        let call: ResolveCall = options_named(options, "resolve")?;
        let clock = PerformanceClock::new();
        if !call.modfile_cache {
            return to_js(&resolve_tree(&self.fs, &call.tree, &clock, None));
        }
        self.sync_cache();
        let before = self.cache.stats();
        let t0 = clock.now_nanos();
        let r = resolve_tree(&self.fs, &call.tree, &clock, Some(&self.cache));
        let ms = clock.now_nanos().saturating_sub(t0) as f64 / 1e6;
        self.ledger
            .record(&r.trace, &before, &self.cache.stats(), ms);
        to_js(&r)
    }

    /// The module graph with marks and a layered layout (`GraphView`): `options` as `resolve`
    /// takes them; `go: "1.16"` gives the unpruned graph (`mod graph -go=1.16`).
    pub fn graph(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: TreeOptions = options_named(options, "graph")?;
        to_js(&graph_view(&self.fs, &opts, &PerformanceClock::new(), None))
    }

    /// The requirement path that selects `module`'s version (`WhyVersion`), as
    /// `modscope why-version` prints it; not being in the graph is an answer with `error`.
    #[wasm_bindgen(js_name = whyVersion)]
    pub fn why_version(&self, module: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: TreeOptions = options_named(options, "whyVersion")?;
        to_js(&why_version(
            &self.fs,
            &opts,
            module,
            &PerformanceClock::new(),
            None,
        ))
    }

    /// Every requirement path from the main modules to `module`'s selected version
    /// (`WhyPaths`), as `modscope why-version --all` prints them; not being in the graph is an
    /// answer with `error`.
    #[wasm_bindgen(js_name = whyPaths)]
    pub fn why_paths(&self, module: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: TreeOptions = options_named(options, "whyPaths")?;
        to_js(&why_paths(
            &self.fs,
            &opts,
            module,
            &PerformanceClock::new(),
            None,
        ))
    }

    /// The witness of every module of the build list, in build-list order (`WhyVersion[]`);
    /// throws when the graph cannot be loaded.
    #[wasm_bindgen(js_name = whyAll)]
    pub fn why_all(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: TreeOptions = options_named(options, "whyAll")?;
        let all = why_all(&self.fs, &opts, &PerformanceClock::new(), None)
            .map_err(|e| error_text("resolve-failed", e))?;
        to_js(&all)
    }

    /// Where `import` lives, with every step tried and its time (`LookupReport`, the shape of
    /// `modscope lookup --json`). `options`: `{ mode: "module"|"vendor"|"gopath", dir, proxy,
    /// buildMod, gopath: ["/gopath"], goroot: "/goroot", from }`.
    pub fn lookup(&self, import: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: LookupOptions = options_named(options, "lookup")?;
        to_js(&lookup(&self.fs, import, &opts, &PerformanceClock::new()))
    }

    /// The modfile cache's keys, sizes, hits and runs (`CacheSnapshotView`).
    #[wasm_bindgen(js_name = cacheSnapshot)]
    pub fn cache_snapshot(&mut self) -> Result<JsValue, JsValue> {
        self.sync_cache();
        to_js(&self.ledger.view(&self.cache))
    }

    /// The modfile cache's counters (`CacheStats`, as in `cacheSnapshot().stats`).
    #[wasm_bindgen(js_name = cacheStats)]
    pub fn cache_stats(&mut self) -> Result<JsValue, JsValue> {
        self.sync_cache();
        to_js(&self.cache.stats())
    }

    /// The cache in the `modscope cache export` format (entries with their go.mod bytes).
    #[wasm_bindgen(js_name = exportCache)]
    pub fn export_cache(&mut self) -> Vec<u8> {
        self.sync_cache();
        cache_view::export(&self.cache, &proxy_of(&self.fs, &Default::default()))
    }

    /// Loads a `modscope cache export` file (or an `exportCache` result) into the cache; every
    /// entry is re-hashed and re-parsed first. Returns `{ entries, keys }` installed; a file that
    /// is not an export throws.
    #[wasm_bindgen(js_name = importCache)]
    pub fn import_cache(&mut self, data: &[u8]) -> Result<JsValue, JsValue> {
        self.sync_cache();
        let (entries, keys) =
            cache_view::import(&self.cache, data).map_err(|e| error_text("wasm-bad-cache", e))?;
        #[derive(Serialize)]
        struct Imported {
            entries: usize,
            keys: usize,
        }
        to_js(&Imported { entries, keys })
    }

    /// Empties the modfile cache and its history.
    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&mut self) {
        self.cache = ModfileCache::new(DEFAULT_MEMORY_BYTES);
        self.ledger.clear();
    }

    /// Times the tree (`BenchReport`): `{ rounds, series: ["off","cold","warm","scan","index"],
    /// imports, gopath, dir, proxy, buildMod }`, with `performance.now()`; with `universe: {
    /// modules, seed }` a generated universe is timed instead of the tree (the tree is kept),
    /// exactly as `modscope bench resolve` times it natively.
    pub fn bench(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts: BenchOptions = options_named(options, "bench")?;
        let r = bench::run_tree(
            &self.fs,
            &opts,
            &PerformanceClock::new(),
            "wasm",
            self.fs.len(),
        )
        .map_err(|e| error_text("wasm-bad-options", e))?;
        to_js(&r)
    }

    /// The text of the file at `path`.
    #[wasm_bindgen(js_name = readFile)]
    pub fn read_file(&self, path: &str) -> Result<String, JsValue> {
        self.text(path).map_err(|d| into_error(&[d]))
    }
}

impl Workspace {
    /// Empties the cache when the module files changed (`path` is the file that changed).
    fn tree_changed(&mut self, path: &str) {
        if path.contains("/@v/") {
            self.modules_dirty = true;
        }
    }

    /// Recomputes the module files' key if they changed, emptying the cache when it differs.
    /// Called before the cache is used or shown.
    fn sync_cache(&mut self) {
        if !self.modules_dirty {
            return;
        }
        self.modules_dirty = false;
        let key = modules_key(&self.fs);
        if key != self.modules_key {
            self.modules_key = key;
            self.clear_cache();
        }
    }

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
///
/// The `performance` object is looked up once, when the clock is made: a resolve reads the clock
/// a few thousand times (around every go.mod read), and looking the object and its method up by
/// name on each reading made the clock a third of the WASM resolve's time.
struct PerformanceClock {
    perf: Option<Performance>,
    origin: f64,
}

#[wasm_bindgen]
extern "C" {
    /// The host's `performance` object (window, worker or Node): only its `now` method is used.
    type Performance;

    /// `performance.now()`: milliseconds since the host's time origin.
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
}

impl PerformanceClock {
    fn new() -> Self {
        let perf = host_performance();
        let origin = perf.as_ref().map_or(0.0, |p| p.now());
        PerformanceClock { perf, origin }
    }
}

impl Clock for PerformanceClock {
    fn now_nanos(&self) -> u64 {
        match &self.perf {
            Some(p) => ((p.now() - self.origin).max(0.0) * 1e6) as u64,
            None => 0,
        }
    }
}

/// `globalThis.performance` when it is an object with a `now` method, else `None`.
fn host_performance() -> Option<Performance> {
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok()?;
    if !perf.is_object() {
        return None;
    }
    let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).ok()?;
    now.is_function().then(|| perf.unchecked_into())
}

/// Options from JS: `undefined`/`null` are the defaults; anything else must have the shape.
fn options<T: DeserializeOwned + Default>(value: JsValue) -> Result<T, JsValue> {
    options_named(value, "")
}

fn options_named<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what} ")
        };
        error_text("wasm-bad-options", format!("invalid {what}options: {e}"))
    })
}

/// A JS `Error` with one diagnostic of `code` and `message`.
fn error_text(code: &'static str, message: impl Into<String>) -> JsValue {
    into_error(&[Diagnostic::error(Code(code), "", None, message.into())])
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
