/**
 * The safetensors format (as written by the `safetensors` library and read by PyTorch):
 *   8 bytes  little-endian u64 N, the header length
 *   N bytes  UTF-8 JSON starting with `{` (padding spaces may follow it, counted in N):
 *            { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string: string } }
 *   …        the raw little-endian data; offsets are relative to the end of the header, and the
 *            tensors' byte ranges are contiguous, do not overlap and cover the data exactly.
 *
 * Reading converts each stored dtype to one of nnet's:
 *   F32 → float32; F16, BF16 → float32 exactly; F64 → float32 rounded to nearest (ties to even;
 *     magnitudes from 2¹²⁸·(1 - 2⁻²⁵) on become ±Infinity, up to 2⁻¹⁵⁰ ±0);
 *   I32 → int32; I16, I8, U8 → int32 exactly; I64 → int32 when every value fits, else a ValueError
 *     naming the tensor; BOOL → bool (bytes 0 and 1 only).
 * Writing stores float32 as F32 (default), F16 or BF16 (rounded to nearest, ties to even; a value
 * beyond the format's range becomes ±Infinity: |x| ≥ 65520 for F16, ≥ 2¹²⁸·(1 - 2⁻⁹) for BF16),
 * int32 as I32 (default) or I64, bool as BOOL.
 * A malformed file is a ValueError naming the problem; nothing is read from a file that breaks a rule.
 * Encoding and decoding work on bytes, so they run in the browser too; files are written
 * atomically by `@nnet/layers/node` and `@nnet/train/node`. A little-endian host is assumed (every
 * JavaScript engine in use is).
 */
import type { DType, TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { fromTypedArray } from './ops/creation.js';
import { f16Table, f32ToBf16, f32ToF16 } from './safetensors_half.js';
import { corrupt, describe, describeJson, isPlainObject, parseJson } from './safetensors_json.js';
import { isTensor, type Tensor } from './tensor.js';

/** The safetensors dtypes nnet reads. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Each readable dtype: its bytes per element and the nnet dtype it becomes. */
const READ: Record<SafetensorsDType, { bytes: number; to: DType }> = {
  F64: { bytes: 8, to: 'float32' },
  F32: { bytes: 4, to: 'float32' },
  F16: { bytes: 2, to: 'float32' },
  BF16: { bytes: 2, to: 'float32' },
  I64: { bytes: 8, to: 'int32' },
  I32: { bytes: 4, to: 'int32' },
  I16: { bytes: 2, to: 'int32' },
  I8: { bytes: 1, to: 'int32' },
  U8: { bytes: 1, to: 'int32' },
  BOOL: { bytes: 1, to: 'bool' },
};
/** Dtypes of the format nnet does not read (named so the error says "unsupported", not "unknown"). */
const UNREAD = ['U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2'];
/** The reference implementation's limit on the header (100 MB). */
const MAX_HEADER = 100_000_000;

/** Options of `encodeSafetensors`. */
export interface EncodeSafetensorsOptions {
  /** String metadata, stored under `__metadata__`. */
  metadata?: Record<string, string>;
  /** How float32 tensors are stored: 'F32' (default, exact), 'F16' or 'BF16' (rounded). */
  floatDtype?: 'F32' | 'F16' | 'BF16';
  /** How int32 tensors are stored: 'I32' (default) or 'I64' (PyTorch's integer buffers are int64). */
  intDtype?: 'I32' | 'I64';
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  bytes: Uint8Array;
}

/**
 * Serialises named tensors (and optional string metadata) into safetensors bytes, tensors ordered
 * by element size (largest first) then name, as the reference writer does, so every tensor's data
 * is aligned to its element size.
 * @example
 * ```ts
 * const [w, b] = [randn([3, 4]), zeros([3])];
 * const bytes = encodeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { floatDtype: 'F16' });
 * Object.keys(decodeSafetensors(bytes).tensors); // ['fc.bias', 'fc.weight']
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const named = checkEncodeArgs('encodeSafetensors', tensors, options);
  return assemble(
    named.map(([name, t]) => toEntry(name, t, t.dataSync(), options)),
    options.metadata,
  );
}

/**
 * `encodeSafetensors` reading the tensors asynchronously (`await t.data()`), for backends that
 * cannot read synchronously (WebGPU). Same bytes.
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 *
 * const model = new Linear(4, 2);
 * await writeFile('model.safetensors', await encodeSafetensorsAsync(model.stateDict()));
 * ```
 */
export async function encodeSafetensorsAsync(
  tensors: Record<string, Tensor>,
  options: EncodeSafetensorsOptions = {},
): Promise<Uint8Array> {
  const named = checkEncodeArgs('encodeSafetensorsAsync', tensors, options);
  const data = await Promise.all(named.map(([, t]) => t.data()));
  return assemble(
    named.map(([name, t], i) => toEntry(name, t, data[i], options)),
    options.metadata,
  );
}

function checkEncodeArgs(
  op: string,
  tensors: Record<string, Tensor>,
  options: EncodeSafetensorsOptions,
): [string, Tensor][] {
  if (!isPlainObject(tensors))
    throw new ValueError(`${op}: expected an object of named tensors, got ${describe(tensors)}.`);
  if (!isPlainObject(options))
    throw new ValueError(
      `${op}: options must be an object such as { floatDtype: 'F16' }, got ${describe(options)}.`,
    );
  const { metadata, floatDtype = 'F32', intDtype = 'I32' } = options;
  if (!(['F32', 'F16', 'BF16'] as unknown[]).includes(floatDtype))
    throw new ValueError(`${op}: floatDtype must be 'F32', 'F16' or 'BF16', got ${describe(floatDtype)}.`);
  if (!(['I32', 'I64'] as unknown[]).includes(intDtype))
    throw new ValueError(`${op}: intDtype must be 'I32' or 'I64', got ${describe(intDtype)}.`);
  if (metadata !== undefined) {
    if (!isPlainObject(metadata))
      throw new ValueError(`${op}: metadata must be an object of strings, got ${describe(metadata)}.`);
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string')
        throw new ValueError(
          `${op}: metadata '${k}' is ${describe(v)}; safetensors metadata values are strings (JSON.stringify it).`,
        );
  }
  const named = Object.entries(tensors);
  for (const [name, t] of named) {
    if (name === '__metadata__')
      throw new ValueError(
        `${op}: '__metadata__' is reserved and cannot name a tensor; pass metadata in options.`,
      );
    if (!isTensor(t)) throw new ValueError(`${op}: '${name}' is ${describe(t)}, not a Tensor.`);
    if (t.isDisposed)
      throw new ValueError(`${op}: tensor '${name}' was disposed; save it before disposing it.`);
  }
  return named;
}

function toEntry(name: string, t: Tensor, data: TypedArray, options: EncodeSafetensorsOptions): Entry {
  const dtype: SafetensorsDType =
    t.dtype === 'float32'
      ? (options.floatDtype ?? 'F32')
      : t.dtype === 'int32'
        ? (options.intDtype ?? 'I32')
        : 'BOOL';
  let out: TypedArray | Uint16Array = data;
  if (dtype === 'F16' || dtype === 'BF16') {
    const round = dtype === 'F16' ? f32ToF16 : f32ToBf16;
    out = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = round(data[i]);
  } else if (dtype === 'I64') {
    // Two's complement, little-endian: the low word is the value, the high word its sign extension.
    out = new Int32Array(2 * data.length);
    for (let i = 0; i < data.length; i++) {
      out[2 * i] = data[i];
      out[2 * i + 1] = data[i] < 0 ? -1 : 0;
    }
  }
  return { name, dtype, shape: t.shape, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

function assemble(entries: Entry[], metadata: Record<string, string> | undefined): Uint8Array {
  entries.sort(
    (a, b) => READ[b.dtype].bytes - READ[a.dtype].bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const e of entries) {
    const value = { dtype: e.dtype, shape: [...e.shape], data_offsets: [offset, offset + e.bytes.length] };
    Object.defineProperty(header, e.name, { value, enumerable: true }); // even a tensor named '__proto__'
    offset += e.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces (counted in its length) so the data starts 8-byte aligned.
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const e of entries) {
    out.set(e.bytes, at);
    at += e.bytes.length;
  }
  return out;
}

/** What `decodeSafetensors` returns: the tensors by name (in header order) and the metadata. */
export interface DecodedSafetensors {
  /** The tensors by name, in header order (each a new tensor the caller owns). */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` string map (`{}` when the file has none). */
  metadata: Record<string, string>;
}

interface Layout {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads safetensors bytes into tensors on the current backend, converting each stored dtype as
 * the module comment says. Every rule of the format is checked before any tensor is made; a
 * broken one is a ValueError naming the problem (and the tensor).
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: tensor([[1, 2], [3, 4]]) }, { metadata: { step: '10' } });
 * // or: new Uint8Array(await (await fetch(url)).arrayBuffer())
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * tensors.w.toArray()   // [[1, 2], [3, 4]]
 * metadata   // { step: '10' }
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array))
    throw new ValueError(
      `decodeSafetensors: expected the file contents as a Uint8Array, got ${describe(bytes)}.`,
    );
  if (bytes.length < 8) throw corrupt(`only ${bytes.length} bytes, fewer than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER))
    throw corrupt(`the header length ${n} exceeds the format's limit of ${MAX_HEADER} bytes`);
  if (n > BigInt(bytes.length - 8))
    throw corrupt(`the header claims ${n} bytes but only ${bytes.length - 8} follow`);
  const base = 8 + Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, base));
  } catch {
    throw corrupt('the header is not valid UTF-8');
  }
  if (!text.startsWith('{'))
    throw corrupt(`the header must start with '{', found ${JSON.stringify(text.slice(0, 8))}`);
  const header = parseJson(text);
  if (!(header instanceof Map)) throw corrupt('the header is not a JSON object');

  const metadata: Record<string, string> = {};
  const layouts: Layout[] = [];
  for (const [name, raw] of header) {
    if (name === '__metadata__') {
      if (!(raw instanceof Map))
        throw corrupt(`'__metadata__' must be an object of strings, found ${describeJson(raw)}`);
      for (const [k, v] of raw) {
        if (typeof v !== 'string')
          throw corrupt(`'__metadata__' entry '${k}' must be a string, found ${describeJson(v)}`);
        Object.defineProperty(metadata, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      continue;
    }
    layouts.push(checkEntry(name, raw));
  }
  checkCoverage(layouts, bytes, base);

  // Convert everything first (conversions can fail), then make the tensors.
  const arrays = layouts.map((l) => convert(l, bytes.subarray(base + l.begin, base + l.end)));
  const tensors: Record<string, Tensor> = {};
  try {
    layouts.forEach((l, i) => {
      const t = fromTypedArray(arrays[i], l.shape, READ[l.dtype].to);
      Object.defineProperty(tensors, l.name, {
        value: t,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

function checkEntry(name: string, raw: unknown): Layout {
  if (!(raw instanceof Map))
    throw corrupt(
      `tensor '${name}' must be an object { dtype, shape, data_offsets }, found ${describeJson(raw)}`,
    );
  const dtype = raw.get('dtype');
  const shape = raw.get('shape');
  const offsets = raw.get('data_offsets');
  if (typeof dtype !== 'string' || !(dtype in READ)) {
    if (typeof dtype === 'string' && UNREAD.includes(dtype))
      throw new ValueError(
        `decodeSafetensors: tensor '${name}' has dtype ${dtype}, which nnet does not read (it reads ${Object.keys(READ).join(', ')}); convert it in PyTorch first, e.g. t.to(torch.int32) or t.float().`,
      );
    throw corrupt(`tensor '${name}' has an unknown dtype ${describeJson(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw corrupt(
      `tensor '${name}' has an invalid shape ${describeJson(shape)} (expected an array of integers ≥ 0)`,
    );
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  )
    throw corrupt(
      `tensor '${name}' has invalid data_offsets ${describeJson(offsets)} (expected [begin, end])`,
    );
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw corrupt(`tensor '${name}' has data_offsets [${begin}, ${end}] that end before they begin`);
  const st = dtype as SafetensorsDType;
  const want = (shape as number[]).reduce((a, d) => a * d, READ[st].bytes);
  if (!Number.isSafeInteger(want) || end - begin !== want)
    throw corrupt(
      `tensor '${name}' (${st}, shape [${shape.join(', ')}]) needs ${want} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  return { name, dtype: st, shape: shape as number[], begin, end };
}

/** The byte ranges must tile the data section: contiguous from 0, no overlap, nothing left over. */
function checkCoverage(layouts: Layout[], bytes: Uint8Array, base: number): void {
  const dataLength = bytes.length - base;
  const sorted = [...layouts].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Layout | null = null;
  for (const l of sorted) {
    if (l.begin < at)
      throw corrupt(
        `tensor '${l.name}' (bytes ${l.begin}..${l.end}) overlaps tensor '${prev!.name}' (bytes ${prev!.begin}..${prev!.end})`,
      );
    if (l.begin > at)
      throw corrupt(
        `bytes ${at}..${l.begin} of the data section belong to no tensor (the next, '${l.name}', begins at ${l.begin})`,
      );
    if (l.end > dataLength)
      throw corrupt(`tensor '${l.name}' ends at byte ${l.end} of a ${dataLength}-byte data section`);
    at = l.end;
    if (l.end > l.begin) prev = l;
  }
  if (at !== dataLength) {
    let spaces = 0;
    while (spaces < dataLength - at && bytes[base + spaces] === 0x20) spaces++;
    const hint =
      spaces > 0 && spaces === dataLength - at
        ? ` (the header length ${base - 8} leaves out the ${spaces} padding spaces after the JSON, which would shift every tensor)`
        : '';
    throw corrupt(`the tensors cover ${at} bytes but the data section holds ${dataLength}${hint}`);
  }
}

function convert(l: Layout, src: Uint8Array): TypedArray {
  // A copy into a fresh, aligned buffer (the data need not be aligned within the file). Not
  // src.slice(): on a Node Buffer that is a view of the whole (pooled) memory.
  const copy = new Uint8Array(src.length);
  copy.set(src);
  const raw = copy.buffer;
  switch (l.dtype) {
    case 'F32':
      return new Float32Array(raw);
    case 'F64':
      return Float32Array.from(new Float64Array(raw)); // JS rounds to nearest, ties to even.
    case 'F16': {
      const table = f16Table();
      return Float32Array.from(new Uint16Array(raw), (h) => table[h]);
    }
    case 'BF16':
      return new Float32Array(Uint32Array.from(new Uint16Array(raw), (h) => h << 16).buffer);
    case 'I32':
      return new Int32Array(raw);
    case 'I16':
      return Int32Array.from(new Int16Array(raw));
    case 'I8':
      return Int32Array.from(new Int8Array(raw));
    case 'U8':
      return Int32Array.from(new Uint8Array(raw));
    case 'I64': {
      const words = new Int32Array(raw);
      const out = new Int32Array(words.length / 2);
      for (let i = 0; i < out.length; i++) {
        const lo = words[2 * i];
        if (words[2 * i + 1] !== lo >> 31) {
          const value = new BigInt64Array(raw)[i];
          throw new ValueError(
            `decodeSafetensors: tensor '${l.name}' (I64) holds ${value} at flat index ${i}, outside int32's range [-2147483648, 2147483647]; nnet stores integers as int32 (clamp or convert in PyTorch first).`,
          );
        }
        out[i] = lo;
      }
      return out;
    }
    case 'BOOL': {
      const out = new Uint8Array(raw);
      const i = out.findIndex((b) => b > 1);
      if (i >= 0)
        throw corrupt(
          `tensor '${l.name}' (BOOL) holds the byte ${out[i]} at flat index ${i}; BOOL bytes are 0 or 1`,
        );
      return out;
    }
  }
}
