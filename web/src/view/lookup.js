// @ts-check
// The lookup path view: type an import path and see where it lives and every step taken to find
// out (`Workspace.lookup`, the shape of `modscope lookup --json`): in module mode each candidate
// module of the build list and its probe, in vendor mode the main module and vendor/, in GOPATH
// mode the vendor directories, GOROOT and each GOPATH entry — each step with its result and its
// time — then the answer, or the go command's error. The same steps are shown as the CLI's
// `lookup` prints them. The import path and the mode are view state (the share URL keeps them).
import { h } from '../dom.js';
import { viewParts } from './parts.js';
import './lookup.css';

/** @typedef {import('../../pkg/types').LookupReport} LookupReport */
/** @typedef {import('../../pkg/types').Event} Event */

/** The CLI's word for each step kind (`modscope lookup` prints the same). */
const WHAT = {
  'lookup-candidate': 'candidate',
  'lookup-probe': 'probe',
  'index-hit': 'gopkg cache hit',
  'index-miss': 'gopkg cache miss',
  'index-rebuild': 'gopkg cache rebuild',
  read: 'read package',
  warning: 'warning',
};

/** A step's time in microseconds, as the CLI shows it ('' when not timed). */
const micros = (e) => (e.dur_ns > 0 ? `${(e.dur_ns / 1000).toFixed(1)}µs` : '');

/** The text `modscope lookup IMPORT` prints for `r`. */
export function cliText(r) {
  const lines = [`lookup ${r.Import}`];
  for (const e of r.Steps) {
    const what = WHAT[e.kind];
    if (!what) continue;
    const where = e.detail || e.subject;
    const t = micros(e);
    lines.push(`  ${what.padEnd(20)} ${(e.result ?? '').padEnd(16)} ${where}${t ? `  (${t})` : ''}`);
  }
  if (r.Error) lines.push(`=> error: ${r.Error.replaceAll('\n', '\n   ')}`);
  else if (r.NotAPackage) lines.push(`=> ${r.ImportPath} in ${r.Dir}: not a package: ${r.NotAPackage}`);
  else lines.push(`=> ${r.ImportPath} in ${r.Dir}${r.Goroot ? ' (GOROOT)' : ''}`);
  return lines.join('\n');
}

/** A suggestion for the import box: a package directory of the main module, or its path. */
function suggestion(ctx) {
  const gomod = ctx.tree.files.get('go.mod') ?? '';
  const module = /^module\s+(\S+)/m.exec(gomod)?.[1] ?? '';
  const dirs = [...ctx.tree.files.keys()]
    .filter((p) => p.endsWith('.go') && !p.startsWith('proxy/') && !p.startsWith('vendor/') && !p.startsWith('gopath/'))
    .map((p) => p.slice(0, p.lastIndexOf('/') + 1).replace(/\/$/, ''));
  if (module && dirs.length > 0) return dirs[0] ? `${module}/${dirs[0]}` : module;
  return module || 'fmt';
}

function skeleton(el) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', class: 'import', 'aria-label': 'import path', placeholder: 'import path, e.g. golang.org/x/text/language', spellcheck: 'false' })
  );
  const mode = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { class: 'mode', 'aria-label': 'lookup mode' },
      h('option', { value: '' }, 'mode: as the go command picks'),
      h('option', { value: 'module' }, 'module mode'),
      h('option', { value: 'vendor' }, 'vendor mode'),
      h('option', { value: 'gopath' }, 'GOPATH mode'),
    )
  );
  const gopath = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', class: 'gopath', 'aria-label': 'GOPATH', value: '/gopath', title: 'GOPATH entries in the tree (colon-separated)' })
  );
  const form = h('form', {}, input, mode, h('label', { class: 'hint' }, 'GOPATH ', gopath), h('button', { type: 'submit' }, 'Look up'));
  const p = {
    el,
    ctx: null,
    input,
    mode,
    gopath,
    answer: h('p', { class: 'answer' }),
    steps: h('tbody'),
    cli: h('pre', { class: 'cli' }),
  };
  el.replaceChildren(
    form,
    p.answer,
    h(
      'table',
      { class: 'lookup-steps' },
      h('thead', {}, h('tr', {}, ...['#', 'step', 'result', 'where', 'time'].map((t) => h('th', {}, t)))),
      p.steps,
    ),
    h('details', {}, h('summary', {}, 'As modscope lookup prints it'), p.cli),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    p.ctx.state.set('import', input.value.trim());
    p.ctx.state.set('mode', mode.value);
    p.ctx.state.set('gopath', gopath.value.trim());
    run(p, p.ctx);
  });
  return p;
}

/** Looks the import path up and shows the answer and the steps. */
async function run(p, ctx) {
  const imp = p.input.value.trim();
  if (!imp) return;
  const options = {
    ...ctx.options,
    gopath: p.gopath.value.split(':').filter(Boolean),
  };
  if (p.mode.value) options.mode = p.mode.value;
  /** @type {LookupReport} */
  const r = await ctx.engine.call('lookup', imp, options);
  if (ctx.signal.aborted) return;
  p.el.dataset.import = imp;
  p.el.dataset.mode = r.Mode;
  p.el.dataset.result = r.Error ? 'error' : 'found';
  p.el.dataset.dir = r.Dir ?? '';
  const where = [r.Module, r.Version].filter(Boolean).join(' ');
  p.answer.className = `answer ${r.Error ? 'error' : 'found'}`;
  p.answer.textContent = r.Error
    ? `${r.Mode} mode: ${r.Error}`
    : `${r.Mode} mode: ${r.ImportPath} in ${r.Dir || '(no directory)'}${where ? ` (${where})` : ''}${r.Goroot ? ' (GOROOT)' : ''}` +
      `${r.NotAPackage ? ` — not a package: ${r.NotAPackage}` : ''} · ${(r.TotalNs / 1000).toFixed(1)} µs`;
  p.steps.replaceChildren(
    ...r.Steps.map((e, i) =>
      h(
        'tr',
        { class: e.result === 'found' ? 'found' : e.result === 'error' ? 'error' : e.kind === 'warning' ? 'warning' : null, 'data-kind': e.kind },
        h('td', {}, i + 1),
        h('td', { class: 'step' }, WHAT[e.kind] ?? e.kind),
        h('td', { class: 'result' }, e.result ?? ''),
        h('td', { class: 'where' }, e.detail || e.subject),
        h('td', { class: 'time' }, micros(e)),
      ),
    ),
  );
  p.cli.textContent = cliText(r);
}

/** The lookup path view (views.js contract). */
export default {
  id: 'lookup',
  title: 'Lookup path',
  /** @param {HTMLElement} el @param {any} ctx */
  async render(el, ctx) {
    const p = viewParts(el, skeleton);
    p.ctx = ctx;
    p.input.value = ctx.state.get('import', '') || suggestion(ctx);
    p.mode.value = ctx.state.get('mode', '');
    p.gopath.value = ctx.state.get('gopath', '') || '/gopath';
    await run(p, ctx);
  },
};
