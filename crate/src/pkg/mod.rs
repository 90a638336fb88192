//! Import path → package directory in module, vendor and GOPATH modes, and the gopkg cache.
//!
//! | module | owns |
//! | --- | --- |
//! | [`goscan`] | reading a `.go` file's package clause and imports |
//! | [`constraint`] | build constraints and the build context (GOOS/GOARCH/tags/cgo) |
//! | [`stdlib`] | the embedded standard-library package list |
//! | [`load`] | one package directory: built files, imports, "not a package" errors |
//! | [`gopath`] | GOPATH-mode lookup (vendor dirs, GOROOT, GOPATH entries, module compatibility) |
//! | [`index`] | the gopkg cache: a validated hash index of the trees |
//! | [`list`] | `go list` in GOPATH mode: patterns, `-deps`, the package fields |
//! | [`modload`] | module mode: which module of the build list provides an import path |
//! | [`modquery`] | module mode, `-mod=mod`: the module a missing import is found in (`latest`) |
//! | [`modlist`] | `go list` in module mode: packages, `-deps`, the Module field |
//! | [`record`] | the one package record of `list -json` in both modes |
//! | [`vendor`] | vendor mode: when it is on, go.mod / vendor/modules.txt consistency |
//!
//! Module-mode lookup ([`modload`]) takes the build list with module directories from the module
//! graph (`native::modpkg` computes it and serves module zips in memory).

pub mod constraint;
pub mod gopath;
pub mod goscan;
pub mod index;
pub mod list;
pub mod load;
pub mod modlist;
pub mod modload;
pub mod modquery;
pub mod record;
pub mod stdlib;
pub mod vendor;
