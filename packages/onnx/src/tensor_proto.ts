/**
 * Tensor values on the host, and their conversion to and from ONNX's TensorProto.
 *
 * A `HostTensor` holds a constant of the graph (an initializer, a Constant node, a shape computed
 * from a Shape node) as plain numbers, so that shape arithmetic in a PyTorch export (Shape → Gather
 * → Concat → Reshape) runs in JavaScript without reading a tensor back from a backend.
 */
import { sizeOf, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { DataType, type TensorProto } from './proto.js';

/** The element kinds a host constant can have: ONNX float types, integer types, bool. */
export type HostKind = 'float' | 'int' | 'bool';

/** A constant on the host: values row-major in a Float64Array (exact for float32 and int32). */
export interface HostTensor {
  readonly host: true;
  readonly kind: HostKind;
  readonly shape: number[];
  readonly data: Float64Array;
}

/** A host constant of `kind` and `shape`. */
export function host(kind: HostKind, shape: number[], data: ArrayLike<number>): HostTensor {
  if (data.length !== sizeOf(shape)) {
    throw new ValueError(`importOnnx: a constant of shape [${shape.join(', ')}] has ${data.length} values.`);
  }
  return { host: true, kind, shape, data: Float64Array.from(data) };
}

/** An nnet tensor with a host constant's values (float32, int32 or bool). */
export function hostToTensor(h: HostTensor): Tensor {
  const shape = [...h.shape];
  if (h.kind === 'float') return tensor(Float32Array.from(h.data), { shape });
  if (h.kind === 'bool')
    return tensor(
      Uint8Array.from(h.data, (v) => (v ? 1 : 0)),
      { shape, dtype: 'bool' },
    );
  return tensor(Int32Array.from(h.data, clampInt32), { shape });
}

/** int64 values such as INT64_MAX (Slice's "to the end") saturate to the int32 range. */
function clampInt32(v: number): number {
  return Math.max(-2147483648, Math.min(2147483647, v));
}

function kindOf(dataType: number, name: string): HostKind {
  switch (dataType) {
    case DataType.FLOAT:
    case DataType.DOUBLE:
    case DataType.FLOAT16:
      return 'float';
    case DataType.BOOL:
      return 'bool';
    case DataType.INT8:
    case DataType.INT16:
    case DataType.INT32:
    case DataType.INT64:
    case DataType.UINT8:
    case DataType.UINT16:
    case DataType.UINT32:
    case DataType.UINT64:
      return 'int';
    default:
      throw new ValueError(
        `importOnnx: tensor '${name}' has ONNX data type ${dataType}, which nnet cannot hold (strings and complex numbers are not supported).`,
      );
  }
}

/** float16 bits to a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Reads raw_data (little-endian, fixed width) as numbers. */
function readRaw(raw: Uint8Array, dataType: number, count: number, name: string): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width: Record<number, number> = {
    [DataType.FLOAT]: 4,
    [DataType.DOUBLE]: 8,
    [DataType.FLOAT16]: 2,
    [DataType.INT8]: 1,
    [DataType.UINT8]: 1,
    [DataType.BOOL]: 1,
    [DataType.INT16]: 2,
    [DataType.UINT16]: 2,
    [DataType.INT32]: 4,
    [DataType.UINT32]: 4,
    [DataType.INT64]: 8,
    [DataType.UINT64]: 8,
  };
  const w = width[dataType];
  if (raw.byteLength !== w * count) {
    throw new ValueError(
      `importOnnx: tensor '${name}' should hold ${count} values of ${w} bytes in raw_data, but has ${raw.byteLength} bytes; the file is damaged.`,
    );
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * w;
    switch (dataType) {
      case DataType.FLOAT:
        out[i] = view.getFloat32(o, true);
        break;
      case DataType.DOUBLE:
        out[i] = view.getFloat64(o, true);
        break;
      case DataType.FLOAT16:
        out[i] = halfToNumber(view.getUint16(o, true));
        break;
      case DataType.INT8:
        out[i] = view.getInt8(o);
        break;
      case DataType.UINT8:
      case DataType.BOOL:
        out[i] = view.getUint8(o);
        break;
      case DataType.INT16:
        out[i] = view.getInt16(o, true);
        break;
      case DataType.UINT16:
        out[i] = view.getUint16(o, true);
        break;
      case DataType.INT32:
        out[i] = view.getInt32(o, true);
        break;
      case DataType.UINT32:
        out[i] = view.getUint32(o, true);
        break;
      case DataType.INT64:
        out[i] = Number(view.getBigInt64(o, true));
        break;
      default:
        out[i] = Number(view.getBigUint64(o, true));
    }
  }
  return out;
}

/** A TensorProto's values as a host constant. External data is refused with a ValueError. */
export function fromTensorProto(t: TensorProto): HostTensor {
  const name = t.name ?? '(unnamed)';
  const dataType = t.dataType ?? 0;
  const kind = kindOf(dataType, name);
  const shape = (t.dims ?? []).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`importOnnx: tensor '${name}' has invalid dims [${shape.join(', ')}].`);
  }
  if (t.dataLocation === 1 || t.externalData?.length) {
    throw new ValueError(
      `importOnnx: tensor '${name}' keeps its data in an external file; save the model with its weights inside ` +
        '(torch.onnx.export does so below 2 GB).',
    );
  }
  const count = sizeOf(shape);
  let data: Float64Array;
  if (t.rawData && t.rawData.byteLength > 0) data = readRaw(t.rawData, dataType, count, name);
  else {
    let field: number[] =
      (dataType === DataType.FLOAT
        ? t.floatData
        : dataType === DataType.DOUBLE
          ? t.doubleData
          : dataType === DataType.INT64
            ? t.int64Data
            : t.int32Data) ?? [];
    if (dataType === DataType.FLOAT16) field = field.map(halfToNumber);
    if (field.length !== count) {
      throw new ValueError(
        `importOnnx: tensor '${name}' of shape [${shape.join(', ')}] should hold ${count} values but has ${field.length}; the file is damaged.`,
      );
    }
    data = Float64Array.from(field);
  }
  return { host: true, kind, shape, data };
}

/** A float32 TensorProto with `values` in raw_data. */
export function floatTensorProto(name: string, shape: readonly number[], values: Float32Array): TensorProto {
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims: [...shape], dataType: DataType.FLOAT, rawData: bytes };
}

/** An int64 TensorProto (shapes, axes, indices) with `values` in int64_data. */
export function int64TensorProto(
  name: string,
  shape: readonly number[],
  values: readonly number[],
): TensorProto {
  return { name, dims: [...shape], dataType: DataType.INT64, int64Data: [...values] };
}
