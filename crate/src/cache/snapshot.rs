//! Snapshots: a packed set of cache entries with the keys that lead to them, in one file.
//!
//! A warm run reads one snapshot — keyed by the blake3 of the main module's go.mod, go.work and
//! go.sum — instead of every go.mod the graph needs. The same format is the export file the
//! playground loads (`modscope cache export`); exports carry the go.mod bytes so an importer can
//! re-hash and re-parse them instead of trusting the file.

use super::entry::{frame, unframe, Corrupt, Entry, EntryRecord, ParsedGoMod};
use super::key::{ContentHash, FileStamp};
use crate::graph::load::DepGoMod;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
        Snapshot::decode_view(data).map(|v| v.to_snapshot())
    }

    /// Decodes and verifies an encoding as [`Snapshot::decode`] does, borrowing its strings and
    /// bytes from `data` instead of copying them.
    pub fn decode_view(data: &[u8]) -> Result<SnapshotView<'_>, Corrupt> {
        let body = unframe(SNAPSHOT_MAGIC, data)?;
        let s: SnapshotView<'_> =
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
            if let Some(b) = e.bytes {
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

/// A [`Snapshot`] decoded in place: its strings and bytes borrow from the encoding, so that a
/// warm run allocates only what the cache keeps (the entries' summaries and the key maps), not
/// an owned copy of every record first.
#[derive(Debug, Deserialize)]
pub struct SnapshotView<'a> {
    /// What the snapshot is for: the main module key, or none for an export.
    pub key: Option<ContentHash>,
    /// Module version keys.
    #[serde(borrow)]
    pub modules: Vec<ModuleKeyView<'a>>,
    /// File keys.
    #[serde(borrow)]
    pub files: Vec<FileKeyView<'a>>,
    /// The entries the keys point at.
    #[serde(borrow)]
    pub entries: Vec<EntryView<'a>>,
    /// `.info` files of module versions.
    #[serde(borrow)]
    pub infos: Vec<InfoKeyView<'a>>,
}

/// A [`ModuleKey`] borrowed from an encoding.
#[derive(Debug, Deserialize)]
pub struct ModuleKeyView<'a> {
    /// Module path.
    pub path: &'a str,
    /// Version.
    pub version: &'a str,
    /// Content hash of its go.mod.
    pub hash: ContentHash,
    /// Where it was read.
    pub source: &'a str,
}

/// A [`FileKey`] borrowed from an encoding.
#[derive(Debug, Deserialize)]
pub struct FileKeyView<'a> {
    /// The file's path.
    pub path: &'a str,
    /// Its stamp when it was read.
    pub stamp: FileStamp,
    /// Content hash of its bytes.
    pub hash: ContentHash,
}

/// An [`InfoKey`] borrowed from an encoding.
#[derive(Debug, Deserialize)]
pub struct InfoKeyView<'a> {
    /// Module path.
    pub path: &'a str,
    /// Version.
    pub version: &'a str,
    /// Where it was read.
    pub location: &'a str,
    /// The file's bytes.
    pub data: &'a [u8],
}

/// An [`EntryRecord`] borrowed from an encoding.
#[derive(Debug, Deserialize)]
pub struct EntryView<'a> {
    /// blake3 of the go.mod bytes.
    pub hash: ContentHash,
    /// `h1:` hash of the bytes.
    pub h1: &'a str,
    /// Size of the bytes.
    pub size: u64,
    /// The parsed summary.
    #[serde(borrow)]
    pub parsed: ParsedView<'a>,
    /// The go.mod bytes themselves, when the encoding carries them.
    #[serde(borrow)]
    pub bytes: Option<&'a [u8]>,
}

/// A [`ParsedGoMod`](super::entry::ParsedGoMod) borrowed from an encoding.
#[derive(Debug, Deserialize)]
pub struct ParsedView<'a> {
    /// The `module` line's path.
    #[serde(borrow)]
    pub module: Option<&'a str>,
    /// The `go` line.
    #[serde(borrow)]
    pub go: Option<&'a str>,
    /// `require` lines in file order.
    #[serde(borrow)]
    pub require: Vec<(&'a str, &'a str)>,
}

impl ParsedView<'_> {
    /// The summary the graph reads (its strings copied out of the encoding).
    pub fn to_dep(&self) -> DepGoMod {
        DepGoMod {
            module: self.module.map(str::to_string),
            go: self.go.map(str::to_string),
            require: self
                .require
                .iter()
                .map(|&(m, v)| (m.to_string(), v.to_string()))
                .collect(),
        }
    }
}

impl EntryView<'_> {
    /// The in-memory entry (its strings copied out of the encoding).
    pub fn to_entry(&self) -> Entry {
        Entry {
            hash: self.hash,
            h1: self.h1.to_string(),
            size: self.size,
            parsed: Arc::new(self.parsed.to_dep()),
        }
    }
}

impl SnapshotView<'_> {
    /// The owned snapshot (every string and byte copied out of the encoding).
    pub fn to_snapshot(&self) -> Snapshot {
        Snapshot {
            key: self.key,
            modules: self
                .modules
                .iter()
                .map(|m| ModuleKey {
                    path: m.path.to_string(),
                    version: m.version.to_string(),
                    hash: m.hash,
                    source: m.source.to_string(),
                })
                .collect(),
            files: self
                .files
                .iter()
                .map(|f| FileKey {
                    path: f.path.to_string(),
                    stamp: f.stamp,
                    hash: f.hash,
                })
                .collect(),
            entries: self
                .entries
                .iter()
                .map(|e| EntryRecord {
                    hash: e.hash,
                    h1: e.h1.to_string(),
                    size: e.size,
                    parsed: ParsedGoMod::from(&e.parsed.to_dep()),
                    bytes: e.bytes.map(<[u8]>::to_vec),
                })
                .collect(),
            infos: self
                .infos
                .iter()
                .map(|i| InfoKey {
                    path: i.path.to_string(),
                    version: i.version.to_string(),
                    location: i.location.to_string(),
                    data: i.data.to_vec(),
                })
                .collect(),
        }
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
        let view = Snapshot::decode_view(&enc).unwrap();
        assert_eq!(view.to_snapshot(), s);
        assert_eq!(view.entries[0].to_entry(), e);
        assert_eq!(view.modules[0].source, "file:///p");
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
