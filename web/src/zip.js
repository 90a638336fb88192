// Reading .zip archives in the page with no dependency: the central directory is parsed here and
// deflated entries are inflated by the browser's DecompressionStream('deflate-raw'). Hostile
// archives are refused with a clear error: unsafe paths (absolute, `..`, drive letters,
// backslashes), absurd entry counts or sizes (declared, and actual while inflating), encrypted,
// ZIP64, multi-disk or otherwise malformed archives, and unknown compression methods.
import { safePath, stripCommonRoot } from './paths.js';

/** Limits on one archive. */
export const ZIP_LIMITS = {
  /** The largest .zip file read at all. */
  zipBytes: 256 << 20,
  /** The most entries (of any kind) in the central directory. */
  entries: 50_000,
  /** The largest uncompressed size of one kept entry. */
  entryBytes: 4 << 20,
  /** The largest total uncompressed size of the kept entries. */
  totalBytes: 64 << 20,
  /** The most kept entries. */
  kept: 20_000,
};

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

class ZipError extends Error {}

/** Finds the end-of-central-directory record, scanning back over a possible comment. */
function findEnd(view) {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= min; at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw new ZipError('not a zip archive (no end of central directory record)');
}

/** The central directory entries: `{ name, method, flags, compressed, size, local }`. */
function centralDirectory(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(view);
  const disk = view.getUint16(end + 4, true);
  const cdDisk = view.getUint16(end + 6, true);
  const count = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError('ZIP64 archives are not supported');
  }
  if (disk !== 0 || cdDisk !== 0) throw new ZipError('multi-disk zip archives are not supported');
  if (count > ZIP_LIMITS.entries) throw new ZipError(`the zip has ${count} entries: over the limit of ${ZIP_LIMITS.entries}`);
  if (cdOffset + cdSize > end) throw new ZipError('the zip is damaged: its central directory lies outside the file');
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const entries = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL) {
      throw new ZipError('the zip is damaged: a central directory entry is missing');
    }
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    if (at + 46 + nameLen > end) throw new ZipError('the zip is damaged: an entry name runs past the directory');
    entries.push({
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressed: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      local: view.getUint32(at + 42, true),
      name: utf8.decode(bytes.subarray(at + 46, at + 46 + nameLen)),
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return { view, entries };
}

/** Inflates raw deflate `data`, refusing output beyond `limit` bytes. */
async function inflate(data, limit, name) {
  const reader = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw new ZipError(`${name} inflates to more than its declared size: refusing the zip`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof ZipError) throw error;
    throw new ZipError(`${name}: the compressed data is damaged (${error.message})`);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/**
 * The files of the zip in `bytes` whose (root-stripped) paths `keep` accepts, as [path, text]
 * pairs in path order. Throws an Error with a clear message for a hostile or damaged archive.
 */
export async function readZip(bytes, keep) {
  const { view, entries } = centralDirectory(bytes);
  const files = entries.filter((e) => !e.name.endsWith('/'));
  for (const e of files) {
    if (!safePath(e.name)) throw new ZipError(`the zip holds the unsafe path ${JSON.stringify(e.name)}: refusing it`);
  }
  const paths = stripCommonRoot(files.map((e) => e.name));
  const kept = [];
  let total = 0;
  files.forEach((e, i) => {
    if (!keep(paths[i])) return;
    if (e.size > ZIP_LIMITS.entryBytes) {
      throw new ZipError(`${e.name} is ${e.size} bytes uncompressed: over the limit of ${ZIP_LIMITS.entryBytes} per file`);
    }
    total += e.size;
    if (total > ZIP_LIMITS.totalBytes) throw new ZipError(`the kept files come to more than ${ZIP_LIMITS.totalBytes} bytes uncompressed`);
    kept.push({ ...e, path: paths[i] });
  });
  if (kept.length > ZIP_LIMITS.kept) throw new ZipError(`the zip has ${kept.length} files to keep: over the limit of ${ZIP_LIMITS.kept}`);
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const out = [];
  for (const e of kept) {
    if (e.flags & 1) throw new ZipError(`${e.name} is encrypted: encrypted zips are not supported`);
    if (e.local + 30 > bytes.byteLength || view.getUint32(e.local, true) !== LOCAL) {
      throw new ZipError(`the zip is damaged: ${e.name} has no local header`);
    }
    const start = e.local + 30 + view.getUint16(e.local + 26, true) + view.getUint16(e.local + 28, true);
    if (start + e.compressed > bytes.byteLength) throw new ZipError(`the zip is damaged or cut short: ${e.name} runs past its end`);
    const data = bytes.subarray(start, start + e.compressed);
    let raw;
    if (e.method === 0) raw = data;
    else if (e.method === 8) raw = await inflate(data, e.size, e.name);
    else throw new ZipError(`${e.name} uses compression method ${e.method}: only stored and deflated entries are supported`);
    if (raw.byteLength !== e.size) throw new ZipError(`the zip is damaged: ${e.name} is not its declared size`);
    out.push([e.path, utf8.decode(raw)]);
  }
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}
