// The playground page's shell: starts the engine (the WASM in a worker), gets a tree in (examples,
// txtar editing, folders, files, zips, a module cache as the proxy — see upload.js), resolves it,
// and shows the views of views.js as tabs. Keeps the page state in the share URL's hash and
// offers "copy as Markdown" and an embed snippet. In embed mode it shows one view, compactly.
import { CancelledError, createEngine, diagnosticsOf } from './engine.js';
import { embedUrl, iframeSnippet, isEmbedded, requestedView } from './embed.js';
import { defaultOptions, EXAMPLES } from './examples.js';
import { toMarkdown } from './markdown.js';
import { decodeState, hashPayload, MAX_HASH_CHARS, shareUrl } from './share.js';
import { formatTxtar, parseTxtar, txtarSize } from './txtar.js';
import { bindUploads } from './upload.js';
import { VIEWS, viewById } from './views.js';
import { h } from './dom.js';

/**
 * Trees larger than this (characters of txtar) are not put into the txtar box: filling it with the
 * generated universe (1.8 MB) was one main-thread task of half a second, for text nobody edits.
 */
const MAX_TXTAR_EDIT = 300_000;

/**
 * Trees larger than this (characters of txtar) are not compressed for a share link: it would take
 * better than 40:1 compression to fit MAX_HASH_CHARS, and trying costs the page a long task.
 */
const MAX_SHARE_TXTAR = 1_000_000;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  busy: $('busy'),
  busyText: $('busy-text'),
  cancel: $('cancel'),
  openFull: $('open-full'),
  picker: $('example-picker'),
  txtar: $('txtar'),
  txtarNote: $('txtar-note'),
  treeLabel: $('tree-label'),
  tabs: $('tabs'),
  host: $('view-host'),
  dialog: $('dialog'),
};

const embedded = isEmbedded();
document.body.classList.toggle('embed', embedded);

/** Everything the share link carries, and the last answer. */
const app = {
  tree: { files: new Map(), comment: '', label: '' },
  /** The example id when the tree is an unedited example (share links then name it). */
  example: null,
  options: { buildMod: 'mod' },
  resolution: null,
  view: VIEWS[0].id,
  viewState: {},
  generation: 0,
};

// ---- status and busy indicator ------------------------------------------------------------

function setStatus(text) {
  ui.status.textContent = text;
}

/** Since when the engine has been busy, and the timer that shows for how long. */
const busy = { since: 0, timer: 0, what: '' };

function showBusy() {
  const seconds = (performance.now() - busy.since) / 1000;
  ui.busyText.textContent = seconds >= 0.5 ? `${busy.what} (${seconds.toFixed(1)} s)` : busy.what;
}

function onBusy(running) {
  document.body.dataset.busy = running.length > 0 ? 'true' : 'false';
  ui.busy.hidden = running.length === 0;
  if (running.length === 0) {
    clearInterval(busy.timer);
    busy.timer = 0;
    return;
  }
  if (!busy.timer) {
    busy.since = performance.now();
    busy.timer = setInterval(showBusy, 250);
  }
  busy.what = `Working: ${[...new Set(running)].join(', ')}…`;
  showBusy();
}

function onProgress(method, value) {
  if (value && typeof value.done === 'number') {
    busy.what = `${method}: ${value.done} of ${value.total} files…`;
    showBusy();
  }
}

// ---- views --------------------------------------------------------------------------------

const panels = new Map();
const controllers = new Map();

function viewCtx(view, signal) {
  const own = () => (app.viewState[view.id] ??= {});
  return {
    engine,
    tree: app.tree,
    resolution: app.resolution,
    options: app.options,
    embed: embedded,
    signal,
    state: {
      get: (key, fallback) => (key in own() ? own()[key] : fallback),
      set: (key, value) => {
        own()[key] = value;
        scheduleUrlUpdate();
      },
      all: () => ({ ...own() }),
    },
    navigate,
    setStatus,
  };
}

/** Shows the source view on `file`, highlighting `line`. */
function navigate(file, line = 0, col = 0) {
  app.viewState.source = { ...(app.viewState.source ?? {}), file, line, col };
  selectView('source');
}

async function renderView(id) {
  const view = viewById(id);
  const el = panels.get(id);
  if (!view || !el) return;
  controllers.get(id)?.abort();
  const controller = new AbortController();
  controllers.set(id, controller);
  el.dataset.rendered = 'false';
  try {
    await view.render(el, viewCtx(view, controller.signal));
  } catch (error) {
    if (controller.signal.aborted || error instanceof CancelledError) return;
    el.replaceChildren(h('p', { class: 'view-error error' }, `${view.title}: ${error.message}`));
  }
  if (!controller.signal.aborted) {
    el.dataset.rendered = 'true';
    el.dataset.generation = String(app.generation);
  }
}

function selectView(id) {
  if (!viewById(id)) id = VIEWS[0].id;
  app.view = id;
  for (const tab of ui.tabs.children) tab.setAttribute('aria-selected', String(tab.dataset.view === id));
  for (const [vid, el] of panels) el.hidden = vid !== id;
  document.body.dataset.view = id;
  scheduleUrlUpdate();
  return renderView(id);
}

for (const view of VIEWS) {
  const tab = h('button', { type: 'button', role: 'tab', 'data-view': view.id, 'aria-selected': 'false' }, view.title);
  tab.addEventListener('click', () => selectView(view.id));
  ui.tabs.append(tab);
  const el = h('section', { class: 'view', role: 'tabpanel', 'data-view': view.id, hidden: true });
  ui.host.append(el);
  panels.set(view.id, el);
}

// ---- the tree and its resolution ----------------------------------------------------------

/** Resolves the tree; stale answers (a newer tree came meanwhile) are dropped. */
async function resolve() {
  const generation = ++app.generation;
  app.resolution = null;
  document.body.dataset.tree = 'resolving';
  let r;
  try {
    r = await engine.call('resolve', app.options);
  } catch (error) {
    if (error instanceof CancelledError) {
      if (generation === app.generation) {
        document.body.dataset.tree = 'cancelled';
        setStatus(`${app.tree.label}: cancelled`);
      }
      return;
    }
    const diagnostics = diagnosticsOf(error);
    r = { buildList: [], lines: [], graph: [], diagnostics, trace: [], stderr: `${error.message}\n` };
  }
  if (generation !== app.generation) return;
  app.resolution = r;
  const failed = r.stderr !== '' && r.lines.length === 0;
  document.body.dataset.tree = failed ? 'failed' : 'resolved';
  document.body.dataset.generation = String(generation);
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
  setStatus(
    `modscope ${engine.version} · ${app.tree.label}: ` +
      (failed ? 'list -m all failed' : `${r.lines.length} module${r.lines.length === 1 ? '' : 's'}`) +
      (warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''),
  );
  await renderView(app.view);
}

/**
 * Shows and resolves a new tree. `files` is an iterable of [path, text]; `label` says where it came
 * from; `example` is the example id when it is one, unedited; `options` are the resolve options
 * (by default, what suits the tree: see examples.js); `keepViews` keeps the views' state (edits);
 * `inWorker` says the engine's worker already holds exactly this tree (it is not sent again).
 */
async function setTree(
  files,
  { comment = '', label, example = null, fromEditor = false, options = null, keepViews = fromEditor, inWorker = false } = {},
) {
  const list = [...files];
  const size = txtarSize(comment, list);
  document.body.dataset.tree = 'loading';
  for (const el of panels.values()) el.dataset.rendered = 'false';
  app.tree = { files: new Map(list), comment, label, size };
  app.options = options ?? defaultOptions(app.tree.files);
  // A different tree starts the views afresh (filters, files, lines); an edit or a restored link
  // keeps their state.
  if (!keepViews && !restoring) app.viewState = {};
  app.example = example;
  document.body.dataset.example = example ?? 'custom';
  ui.picker.value = example ?? '';
  ui.treeLabel.textContent = `${label} · ${list.length} file${list.length === 1 ? '' : 's'}`;
  if (!fromEditor) {
    const editable = size <= MAX_TXTAR_EDIT;
    ui.txtar.value = editable ? formatTxtar(comment, list) : '';
    ui.txtar.readOnly = !editable;
    ui.txtarNote.hidden = editable;
    ui.txtarNote.textContent = editable
      ? ''
      : `The tree is too large to edit here (${list.length.toLocaleString('en')} files, ` +
        `${size.toLocaleString('en')} characters of txtar); every view works on it as usual.`;
  }
  app.resolution = null;
  try {
    if (!inWorker) await engine.setTree(list);
  } catch (error) {
    if (error instanceof CancelledError) return;
    const diagnostics = diagnosticsOf(error);
    app.resolution = { buildList: [], lines: [], graph: [], diagnostics, trace: [], stderr: `${error.message}\n` };
    document.body.dataset.tree = 'failed';
    setStatus(`${label}: ${error.message}`);
    scheduleUrlUpdate();
    await renderView(app.view);
    return;
  }
  scheduleUrlUpdate();
  await resolve();
}

function showExample(id, options = null) {
  const example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
  const { comment, files } = parseTxtar(example.text);
  return setTree(files, { comment, label: `example ${example.id}`, example: example.id, options });
}

// ---- share URL ----------------------------------------------------------------------------

/** The state a share link carries. */
function shareState() {
  const state = { view: app.view, views: app.viewState, options: app.options };
  if (app.example) state.example = app.example;
  else state.txtar = formatTxtar(app.tree.comment, [...app.tree.files]);
  if (!app.example) state.label = app.tree.label;
  return state;
}

let urlTimer = 0;
let restoring = true;
function scheduleUrlUpdate() {
  if (restoring) return;
  clearTimeout(urlTimer);
  urlTimer = setTimeout(updateUrl, 250);
}

/**
 * The share link of the page's state: `{ url }`, or `{ tooLarge: chars }` when its compressed
 * state does not fit the hash, or `{ tooLargeTree: chars }` when the tree is too large to try.
 */
function shareLink() {
  if (!app.example && app.tree.size > MAX_SHARE_TXTAR) return Promise.resolve({ tooLargeTree: app.tree.size });
  return shareUrl(location.href, shareState());
}

/** Writes the share state into the URL hash (or clears it when it does not fit). */
async function updateUrl() {
  const result = await shareLink();
  const url = new URL(result.url ?? location.href);
  if (!result.url) url.hash = '';
  history.replaceState(null, '', url.href);
  document.body.dataset.shareable = result.url ? 'true' : 'false';
  ui.openFull.href = fullPageUrl(url.href);
  return result;
}

/** The same state, outside embed mode. */
function fullPageUrl(href) {
  const url = new URL(href);
  url.searchParams.delete('embed');
  url.searchParams.delete('view');
  return url.href;
}

/** Why the share link in the URL could not be opened, if it could not. */
let linkProblem = null;

/** Restores a shared state; false when the hash holds none (or a damaged one: see linkProblem). */
async function restoreFromHash() {
  const payload = hashPayload(location.hash);
  if (!payload) return false;
  let state;
  try {
    state = await decodeState(payload);
  } catch (error) {
    linkProblem = error.message;
    return false;
  }
  app.viewState = state.views && typeof state.views === 'object' ? state.views : {};
  const options = state.options && typeof state.options === 'object' ? state.options : null;
  if (typeof state.view === 'string') app.view = state.view;
  if (typeof state.example === 'string' && EXAMPLES.some((e) => e.id === state.example)) {
    await showExample(state.example, options);
  } else if (typeof state.txtar === 'string') {
    const { comment, files } = parseTxtar(state.txtar);
    await setTree(files, { comment, label: typeof state.label === 'string' ? state.label : 'shared tree', options });
  } else {
    return false;
  }
  return true;
}

// ---- dialogs: share, markdown, embed ------------------------------------------------------

function openDialog(title, message, text, kind) {
  $('dialog-title').textContent = title;
  $('dialog-message').textContent = message;
  const area = $('dialog-text');
  area.value = text;
  area.hidden = text === '';
  ui.dialog.dataset.kind = kind;
  if (!ui.dialog.open) ui.dialog.showModal();
  if (text) area.select();
}

$('dialog-copy').addEventListener('click', async () => {
  const text = $('dialog-text').value;
  try {
    await navigator.clipboard.writeText(text);
    $('dialog-message').textContent = 'Copied to the clipboard.';
  } catch {
    $('dialog-text').select();
    $('dialog-message').textContent = 'The clipboard is not available here: the text is selected, copy it with Ctrl+C.';
  }
});

/** Why a share link could not be made, from `shareLink()`'s answer. */
function tooLargeMessage(result) {
  if (result.tooLargeTree) {
    return `This tree is too large for a link: it is ${result.tooLargeTree.toLocaleString('en')} characters of txtar, over the ${MAX_SHARE_TXTAR.toLocaleString('en')} a link can hope to carry. Share it as a zip instead.`;
  }
  return `This tree is too large for a link: its compressed state is ${result.tooLarge.toLocaleString('en')} characters, over the limit of ${MAX_HASH_CHARS.toLocaleString('en')}. Share it as Markdown (txtar) or as a zip instead.`;
}

$('share').addEventListener('click', async () => {
  const result = await updateUrl();
  if (!result.url) openDialog('Share link', tooLargeMessage(result), '', 'share-too-large');
  else openDialog('Share link', 'This link opens the playground on this tree and view.', result.url, 'share');
});

$('copy-markdown').addEventListener('click', async () => {
  const share = await shareLink();
  const text = toMarkdown({ tree: app.tree, options: app.options, resolution: app.resolution, url: share.url });
  openDialog('Copy as Markdown', 'For a bug report: the tree, the command and its output.', text, 'markdown');
});

$('embed-snippet').addEventListener('click', async () => {
  const share = await shareLink();
  if (!share.url) {
    openDialog('Embed', tooLargeMessage(share), '', 'embed-too-large');
    return;
  }
  const snippet = iframeSnippet(embedUrl(share.url, app.view), { title: `modscope: ${viewById(app.view).title}` });
  openDialog('Embed', `Paste this HTML into a page to show the ${viewById(app.view).title} view of this tree.`, snippet, 'embed');
});

// ---- wiring -------------------------------------------------------------------------------

for (const e of EXAMPLES) ui.picker.append(new Option(e.title, e.id));
ui.picker.append(new Option('(your tree)', ''));
ui.picker.addEventListener('change', () => {
  if (ui.picker.value) showExample(ui.picker.value);
});

let editTimer = 0;
ui.txtar.addEventListener('input', () => {
  clearTimeout(editTimer);
  document.body.dataset.tree = 'editing';
  editTimer = setTimeout(() => {
    const { comment, files } = parseTxtar(ui.txtar.value);
    setTree(files, { comment, label: 'edited tree', fromEditor: true });
  }, 150);
});

ui.cancel.addEventListener('click', async () => {
  ui.busyText.textContent = 'Cancelling…';
  await engine.cancel();
  setStatus(`${app.tree.label}: cancelled (the engine was restarted; the tree is kept)`);
});

/** A call from a view changed the tree (a loaded universe, an edited file): show and resolve it. */
async function onTreeChanged(method) {
  const files = [...engine.files];
  const label = method === 'loadUniverse' ? 'generated universe' : 'changed tree';
  const comment = method === 'loadUniverse' ? 'A generated module universe.\n' : app.tree.comment;
  // The worker made this tree and holds it: it is shown and resolved, not sent back.
  await setTree(files, { comment, label, options: app.options, keepViews: true, inWorker: true });
}

const engine = await createEngine({ busy: onBusy, progress: onProgress, tree: onTreeChanged });
// The engine, for the browser console (and the browser tests): `await modscope.engine.call(…)`.
globalThis.modscope = { engine };

bindUploads({
  engine,
  dropZone: document.body,
  folderInput: $('open-folder'),
  filesInput: $('open-files'),
  zipInput: $('open-zip'),
  proxyInput: $('open-proxy'),
  currentFiles: () => app.tree.files,
  onTree: (files, label) => setTree(files, { label }),
  onError: (message) => {
    setStatus(message);
    document.body.dataset.uploadError = message;
    openDialog('Could not open that', message, '', 'upload-error');
  },
});

ui.openFull.hidden = !embedded;
const restored = await restoreFromHash();
// `?view=<id>` (the embed snippet's, or any link's) wins over the shared state's view.
const wanted = requestedView();
if (wanted && viewById(wanted)) app.view = wanted;
if (!restored) await showExample(EXAMPLES[0].id);
if (linkProblem) {
  setStatus(`${linkProblem}. Showing an example instead.`);
  document.body.dataset.linkProblem = linkProblem;
}
restoring = false;
await selectView(app.view);
document.body.dataset.ready = 'true';

// A share link pasted into the address bar of an open page changes only the hash: open it. (The
// page's own replaceState never fires hashchange.)
window.addEventListener('hashchange', async () => {
  if (!hashPayload(location.hash)) return;
  clearTimeout(urlTimer);
  restoring = true;
  linkProblem = null;
  try {
    if (!(await restoreFromHash()) && linkProblem) setStatus(linkProblem);
  } finally {
    restoring = false;
  }
  await selectView(app.view);
});
