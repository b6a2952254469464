/**
 * The module boundary: src/ffi.ts's KernelExports is applied to `instance.exports` with a cast, so
 * nothing else checks it against the module. Each of the four builds is instantiated and its
 * exports compared with kernelArity (whose type is derived from KernelExports): every declared
 * function exists with the declared parameter count, and the module exports nothing else but its
 * memory and the kernels below. Runs in the relaxed-SIMD vitest project (vitest.config.ts) so that
 * Node 20 validates the relaxed builds.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { kernelArity } from '../src/ffi.js';

/**
 * Functions the module exports that KernelExports leaves out: exported across AssemblyScript
 * files (runJob's dispatch in jobs.ts and binaryF32's wrapper call them) and so, through
 * assembly/index.ts's `export *`, from the module; the TypeScript side reaches them only as jobs.
 */
const internal: Record<string, number> = {
  attention: 2,
  convImages: 2,
  crossEntropyRows: 1,
  binaryF32With: 6,
  binaryDenseF32: 5,
  broadcastWith: 8,
  poolPlanes: 9,
};

const builds = [
  { file: 'nnet.wasm', shared: false },
  { file: 'nnet-relaxed.wasm', shared: false },
  { file: 'nnet-shared.wasm', shared: true },
  { file: 'nnet-shared-relaxed.wasm', shared: true },
];

describe.each(builds)('$file exports', ({ file, shared }) => {
  it('match KernelExports: each declared function with its parameter count, a memory, and only the listed extras', async () => {
    const bytes = await readFile(new URL(`../dist/${file}`, import.meta.url));
    const memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true }) : undefined;
    const { instance } = await WebAssembly.instantiate(bytes, memory ? { env: { memory } } : {});
    const functions: Record<string, number> = {};
    const others: Record<string, string> = {};
    for (const [name, value] of Object.entries(instance.exports)) {
      if (typeof value === 'function') functions[name] = value.length;
      else others[name] = value instanceof WebAssembly.Memory ? 'memory' : typeof value;
    }
    expect(functions).toEqual({ ...kernelArity, ...internal });
    expect(others).toEqual({ memory: 'memory' });
    if (memory) expect(instance.exports.memory).toBe(memory);
  });
});
