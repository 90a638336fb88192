// The playground page: loads the engine, opens with the example go.mod, and re-renders the
// diagnostics and the directives table whenever the text changes.
import { createEngine } from './engine.js';
import { selectPosition } from './editor.js';
import { EXAMPLE_GO_MOD, EXAMPLE_PATH } from './example.js';
import { bindInput } from './input.js';
import { renderDiagnostics } from './view/diagnostics.js';
import { renderDirectives } from './view/directives.js';

const ui = {
  status: document.getElementById('status'),
  editor: document.getElementById('source'),
  fileInput: document.getElementById('file'),
  reset: document.getElementById('reset'),
  dropZone: document.getElementById('input'),
  diagnostics: document.getElementById('diagnostics'),
  directives: document.querySelector('#directives tbody'),
};

const engine = await createEngine();
let fileName = EXAMPLE_PATH;

async function show(text, name) {
  if (name) fileName = name;
  const { modFile, diagnostics } = await engine.parseModFile(EXAMPLE_PATH, text);
  renderDiagnostics(ui.diagnostics, diagnostics);
  renderDirectives(ui.directives, modFile);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  ui.status.textContent = `modscope ${engine.version} · ${fileName}: ${
    errors === 0 ? 'parsed' : `${errors} error${errors === 1 ? '' : 's'}`
  }`;
  document.body.dataset.state = errors === 0 ? 'parsed' : 'errors';
}

bindInput({ editor: ui.editor, fileInput: ui.fileInput, dropZone: ui.dropZone, onText: show });
ui.diagnostics.addEventListener('click', (event) => {
  const item = event.target.closest('li[data-line]');
  if (item) selectPosition(ui.editor, Number(item.dataset.line), Number(item.dataset.col));
});
ui.reset.addEventListener('click', () => {
  ui.editor.value = EXAMPLE_GO_MOD;
  show(EXAMPLE_GO_MOD, EXAMPLE_PATH);
});

ui.editor.value = EXAMPLE_GO_MOD;
await show(EXAMPLE_GO_MOD, EXAMPLE_PATH);
