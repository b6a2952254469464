// The library's browser entries bundle without Node built-ins, and the minimal inference bundle
// (tensor + layers + backend-wasm) stays small. The sizes are printed; the README records them.
import { describe, expect, it } from 'vitest';
// A plain .mjs script (typed by measure.d.mts), shared with `pnpm --filter @nnet/examples run bundle-size`.
import { measure } from '../bundle/measure.mjs';

describe('browser bundles', () => {
  it('every library package bundles for the browser without a Node built-in', async () => {
    const all = await measure('./all.ts');
    expect(all.jsGzip).toBeGreaterThan(0);
  }, 120_000);

  it('the minimal inference bundle is the JavaScript plus one separate .wasm file', async () => {
    const s = await measure('./minimal.ts');
    console.log(
      `minimal inference bundle: ${(s.jsGzip / 1024).toFixed(1)} KB JS + ${(s.wasmGzip / 1024).toFixed(1)} KB wasm, gzipped`,
    );
    expect(s.wasmGzip).toBeGreaterThan(10_000);
    // A regression guard on size (bytes, not time): the .wasm is not inlined and no big dependency crept in.
    expect(s.jsGzip).toBeLessThan(60 * 1024);
  }, 120_000);
});
