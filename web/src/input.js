// Getting go.mod text into the page: typing or pasting into the editor, the file chooser, and
// dropping a file anywhere on the input panel. Every route ends in `onText(text, name)`.

/** Wires the editor, the file input and drag-and-drop; `onText` is called with each new text. */
export function bindInput({ editor, fileInput, dropZone, onText, debounceMs = 120 }) {
  let timer = 0;
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => onText(editor.value, null), debounceMs);
  });

  const load = async (file) => {
    if (!file) return;
    const text = await file.text();
    editor.value = text;
    onText(text, file.name);
  };

  fileInput.addEventListener('change', () => {
    load(fileInput.files?.[0]);
    fileInput.value = '';
  });

  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    load(event.dataTransfer.files?.[0]);
  });
}
