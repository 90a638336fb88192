// The module tree panel: pick an example (or paste a txtar archive), resolve it in the WASM
// engine as `modscope list -m all -mod=mod` would, and show the build list, the go command's
// error output, and the diagnostics. Opens on the first example, never empty.
import { createEngine } from './engine.js';
import { EXAMPLES } from './examples.js';
import { renderDiagnostics } from './view/diagnostics.js';
import { bindSortHeaders, renderBuildList } from './view/buildlist.js';

const ui = {
  picker: document.getElementById('example-picker'),
  txtar: document.getElementById('txtar'),
  filter: document.getElementById('buildlist-filter'),
  table: document.getElementById('buildlist'),
  summary: document.getElementById('tree-status'),
  stderr: document.getElementById('tree-stderr'),
  diagnostics: document.getElementById('tree-diagnostics'),
};

const engine = await createEngine();
const state = { filter: '', sort: null, descending: false };
let result = { buildList: [], lines: [], diagnostics: [], stderr: '' };

function render() {
  renderBuildList(ui.table.querySelector('tbody'), result.buildList, result.lines, state);
  for (const th of ui.table.querySelectorAll('th[data-sort]')) {
    th.setAttribute(
      'aria-sort',
      th.dataset.sort === state.sort ? (state.descending ? 'descending' : 'ascending') : 'none',
    );
  }
}

function resolveText(text) {
  result = engine.resolveTxtar(text, { buildMod: 'mod' });
  ui.stderr.textContent = result.stderr;
  ui.stderr.hidden = result.stderr === '';
  renderDiagnostics(ui.diagnostics, result.diagnostics);
  const failed = result.stderr !== '' && result.lines.length === 0;
  ui.summary.textContent = failed
    ? 'list -m all failed'
    : `${result.lines.length} module${result.lines.length === 1 ? '' : 's'} in the build list`;
  document.body.dataset.tree = failed ? 'failed' : 'resolved';
  render();
}

function showExample(id) {
  const example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
  ui.picker.value = example.id;
  ui.txtar.value = example.text;
  resolveText(example.text);
  document.body.dataset.example = example.id;
}

for (const e of EXAMPLES) ui.picker.append(new Option(e.title, e.id));
ui.picker.addEventListener('change', () => showExample(ui.picker.value));
let timer = 0;
ui.txtar.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    resolveText(ui.txtar.value);
    document.body.dataset.example = 'pasted';
  }, 120);
});
ui.filter.addEventListener('input', () => {
  state.filter = ui.filter.value;
  render();
});
bindSortHeaders(ui.table, (column) => {
  state.descending = state.sort === column ? !state.descending : false;
  state.sort = column;
  render();
});

showExample(EXAMPLES[0].id);
