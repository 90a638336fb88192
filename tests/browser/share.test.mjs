// Share links, copy as Markdown and embed mode, in Chromium: a link made on one page reproduces the
// tree, the view and its state in a fresh page; an example is shared by name; a tree too large for
// a link gets a message; a damaged link says so and the page still opens on an example; the
// Markdown holds the tree, the command and its output; the page embedded in an iframe (and with
// ?embed) shows one view with compact chrome; the snippet generator's <iframe> shows what was on
// screen. No console errors. Screenshots go to tests/browser/output/.
//
// Needs `scripts/build-wasm` and `vite build web` first (scripts/test runs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { editTree, golden, output, pick, printed, settled, showView, shownLines, startSuite } from './page.mjs';

let suite;
let page;

before(async () => {
  suite = await startSuite();
  page = await suite.openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
});

after(() => suite?.close());

/** Clicks a toolbar button that opens the dialog; returns `{ kind, message, text }` and closes it. */
async function dialog(button) {
  await page.click(button);
  await page.waitForSelector('dialog[open]');
  const result = {
    kind: await page.getAttribute('dialog', 'data-kind'),
    message: await page.textContent('#dialog-message'),
    text: await page.inputValue('#dialog-text'),
  };
  await page.click('dialog button[value="close"]');
  return result;
}

test('a share link reproduces an edited tree, the view and its state in a fresh page', async () => {
  await pick(page, 'version-drift');
  await showView(page, 'buildlist');
  const text = (await page.inputValue('#txtar')).replace('go 1.16\n', 'go 1.16\n\n// shared\n');
  await editTree(page, text);
  await page.fill('section.view[data-view="buildlist"] input.filter', 'example.com/b');
  const rows = await shownLines(page);
  assert.deepEqual(rows, ['example.com/b v1.1.0']);
  const { kind, text: url } = await dialog('#share');
  assert.equal(kind, 'share');
  assert.match(url, /#s=[A-Za-z0-9_-]+$/);

  const fresh = await suite.openPage({}, url);
  assert.equal(await fresh.inputValue('#txtar'), text);
  assert.equal(await fresh.getAttribute('body', 'data-view'), 'buildlist');
  assert.equal(await fresh.inputValue('section.view[data-view="buildlist"] input.filter'), 'example.com/b');
  assert.deepEqual(await shownLines(fresh), rows);
  await fresh.screenshot({ path: join(output, 'share-fresh-page.png'), fullPage: true });
  await fresh.context().close();
});

test('a share link reproduces the source view on a highlighted line', async () => {
  await pick(page, 'replace-exclude');
  await showView(page, 'gomod');
  await page.click('section.view[data-view="gomod"] tr[data-directive="exclude"] td.line');
  await page.waitForSelector('section.view[data-view="source"]:not([hidden]) .line.current');
  const line = await page.textContent('section.view[data-view="source"] .line.current');
  const { text: url } = await dialog('#share');

  const fresh = await suite.openPage({}, url);
  assert.equal(await fresh.inputValue('#example-picker'), 'replace-exclude');
  assert.equal(await fresh.getAttribute('body', 'data-view'), 'source');
  assert.equal(await fresh.textContent('section.view[data-view="source"] .line.current'), line);
  assert.match(line, /^\d+exclude /);
  await fresh.context().close();
});

test('a share link pasted into an open page (only the hash changes) is opened', async () => {
  await pick(page, 'version-drift');
  await showView(page, 'buildlist');
  const { text: url } = await dialog('#share');
  await pick(page, 'pruning-go116');
  await showView(page, 'gomod');
  // The page has written its new state into the hash.
  await page.waitForFunction((u) => location.href !== u && location.hash.startsWith('#s='), url);
  await page.goto(url);
  await page.waitForSelector('body[data-example="version-drift"][data-view="buildlist"]');
  await settled(page);
  assert.equal(await printed(page), golden('version-drift'));
});

test('a tree too large for a link gets a clear message', async () => {
  const noise = randomBytes(40_000).toString('base64');
  await editTree(page, `-- go.mod --\nmodule example.com/big\n\ngo 1.19\n-- big.go --\npackage big\n\n// ${noise}\n`);
  const { kind, message } = await dialog('#share');
  assert.equal(kind, 'share-too-large');
  assert.match(message, /too large for a link: its compressed state is [\d,]+ characters, over the limit of 32,768/);
  assert.equal(await page.getAttribute('body', 'data-shareable'), 'false');
});

test('a damaged link says so, and the page still opens on an example', async () => {
  const fresh = await suite.openPage({}, `${suite.server.url}#s=AAAAbroken`);
  assert.equal(await fresh.inputValue('#example-picker'), 'pruning-go117');
  assert.ok((await shownLines(fresh)).length > 0);
  assert.match(await fresh.textContent('#status'), /^this share link is damaged or cut short: .*\. Showing an example instead\.$/);
  await fresh.context().close();
});

test('copy as Markdown gives the tree, the command and its output', async () => {
  await pick(page, 'version-drift');
  const { kind, text } = await dialog('#copy-markdown');
  assert.equal(kind, 'markdown');
  assert.match(text, /```txtar\nA version above what go\.mod asks for\.\n/);
  assert.ok(text.includes('-- go.mod --\nmodule example.com/m\n'));
  assert.ok(text.includes('```sh\n$ GOPROXY=file://$PWD/proxy GOSUMDB=off GOFLAGS=-mod=mod modscope list -m all\n```\n'));
  assert.ok(text.includes(`\`\`\`\n${golden('version-drift')}\`\`\`\n`), text);
  assert.match(text, /\[Open in the playground\]\(http:\/\/127\.0\.0\.1:\d+\/#s=[A-Za-z0-9_-]+\)/);
  // The Copy button puts it on the clipboard.
  await page.click('#copy-markdown');
  await page.click('#dialog-copy');
  await page.waitForFunction(() => document.getElementById('dialog-message').textContent === 'Copied to the clipboard.');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  await page.click('dialog button[value="close"]');
});

test('the page in an iframe is in embed mode: one view, compact chrome', async () => {
  await pick(page, 'replace-exclude');
  await showView(page, 'buildlist');
  const { text: url } = await dialog('#share');
  const host = await suite.newPage();
  await host.setContent(`<!doctype html><title>docs</title><link rel="icon" href="data:,"><p>Docs page</p>
    <iframe id="f" src="${url}" width="900" height="500"></iframe>`);
  const frame = await (await host.waitForSelector('#f')).contentFrame();
  await settled(frame);
  assert.ok(await frame.evaluate(() => document.body.classList.contains('embed')));
  for (const hidden of ['#actions', '#tree-panel', '#tabs']) assert.equal(await frame.isVisible(hidden), false, hidden);
  const visible = await frame.$$eval('section.view:not([hidden])', (els) => els.map((e) => e.dataset.view));
  assert.deepEqual(visible, ['buildlist']);
  assert.equal(await printed(frame), golden('replace-exclude'));
  assert.ok(await frame.isVisible('#open-full'));
  await host.screenshot({ path: join(output, 'embed-iframe.png') });
  await host.context().close();
});

test('the snippet generator embeds what is on screen', async () => {
  await pick(page, 'pruning-go116');
  await showView(page, 'diagnostics');
  const { kind, text: snippet } = await dialog('#embed-snippet');
  assert.equal(kind, 'embed');
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed&amp;view=diagnostics#s=[A-Za-z0-9_-]+" width="100%" height="420" title="modscope: Diagnostics"/);
  const host = await suite.newPage();
  await host.setContent(`<!doctype html><title>docs</title><link rel="icon" href="data:,">${snippet}`);
  const frame = await (await host.waitForSelector('iframe')).contentFrame();
  await settled(frame);
  assert.equal(await frame.getAttribute('body', 'data-view'), 'diagnostics');
  assert.equal(await frame.getAttribute('body', 'data-example'), 'pruning-go116');
  assert.deepEqual(await frame.$$eval('section.view:not([hidden])', (els) => els.map((e) => e.dataset.view)), ['diagnostics']);
  await host.context().close();
});

test('?view= selects a view outside embed mode too', async () => {
  const fresh = await suite.openPage({}, `${suite.server.url}?view=diagnostics`);
  assert.equal(await fresh.getAttribute('body', 'data-view'), 'diagnostics');
  assert.ok(await fresh.isVisible('#actions'));
  await fresh.context().close();
});

test('?embed in the top window selects the view named in the URL', async () => {
  const fresh = await suite.openPage({}, `${suite.server.url}?embed&view=gomod`);
  assert.ok(await fresh.evaluate(() => document.body.classList.contains('embed')));
  assert.equal(await fresh.getAttribute('body', 'data-view'), 'gomod');
  assert.equal(await fresh.isVisible('#actions'), false);
  await fresh.screenshot({ path: join(output, 'embed-top.png') });
  await fresh.context().close();
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(suite.problems, []);
});
