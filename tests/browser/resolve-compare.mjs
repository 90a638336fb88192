// The WASM-against-native resolve comparison, one method for the browser perf test
// (tests/browser/perf.test.mjs, Chromium) and scripts/bench-wasm.mjs (Node's V8): BLOCKS blocks
// per host, alternating (WASM, native, WASM, …) so a change in the machine's load falls on both.
// A block is one `bench` call: the bench's own untimed round, then WARMUP rounds whose times are
// dropped (V8 tiers WASM up from its baseline compiler while they run; natively they warm the
// caches the same way), then TIMED rounds. The timed rounds of all blocks are pooled per host
// into a median and a minimum.
import { loadavg } from 'node:os';

/** Modules in the generated universe both hosts resolve. */
export const MODULES = 3000;
/** Rounds per block whose times are dropped. */
export const WARMUP = 3;

/** The bench options of one block of `timed` timed rounds (the same on both hosts). */
export const blockOptions = (timed) => ({ rounds: WARMUP + timed, series: ['off'], universe: { modules: MODULES, seed: 1 } });

/** The `modscope bench resolve` arguments of the same block. */
export const nativeArgs = (timed) => ['-modules', String(MODULES), '-rounds', String(WARMUP + timed), '-series', 'off'];

/** Median, minimum and count of milliseconds. */
export function stats(ms) {
  const v = [...ms].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], n: v.length };
}

/** `median X ms (min Y, N rounds)`. */
export const fmt = (s) => `median ${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)}, ${s.n} rounds)`;

/** The machine's load averages (1, 5, 15 minutes), as printed beside every timing. */
export const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/**
 * Runs `blocks` blocks per host, alternating; `wasmBlock` and `nativeBlock` (null: WASM only)
 * each run one block and return its BenchReport. Returns the pooled stats of each host (native
 * null when not run), the build lists the hosts resolved, and the load before and after.
 */
export async function compareResolve({ blocks, wasmBlock, nativeBlock }) {
  const timed = (report) => report.series[0].samplesMs.slice(WARMUP);
  const wasmMs = [];
  const nativeMs = [];
  const buildLists = new Set();
  const loads = [load()];
  for (let b = 0; b < blocks; b++) {
    const w = await wasmBlock();
    wasmMs.push(...timed(w));
    buildLists.add(w.buildList);
    if (nativeBlock) {
      const n = await nativeBlock();
      nativeMs.push(...timed(n));
      buildLists.add(n.buildList);
    }
  }
  loads.push(load());
  return {
    wasm: stats(wasmMs),
    native: nativeBlock ? stats(nativeMs) : null,
    buildLists: [...buildLists],
    loads: loads.join(' → '),
  };
}
