// The whole backend testkit on the CPU backend without readSync: every kernel case, every op case
// and gradient, read with await — nothing skipped but the readSync check itself (not implemented).
import { CpuBackend } from '@nnet/backend-cpu';
import { runBackendConformance } from '@nnet/backend-testkit';
import { asyncOnly } from '../src/index.js';

runBackendConformance({ name: 'cpu-async', create: () => asyncOnly(new CpuBackend(), 'cpu-async') });
