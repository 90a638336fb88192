// A generated module tree for the browser tests: a main module at go 1.16 requiring `n` modules
// that each require the next one (so every go.mod is read), with a newer version of each.
// Large values of `n` make work long enough to watch the page stay usable and to cancel it.

/** The txtar archive of the generated tree with `n` dependency modules. */
export function chainUniverse(n) {
  const parts = ['generated chain of modules\n-- go.mod --\nmodule example.com/main\n\ngo 1.16\n\nrequire (\n'];
  for (let i = 0; i < n; i++) parts.push(`\texample.com/m${i} v1.0.0\n`);
  parts.push(')\n');
  for (let i = 0; i < n; i++) {
    for (const v of ['v1.0.0', 'v1.0.1']) {
      const req = v === 'v1.0.0' ? `\nrequire example.com/m${(i + 1) % n} v1.0.${i % 2}\n` : '';
      parts.push(`-- proxy/example.com/m${i}/@v/${v}.mod --\nmodule example.com/m${i}\n\ngo 1.16\n${req}`);
      parts.push(`-- proxy/example.com/m${i}/@v/${v}.info --\n{"Version":"${v}","Time":"2023-03-01T12:00:00Z"}\n`);
    }
  }
  return parts.join('');
}
