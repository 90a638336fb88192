// The playground's shell in Chromium: the WASM runs in a module worker, views are tabs from the
// view registry (web/src/views.js), the go.mod view shows the directives, the diagnostics view
// links each error to its line in the source view, and long work leaves the page usable and can
// be cancelled (the restarted engine keeps the tree). No console errors anywhere.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { editTree, output, pick, settled, showView, shownLines, startSuite } from './page.mjs';
import { chainUniverse } from './universe.mjs';

const BROKEN = `A go.mod with a bad version.
-- go.mod --
module example.com/broken

go 1.19

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.x
)
`;

let suite;
let page;

before(async () => {
  suite = await startSuite();
  page = await suite.openPage();
});

after(() => suite?.close());

test('the WASM runs in a module worker', async () => {
  const urls = page.workers().map((w) => w.url());
  assert.equal(urls.length, 1, `workers: ${urls}`);
  assert.match(urls[0], /worker.*\.js$/);
  assert.equal(await page.evaluate(() => typeof WebAssembly.Memory), 'function');
  // The page itself never fetched the .wasm: only the worker did.
  const pageWasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length,
  );
  assert.equal(pageWasm, 0);
});

test('every registered view has a tab, and tabs switch views', async () => {
  const tabs = await page.$$eval('#tabs button', (bs) => bs.map((b) => b.dataset.view));
  for (const id of ['buildlist', 'diagnostics', 'gomod', 'source']) assert.ok(tabs.includes(id), `tab ${id}`);
  for (const id of tabs) {
    await showView(page, id);
    const visible = await page.$$eval('section.view:not([hidden])', (els) => els.map((e) => e.dataset.view));
    assert.deepEqual(visible, [id]);
    assert.equal(await page.getAttribute(`#tabs button[data-view="${id}"]`, 'aria-selected'), 'true');
  }
  await showView(page, 'buildlist');
});

test('the go.mod view shows the main module\'s directives', async () => {
  await pick(page, 'replace-exclude');
  await showView(page, 'gomod');
  const rows = await page.$$eval('section.view[data-view="gomod"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)),
  );
  assert.ok(rows.some((r) => r[0] === 'replace' && r[1] === 'example.com/b' && r[4] === 'example.com/bfork v1.0.1'), JSON.stringify(rows));
  assert.ok(rows.some((r) => r[0] === 'exclude'));
});

test('in a workspace the go.mod view offers each module\'s go.mod', async () => {
  await pick(page, 'workspace');
  await showView(page, 'gomod');
  const view = 'section.view[data-view="gomod"]';
  assert.deepEqual(await page.$$eval(`${view} select option`, (os) => os.map((o) => o.value)), ['a/go.mod', 'b/go.mod']);
  await page.selectOption(`${view} select`, 'b/go.mod');
  await page.waitForSelector(`${view}[data-file="b/go.mod"]`);
  await page.waitForFunction((v) => document.querySelector(`${v} .summary`).textContent === 'b/go.mod', view);
  const rows = await page.$$eval(`${view} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(rows.find((r) => r[0] === 'require'), ['require', 'example.com/c', 'v1.1.0', '', '', '5']);
});

test('diagnostics link to their line in the source view', async () => {
  await editTree(page, BROKEN);
  await showView(page, 'diagnostics');
  const items = await page.$$eval('section.view[data-view="diagnostics"] li', (lis) => lis.map((li) => li.textContent));
  assert.ok(
    items.includes('go.mod:7:2 require rsc.io/sampler: version "v1.x" invalid: must be of the form v1.2.3 [modfile-version]'),
    JSON.stringify(items),
  );
  await page.click('section.view[data-view="diagnostics"] li[data-file="go.mod"][data-line="7"] a');
  await page.waitForSelector('section.view[data-view="source"]:not([hidden]) .line.current');
  assert.equal(await page.getAttribute('section.view[data-view="source"]', 'data-file'), 'go.mod');
  assert.equal(await page.textContent('section.view[data-view="source"] .line.current'), '7\trsc.io/sampler v1.x\n');
  await page.screenshot({ path: join(output, 'shell-diagnostic-source.png'), fullPage: true });
});

test('the page stays usable during long work, which can be cancelled', async (t) => {
  // A 3,000-module tree takes a while on a busy machine: wait longer for it (not a timing check).
  page.setDefaultTimeout(60_000);
  t.after(() => page.setDefaultTimeout(15_000));
  await editTree(page, chainUniverse(3000));
  await showView(page, 'buildlist');
  assert.equal((await shownLines(page)).length, 3001);
  // Queue many resolves of the 3,000-module tree in the worker: enough that they outlast the
  // checks and the screenshot below even when the resolve is fast.
  const queued = 200;
  await page.evaluate((n) => {
    window.outcomes = [];
    for (let i = 0; i < n; i++) {
      modscope.engine.call('resolve', { buildMod: 'mod' }).then(
        () => window.outcomes.push('done'),
        (e) => window.outcomes.push(e.name),
      );
    }
  }, queued);
  await page.waitForSelector('body[data-busy="true"]');
  // While the worker is busy, the page answers and switches views.
  await page.click('#tabs button[data-view="source"]');
  await page.waitForSelector('section.view[data-view="source"][data-rendered="true"]:not([hidden])');
  assert.equal(await page.getAttribute('body', 'data-busy'), 'true', 'the work ended before the page was checked');
  assert.ok(await page.isVisible('#cancel'));
  await page.screenshot({ path: join(output, 'shell-busy.png') });
  await page.click('#cancel');
  await page.waitForSelector('body[data-busy="false"]');
  // Every queued call settled: the ones the worker had not finished were cancelled.
  const outcomes = await page.evaluate(() => window.outcomes);
  assert.equal(outcomes.length, queued);
  assert.ok(outcomes.includes('CancelledError'), JSON.stringify(outcomes));
  assert.deepEqual(outcomes.filter((o) => o !== 'done' && o !== 'CancelledError'), []);
  await page.waitForFunction(() => /cancelled/.test(document.getElementById('status').textContent));
  assert.ok(!(await page.isVisible('#cancel')));
  // The restarted engine has the tree back and answers again.
  const again = await page.evaluate(async () => (await modscope.engine.call('resolve', { buildMod: 'mod' })).lines.length);
  assert.equal(again, 3001);
  await pick(page, 'version-drift');
  await showView(page, 'buildlist');
  assert.deepEqual(await shownLines(page), ['example.com/m', 'example.com/a v1.0.0', 'example.com/b v1.1.0']);
});

test('a call that replaces the tree in the worker shows the new tree', async () => {
  await pick(page, 'version-drift');
  await showView(page, 'buildlist');
  // Count the tree sends to the worker: the worker made this tree, so none is sent back.
  const files = await page.evaluate(async () => {
    const engine = modscope.engine;
    const call = engine.call;
    globalThis.__treeSends = 0;
    engine.call = (method, ...args) => {
      if (method === 'replaceTree') globalThis.__treeSends += 1;
      return call(method, ...args);
    };
    await engine.call('loadUniverse', { modules: 40, seed: 3 });
    return engine.files.size;
  });
  await page.waitForFunction(() => document.getElementById('tree-label').textContent.startsWith('generated universe'));
  await settled(page);
  assert.equal(await page.evaluate(() => globalThis.__treeSends), 0, 'the tree is not sent back to the worker');
  assert.ok(files > 40, `${files} files`);
  assert.match(await page.textContent('#tree-label'), new RegExp(`· ${files} files$`));
  assert.equal(await page.getAttribute('body', 'data-tree'), 'resolved');
  assert.ok((await shownLines(page)).length > 1);
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(suite.problems, []);
});
