// The native `modscope` for browser tests that compare with it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './page.mjs';

const release = join(root, 'target', 'release', 'modscope');
const debug = join(root, 'target', 'debug', 'modscope');

/**
 * A release binary for timing comparisons: MODSCOPE_BIN, else target/release/modscope; when it
 * is missing it is built under CI (or MODSCOPE_PERF=1), else null (timings of a debug build
 * would mean nothing, and a release build takes minutes).
 */
export function releaseBinary() {
  if (process.env.MODSCOPE_BIN) return process.env.MODSCOPE_BIN;
  if (existsSync(release)) return release;
  if (!process.env.CI && !process.env.MODSCOPE_PERF) return null;
  console.log('# building target/release/modscope for the native comparison (cargo build --release)');
  execFileSync('cargo', ['build', '--release', '--bin', 'modscope'], { cwd: root, stdio: 'inherit' });
  return release;
}

/** Any binary, for checks that do not time: the release one if built, else the debug one. */
export function anyBinary() {
  if (process.env.MODSCOPE_BIN) return process.env.MODSCOPE_BIN;
  if (existsSync(release)) return release;
  if (!existsSync(debug)) execFileSync('cargo', ['build', '--bin', 'modscope'], { cwd: root, stdio: 'inherit' });
  return debug;
}

/** Runs `BIN bench resolve ARGS -json` and returns the parsed BenchReport. */
export function nativeBench(bin, args) {
  const out = execFileSync(bin, ['bench', 'resolve', ...args, '-json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}
