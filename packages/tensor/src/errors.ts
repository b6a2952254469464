/**
 * Typed errors. Every message names the op, the shapes or values involved, and what to do.
 * Catch `NNetError` to catch them all, or a subclass for one kind.
 *
 * ```ts
 * try { add(ones([2]), ones([3])); }
 * catch (e) { if (e instanceof NNetError) console.error(e.name, e.message); }   // ShapeError add: shapes [2] and [3] ...
 * ```
 */
export class NNetError extends Error {
  /** The class name, `'NNetError'` (shown in stack traces; `err.name === 'NNetError'`). */
  override name = 'NNetError';
}

/**
 * Shapes that do not fit together (broadcasting, matmul, reshape, cat, ...).
 *
 * ```ts
 * add(ones([2]), ones([3]))
 * // throws ShapeError: "add: shapes [2] and [3] cannot be broadcast together (dim -1 is 3 vs 2). ..."
 * // catch (e) { if (e instanceof ShapeError) ... }: reshape or unsqueeze an operand
 * ```
 */
export class ShapeError extends NNetError {
  /** The class name, `'ShapeError'` (shown in stack traces; `err.name === 'ShapeError'`). */
  override name = 'ShapeError';
}

/**
 * A dtype an op does not accept (for example `matmul` on int32, or `gather` with float indices).
 *
 * ```ts
 * matmul(ones([2, 2], { dtype: 'int32' }), ones([2, 2], { dtype: 'int32' }))
 * // throws DTypeError: "matmul: expects float32 tensors, got int32 (shape [2, 2]); use x.to('float32')."
 * ```
 */
export class DTypeError extends NNetError {
  /** The class name, `'DTypeError'` (shown in stack traces; `err.name === 'DTypeError'`). */
  override name = 'DTypeError';
}

/**
 * A dim or index outside its valid range.
 *
 * ```ts
 * ones([2, 3]).sum(2)   // throws IndexError: "sum: dim 2 is out of range for 2-d input ...; use a dim in [-2, 1]."
 * ```
 */
export class IndexError extends NNetError {
  /** The class name, `'IndexError'` (shown in stack traces; `err.name === 'IndexError'`). */
  override name = 'IndexError';
}

/**
 * A value an op cannot take (a negative size, a zero step, a NaN loss when checking).
 *
 * ```ts
 * arange(0, 5, 0)   // throws ValueError: "arange: step must be a non-zero finite number, got 0."
 * ```
 */
export class ValueError extends NNetError {
  /** The class name, `'ValueError'` (shown in stack traces; `err.name === 'ValueError'`). */
  override name = 'ValueError';
}

/**
 * No backend ready, an unknown backend name, or tensors on two different backends.
 *
 * ```ts
 * await setBackend('nope')   // rejects: BackendError "setBackend: no backend named 'nope' is registered (registered: cpu) ..."
 * try { await setBackend('webgpu'); } catch (e) { if (e instanceof BackendError) await setBackend('cpu'); }
 * ```
 */
export class BackendError extends NNetError {
  /** The class name, `'BackendError'` (shown in stack traces; `err.name === 'BackendError'`). */
  override name = 'BackendError';
}

/**
 * A tensor used after `dispose()` (or after the `tidy` scope that made it ended).
 *
 * ```ts
 * const t = ones([2]);
 * t.dispose();
 * t.add(1)   // throws DisposedError: "add: tensor #… with shape [2] was disposed by dispose() ..."
 * ```
 */
export class DisposedError extends NNetError {
  /** The class name, `'DisposedError'` (shown in stack traces; `err.name === 'DisposedError'`). */
  override name = 'DisposedError';
}

/**
 * Autograd misuse: backward on a non-scalar without a gradient, or through a freed graph.
 *
 * ```ts
 * const w = ones([2], { requiresGrad: true });
 * w.mul(2).backward()   // throws GradError: shape [2] is not one element; use w.mul(2).sum().backward()
 * ```
 */
export class GradError extends NNetError {
  /** The class name, `'GradError'` (shown in stack traces; `err.name === 'GradError'`). */
  override name = 'GradError';
}

/**
 * A tensor too large for one storage on the current backend, refused before anything is allocated
 * (or a backend allocation that failed for lack of memory). The message gives the bytes requested
 * and the limit (see `maxStorageBytes` in the backend contract).
 *
 * ```ts
 * zeros([2 ** 31])   // throws MemoryError (before allocating): needs 8,589,934,592 bytes, more than one storage can hold
 * // catch (e) { if (e instanceof MemoryError) ... }: retry with a smaller batch
 * ```
 */
export class MemoryError extends NNetError {
  /** The class name, `'MemoryError'` (shown in stack traces; `err.name === 'MemoryError'`). */
  override name = 'MemoryError';
}

/**
 * Raised by anomaly detection (`setDebug({ detectAnomaly: true })`): an op produced NaN or
 * Infinity in the forward pass, or its gradient rule did in the backward pass.
 *
 * ```ts
 * setDebug({ detectAnomaly: true });
 * try {
 *   log(tensor([-1]));
 * } catch (e) {
 *   e instanceof AnomalyError   // true: "log: anomaly detected in the forward pass: the output of 'log' (shape [1]) holds NaN ..."
 * }
 * setDebug({ detectAnomaly: false });
 * ```
 */
export class AnomalyError extends NNetError {
  /** The class name, `'AnomalyError'` (shown in stack traces; `err.name === 'AnomalyError'`). */
  override name = 'AnomalyError';
}

/**
 * Runs `fn` on behalf of the public op `op`: an nnet error raised inside it by a lower-level op
 * is re-raised (same class) with a message that starts with `op`, so the user sees the name of the
 * function they called, e.g. "Embedding: indexSelect: index 7 is out of range ...".
 *
 * ```ts
 * const weight = randn([5, 3]);
 * try {
 *   withOp('Embedding', () => indexSelect(weight, 0, tensor([7], { dtype: 'int32' })));
 * } catch (e) {
 *   if (e instanceof IndexError) e.message;   // 'Embedding: indexSelect: index 7 is out of range for dim 0 of size 5; ...'
 * }
 * ```
 */
export function withOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw renameOp(op, err);
  }
}

/**
 * `err` with its message prefixed by `op:` when it is an nnet error naming another op.
 *
 * ```ts
 * const err = renameOp('Linear', new ShapeError('matmul: shapes do not fit'));
 * if (err instanceof ShapeError) err.message;   // 'Linear: matmul: shapes do not fit'
 * const other = new TypeError('not an nnet error');
 * renameOp('Linear', other) === other   // true: other errors pass through unchanged
 * ```
 */
export function renameOp(op: string, err: unknown): unknown {
  if (err instanceof NNetError && !err.message.startsWith(`${op}:`) && !err.message.startsWith(`${op}(`)) {
    err.message = `${op}: ${err.message}`;
  }
  return err;
}

/**
 * A short description of any JavaScript value, for error messages (`an array of 3 numbers`, `a string "x"`).
 *
 * ```ts
 * describeValue([1, 2, 3])   // 'an array of length 3'
 * describeValue('x')   // 'the string "x"'
 * ```
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  switch (typeof v) {
    case 'number':
      return `the number ${v}`;
    case 'string':
      return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
    case 'boolean':
      return `the boolean ${v}`;
    case 'bigint':
      return `the bigint ${v}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default: {
      const name = (v as object).constructor?.name;
      return name && name !== 'Object' ? `a ${name} object` : 'a plain object';
    }
  }
}

/**
 * Throws a ValueError naming the first key of `options` that `op` does not know (a typo would
 * otherwise be ignored silently); also refuses a non-object.
 *
 * ```ts
 * const options = { stride: 2, padding: 1 };
 * checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
 * ```
 */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(
      `${op}: options must be an object such as { ${known[0]}: ... }, got ${describeValue(options)}.`,
    );
  }
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new ValueError(
        `${op}: unknown option '${k}'; the options are ${known.map((n) => `'${n}'`).join(', ')}. Check the spelling.`,
      );
    }
  }
}
