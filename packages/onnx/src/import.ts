/**
 * `importOnnx(bytes)`: an ONNX file (for example from `torch.onnx.export`) as an nnet Module.
 *
 * Float initializers become Parameters (or buffers, for BatchNormalization's running statistics)
 * under their names in the file, which for a PyTorch export are the state-dict names ("0.weight",
 * "2.running_mean"); integer initializers and Constant nodes stay on the host as constants. The
 * forward runs the graph's nodes in order with @nnet/tensor ops.
 */
import { Module, Parameter } from '@nnet/layers';
import { DTypeError, fmtShape, ShapeError, type Tensor, tidy, ValueError } from '@nnet/tensor';
import { UnsupportedOpError } from './errors.js';
import { Attrs, isHost, type OpContext, type Value } from './op_context.js';
import { OPS } from './ops.js';
import { DataType, decodeModel, type GraphProto, type NodeProto, type ValueInfoProto } from './proto.js';
import { fromTensorProto, type HostTensor, hostToTensor } from './tensor_proto.js';

/**
 * The default-domain opsets `importOnnx` reads (PyTorch 1.13 writes 9 to 17; 14 by default).
 *
 * @example
 * ```ts
 * SUPPORTED_IMPORT_OPSETS.includes(14); // true
 * ```
 */
export const SUPPORTED_IMPORT_OPSETS: readonly number[] = [9, 10, 11, 12, 13, 14, 15, 16, 17];

/** A module that only holds parameters and buffers, so that dotted names nest like PyTorch's. */
class ParameterGroup extends Module {
  forward(): Tensor {
    throw new ValueError(
      'importOnnx: this module only holds parameters of an imported graph; call the root module.',
    );
  }
  add(name: string, t: Tensor, buffer: boolean): void {
    if (buffer) this.registerBuffer(name, t);
    else this.registerParameter(name, new Parameter(t));
  }
  child(name: string): ParameterGroup {
    const found = this.namedChildren().find(([n]) => n === name)?.[1];
    return (found as ParameterGroup | undefined) ?? this.registerModule(name, new ParameterGroup());
  }
}

interface GraphInput {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  /** Static dims, or null where the file names a symbolic (dynamic) dim or gives none. */
  shape: (number | null)[] | null;
}

function describeInput(v: ValueInfoProto): GraphInput {
  const t = v.type?.tensorType;
  const elem = t?.elemType ?? DataType.FLOAT;
  const dtype =
    elem === DataType.BOOL
      ? 'bool'
      : elem === DataType.FLOAT || elem === DataType.DOUBLE || elem === DataType.FLOAT16
        ? 'float32'
        : 'int32';
  const shape = t?.shape
    ? (t.shape.dim ?? []).map((d) =>
        d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? Number(d.dimValue) : null,
      )
    : null;
  return { name: v.name ?? '', dtype, shape };
}

/**
 * An imported ONNX graph as a Module. `forward(...inputs)` takes the graph's inputs in order and
 * returns its first output; `run` returns every output by name. Parameters train like any
 * module's (the graph is differentiable wherever its ops are). Made by `importOnnx`.
 *
 * Shapes: the graph's; inputs must match its static dims, symbolic dims take any size.
 *
 * @example
 * ```ts
 * const bytes = await exportOnnx(new Linear(6, 3), randn([1, 6]), { dynamicAxes: { input: { 0: 'batch' } } });
 * const model = importOnnx(bytes); // as from a torch.onnx.export of nn.Linear(6, 3)
 * model.inputNames; // ['input']
 * model.forward(randn([5, 6])).shape; // [5, 3]
 * const { output } = model.run({ input: randn([2, 6]) });
 * output.shape; // [2, 3]
 * ```
 */
export class OnnxModule extends Module {
  /** The graph's input names, in the order `forward` takes them. */
  readonly inputNames: string[];
  /** The graph's output names. */
  readonly outputNames: string[];
  /** The file's default-domain opset. */
  readonly opset: number;
  private readonly inputs: GraphInput[];
  private readonly nodes: { node: NodeProto; ctx: OpContext }[];
  private readonly tensors = new Map<string, Tensor>();
  private readonly constants = new Map<string, HostTensor>();

  /** @internal Built by `importOnnx`. */
  constructor(graph: GraphProto, opset: number, bufferNames: Set<string>) {
    super();
    this.opset = opset;
    const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
    this.inputs = (graph.input ?? []).filter((v) => !inits.has(v.name ?? '')).map(describeInput);
    this.inputNames = this.inputs.map((i) => i.name);
    this.outputNames = (graph.output ?? []).map((o) => o.name ?? '');
    for (const [name, proto] of inits) {
      const h = fromTensorProto(proto);
      if (h.kind !== 'float') {
        this.constants.set(name, h);
        continue;
      }
      const t = hostToTensor(h);
      this.register(name, t, bufferNames.has(name));
    }
    this.nodes = [];
    for (const node of graph.node ?? []) {
      const ctx = { node, attrs: new Attrs(node), opset };
      // Constant nodes are decoded once, here, instead of on every forward.
      const name = node.output?.[0];
      if (node.opType === 'Constant' && name)
        this.constants.set(name, OPS.Constant.run([], ctx)[0] as HostTensor);
      else this.nodes.push({ node, ctx });
    }
  }

  /** Registers an initializer under its dotted name ("0.weight" → child "0", parameter "weight"). */
  private register(name: string, t: Tensor, buffer: boolean): void {
    const parts = name.split('.');
    const nested = parts.length > 1 && parts.every((p) => p.length > 0);
    const leaf = nested ? parts.pop()! : name.replaceAll('.', '_') || 'unnamed';
    let owner: ParameterGroup | null = null;
    for (const p of nested ? parts : []) owner = owner ? owner.child(p) : this.child(p);
    const target: Module = owner ?? this;
    if (owner) owner.add(leaf, t, buffer);
    else if (buffer) this.registerBuffer(leaf, t);
    else this.registerParameter(leaf, new Parameter(t));
    const stored = buffer
      ? target.namedBuffers().find(([n]) => n === leaf)![1]
      : target.namedParameters().find(([n]) => n === leaf)![1];
    if (stored !== t) t.dispose();
    this.tensors.set(name, stored);
  }

  private child(name: string): ParameterGroup {
    const found = this.namedChildren().find(([n]) => n === name)?.[1];
    return (found as ParameterGroup | undefined) ?? this.registerModule(name, new ParameterGroup());
  }

  /**
   * Every output by name; `inputs` in `inputNames` order or by name.
   *
   * @example
   * ```ts
   * const bytes = await exportOnnx(new Linear(6, 3), randn([1, 6]), { dynamicAxes: { input: { 0: 'batch' } } });
   * const model = importOnnx(bytes); // as from a torch.onnx.export of nn.Linear(6, 3)
   * const { output } = model.run({ input: randn([2, 6]) });
   * output.shape; // [2, 3]
   * ```
   */
  run(inputs: Tensor[] | Record<string, Tensor>): Record<string, Tensor> {
    const given = Array.isArray(inputs)
      ? inputs
      : this.inputNames.map((n) => {
          if (!(n in inputs)) {
            throw new ValueError(
              `OnnxModule.run: input '${n}' is missing; the graph takes ${this.inputNames.join(', ')}.`,
            );
          }
          return inputs[n];
        });
    if (given.length !== this.inputs.length) {
      throw new ValueError(
        `OnnxModule: the graph takes ${this.inputs.length} input(s) (${this.inputNames.join(', ')}), got ${given.length}.`,
      );
    }
    given.forEach((t, i) => this.checkInput(t, this.inputs[i]));
    return tidy(() => {
      const values = new Map<string, Value>();
      for (const [n, t] of this.tensors) values.set(n, t);
      for (const [n, h] of this.constants) values.set(n, h);
      this.inputs.forEach((inp, i) => values.set(inp.name, given[i]));
      for (const { node, ctx } of this.nodes) {
        const op = OPS[node.opType ?? ''];
        const args = (node.input ?? []).map((n) => (n ? (values.get(n) ?? null) : null));
        const present = args.filter((a) => a !== null);
        const out =
          op.host && present.length > 0 && present.every(isHost)
            ? op.host(args as (HostTensor | null)[], ctx)
            : op.run(args, ctx);
        (node.output ?? []).forEach((n, i) => {
          if (n && out[i] !== undefined) values.set(n, out[i]);
        });
      }
      const result: Record<string, Tensor> = {};
      for (const n of this.outputNames) {
        const v = values.get(n)!;
        // A returned tensor that is an input or a parameter is given back as a new view.
        result[n] = isHost(v) ? hostToTensor(v) : v.reshape(v.shape);
      }
      return result;
    });
  }

  private checkInput(t: Tensor, want: GraphInput): void {
    t._check(`OnnxModule input '${want.name}'`);
    if (t.dtype !== want.dtype) {
      throw new DTypeError(
        `OnnxModule: input '${want.name}' must be ${want.dtype}${want.dtype === 'int32' ? ' (the file says an integer type; nnet holds indices as int32)' : ''}, got ${t.dtype}; use t.to('${want.dtype}').`,
      );
    }
    const s = want.shape;
    if (s && (s.length !== t.ndim || s.some((d, i) => d !== null && d !== t.shape[i]))) {
      throw new ShapeError(
        `OnnxModule: input '${want.name}' must have shape [${s.map((d) => d ?? '?').join(', ')}] (? = any size), got ${fmtShape(t.shape)}.`,
      );
    }
  }

  /**
   * The first output of the graph for inputs in `inputNames` order (other outputs are freed).
   *
   * @example
   * ```ts
   * const bytes = await exportOnnx(new Linear(6, 3), randn([1, 6]), { dynamicAxes: { input: { 0: 'batch' } } });
   * const model = importOnnx(bytes); // as from a torch.onnx.export of nn.Linear(6, 3)
   * model.forward(randn([5, 6])).shape; // [5, 3]
   * ```
   */
  forward(...inputs: Tensor[]): Tensor {
    const out = this.run(inputs);
    const first = out[this.outputNames[0]];
    for (const n of this.outputNames.slice(1)) out[n].dispose();
    return first;
  }

  override extraRepr(): string {
    return `inputs=[${this.inputNames.join(', ')}], outputs=[${this.outputNames.join(', ')}], nodes=${this.nodes.length}, opset=${this.opset}`;
  }
}

/** Checks the graph's wiring; a malformed one throws ValueError listing every problem. */
function checkGraph(graph: GraphProto): void {
  const problems: string[] = [];
  const known = new Set<string>();
  for (const t of graph.initializer ?? []) known.add(t.name ?? '');
  for (const v of graph.input ?? []) known.add(v.name ?? '');
  if (!graph.output?.length) problems.push('the graph has no outputs');
  for (const node of graph.node ?? []) {
    for (const n of node.input ?? []) {
      if (n && !known.has(n))
        problems.push(
          `node '${node.name ?? ''}' (${node.opType}) reads '${n}', which nothing before it produces`,
        );
    }
    for (const n of node.output ?? []) if (n) known.add(n);
  }
  for (const o of graph.output ?? []) {
    if (!known.has(o.name ?? '')) problems.push(`output '${o.name}' is produced by no node`);
  }
  if (problems.length) {
    throw new ValueError(`importOnnx: the graph is malformed: ${problems.join('; ')}.`);
  }
}

/**
 * Builds an nnet Module from the bytes of an ONNX file. Supported: the default domain at opsets
 * 9–17, the ops that PyTorch writes for the layers of @nnet/layers (Gemm, MatMul, Conv,
 * ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, LayerNormalization,
 * Gather, the activations, RNN/LSTM/GRU, and the shape ops around them). Every node that cannot
 * run is listed in one UnsupportedOpError; bytes that are not a well-formed model throw ValueError.
 *
 * Shapes: whatever the graph declares; dims the file names symbolically (dynamic axes) take any size.
 * Integer inputs (token ids) are given as int32 tensors.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 *
 * const model = importOnnx(new Uint8Array(readFileSync('mlp.onnx'))); // exportOnnx's example wrote it
 * model.forward(randn([5, 4])).shape; // [5, 2]
 * console.log(model.namedParameters().map(([n]) => n)); // ['0.weight', '0.bias', ...]
 * ```
 */
export function importOnnx(bytes: Uint8Array): OnnxModule {
  const model = decodeModel(bytes, 'importOnnx');
  const graph = model.graph!;
  const domains = new Map((model.opsetImport ?? []).map((o) => [o.domain ?? '', Number(o.version ?? 0)]));
  const opset = domains.get('') ?? domains.get('ai.onnx');
  if (opset === undefined || !SUPPORTED_IMPORT_OPSETS.includes(opset)) {
    throw new ValueError(
      `importOnnx: the model uses default-domain opset ${opset ?? '(none)'}; supported are ${SUPPORTED_IMPORT_OPSETS[0]}–${SUPPORTED_IMPORT_OPSETS.at(-1)}. ` +
        `Re-export it with opset_version in that range.`,
    );
  }
  checkGraph(graph);
  const bad: { opType: string; name: string; reason: string }[] = [];
  const bufferNames = new Set<string>();
  for (const node of graph.node ?? []) {
    const opType = node.opType ?? '';
    const name = node.name ?? '';
    const domain = node.domain ?? '';
    const op = OPS[opType];
    let reason: string | null = null;
    if (domain !== '' && domain !== 'ai.onnx') reason = `domain '${domain}' is not supported`;
    else if (!op) reason = 'no nnet implementation';
    else reason = op.check?.({ node, attrs: new Attrs(node), opset }) ?? null;
    if (reason) bad.push({ opType, name, reason });
    if (opType === 'BatchNormalization') for (const n of (node.input ?? []).slice(3, 5)) bufferNames.add(n);
  }
  if (bad.length) {
    throw new UnsupportedOpError(
      `importOnnx: ${bad.length} node(s) cannot run in nnet: ${bad.map((b) => `${b.opType} '${b.name}' (${b.reason})`).join('; ')}.`,
      bad,
    );
  }
  return new OnnxModule(graph, opset, bufferNames);
}
