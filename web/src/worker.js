// The module worker that runs all of the page's WASM. It owns one `Workspace` (the in-memory tree)
// and answers calls from engine.js through the generic protocol in rpc.js:
//   - `version()`: the modscope version of the WASM build;
//   - `replaceTree(entries)`: the tree becomes `entries` ([path, text] pairs) in one step (the
//     Workspace's replaceFiles), with progress messages `{ done, total }`; resolves to the number
//     of files;
//   - `treeEntries()`: the whole tree as [path, text] pairs (after a call that replaced it);
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
    progress({ done: 0, total: entries.length });
    const n = workspace.replaceFiles(entries);
    progress({ done: entries.length, total: entries.length });
    return n;
  },
  treeEntries() {
    return workspace.files().map((path) => [path, workspace.readFile(path)]);
  },
};

rpcServer(self, (method, args, progress) => {
  const own = OWN_METHODS[method];
  if (own) return own(...(method === 'replaceTree' ? [args[0], progress] : args));
  if (!workspace) throw new Error('the engine is still loading');
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
