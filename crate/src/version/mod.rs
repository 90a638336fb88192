//! Versions: Go semver, pseudo-versions and Go toolchain versions.
//!
//! Pure functions and value types; no I/O. Tables in `../shared/spec/cases/semver.json`,
//! `module.json` (pseudo-versions) and `gover.json` are the tests.
