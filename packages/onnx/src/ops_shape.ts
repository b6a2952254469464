/**
 * The importer's shape and data-movement ops: each has a `host` version where it can (shape
 * arithmetic on constants) and a tensor version. Also Constant, ConstantOfShape, Cast and Identity.
 */
import {
  cat,
  type DType,
  DTypeError,
  indexSelect,
  sizeOf,
  type Tensor,
  tensor,
  ValueError,
  where,
} from '@nnet/tensor';
import { axis, hostConcat, hostGather, hostTranspose, reshapeTarget, sliceBounds, take } from './host_ops.js';
import { asTensor, isHost, type OpContext, type OpDef, type Value } from './op_context.js';
import { DataType } from './proto.js';
import { type HostKind, type HostTensor, host } from './tensor_proto.js';

/** A host constant (shapes, axes, pads): the value must not depend on the model's input data. */
function asHost(v: Value | null, c: OpContext, what: string): HostTensor {
  if (v === null || !isHost(v)) {
    throw new ValueError(
      `importOnnx: ${c.node.opType} '${c.node.name}' needs its ${what} as a constant, but it is computed from the input data; nnet reads no data back during a forward.`,
    );
  }
  return v;
}

const ints = (h: HostTensor): number[] => Array.from(h.data);

/** The dtype an ONNX data type becomes in nnet. */
function dtypeOf(onnxType: number): DType {
  if (onnxType === DataType.BOOL) return 'bool';
  if (onnxType === DataType.FLOAT || onnxType === DataType.DOUBLE || onnxType === DataType.FLOAT16) {
    return 'float32';
  }
  return 'int32';
}

const kindOf = (d: DType): HostKind => (d === 'float32' ? 'float' : d === 'int32' ? 'int' : 'bool');

/** Axes from the attribute (before `inputFrom`) or from input 1 (from that opset on). */
export function axesOf(inputs: (Value | null)[], c: OpContext, inputFrom: number): number[] | null {
  if (c.opset >= inputFrom) return inputs[1] ? ints(asHost(inputs[1], c, 'axes')) : null;
  return c.attrs.has('axes') ? c.attrs.ints('axes', []) : null;
}

function unsqueezeShape(shape: readonly number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const at = new Set(axes.map((a) => axis('Unsqueeze', a, rank)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[j++]);
  return out;
}

function squeezeShape(shape: readonly number[], axes: number[] | null): number[] {
  if (!axes) return shape.filter((d) => d !== 1);
  const at = new Set(axes.map((a) => axis('Squeeze', a, shape.length)));
  return shape.filter((_, i) => !at.has(i));
}

const reshaped = (h: HostTensor, shape: number[]): HostTensor => ({ ...h, shape });

const unsqueeze: OpDef = {
  host: ([x, a], c) => [reshaped(x!, unsqueezeShape(x!.shape, axesOf([x, a], c, 13) ?? []))],
  run: ([x, a], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(unsqueezeShape(t.shape, axesOf([x, a], c, 13) ?? []))];
  },
};

const squeeze: OpDef = {
  host: ([x, a], c) => [reshaped(x!, squeezeShape(x!.shape, axesOf([x, a], c, 13)))],
  run: ([x, a], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(squeezeShape(t.shape, axesOf([x, a], c, 13)))];
  },
};

const reshape: OpDef = {
  host: ([x, s], c) => [reshaped(x!, reshapeTarget(x!.shape, ints(s!), c.attrs.int('allowzero', 0) === 1))],
  run: ([x, s], c) => {
    const t = asTensor(x, c, 0);
    const target = ints(asHost(s, c, 'shape'));
    return [t.reshape(reshapeTarget(t.shape, target, c.attrs.int('allowzero', 0) === 1))];
  },
};

function flattenShape(shape: readonly number[], c: OpContext): number[] {
  const raw = c.attrs.int('axis', 1);
  const a = raw < 0 ? raw + shape.length : raw;
  if (a < 0 || a > shape.length) throw new ValueError(`importOnnx: Flatten axis ${raw} is out of range.`);
  return [sizeOf(shape.slice(0, a)), sizeOf(shape.slice(a))];
}

const flatten: OpDef = {
  host: ([x], c) => [reshaped(x!, flattenShape(x!.shape, c))],
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    return [t.reshape(flattenShape(t.shape, c))];
  },
};

const shapeOp: OpDef = {
  run: ([x], c) => {
    const s = isHost(x) ? x.shape : asTensor(x, c, 0).shape;
    const r = s.length;
    const norm = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = norm(c.attrs.int('start', 0));
    const end = norm(c.attrs.int('end', r));
    const dims = s.slice(start, Math.max(start, end));
    return [host('int', [dims.length], dims)];
  },
};

function perm(c: OpContext, rank: number): number[] {
  return c.attrs.ints(
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
}

const transpose: OpDef = {
  host: ([x], c) => [hostTranspose(x!, perm(c, x!.shape.length))],
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    return [t.permute(perm(c, t.ndim))];
  },
};

function sliceArgs(inputs: (Value | null)[], c: OpContext, shape: readonly number[]) {
  const rank = shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[];
  let steps: number[];
  if (c.opset >= 10) {
    starts = ints(asHost(inputs[1], c, 'starts'));
    ends = ints(asHost(inputs[2], c, 'ends'));
    axes = inputs[3] ? ints(asHost(inputs[3], c, 'axes')) : starts.map((_, i) => i);
    steps = inputs[4] ? ints(asHost(inputs[4], c, 'steps')) : starts.map(() => 1);
  } else {
    starts = c.attrs.ints('starts', []);
    ends = c.attrs.ints('ends', []);
    axes = c.attrs.ints(
      'axes',
      starts.map((_, i) => i),
    );
    steps = starts.map(() => 1);
  }
  const per: number[][] = shape.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((a, i) => {
    const ax = axis('Slice', a, rank);
    per[ax] = sliceBounds(shape[ax], starts[i], ends[i], steps[i]);
  });
  return per;
}

const slice: OpDef = {
  host: (inputs, c) => [take(inputs[0]!, sliceArgs(inputs, c, inputs[0]!.shape))],
  run: (inputs, c) => {
    let t = asTensor(inputs[0], c, 0);
    const per = sliceArgs(inputs, c, t.shape);
    per.forEach((ix, d) => {
      if (ix.length === t.shape[d]) return;
      const step = ix.length > 1 ? ix[1] - ix[0] : 1;
      t = ix.length === 0 ? t.narrow(d, 0, 0) : t.slice(d, ix[0], ix[ix.length - 1] + 1, step);
    });
    return [t];
  },
};

const concat: OpDef = {
  host: (inputs, c) => [hostConcat(inputs.filter((v) => v !== null) as HostTensor[], c.attrs.int('axis', 0))],
  run: (inputs, c) => [
    cat(
      inputs.filter((v) => v !== null).map((v, i) => asTensor(v, c, i)),
      c.attrs.int('axis', 0),
    ),
  ],
};

const gather: OpDef = {
  host: ([d, i], c) => [hostGather(d!, i!, c.attrs.int('axis', 0))],
  run: ([d, i], c) => {
    const data = asTensor(d, c, 0);
    const a = axis('Gather', c.attrs.int('axis', 0), data.ndim);
    const dim = data.shape[a];
    let idx: Tensor;
    let idxShape: number[];
    if (isHost(i)) {
      idxShape = [...i.shape];
      idx = tensor(Int32Array.from(i.data, (v) => (v < 0 ? v + dim : v)));
    } else {
      const t = asTensor(i, c, 1);
      if (t.dtype !== 'int32') {
        throw new DTypeError(
          `importOnnx: Gather '${c.node.name}' needs integer indices, got ${t.dtype}; pass indices as an int32 tensor.`,
        );
      }
      idxShape = [...t.shape];
      const flat = t.reshape([t.size]);
      idx = where(flat.lt(0), flat.add(dim), flat);
    }
    const rows = indexSelect(data, a, idx);
    return [rows.reshape([...data.shape.slice(0, a), ...idxShape, ...data.shape.slice(a + 1)])];
  },
};

const expand: OpDef = {
  run: ([x, s], c) => {
    const t = asTensor(x, c, 0);
    const target = ints(asHost(s, c, 'shape'));
    const r = Math.max(t.ndim, target.length);
    const a = [...new Array<number>(r - t.ndim).fill(1), ...t.shape];
    const b = [...new Array<number>(r - target.length).fill(1), ...target];
    return [t.expand(a.map((d, k) => (d === 1 ? b[k] : d)))];
  },
};

const constantOfShape: OpDef = {
  run: ([s], c) => {
    const shape = ints(asHost(s, c, 'shape'));
    const v = c.attrs.tensor('value');
    const kind = v?.kind ?? 'float';
    return [host(kind, shape, new Float64Array(sizeOf(shape)).fill(v ? v.data[0] : 0))];
  },
};

const constant: OpDef = {
  check: (c) => {
    for (const n of ['sparse_value', 'value_string', 'value_strings']) {
      if (c.attrs.has(n)) return `${n} is not supported`;
    }
    return null;
  },
  run: (_, c) => {
    const t = c.attrs.tensor('value');
    if (t) return [t];
    if (c.attrs.has('value_float')) return [host('float', [], [c.attrs.float('value_float', 0)])];
    const fs = c.attrs.floats('value_floats');
    if (fs) return [host('float', [fs.length], fs)];
    if (c.attrs.has('value_int')) return [host('int', [], [c.attrs.int('value_int', 0)])];
    const is = c.attrs.ints('value_ints', []);
    return [host('int', [is.length], is)];
  },
};

const castOp: OpDef = {
  host: ([x], c) => {
    const kind = kindOf(dtypeOf(c.attrs.int('to', DataType.FLOAT)));
    return [
      host(
        kind,
        x!.shape,
        Array.from(x!.data, (v) =>
          kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v ? 1 : 0) : Math.fround(v),
        ),
      ),
    ];
  },
  run: ([x], c) => [asTensor(x, c, 0).to(dtypeOf(c.attrs.int('to', DataType.FLOAT)))],
};

const identity: OpDef = { host: ([x]) => [x!], run: ([x]) => [x!] };

/** The shape, constant and cast ops, by op_type. */
export const SHAPE_OPS: Record<string, OpDef> = {
  Cast: castOp,
  Concat: concat,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Expand: expand,
  Flatten: flatten,
  Gather: gather,
  Identity: identity,
  Reshape: reshape,
  Shape: shapeOp,
  Slice: slice,
  Squeeze: squeeze,
  Transpose: transpose,
  Unsqueeze: unsqueeze,
};
