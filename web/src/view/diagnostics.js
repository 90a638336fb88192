// The diagnostics view: every error and warning of the run — the resolution's diagnostics, then
// those of parsing the main modules' go.mod files that resolution did not already report —
// one line each, `file:line:col` first, then the message and its code. A diagnostic with a file
// links to the source view, which shows the file with the line highlighted.
import { h } from '../dom.js';

/** `line:col` of a diagnostic, or '' when it has no position. */
export function position(diagnostic) {
  const start = diagnostic.span?.start;
  return start ? `${start.line}:${start.col}` : '';
}

/** A diagnostic's file as a tree path (no leading slash). */
export const fileOf = (d) => (d.file ?? '').replace(/^\/+/, '');

/** `file:line:col` (as much of it as the diagnostic has). */
export function location(d) {
  return [fileOf(d), position(d)].filter(Boolean).join(':');
}

/** Replaces the list's items with `diagnostics` (or a single "no problems" line). */
export function renderDiagnostics(list, diagnostics) {
  if (diagnostics.length === 0) {
    list.replaceChildren(h('li', { class: 'ok' }, 'No problems found.'));
    return;
  }
  list.replaceChildren(
    ...diagnostics.map((d) => {
      const file = fileOf(d);
      const where = location(d);
      return h(
        'li',
        {
          class: d.severity,
          'data-code': d.code,
          'data-file': file || null,
          'data-line': d.span?.start?.line,
          'data-col': d.span?.start?.col,
        },
        file ? h('a', { href: '#', class: 'pos', title: `Show ${file}` }, where) : where ? h('span', { class: 'pos' }, where) : null,
        where ? ' ' : null,
        h('span', { class: 'message' }, d.message),
        ' ',
        h('span', { class: 'code' }, `[${d.code}]`),
      );
    }),
  );
}

/**
 * The main modules' go.mod files: the one in the main module's directory, or in a workspace every
 * go.mod outside the proxy directory. (Dependencies' go.mod files are read laxly by the go
 * command, so strict parse errors in them are not errors of the run.)
 */
export function mainModFiles(files, options) {
  const dir = (options?.dir ?? '/').replace(/^\/+|\/+$/g, '');
  const main = dir ? `${dir}/go.mod` : 'go.mod';
  if (!files.has(dir ? `${dir}/go.work` : 'go.work') || options?.workspace === false) {
    return files.has(main) ? [main] : [];
  }
  const prefix = `${(options?.proxy ?? '/proxy').replace(/^\/+|\/+$/g, '')}/`;
  return [...files.keys()].filter((p) => !p.startsWith(prefix) && !p.startsWith('vendor/') && /(^|\/)go\.mod$/.test(p));
}

/** Every diagnostic of the run: the resolution's, then parse errors of go.mod files it missed. */
export async function collectDiagnostics(ctx) {
  const all = [...(ctx.resolution?.diagnostics ?? [])];
  const seen = new Set(all.map((d) => `${fileOf(d)}|${position(d)}|${d.message}`));
  for (const path of mainModFiles(ctx.tree.files, ctx.options)) {
    try {
      await ctx.engine.call('parseModFile', path);
    } catch (error) {
      for (const d of error.diagnostics ?? []) {
        const key = `${fileOf(d)}|${position(d)}|${d.message}`;
        if (!seen.has(key)) {
          seen.add(key);
          all.push(d);
        }
      }
    }
  }
  return all;
}

/** The diagnostics view (views.js contract). */
export default {
  id: 'diagnostics',
  title: 'Diagnostics',
  async render(el, ctx) {
    if (!el.firstChild) {
      el.append(h('ul', { class: 'diagnostics' }));
      el.addEventListener('click', (event) => {
        const item = event.target.closest('li[data-file]');
        if (!item || !event.target.closest('a')) return;
        event.preventDefault();
        el.ctx?.navigate(item.dataset.file, Number(item.dataset.line) || 0, Number(item.dataset.col) || 0);
      });
    }
    el.ctx = ctx;
    const diagnostics = await collectDiagnostics(ctx);
    if (ctx.signal.aborted) return;
    renderDiagnostics(el.querySelector('ul'), diagnostics);
    el.dataset.count = String(diagnostics.length);
  },
};
