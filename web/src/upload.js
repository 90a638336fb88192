// Getting a tree in from the user's files: a chosen folder (webkitdirectory), chosen files, files
// and folders dropped on the page (webkitGetAsEntry, recursively), a .zip, and a module cache or
// GOPROXY-layout folder added as the tree's proxy/ (where resolve reads dependency go.mod files).
//
// Only what resolution needs is kept: go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt,
// .go files (for lookups) and, in proxy layout, @v/*.mod, @v/*.info and @v/list. Limits keep a
// hostile or mistaken input from swamping the page; zips are read with the browser's own
// DecompressionStream('deflate-raw') (see zip.js).
import { safePath, stripCommonRoot } from './paths.js';
import { readZip, ZIP_LIMITS } from './zip.js';

export { safePath, stripCommonRoot };

/** The most files kept from one input, and the most bytes kept in all. */
export const LIMITS = { files: 20_000, fileBytes: 4 << 20, totalBytes: 64 << 20 };

const KEPT_NAMES = new Set(['go.mod', 'go.sum', 'go.work', 'go.work.sum']);
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);

/** Whether a file at tree path `path` is one resolution reads. */
export function keepFile(path) {
  const parts = path.split('/');
  if (parts.some((p) => SKIPPED_DIRS.has(p))) return false;
  const name = parts[parts.length - 1];
  if (KEPT_NAMES.has(name) || name.endsWith('.go')) return true;
  if (path === 'vendor/modules.txt' || path.endsWith('/vendor/modules.txt')) return true;
  return isProxyFile(path);
}

/** Whether `path` is a GOPROXY-layout file: `…/@v/list`, `…/@v/<version>.mod` or `.info`. */
export function isProxyFile(path) {
  const at = path.lastIndexOf('/@v/');
  if (at <= 0) return false;
  const name = path.slice(at + 4);
  return !name.includes('/') && (name === 'list' || name.endsWith('.mod') || name.endsWith('.info'));
}

/**
 * Reads the kept ones of `inputs` (`{ path, size, read() → Promise<string> }`, paths relative to
 * the chosen root) into [path, text] pairs, in path order, within LIMITS; throws with a clear
 * message when over a limit or a path is unsafe.
 */
export async function collect(inputs, { map = (p) => p, keep = keepFile } = {}) {
  const chosen = [];
  let bytes = 0;
  for (const input of inputs) {
    if (!safePath(input.path)) throw new Error(`refusing the unsafe file path ${JSON.stringify(input.path)}`);
    const path = map(input.path);
    if (path === null || !keep(path)) continue;
    if (input.size > LIMITS.fileBytes) {
      throw new Error(`${path} is ${mb(input.size)}: over the limit of ${mb(LIMITS.fileBytes)} per file`);
    }
    bytes += input.size;
    if (bytes > LIMITS.totalBytes) throw new Error(`the files come to more than ${mb(LIMITS.totalBytes)}: too large for the page`);
    chosen.push({ ...input, path });
    if (chosen.length > LIMITS.files) throw new Error(`more than ${LIMITS.files.toLocaleString('en')} files to keep: too many for the page`);
  }
  chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out = [];
  for (const c of chosen) out.push([c.path, await c.read()]);
  return out;
}

const mb = (n) => `${(n / (1 << 20)).toFixed(n < 1 << 20 ? 2 : 0)} MB`;

/** A `File` as a collect() input at `path`. */
const fileInput = (file, path) => ({ path, size: file.size, read: () => file.text() });

/** The files of a webkitdirectory input, relative to the chosen folder. */
export function folderInputs(fileList) {
  const files = [...fileList];
  const paths = stripCommonRoot(files.map((f) => f.webkitRelativePath || f.name));
  return files.map((f, i) => fileInput(f, paths[i]));
}

/**
 * Reads every entry of a dropped directory (a FileSystemEntry), recursively, as collect() inputs
 * under `prefix`, into `out`; throws when there are more than `budget` files.
 */
export async function entryInputs(entry, prefix, out, budget) {
  if (out.length > budget) throw new Error(`the drop holds more than ${budget.toLocaleString('en')} files: too many for the page`);
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push(fileInput(file, prefix + entry.name));
    return;
  }
  if (!entry.isDirectory || SKIPPED_DIRS.has(entry.name)) return;
  const reader = entry.createReader();
  for (;;) {
    // readEntries returns the directory in batches; an empty batch is the end.
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await entryInputs(child, `${prefix}${entry.name}/`, out, budget);
  }
}

/** A module cache path (`…/cache/download/<module>/@v/…`) or proxy-folder path as a proxy/ path. */
export function proxyPath(path) {
  const marker = 'cache/download/';
  const at = path.startsWith(marker) ? 0 : path.indexOf(`/${marker}`);
  if (at >= 0) return `proxy/${path.slice(at === 0 ? marker.length : at + 1 + marker.length)}`;
  return `proxy/${path}`;
}

/** The tree with `proxyFiles` as its proxy/ directory (replacing what was there). */
export function withProxy(files, proxyFiles) {
  const out = new Map([...files].filter(([p]) => !p.startsWith('proxy/')));
  for (const [p, text] of proxyFiles) out.set(p, text);
  return out;
}

/** A zip `File` as the tree's files. */
export async function zipFiles(file) {
  if (file.size > ZIP_LIMITS.zipBytes) throw new Error(`${file.name} is ${mb(file.size)}: over the limit of ${mb(ZIP_LIMITS.zipBytes)} for a zip`);
  const entries = await readZip(new Uint8Array(await file.arrayBuffer()), keepFile);
  return entries;
}

/**
 * Wires the inputs and drag-and-drop. `onTree(files, label)` gets each new tree ([path, text]
 * pairs), `onError(message)` each refusal; `currentFiles()` is the tree a module cache is added to.
 */
export function bindUploads({ dropZone, folderInput, filesInput, zipInput, proxyInput, currentFiles, onTree, onError }) {
  const guard = (fn) => async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      onError(error.message);
    }
  };
  const nonEmpty = (files, what) => {
    if (files.length === 0) throw new Error(`${what} holds no go.mod, go.sum, go.work, .go or proxy files`);
    return files;
  };

  folderInput.addEventListener('change', guard(async () => {
    const list = [...folderInput.files];
    folderInput.value = '';
    if (list.length === 0) return;
    const root = (list[0].webkitRelativePath || '').split('/')[0] || 'folder';
    const files = nonEmpty(await collect(folderInputs(list)), `the folder ${root}`);
    onTree(files, `folder ${root}`);
  }));

  filesInput.addEventListener('change', guard(async () => {
    const list = [...filesInput.files];
    filesInput.value = '';
    if (list.length === 1 && /\.zip$/i.test(list[0].name)) return openZip(list[0]);
    if (list.length === 0) return;
    const files = nonEmpty(await collect(list.map((f) => fileInput(f, f.name))), 'the chosen files');
    onTree(files, `${files.length} file${files.length === 1 ? '' : 's'}`);
  }));

  const openZip = async (file) => {
    const files = nonEmpty(await zipFiles(file), file.name);
    onTree(files, `zip ${file.name}`);
  };
  zipInput.addEventListener('change', guard(async () => {
    const file = zipInput.files?.[0];
    zipInput.value = '';
    if (file) await openZip(file);
  }));

  proxyInput.addEventListener('change', guard(async () => {
    const list = [...proxyInput.files];
    proxyInput.value = '';
    if (list.length === 0) return;
    const root = (list[0].webkitRelativePath || '').split('/')[0] || 'folder';
    const inputs = list.map((f) => fileInput(f, (f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name));
    const proxy = await collect(inputs, { map: proxyPath, keep: isProxyFile });
    nonEmpty(proxy, `the folder ${root} (as a module cache or GOPROXY folder)`);
    onTree([...withProxy(currentFiles(), proxy)], `tree + module cache ${root}`);
  }));

  dropZone.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types?.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (event.target === dropZone || !dropZone.contains(event.relatedTarget)) dropZone.classList.remove('dragging');
  });
  dropZone.addEventListener('drop', guard(async (event) => {
    const dt = event.dataTransfer;
    if (!dt?.types?.includes('Files')) return;
    event.preventDefault();
    dropZone.classList.remove('dragging');
    // Entries must be taken before the first await: the DataTransfer empties after the event.
    const entries = [...(dt.items ?? [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
    const plain = [...(dt.files ?? [])];
    if (plain.length === 1 && /\.zip$/i.test(plain[0].name) && entries.every((e) => e.isFile)) return openZip(plain[0]);
    let inputs;
    if (entries.length > 0) {
      inputs = [];
      for (const entry of entries) await entryInputs(entry, '', inputs, LIMITS.files * 5);
      // A single dropped folder is the tree's root.
      const paths = entries.length === 1 && entries[0].isDirectory ? stripCommonRoot(inputs.map((i) => i.path)) : inputs.map((i) => i.path);
      inputs = inputs.map((input, i) => ({ ...input, path: paths[i] }));
    } else {
      inputs = plain.map((f) => fileInput(f, f.name));
    }
    const what = entries.length === 1 ? entries[0].name : 'the dropped files';
    const files = nonEmpty(await collect(inputs), what);
    onTree(files, entries.length === 1 && entries[0].isDirectory ? `folder ${entries[0].name}` : `${files.length} dropped file${files.length === 1 ? '' : 's'}`);
  }));
}
