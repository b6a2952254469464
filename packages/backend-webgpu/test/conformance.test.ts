import { runBackendConformance } from '@nnet/backend-testkit';
import { describe, it } from 'vitest';
import { tryBackend } from './adapter.js';

const probe = await tryBackend();
if ('skip' in probe) {
  describe('backend conformance: webgpu', () => it.skip(`no WebGPU adapter: ${probe.skip}`, () => {}));
} else {
  runBackendConformance({ name: 'webgpu', create: () => probe.backend });
}
