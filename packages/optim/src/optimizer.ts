/**
 * `Optimizer`: holds parameter groups (each with its own options) and per-parameter state, and
 * updates parameters in place. Subclasses implement `update` for one parameter.
 */
import {
  checkOptions,
  DisposedError,
  DTypeError,
  describeValue,
  keep,
  markStep,
  noGrad,
  Tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';

/** A group of parameters sharing options; options a group omits come from the defaults. */
export interface ParamGroup<O> {
  /** The group's parameters, updated in place by `step()`. */
  params: Tensor[];
  /** The group's full options (defaults filled in); schedulers change `lr` here. */
  options: O;
}

/** Parameters, or groups of parameters with their own options. */
export type ParamsArg<O> =
  | readonly Tensor[]
  | readonly {
      /** The group's parameters. */
      params: readonly Tensor[];
      /** Options for this group only; the rest come from the optimizer's defaults. */
      options?: Partial<O>;
    }[];

/** A serialisable optimizer state: per-parameter tensors by parameter index, and group options. */
export interface OptimizerStateDict<O> {
  /** Per-parameter state (e.g. `momentumBuffer` [*] like the parameter, `step`) keyed by parameter index. */
  state: Record<number, Record<string, Tensor | number>>;
  /** One entry per parameter group, in order. */
  groups: {
    /** The group's options. */
    options: O;
    /** Indices of the group's parameters, counted across all groups in order. */
    params: number[];
  }[];
}

/**
 * Throws a ValueError naming `op` and the option for each of `keys` whose value in `options` is not
 * >= 0 (NaN included).
 *
 *   checkNonNegative('RMSprop', { lr: -1, eps: 1e-8 }, ['lr', 'eps']); // ValueError: invalid lr -1
 */
export function checkNonNegative<O extends object>(
  op: string,
  options: O,
  keys: readonly { [K in keyof O]: O[K] extends number ? K : never }[keyof O][],
): void {
  for (const k of keys) {
    const v = options[k] as number;
    if (!(v >= 0)) throw new ValueError(`${op}: invalid ${String(k)} ${v}; it must be >= 0.`);
  }
}

/**
 * Throws a ValueError for an option key `defaults` lacks, or an option whose default is a number
 * or boolean given as another type (or NaN). Optimizers call it with the options the user passed.
 *
 *   checkOptionTypes('SGD', { lr: '0.1' }, { lr: 0.01 }); // ValueError: option lr must be a number
 */
export function checkOptionTypes(op: string, options: object, defaults: object): void {
  checkOptions(op, options, Object.keys(defaults));
  const given = options as Record<string, unknown>;
  for (const [k, d] of Object.entries(defaults)) {
    if (!(k in given)) continue;
    const v = given[k];
    const bad =
      (typeof d === 'number' && (typeof v !== 'number' || Number.isNaN(v))) ||
      (typeof d === 'boolean' && typeof v !== 'boolean');
    if (bad) {
      throw new ValueError(
        `${op}: option ${k} must be a ${typeof d}, got ${describeValue(v)}; e.g. ${k}: ${String(d)}.`,
      );
    }
  }
}

/**
 * Base of the optimizers: parameter groups (each with its own options), per-parameter state
 * (momentum buffers, step counts), `step()`, `zeroGrad()` and all-or-nothing state dicts. A
 * subclass implements `validate` and `stepParameter` for one parameter p [*] and its gradient [*].
 *
 * ```ts
 * class MySGD extends Optimizer<{ lr: number }> {
 *   protected validate() {}
 *   protected stepParameter(p: Tensor, g: Tensor, _s: object, o: { lr: number }) { p.assign(p.sub(g.mul(o.lr))); }
 * }
 * const model = new Linear(4, 2);
 * model.forward(randn([8, 4])).sum().backward();
 * const opt = new MySGD(model.parameters(), { lr: 0.1 });
 * opt.step(); // every p with a gradient: p ← p - 0.1·p.grad
 * ```
 */
export abstract class Optimizer<O extends object> {
  /** The parameter groups with their options; change `paramGroups[i].options.lr` to set a rate by hand. */
  readonly paramGroups: ParamGroup<O>[];
  /** Per-parameter state (momentum buffers, step counts, ...). */
  protected readonly state = new Map<Tensor, Record<string, Tensor | number>>();
  private disposed = false;

  constructor(params: ParamsArg<O>, defaults: O) {
    const name = new.target.name;
    if (!Array.isArray(params)) {
      const hint =
        params && typeof (params as { parameters?: unknown }).parameters === 'function'
          ? ' It looks like a model: pass model.parameters().'
          : '';
      throw new ValueError(
        `${name}: params must be a list of parameters (model.parameters()) or of groups { params, options }, got ${describeValue(params)}.${hint}`,
      );
    }
    for (const [i, p] of (params as unknown[]).entries()) {
      const isGroup = typeof p === 'object' && p !== null && !(p instanceof Tensor) && 'params' in p;
      const inner = isGroup ? (p as { params: unknown }).params : [p];
      if (!Array.isArray(inner) || !inner.every((t) => t instanceof Tensor)) {
        throw new ValueError(
          `${name}: params[${i}] must be a Tensor (a parameter) or a group { params: Tensor[], options }, got ${describeValue(isGroup ? inner : p)}; pass model.parameters().`,
        );
      }
      if (isGroup) checkOptions(name, p, ['params', 'options']);
    }
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
    this.checkNotDisposed('step');
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

  /**
   * Frees the optimizer's state tensors (momentum buffers, Adam's moments, ...) and retires the
   * optimizer: a later `step()`, `stateDict()` or `loadStateDict()` throws a DisposedError. The
   * parameters and their gradients are the model's and stay as they are. Calling it twice is a
   * no-op. Use it when training restarts with a new optimizer over the same model.
   *
   *   opt.dispose();                       // the old AdamW moments are freed
   *   opt = new AdamW(model.parameters()); // fresh state
   */
  dispose(): void {
    this.freeState();
    this.disposed = true;
  }

  /** Frees every state tensor and forgets the per-parameter state. */
  private freeState(): void {
    for (const st of this.state.values())
      for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private checkNotDisposed(method: string): void {
    if (this.disposed) {
      throw new DisposedError(
        `${this.constructor.name}.${method}: the optimizer was disposed (dispose() freed its state). Make a new one: new ${this.constructor.name}(model.parameters(), options).`,
      );
    }
  }

  /** The state (copied tensors) and group options, with parameters referred to by index. */
  stateDict(): OptimizerStateDict<O> {
    this.checkNotDisposed('stateDict');
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

  /**
   * The state keys a parameter's entry must hold once it has stepped (checked by `loadStateDict`,
   * so a dict missing one is refused instead of silently re-initialised). None by default.
   */
  protected requiredStateKeys(_options: O): readonly string[] {
    return [];
  }

  /**
   * Restores a `stateDict()` into an optimizer over the same parameters (in the same order).
   * Everything is checked before anything is applied: after an error the optimizer is as before.
   *
   *   opt.loadStateDict(saved.optimizer);
   */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    this.checkNotDisposed('loadStateDict');
    if (
      typeof dict !== 'object' ||
      dict === null ||
      !Array.isArray(dict.groups) ||
      typeof dict.state !== 'object' ||
      dict.state === null
    ) {
      throw new ValueError(
        `loadStateDict: expected an optimizer state dict { state, groups } as stateDict() returns, got ${describeValue(dict)}.`,
      );
    }
    for (const [i, st] of Object.entries(dict.state)) {
      for (const [k, v] of Object.entries(st ?? {})) {
        if (typeof v !== 'number' && !(v instanceof Tensor)) {
          throw new DTypeError(
            `loadStateDict: state '${k}' of parameter ${i} must be a Tensor or a number, got ${describeValue(v)}; pass a dict from stateDict().`,
          );
        }
      }
    }
    if (dict.groups.length !== this.paramGroups.length) {
      throw new ValueError(
        `loadStateDict: the dict has ${dict.groups.length} parameter groups, this optimizer ${this.paramGroups.length}; load a dict saved from an optimizer built over the same parameter groups.`,
      );
    }
    // Everything is checked before anything is applied: after an error the optimizer is as before.
    const params: Tensor[] = [];
    const optionsOf: O[] = [];
    dict.groups.forEach((g, gi) => {
      const own = this.paramGroups[gi];
      if (g.params.length !== own.params.length) {
        throw new ValueError(
          `loadStateDict: group ${gi} has ${g.params.length} parameters in the dict, ${own.params.length} here; load a dict saved from an optimizer over the same parameters.`,
        );
      }
      g.params.forEach((idx, j) => {
        params[idx] = own.params[j];
      });
      this.validate(g.options);
      for (const idx of g.params) optionsOf[idx] = g.options;
    });
    for (const [i, st] of Object.entries(dict.state)) {
      const p = params[Number(i)];
      if (!p) throw new ValueError(`loadStateDict: state for parameter ${i}, which no group lists.`);
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') continue;
        if (v.isDisposed) throw new ValueError(`loadStateDict: state '${k}' of parameter ${i} was disposed.`);
        if (v.shape.join() !== p.shape.join()) {
          throw new ValueError(
            `loadStateDict: state '${k}' of parameter ${i} has shape [${v.shape}], the parameter [${p.shape}]; load a dict saved from an optimizer over the same parameters.`,
          );
        }
      }
      const missing = this.requiredStateKeys(optionsOf[Number(i)]).filter((k) => !(k in st));
      if (missing.length > 0) {
        throw new ValueError(
          `loadStateDict: the state of parameter ${i} lacks ${missing.join(', ')}; it would be re-initialised silently. Load a dict saved from the same kind of optimizer (stateDict()).`,
        );
      }
    }
    dict.groups.forEach((g, gi) => {
      this.paramGroups[gi].options = { ...g.options };
    });
    this.freeState();
    for (const [i, st] of Object.entries(dict.state)) {
      const p = params[Number(i)];
      this.state.set(
        p,
        Object.fromEntries(
          Object.entries(st).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.clone())]),
        ),
      );
    }
  }
}
