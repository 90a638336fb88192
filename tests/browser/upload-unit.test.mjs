// Unit tests, in Node, of how the playground takes files in (web/src/upload.js, zip.js, txtar.js,
// share.js): which files are kept, safe paths, the module cache mapping, dropped-folder recursion
// over FileSystemEntry objects, zip reading and its refusals, txtar round trips and share-state
// encoding. Node has the same Blob, DecompressionStream and CompressionStream the page uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, entryInputs, isProxyFile, keepFile, proxyPath, safePath, stripCommonRoot, withProxy } from '../../web/src/upload.js';
import { readZip } from '../../web/src/zip.js';
import { formatTxtar, parseTxtar, txtarSize } from '../../web/src/txtar.js';
import { MAX_MARKDOWN_TXTAR, toMarkdown } from '../../web/src/markdown.js';
import { decodeState, encodeState, hashPayload } from '../../web/src/share.js';
import { makeZip } from './zipfile.mjs';

test('only the files resolution reads are kept', () => {
  for (const p of ['go.mod', 'a/go.mod', 'go.sum', 'go.work', 'go.work.sum', 'vendor/modules.txt', 'x/y.go',
    'proxy/example.com/a/@v/v1.0.0.mod', 'proxy/example.com/a/@v/v1.0.0.info', 'proxy/example.com/a/@v/list']) {
    assert.ok(keepFile(p), p);
  }
  for (const p of ['README.md', 'go.mod.bak', 'proxy/example.com/a/@v/v1.0.0.zip', '.git/config', 'node_modules/x/go.mod', 'a/@v/x/y.mod']) {
    assert.ok(!keepFile(p), p);
  }
  assert.ok(isProxyFile('example.com/a/@v/v1.0.0.mod'));
  assert.ok(!isProxyFile('@v/v1.0.0.mod'));
});

test('unsafe paths are recognised', () => {
  for (const p of ['go.mod', 'a/b/c.go', 'example.com/a/@v/v1.0.0.mod']) assert.ok(safePath(p), p);
  for (const p of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', 'a/./b', 'C:/x', 'a\\b', 'a\u0000b', 'a/']) {
    assert.ok(!safePath(p), JSON.stringify(p));
  }
});

test('a shared top folder is dropped, and only then', () => {
  assert.deepEqual(stripCommonRoot(['m/go.mod', 'm/a/a.go']), ['go.mod', 'a/a.go']);
  assert.deepEqual(stripCommonRoot(['go.mod', 'm/a.go']), ['go.mod', 'm/a.go']);
  assert.deepEqual(stripCommonRoot(['m/go.mod', 'n/go.mod']), ['m/go.mod', 'n/go.mod']);
});

test('module cache and GOPROXY folders map to proxy/', () => {
  assert.equal(proxyPath('cache/download/example.com/a/@v/v1.0.0.mod'), 'proxy/example.com/a/@v/v1.0.0.mod');
  assert.equal(proxyPath('pkg/mod/cache/download/example.com/a/@v/list'), 'proxy/example.com/a/@v/list');
  assert.equal(proxyPath('example.com/a/@v/v1.0.0.info'), 'proxy/example.com/a/@v/v1.0.0.info');
  const tree = withProxy(new Map([['go.mod', 'm'], ['proxy/old/@v/v1.0.0.mod', 'old']]), [['proxy/new/@v/v1.0.0.mod', 'new']]);
  assert.deepEqual([...tree.keys()], ['go.mod', 'proxy/new/@v/v1.0.0.mod']);
});

test('collect keeps, sorts and limits', async () => {
  const input = (path, text) => ({ path, size: text.length, read: async () => text });
  const got = await collect([input('z.go', 'package z\n'), input('README', 'x'), input('go.mod', 'module m\n')]);
  assert.deepEqual(got, [['go.mod', 'module m\n'], ['z.go', 'package z\n']]);
  await assert.rejects(collect([input('../go.mod', '')]), /unsafe file path "\.\.\/go\.mod"/);
  await assert.rejects(collect([{ path: 'big.go', size: 5 << 20, read: async () => '' }]), /big\.go is 5 MB: over the limit of 4 MB per file/);
});

/** A fake FileSystemEntry tree: objects are directories, strings are files. */
function entry(name, value) {
  if (typeof value === 'string') {
    return { name, isFile: true, isDirectory: false, file: (ok) => ok({ size: value.length, text: async () => value }) };
  }
  const children = Object.entries(value).map(([n, v]) => entry(n, v));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      // Hands the children out in batches of two, then an empty batch, as browsers do in pages.
      let at = 0;
      return { readEntries: (ok) => { ok(children.slice(at, at + 2)); at += 2; } };
    },
  };
}

test('a dropped folder is read recursively, in batches, skipping .git', async () => {
  const root = entry('tree', {
    'go.mod': 'module m\n',
    '.git': { config: 'x' },
    a: { 'a.go': 'package a\n', b: { 'b.go': 'package b\n', 'notes.txt': 'n' } },
    proxy: { 'example.com': { x: { '@v': { 'v1.0.0.mod': 'module example.com/x\n' } } } },
  });
  const out = [];
  await entryInputs(root, '', out, 100);
  const paths = out.map((i) => i.path).sort();
  assert.deepEqual(paths, ['tree/a/a.go', 'tree/a/b/b.go', 'tree/a/b/notes.txt', 'tree/go.mod', 'tree/proxy/example.com/x/@v/v1.0.0.mod']);
  const files = await collect(out.map((i, k) => ({ ...i, path: stripCommonRoot(out.map((j) => j.path))[k] })));
  assert.deepEqual(files.map(([p]) => p), ['a/a.go', 'a/b/b.go', 'go.mod', 'proxy/example.com/x/@v/v1.0.0.mod']);
  await assert.rejects(entryInputs(root, '', [], 2), /more than 2 files/);
});

test('zips: stored and deflated entries are read; hostile ones are refused', async () => {
  const zip = makeZip([
    { name: 'm/go.mod', data: 'module m\n', deflate: false },
    { name: 'm/a.go', data: 'package a\n'.repeat(100) },
    { name: 'm/README', data: 'not kept' },
    { name: 'm/sub/', data: '' },
  ]);
  assert.deepEqual(await readZip(new Uint8Array(zip), keepFile), [['a.go', 'package a\n'.repeat(100)], ['go.mod', 'module m\n']]);
  const refuse = (entries, opts, pattern) => assert.rejects(readZip(new Uint8Array(makeZip(entries, opts)), keepFile), pattern);
  await refuse([{ name: '../go.mod', data: 'x' }], {}, /unsafe path "\.\.\/go\.mod"/);
  await refuse([{ name: 'go.mod', data: 'x'.repeat(10_000), declaredSize: 10 }], {}, /inflates to more than its declared size/);
  await refuse([{ name: 'go.mod', data: 'x', declaredSize: 5 << 20 }], {}, /over the limit of \d+ per file/);
  await refuse([{ name: 'go.mod', data: 'x' }], { fakeCount: 0xffff }, /ZIP64 archives are not supported/);
  await refuse([{ name: 'go.mod', data: 'x' }], { fakeCount: 60_000 }, /60000 entries: over the limit/);
  const cut = makeZip([{ name: 'go.mod', data: 'module m\n' }]);
  await assert.rejects(readZip(new Uint8Array(cut.subarray(0, cut.length - 30)), keepFile), /not a zip archive/);
});

test('txtar: parse and format round trip', () => {
  const text = 'comment\n-- go.mod --\nmodule m\n-- empty --\n-- a/b.go --\npackage b\n';
  const { comment, files } = parseTxtar(text);
  assert.equal(comment, 'comment\n');
  assert.deepEqual(files, [['go.mod', 'module m\n'], ['empty', ''], ['a/b.go', 'package b\n']]);
  assert.equal(formatTxtar(comment, files), text);
  // A last line without a newline gets one; "-- --" is not a marker.
  assert.deepEqual(parseTxtar('-- x --\nab').files, [['x', 'ab\n']]);
  assert.deepEqual(parseTxtar('-- --\n-- x --\n').files, [['x', '']]);
});

test('txtar: the size is the formatted length, without formatting', () => {
  const cases = [
    ['', []],
    ['comment', [['go.mod', 'module m']]],
    ['comment\n', [['go.mod', 'module m\n'], ['empty', ''], ['a/é.go', 'package é\n']]],
    ['', [['x', 'no newline'], ['y', '\n']]],
  ];
  for (const [comment, files] of cases) {
    assert.equal(txtarSize(comment, files), formatTxtar(comment, files).length, JSON.stringify([comment, files]));
  }
});

test('Markdown: a small tree is included as txtar, a huge one is named instead', () => {
  const options = { buildMod: 'mod' };
  const small = { files: new Map([['go.mod', 'module m\n']]), comment: 'c\n', label: 'small' };
  assert.ok(toMarkdown({ tree: small, options, resolution: null }).includes('```txtar\nc\n-- go.mod --\nmodule m\n```'));
  const files = new Map();
  for (let i = 0; files.size === 0 || txtarSize('', files) <= MAX_MARKDOWN_TXTAR; i++) files.set(`m${i}/go.mod`, `module m${i}\n${'x'.repeat(1000)}\n`);
  const text = toMarkdown({ tree: { files, comment: '', label: 'huge' }, options, resolution: null });
  assert.ok(!text.includes('```txtar'), 'no txtar block');
  assert.match(text, new RegExp(`The tree \\(${files.size.toLocaleString('en')} files, ${txtarSize('', files).toLocaleString('en')} characters of txtar\\) is too large`));
  assert.ok(text.includes('modscope list -m all'));
});

test('share state: encode, decode, and clear errors for damaged links', async () => {
  const state = { view: 'buildlist', txtar: '-- go.mod --\nmodule m\n', views: { buildlist: { filter: 'é' } } };
  const payload = await encodeState(state);
  assert.match(payload, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(await decodeState(payload), { format: 1, ...state });
  assert.equal(hashPayload(`#s=${payload}`), payload);
  assert.equal(hashPayload('#other'), null);
  await assert.rejects(decodeState('not*base64'), /damaged or cut short: the link is damaged \(not base64url\)/);
  await assert.rejects(decodeState(payload.slice(0, payload.length / 2)), /damaged or cut short/);
});
