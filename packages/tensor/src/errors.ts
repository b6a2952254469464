/**
 * Typed errors. Every message names the op, the shapes or values involved, and what to do.
 * Catch `NNetError` to catch them all, or a subclass for one kind.
 */
export class NNetError extends Error {
  /** The class name, `'NNetError'` (shown in stack traces; `err.name === 'NNetError'`). */
  override name = 'NNetError';
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, cat, ...). */
export class ShapeError extends NNetError {
  /** The class name, `'ShapeError'` (shown in stack traces; `err.name === 'ShapeError'`). */
  override name = 'ShapeError';
}

/** A dtype an op does not accept (for example `matmul` on int32, or `gather` with float indices). */
export class DTypeError extends NNetError {
  /** The class name, `'DTypeError'` (shown in stack traces; `err.name === 'DTypeError'`). */
  override name = 'DTypeError';
}

/** A dim or index outside its valid range. */
export class IndexError extends NNetError {
  /** The class name, `'IndexError'` (shown in stack traces; `err.name === 'IndexError'`). */
  override name = 'IndexError';
}

/** A value an op cannot take (a negative size, a zero step, a NaN loss when checking). */
export class ValueError extends NNetError {
  /** The class name, `'ValueError'` (shown in stack traces; `err.name === 'ValueError'`). */
  override name = 'ValueError';
}

/** No backend ready, an unknown backend name, or tensors on two different backends. */
export class BackendError extends NNetError {
  /** The class name, `'BackendError'` (shown in stack traces; `err.name === 'BackendError'`). */
  override name = 'BackendError';
}

/** A tensor used after `dispose()` (or after the `tidy` scope that made it ended). */
export class DisposedError extends NNetError {
  /** The class name, `'DisposedError'` (shown in stack traces; `err.name === 'DisposedError'`). */
  override name = 'DisposedError';
}

/** Autograd misuse: backward on a non-scalar without a gradient, or through a freed graph. */
export class GradError extends NNetError {
  /** The class name, `'GradError'` (shown in stack traces; `err.name === 'GradError'`). */
  override name = 'GradError';
}

/**
 * A tensor too large for one storage on the current backend, refused before anything is allocated
 * (or a backend allocation that failed for lack of memory). The message gives the bytes requested
 * and the limit (see `maxStorageBytes` in the backend contract).
 */
export class MemoryError extends NNetError {
  /** The class name, `'MemoryError'` (shown in stack traces; `err.name === 'MemoryError'`). */
  override name = 'MemoryError';
}

/**
 * Raised by anomaly detection (`setDebug({ detectAnomaly: true })`): an op produced NaN or
 * Infinity in the forward pass, or its gradient rule did in the backward pass.
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
 * return withOp('Embedding', () => indexSelect(weight, 0, flat));
 * ```
 */
export function withOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw renameOp(op, err);
  }
}

/** `err` with its message prefixed by `op:` when it is an nnet error naming another op. */
export function renameOp(op: string, err: unknown): unknown {
  if (err instanceof NNetError && !err.message.startsWith(`${op}:`) && !err.message.startsWith(`${op}(`)) {
    err.message = `${op}: ${err.message}`;
  }
  return err;
}

/** A short description of any JavaScript value, for error messages (`an array of 3 numbers`, `a string "x"`). */
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
