// @ts-check
// The module graph view: every module version `mod graph` reaches, drawn on a 2D canvas at the
// layered layout the core computes (`Workspace.graph`): selected versions filled, unselected
// hollow, the main module large; replaced, excluded, retracted and failed nodes marked. A toggle
// reads the graph unpruned (`mod graph -go=1.16`); the nodes and edges only one reading has are
// highlighted. Clicking a module shows why its version is selected (the why-version witness)
// and every requirement path to that version (why-paths, `modscope why-version --all`), both
// highlighted on the graph and listed, and which modules require that exact version. Search highlights and
// centres matching modules. Pan by dragging, zoom with the wheel; labels appear when zoomed in.
//
// Drawing is batched per style (one path per kind of edge and node), so thousands of nodes draw
// in a few milliseconds; no layout runs in the page.
import { h } from '../dom.js';
import { viewParts } from './parts.js';
import './graph.css';

/** @typedef {import('../../pkg/types').GraphView} GraphView */
/** @typedef {import('../../pkg/types').GraphNode} GraphNode */
/** @typedef {import('../../pkg/types').WhyVersion} WhyVersion */
/** @typedef {import('../../pkg/types').WhyPaths} WhyPaths */

/** Pixels per layout unit at zoom 1. */
const UNIT = 16;

/**
 * @typedef {object} Parts
 * @property {HTMLElement} el
 * @property {any} ctx
 * @property {HTMLCanvasElement} canvas
 * @property {HTMLInputElement} unpruned
 * @property {HTMLInputElement} search
 * @property {HTMLElement} summary
 * @property {HTMLElement} details
 * @property {HTMLElement} tooltip
 * @property {GraphView | null} view
 * @property {Set<string> | null} only  ids (nodes and `from>to` edges) the other reading lacks
 * @property {number} missing  nodes only the other reading has
 * @property {{ x: number, y: number, k: number }} camera
 * @property {number} selected  node index, or -1
 * @property {Set<number>} witness  node indexes of the witness path
 * @property {Set<string>} witnessEdges  `from>to` index pairs
 * @property {Set<number>} requirers  nodes requiring the selected version
 * @property {Set<number>} pathNodes  node indexes on any why-path (every requirement path)
 * @property {Set<string>} pathEdges  `from>to` index pairs on any why-path
 * @property {Set<number>} matches  search matches
 * @property {number} frame
 */

/** The options `graph` is called with for the current reading. */
function graphOptions(ctx, unpruned) {
  const options = { ...ctx.options };
  if (unpruned) options.go = '1.16';
  else delete options.go;
  return options;
}

/** Colours from the page's CSS variables (so dark mode follows). */
function palette(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#1d2330'),
    muted: v('--muted', '#667085'),
    line: v('--line', '#d9dce3'),
    accent: v('--accent', '#00758f'),
    error: v('--error', '#b42318'),
    warning: v('--warning', '#a15c07'),
    replaced: '#7a5af8',
    diff: '#12b76a',
    witness: '#f04438',
    path: '#f79009',
    bg: v('--panel', '#ffffff'),
  };
}

/** Builds the view's DOM once. */
function skeleton(el) {
  const canvas = h('canvas', { class: 'graph-canvas', 'aria-label': 'module graph' });
  const unpruned = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', class: 'unpruned' }));
  const search = /** @type {HTMLInputElement} */ (
    h('input', { type: 'search', class: 'search', placeholder: 'Search modules', 'aria-label': 'search modules' })
  );
  const summary = h('span', { class: 'summary hint' });
  const details = h('div', { class: 'graph-details' }, h('p', { class: 'hint' }, 'Click a module to see why its version is selected.'));
  const tooltip = h('div', { class: 'graph-tooltip', hidden: true });
  const legend = h(
    'p',
    { class: 'graph-legend hint' },
    h('span', { class: 'key selected' }, 'selected'),
    h('span', { class: 'key unselected' }, 'not selected'),
    h('span', { class: 'key replaced' }, 'replaced'),
    h('span', { class: 'key excluded' }, 'excluded'),
    h('span', { class: 'key retracted' }, 'retracted'),
    h('span', { class: 'key diff' }, 'only in this reading'),
    h('span', { class: 'key witness' }, 'why-version path'),
    h('span', { class: 'key why-path' }, 'other requirement paths'),
  );
  el.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      h('label', { class: 'toggle' }, unpruned, ' unpruned (', h('code', {}, 'mod graph -go=1.16'), ')'),
      search,
      h('button', { type: 'button', class: 'fit' }, 'Fit'),
      h('button', { type: 'button', class: 'universe', title: 'Replace the tree with a generated universe (modscope example universe)' }, 'Load a 3,000-module universe'),
      summary,
    ),
    legend,
    h('div', { class: 'graph-body' }, h('div', { class: 'graph-stage' }, canvas, tooltip), details),
  );
  /** @type {Parts} */
  const p = {
    el,
    ctx: null,
    canvas: /** @type {HTMLCanvasElement} */ (canvas),
    unpruned,
    search,
    summary,
    details,
    tooltip,
    view: null,
    only: null,
    missing: 0,
    camera: { x: 0, y: 0, k: 1 },
    selected: -1,
    witness: new Set(),
    witnessEdges: new Set(),
    requirers: new Set(),
    pathNodes: new Set(),
    pathEdges: new Set(),
    matches: new Set(),
    frame: 0,
  };
  unpruned.addEventListener('change', () => {
    p.ctx.state.set('unpruned', unpruned.checked);
    p.ctx.state.set('selected', null);
    load(p, true);
  });
  search.addEventListener('input', () => {
    p.ctx.state.set('search', search.value);
    applySearch(p, false);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') applySearch(p, true);
  });
  el.querySelector('button.universe')?.addEventListener('click', async () => {
    p.ctx.setStatus('Generating a 3,000-module universe…');
    await p.ctx.engine.call('loadUniverse', { modules: 3000, seed: 1 });
  });
  el.querySelector('button.fit')?.addEventListener('click', () => {
    fit(p);
    draw(p);
  });
  bindPointer(p);
  new ResizeObserver(() => schedule(p)).observe(p.canvas);
  // Where a node is drawn, in page coordinates (for tests and for scripts driving the page).
  Object.assign(el, {
    nodePosition(/** @type {string} */ id) {
      const n = p.view?.nodes.find((x) => x.id === id);
      if (!n) return null;
      const box = p.canvas.getBoundingClientRect();
      const [x, y] = toScreen(p, n.x, n.y);
      return { x: box.left + x, y: box.top + y };
    },
  });
  return p;
}

/** Screen position (CSS pixels) of layout point (x, y). */
const toScreen = (p, x, y) => [(x - p.camera.x) * UNIT * p.camera.k + p.canvas.clientWidth / 2, (y - p.camera.y) * UNIT * p.camera.k + p.canvas.clientHeight / 2];

/** The node under screen point (sx, sy), or -1. */
function nodeAt(p, sx, sy) {
  const nodes = p.view?.nodes ?? [];
  const r = Math.max(6, radius(p) + 3);
  let best = -1;
  let bestD = r * r;
  for (let i = 0; i < nodes.length; i++) {
    const [x, y] = toScreen(p, nodes[i].x, nodes[i].y);
    const d = (x - sx) ** 2 + (y - sy) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

const radius = (p) => Math.max(1.5, Math.min(6, 4 * Math.sqrt(p.camera.k)));

function bindPointer(p) {
  let drag = null;
  p.canvas.addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, y: event.clientY, cx: p.camera.x, cy: p.camera.y, moved: false };
    p.canvas.setPointerCapture(event.pointerId);
  });
  p.canvas.addEventListener('pointermove', (event) => {
    const box = p.canvas.getBoundingClientRect();
    if (drag) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      p.camera.x = drag.cx - dx / (UNIT * p.camera.k);
      p.camera.y = drag.cy - dy / (UNIT * p.camera.k);
      schedule(p);
      return;
    }
    const i = nodeAt(p, event.clientX - box.left, event.clientY - box.top);
    if (i < 0 || !p.view) {
      p.tooltip.hidden = true;
      return;
    }
    p.tooltip.textContent = describe(p.view.nodes[i]);
    p.tooltip.style.left = `${event.clientX - box.left + 12}px`;
    p.tooltip.style.top = `${event.clientY - box.top + 12}px`;
    p.tooltip.hidden = false;
  });
  p.canvas.addEventListener('pointerup', (event) => {
    const wasDrag = drag?.moved;
    drag = null;
    if (wasDrag) return;
    const box = p.canvas.getBoundingClientRect();
    const i = nodeAt(p, event.clientX - box.left, event.clientY - box.top);
    select(p, i);
  });
  p.canvas.addEventListener('pointerleave', () => {
    p.tooltip.hidden = true;
  });
  p.canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const box = p.canvas.getBoundingClientRect();
      const sx = event.clientX - box.left - p.canvas.clientWidth / 2;
      const sy = event.clientY - box.top - p.canvas.clientHeight / 2;
      const before = { x: p.camera.x + sx / (UNIT * p.camera.k), y: p.camera.y + sy / (UNIT * p.camera.k) };
      p.camera.k = Math.min(20, Math.max(0.02, p.camera.k * Math.exp(-event.deltaY * 0.0015)));
      p.camera.x = before.x - sx / (UNIT * p.camera.k);
      p.camera.y = before.y - sy / (UNIT * p.camera.k);
      schedule(p);
    },
    { passive: false },
  );
}

/** One line about a node: id and marks. */
function describe(n) {
  const marks = [
    n.main ? 'main module' : n.selected ? 'selected' : 'not selected',
    n.replaced ? `replaced by ${n.replaced}` : '',
    n.excluded ? 'excluded' : '',
    n.retracted != null ? `retracted${n.retracted ? `: ${n.retracted}` : ''}` : '',
    n.error ? `error: ${n.error}` : '',
  ].filter(Boolean);
  return `${n.id} — ${marks.join('; ')}`;
}

/** Fits the whole graph into the canvas. */
function fit(p) {
  const nodes = p.view?.nodes ?? [];
  if (nodes.length === 0) return;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    x0 = Math.min(x0, n.x);
    x1 = Math.max(x1, n.x);
    y0 = Math.min(y0, n.y);
    y1 = Math.max(y1, n.y);
  }
  const w = Math.max(1, p.canvas.clientWidth - 40);
  const hgt = Math.max(1, p.canvas.clientHeight - 40);
  p.camera.x = (x0 + x1) / 2;
  p.camera.y = (y0 + y1) / 2;
  p.camera.k = Math.min(2, w / ((x1 - x0 + 1) * UNIT), hgt / ((y1 - y0 + 1) * UNIT));
}

function schedule(p) {
  if (p.frame) return;
  p.frame = requestAnimationFrame(() => {
    p.frame = 0;
    draw(p);
  });
}

/** Draws the graph: edges by style, then nodes by style, then labels when zoomed in. */
function draw(p) {
  const { canvas } = p;
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const hgt = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hgt * dpr);
  }
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  const c = palette(p.el);
  g.fillStyle = c.bg;
  g.fillRect(0, 0, w, hgt);
  const view = p.view;
  if (!view) return;
  const nodes = view.nodes;
  const xs = new Float32Array(nodes.length);
  const ys = new Float32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const [x, y] = toScreen(p, nodes[i].x, nodes[i].y);
    xs[i] = x;
    ys[i] = y;
  }
  const visible = (i) => xs[i] > -20 && xs[i] < w + 20 && ys[i] > -20 && ys[i] < hgt + 20;
  const focus = p.selected >= 0 || p.matches.size > 0;
  // Edges: one path per style.
  const styles = [
    { test: (e) => !e.selected, color: c.line, width: 0.6, alpha: focus ? 0.25 : 0.6 },
    { test: (e) => e.selected, color: c.muted, width: 0.7, alpha: focus ? 0.25 : 0.55 },
    { test: (e) => p.only?.has(`${nodes[e.from].id}>${nodes[e.to].id}`), color: c.diff, width: 1.6, alpha: 0.9 },
    { test: (e) => p.requirers.has(e.from) && e.to === p.selected, color: c.accent, width: 1.8, alpha: 1 },
    { test: (e) => p.pathEdges.has(`${e.from}>${e.to}`), color: c.path, width: 2, alpha: 1 },
    { test: (e) => p.witnessEdges.has(`${e.from}>${e.to}`), color: c.witness, width: 2.4, alpha: 1 },
  ];
  for (const s of styles) {
    g.beginPath();
    for (const e of view.edges) {
      if (!s.test(e) || (!visible(e.from) && !visible(e.to))) continue;
      g.moveTo(xs[e.from], ys[e.from]);
      g.lineTo(xs[e.to], ys[e.to]);
    }
    g.globalAlpha = s.alpha;
    g.strokeStyle = s.color;
    g.lineWidth = s.width;
    g.stroke();
  }
  g.globalAlpha = 1;
  const r = radius(p);
  const circles = (test, fill, stroke, rr = r, lw = 1) => {
    g.beginPath();
    for (let i = 0; i < nodes.length; i++) {
      if (!visible(i) || !test(nodes[i], i)) continue;
      g.moveTo(xs[i] + rr, ys[i]);
      g.arc(xs[i], ys[i], rr, 0, Math.PI * 2);
    }
    if (fill) {
      g.fillStyle = fill;
      g.fill();
    }
    if (stroke) {
      g.strokeStyle = stroke;
      g.lineWidth = lw;
      g.stroke();
    }
  };
  circles((n) => !n.selected && !n.excluded, c.bg, c.muted);
  circles((n) => n.selected && !n.main, c.accent, null);
  circles((n) => n.main, c.fg, null, r * 2);
  circles((n) => n.replaced != null, null, c.replaced, r + 2, 2);
  circles((n) => n.retracted != null, null, c.warning, r + 2, 2);
  circles((n) => n.error != null, c.error, null);
  circles((n) => n.excluded, c.bg, c.error, r, 2);
  circles((n) => p.only?.has(n.id), null, c.diff, r + 3.5, 2);
  circles((_, i) => p.matches.has(i), null, c.fg, r + 5, 2);
  circles((_, i) => p.requirers.has(i), null, c.accent, r + 3, 2);
  circles((_, i) => p.pathNodes.has(i), c.path, null, r + 1);
  circles((_, i) => p.witness.has(i), c.witness, null, r + 1);
  circles((_, i) => i === p.selected, null, c.witness, r + 6, 2.5);
  // Labels: when zoomed in, or for the nodes in focus.
  g.fillStyle = c.fg;
  g.font = '11px system-ui, sans-serif';
  const all = p.camera.k * UNIT >= 40;
  for (let i = 0; i < nodes.length; i++) {
    if (!visible(i)) continue;
    if (all || i === p.selected || p.witness.has(i) || p.pathNodes.has(i) || p.matches.has(i) || nodes[i].main) {
      g.fillText(nodes[i].id, xs[i] + r + 3, ys[i] - r - 2);
    }
  }
}

/**
 * Shows the node at index `i` (or nothing): its witness, every requirement path to its path's
 * selected version (`whyPaths`, highlighted), its requirers, its marks.
 */
async function select(p, i, fromState = false) {
  const view = p.view;
  p.selected = i;
  p.witness = new Set();
  p.witnessEdges = new Set();
  p.requirers = new Set();
  p.pathNodes = new Set();
  p.pathEdges = new Set();
  p.el.dataset.paths = '';
  p.el.dataset.pathEdges = '';
  p.el.dataset.selected = i >= 0 && view ? view.nodes[i].id : '';
  p.el.dataset.witness = '';
  if (!fromState) p.ctx.state.set('selected', i >= 0 && view ? view.nodes[i].id : null);
  if (i < 0 || !view) {
    p.details.replaceChildren(h('p', { class: 'hint' }, 'Click a module to see why its version is selected.'));
    draw(p);
    return;
  }
  const node = view.nodes[i];
  for (const e of view.edges) if (e.to === i) p.requirers.add(e.from);
  draw(p);
  /** @type {WhyVersion} */
  const options = graphOptions(p.ctx, p.unpruned.checked);
  /** @type {[WhyVersion, WhyPaths]} */
  const [why, paths] = await Promise.all([
    p.ctx.engine.call('whyVersion', node.path, options),
    p.ctx.engine.call('whyPaths', node.path, options),
  ]);
  if (p.selected !== i || p.view !== view) return;
  const index = new Map(view.nodes.map((n, k) => [n.id, k]));
  for (const path of paths.paths) {
    const ks = path.map((id) => index.get(id) ?? -1);
    for (const k of ks) if (k >= 0) p.pathNodes.add(k);
    for (let k = 1; k < ks.length; k++) p.pathEdges.add(`${ks[k - 1]}>${ks[k]}`);
  }
  // The edges drawn as why-paths, by id: what the tests compare with `why-version --all`.
  const drawn = view.edges.filter((e) => p.pathEdges.has(`${e.from}>${e.to}`));
  p.el.dataset.pathEdges = JSON.stringify(drawn.map((e) => `${view.nodes[e.from].id} ${view.nodes[e.to].id}`).sort());
  p.el.dataset.paths = JSON.stringify(paths.paths);
  const steps = why.path.map((id) => index.get(id) ?? -1);
  for (const k of steps) if (k >= 0) p.witness.add(k);
  for (let k = 1; k < steps.length; k++) p.witnessEdges.add(`${steps[k - 1]}>${steps[k]}`);
  p.el.dataset.witness = JSON.stringify(why.path);
  const selectedVersion = why.version && why.version !== node.version;
  p.details.replaceChildren(
    h('h3', {}, node.id),
    h('p', { class: 'marks' }, describe(node).split(' — ')[1]),
    why.error
      ? h('p', { class: 'error' }, why.error)
      : h(
          'div',
          { class: 'why' },
          h(
            'p',
            {},
            selectedVersion
              ? `Not selected: ${node.path} is at ${why.version}, because:`
              : `Why ${node.path}@${why.version || '(main)'} is selected:`,
          ),
          h('pre', { class: 'witness' }, [`# ${why.module}${why.version ? `@${why.version}` : ''}`, ...why.path].join('\n')),
        ),
    paths.error
      ? null
      : h(
          'div',
          { class: 'why-paths' },
          h(
            'p',
            {},
            `${paths.paths.length}${paths.truncated ? '+' : ''} requirement path${paths.paths.length === 1 ? '' : 's'} to ${node.path}@${paths.version || '(main)'}` +
              (paths.truncated ? ' (only the first are listed)' : '') +
              ':',
          ),
          h('ol', { class: 'why-paths' }, ...paths.paths.slice(0, 50).map((path) => h('li', {}, path.join(' → ')))),
        ),
    h('p', { class: 'hint' }, `Required at ${node.version || 'this version'} by ${p.requirers.size} module${p.requirers.size === 1 ? '' : 's'}:`),
    h('ul', { class: 'requirers' }, ...[...p.requirers].slice(0, 50).map((k) => h('li', {}, view.nodes[k].id))),
  );
  draw(p);
}

/** Highlights the nodes matching the search text; `centre` moves the camera to the first. */
function applySearch(p, centre) {
  const needle = p.search.value.trim();
  p.matches = new Set();
  const nodes = p.view?.nodes ?? [];
  if (needle) nodes.forEach((n, i) => n.id.includes(needle) && p.matches.add(i));
  p.el.dataset.matches = String(p.matches.size);
  if (centre && p.matches.size > 0) {
    const first = nodes[[...p.matches][0]];
    p.camera.x = first.x;
    p.camera.y = first.y;
    p.camera.k = Math.max(p.camera.k, 3);
  }
  updateSummary(p);
  draw(p);
}

function updateSummary(p) {
  const v = p.view;
  if (!v) return;
  const selected = v.nodes.filter((n) => n.selected && n.inGraph).length;
  const diff = p.only ? [...p.only].filter((id) => !id.includes('>')).length : null;
  const parts = [
    `${v.nodes.length} nodes, ${v.edges.length} edges, ${selected} selected · ${v.pruning || 'not loaded'}`,
    diff === null ? '' : `${diff} node${diff === 1 ? '' : 's'} only in this reading, ${p.missing} only in the other`,
    p.matches.size ? `${p.matches.size} match${p.matches.size === 1 ? '' : 'es'}` : '',
  ];
  p.summary.textContent = parts.filter(Boolean).join(' · ');
}

/** Loads the current reading, draws it, then loads the other reading to highlight differences. */
async function load(p, keepCamera) {
  const { ctx } = p;
  const unpruned = p.unpruned.checked;
  const t0 = performance.now();
  performance.mark('graph:call');
  /** @type {GraphView} */
  const view = await ctx.engine.call('graph', graphOptions(ctx, unpruned));
  if (ctx.signal.aborted || p.ctx !== ctx || p.unpruned.checked !== unpruned) return;
  const t1 = performance.now();
  p.view = view;
  p.only = null;
  p.selected = -1;
  p.el.dataset.nodes = String(view.nodes.length);
  p.el.dataset.edges = String(view.edges.length);
  p.el.dataset.pruning = view.pruning;
  p.el.dataset.diff = '';
  const count = (f) => String(view.nodes.filter(f).length);
  p.el.dataset.replaced = count((n) => n.replaced != null);
  p.el.dataset.excluded = count((n) => n.excluded);
  p.el.dataset.retracted = count((n) => n.retracted != null);
  p.el.dataset.unselected = count((n) => !n.selected);
  const error = p.el.querySelector('.graph-error');
  error?.remove();
  if (view.error) p.el.querySelector('.toolbar')?.after(h('pre', { class: 'graph-error stderr' }, view.error));
  if (!keepCamera || p.camera.k === 1) fit(p);
  applySearch(p, false);
  draw(p);
  const t2 = performance.now();
  performance.mark('graph:drawn');
  // Page-clock times (performance.now()), so a test can measure from its own click.
  p.el.dataset.callStartAt = t0.toFixed(1);
  p.el.dataset.drawnAt = t2.toFixed(1);
  // The next frame shows the drawing: when it comes is what the user waits for.
  delete p.el.dataset.paintedAt;
  requestAnimationFrame(() => {
    p.el.dataset.paintedAt = performance.now().toFixed(1);
  });
  p.el.dataset.graphCallMs = (t1 - t0).toFixed(1);
  p.el.dataset.drawMs = (t2 - t1).toFixed(1);
  p.el.dataset.firstDrawMs = (t2 - t0).toFixed(1);
  const wanted = ctx.state.get('selected', null);
  const i = wanted ? view.nodes.findIndex((n) => n.id === wanted) : -1;
  if (i >= 0) await select(p, i, true);
  // The other reading, for the difference.
  /** @type {GraphView} */
  const other = await ctx.engine.call('graph', graphOptions(ctx, !unpruned));
  if (ctx.signal.aborted || p.view !== view) return;
  const theirs = new Set(other.nodes.map((n) => n.id));
  for (const e of other.edges) theirs.add(`${other.nodes[e.from].id}>${other.nodes[e.to].id}`);
  const only = new Set();
  for (const n of view.nodes) if (!theirs.has(n.id)) only.add(n.id);
  for (const e of view.edges) {
    const key = `${view.nodes[e.from].id}>${view.nodes[e.to].id}`;
    if (!theirs.has(key)) only.add(key);
  }
  let missing = 0;
  const ours = new Set(view.nodes.map((n) => n.id));
  for (const n of other.nodes) if (!ours.has(n.id)) missing++;
  p.only = only;
  p.missing = missing;
  p.el.dataset.diff = String([...only].filter((id) => !id.includes('>')).length);
  p.el.dataset.missing = String(missing);
  updateSummary(p);
  draw(p);
}

/** The module graph view (views.js contract). */
export default {
  id: 'graph',
  title: 'Module graph',
  /** @param {HTMLElement} el @param {any} ctx */
  async render(el, ctx) {
    const p = viewParts(el, skeleton);
    p.ctx = ctx;
    p.unpruned.checked = ctx.state.get('unpruned', false) === true;
    p.search.value = ctx.state.get('search', '');
    await load(p, false);
  },
};
