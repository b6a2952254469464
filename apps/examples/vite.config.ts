import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, so the WebAssembly
// backend can run its worker threads; the dev and preview servers both send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  // Vega (the chart) is most of the page's JavaScript: ~300 kB gzipped.
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
    // The page, and check pages for the worker pool on a page's main thread and for a training loop
    // with no tidy in a worker (the e2e test).
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        threads: fileURLToPath(new URL('./web/threads.html', import.meta.url)),
        memory: fileURLToPath(new URL('./web/memory.html', import.meta.url)),
        webgpu: fileURLToPath(new URL('./web/webgpu.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
  // The workspace packages (and their .wasm files) live outside web/: let the dev server read the repository.
  server: { headers: isolation, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { headers: isolation },
});
