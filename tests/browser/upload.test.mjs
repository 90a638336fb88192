// Getting a tree into the playground, in Chromium: a fixture folder chosen with the file chooser
// shows the build list the CLI (`modscope list -m all`, the binary cargo built) prints on the same
// files; a module cache folder added as the proxy; a .zip chosen or dropped; hostile zips refused
// with a clear message, leaving the tree as it was. No console errors.
//
// Needs `scripts/build-wasm`, `vite build web` and a built modscope binary (scripts/test runs
// `cargo test`, which builds it; MODSCOPE_BIN overrides where it is looked for).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseTxtar } from '../../web/src/txtar.js';
import { fixtures, golden, output, printed, root, settled, showView, startSuite } from './page.mjs';
import { makeZip } from './zipfile.mjs';

const bin = process.env.MODSCOPE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'modscope');

let suite;
let page;
let tmp;

before(async () => {
  assert.ok(existsSync(bin), `${bin} is missing: run cargo build (or set MODSCOPE_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'modscope-upload-'));
  suite = await startSuite();
  page = await suite.openPage();
  await showView(page, 'buildlist');
});

after(async () => {
  await suite?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The files of fixture `name`. */
const fixtureFiles = (name) => parseTxtar(readFileSync(join(fixtures, `${name}.txtar`), 'utf8')).files;

/** Writes `files` ([path, text]) under `dir`. */
function writeTree(dir, files) {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** What the CLI prints for `list -m all` in `dir` with `proxy` as GOPROXY: stdout, then stderr. */
function cliListAll(dir, proxy) {
  const env = {
    PATH: process.env.PATH,
    HOME: tmp,
    GOPROXY: `file://${proxy}`,
    GOFLAGS: '-mod=mod',
    GOSUMDB: 'off',
    GOWORK: 'off',
    GOPATH: join(tmp, 'gopath'),
    GOMODCACHE: join(tmp, 'gopath', 'pkg', 'mod'),
  };
  try {
    return execFileSync(bin, ['list', '-m', 'all'], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return `${error.stdout}${error.stderr}`.replaceAll(dir, '');
  }
}

/** Waits until a new tree (from an upload) is resolved and drawn. */
async function waitForTree(label) {
  await page.waitForFunction((l) => document.getElementById('tree-label').textContent.startsWith(l), label);
  await settled(page);
}

/** Opens the upload-error dialog's message and closes the dialog. */
async function uploadError() {
  await page.waitForSelector('dialog[open][data-kind="upload-error"]');
  const message = await page.textContent('#dialog-message');
  await page.click('dialog button[value="close"]');
  return message;
}

test('a folder chosen with the file chooser: the build list is what the CLI prints', async () => {
  const dir = join(tmp, 'replace-exclude');
  writeTree(dir, fixtureFiles('replace-exclude'));
  // Files resolution does not read are left out.
  writeFileSync(join(dir, 'README.md'), '# not kept\n');
  const cli = cliListAll(dir, join(dir, 'proxy'));
  assert.equal(cli, golden('replace-exclude'));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-folder]')]);
  await chooser.setFiles(dir);
  await waitForTree('folder replace-exclude');
  assert.equal(await printed(page), cli);
  const files = await page.evaluate(() => [...modscope.engine.files.keys()]);
  assert.ok(files.includes('go.mod') && files.includes('d/go.mod'), JSON.stringify(files));
  assert.ok(!files.includes('README.md'));
  await page.screenshot({ path: join(output, 'upload-folder.png'), fullPage: true });
});

test('a module cache folder becomes the proxy', async () => {
  const name = 'version-drift';
  const files = fixtureFiles(name);
  const dir = join(tmp, 'drift');
  writeTree(dir, files.filter(([p]) => !p.startsWith('proxy/')));
  const cache = join(tmp, 'gomodcache');
  writeTree(
    join(cache, 'cache', 'download'),
    files.filter(([p]) => p.startsWith('proxy/')).map(([p, t]) => [p.slice('proxy/'.length), t]),
  );
  // An unpacked module in the cache is not a proxy file: it is left out.
  writeTree(cache, [['example.com/a@v1.0.0/go.mod', 'module example.com/a\n']]);
  const [folder] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-folder]')]);
  await folder.setFiles(dir);
  await waitForTree('folder drift');
  assert.equal(await page.getAttribute('body', 'data-tree'), 'failed');
  const [proxy] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-proxy]')]);
  await proxy.setFiles(cache);
  await waitForTree('tree + module cache gomodcache');
  assert.equal(await printed(page), cliListAll(dir, join(cache, 'cache', 'download')));
  assert.equal(await printed(page), golden(name));
  const kept = await page.evaluate(() => [...modscope.engine.files.keys()].filter((p) => p.startsWith('proxy/')));
  assert.deepEqual(kept.sort(), files.map(([p]) => p).filter((p) => p.startsWith('proxy/')).sort());
});

test('a .zip chosen with the file chooser is unpacked (its top folder dropped)', async () => {
  const zip = makeZip(fixtureFiles('pruning-go116').map(([p, t], i) => ({ name: `tree/${p}`, data: t, deflate: i % 2 === 0 })));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-zip]')]);
  await chooser.setFiles({ name: 'pruning.zip', mimeType: 'application/zip', buffer: zip });
  await waitForTree('zip pruning.zip');
  assert.equal(await printed(page), golden('pruning-go116'));
});

test('a .zip dropped on the page is unpacked', async () => {
  const zip = makeZip(fixtureFiles('version-drift').map(([p, t]) => ({ name: p, data: t })));
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'drift.zip', { type: 'application/zip' }));
    return dt;
  }, [...zip]);
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await waitForTree('zip drift.zip');
  assert.equal(await printed(page), golden('version-drift'));
});

const HOSTILE = [
  ['path traversal', () => makeZip([{ name: 'go.mod', data: 'module m\n' }, { name: '../evil/go.mod', data: 'module evil\n' }]), /unsafe path "\.\.\/evil\/go\.mod"/],
  ['an absolute path', () => makeZip([{ name: '/etc/go.mod', data: 'module m\n' }]), /unsafe path "\/etc\/go\.mod"/],
  ['a size it does not have (a zip bomb)', () => makeZip([{ name: 'go.mod', data: 'module m\n'.repeat(5000), declaredSize: 100 }]), /inflates to more than its declared size/],
  ['an absurd declared size', () => makeZip([{ name: 'go.mod', data: 'module m\n', declaredSize: 3_000_000_000 }]), /over the limit of \d+ per file/],
  ['an absurd entry count', () => makeZip([{ name: 'go.mod', data: 'module m\n' }], { fakeCount: 60_000 }), /60000 entries: over the limit/],
  ['no zip at all', () => Buffer.from('module example.com/m\n'), /not a zip archive/],
];

for (const [what, make, message] of HOSTILE) {
  test(`a zip with ${what} is refused with a clear message`, async () => {
    const before = await page.evaluate(() => [...modscope.engine.files.keys()]);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-zip]')]);
    await chooser.setFiles({ name: 'hostile.zip', mimeType: 'application/zip', buffer: make() });
    assert.match(await uploadError(), message);
    assert.deepEqual(await page.evaluate(() => [...modscope.engine.files.keys()]), before);
  });
}

test('a folder with nothing resolution reads is refused', async () => {
  const dir = join(tmp, 'empty');
  writeTree(dir, [['notes.txt', 'nothing here\n']]);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label[for=open-folder]')]);
  await chooser.setFiles(dir);
  assert.match(await uploadError(), /the folder empty holds no go\.mod, go\.sum, go\.work, \.go or proxy files/);
});

test('no console errors, failed requests or HTTP errors', () => {
  assert.deepEqual(suite.problems, []);
});
