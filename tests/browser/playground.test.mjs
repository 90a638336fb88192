// End-to-end test of the built playground (web/dist) in Chromium: the example loads and parses,
// a broken go.mod shows its diagnostic at the right line:column, upload and drag-and-drop work,
// and the page logs no console errors. Screenshots go to tests/browser/output/.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '..', '..', 'web', 'dist');
const output = join(here, 'output');

const BROKEN_GO_MOD = `module example.com/broken

go 1.19

require (
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.x
)
`;

const UPLOADED_GO_MOD = `module example.com/uploaded

go 1.18

require github.com/google/uuid v1.3.0
`;

let server;
let browser;
let page;
const problems = [];

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist} is missing: run scripts/build-wasm && npx vite build web`);
  mkdirSync(output, { recursive: true });
  server = await serveStatic(dist);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

/** The directives table as arrays of cell texts. */
const tableRows = () =>
  page.$$eval('#directives tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));

/** The diagnostics list as one string per item. */
const diagnosticLines = () => page.$$eval('#diagnostics li', (lis) => lis.map((li) => li.textContent));

/** Waits until the page has rendered text whose module line is `module`. */
const waitForModule = (module) =>
  page.waitForFunction(
    (m) => document.querySelector('#directives tbody tr td.path')?.textContent === m,
    module,
  );

test('opens with the example go.mod parsed into the table', async () => {
  await page.waitForSelector('body[data-state]');
  const editor = await page.inputValue('#source');
  assert.match(editor, /^module example\.com\/hello\n/);
  assert.match(await page.textContent('#status'), /^modscope \d+\.\d+\.\d+ · go\.mod: parsed$/);
  assert.deepEqual(await diagnosticLines(), ['No problems found.']);
  assert.deepEqual(await tableRows(), [
    ['module', 'example.com/hello', '', '', '', '1'],
    ['go', '', '1.19', '', '', '3'],
    ['require', 'golang.org/x/text', 'v0.14.0', '', '', '6'],
    ['require', 'rsc.io/quote', 'v1.5.2', '', '', '7'],
    ['require', 'rsc.io/sampler', 'v1.3.0', 'yes', 'rsc.io/sampler v1.3.1', '8'],
    ['exclude', 'golang.org/x/text', 'v0.13.0', '', '', '11'],
    ['replace', 'rsc.io/sampler', 'v1.3.0', '', 'rsc.io/sampler v1.3.1', '13'],
    ['retract', '', 'v0.1.0', '', '', '15'],
  ]);
  await page.screenshot({ path: join(output, '1-example.png'), fullPage: true });
});

test('a broken go.mod shows its diagnostic at line:column', async () => {
  await page.fill('#source', BROKEN_GO_MOD);
  await page.waitForSelector('body[data-state="errors"]');
  assert.deepEqual(await diagnosticLines(), [
    '7:2 require rsc.io/sampler: version "v1.x" invalid: must be of the form v1.2.3 [modfile-version]',
  ]);
  assert.equal(await page.textContent('#status'), `modscope ${await version()} · go.mod: 1 error`);
  await page.screenshot({ path: join(output, '2-broken.png'), fullPage: true });
});

test('clicking a diagnostic selects its position in the editor', async () => {
  await page.click('#diagnostics li[data-line="7"]');
  const selected = await page.$eval('#source', (e) => e.value.slice(e.selectionStart, e.selectionEnd));
  assert.equal(selected, 'rsc.io/sampler v1.x');
});

test('a file chosen with the file chooser is loaded and parsed', async () => {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=file]')]);
  await chooser.setFiles({ name: 'uploaded.mod', mimeType: 'text/plain', buffer: Buffer.from(UPLOADED_GO_MOD) });
  await waitForModule('example.com/uploaded');
  assert.equal(await page.inputValue('#source'), UPLOADED_GO_MOD);
  assert.equal(await page.textContent('#status'), `modscope ${await version()} · uploaded.mod: parsed`);
  assert.deepEqual(await tableRows(), [
    ['module', 'example.com/uploaded', '', '', '', '1'],
    ['go', '', '1.18', '', '', '3'],
    ['require', 'github.com/google/uuid', 'v1.3.0', '', '', '5'],
  ]);
  await page.screenshot({ path: join(output, '3-uploaded.png'), fullPage: true });
});

test('a file dropped on the input panel is loaded and parsed', async () => {
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.mod', { type: 'text/plain' }));
    return dt;
  }, UPLOADED_GO_MOD.replace('example.com/uploaded', 'example.com/dropped'));
  await page.dispatchEvent('#input', 'dragover', { dataTransfer });
  await page.dispatchEvent('#input', 'drop', { dataTransfer });
  await waitForModule('example.com/dropped');
  assert.equal(await page.textContent('#status'), `modscope ${await version()} · dropped.mod: parsed`);
});

test('the example button restores the example', async () => {
  await page.click('#reset');
  await waitForModule('example.com/hello');
  assert.equal((await tableRows()).length, 8);
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(problems, []);
});

/** The version the status line shows. */
async function version() {
  const status = await page.textContent('#status');
  return status.match(/^modscope (\S+)/)[1];
}
