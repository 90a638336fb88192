// The source view: one file of the tree with line numbers; the line a diagnostic (or another view)
// points at is highlighted and scrolled into view. The file and line are view state, so a share
// link opens on the same place.
import { h } from '../dom.js';

/** The file to show: the state's when the tree has it, else go.mod, else the first file. */
function chosenFile(ctx) {
  const wanted = ctx.state.get('file', '');
  if (wanted && ctx.tree.files.has(wanted)) return wanted;
  if (ctx.tree.files.has('go.mod')) return 'go.mod';
  return ctx.tree.files.keys().next().value ?? '';
}

/** The source view (views.js contract). */
export default {
  id: 'source',
  title: 'Source',
  render(el, ctx) {
    if (!el.firstChild) {
      const picker = h('select', { class: 'file-picker', 'aria-label': 'file' });
      picker.addEventListener('change', () => {
        el.ctx.state.set('line', 0);
        el.ctx.state.set('file', picker.value);
        show(el);
      });
      el.append(h('div', { class: 'toolbar' }, picker, h('span', { class: 'hint where' })), h('pre', { class: 'source' }));
    }
    el.ctx = ctx;
    show(el);
  },
};

/** The most files the picker lists; larger trees list the files outside proxy/ only. */
const PICKER_MAX = 2000;

/** The paths the file picker offers (always including `file`), sorted. */
function pickerPaths(ctx, file) {
  let paths = [...ctx.tree.files.keys()];
  if (paths.length > PICKER_MAX) {
    paths = paths.filter((p) => !p.startsWith('proxy/') || p === file).slice(0, PICKER_MAX);
    if (file && !paths.includes(file)) paths.push(file);
  }
  return paths.sort();
}

function show(el) {
  const { ctx } = el;
  const picker = el.querySelector('select');
  const pre = el.querySelector('pre');
  const file = chosenFile(ctx);
  const paths = pickerPaths(ctx, file);
  if (picker.options.length !== paths.length || [...picker.options].some((o, i) => o.value !== paths[i])) {
    picker.replaceChildren(...paths.map((p) => new Option(p, p)));
  }
  picker.value = file;
  el.dataset.file = file;
  const line = Number(ctx.state.get('line', 0)) || 0;
  const col = Number(ctx.state.get('col', 0)) || 0;
  el.querySelector('.where').textContent = line ? `line ${line}${col ? `, column ${col}` : ''}` : '';
  const text = ctx.tree.files.get(file) ?? '';
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  pre.replaceChildren(
    ...lines.map((l, i) =>
      h(
        'span',
        { class: i + 1 === line ? 'line current' : 'line', 'data-line': i + 1 },
        h('span', { class: 'ln', 'aria-hidden': 'true' }, String(i + 1)),
        l,
        '\n',
      ),
    ),
  );
  if (line) pre.querySelector('.current')?.scrollIntoView({ block: 'center' });
}
