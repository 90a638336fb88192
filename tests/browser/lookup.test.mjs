// The lookup path view in Chromium: an import path is looked up in module mode (each candidate
// module of the build list and its probe, with the answer), in GOPATH mode (GOROOT, then each
// GOPATH entry) and fails with the go command's error when no module provides it; the steps are
// what `Workspace.lookup` returns, also shown as the CLI's `lookup` prints them. No console errors.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { editTree, output, showView, startSuite } from './page.mjs';

const TREE = `A main module with a package, a dependency with a zip, and a GOPATH tree.
-- go.mod --
module example.com/m

go 1.17

require example.com/a v1.0.0
-- x/x.go --
package x
-- proxy/example.com/a/@v/v1.0.0.mod --
module example.com/a

go 1.17
-- gopath/src/example.com/q/q.go --
package q
`;

let suite;
let page;
const view = 'section.view[data-view="lookup"]';

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ viewport: { width: 1280, height: 1000 } });
  await editTree(page, TREE);
  await showView(page, 'lookup');
});

after(() => suite?.close());

async function look(imp, mode = '') {
  await page.fill(`${view} input.import`, imp);
  await page.selectOption(`${view} select.mode`, mode);
  await page.click(`${view} button[type="submit"]`);
  await page.waitForFunction(
    ([sel, i, m]) => {
      const el = document.querySelector(sel);
      return el?.dataset.import === i && (m === '' || el.dataset.mode === m);
    },
    [view, imp, mode],
  );
  const steps = await page.$$eval(`${view} table.lookup-steps tbody tr`, (trs) =>
    trs.map((tr) => ({
      step: tr.querySelector('td.step').textContent,
      result: tr.querySelector('td.result').textContent,
      where: tr.querySelector('td.where').textContent,
      time: tr.querySelector('td.time').textContent,
    })),
  );
  return { data: await page.$eval(view, (el) => ({ ...el.dataset })), answer: await page.textContent(`${view} .answer`), steps };
}

test('opens with a package of the main module looked up in module mode', async () => {
  const { data, steps } = await look('example.com/m/x');
  assert.equal(data.mode, 'module');
  assert.equal(data.result, 'found');
  assert.equal(data.dir, '/x');
  assert.deepEqual(steps.map((s) => s.step), ['candidate', 'probe', 'probe']);
  assert.equal(steps[0].where, 'example.com/m');
  assert.equal(steps.at(-1).result, 'found');
  assert.match(steps[1].time, /^\d+\.\dµs$|^$/);
  await page.screenshot({ path: join(output, 'lookup-module.png') });
});

test('a package no module provides is the go command\'s error', async () => {
  const { data, answer, steps } = await look('example.com/zz/p');
  assert.equal(data.result, 'error');
  assert.equal(answer, 'module mode: no required module provides package example.com/zz/p; to add it:\n\tgo get example.com/zz/p');
  assert.equal(steps.at(-1).result, 'error');
  const cli = await page.$eval(`${view} pre.cli`, (el) => el.textContent);
  assert.match(cli, /^lookup example\.com\/zz\/p\n/);
  assert.match(cli, /\n=> error: no required module provides package example\.com\/zz\/p; to add it:\n/);
});

test('a dependency without its zip in the tree says so', async () => {
  const { data, steps } = await look('example.com/a/sub');
  assert.equal(data.result, 'error');
  assert.equal(steps[0].step, 'warning');
  assert.match(steps[0].result, /^not in the tree/);
});

test('GOPATH mode tries GOROOT, then each GOPATH entry', async () => {
  const { data, steps } = await look('example.com/q', 'gopath');
  assert.equal(data.mode, 'gopath');
  assert.equal(data.result, 'found');
  assert.equal(data.dir, '/gopath/src/example.com/q');
  assert.ok(steps.length >= 2, JSON.stringify(steps));
  assert.ok(steps.some((s) => s.where.startsWith('/gopath/src/example.com/q')));
  await page.screenshot({ path: join(output, 'lookup-gopath.png') });
});

test('no console errors', () => {
  assert.deepEqual(suite.problems, []);
});
