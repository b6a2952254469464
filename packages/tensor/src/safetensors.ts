/**
 * The safetensors format (as written by the `safetensors` library and read by PyTorch):
 *   8 bytes  little-endian u64 N, the header length
 *   N bytes  UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {…} }
 *   …        the raw little-endian data; offsets are relative to the end of the header
 * nnet's dtypes map to F32, I32 and BOOL. Encoding and decoding work on bytes, so they run in the
 * browser too; writing files (atomically) is the training package's job.
 */
import type { DType, TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { fromTypedArray } from './ops/creation.js';
import { sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

const TO_ST: Record<DType, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const FROM_ST: Record<string, DType> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };
const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** Serialises named tensors (and optional string metadata) into safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new ValueError("encodeSafetensors: '__metadata__' is reserved and cannot name a tensor.");
    const t = tensors[name];
    const data = t.dataSync();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = {
      dtype: TO_ST[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function corrupt(problem: string): ValueError {
  return new ValueError(
    `decodeSafetensors: ${problem}; the file is truncated, corrupt, or not a safetensors file.`,
  );
}

/** Reads safetensors bytes into tensors on the current backend. Throws a ValueError naming the problem. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array))
    throw new ValueError('decodeSafetensors: expected the file contents as a Uint8Array.');
  if (bytes.length < 8) throw corrupt(`only ${bytes.length} bytes, fewer than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    throw corrupt(`the header claims ${n} bytes but only ${bytes.length - 8} follow`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch (err) {
    throw corrupt(`the header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw corrupt('the header is not a JSON object');
  const base = 8 + Number(n);
  const dataLength = bytes.length - base;
  const tensors: Record<string, Tensor> = {};
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  try {
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const dtype = FROM_ST[String(entry?.dtype)];
      if (!dtype) {
        throw new ValueError(
          `decodeSafetensors: tensor '${name}' has dtype ${JSON.stringify(entry?.dtype)}; nnet reads F32, I32 and BOOL (convert in PyTorch first, e.g. t.float()).`,
        );
      }
      const shape = entry.shape;
      const offsets = entry.data_offsets;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
        throw corrupt(`tensor '${name}' has an invalid shape`);
      if (
        !Array.isArray(offsets) ||
        offsets.length !== 2 ||
        !offsets.every((o) => Number.isInteger(o) && o >= 0)
      ) {
        throw corrupt(`tensor '${name}' has invalid data_offsets`);
      }
      const [begin, end] = offsets as [number, number];
      const want = sizeOf(shape as number[]) * BYTES[dtype];
      if (end - begin !== want)
        throw corrupt(
          `tensor '${name}' of shape [${shape.join(', ')}] needs ${want} bytes but its offsets span ${end - begin}`,
        );
      if (end > dataLength)
        throw corrupt(`tensor '${name}' ends at byte ${end} of a ${dataLength}-byte data section`);
      // Copy into a fresh, aligned array (the data section need not be 4-byte aligned in memory).
      const slice = bytes.slice(base + begin, base + end);
      const data: TypedArray =
        dtype === 'float32'
          ? new Float32Array(slice.buffer)
          : dtype === 'int32'
            ? new Int32Array(slice.buffer)
            : slice;
      tensors[name] = fromTypedArray(data, shape as number[], dtype);
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}
