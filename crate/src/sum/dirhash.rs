//! The `h1:` hash (x/mod's dirhash `Hash1`) of a set of named files: of a module zip, of a lone
//! go.mod, or of any files handed in by name.
//!
//! Hash1: sort the names bytewise; for each file emit `hex(sha256(content))`, two spaces, the
//! name and a newline; SHA-256 that summary; the result is `h1:` + standard base64 of the digest.
//! Names containing a newline cannot be hashed. A module zip's names are its entry names
//! (`path@version/file`); a go.mod's single name is `go.mod`.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};

/// Why a hash could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirhashError {
    /// A file name contains a newline (it would forge summary lines).
    #[error("dirhash: filenames with newlines are not supported")]
    NewlineInName,
    /// The bytes are not a readable zip archive (or use an unsupported feature).
    #[error("dirhash: reading zip: {0}")]
    Zip(String),
    /// The archive expands beyond [`ZipLimits`]: refused rather than read.
    #[error("dirhash: zip too large: {0}")]
    TooLarge(String),
}

/// Bounds on what [`hash_zip_with_limits`] will read from an untrusted archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Most entries accepted.
    pub max_entries: usize,
    /// Most uncompressed bytes accepted, summed over all entries (declared and actually read).
    pub max_total_size: u64,
}

impl Default for ZipLimits {
    /// 500 MiB uncompressed (the go command's limit on a module zip) and 1,000,000 entries.
    fn default() -> Self {
        ZipLimits {
            max_entries: 1_000_000,
            max_total_size: 500 << 20,
        }
    }
}

/// The summary text Hash1 hashes, from `(name, sha256(content))` pairs.
fn summary_of(mut entries: Vec<(Vec<u8>, [u8; 32])>) -> Result<Vec<u8>, DirhashError> {
    if entries.iter().any(|(n, _)| n.contains(&b'\n')) {
        return Err(DirhashError::NewlineInName);
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut summary = Vec::with_capacity(entries.iter().map(|(n, _)| n.len() + 67).sum());
    for (name, digest) in &entries {
        summary.extend_from_slice(&hex(digest));
        summary.extend_from_slice(b"  ");
        summary.extend_from_slice(name);
        summary.push(b'\n');
    }
    Ok(summary)
}

/// Lower-case hex of a SHA-256 digest.
fn hex(digest: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

/// `h1:` and the standard base64 of a summary's SHA-256.
fn h1_of(summary: &[u8]) -> String {
    let digest = Sha256::digest(summary);
    let mut out = String::with_capacity(47);
    out.push_str("h1:");
    base64::engine::general_purpose::STANDARD.encode_string(digest, &mut out);
    out
}

/// Builds a Hash1 from `(name, sha256(content))` pairs.
fn finish(entries: Vec<(Vec<u8>, [u8; 32])>) -> Result<String, DirhashError> {
    Ok(h1_of(&summary_of(entries)?))
}

fn digests<'a, I>(files: I) -> Vec<(Vec<u8>, [u8; 32])>
where
    I: IntoIterator<Item = (&'a str, &'a [u8])>,
{
    files
        .into_iter()
        .map(|(name, data)| (name.as_bytes().to_vec(), Sha256::digest(data).into()))
        .collect()
}

/// The summary Hash1 hashes (one `hex  name` line per file, sorted by name): what an `h1:`
/// hash is a hash *of*, for explanations.
pub fn summary<'a, I>(files: I) -> Result<String, DirhashError>
where
    I: IntoIterator<Item = (&'a str, &'a [u8])>,
{
    let bytes = summary_of(digests(files))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Hash1 of the given files (name, content). Order does not matter.
pub fn hash1<'a, I>(files: I) -> Result<String, DirhashError>
where
    I: IntoIterator<Item = (&'a str, &'a [u8])>,
{
    finish(digests(files))
}

/// The `h1:` hash of a go.mod file alone, as recorded on `path version/go.mod` lines of go.sum.
pub fn hash_gomod(data: &[u8]) -> String {
    // The summary of the single name `go.mod`, built in place (this runs for every go.mod a
    // graph load checks against go.sum).
    let mut summary = [0u8; 64 + b"  go.mod\n".len()];
    summary[..64].copy_from_slice(&hex(&Sha256::digest(data).into()));
    summary[64..].copy_from_slice(b"  go.mod\n");
    h1_of(&summary)
}

/// The `h1:` hash of a module zip (its entry names and contents), with the default [`ZipLimits`].
pub fn hash_zip(zip: &[u8]) -> Result<String, DirhashError> {
    hash_zip_with_limits(zip, ZipLimits::default())
}

/// The `h1:` hash of a module zip, refusing archives beyond `limits`.
pub fn hash_zip_with_limits(zip: &[u8], limits: ZipLimits) -> Result<String, DirhashError> {
    let zip_err = |e: zip::result::ZipError| DirhashError::Zip(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).map_err(zip_err)?;
    if archive.len() > limits.max_entries {
        return Err(DirhashError::TooLarge(format!(
            "{} entries (limit {})",
            archive.len(),
            limits.max_entries
        )));
    }
    let mut entries = Vec::with_capacity(archive.len());
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(zip_err)?;
        let name = file.name_raw().to_vec();
        if name.contains(&b'\n') {
            return Err(DirhashError::NewlineInName);
        }
        let remaining = limits.max_total_size - total;
        if file.size() > remaining {
            return Err(DirhashError::TooLarge(format!(
                "entry {} declares {} bytes (limit {} in all)",
                String::from_utf8_lossy(&name),
                file.size(),
                limits.max_total_size
            )));
        }
        let mut hasher = Sha256::new();
        let mut read: u64 = 0;
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| DirhashError::Zip(e.to_string()))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            if read > remaining {
                return Err(DirhashError::TooLarge(format!(
                    "entry {} expands past {} bytes in all",
                    String::from_utf8_lossy(&name),
                    limits.max_total_size
                )));
            }
            hasher.update(&buf[..n]);
        }
        total += read;
        entries.push((name, hasher.finalize().into()));
    }
    finish(entries)
}
