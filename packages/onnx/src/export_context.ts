/**
 * What every exporter shares: a traced value (a graph name with nnet's value of it on the
 * example), the export's state (`Export`: the graph plus the tensors made while tracing) and the
 * small helpers the layer translations use.
 */
import type { Module } from '@nnet/layers';
import { full, type Tensor } from '@nnet/tensor';
import { GraphBuilder } from './builder.js';

export interface Val {
  name: string;
  value: Tensor;
}

export type Emit = (b: Export, m: Module, scope: string, x: Val) => Val;

/** Per-export options that change what a root module computes (MultiheadAttention's outputs). */
export interface TraceOptions {
  needWeights: boolean;
  averageAttnWeights: boolean;
}

/**
 * How a module with several tensor arguments (masks, memory) or several outputs is exported as the
 * root of a graph: its forward's tensor arguments in order (the default graph input names, PyTorch's
 * argument names), its outputs, the translation and nnet's own run of it (for the dynamic-axes probe).
 * A null input is an argument not given (no graph input).
 */
export interface Signature {
  inputs: readonly string[];
  /** How many leading inputs must be given. */
  required: number;
  outputs: (o: TraceOptions) => string[];
  emit: (b: Export, m: Module, inputs: (Val | null)[], o: TraceOptions) => Val[];
  run: (m: Module, inputs: (Tensor | null)[], o: TraceOptions) => Tensor[];
}

/** State of one export: the graph and the tensors made while tracing (freed at the end). */
export class Export extends GraphBuilder {
  readonly owned: Tensor[] = [];
  own<T extends Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }
  /** A float scalar initializer (an ONNX constant such as -inf or √d). */
  scalar(name: string, v: number): string {
    return this.weight(name, this.own(full([], v)));
  }
  /** The node output `name` with nnet's value of it on the example. */
  val(name: string, value: Tensor): Val {
    return { name, value: this.own(value) };
  }
}

export const pair = (v: number | readonly number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** Runs `body` on a 4-D view of a 3-D [C, H, W] input (ONNX's image ops need the batch dim). */
export function withBatch(b: Export, x: Val, scope: string, body: (name: string) => string): string {
  if (x.value.ndim !== 3) return body(x.name);
  const axes = b.int64s([0], `${scope}/axes`);
  const y = body(b.node('Unsqueeze', [x.name, axes], [], scope));
  return b.node('Squeeze', [y, axes], [], scope);
}

/**
 * A configuration field that @nnet/layers keeps private (Conv2d's and ConvTranspose2d's `options`,
 * the recurrent layers' `cell`); read at run time until the layers expose them.
 */
export function configOf<T>(m: Module, key: string): T {
  return (m as unknown as Record<string, T>)[key];
}

export function paramOf(m: Module, name: string): Tensor | null {
  return m.namedParameters().find(([n]) => n === name)?.[1] ?? null;
}
