// The build list table: one row per module of `list -m all`, in the go command's order until a
// header is clicked (then sorted by that column; a second click reverses), filtered by a substring
// of the row's `list -m all` line. Each row carries that line in `data-line`.
import { h } from '../dom.js';

const COLUMNS = [
  ['path', (m) => m.Path],
  ['version', (m) => m.Version ?? ''],
  ['replacement', (m) => (m.Replace ? [m.Replace.Path, m.Replace.Version].filter(Boolean).join(' ') : '')],
  ['go', (m) => m.GoVersion ?? ''],
  ['indirect', (m) => (m.Indirect ? 'yes' : '')],
];

/** Renders `modules` (ModulePublic objects) with their `lines` into `tbody`, per `state`. */
export function renderBuildList(tbody, all, lines, state) {
  // A failed `list -m all` prints no build list (the records are there, as with -e, but unshown).
  const modules = lines.length === all.length ? all : [];
  let rows = modules.map((m, i) => ({ m, line: lines[i] ?? '', order: i }));
  const needle = state.filter.trim();
  if (needle) rows = rows.filter((r) => r.line.includes(needle));
  if (state.sort) {
    const get = COLUMNS.find(([name]) => name === state.sort)[1];
    const dir = state.descending ? -1 : 1;
    rows.sort((a, b) => dir * (get(a.m).localeCompare(get(b.m)) || a.order - b.order));
  }
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

/** Makes the headers of `table` sort it: calls `onSort(column)` with the clicked column. */
export function bindSortHeaders(table, onSort) {
  table.querySelector('thead').addEventListener('click', (event) => {
    const th = event.target.closest('th[data-sort]');
    if (th) onSort(th.dataset.sort);
  });
}
