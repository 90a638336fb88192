// End-to-end test of the playground's module tree panel (web/dist) in Chromium: it opens on an
// example, every example's build list is exactly what `modscope list -m all -mod=mod` prints for
// it (tests/fixtures/<name>.golden, checked against the go command by
// crate/tests/playground_fixtures.rs), the failing example shows the go command's error, a pasted
// archive is resolved, the table filters and sorts, and nothing is logged as an error.
// Screenshots go to tests/browser/output/.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '..', '..', 'web', 'dist');
const fixtures = join(here, '..', 'fixtures');
const output = join(here, 'output');

const EXAMPLES = ['pruning-go117', 'pruning-go116', 'replace-exclude', 'version-drift', 'replace-no-gomod'];

let server;
let browser;
let page;
const problems = [];

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist} is missing: run scripts/build-wasm && npx vite build web`);
  mkdirSync(output, { recursive: true });
  server = await serveStatic(dist);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  page.setDefaultTimeout(10_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The golden `list -m all` output of an example: stdout lines, then stderr. */
const golden = (name) => readFileSync(join(fixtures, `${name}.golden`), 'utf8');

/** The build list rows as `list -m all` lines, rebuilt from the cells (path, version, replacement). */
const shownLines = () =>
  page.$$eval('#buildlist tbody tr[data-line]', (trs) =>
    trs.map((tr) => {
      const cell = (c) => tr.querySelector(`td.${c}`).textContent;
      const line = [cell('path'), cell('version')].filter(Boolean).join(' ');
      const rep = cell('replacement');
      const rebuilt = rep ? `${line} => ${rep}` : line;
      if (rebuilt !== tr.dataset.line) throw new Error(`row ${rebuilt} has line ${tr.dataset.line}`);
      return rebuilt;
    }),
  );

async function pick(name) {
  await page.selectOption('#example-picker', name);
  await page.waitForSelector(`body[data-example="${name}"]`);
}

test('opens on an example with its build list', async () => {
  await page.waitForSelector('body[data-example]');
  assert.equal(await page.inputValue('#example-picker'), EXAMPLES[0]);
  assert.match(await page.inputValue('#txtar'), /^Graph pruning, main module at go 1\.17\./);
  assert.ok((await shownLines()).length > 0);
});

for (const [i, name] of EXAMPLES.entries()) {
  test(`example ${name}: the page shows what modscope list -m all prints`, async () => {
    await pick(name);
    const stderr = ((await page.textContent('#tree-stderr')) ?? '').trim();
    const printed = (await shownLines()).map((l) => `${l}\n`).join('') + (stderr ? `${stderr}\n` : '');
    assert.equal(printed, golden(name));
    const failed = name === 'replace-no-gomod';
    assert.equal(await page.getAttribute('body', 'data-tree'), failed ? 'failed' : 'resolved');
    if (failed) {
      assert.ok(await page.isVisible('#tree-stderr'));
      assert.ok((await page.$$eval('#tree-diagnostics li.error', (lis) => lis.length)) >= 1);
    }
    await page.locator('#tree').screenshot({ path: join(output, `tree-${i + 1}-${name}.png`) });
  });
}

test('the pruning examples differ only in the go line and in the build list', async () => {
  await pick('pruning-go116');
  const unpruned = await shownLines();
  await pick('pruning-go117');
  const pruned = await shownLines();
  assert.ok(unpruned.includes('example.com/c v1.0.0'));
  assert.ok(!pruned.includes('example.com/c v1.0.0'));
});

test('a pasted archive is resolved', async () => {
  await pick('version-drift');
  const text = (await page.inputValue('#txtar')).replace(
    'require example.com/b v1.1.0',
    'require example.com/b v1.0.0',
  );
  await page.fill('#txtar', text);
  await page.waitForSelector('body[data-example="pasted"]');
  assert.deepEqual(await shownLines(), ['example.com/m', 'example.com/a v1.0.0', 'example.com/b v1.0.0']);
});

test('the table filters and sorts', async () => {
  await pick('replace-exclude');
  await page.fill('#buildlist-filter', 'fork');
  assert.deepEqual(await shownLines(), ['example.com/b v1.0.0 => example.com/bfork v1.0.1']);
  await page.fill('#buildlist-filter', '');
  await page.click('#buildlist th[data-sort="version"]');
  await page.click('#buildlist th[data-sort="version"]');
  assert.equal(await page.getAttribute('#buildlist th[data-sort="version"]', 'aria-sort'), 'descending');
  const versions = await page.$$eval('#buildlist tbody td.version', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(versions, ['v1.1.0', 'v1.0.0', 'v1.0.0', 'v1.0.0', '']);
  await page.locator('#tree').screenshot({ path: join(output, 'tree-sorted.png') });
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(problems, []);
});
