import { getBackendName, tensor } from '@nnet/tensor';
import { expect, it } from 'vitest';

it('runs on the backend NNET_BACKEND names (cpu by default)', () => {
  const want = process.env.NNET_BACKEND ?? 'cpu';
  expect(getBackendName()).toBe(want);
  expect(tensor([1]).backend).toBe(want);
});
