//! The module graph: minimal version selection, Go ≥ 1.17 graph pruning, replace / exclude /
//! retract, workspaces, and requirement paths (`why`).
//!
//! * [`intern`] — module paths and versions as `u32` ids; graph nodes are two ids.
//! * [`mvs`] — the selection algorithm over an abstract requirement source, the incremental
//!   [`mvs::Graph`], shortest requirement paths and the requirement-chain error.
//! * [`load`] — which go.mod files are read and how (pruning, replace, exclude, workspaces,
//!   the root updates of `-mod=mod`): the go command's graph loading.
//! * [`list`] — what `go list -m` and `go mod graph` print.
//! * [`resolve`] — the front ends' entry point: a tree in, the build list and graph out.
//! * [`versions`] — choosing among a module's listed versions, as the go command's queries do.

pub mod intern;
pub mod list;
pub mod load;
pub mod mvs;
pub mod resolve;
pub mod versions;

pub use intern::{Mv, Names, PathId, VerId};
pub use mvs::{BuildListError, Graph, ModuleError, Reqs};
