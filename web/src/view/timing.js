// @ts-check
// The timing view: runs `Workspace.bench` in the worker — the resolve with the modfile cache off,
// cold and warm, and GOPATH lookups by linear scan and through the gopkg index, N rounds each —
// on the tree on screen or on a generated universe (the same files `modscope bench resolve`
// times natively), and charts the rounds and their spread. A report from
// `modscope bench resolve -json` can be loaded beside the browser's: the table then shows the
// browser/native ratio of each series.
//
// Charts are uPlot: a few tens of kilobytes, canvas-drawn, fast with many points, and it has the
// two things needed here (lines per series and a min–max band) without a charting framework.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import './timing.css';

/** @typedef {import('../../pkg/types').BenchReport} BenchReport */
/** @typedef {import('../../pkg/types').BenchSeries} BenchSeries */

const SERIES = ['off', 'cold', 'warm', 'scan', 'index'];
const COLORS = { off: '#667085', cold: '#f79009', warm: '#12b76a', scan: '#7a5af8', index: '#00758f' };

/** Checks that `value` looks like a BenchReport; returns it or throws. */
export function asReport(value) {
  if (!value || typeof value !== 'object' || !Array.isArray(value.series)) {
    throw new Error('not a modscope bench report (expected the output of modscope bench resolve -json)');
  }
  for (const s of value.series) {
    if (typeof s.name !== 'string' || !Array.isArray(s.samplesMs) || typeof s.medianMs !== 'number') {
      throw new Error('not a modscope bench report: a series lacks name, samplesMs or medianMs');
    }
  }
  return /** @type {BenchReport} */ (value);
}

/** The GOPATH packages of the tree (directories under gopath/src holding .go files). */
function treeImports(files) {
  const dirs = new Set();
  for (const p of files.keys()) {
    const m = /^gopath\/src\/(.+)\/[^/]+\.go$/.exec(p);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort();
}

function skeleton(el) {
  const rounds = /** @type {HTMLInputElement} */ (h('input', { type: 'number', class: 'rounds', min: 1, max: 200, value: 5, 'aria-label': 'rounds' }));
  const modules = /** @type {HTMLInputElement} */ (
    h('input', { type: 'number', class: 'modules', min: 1, max: 50000, value: 3000, 'aria-label': 'universe modules' })
  );
  const boxes = SERIES.map(
    (s) => /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', value: s, checked: true, 'aria-label': `series ${s}` })),
  );
  const file = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: '.json,application/json', class: 'native-file', hidden: true }));
  const p = {
    el,
    ctx: null,
    rounds,
    modules,
    boxes,
    file,
    /** @type {{ label: string, report: BenchReport }[]} */
    reports: [],
    note: h('p', { class: 'note hint' }),
    table: h('tbody'),
    charts: h('div', { class: 'charts' }),
    /** @type {any[]} */
    plots: [],
  };
  el.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'rounds ', rounds),
      ...SERIES.map((s, i) => h('label', { class: `series ${s}` }, boxes[i], ` ${s}`)),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', class: 'run-tree' }, 'Time this tree'),
      h('button', { type: 'button', class: 'run-universe' }, 'Time a generated universe'),
      h('label', {}, 'of ', modules, ' modules'),
      h('label', { class: 'button' }, 'Load native numbers…', file),
      h('button', { type: 'button', class: 'reset' }, 'Clear'),
    ),
    h('p', { class: 'hint' }, 'Native: ', h('code', {}, 'modscope bench resolve -modules 3000 -json > native.json'), ' (release build), then load the file.'),
    p.note,
    h(
      'table',
      { class: 'timing-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['host', 'series', 'what', 'median', 'min', 'max', 'spread', 'rounds', 'browser / native'].map((t) => h('th', {}, t))),
      ),
      p.table,
    ),
    p.charts,
  );
  const series = () => boxes.filter((b) => b.checked).map((b) => b.value);
  el.querySelector('button.run-tree')?.addEventListener('click', () => {
    const imports = treeImports(p.ctx.tree.files);
    const chosen = series().filter((s) => imports.length > 0 || (s !== 'scan' && s !== 'index'));
    bench(p, { ...p.ctx.options, rounds: Number(rounds.value) || 5, series: chosen, imports }, 'this tree');
  });
  el.querySelector('button.run-universe')?.addEventListener('click', () => {
    const n = Number(modules.value) || 3000;
    p.ctx.state.set('modules', n);
    bench(p, { rounds: Number(rounds.value) || 5, series: series(), universe: { modules: n, seed: 1 } }, `universe of ${n}`);
  });
  el.querySelector('button.reset')?.addEventListener('click', () => {
    p.reports = [];
    p.note.textContent = '';
    draw(p);
  });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    try {
      addNative(p, JSON.parse(await f.text()), f.name);
    } catch (error) {
      p.note.textContent = `${f.name}: ${error.message}`;
    }
  });
  return p;
}

/** Adds a native report (parsed JSON) under `name`. */
export function addNative(p, value, name) {
  const report = asReport(value);
  p.reports = p.reports.filter((r) => r.report.host !== 'native');
  p.reports.push({ label: `native (${name})`, report });
  p.note.textContent = `Loaded ${name}: ${report.series.length} series, build list of ${report.buildList} modules.`;
  draw(p);
}

async function bench(p, options, label) {
  p.ctx.state.set('rounds', options.rounds);
  p.note.textContent = `Timing ${label} in the browser (${options.rounds} rounds)…`;
  p.el.dataset.running = 'true';
  try {
    /** @type {BenchReport} */
    const report = await p.ctx.engine.call('bench', options);
    p.reports = p.reports.filter((r) => r.report.host !== 'wasm');
    p.reports.unshift({ label: `browser (${label})`, report });
    p.note.textContent = `${label}: build list of ${report.buildList} modules, ${report.files} files.${report.error ? ` Resolve error: ${report.error}` : ''}`;
  } catch (error) {
    p.note.textContent = error.message;
  } finally {
    p.el.dataset.running = 'false';
  }
  draw(p);
}

/** The table and the charts for the loaded reports. */
function draw(p) {
  const wasm = p.reports.find((r) => r.report.host === 'wasm')?.report;
  const native = p.reports.find((r) => r.report.host === 'native')?.report;
  const ratio = (name) => {
    const a = wasm?.series.find((s) => s.name === name);
    const b = native?.series.find((s) => s.name === name);
    return a && b && b.medianMs > 0 ? a.medianMs / b.medianMs : null;
  };
  const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
  p.table.replaceChildren(
    ...p.reports.flatMap(({ label, report }) =>
      report.series.map((s) => {
        const r = ratio(s.name);
        return h(
          'tr',
          { 'data-host': report.host, 'data-series': s.name },
          h('td', {}, label),
          h('td', { class: `series ${s.name}` }, s.name),
          h('td', { class: 'what' }, s.what),
          h('td', { class: 'num median' }, ms(s.medianMs)),
          h('td', { class: 'num' }, ms(s.minMs)),
          h('td', { class: 'num' }, ms(s.maxMs)),
          h('td', { class: 'num' }, `${s.spreadPct.toFixed(1)}%`),
          h('td', { class: 'num' }, s.samplesMs.length),
          h('td', { class: 'num ratio' }, report.host === 'wasm' && r !== null ? `${r.toFixed(2)}×` : ''),
        );
      }),
    ),
  );
  p.el.dataset.reports = p.reports.map((r) => r.report.host).join(',');
  p.el.dataset.buildLists = p.reports.map((r) => r.report.buildList).join(',');
  const resolveRatio = ratio('off');
  p.el.dataset.ratioOff = resolveRatio === null ? '' : resolveRatio.toFixed(3);
  for (const plot of p.plots) plot.destroy();
  p.plots = [];
  p.charts.replaceChildren();
  if (p.reports.length === 0) return;
  const width = Math.max(360, Math.min(900, p.el.clientWidth - 24));
  // 1. Every round of every series.
  const maxRounds = Math.max(...p.reports.flatMap((r) => r.report.series.map((s) => s.samplesMs.length)));
  const xs = Array.from({ length: maxRounds }, (_, i) => i + 1);
  const lines = p.reports.flatMap(({ label, report }) =>
    report.series.map((s) => ({
      label: `${s.name} · ${label}`,
      stroke: COLORS[s.name] ?? '#000',
      dash: report.host === 'native' ? [6, 4] : undefined,
      width: 2,
      points: { show: true },
      values: xs.map((_, i) => s.samplesMs[i] ?? null),
    })),
  );
  const rounds = h('div', { class: 'chart rounds' });
  p.charts.append(h('h3', {}, 'Every round (ms)'), rounds);
  p.plots.push(
    new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'round', incrs: [1, 2, 5, 10, 20, 50] }, { label: 'ms' }],
        series: [{ label: 'round' }, ...lines.map(({ values, ...s }) => s)],
      },
      [xs, ...lines.map((l) => l.values)],
      rounds,
    ),
  );
  // 2. Median and min–max of each series, browser beside native.
  const names = SERIES.filter((n) => p.reports.some((r) => r.report.series.some((s) => s.name === n)));
  const idx = names.map((_, i) => i);
  const spreadSeries = [];
  const spreadData = [];
  const bands = [];
  for (const { label, report } of p.reports) {
    const get = (f) => names.map((n) => {
      const s = report.series.find((x) => x.name === n);
      return s ? f(s) : null;
    });
    const base = spreadSeries.length + 1;
    const color = report.host === 'native' ? '#344054' : '#00758f';
    spreadSeries.push(
      { label: `max · ${label}`, stroke: color, width: 1, dash: [2, 3], points: { show: false } },
      { label: `median · ${label}`, stroke: color, width: 0, points: { show: true, size: 9, fill: color } },
      { label: `min · ${label}`, stroke: color, width: 1, dash: [2, 3], points: { show: false } },
    );
    spreadData.push(get((s) => s.maxMs), get((s) => s.medianMs), get((s) => s.minMs));
    bands.push({ series: /** @type {[number, number]} */ ([base, base + 2]), fill: report.host === 'native' ? 'rgba(52,64,84,0.12)' : 'rgba(0,117,143,0.15)' });
  }
  const spread = h('div', { class: 'chart spread' });
  p.charts.append(h('h3', {}, 'Median with min–max, per series (ms, log scale)'), spread);
  p.plots.push(
    new uPlot(
      {
        width,
        height: 260,
        bands,
        scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { distr: 3 } },
        axes: [{ label: 'series', values: (_, ticks) => ticks.map((t) => names[t] ?? ''), splits: () => idx }, { label: 'ms' }],
        series: [{ label: 'series' }, ...spreadSeries],
      },
      [idx, ...spreadData],
      spread,
    ),
  );
}

const partsOf = new WeakMap();

/** The timing view (views.js contract). */
export default {
  id: 'timing',
  title: 'Timing',
  /** @param {HTMLElement} el @param {any} ctx */
  render(el, ctx) {
    let p = partsOf.get(el);
    if (!p) {
      p = skeleton(el);
      partsOf.set(el, p);
    }
    p.ctx = ctx;
    p.rounds.value = String(ctx.state.get('rounds', 5));
    p.modules.value = String(ctx.state.get('modules', 3000));
    if (p.reports.length === 0) p.note.textContent = 'Nothing timed yet: time this tree or a generated universe.';
    el.dataset.ready = 'true';
  },
};
