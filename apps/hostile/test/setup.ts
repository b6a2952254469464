import '@nnet/backend-cpu';
import { setBackend } from '@nnet/tensor';

const backend = process.env.NNET_BACKEND ?? 'cpu';
if (backend === 'wasm') await import('@nnet/backend-wasm');
await setBackend(backend);
