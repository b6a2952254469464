// Run by `pnpm example` before turbo builds the libraries and the CLI: when no build exists yet,
// says so, because that first build (TypeScript and the WebAssembly kernels) takes about a minute
// and turbo prints nothing while it runs. Later runs reuse the build (turbo's cache).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = [
  '../dist/cli.js',
  '../../../packages/tensor/dist/index.js',
  '../../../packages/backend-wasm/dist/nnet.wasm',
];
if (!built.every((f) => existsSync(fileURLToPath(new URL(f, import.meta.url)))))
  console.log(
    'First run: building the nnet packages and the examples (about a minute; later runs start at once)…',
  );
