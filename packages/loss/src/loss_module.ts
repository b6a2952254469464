/**
 * The loss objects (L1Loss, BCELoss, TripletMarginLoss, ...) written once: each is its loss
 * function with the options fixed at construction, `class X extends lossModule(fn) {}`.
 */
import type { Tensor } from '@nnet/tensor';

/**
 * A loss function: its inputs, then its options object (optional).
 *
 *   const f: LossFunction = l1; // (input, target, options?) => Tensor
 */
export type LossFunction = (...args: never[]) => Tensor;

/**
 * The inputs of a loss function: every parameter but the last (the options).
 *
 *   type T = LossInputs<typeof l1>; // [input: Tensor, target: Tensor]
 */
export type LossInputs<F extends LossFunction> =
  Required<Parameters<F>> extends [...infer I, unknown] ? I : never;

/**
 * The options of a loss function: its last parameter.
 *
 *   type T = LossOptions<typeof l1>; // { reduction?: Reduction }
 */
export type LossOptions<F extends LossFunction> =
  Required<Parameters<F>> extends [...unknown[], infer O] ? O : never;

/**
 * The base of the loss objects: `options` fixed at construction and passed, after the inputs, to
 * the loss function `F` on every `forward`; the output is the function's (a scalar, or the
 * per-element or per-row loss with reduction 'none').
 *
 * @example
 * ```ts
 * const lossFn = new L1Loss({ reduction: 'sum' }); // a LossModule<typeof l1>
 * lossFn.forward(tensor([1, 2]), tensor([0, 4])); // 3, the same as l1(pred, target, { reduction: 'sum' })
 * ```
 */
export class LossModule<F extends LossFunction> {
  /**
   * @param fn The loss function.
   * @param options The options passed to the loss function on every call.
   */
  protected constructor(
    private readonly fn: F,
    readonly options: LossOptions<F>,
  ) {}
  /** The loss function on `inputs` with the fixed options: `fn(...inputs, this.options)`. */
  forward(...inputs: LossInputs<F>): Tensor {
    return (this.fn as unknown as (...args: unknown[]) => Tensor)(...inputs, this.options);
  }
}

/** The class of the loss object of `fn`: `class X extends lossModule(fn) {}`; options default {}. */
export function lossModule<F extends LossFunction>(fn: F): new (options?: LossOptions<F>) => LossModule<F> {
  return class extends LossModule<F> {
    constructor(options = {} as LossOptions<F>) {
      super(fn, options);
    }
  };
}
