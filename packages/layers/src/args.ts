/**
 * Argument checks shared by the layer constructors: each throws a ValueError that names the layer,
 * the argument and what it must be.
 */
import { describeValue, ValueError } from '@nnet/tensor';

/**
 * Throws unless `v` is a finite number (an integer when `integer`), e.g. a slope or a dim.
 *
 *   checkNumberArg('Softmax', 'dim', dim, true); // new Softmax({ dim: 1 }) → ValueError
 */
export function checkNumberArg(op: string, name: string, v: unknown, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new ValueError(
      `${op}: ${name} must be a finite ${integer ? 'integer' : 'number'}, got ${describeValue(v)}; pass it positionally, e.g. new ${op}(${integer ? '1' : '0.1'}).`,
    );
  }
}

/**
 * Throws unless `v` is an integer > 0, e.g. a feature or channel count.
 *
 *   checkPositiveInt('Linear', 'inFeatures', inFeatures);
 */
export function checkPositiveInt(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ValueError(`${op}: ${name} must be a positive integer, got ${describeValue(v)}.`);
  }
}
