#!/usr/bin/env node
// Times the resolve of the generated 3,000-module universe in Node's V8 (the WASM build in
// web/pkg) against the native release binary, the way tests/browser/perf.test.mjs does in
// Chromium: blocks alternating between the hosts, each one `bench` call of 1 + WARMUP untimed
// rounds then TIMED timed ones, the timed rounds pooled per host into a median and a minimum.
//
//   scripts/build-wasm && cargo build --release && node scripts/bench-wasm.mjs [BLOCKS] [TIMED]
//
// Environment: MODSCOPE_BIN (the native binary; default target/release/modscope), WASM_PKG (the
// wasm-bindgen output directory; default web/pkg).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = 3000;
const WARMUP = 3;
const [blocks = '2', timedRounds = '10'] = process.argv.slice(2);
const BLOCKS = Number(blocks);
const TIMED = Number(timedRounds);
for (const [name, v] of [['BLOCKS', BLOCKS], ['TIMED', TIMED]]) {
  if (!Number.isInteger(v) || v < 1 || v > 100) {
    console.error(`bench-wasm: ${name} must be an integer from 1 to 100`);
    process.exit(2);
  }
}

const pkg = resolve(process.env.WASM_PKG || join(root, 'web', 'pkg'));
const wasmFile = join(pkg, 'modscope_bg.wasm');
if (!existsSync(wasmFile)) {
  console.error(`bench-wasm: no ${wasmFile}: run scripts/build-wasm first`);
  process.exit(2);
}
const bin = process.env.MODSCOPE_BIN || join(root, 'target', 'release', 'modscope');
const haveNative = existsSync(bin);

const m = await import(pathToFileURL(join(pkg, 'modscope.js')).href);
m.initSync({ module: readFileSync(wasmFile) });
const ws = new m.Workspace();

const rounds = WARMUP + TIMED;
const wasmBlock = () => ws.bench({ rounds, series: ['off'], universe: { modules: MODULES, seed: 1 } });
const nativeBlock = () =>
  JSON.parse(
    execFileSync(bin, ['bench', 'resolve', '-modules', String(MODULES), '-rounds', String(rounds), '-series', 'off', '-json'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );
const timed = (report) => report.series[0].samplesMs.slice(WARMUP);

function stats(ms) {
  const v = [...ms].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], n: v.length };
}
const fmt = (s) => `median ${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)}, ${s.n} rounds)`;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

const loads = [load()];
const wasmMs = [];
const nativeMs = [];
const buildLists = new Set();
for (let b = 0; b < BLOCKS; b++) {
  const w = wasmBlock();
  wasmMs.push(...timed(w));
  buildLists.add(w.buildList);
  if (haveNative) {
    const n = nativeBlock();
    nativeMs.push(...timed(n));
    buildLists.add(n.buildList);
  }
}
loads.push(load());
if (buildLists.size !== 1) {
  console.error(`bench-wasm: the hosts resolved different build lists: ${[...buildLists].join(', ')}`);
  process.exit(1);
}
const w = stats(wasmMs);
console.log(
  `resolve ${MODULES}-module universe (build list ${[...buildLists][0]}), ${BLOCKS} blocks per host, ` +
    `each 1 + ${WARMUP} untimed then ${TIMED} timed rounds; load ${loads.join(' → ')}`,
);
console.log(`  wasm (node ${process.versions.node}, V8 ${process.versions.v8}): ${fmt(w)}`);
if (haveNative) {
  const n = stats(nativeMs);
  console.log(`  native: ${fmt(n)}`);
  console.log(`  ratio of medians ${(w.median / n.median).toFixed(2)}×, of minimums ${(w.min / n.min).toFixed(2)}× (target ≤ 2×)`);
} else {
  console.log(`  native: not compared (no ${bin}; cargo build --release)`);
}
