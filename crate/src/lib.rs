//! modscope: a Go module and package resolver that shows its work.
//!
//! It answers what the go command answers when it looks things up — which version of each module is
//! in the build, where an import path lives, why a version was selected, whether go.sum is right —
//! and records *how*: every go.mod read, every cache decision, every directory tried.
//!
//! Layers, top to bottom (nothing below knows about anything above):
//!
//! | module | owns |
//! | --- | --- |
//! | [`version`] | Go semver, pseudo-versions, Go toolchain versions |
//! | [`module`] | module and import paths: checks, escaping, major suffixes, glob patterns |
//! | [`modfile`] | go.mod / go.work / vendor/modules.txt / txtar: syntax tree, typed files, formatter |
//! | [`sum`] | go.sum files and the `h1:` hash |
//! | [`source`] | where go.mod bytes come from (a trait; the core does no I/O of its own) |
//! | [`cache`] | the modfile cache |
//! | [`graph`] | MVS, graph pruning, replace / exclude / retract, workspaces, `why` paths |
//! | [`pkg`] | import path → package directory, and the gopkg cache |
//! | [`report`] | trace events, diagnostics and the JSON schema shared by every front end |
//! | [`inspect`] | the views of one tree: graph with layout, why-version, lookup steps, cache, bench |
//! | [`example`] | generated example trees (a module universe of any size) |
//!
//! Front ends sit at the edges: `native` (the CLI and local backend; not on wasm32) and `wasm`
//! (wasm-bindgen exports; wasm32 only). The core reads no clock of its own: see [`clock`].
#![warn(missing_docs)]

pub mod cache;
pub mod clock;
pub mod error;
pub mod example;
pub mod experiment;
pub mod graph;
pub mod inspect;
pub mod modfile;
pub mod module;
pub mod pkg;
pub mod report;
pub mod source;
pub mod sum;
pub mod version;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
