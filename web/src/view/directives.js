// The go.mod view: one row per directive of the main module's go.mod, in file order, with the
// replacement that applies to each requirement; a row's line links to the source view. Input is the
// ModFile JSON shape documented in crate/src/modfile/rule.rs (absent versions are omitted, absent
// singletons are null).
import { h } from '../dom.js';
import { mainModFiles } from './diagnostics.js';

const COLUMNS = ['directive', 'path', 'version', 'indirect', 'replacement', 'line'];

/** `path version`, or `path` alone for a directory replacement. */
const modVersion = (m) => (m.version ? `${m.path} ${m.version}` : m.path);

/** Splits a `path@version` string (how require and exclude lines carry their module). */
export function splitModule(pathAtVersion) {
  const at = pathAtVersion.lastIndexOf('@');
  return at < 0
    ? { path: pathAtVersion, version: '' }
    : { path: pathAtVersion.slice(0, at), version: pathAtVersion.slice(at + 1) };
}

/** The line a typed element starts on. */
const lineOf = (item) => item?.span?.start?.line ?? '';

/** The replacement for `path@version`: an exact-version replace wins over a whole-module one. */
function replacementFor(replaces, path, version) {
  const exact = replaces.find((r) => r.old.path === path && r.old.version === version);
  const any = replaces.find((r) => r.old.path === path && !r.old.version);
  const r = exact ?? any;
  return r ? modVersion(r.new) : '';
}

/** The table's rows for a parsed go.mod: plain objects keyed by column. */
export function directiveRows(modFile) {
  const replaces = modFile.replace ?? [];
  const rows = [];
  if (modFile.module) {
    rows.push({ directive: 'module', path: modFile.module.path, line: lineOf(modFile.module) });
  }
  if (modFile.go) rows.push({ directive: 'go', version: modFile.go.version, line: lineOf(modFile.go) });
  if (modFile.toolchain) {
    rows.push({ directive: 'toolchain', version: modFile.toolchain.name, line: lineOf(modFile.toolchain) });
  }
  for (const g of modFile.godebug ?? []) {
    rows.push({ directive: 'godebug', path: `${g.key}=${g.value}`, line: lineOf(g) });
  }
  for (const r of modFile.require ?? []) {
    const { path, version } = splitModule(r.module);
    rows.push({
      directive: 'require',
      path,
      version,
      indirect: r.indirect ? 'yes' : '',
      replacement: replacementFor(replaces, path, version),
      line: lineOf(r),
    });
  }
  for (const x of modFile.exclude ?? []) {
    rows.push({ directive: 'exclude', ...splitModule(x.module), line: lineOf(x) });
  }
  for (const r of replaces) {
    rows.push({
      directive: 'replace',
      path: r.old.path,
      version: r.old.version ?? '',
      replacement: modVersion(r.new),
      line: lineOf(r),
    });
  }
  for (const r of modFile.retract ?? []) {
    rows.push({
      directive: 'retract',
      version: r.low === r.high ? r.low : `[${r.low}, ${r.high}]`,
      line: lineOf(r),
    });
  }
  for (const t of modFile.tool ?? []) rows.push({ directive: 'tool', path: t.path, line: lineOf(t) });
  for (const i of modFile.ignore ?? []) rows.push({ directive: 'ignore', path: i.path, line: lineOf(i) });
  return rows.sort((a, b) => (a.line || 0) - (b.line || 0));
}

/** Replaces the table body with the rows of `modFile` (or one explanatory row when it is null). */
export function renderDirectives(tbody, modFile, why = 'Fix the errors in go.mod to see the directives.') {
  if (!modFile) {
    tbody.replaceChildren(h('tr', {}, h('td', { class: 'empty', colspan: COLUMNS.length }, why)));
    return;
  }
  tbody.replaceChildren(
    ...directiveRows(modFile).map((row) =>
      h(
        'tr',
        { 'data-directive': row.directive },
        COLUMNS.map((col) => h('td', { class: col }, row[col] ?? '')),
      ),
    ),
  );
}

/** The go.mod view (views.js contract): in a workspace, a picker chooses among the modules' go.mod files. */
const view = {
  id: 'gomod',
  title: 'go.mod',
  async render(el, ctx) {
    if (!el.firstChild) {
      const picker = h('select', { class: 'file-picker', 'aria-label': 'go.mod file', hidden: true });
      picker.addEventListener('change', () => {
        el.ctx.state.set('file', picker.value);
        view.render(el, el.ctx);
      });
      el.append(
        h('div', { class: 'toolbar' }, picker, h('span', { class: 'summary hint' })),
        h('table', { class: 'directives' }, h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', {}, c)))), h('tbody')),
      );
      el.addEventListener('click', (event) => {
        const td = event.target.closest('td.line');
        if (td && td.textContent) el.ctx?.navigate(el.dataset.file, Number(td.textContent), 1);
      });
    }
    el.ctx = ctx;
    const candidates = mainModFiles(ctx.tree.files, ctx.options);
    const wanted = ctx.state.get('file', '');
    const path = candidates.includes(wanted) ? wanted : candidates[0] ?? '';
    const picker = el.querySelector('select');
    picker.replaceChildren(...candidates.map((p) => new Option(p, p)));
    picker.value = path;
    picker.hidden = candidates.length < 2;
    el.dataset.file = path;
    const summary = el.querySelector('.summary');
    const tbody = el.querySelector('tbody');
    if (!path) {
      summary.textContent = 'The tree has no main go.mod.';
      renderDirectives(tbody, null, 'No go.mod.');
      return;
    }
    let modFile = null;
    let errors = 0;
    try {
      modFile = await ctx.engine.call('parseModFile', path);
    } catch (error) {
      errors = error.diagnostics?.length || 1;
    }
    if (ctx.signal.aborted) return;
    summary.textContent = errors ? `${path}: ${errors} error${errors === 1 ? '' : 's'} (see Diagnostics)` : path;
    renderDirectives(tbody, modFile);
  },
};

export default view;
