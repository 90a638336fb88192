// The module graph view in Chromium: it draws every node `mod graph` reaches with its marks,
// switches to the unpruned reading (`mod graph -go=1.16`) and highlights what only one reading
// has, shows the why-version witness of a clicked module (the same path the WASM API and
// `modscope why-version` give) and every requirement path to it (the edges highlighted are
// those of `modscope why-version -all` on the same files), and searches. No console errors.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseTxtar } from '../../web/src/txtar.js';
import { fixtures, output, pick, root, showView, startSuite } from './page.mjs';

let suite;
let page;
const graph = 'section.view[data-view="graph"]';

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ viewport: { width: 1400, height: 1100 } });
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

/**
 * The CLI built from this checkout (MODSCOPE_BIN, else the debug build, brought up to date: a
 * release binary left from an earlier build may predate the flag under test).
 */
function currentBinary() {
  if (process.env.MODSCOPE_BIN) return process.env.MODSCOPE_BIN;
  execFileSync('cargo', ['build', '--bin', 'modscope'], { cwd: root, stdio: 'inherit' });
  return join(root, 'target', 'debug', 'modscope');
}

/** What `modscope why-version -all MODULE` prints for a fixture unpacked into a directory. */
function cliWhyPaths(fixture, module) {
  const dir = mkdtempSync(join(tmpdir(), 'modscope-why-'));
  try {
    for (const [name, text] of parseTxtar(readFileSync(join(fixtures, `${fixture}.txtar`), 'utf8')).files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const env = {
      ...process.env,
      GOPROXY: `file://${dir}/proxy`,
      GOFLAGS: '-mod=mod',
      GOSUMDB: 'off',
      GOWORK: 'off',
      GOPATH: join(dir, '.gopath'),
      GOMODCACHE: join(dir, '.gopath', 'pkg', 'mod'),
    };
    return execFileSync(currentBinary(), ['why-version', '-all', module], { cwd: dir, env, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('clicking a module highlights every requirement path to it, as why-version -all prints them', async () => {
  const text = cliWhyPaths('version-drift', 'example.com/b');
  const stanzas = text.trim().split('\n\n').map((s) => s.split('\n').slice(1));
  assert.equal(stanzas.length, 2, `two paths to example.com/b@v1.1.0:\n${text}`);
  const cliEdges = new Set();
  for (const path of stanzas) for (let k = 1; k < path.length; k++) cliEdges.add(`${path[k - 1]} ${path[k]}`);
  await pick(page, 'version-drift');
  await showView(page, 'graph');
  await drawn();
  const at = await page.$eval(graph, (el) => el.nodePosition('example.com/b@v1.1.0'));
  assert.ok(at, 'example.com/b@v1.1.0 is drawn');
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.paths?.includes('example.com/b@v1.1.0'), graph);
  const d = await page.$eval(graph, (el) => ({ ...el.dataset }));
  assert.deepEqual(JSON.parse(d.paths), stanzas, 'the same paths in the same order');
  assert.deepEqual(JSON.parse(d.pathEdges), [...cliEdges].sort(), 'the highlighted edges are the paths\' edges');
  const listed = await page.$$eval(`${graph} ol.why-paths li`, (els) => els.map((e) => e.textContent));
  assert.deepEqual(listed, stanzas.map((p) => p.join(' → ')));
  await page.screenshot({ path: join(output, 'graph-why-paths.png') });
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
