// "Copy as Markdown": a bug-report block for what the page shows — the tree as a txtar archive,
// the command line that reproduces the run on the unpacked tree, and its output (the build list,
// or the go command's error), plus warnings and errors with their positions.
import { formatTxtar, txtarSize } from './txtar.js';

/**
 * Trees larger than this (characters of txtar) are left out of the Markdown: a bug report of
 * megabytes helps nobody, and the dialog would freeze the page while it filled.
 */
export const MAX_MARKDOWN_TXTAR = 300_000;
import { location } from './view/diagnostics.js';

/** A fence of backticks longer than any run of backticks in `text`. */
function fence(text) {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function block(lang, text) {
  const f = fence(text);
  return `${f}${lang}\n${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${f}\n`;
}

/** The shell command that reproduces the page's resolve on the unpacked tree (proxy dir, -mod). */
export function commandLine(options = {}) {
  const proxy = (options.proxy ?? '/proxy').replace(/^\/+/, '');
  const env = [`GOPROXY=file://$PWD/${proxy}`, 'GOSUMDB=off'];
  if (options.buildMod) env.push(`GOFLAGS=-mod=${options.buildMod}`);
  if (options.workspace === false) env.push('GOWORK=off');
  const dir = (options.dir ?? '/').replace(/^\/+|\/+$/g, '');
  const cd = dir ? `cd ${dir} && ` : '';
  return `${cd}${env.join(' ')} modscope list -m all`;
}

/**
 * The Markdown text for a tree (`{ files, comment, label }`), the resolve options and the
 * resolution (or null), with `url` (a share link, optional) at the end.
 */
export function toMarkdown({ tree, options, resolution, url }) {
  const size = txtarSize(tree.comment, tree.files);
  const files = tree.files.size;
  const source =
    size <= MAX_MARKDOWN_TXTAR
      ? block('txtar', formatTxtar(tree.comment, [...tree.files]))
      : `_The tree (${files.toLocaleString('en')} files, ${size.toLocaleString('en')} characters of txtar) is too large to include here; attach it as a zip._\n`;
  const parts = [`**modscope playground** — ${tree.label || 'tree'}\n`, source, block('sh', `$ ${commandLine(options)}`)];
  if (resolution) {
    const out = resolution.lines.map((l) => `${l}\n`).join('') + resolution.stderr;
    parts.push(block('', out));
    const notes = resolution.diagnostics.filter((d) => d.severity === 'warning' || (d.span && d.file));
    if (notes.length > 0) {
      parts.push(notes.map((d) => `- ${d.severity} ${[location(d), d.message].filter(Boolean).join(': ')} (\`${d.code}\`)`).join('\n') + '\n');
    }
  }
  if (url) parts.push(`[Open in the playground](${url})\n`);
  return parts.join('\n');
}
