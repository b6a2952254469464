import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser benchmark page (src/browser.ts builds, serves and drives it). Cross-origin isolation
// (COOP + COEP) gives the page SharedArrayBuffer, so nnet's worker pool and TensorFlow.js's
// threaded-SIMD WASM build can both run threads.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  server: { headers: isolation, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { headers: isolation },
});
