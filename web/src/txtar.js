// The txtar archive format (the Go playground's multi-file text format), for the page: a comment,
// then files, each introduced by a `-- name --` line. Parsing follows the format's rules: a marker
// is a whole line starting with "-- " and ending with " --" around a non-empty name; a file's
// text runs to the next marker; a final line without a newline gets one.

const MARKER = /^-- (.+) --$/;

/** Parses `text` into `{ comment, files: [[name, text], …] }` (archive order). */
export function parseTxtar(text) {
  const lines = text.split('\n');
  // A trailing newline leaves one empty string after the last line: it is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const files = [];
  let comment = [];
  let current = null;
  for (const line of lines) {
    const m = MARKER.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m && m[1].trim() !== '') {
      current = [m[1].trim(), []];
      files.push(current);
    } else if (current) {
      current[1].push(line);
    } else {
      comment.push(line);
    }
  }
  const join = (ls) => (ls.length === 0 ? '' : `${ls.join('\n')}\n`);
  return { comment: join(comment), files: files.map(([name, ls]) => [name, join(ls)]) };
}

/**
 * The length in characters of `formatTxtar(comment, files)`, without building the text (cheap
 * for trees too large to format just to learn that they are too large).
 */
export function txtarSize(comment, files) {
  let n = comment ? comment.length + (comment.endsWith('\n') ? 0 : 1) : 0;
  for (const [name, text] of files) {
    n += name.length + 7 + text.length;
    if (text !== '' && !text.endsWith('\n')) n += 1;
  }
  return n;
}

/** Formats a comment and `[name, text]` pairs as a txtar archive. */
export function formatTxtar(comment, files) {
  let out = comment && !comment.endsWith('\n') ? `${comment}\n` : comment ?? '';
  for (const [name, text] of files) {
    out += `-- ${name} --\n${text}`;
    if (text !== '' && !text.endsWith('\n')) out += '\n';
  }
  return out;
}
