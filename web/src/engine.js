// The engine: the modscope WASM module behind a small promise-based API.
//
// The rest of the page talks only to this module, never to the wasm-bindgen exports, so moving the
// WASM into a Web Worker later changes this file alone. Answers are plain objects in the JSON shape
// `modscope … --json` prints; failures carry the core's diagnostics.
import init, { Workspace, version } from '../pkg/modscope.js';

/** Loads the WASM module and returns the engine. */
export async function createEngine() {
  await init();
  const workspace = new Workspace();
  const treeWorkspace = new Workspace();

  return {
    /** The modscope version the WASM was built from. */
    version: version(),

    /**
     * Parses `text` as the go.mod at `path`.
     * Resolves to `{ modFile, diagnostics }`: `modFile` (the ModFile JSON shape) is null when the
     * file has errors, and `diagnostics` lists them.
     */
    async parseModFile(path, text) {
      try {
        workspace.setFile(path, text);
        return { modFile: workspace.parseModFile(path), diagnostics: [] };
      } catch (error) {
        return { modFile: null, diagnostics: diagnosticsOf(error, path) };
      }
    },

    /**
     * Resolves the module tree in txtar archive `text` (main module at the root, GOPROXY layout
     * under `proxy/`) in a workspace of its own. Returns `{ buildList, lines, graph, diagnostics,
     * trace, stderr }` (the core's Resolution); an archive that cannot be loaded comes back as a
     * failed resolution carrying its diagnostics.
     */
    resolveTxtar(text, options = {}) {
      try {
        treeWorkspace.loadTxtar(text);
        return treeWorkspace.resolve(options);
      } catch (error) {
        const diagnostics = diagnosticsOf(error, '');
        const stderr = diagnostics.map((d) => d.message).join('\n') + '\n';
        return { buildList: [], lines: [], graph: [], diagnostics, trace: [], stderr };
      }
    },
  };
}

/** The diagnostics a WASM error carries; an unexpected JS error becomes one diagnostic. */
function diagnosticsOf(error, path) {
  if (Array.isArray(error?.diagnostics)) return error.diagnostics;
  return [
    { code: 'internal', severity: 'error', file: path, span: null, message: String(error?.message ?? error) },
  ];
}
