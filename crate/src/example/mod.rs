//! Generated example trees: a deterministic module universe of any size ([`universe`]), so the
//! playground and the benchmarks can time large graphs without committing data.

pub mod universe;
