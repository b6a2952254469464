/**
 * Importing the package registers 'webgpu' above cpu; `ready()` takes it only on a hardware
 * adapter, `setBackend('webgpu')` also on a software one.
 */
import '@nnet/backend-cpu';
import { BackendError, getBackendName, listBackends, ready, setBackend, tensor } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  createWebGpuBackend,
  describeAdapter,
  isSoftwareAdapter,
  WEBGPU_PRIORITY,
  WebGpuBackend,
} from '../src/index.js';
import { tryBackend } from './adapter.js';

const probe = await tryBackend();
const software = 'backend' in probe && probe.backend.adapter.software;
// Disposed at once, as code that only probes for WebGPU does (test/lifecycle.test.ts covers why
// that once aborted the process).
if ('backend' in probe) probe.backend.dispose();

describe('registration and adapter choice', () => {
  it("registers 'webgpu' ranked above cpu (priority 3, wasm has 2)", () => {
    expect(WEBGPU_PRIORITY).toBe(3);
    const names = listBackends();
    expect(names.indexOf('webgpu')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('webgpu')).toBeLessThan(names.indexOf('cpu'));
  });

  it('await ready() by priority: webgpu on a hardware adapter, else on to the next backend (cpu here)', async () => {
    const chosen = await ready();
    if ('backend' in probe && !software) expect(chosen).toBeInstanceOf(WebGpuBackend);
    else expect(getBackendName()).toBe('cpu');
  });

  it.skipIf(!('backend' in probe))(
    "await setBackend('webgpu') gives a working backend (asked for by name)",
    async () => {
      const b = await setBackend('webgpu');
      expect(b).toBeInstanceOf(WebGpuBackend);
      const t = tensor([1, 2, 3]).mul(2).sum();
      expect(Array.from(await t.data())).toEqual([12]);
      expect(() => t.dataSync()).toThrow(/cannot read synchronously/);
    },
  );

  it.skipIf(!software)('a software adapter is refused unless asked for', async () => {
    await expect(createWebGpuBackend()).rejects.toThrow(BackendError);
    await expect(createWebGpuBackend()).rejects.toThrow(/only a software adapter is available .*llvmpipe/);
  });

  it('rejects options and adapters of the wrong kind with BackendError', async () => {
    await expect(createWebGpuBackend({ gpu: 42 as unknown as GPU })).rejects.toThrow(
      /options.gpu must be a GPU/,
    );
    await expect(
      createWebGpuBackend({ powerPreference: 'fast' as unknown as GPUPowerPreference }),
    ).rejects.toThrow(/powerPreference must be/);
    expect(() => isSoftwareAdapter(null as unknown as GPUAdapter)).toThrow(BackendError);
    expect(() => describeAdapter({} as GPUAdapter)).toThrow(/expected a GPUAdapter/);
  });
});
