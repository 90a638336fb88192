// The native `modscope` for browser tests that compare with it: MODSCOPE_BIN, else the release
// build (built here when missing, since timings of a debug build mean nothing).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './page.mjs';

/** The path of a release `modscope` binary, building it if needed. */
export function releaseBinary() {
  if (process.env.MODSCOPE_BIN) return process.env.MODSCOPE_BIN;
  const bin = join(root, 'target', 'release', 'modscope');
  if (!existsSync(bin)) {
    console.log('# building target/release/modscope for the native comparison (cargo build --release)');
    execFileSync('cargo', ['build', '--release', '--bin', 'modscope'], { cwd: root, stdio: 'inherit' });
  }
  return bin;
}

/** Runs `modscope bench resolve ARGS -json` and returns the parsed BenchReport. */
export function nativeBench(args) {
  const out = execFileSync(releaseBinary(), ['bench', 'resolve', ...args, '-json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}
