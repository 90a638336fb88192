// The playground's examples in Chromium: the page opens on one (never empty), and each example's
// build list is exactly what `modscope list -m all -mod=mod` prints for it
// (tests/fixtures/<name>.golden, checked against the go command by
// crate/tests/playground_fixtures.rs); a failing example shows the go command's error; an edited
// archive is resolved; the table filters and sorts. Screenshots go to tests/browser/output/.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, golden, output, pick, printed, settled, shownLines, startSuite } from './page.mjs';

const EXAMPLES = readdirSync(fixtures)
  .filter((n) => n.endsWith('.txtar'))
  .map((n) => n.slice(0, -'.txtar'.length));

let suite;
let page;

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ viewport: { width: 1280, height: 1400 } });
});

after(() => suite?.close());

test('opens on an example with its build list', async () => {
  assert.equal(await page.inputValue('#example-picker'), 'pruning-go117');
  assert.match(await page.inputValue('#txtar'), /^Graph pruning, main module at go 1\.17\./);
  assert.ok((await shownLines(page)).length > 0);
});

test('the picker offers every example under tests/fixtures', async () => {
  const offered = await page.$$eval('#example-picker option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual([...offered].sort(), [...EXAMPLES].sort());
});

for (const [i, name] of EXAMPLES.entries()) {
  test(`example ${name}: the page shows what modscope list -m all prints`, async () => {
    await pick(page, name);
    assert.equal(await printed(page), golden(name));
    const failed = (await shownLines(page)).length === 0;
    assert.equal(await page.getAttribute('body', 'data-tree'), failed ? 'failed' : 'resolved');
    if (failed) assert.ok(await page.isVisible('section.view[data-view="buildlist"] pre.stderr'));
    await page.screenshot({ path: join(output, `example-${i + 1}-${name}.png`), fullPage: true });
  });
}

test('the pruning examples differ in the build list', async () => {
  await pick(page, 'pruning-go116');
  const unpruned = await shownLines(page);
  await pick(page, 'pruning-go117');
  const pruned = await shownLines(page);
  assert.ok(unpruned.includes('example.com/c v1.0.0'));
  assert.ok(!pruned.includes('example.com/c v1.0.0'));
});

test('an edited archive is resolved', async () => {
  await pick(page, 'version-drift');
  const text = (await page.inputValue('#txtar')).replace('require example.com/b v1.1.0', 'require example.com/b v1.0.0');
  await page.fill('#txtar', text);
  await page.waitForSelector('body[data-example="custom"]');
  await settled(page);
  assert.deepEqual(await shownLines(page), ['example.com/m', 'example.com/a v1.0.0', 'example.com/b v1.0.0']);
  assert.equal(await page.inputValue('#example-picker'), '');
});

test('the table filters and sorts', async () => {
  await pick(page, 'replace-exclude');
  const view = 'section.view[data-view="buildlist"]';
  await page.fill(`${view} input.filter`, 'fork');
  assert.deepEqual(await shownLines(page), ['example.com/b v1.0.0 => example.com/bfork v1.0.1']);
  await page.fill(`${view} input.filter`, '');
  await page.click(`${view} th[data-sort="version"]`);
  await page.click(`${view} th[data-sort="version"]`);
  assert.equal(await page.getAttribute(`${view} th[data-sort="version"]`, 'aria-sort'), 'descending');
  const versions = await page.$$eval(`${view} tbody td.version`, (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(versions, ['v1.1.0', 'v1.0.0', 'v1.0.0', 'v1.0.0', '']);
  await page.screenshot({ path: join(output, 'buildlist-sorted.png'), fullPage: true });
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(suite.problems, []);
});
