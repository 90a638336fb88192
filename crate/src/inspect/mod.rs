//! Questions the playground (and the CLI's `--json` views) ask about one in-memory tree, answered
//! as serde records: the module graph with a layout ([`graph_view`]), why a version is selected
//! ([`why`]), where an import path lives with every step tried ([`lookup`]), what the modfile
//! cache holds ([`cache_view`]) and how long a resolve takes with the cache off, cold and warm
//! ([`bench`]).
//!
//! Every answer starts from [`tree::with_tree_loader`]: the tree's main module (or go.work) and
//! GOPROXY-layout directory, read through one [`crate::source::Fs`], optionally with a modfile
//! cache in front. This module does no I/O beyond that `Fs` and reads no clock of its own; it
//! owns no rules of the go command (those stay in `graph` and `pkg`), only how answers are
//! shaped for display.

pub mod bench;
pub mod cache_view;
pub mod graph_view;
pub mod lookup;
pub mod tree;
pub mod why;
