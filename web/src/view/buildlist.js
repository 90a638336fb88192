// The build list view: one row per module of `list -m all`, in the go command's order until a
// header is clicked (then sorted by that column; a second click reverses), filtered by a substring
// of the row's `list -m all` line. Each row carries that line in `data-line`. When `list -m all`
// fails, the go command's error output is shown instead of a list. Filter and sort are view state.
import { h } from '../dom.js';

const COLUMNS = [
  ['path', (m) => m.Path],
  ['version', (m) => m.Version ?? ''],
  ['replacement', (m) => (m.Replace ? [m.Replace.Path, m.Replace.Version].filter(Boolean).join(' ') : '')],
  ['go', (m) => m.GoVersion ?? ''],
  ['indirect', (m) => (m.Indirect ? 'yes' : '')],
];

/** The rows to show: `{ m, line }` for `modules` (ModulePublic objects) with their `lines`, per `state`. */
export function buildListRows(all, lines, { filter = '', sort = null, descending = false } = {}) {
  // A failed `list -m all` prints no build list (the records are there, as with -e, but unshown).
  const modules = lines.length === all.length ? all : [];
  let rows = modules.map((m, i) => ({ m, line: lines[i] ?? '', order: i }));
  const needle = filter.trim();
  if (needle) rows = rows.filter((r) => r.line.includes(needle));
  const column = COLUMNS.find(([name]) => name === sort);
  if (column) {
    const get = column[1];
    const dir = descending ? -1 : 1;
    rows.sort((a, b) => dir * (get(a.m).localeCompare(get(b.m)) || a.order - b.order));
  }
  return { modules, rows };
}

/** Renders `modules` (ModulePublic objects) with their `lines` into `tbody`, per `state`. */
export function renderBuildList(tbody, all, lines, state) {
  const { modules, rows } = buildListRows(all, lines, state);
  if (rows.length === 0) {
    const why = modules.length === 0 ? 'No build list.' : 'No module matches the filter.';
    tbody.replaceChildren(h('tr', {}, h('td', { class: 'empty', colspan: COLUMNS.length }, why)));
    return;
  }
  tbody.replaceChildren(
    ...rows.map(({ m, line }) =>
      h(
        'tr',
        { 'data-line': line, class: m.Main ? 'main' : null },
        ...COLUMNS.map(([name, get]) => h('td', { class: name }, get(m))),
      ),
    ),
  );
}

/** Builds the view's DOM once: summary, filter, error output and table. */
function skeleton(el, ctx) {
  const filter = h('input', { type: 'search', class: 'filter', placeholder: 'Filter modules', 'aria-label': 'filter modules' });
  const table = h(
    'table',
    { class: 'buildlist' },
    h('thead', {}, h('tr', {}, ...COLUMNS.map(([name]) => h('th', { 'data-sort': name }, name)))),
    h('tbody'),
  );
  const parts = {
    summary: h('p', { class: 'summary hint' }),
    filter,
    stderr: h('pre', { class: 'stderr', hidden: true }),
    table,
  };
  el.replaceChildren(parts.summary, h('div', { class: 'toolbar' }, filter), parts.stderr, table);
  parts.ctx = ctx;
  filter.addEventListener('input', () => {
    parts.ctx.state.set('filter', filter.value);
    update(parts);
  });
  table.querySelector('thead').addEventListener('click', (event) => {
    const th = event.target.closest('th[data-sort]');
    if (!th) return;
    const { state } = parts.ctx;
    const column = th.dataset.sort;
    state.set('descending', state.get('sort', null) === column ? !state.get('descending', false) : false);
    state.set('sort', column);
    update(parts);
  });
  return parts;
}

/** Re-renders the table from the current resolution and view state. */
function update(parts) {
  const { ctx } = parts;
  const r = ctx.resolution ?? { buildList: [], lines: [], stderr: '' };
  const state = {
    filter: ctx.state.get('filter', ''),
    sort: ctx.state.get('sort', null),
    descending: ctx.state.get('descending', false),
  };
  if (parts.filter.value !== state.filter) parts.filter.value = state.filter;
  parts.stderr.textContent = r.stderr;
  parts.stderr.hidden = r.stderr === '';
  const failed = r.stderr !== '' && r.lines.length === 0;
  parts.summary.textContent = !ctx.resolution
    ? 'Resolving…'
    : failed
      ? 'list -m all failed'
      : `${r.lines.length} module${r.lines.length === 1 ? '' : 's'} in the build list`;
  renderBuildList(parts.table.querySelector('tbody'), r.buildList, r.lines, state);
  for (const th of parts.table.querySelectorAll('th[data-sort]')) {
    th.setAttribute(
      'aria-sort',
      th.dataset.sort === state.sort ? (state.descending ? 'descending' : 'ascending') : 'none',
    );
  }
}

const parts = new WeakMap();

/** The build list view (views.js contract). */
export default {
  id: 'buildlist',
  title: 'Build list',
  render(el, ctx) {
    let p = parts.get(el);
    if (!p) {
      p = skeleton(el, ctx);
      parts.set(el, p);
    }
    p.ctx = ctx;
    update(p);
  },
};
