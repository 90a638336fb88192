// @ts-check
// The modfile cache view: the workspace's in-memory modfile cache (`Workspace.cacheSnapshot`) —
// one row per module@version key with its blake3 hash, go.mod size, the tier of its last hit and
// its hits; the cache's entries, bytes and hit rate; and one line per resolve that went through
// it, so a cold run (every go.mod read and stored) and the warm runs after it (every go.mod from
// the cache) can be compared. The cache is saved in IndexedDB (in `modscope cache export`
// format, keyed by the tree's module files), so a reload of the same tree starts warm; it can
// also be exported to a file and imported from one (`modscope cache export` files load too).
import { h } from '../dom.js';
import { viewParts } from './parts.js';
import './cache.css';

/** @typedef {import('../../pkg/types').CacheSnapshotView} CacheSnapshotView */
/** @typedef {import('../../pkg/types').CacheRun} CacheRun */

const DB = 'modscope-playground';
const STORE = 'modfile-cache';

/** Opens the page's IndexedDB database (null where IndexedDB is unavailable). */
function openDb() {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
  });
}

/** Runs one request on the cache store; resolves to its result (undefined on failure). */
async function idb(mode, op) {
  const db = await openDb();
  if (!db) return undefined;
  return new Promise((resolve) => {
    const tx = db.transaction(STORE, mode);
    const req = op(tx.objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(undefined);
    tx.oncomplete = () => db.close();
  });
}

/** The saved export for module files `key`, or undefined. */
export const loadSaved = (key) => idb('readonly', (s) => s.get(key));
/** Saves `bytes` (an export) for module files `key`. */
export const save = (key, bytes) => idb('readwrite', (s) => s.put(bytes, key));
/** Forgets the export for `key`. */
export const forget = (key) => idb('readwrite', (s) => s.delete(key));

const fmtBytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const pct = (x) => `${(100 * x).toFixed(1)}%`;

function skeleton(el) {
  const file = /** @type {HTMLInputElement} */ (h('input', { type: 'file', class: 'import-file', hidden: true }));
  const filter = /** @type {HTMLInputElement} */ (
    h('input', { type: 'search', class: 'filter', placeholder: 'Filter keys', 'aria-label': 'filter cache keys' })
  );
  const p = {
    el,
    ctx: null,
    file,
    filter,
    summary: h('p', { class: 'summary' }),
    compare: h('p', { class: 'compare hint' }),
    runs: h('tbody'),
    entries: h('tbody'),
    note: h('p', { class: 'note hint' }),
    /** @type {CacheSnapshotView | null} */
    snap: null,
    key: '',
  };
  el.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', class: 'run' }, 'Resolve with the cache'),
      h('button', { type: 'button', class: 'clear' }, 'Clear'),
      h('button', { type: 'button', class: 'export' }, 'Export…'),
      h('label', { class: 'button' }, 'Import…', file),
    ),
    p.summary,
    p.compare,
    p.note,
    h('h3', {}, 'Runs'),
    h(
      'table',
      { class: 'cache-runs' },
      h('thead', {}, h('tr', {}, ...['#', 'run', 'hits', 'misses', 'stores', 'hit rate', 'time'].map((t) => h('th', {}, t)))),
      p.runs,
    ),
    h('h3', {}, 'Entries'),
    h('div', { class: 'toolbar' }, filter),
    h(
      'table',
      { class: 'cache-entries' },
      h('thead', {}, h('tr', {}, ...['module@version', 'blake3', 'size', 'tier', 'hits'].map((t) => h('th', {}, t)))),
      p.entries,
    ),
  );
  el.querySelector('button.run')?.addEventListener('click', () => run(p));
  el.querySelector('button.clear')?.addEventListener('click', async () => {
    await p.ctx.engine.call('clearCache');
    if (p.key) await forget(p.key);
    p.note.textContent = 'Cache cleared (and forgotten by this browser).';
    await refresh(p);
  });
  el.querySelector('button.export')?.addEventListener('click', async () => {
    const bytes = await p.ctx.engine.call('exportCache');
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = h('a', { href: url, download: 'modscope-cache.bin' });
    document.body.append(a);
    /** @type {HTMLAnchorElement} */ (a).click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    p.note.textContent = `Exported ${bytes.length} bytes (load it with modscope cache import).`;
  });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      const got = await p.ctx.engine.call('importCache', new Uint8Array(await f.arrayBuffer()));
      p.note.textContent = `Imported ${got.entries} entries, ${got.keys} keys from ${f.name}.`;
    } catch (error) {
      p.note.textContent = `${f.name}: ${error.message}`;
    }
    file.value = '';
    await refresh(p);
  });
  filter.addEventListener('input', () => {
    p.ctx.state.set('filter', filter.value);
    drawEntries(p);
  });
  return p;
}

/** Resolves the tree through the cache, saves the cache for reloads, shows the result. */
async function run(p) {
  const { ctx } = p;
  const r = await ctx.engine.call('resolve', { ...ctx.options, modfileCache: true });
  if (r.stderr) p.note.textContent = r.stderr;
  const bytes = await ctx.engine.call('exportCache');
  if (p.key && bytes.length > 0) await save(p.key, bytes);
  await refresh(p);
}

/** Re-reads the snapshot and redraws. */
async function refresh(p) {
  /** @type {CacheSnapshotView} */
  const snap = await p.ctx.engine.call('cacheSnapshot');
  p.snap = snap;
  const s = snap.stats;
  p.el.dataset.entries = String(snap.entries.length);
  p.el.dataset.runs = snap.runs.map((r) => r.kind).join(',');
  p.summary.textContent =
    `${snap.entries.length} keys, ${snap.entryCount} go.mod entries, ${fmtBytes(snap.bytes)}; ` +
    `hit rate ${pct(snap.hitRate)} (${s.memory.hits + s.disk.hits} hits, ${s.memory.misses} misses, ` +
    `${s.snapshot_hits} from an imported snapshot); ${s.stores} stored, ${s.evictions} evicted`;
  const cold = snap.runs.find((r) => r.kind === 'cold');
  const warm = [...snap.runs].reverse().find((r) => r.kind === 'warm');
  p.compare.textContent =
    cold && warm
      ? `Cold ${cold.ms.toFixed(1)} ms (${cold.misses} go.mod files read) → warm ${warm.ms.toFixed(1)} ms ` +
        `(${warm.hits} from the cache, none read): ${(cold.ms / Math.max(warm.ms, 0.001)).toFixed(1)}× faster.`
      : snap.runs.length === 0
        ? 'No resolve has used the cache yet: run one (cold), then another (warm).'
        : 'Run again to see a warm run.';
  p.runs.replaceChildren(
    ...snap.runs.map((r, i) =>
      h(
        'tr',
        { class: r.kind },
        h('td', {}, i + 1),
        h('td', {}, r.kind),
        h('td', { class: 'num' }, r.hits),
        h('td', { class: 'num' }, r.misses),
        h('td', { class: 'num' }, r.stores),
        h('td', { class: 'num' }, pct(r.hitRate)),
        h('td', { class: 'num' }, `${r.ms.toFixed(1)} ms`),
      ),
    ),
  );
  drawEntries(p);
}

function drawEntries(p) {
  const needle = p.filter.value.trim();
  const rows = (p.snap?.entries ?? []).filter((e) => !needle || e.key.includes(needle));
  p.entries.replaceChildren(
    ...(rows.length === 0
      ? [h('tr', {}, h('td', { class: 'empty', colspan: 5 }, p.snap?.entries.length ? 'No key matches.' : 'The cache is empty.'))]
      : rows.map((e) =>
          h(
            'tr',
            { 'data-key': e.key },
            h('td', { class: 'key' }, e.key),
            h('td', { class: 'hash', title: e.hash }, e.hash.slice(0, 12)),
            h('td', { class: 'num' }, e.size),
            h('td', { class: 'tier' }, e.tier),
            h('td', { class: 'num hits' }, e.hits),
          ),
        )),
  );
}

/** The modfile cache view (views.js contract). */
export default {
  id: 'cache',
  title: 'Modfile cache',
  /** @param {HTMLElement} el @param {any} ctx */
  async render(el, ctx) {
    const p = viewParts(el, skeleton);
    p.ctx = ctx;
    p.filter.value = ctx.state.get('filter', '');
    const key = await ctx.engine.call('modulesKey');
    if (ctx.signal.aborted) return;
    p.key = key;
    /** @type {CacheSnapshotView} */
    const snap = await ctx.engine.call('cacheSnapshot');
    if (snap.entries.length === 0) {
      const saved = await loadSaved(key);
      if (saved) {
        try {
          const got = await ctx.engine.call('importCache', saved);
          p.note.textContent = `Loaded ${got.keys} keys saved by this browser: the next resolve is warm.`;
          el.dataset.restored = String(got.keys);
        } catch (error) {
          p.note.textContent = `The cache saved by this browser could not be loaded (${error.message}); it was dropped.`;
          await forget(key);
        }
      }
    }
    if (ctx.signal.aborted) return;
    await refresh(p);
  },
};
