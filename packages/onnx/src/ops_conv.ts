/**
 * The importer's convolution and pooling ops (2-D; Conv of other ranks goes through `convAnyRank`):
 * Conv, ConvTranspose, MaxPool, AveragePool and GlobalAveragePool.
 */
import { avgPool2d, conv2d, convTranspose2d, maxPool2d, type Tensor, ValueError } from '@nnet/tensor';
import { asTensor, type OpContext, type OpDef } from './op_context.js';
import { convAnyRank } from './ops_extra.js';

/** Symmetric 2-D pads [top, left, bottom, right] → [padH, padW], or why not. */
function pads2d(c: OpContext): [number, number] | string {
  const autoPad = c.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [0, 0];
  if (autoPad !== 'NOTSET') return `auto_pad=${autoPad} is not supported (only NOTSET and VALID)`;
  const p = c.attrs.ints('pads', [0, 0, 0, 0]);
  if (p.length !== 4) return `pads of length ${p.length} (only 2-D ops are supported)`;
  if (p[0] !== p[2] || p[1] !== p[3]) return `asymmetric pads [${p.join(', ')}] are not supported`;
  return [p[0], p[1]];
}

function check2d(c: OpContext, extra: [string, number, number][] = []): string | null {
  const pads = pads2d(c);
  if (typeof pads === 'string') return pads;
  const k = c.attrs.ints('kernel_shape', [0, 0]);
  if (k.length !== 2) return `a ${k.length}-D kernel (only 2-D ops are supported)`;
  for (const [name, value, want] of extra) {
    if (value !== want) return `${name}=${value} is not supported (only ${want})`;
  }
  return null;
}

function pair(c: OpContext, name: string, d: number): [number, number] {
  const v = c.attrs.ints(name, [d, d]);
  return [v[0], v[1]];
}

function require4d(t: Tensor, c: OpContext): void {
  if (t.ndim !== 4) {
    throw new ValueError(
      `importOnnx: ${c.node.opType} '${c.node.name}' got a ${t.ndim}-D input [${t.shape.join(', ')}]; only 2-D images [N, C, H, W] are supported.`,
    );
  }
}

const conv: OpDef = {
  check: (c) => check2d(c),
  run: ([x, w, b], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const pads = pads2d(c) as [number, number];
    return [
      conv2d(t, asTensor(w, c, 1), b ? asTensor(b, c, 2) : null, {
        stride: pair(c, 'strides', 1),
        padding: pads,
        dilation: pair(c, 'dilations', 1),
        groups: c.attrs.int('group', 1),
      }),
    ];
  },
};

const convTranspose: OpDef = {
  check: (c) =>
    c.attrs.has('output_shape') ? 'output_shape is not supported (give pads and output_padding)' : check2d(c),
  run: ([x, w, b], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    return [
      convTranspose2d(t, asTensor(w, c, 1), b ? asTensor(b, c, 2) : null, {
        stride: pair(c, 'strides', 1),
        padding: pads2d(c) as [number, number],
        outputPadding: pair(c, 'output_padding', 0),
        dilation: pair(c, 'dilations', 1),
        groups: c.attrs.int('group', 1),
      }),
    ];
  },
};

function poolCheck(c: OpContext): string | null {
  if ((c.node.output ?? []).filter(Boolean).length > 1) return 'the Indices output is not supported';
  const d = c.attrs.ints('dilations', [1, 1]);
  if (d.some((v) => v !== 1)) return `dilations [${d.join(', ')}] are not supported`;
  return check2d(c, [
    ['ceil_mode', c.attrs.int('ceil_mode', 0), 0],
    ['storage_order', c.attrs.int('storage_order', 0), 0],
  ]);
}

const maxPool: OpDef = {
  check: poolCheck,
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const k = pair(c, 'kernel_shape', 1);
    return [maxPool2d(t, k, { stride: pair(c, 'strides', 1), padding: pads2d(c) as [number, number] })];
  },
};

const averagePool: OpDef = {
  check: poolCheck,
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    const k = pair(c, 'kernel_shape', 1);
    return [
      avgPool2d(t, k, {
        stride: pair(c, 'strides', 1),
        padding: pads2d(c) as [number, number],
        countIncludePad: c.attrs.int('count_include_pad', 0) === 1,
      }),
    ];
  },
};
const globalAveragePool: OpDef = {
  run: ([x], c) => {
    const t = asTensor(x, c, 0);
    require4d(t, c);
    return [t.mean([2, 3], true)];
  },
};

/** The convolution and pooling ops, by op_type. */
export const CONV_OPS: Record<string, OpDef> = {
  AveragePool: averagePool,
  Conv: convAnyRank(conv),
  ConvTranspose: convTranspose,
  GlobalAveragePool: globalAveragePool,
  MaxPool: maxPool,
};
