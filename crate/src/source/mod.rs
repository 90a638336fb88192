//! Where go.mod bytes come from: a trait the embedder implements, plus an in-memory tree.
//!
//! The core does no I/O of its own; native sources (directories, module caches, GOPROXY) live in
//! `native`, and the browser passes an in-memory tree.
