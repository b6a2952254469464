/**
 * `Optimizer`: holds parameter groups (each with its own options) and per-parameter state, and
 * updates parameters in place. Subclasses implement `update` for one parameter.
 */
import { keep, markStep, noGrad, type Tensor, tidy, ValueError } from '@nnet/tensor';

/** A group of parameters sharing options; options a group omits come from the defaults. */
export interface ParamGroup<O> {
  params: Tensor[];
  options: O;
}

/** Parameters, or groups of parameters with their own options. */
export type ParamsArg<O> = readonly Tensor[] | readonly { params: readonly Tensor[]; options?: Partial<O> }[];

/** A serialisable optimizer state: per-parameter tensors by parameter index, and group options. */
export interface OptimizerStateDict<O> {
  state: Record<number, Record<string, Tensor | number>>;
  groups: { options: O; params: number[] }[];
}

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[];
  /** Per-parameter state (momentum buffers, step counts, ...). */
  protected readonly state = new Map<Tensor, Record<string, Tensor | number>>();

  constructor(params: ParamsArg<O>, defaults: O) {
    const list = [...params] as (Tensor | { params: readonly Tensor[]; options?: Partial<O> })[];
    if (list.length === 0) {
      throw new ValueError(
        `${this.constructor.name}: got an empty parameter list. Pass model.parameters() after the model is built.`,
      );
    }
    const groups = list.every((p) => 'params' in p && !('shape' in p))
      ? (list as { params: readonly Tensor[]; options?: Partial<O> }[])
      : [{ params: list as Tensor[] }];
    this.paramGroups = groups.map((g, i) => {
      if (!g.params || g.params.length === 0)
        throw new ValueError(`${this.constructor.name}: parameter group ${i} is empty.`);
      for (const p of g.params) {
        if (!p.requiresGrad) {
          throw new ValueError(
            `${this.constructor.name}: a parameter of shape [${p.shape.join(', ')}] does not require grad; optimizers update only trainable tensors.`,
          );
        }
      }
      const options = { ...defaults, ...(g.options ?? {}) } as O;
      this.validate(options);
      return { params: [...g.params], options };
    });
  }

  /** Throws a ValueError for options the optimizer cannot use. */
  protected abstract validate(options: O): void;

  /** Updates `p` in place from its gradient `grad` and its per-parameter state (inside noGrad and tidy). */
  protected abstract stepParameter(
    p: Tensor,
    grad: Tensor,
    state: Record<string, Tensor | number>,
    options: O,
  ): void;

  /**
   * One optimization step over every parameter that has a gradient. Runs without autograd, inside
   * tidy. It also marks the end of a training step for step-bounded reclamation: loose tensors the
   * loop made and has not used for a whole step are freed (docs/memory.md).
   */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          let st = this.state.get(p);
          if (!st) {
            st = {};
            this.state.set(p, st);
          }
          const s = st;
          tidy(() => this.stepParameter(p, p.grad!, s, group.options));
        }
      }
    });
    markStep(this);
  }

  /** Keeps a state tensor out of every tidy scope and frees the one it replaces. */
  protected setState(state: Record<string, Tensor | number>, key: string, value: Tensor): Tensor {
    const old = state[key];
    const kept = keep(value.isContiguous() && value.offset === 0 ? value : value.contiguous());
    if (old && typeof old !== 'number' && old !== kept) old.dispose();
    state[key] = kept;
    return kept;
  }

  /** Frees and clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /** The state (copied tensors) and group options, with parameters referred to by index. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const groups = this.paramGroups.map((g) => ({
      options: { ...g.options },
      params: g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      }),
    }));
    const state: OptimizerStateDict<O>['state'] = {};
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(
        Object.entries(st).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.clone())]),
      );
    }
    return { state, groups };
  }

  /** Restores a `stateDict()` into an optimizer over the same parameters (in the same order). */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    if (dict.groups.length !== this.paramGroups.length) {
      throw new ValueError(
        `loadStateDict: the dict has ${dict.groups.length} parameter groups, this optimizer ${this.paramGroups.length}.`,
      );
    }
    const params: Tensor[] = [];
    dict.groups.forEach((g, gi) => {
      const own = this.paramGroups[gi];
      if (g.params.length !== own.params.length) {
        throw new ValueError(
          `loadStateDict: group ${gi} has ${g.params.length} parameters in the dict, ${own.params.length} here.`,
        );
      }
      g.params.forEach((idx, j) => {
        params[idx] = own.params[j];
      });
      this.validate(g.options);
      own.options = { ...g.options };
    });
    for (const st of this.state.values())
      for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
    for (const [i, st] of Object.entries(dict.state)) {
      const p = params[Number(i)];
      if (!p) throw new ValueError(`loadStateDict: state for parameter ${i}, which no group lists.`);
      this.state.set(
        p,
        Object.fromEntries(
          Object.entries(st).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.clone())]),
        ),
      );
    }
  }
}
