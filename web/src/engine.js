// The engine: the modscope WASM, running in a module worker (worker.js), behind a promise API.
//
// The page never touches the wasm-bindgen exports. `engine.call('method', ...args)` runs the
// `Workspace` method of that name in the worker and resolves to its answer (plain objects in the
// JSON shape `modscope … --json` prints) or rejects with an `EngineError` carrying the core's
// diagnostics. Long work keeps the page responsive; `cancel()` stops it by terminating the worker,
// starts a fresh one and restores the tree into it, so the page can go on as before.
//
// The engine keeps a copy of the tree (`engine.files`, path → text): the calls that change the tree
// (`replaceTree`, `setFile`, `removeFile`, and those in REPLACING, after which the tree is read
// back from the worker) update it when they succeed, and that copy is what a restarted worker is
// given. A change that did not come through `setTree` is reported to `listeners.tree(method)`.
import { CancelledError, EngineError, rpcClient } from './rpc.js';
import { parseTxtar } from './txtar.js';

export { CancelledError, EngineError };

/** Workspace methods that replace the whole tree (the engine then reads it back). */
const REPLACING = new Set(['loadTxtar', 'loadUniverse', 'replaceFiles']);

/** Starts a worker and waits until its WASM is loaded. */
async function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'modscope' });
  const rpc = rpcClient(worker);
  const hello = await rpc.ready;
  return { worker, rpc, version: hello.version };
}

/**
 * Loads the WASM in a worker and returns the engine. `listeners.busy(running)` is called with the
 * list of methods in flight whenever it changes; `listeners.progress(method, value)` with each
 * progress message; `listeners.tree(method)` after a call other than `setTree` changed the tree.
 */
export async function createEngine(listeners = {}) {
  let current = await startWorker();
  let starting = null;
  const files = new Map();
  const running = [];

  const notify = () => listeners.busy?.([...running]);

  /** Runs `method` in the current worker (waiting for a restart in progress). */
  async function run(method, args) {
    if (starting) await starting;
    running.push(method);
    notify();
    try {
      return await current.rpc.call(method, args, (value) => listeners.progress?.(method, value));
    } finally {
      running.splice(running.indexOf(method), 1);
      notify();
    }
  }

  /**
   * Updates the copy of the tree after a successful tree-changing call, and tells the page when
   * the change did not come from `setTree` (a view that loaded a tree of its own, say).
   */
  async function track(method, args, value) {
    if (method === 'replaceTree') {
      files.clear();
      for (const [path, text] of args[0]) files.set(path, text);
      return value;
    }
    if (method === 'setFile') {
      files.set(args[0], args[1]);
    } else if (method === 'removeFile') {
      files.delete(args[0]);
    } else if (REPLACING.has(method)) {
      const entries = await run('treeEntries', []);
      files.clear();
      for (const [path, text] of entries) files.set(path, text);
    } else {
      return value;
    }
    listeners.tree?.(method);
    return value;
  }

  const engine = {
    /** The modscope version the WASM was built from. */
    version: current.version,

    /** The tree as the worker holds it: path → text (read-only for callers). */
    files,

    /** Calls the worker's method `method` with `args`; resolves to its answer. */
    async call(method, ...args) {
      return track(method, args, await run(method, args));
    },

    /** Replaces the whole tree with `entries` (an iterable of [path, text]). */
    async setTree(entries) {
      const list = [...entries];
      await engine.call('replaceTree', list);
      return list.length;
    },

    /** Whether any call is waiting for an answer. */
    get busy() {
      return running.length > 0;
    },

    /**
     * Stops whatever the worker is doing: every call in flight rejects with `CancelledError`, a
     * new worker starts and gets the tree back. Resolves when the new worker is ready.
     */
    async cancel() {
      if (starting) return starting;
      const old = current;
      old.worker.terminate();
      old.rpc.failAll((method) => new CancelledError(method));
      starting = (async () => {
        const fresh = await startWorker();
        await fresh.rpc.call('replaceTree', [[...files]]);
        current = fresh;
      })();
      try {
        await starting;
      } finally {
        starting = null;
      }
    },
  };
  return engine;
}

/** The diagnostics an engine error carries; any other error becomes one diagnostic. */
export function diagnosticsOf(error, file = '') {
  if (Array.isArray(error?.diagnostics) && error.diagnostics.length > 0) return error.diagnostics;
  return [{ code: 'internal', severity: 'error', file, span: null, message: String(error?.message ?? error) }];
}
