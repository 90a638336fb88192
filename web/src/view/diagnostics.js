// The diagnostics list: one line per diagnostic, `line:col` first, then the message and its code.
import { h } from '../dom.js';

/** `line:col` of a diagnostic, or '' when it has no position. */
export function position(diagnostic) {
  const start = diagnostic.span?.start;
  return start ? `${start.line}:${start.col}` : '';
}

/** Replaces the list's items with `diagnostics` (or a single "no problems" line). */
export function renderDiagnostics(list, diagnostics) {
  if (diagnostics.length === 0) {
    list.replaceChildren(h('li', { class: 'ok' }, 'No problems found.'));
    return;
  }
  list.replaceChildren(
    ...diagnostics.map((d) =>
      h(
        'li',
        {
          class: d.severity,
          'data-code': d.code,
          'data-line': d.span?.start?.line,
          'data-col': d.span?.start?.col,
          title: d.span ? 'Show in the editor' : null,
        },
        h('span', { class: 'pos' }, position(d)),
        ' ',
        h('span', { class: 'message' }, d.message),
        ' ',
        h('span', { class: 'code' }, `[${d.code}]`),
      ),
    ),
  );
}
