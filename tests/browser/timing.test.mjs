// The timing view in Chromium: it times a generated universe in the browser (cache off, cold,
// warm; scan and index lookups), shows every series with median, min, max and spread and draws
// the rounds and the spread with uPlot; a native report (`modscope bench resolve -json`) loads
// beside it and the table gives the browser/native ratio per series. No console errors.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them); the native
// report comes from the release binary if built, else the debug one (see native.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { output, showView, startSuite } from './page.mjs';
import { anyBinary, nativeBench } from './native.mjs';

let suite;
let page;
const view = 'section.view[data-view="timing"]';

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ viewport: { width: 1280, height: 1400 } });
  await showView(page, 'timing');
});

after(() => suite?.close());

const rows = () =>
  page.$$eval(`${view} table.timing-table tbody tr`, (trs) =>
    trs.map((tr) => ({ host: tr.dataset.host, series: tr.dataset.series, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) })),
  );

test('times a generated universe in the browser and charts it', async () => {
  await page.fill(`${view} input.rounds`, '3');
  await page.fill(`${view} input.modules`, '300');
  await page.click(`${view} button.run-universe`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.reports === 'wasm', view);
  const r = await rows();
  assert.deepEqual(r.map((x) => x.series), ['off', 'cold', 'warm', 'scan', 'index']);
  for (const { cells } of r) {
    assert.match(cells[3], /^\d+(\.\d+)? ms$/, `median ${cells}`);
    assert.equal(cells[7], '3', 'rounds');
  }
  assert.match(await page.textContent(`${view} .note`), /build list of \d+ modules/);
  assert.equal(await page.locator(`${view} .chart .uplot`).count(), 2);
});

test('a native report loads beside it with the browser/native ratio', async () => {
  const native = nativeBench(anyBinary(), ['-modules', '300', '-rounds', '3']);
  assert.equal(native.host, 'native');
  const file = join(output, 'native-300.json');
  writeFileSync(file, JSON.stringify(native, null, 2));
  await page.setInputFiles(`${view} input.native-file`, file);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.reports === 'wasm,native', view);
  const r = await rows();
  assert.equal(r.filter((x) => x.host === 'native').length, 5);
  const wasmOff = r.find((x) => x.host === 'wasm' && x.series === 'off');
  assert.match(wasmOff.cells[8], /^\d+\.\d\d×$/);
  // The same universe: the same build list in both hosts.
  assert.equal(await page.$eval(view, (el) => el.dataset.buildLists), `${native.buildList},${native.buildList}`);
  await page.screenshot({ path: join(output, 'timing.png'), fullPage: true });
  await page.setInputFiles(`${view} input.native-file`, { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"x":1}') });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('not a modscope bench report'), `${view} .note`);
});

test('no console errors', () => {
  assert.deepEqual(suite.problems, []);
});
