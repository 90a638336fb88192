// The module graph view in Chromium: it draws every node `mod graph` reaches with its marks,
// switches to the unpruned reading (`mod graph -go=1.16`) and highlights what only one reading
// has, shows the why-version witness of a clicked module (the same path the WASM API and
// `modscope why-version` give), and searches. No console errors.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { output, pick, settled, showView, startSuite } from './page.mjs';

let suite;
let page;
const graph = 'section.view[data-view="graph"]';

before(async () => {
  suite = await startSuite();
  page = await suite.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(suite.server.url);
  await settled(page);
});

after(() => suite?.close());

/** Waits until the graph view has drawn and compared both readings. */
async function drawn() {
  await page.waitForSelector(`${graph}[data-rendered="true"]:not([hidden])`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.diff !== '', graph);
  return page.$eval(graph, (el) => ({ ...el.dataset }));
}

test('the pruned graph lacks what the unpruned reading adds, and the difference is highlighted', async () => {
  await pick(page, 'pruning-go117');
  await showView(page, 'graph');
  const pruned = await drawn();
  assert.equal(pruned.pruning, 'pruned');
  assert.equal(pruned.nodes, '3');
  assert.equal(pruned.diff, '0');
  assert.equal(pruned.missing, '1', 'one node is only in the unpruned reading');
  await page.check(`${graph} input.unpruned`);
  await page.waitForSelector(`${graph}[data-pruning="unpruned"]`);
  const unpruned = await drawn();
  assert.equal(unpruned.nodes, '4');
  assert.equal(unpruned.diff, '1', 'example.com/c is only in the unpruned graph');
  assert.match(await page.textContent(`${graph} .summary`), /1 node only in this reading, 0 only in the other/);
  await page.screenshot({ path: join(output, 'graph-unpruned.png') });
  await page.uncheck(`${graph} input.unpruned`);
  await page.waitForSelector(`${graph}[data-pruning="pruned"]`);
});

test('clicking a module shows its why-version witness', async () => {
  await pick(page, 'pruning-go116');
  await showView(page, 'graph');
  await drawn();
  const at = await page.$eval(graph, (el) => el.nodePosition('example.com/c@v1.0.0'));
  assert.ok(at, 'example.com/c@v1.0.0 is drawn');
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.witness, graph);
  const witness = JSON.parse(await page.$eval(graph, (el) => el.dataset.witness));
  assert.deepEqual(witness, ['example.com/m', 'example.com/a@v1.0.0', 'example.com/b@v1.0.0', 'example.com/c@v1.0.0']);
  const shown = await page.textContent(`${graph} pre.witness`);
  assert.equal(shown, `# example.com/c@v1.0.0\n${witness.join('\n')}`);
  assert.match(await page.textContent(`${graph} .graph-details`), /Required at v1\.0\.0 by 1 module/);
  await page.screenshot({ path: join(output, 'graph-witness.png') });
});

test('replaced, excluded and unselected versions are marked; search finds modules', async () => {
  await pick(page, 'replace-exclude');
  await showView(page, 'graph');
  const d = await drawn();
  assert.equal(d.replaced, '2', 'example.com/b (by a fork) and example.com/d (by a directory)');
  assert.equal(d.excluded, '1', 'example.com/c v1.2.0');
  assert.ok(Number(d.unselected) >= 1);
  await page.fill(`${graph} input.search`, 'example.com/c');
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.matches === '2', graph);
  await page.press(`${graph} input.search`, 'Enter');
  await page.screenshot({ path: join(output, 'graph-marks.png') });
  await page.fill(`${graph} input.search`, '');
});

test('no console errors', () => {
  assert.deepEqual(suite.problems, []);
});
