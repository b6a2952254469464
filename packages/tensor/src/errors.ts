/**
 * Typed errors. Every message names the op, the shapes or values involved, and what to do.
 * Catch `NNetError` to catch them all, or a subclass for one kind.
 */
export class NNetError extends Error {
  override name = 'NNetError';
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, cat, ...). */
export class ShapeError extends NNetError {
  override name = 'ShapeError';
}

/** A dtype an op does not accept (for example `matmul` on int32, or `gather` with float indices). */
export class DTypeError extends NNetError {
  override name = 'DTypeError';
}

/** A dim or index outside its valid range. */
export class IndexError extends NNetError {
  override name = 'IndexError';
}

/** A value an op cannot take (a negative size, a zero step, a NaN loss when checking). */
export class ValueError extends NNetError {
  override name = 'ValueError';
}

/** No backend ready, an unknown backend name, or tensors on two different backends. */
export class BackendError extends NNetError {
  override name = 'BackendError';
}

/** A tensor used after `dispose()` (or after the `tidy` scope that made it ended). */
export class DisposedError extends NNetError {
  override name = 'DisposedError';
}

/** Autograd misuse: backward on a non-scalar without a gradient, or through a freed graph. */
export class GradError extends NNetError {
  override name = 'GradError';
}
