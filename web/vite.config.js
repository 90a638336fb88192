// Vite configuration for the playground. The WASM package (web/pkg, from scripts/build-wasm) is a
// plain ES module that Vite bundles without a plugin; its .wasm file becomes a hashed asset. The
// engine runs it in a module worker (web/src/worker.js), so workers are built as ES modules too.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', strictPort: false },
  preview: { host: '127.0.0.1' },
});
