//! Cache entries and their on-disk encoding.
//!
//! An [`Entry`] is what one go.mod's bytes parse to, addressed by their [`ContentHash`], with the
//! go.mod's `h1:` hash (so that a hit can be checked against go.sum without the bytes). An
//! *object* is the persistent form: magic, format version, the postcard-encoded entry together
//! with the go.mod bytes, and a trailing blake3 checksum of everything before it.
//! [`decode_object`] verifies the checksum, the format, that the entry is the one asked for and
//! that the bytes still hash to it; anything else is [`Corrupt`].

use super::key::ContentHash;
use crate::graph::load::DepGoMod;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The serialized form of a parsed dependency go.mod (the fields the graph reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedGoMod {
    /// The `module` line's path.
    pub module: Option<String>,
    /// The `go` line.
    pub go: Option<String>,
    /// `require` lines in file order.
    pub require: Vec<(String, String)>,
}

impl From<ParsedGoMod> for DepGoMod {
    fn from(p: ParsedGoMod) -> Self {
        DepGoMod {
            module: p.module,
            go: p.go,
            require: p.require,
        }
    }
}

impl From<&DepGoMod> for ParsedGoMod {
    fn from(d: &DepGoMod) -> Self {
        ParsedGoMod {
            module: d.module.clone(),
            go: d.go.clone(),
            require: d.require.clone(),
        }
    }
}

/// One parsed go.mod, content-addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// blake3 of the go.mod bytes.
    pub hash: ContentHash,
    /// The go command's `h1:` hash of the same bytes (what go.sum's `/go.mod` lines record).
    pub h1: String,
    /// Size of the go.mod bytes.
    pub size: u64,
    /// The parsed summary.
    pub parsed: Arc<DepGoMod>,
}

impl Entry {
    /// Bytes this entry is charged in the memory tier: its strings plus fixed overhead.
    pub fn weight(&self) -> u64 {
        let p = &self.parsed;
        let strings = p.module.as_ref().map_or(0, String::len)
            + p.go.as_ref().map_or(0, String::len)
            + p.require
                .iter()
                .map(|(a, b)| a.len() + b.len() + 48)
                .sum::<usize>()
            + self.h1.len();
        (strings + 160) as u64
    }
}

/// The serialized form of an [`Entry`] (shared by objects and snapshots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRecord {
    /// blake3 of the go.mod bytes.
    pub hash: ContentHash,
    /// `h1:` hash of the bytes.
    pub h1: String,
    /// Size of the bytes.
    pub size: u64,
    /// The parsed summary.
    pub parsed: ParsedGoMod,
    /// The go.mod bytes themselves (in objects and exports; absent in warm-run snapshots).
    pub bytes: Option<Vec<u8>>,
}

impl EntryRecord {
    /// The record of `e`, with or without the go.mod bytes.
    pub fn of(e: &Entry, bytes: Option<Vec<u8>>) -> Self {
        EntryRecord {
            hash: e.hash,
            h1: e.h1.clone(),
            size: e.size,
            parsed: ParsedGoMod::from(&*e.parsed),
            bytes,
        }
    }

    /// The in-memory entry.
    pub fn into_entry(self) -> Entry {
        Entry {
            hash: self.hash,
            h1: self.h1,
            size: self.size,
            parsed: Arc::new(self.parsed.into()),
        }
    }
}

/// Why stored bytes were not accepted as an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Corrupt(pub String);

const OBJECT_MAGIC: &[u8; 4] = b"MSCO";
/// Format version of objects and snapshots; a different version is treated as absent.
pub const FORMAT_VERSION: u8 = 1;

/// Frames `body` as `magic, version, body, blake3(all before)`.
pub fn frame(magic: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 37);
    out.extend_from_slice(magic);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(body);
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    out
}

/// Checks a frame written by [`frame`] and returns its body.
pub fn unframe<'a>(magic: &[u8; 4], data: &'a [u8]) -> Result<&'a [u8], Corrupt> {
    if data.len() < 37 {
        return Err(Corrupt(format!("truncated ({} bytes)", data.len())));
    }
    let (content, sum) = data.split_at(data.len() - 32);
    if &content[..4] != magic {
        return Err(Corrupt("bad magic".to_string()));
    }
    if content[4] != FORMAT_VERSION {
        return Err(Corrupt(format!("format version {}", content[4])));
    }
    if blake3::hash(content).as_bytes() != sum {
        return Err(Corrupt("checksum mismatch".to_string()));
    }
    Ok(&content[5..])
}

/// Encodes an entry and its go.mod bytes as an object.
pub fn encode_object(e: &Entry, bytes: &[u8]) -> Vec<u8> {
    let rec = EntryRecord::of(e, Some(bytes.to_vec()));
    // Encoding plain owned data into a Vec cannot fail.
    let body = postcard::to_allocvec(&rec).unwrap_or_default();
    frame(OBJECT_MAGIC, &body)
}

/// Decodes and verifies an object that should hold entry `expect`; returns the entry and bytes.
pub fn decode_object(data: &[u8], expect: ContentHash) -> Result<(Entry, Vec<u8>), Corrupt> {
    let body = unframe(OBJECT_MAGIC, data)?;
    let rec: EntryRecord =
        postcard::from_bytes(body).map_err(|e| Corrupt(format!("undecodable: {e}")))?;
    if rec.hash != expect {
        return Err(Corrupt(format!("holds {} instead", rec.hash.short())));
    }
    let bytes = rec.bytes.clone().unwrap_or_default();
    if ContentHash::of(&bytes) != expect || bytes.len() as u64 != rec.size {
        return Err(Corrupt("go.mod bytes do not match their hash".to_string()));
    }
    Ok((rec.into_entry(), bytes))
}

/// A new entry for `bytes` parsed to `parsed`.
pub fn new_entry(bytes: &[u8], parsed: DepGoMod) -> Entry {
    Entry {
        hash: ContentHash::of(bytes),
        h1: crate::sum::dirhash::hash_gomod(bytes),
        size: bytes.len() as u64,
        parsed: Arc::new(parsed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Entry, Vec<u8>) {
        let bytes = b"module example.com/a\n\ngo 1.17\n\nrequire example.com/b v1.0.0\n".to_vec();
        let parsed = DepGoMod {
            module: Some("example.com/a".into()),
            go: Some("1.17".into()),
            require: vec![("example.com/b".into(), "v1.0.0".into())],
        };
        (new_entry(&bytes, parsed), bytes)
    }

    #[test]
    fn object_round_trip() {
        let (e, bytes) = sample();
        let obj = encode_object(&e, &bytes);
        let (back, b2) = decode_object(&obj, e.hash).unwrap();
        assert_eq!(back, e);
        assert_eq!(b2, bytes);
    }

    #[test]
    fn every_truncation_and_bit_flip_is_detected() {
        let (e, bytes) = sample();
        let obj = encode_object(&e, &bytes);
        for n in 0..obj.len() {
            assert!(
                decode_object(&obj[..n], e.hash).is_err(),
                "truncated to {n}"
            );
        }
        for i in 0..obj.len() {
            let mut bad = obj.clone();
            bad[i] ^= 0x20;
            assert!(decode_object(&bad, e.hash).is_err(), "flipped byte {i}");
        }
        let other = ContentHash::of(b"other");
        assert!(decode_object(&obj, other).is_err(), "swapped entry");
    }
}
