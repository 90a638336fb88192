//! Snapshots: a packed set of cache entries with the keys that lead to them, in one file.
//!
//! A warm run reads one snapshot — keyed by the blake3 of the main module's go.mod, go.work and
//! go.sum — instead of every go.mod the graph needs. The same format is the export file the
//! playground loads (`modscope cache export`); exports carry the go.mod bytes so an importer can
//! re-hash and re-parse them instead of trusting the file.

use super::entry::{frame, unframe, Corrupt, EntryRecord};
use super::key::{ContentHash, FileStamp};
use serde::{Deserialize, Serialize};

const SNAPSHOT_MAGIC: &[u8; 4] = b"MSCS";

/// `module@version` → content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleKey {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
    /// Content hash of its go.mod.
    pub hash: ContentHash,
    /// Where it was read (file path or URL).
    pub source: String,
}

/// `(path, stamp)` → content hash, for a go.mod on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileKey {
    /// The file's path.
    pub path: String,
    /// Its stamp when it was read.
    pub stamp: FileStamp,
    /// Content hash of its bytes.
    pub hash: ContentHash,
}

/// A module version's `.info` file (immutable, like its go.mod), kept so that a warm
/// `list -m` reads no per-module file at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoKey {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
    /// Where it was read.
    pub location: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// A packed set of entries and keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// What the snapshot is for: the main module key, or all zeros for an export.
    pub key: Option<ContentHash>,
    /// Module version keys.
    pub modules: Vec<ModuleKey>,
    /// File keys.
    pub files: Vec<FileKey>,
    /// The entries the keys point at.
    pub entries: Vec<EntryRecord>,
    /// `.info` files of module versions.
    pub infos: Vec<InfoKey>,
}

impl Snapshot {
    /// The framed, checksummed encoding.
    pub fn encode(&self) -> Vec<u8> {
        // Encoding plain owned data into a Vec cannot fail.
        let body = postcard::to_allocvec(self).unwrap_or_default();
        frame(SNAPSHOT_MAGIC, &body)
    }

    /// Decodes and verifies an encoding; also checks that every key points at an entry held and
    /// that entries carrying bytes hash to their address.
    pub fn decode(data: &[u8]) -> Result<Snapshot, Corrupt> {
        let body = unframe(SNAPSHOT_MAGIC, data)?;
        let s: Snapshot =
            postcard::from_bytes(body).map_err(|e| Corrupt(format!("undecodable: {e}")))?;
        let held: rustc_hash::FxHashSet<ContentHash> = s.entries.iter().map(|e| e.hash).collect();
        let dangling = s
            .modules
            .iter()
            .map(|m| m.hash)
            .chain(s.files.iter().map(|f| f.hash))
            .find(|h| !held.contains(h));
        if let Some(h) = dangling {
            return Err(Corrupt(format!(
                "key points at missing entry {}",
                h.short()
            )));
        }
        for e in &s.entries {
            if let Some(b) = &e.bytes {
                if ContentHash::of(b) != e.hash {
                    return Err(Corrupt(format!(
                        "entry {} bytes do not match",
                        e.hash.short()
                    )));
                }
            }
        }
        Ok(s)
    }

    /// The snapshot key of a main module: blake3 over its go.mod, go.work and go.sum bytes
    /// (absent files count as empty, each part length-prefixed so parts cannot run together).
    pub fn main_key(parts: &[&[u8]]) -> ContentHash {
        let mut h = blake3::Hasher::new();
        h.update(b"modscope modfile snapshot v1\n");
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p);
        }
        ContentHash(*h.finalize().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::{new_entry, EntryRecord};
    use crate::graph::load::DepGoMod;

    #[test]
    fn round_trip_and_corruption() {
        let bytes = b"module example.com/a\n".to_vec();
        let e = new_entry(
            &bytes,
            DepGoMod {
                module: Some("example.com/a".into()),
                ..DepGoMod::default()
            },
        );
        let s = Snapshot {
            key: Some(Snapshot::main_key(&[b"module m\n", b"", b""])),
            modules: vec![ModuleKey {
                path: "example.com/a".into(),
                version: "v1.0.0".into(),
                hash: e.hash,
                source: "file:///p".into(),
            }],
            files: vec![],
            entries: vec![EntryRecord::of(&e, Some(bytes))],
            infos: vec![],
        };
        let enc = s.encode();
        assert_eq!(Snapshot::decode(&enc).unwrap(), s);
        for n in [0, 10, enc.len() / 2, enc.len() - 1] {
            assert!(Snapshot::decode(&enc[..n]).is_err());
        }
        let mut bad = enc.clone();
        bad[enc.len() / 2] ^= 1;
        assert!(Snapshot::decode(&bad).is_err());
        let mut dangling = s.clone();
        dangling.entries.clear();
        assert!(Snapshot::decode(&dangling.encode()).is_err());
        assert_ne!(
            Snapshot::main_key(&[b"ab", b""]),
            Snapshot::main_key(&[b"a", b"b"])
        );
    }
}
