// The module worker that runs all of the page's WASM. It owns one `Workspace` (the in-memory tree)
// and answers calls from engine.js through the generic protocol in rpc.js:
//   - `version()`: the modscope version of the WASM build;
//   - `replaceTree(entries)`: a fresh workspace holding `entries` ([path, text] pairs), with
//     progress messages `{ done, total }` while it loads; resolves to the number of files;
//   - any other name: the `Workspace` method of that name, called with the arguments as given
//     (so a method added to crate/src/wasm.rs is callable from the page with no change here).
import init, { Workspace, version } from '../pkg/modscope.js';
import { rpcServer } from './rpc.js';

let workspace = null;

/** How many files are stored between two progress messages. */
const PROGRESS_EVERY = 250;

const OWN_METHODS = {
  version: () => version(),
  replaceTree(entries, progress) {
    if (!Array.isArray(entries)) throw new TypeError('replaceTree: expected an array of [path, text] pairs');
    const fresh = new Workspace();
    try {
      entries.forEach(([path, text], i) => {
        fresh.setFile(path, text);
        if ((i + 1) % PROGRESS_EVERY === 0) progress({ done: i + 1, total: entries.length });
      });
    } catch (error) {
      fresh.free();
      throw error;
    }
    workspace.free();
    workspace = fresh;
    return entries.length;
  },
};

rpcServer(self, (method, args, progress) => {
  const own = OWN_METHODS[method];
  if (own) return own(...(method === 'replaceTree' ? [args[0], progress] : args));
  if (method === 'constructor' || typeof Workspace.prototype[method] !== 'function') {
    throw new TypeError(`unknown engine method '${method}'`);
  }
  return workspace[method](...args);
});

try {
  await init();
  workspace = new Workspace();
  self.postMessage({ ready: true, version: version() });
} catch (error) {
  self.postMessage({ fatal: `loading the WASM module failed: ${error?.message ?? error}` });
}
