//! Trace events, diagnostics and the JSON schema shared by the CLI's `--json`, the backend and the
//! WASM API. One set of serde types; every front end speaks it.
//!
//! Layers below record what they do as [`trace::Event`]s into a [`trace::Trace`]; front ends render
//! them (`-x` lines on stderr, the playground's lookup and cache views, Chrome-trace JSON).

pub mod gotmpl;
pub mod trace;
