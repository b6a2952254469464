/**
 * The front end's reference decompositions against every optional-kernel fixture, on the CPU
 * backend's required kernels; and a wrong reference is caught, naming the case.
 */
import { CpuBackend } from '@nnet/backend-cpu';
import {
  type Backend,
  OPTIONAL_KERNELS,
  type OptionalKernels,
  referenceKernels,
  registerBackend,
  setBackend,
  type TensorInfo,
} from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  isOptionalKernel,
  kernelCases,
  runKernelCase,
  runReferenceConformance,
  withReferenceKernels,
} from '../src/index.js';

const cpu = new CpuBackend() as unknown as Backend;
runReferenceConformance({ name: 'cpu' }, () => cpu);

describe('the reference check', () => {
  it('has fixture cases for every optional kernel', () => {
    const covered = new Set(kernelCases().map((c) => c.kernel));
    expect(OPTIONAL_KERNELS.filter((k) => !covered.has(k))).toEqual([]);
    expect(kernelCases().some((c) => isOptionalKernel(c.kernel))).toBe(true);
  });

  it('fails loudly when a reference is wrong', async () => {
    const view = withReferenceKernels(cpu);
    registerBackend('testkit-broken-reference', () => view, -1000);
    await setBackend('testkit-broken-reference');
    // A cumsum reference that forgets the reversed direction.
    const broken: OptionalKernels['cumsum'] = (
      x: TensorInfo,
      axis: number,
      _reverse: boolean,
      out: TensorInfo,
    ) => referenceKernels.cumsum(x, axis, false, out);
    const c = kernelCases().find((k) => k.kernel === 'cumsum' && k.params?.reverse === true);
    if (!c) throw new Error('no reversed cumsum case');
    expect(await runKernelCase(view, c)).toBeNull();
    const msg = await runKernelCase({ ...view, cumsum: broken }, c);
    expect(msg).toMatch(/output: element \d+: expected/);
  });
});
