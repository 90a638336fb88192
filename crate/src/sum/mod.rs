//! go.sum files and the `h1:` hash (dirhash Hash1) of module zips and lone go.mod files.
//!
//! Entry points: [`dirhash::hash1`], [`dirhash::hash_gomod`], [`dirhash::hash_zip`] compute
//! `h1:` hashes; [`gosum::GoSum`] reads, checks and writes go.sum files (SPEC.md F).

pub mod dirhash;
pub mod gosum;
pub mod index;

pub use gosum::{GoSum, SumError};
pub use index::GoModSums;
