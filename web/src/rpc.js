// The page ↔ worker message protocol, both ends. Generic: a call names a method and passes its
// arguments (structured-clone values); the answer is the method's result or its error. The worker
// may send progress messages for a call while it runs.
//
//   page → worker  { id, method, args }
//   worker → page  { id, progress }                  (zero or more)
//                  { id, ok: true, value }           (exactly one of these two)
//                  { id, ok: false, error: { name, message, diagnostics } }
//                  { ready: true } / { fatal: message } (once, not tied to a call)

/** The error a call rejects with when it was cancelled (its worker was stopped). */
export class CancelledError extends Error {
  constructor(method) {
    super(`${method}: cancelled`);
    this.name = 'CancelledError';
  }
}

/**
 * An error from the worker rebuilt on the page: the message, and the diagnostics (the CLI's
 * `--json` shape) when the WASM threw them.
 */
export class EngineError extends Error {
  constructor({ name, message, diagnostics }) {
    super(message);
    this.name = name && name !== 'Error' ? name : 'EngineError';
    this.diagnostics = Array.isArray(diagnostics) ? diagnostics : [];
  }
}

/** A plain, cloneable copy of an error (what the worker sends back). */
export function serializeError(error) {
  return {
    name: error?.name ?? 'Error',
    message: String(error?.message ?? error),
    diagnostics: Array.isArray(error?.diagnostics) ? error.diagnostics : null,
  };
}

/**
 * The calling side over a `Worker`-like port (`postMessage`, `addEventListener('message')`).
 * Returns `{ call(method, args, onProgress) → Promise, failAll(makeError), ready }`; `ready`
 * settles when the worker has loaded (or failed to load) its WASM.
 */
export function rpcClient(port) {
  let next = 1;
  const pending = new Map();
  let settleReady;
  const ready = new Promise((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  port.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg?.ready) return settleReady.resolve(msg);
    if (msg?.fatal) return settleReady.reject(new EngineError({ message: msg.fatal }));
    const call = pending.get(msg?.id);
    if (!call) return;
    if (msg.progress !== undefined) {
      call.onProgress?.(msg.progress);
      return;
    }
    pending.delete(msg.id);
    if (msg.ok) call.resolve(msg.value);
    else call.reject(new EngineError(msg.error));
  });
  port.addEventListener('error', (event) => {
    const error = new EngineError({ message: `worker error: ${event.message ?? 'failed to load'}` });
    settleReady.reject(error);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  return {
    ready,
    call(method, args, onProgress) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress, method });
        port.postMessage({ id, method, args });
      });
    },
    /** Rejects every call still waiting, with `makeError(method)`. */
    failAll(makeError) {
      for (const call of pending.values()) call.reject(makeError(call.method));
      pending.clear();
    },
    /** How many calls are waiting for an answer. */
    get busy() {
      return pending.size;
    },
  };
}

/**
 * The answering side: dispatches each `{ id, method, args }` to `handle(method, args, progress)`
 * (sync or async) and posts its result or error. `progress(value)` posts a progress message.
 */
export function rpcServer(port, handle) {
  port.addEventListener('message', async (event) => {
    const { id, method, args } = event.data ?? {};
    if (typeof id !== 'number' || typeof method !== 'string') return;
    const progress = (value) => port.postMessage({ id, progress: value });
    try {
      const value = await handle(method, Array.isArray(args) ? args : [], progress);
      port.postMessage({ id, ok: true, value });
    } catch (error) {
      port.postMessage({ id, ok: false, error: serializeError(error) });
    }
  });
}
