/**
 * Errors of @nnet/onnx. Both extend @nnet/tensor's `NNetError`; a malformed file is the tensor
 * package's `ValueError`.
 */
import { NNetError } from '@nnet/tensor';

/**
 * `exportOnnx` met modules it has no ONNX translation for. `modules` lists each one as
 * `{ path, type }` (the dotted path in the model, '' for the root, and the class name).
 *
 * @example
 * ```ts
 * class MyBlock extends Module {
 *   forward(x: Tensor): Tensor {
 *     return x.mul(2);
 *   }
 * }
 * try {
 *   await exportOnnx(new MyBlock(), randn([2, 3]));
 * } catch (e) {
 *   if (e instanceof UnsupportedModuleError) console.log(e.modules); // [{ path: '', type: 'MyBlock' }]
 * }
 * ```
 */
export class UnsupportedModuleError extends NNetError {
  /** `'UnsupportedModuleError'`: what `e.name`, `String(e)` and the stack trace show. */
  override name = 'UnsupportedModuleError';
  /**
   * Every module exportOnnx cannot translate, in model order: a class it has no translation for, or
   * a supported one in a form ONNX cannot express (a BatchNorm without running statistics). The
   * message names the same ones.
   *
   * @example
   * ```ts
   * class MyBlock extends Module {
   *   forward(x: Tensor): Tensor {
   *     return x.mul(2);
   *   }
   * }
   * const model = new Sequential(new Linear(3, 3), new MyBlock());
   * const e = await exportOnnx(model, randn([2, 3])).catch((err: unknown) => err);
   * if (e instanceof UnsupportedModuleError) e.modules; // [{ path: '1', type: 'MyBlock' }]
   * ```
   */
  readonly modules: {
    /** The module's dotted path in the model: `'blocks.1'`, `''` for the root. */
    path: string;
    /** The module's class name: `'MyBlock'`. */
    type: string;
  }[];
  constructor(message: string, modules: { path: string; type: string }[]) {
    super(message);
    this.modules = modules;
  }
}

/**
 * `importOnnx` met nodes it cannot run. `nodes` lists every one as `{ opType, name, reason }`, all at once.
 *
 * @example
 * ```ts
 * // A one-node model y = Einsum(x), written out as ONNX protobuf bytes (nnet does not run Einsum):
 * const field = (tag: number, body: number[]) => [tag, body.length, ...body];
 * const text = (tag: number, s: string) => field(tag, [...new TextEncoder().encode(s)]);
 * const node = [...text(0x0a, 'x'), ...text(0x12, 'y'), ...text(0x1a, 'mix'), ...text(0x22, 'Einsum')];
 * const graph = [...field(0x0a, node), ...field(0x5a, text(0x0a, 'x')), ...field(0x62, text(0x0a, 'y'))];
 * const bytes = new Uint8Array([0x08, 8, ...field(0x3a, graph), ...field(0x42, [0x10, 17])]); // IR 8, opset 17
 * try {
 *   importOnnx(bytes);
 * } catch (e) {
 *   if (e instanceof UnsupportedOpError) e.nodes.map((n) => n.opType); // ['Einsum']
 * }
 * ```
 */
export class UnsupportedOpError extends NNetError {
  /** `'UnsupportedOpError'`: what `e.name`, `String(e)` and the stack trace show. */
  override name = 'UnsupportedOpError';
  /**
   * Every node importOnnx cannot run, in graph order, all found before the import gives up. The
   * message names the same ones.
   *
   * @example
   * ```ts
   * // A one-node model y = Einsum(x) as ONNX protobuf bytes (UnsupportedOpError's example explains them):
   * const field = (tag: number, body: number[]) => [tag, body.length, ...body];
   * const text = (tag: number, s: string) => field(tag, [...new TextEncoder().encode(s)]);
   * const node = [...text(0x0a, 'x'), ...text(0x12, 'y'), ...text(0x1a, 'mix'), ...text(0x22, 'Einsum')];
   * const graph = [...field(0x0a, node), ...field(0x5a, text(0x0a, 'x')), ...field(0x62, text(0x0a, 'y'))];
   * const bytes = new Uint8Array([0x08, 8, ...field(0x3a, graph), ...field(0x42, [0x10, 17])]);
   * const e = (() => {
   *   try {
   *     importOnnx(bytes);
   *   } catch (err) {
   *     return err;
   *   }
   * })();
   * if (e instanceof UnsupportedOpError) e.nodes; // [{ opType: 'Einsum', name: 'mix', reason: 'no nnet implementation' }]
   * ```
   */
  readonly nodes: {
    /** The node's op type: `'Einsum'`, `'Conv'`. */
    opType: string;
    /** The node's name in the graph (`''` when the file gives none). */
    name: string;
    /** Why: `'no nnet implementation'`, an unsupported domain, or the attribute or form that is not supported. */
    reason: string;
  }[];
  constructor(message: string, nodes: { opType: string; name: string; reason: string }[]) {
    super(message);
    this.nodes = nodes;
  }
}
