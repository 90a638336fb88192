//! Native-only edges: the command-line interface, file-system and network sources, the backend.
//!
//! Nothing here is compiled for wasm32. The core below never depends on this module.

pub mod bench;
pub mod bench_cache;
pub mod bench_gopkg;
pub mod bench_graph;
pub mod bench_resolve;
pub mod bench_universe;
pub mod cache_memo;
pub mod cache_store;
pub mod cli;
pub mod env;
pub mod fs;
pub mod gopath_env;
pub mod gopkg_index_store;
pub mod http;
pub mod modload;
pub mod modpkg;
pub mod proxy;
pub mod readahead;
pub mod serve;
pub mod serve_http;
pub mod walk;
pub mod watch;
