/**
 * The backend of the tensor tests that use the default one: cpu, or the WebAssembly backend with
 * NNET_BACKEND=wasm (the built backend-wasm package, see vitest.config.ts). Imported first by
 * those test files, in place of `import '@nnet/backend-cpu'`.
 */
import '@nnet/backend-cpu';
import { setBackend } from '@nnet/tensor';

const name = process.env.NNET_BACKEND ?? 'cpu';
if (name === 'wasm') await import('@nnet/backend-wasm');
else if (name !== 'cpu') throw new Error(`NNET_BACKEND='${name}': the tensor tests run on 'cpu' or 'wasm'.`);
await setBackend(name);
