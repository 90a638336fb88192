//! The modfile cache (`--modfile-cache`, `GOEXPERIMENT=modfilecache`): parsed go.mod files
//! addressed by the blake3 hash of their bytes, so that a warm run neither re-reads nor
//! re-parses the hundreds of small files a module graph needs.
//!
//! Keys (see [`store::ModfileCache`]):
//! * `blake3(go.mod bytes)` → the parsed summary ([`entry::Entry`], content-addressed);
//! * `module@version` → content hash, for immutable sources (module cache, proxies);
//! * `(path, size, mtime, ctime, inode)` → content hash, for go.mod files on disk that can
//!   change (directory replacements): a changed stamp means the file is read again.
//!
//! Where go.sum has a `/go.mod` line for a module version, bytes (or a cached entry, by the
//! `h1:` hash recorded when it was stored) that do not match are refused with the go command's
//! checksum-mismatch error and evicted: a poisoned entry never produces an answer.
//!
//! Tiers: memory ([`lru::Lru`], bounded by bytes) and a persistent tier behind the
//! [`store::PersistentTier`] trait (native: a directory, `native::cache_store`; browser: a
//! snapshot file). Encodings ([`entry`], [`snapshot`]) carry a blake3 checksum and are verified
//! on every read. This module does no I/O and reads no clock.

pub mod entry;
pub mod key;
pub mod lru;
pub mod snapshot;
pub mod store;

pub use entry::{Entry, ParsedGoMod};
pub use key::{ContentHash, FileStamp};
pub use snapshot::Snapshot;
pub use store::{CacheStats, CachedSource, ModfileCache, PersistentTier, Tier, TierStats};
