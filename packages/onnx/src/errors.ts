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
 * try { importOnnx(bytes); } catch (e) {
 *   if (e instanceof UnsupportedOpError) console.log(e.nodes.map((n) => n.opType)); // ['Einsum']
 * }
 */
export class UnsupportedOpError extends NNetError {
  /** `'UnsupportedOpError'`: what `e.name`, `String(e)` and the stack trace show. */
  override name = 'UnsupportedOpError';
  /**
   * Every node importOnnx cannot run, in graph order, all found before the import gives up. The
   * message names the same ones.
   *
   * @example
   * e.nodes; // [{ opType: 'Conv', name: 'conv', reason: 'asymmetric pads [0, 0, 1, 1] are not supported' }]
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
