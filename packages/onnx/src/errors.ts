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
 * try { await exportOnnx(new MyBlock(), x); } catch (e) {
 *   if (e instanceof UnsupportedModuleError) console.log(e.modules); // [{ path: '', type: 'MyBlock' }]
 * }
 */
export class UnsupportedModuleError extends NNetError {
  override name = 'UnsupportedModuleError';
  constructor(
    message: string,
    readonly modules: { path: string; type: string }[],
  ) {
    super(message);
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
  override name = 'UnsupportedOpError';
  constructor(
    message: string,
    readonly nodes: { opType: string; name: string; reason: string }[],
  ) {
    super(message);
  }
}
