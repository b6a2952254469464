import { runBackendConformance } from '@nnet/backend-testkit';
import { CpuBackend } from '../src/index.js';

runBackendConformance({ name: 'cpu', create: () => new CpuBackend() });
