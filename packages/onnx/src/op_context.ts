/**
 * What every ONNX op implementation shares: the value type of the graph, typed attribute access
 * and the op context.
 */
import { type Tensor, ValueError } from '@nnet/tensor';
import type { AttributeProto, NodeProto } from './proto.js';
import { fromTensorProto, type HostTensor, hostToTensor } from './tensor_proto.js';

/** A value in the graph: a tensor, or a constant kept on the host. */
export type Value = Tensor | HostTensor;

export const isHost = (v: Value | null): v is HostTensor => v !== null && (v as HostTensor).host === true;

/** Typed access to a node's attributes with ONNX's defaults. */
export class Attrs {
  private readonly map = new Map<string, AttributeProto>();
  constructor(readonly node: NodeProto) {
    for (const a of node.attribute ?? []) this.map.set(a.name ?? '', a);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  int(name: string, d: number): number {
    const a = this.map.get(name);
    return a ? Number(a.i ?? 0) : d;
  }
  float(name: string, d: number): number {
    const a = this.map.get(name);
    return a ? (a.f ?? 0) : d;
  }
  ints(name: string, d: number[]): number[] {
    const a = this.map.get(name);
    return a ? (a.ints ?? []).map(Number) : d;
  }
  floats(name: string): number[] | null {
    const a = this.map.get(name);
    return a ? (a.floats ?? []) : null;
  }
  string(name: string, d: string): string {
    const a = this.map.get(name);
    return a?.s ? new TextDecoder().decode(a.s) : d;
  }
  strings(name: string): string[] | null {
    const a = this.map.get(name);
    return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : null;
  }
  tensor(name: string): HostTensor | null {
    const a = this.map.get(name);
    return a?.t ? fromTensorProto(a.t) : null;
  }
  type(name: string): number | undefined {
    return this.map.get(name)?.type;
  }
}

/** What an op sees: its node, attributes and the model's opset. */
export interface OpContext {
  node: NodeProto;
  attrs: Attrs;
  opset: number;
}

export interface OpDef {
  check?: (c: OpContext) => string | null;
  host?: (inputs: (HostTensor | null)[], c: OpContext) => HostTensor[];
  run: (inputs: (Value | null)[], c: OpContext) => Value[];
}

/** A tensor from a value (host constants are uploaded; they are freed with the forward's scope). */
export function asTensor(v: Value | null, c: OpContext, i: number): Tensor {
  if (v === null)
    throw new ValueError(`importOnnx: ${c.node.opType} '${c.node.name}' is missing input ${i}.`);
  return isHost(v) ? hostToTensor(v) : v;
}
