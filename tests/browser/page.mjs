// Shared set-up of the playground's browser tests: serve web/dist, start Chromium, open pages that
// record every console error, page error, failed request and HTTP error, and read the page's state.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { serveStatic } from './server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The repository's root. */
export const root = join(here, '..', '..');
/** The built page. */
export const dist = join(root, 'web', 'dist');
/** The example archives and their golden `list -m all` output. */
export const fixtures = join(root, 'tests', 'fixtures');
/** Where screenshots go (not committed). */
export const output = join(here, 'output');

/** The golden `list -m all` output of an example: stdout lines, then stderr. */
export const golden = (name) => readFileSync(join(fixtures, `${name}.golden`), 'utf8');

/** Starts the server and the browser; `problems` collects what no test may see. */
export async function startSuite() {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist} is missing: run scripts/build-wasm && npx vite build web`);
  mkdirSync(output, { recursive: true });
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  const problems = [];
  /** A new page (in a fresh context) that reports its problems; not yet navigated. */
  async function newPage(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    watch(page, problems);
    return page;
  }
  /** A new page (as `newPage`) opened on `url` (the playground by default) and settled. */
  async function openPage(options = {}, url = server.url) {
    const page = await newPage(options);
    await page.goto(url);
    await settled(page);
    return page;
  }
  return {
    server,
    browser,
    problems,
    newPage,
    openPage,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Records the problems of `page` (and of its frames and workers) into `problems`. */
export function watch(page, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('worker', (worker) => worker.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`worker console.error: ${msg.text()}`);
  }));
}

/** Waits until the page (or frame) is ready and its tree resolved (or failed) and the view drawn. */
export async function settled(page) {
  await page.waitForSelector('body[data-ready="true"][data-busy="false"]');
  await page.waitForFunction(() => {
    const tree = document.body.dataset.tree;
    const view = document.querySelector(`section.view[data-view="${document.body.dataset.view}"]`);
    return (tree === 'resolved' || tree === 'failed') && view?.dataset.rendered === 'true';
  });
}

/** The build list rows as `list -m all` lines, rebuilt from the cells (path, version, replacement). */
export function shownLines(page) {
  return page.$$eval('section.view[data-view="buildlist"] tbody tr[data-line]', (trs) =>
    trs.map((tr) => {
      const cell = (c) => tr.querySelector(`td.${c}`).textContent;
      const line = [cell('path'), cell('version')].filter(Boolean).join(' ');
      const rep = cell('replacement');
      const rebuilt = rep ? `${line} => ${rep}` : line;
      if (rebuilt !== tr.dataset.line) throw new Error(`row ${rebuilt} has line ${tr.dataset.line}`);
      return rebuilt;
    }),
  );
}

/** What the build list view prints, as `list -m all` would: lines, then the error output. */
export async function printed(page) {
  const stderr = ((await page.textContent('section.view[data-view="buildlist"] pre.stderr')) ?? '').trim();
  return (await shownLines(page)).map((l) => `${l}\n`).join('') + (stderr ? `${stderr}\n` : '');
}

/** Replaces the tree by typing a txtar archive into the editor, and waits for its answer. */
export async function editTree(page, text) {
  await page.$eval('#txtar', (el, t) => {
    el.value = t;
    el.dispatchEvent(new Event('input'));
  }, text);
  await page.waitForSelector('body[data-example="custom"]');
  await settled(page);
}

/** Picks example `name` and waits for its answer. */
export async function pick(page, name) {
  await page.selectOption('#example-picker', name);
  await page.waitForSelector(`body[data-example="${name}"]`);
  await settled(page);
}

/** Shows view `id` and waits until it is drawn. */
export async function showView(page, id) {
  await page.click(`#tabs button[data-view="${id}"]`);
  await page.waitForSelector(`section.view[data-view="${id}"][data-rendered="true"]:not([hidden])`);
}
