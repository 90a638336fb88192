// Editor helpers: moving the caret to a diagnostic's position.

/**
 * Selects, in the textarea, the line `line` from byte column `col` (1-based, as diagnostics count
 * them) to the end of the line, and scrolls it into view.
 */
export function selectPosition(editor, line, col) {
  const lines = editor.value.split('\n');
  if (line < 1 || line > lines.length) return;
  const before = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const text = lines[line - 1];
  const start = before + charIndexOfByte(text, col - 1);
  editor.focus();
  editor.setSelectionRange(start, before + text.length);
  const lineHeight = editor.scrollHeight / Math.max(lines.length, 1);
  editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** The UTF-16 index in `text` of UTF-8 byte offset `byte`. */
function charIndexOfByte(text, byte) {
  const encoder = new TextEncoder();
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    if (bytes >= byte) break;
    bytes += encoder.encode(ch).length;
    index += ch.length;
  }
  return index;
}
