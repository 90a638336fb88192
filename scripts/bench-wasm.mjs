#!/usr/bin/env node
// Times the resolve of the generated 3,000-module universe in Node's V8 (the WASM build in
// web/pkg) against the native release binary, the way tests/browser/perf.test.mjs does in
// Chromium, with the same method (tests/browser/resolve-compare.mjs).
//
//   scripts/build-wasm && cargo build --release && node scripts/bench-wasm.mjs [BLOCKS] [TIMED]
//
// Environment: MODSCOPE_BIN (the native binary; default target/release/modscope), WASM_PKG (the
// wasm-bindgen output directory; default web/pkg).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nativeBench } from '../tests/browser/native.mjs';
import { MODULES, WARMUP, blockOptions, compareResolve, fmt, nativeArgs } from '../tests/browser/resolve-compare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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

const options = blockOptions(TIMED);
const { wasm: w, native: n, buildLists, loads } = await compareResolve({
  blocks: BLOCKS,
  wasmBlock: () => ws.bench(options),
  nativeBlock: haveNative
    ? () => nativeBench(bin, nativeArgs(TIMED))
    : null,
});
if (buildLists.length !== 1) {
  console.error(`bench-wasm: the hosts resolved different build lists: ${buildLists.join(', ')}`);
  process.exit(1);
}
console.log(
  `resolve ${MODULES}-module universe (build list ${buildLists[0]}), ${BLOCKS} blocks per host, ` +
    `each 1 + ${WARMUP} untimed then ${TIMED} timed rounds; load ${loads}`,
);
console.log(`  wasm (node ${process.versions.node}, V8 ${process.versions.v8}): ${fmt(w)}`);
if (n) {
  console.log(`  native: ${fmt(n)}`);
  console.log(`  ratio of medians ${(w.median / n.median).toFixed(2)}×, of minimums ${(w.min / n.min).toFixed(2)}× (target ≤ 2×)`);
} else {
  console.log(`  native: not compared (no ${bin}; cargo build --release)`);
}
