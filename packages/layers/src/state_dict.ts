/**
 * The types and the error of state-dict loading (Module.stateDict / loadStateDict / checkStateDict).
 */
import { type Tensor, ValueError } from '@nnet/tensor';

/** A state dict: names to tensors, in PyTorch's order (see `Module.stateDict`). */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict` / `checkStateDict`. */
export interface LoadStateDictOptions {
  /** Missing or unexpected keys are errors (default true), as in PyTorch. */
  strict?: boolean;
}

/** What `loadStateDict` returns (PyTorch's `_IncompatibleKeys`): both empty after a strict load. */
export interface LoadStateDictResult {
  /** Keys of the module the dict does not have (left unchanged). */
  missingKeys: string[];
  /** Keys of the dict the module does not have (ignored). */
  unexpectedKeys: string[];
}

/** A key whose tensor has another shape than the module's. */
export interface ShapeMismatch {
  /** The dotted parameter or buffer name. */
  key: string;
  /** The module's shape for it. */
  expected: number[];
  /** The dict's shape for it. */
  got: number[];
}

/**
 * A state dict that cannot be loaded. Every problem is listed at once, in the message and in the
 * fields; the module was not changed.
 *
 * ```ts
 * const model = new Linear(2, 2);
 * const dict = { weight: zeros([2, 2]) }; // no 'bias'
 * try { model.loadStateDict(dict); } catch (e) { if (e instanceof StateDictError) console.log(e.missingKeys); } // ['bias']
 * ```
 */
export class StateDictError extends ValueError {
  /** 'StateDictError'. */
  override name = 'StateDictError';
  /** Missing keys (reported by a strict load only). */
  readonly missingKeys: string[];
  /** Unexpected keys (reported by a strict load only). */
  readonly unexpectedKeys: string[];
  /** Keys whose tensors have another shape than the module's. */
  readonly mismatched: ShapeMismatch[];
  /** Values that are not usable tensors (not a Tensor, disposed, on another backend). */
  readonly invalid: string[];

  constructor(
    message: string,
    details: {
      missingKeys?: string[];
      unexpectedKeys?: string[];
      mismatched?: ShapeMismatch[];
      invalid?: string[];
    } = {},
  ) {
    super(message);
    this.missingKeys = details.missingKeys ?? [];
    this.unexpectedKeys = details.unexpectedKeys ?? [];
    this.mismatched = details.mismatched ?? [];
    this.invalid = details.invalid ?? [];
  }
}

/** Keys as a quoted, comma-separated list for messages. */
export const quote = (keys: string[]): string => keys.map((k) => `'${k}'`).join(', ');
