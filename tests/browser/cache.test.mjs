// The modfile cache view in Chromium: a first resolve through the cache is cold (every go.mod
// read and stored), the next is warm (every go.mod from the cache, none read), each key shows
// its hash, size, tier and hits; the cache is saved in IndexedDB so a reload of the same tree
// starts warm; export and import round-trip through a file. No console errors.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { output, pick, settled, showView, startSuite, watch } from './page.mjs';

let suite;
let context;
let page;
const view = 'section.view[data-view="cache"]';

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ viewport: { width: 1280, height: 1200 } });
  context = page.context();
});

after(() => suite?.close());

const data = () => page.$eval(view, (el) => ({ ...el.dataset }));

async function runOnce(kinds) {
  await page.click(`${view} button.run`);
  await page.waitForFunction(([sel, k]) => document.querySelector(sel)?.dataset.runs === k, [view, kinds]);
}

test('cold, then warm: hits, misses and tiers per key', async () => {
  await pick(page, 'replace-exclude');
  await showView(page, 'cache');
  assert.equal((await data()).entries, '0');
  await runOnce('cold');
  await runOnce('cold,warm');
  const rows = await page.$$eval(`${view} table.cache-runs tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.equal(rows.length, 2);
  const [, coldKind, coldHits, coldMisses, coldStores] = rows[0];
  const [, warmKind, warmHits, warmMisses, warmStores] = rows[1];
  assert.deepEqual([coldKind, warmKind], ['cold', 'warm']);
  assert.equal(coldHits, '0');
  assert.ok(Number(coldMisses) > 0 && Number(coldStores) > 0);
  assert.equal(warmMisses, '0');
  assert.equal(warmStores, '0');
  assert.equal(warmHits, coldMisses, 'what the cold run read, the warm run found');
  const entries = await page.$$eval(`${view} table.cache-entries tbody tr[data-key]`, (trs) =>
    trs.map((tr) => ({
      key: tr.dataset.key,
      hash: tr.querySelector('td.hash').title,
      tier: tr.querySelector('td.tier').textContent,
      hits: tr.querySelector('td.hits').textContent,
    })),
  );
  const a = entries.find((e) => e.key === 'example.com/a@v1.0.0');
  assert.ok(a, JSON.stringify(entries));
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.equal(a.tier, 'memory');
  assert.equal(a.hits, '1');
  assert.match(await page.textContent(`${view} .compare`), /^Cold .* → warm .*faster\.$/);
  await page.screenshot({ path: join(output, 'cache-warm.png'), fullPage: true });
});

test('a reload of the same tree starts warm from IndexedDB', async () => {
  const fresh = await context.newPage();
  watch(fresh, suite.problems);
  await fresh.goto(page.url());
  await settled(fresh);
  await fresh.click('#tabs button[data-view="cache"]');
  await fresh.waitForSelector(`${view}[data-rendered="true"][data-restored]`);
  assert.ok(Number(await fresh.$eval(view, (el) => el.dataset.restored)) > 0);
  await fresh.click(`${view} button.run`);
  // Warm, or partial: a directory replacement's go.mod (d/go.mod) is read again, as it may change.
  await fresh.waitForFunction((sel) => /^(warm|partial)$/.test(document.querySelector(sel)?.dataset.runs), view);
  const [, , hits, misses] = await fresh.$$eval(`${view} table.cache-runs tbody tr td`, (tds) => tds.map((td) => td.textContent));
  assert.ok(Number(hits) > 0 && Number(misses) <= 1, `hits ${hits}, misses ${misses}`);
  assert.match(await fresh.textContent(`${view} .summary`), /[1-9]\d* from an imported snapshot/);
  await fresh.close();
});

test('export and import round-trip through a file', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${view} button.export`)]);
  const file = join(output, 'modscope-cache.bin');
  await download.saveAs(file);
  assert.ok(readFileSync(file).length > 64, 'an export with entries');
  await page.click(`${view} button.clear`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.entries === '0', view);
  await page.setInputFiles(`${view} input.import-file`, file);
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.entries) > 0, view);
  assert.match(await page.textContent(`${view} .note`), /^Imported \d+ entries, \d+ keys from modscope-cache\.bin\.$/);
  await page.setInputFiles(`${view} input.import-file`, { name: 'bad.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('nope') });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('not a modfile cache export'), `${view} .note`);
});

test('no console errors', () => {
  assert.deepEqual(suite.problems, []);
});
