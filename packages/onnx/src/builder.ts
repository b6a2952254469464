/**
 * `GraphBuilder`: collects the nodes and initializers of one ONNX graph while the exporter walks a
 * model, giving every value a unique name.
 */
import type { Tensor } from '@nnet/tensor';
import { type AttributeProto, AttributeType, type NodeProto, type TensorProto } from './proto.js';
import { int64TensorProto } from './tensor_proto.js';

/** Attribute constructors: `attr.int('axis', 1)`, `attr.ints('pads', [1, 1, 1, 1])`, ... */
export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  ints: (name: string, ints: readonly number[]): AttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: [...ints],
  }),
  string: (name: string, s: string): AttributeProto => ({
    name,
    type: AttributeType.STRING,
    s: new TextEncoder().encode(s),
  }),
  strings: (name: string, strings: readonly string[]): AttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: strings.map((s) => new TextEncoder().encode(s)),
  }),
};

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  /** Float initializers whose values are read from the model's tensors when the graph is finished. */
  readonly floatInits: { name: string; value: Tensor }[] = [];
  readonly constInits: TensorProto[] = [];
  private readonly used = new Set<string>();
  private nodeCount = 0;

  constructor(readonly opset: number) {}

  /** `base`, or `base_1`, `base_2`, ... if taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A float initializer holding `value` (read when the model is serialised). */
  weight(name: string, value: Tensor): string {
    const n = this.unique(name);
    this.floatInits.push({ name: n, value });
    return n;
  }

  /** An int64 initializer, for shapes and axes. */
  int64s(values: readonly number[], base = 'const', shape: readonly number[] = [values.length]): string {
    const n = this.unique(base);
    this.constInits.push(int64TensorProto(n, shape, values));
    return n;
  }

  /** Appends a node with one output and returns that output's name. */
  node(opType: string, inputs: readonly string[], attributes: AttributeProto[] = [], scope = ''): string {
    const out = this.unique(`${scope ? `${scope}/` : ''}${opType}_out`);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [out],
      name: this.unique(`${scope ? `${scope}/` : ''}${opType}_${this.nodeCount++}`),
      attribute: attributes,
    });
    return out;
  }
}
