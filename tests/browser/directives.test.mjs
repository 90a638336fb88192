// Unit tests of the playground's table rows (web/src/view/directives.js), in Node: how the ModFile
// JSON shape becomes rows, including the cases the example page does not show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directiveRows, splitModule } from '../../web/src/view/directives.js';

const at = (line) => ({ start: { line, col: 1, byte: 0 }, end: { line, col: 2, byte: 1 } });

test('splitModule splits path@version at the version', () => {
  assert.deepEqual(splitModule('golang.org/x/text@v0.14.0'), { path: 'golang.org/x/text', version: 'v0.14.0' });
  assert.deepEqual(splitModule('example.com/m'), { path: 'example.com/m', version: '' });
});

test('an exact-version replacement wins over a whole-module one; directories have no version', () => {
  const rows = directiveRows({
    module: null,
    go: null,
    toolchain: { name: 'go1.21.3', span: at(1) },
    godebug: [{ key: 'panicnil', value: '1', span: at(2) }],
    require: [
      { module: 'a.example/x@v1.0.0', indirect: false, span: at(3) },
      { module: 'a.example/y@v2.0.0', indirect: true, span: at(4) },
    ],
    exclude: [],
    replace: [
      { old: { path: 'a.example/x' }, new: { path: '../x' }, span: at(5) },
      { old: { path: 'a.example/x', version: 'v1.0.0' }, new: { path: 'b.example/x', version: 'v1.0.1' }, span: at(6) },
      { old: { path: 'a.example/y', version: 'v1.0.0' }, new: { path: '../y' }, span: at(7) },
    ],
    retract: [{ low: 'v0.1.0', high: 'v0.2.0', rationale: 'broken', span: at(8) }],
    tool: [{ path: 'a.example/x/cmd/t', span: at(9) }],
    ignore: [{ path: './node_modules', span: at(10) }],
  });
  const table = rows.map((r) => [r.directive, r.path ?? '', r.version ?? '', r.indirect ?? '', r.replacement ?? '', r.line]);
  assert.deepEqual(table, [
    ['toolchain', '', 'go1.21.3', '', '', 1],
    ['godebug', 'panicnil=1', '', '', '', 2],
    ['require', 'a.example/x', 'v1.0.0', '', 'b.example/x v1.0.1', 3],
    ['require', 'a.example/y', 'v2.0.0', 'yes', '', 4],
    ['replace', 'a.example/x', '', '', '../x', 5],
    ['replace', 'a.example/x', 'v1.0.0', '', 'b.example/x v1.0.1', 6],
    ['replace', 'a.example/y', 'v1.0.0', '', '../y', 7],
    ['retract', '', '[v0.1.0, v0.2.0]', '', '', 8],
    ['tool', 'a.example/x/cmd/t', '', '', '', 9],
    ['ignore', './node_modules', '', '', '', 10],
  ]);
});
