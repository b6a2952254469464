import { registerBackend } from '@nnet/tensor';
import { CpuBackend } from './cpu_backend.js';

// The embedded default: priority 1, ready at once, so importing the package is all the set-up.
registerBackend('cpu', () => new CpuBackend(), 1);
