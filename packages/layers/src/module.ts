/**
 * `Module`: the base of every layer and model. A module owns parameters, buffers (state that is
 * saved but not learned) and child modules, registered by name in the order they are created;
 * names compose with dots like PyTorch's ("0.weight", "encoder.1.bias").
 */
import {
  DTypeError,
  describeValue,
  fmtShape,
  isTensor,
  keep,
  moduleForward,
  noGrad,
  shapesEqual,
  Tensor,
  ValueError,
  withOp,
} from '@nnet/tensor';
import {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  quote,
  type ShapeMismatch,
  type StateDict,
  StateDictError,
} from './state_dict.js';

/**
 * Throws a DTypeError unless the first forward input is a Tensor (or a list of them). Later inputs
 * may be other things a module defines (an offset, an options object, an optional state): the
 * module validates those itself.
 */
function checkInputs(name: string, inputs: readonly unknown[]): void {
  const ok = (v: unknown): boolean =>
    v instanceof Tensor || (Array.isArray(v) && v.length > 0 && v.every(ok));
  if (inputs.length > 0 && !ok(inputs[0])) {
    throw new DTypeError(
      `${name}: forward input 0 must be a Tensor, got ${describeValue(inputs[0])}. Make one with tensor(...), ` +
        "e.g. tensor([[1, 2, 3]]) for one sample; class indices need { dtype: 'int32' }.",
    );
  }
}

import type { Parameter } from './parameter.js';

/** The forward wrapper each Module installs in its constructor, to tell a user-replaced forward. */
const installedForward = new WeakMap<Module, unknown>();

/**
 * True while `m.forward` is still the one its class defines (not replaced on the instance by the
 * user). Sequential fuses a Linear→activation pair only then. Internal: not exported from index.
 */
export function hasClassForward(m: Module): boolean {
  return installedForward.get(m) === m.forward;
}

/**
 * Base of every layer and model, PyTorch's nn.Module: registers parameters, buffers and child
 * modules by name, so `parameters()`, `stateDict()`, `loadStateDict()`, `train()` / `eval()` walk
 * the tree. A subclass registers its pieces in the constructor and implements `forward`.
 *
 * ```ts
 * class MLP extends Module {
 *   readonly fc = this.registerModule('fc', new Linear(4, 2));
 *   forward(x: Tensor): Tensor { return this.fc.forward(x).relu(); } // [N, 4] → [N, 2]
 * }
 * new MLP().forward(randn([3, 4])).shape; // [3, 2]
 * ```
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly childModules = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /**
   * The class name, read once here: the forward wrapper names the module in errors on every
   * call, and `this.constructor.name` per call showed in batch-1 profiles.
   */
  private readonly className: string;

  constructor() {
    this.className = this.constructor.name;
    // A top-level forward under noGrad is a known point of the program's loop: step-bounded
    // reclamation frees the evaluation tensors of earlier forwards there (docs/memory.md).
    const forward = this.forward as ((...inputs: unknown[]) => unknown) | undefined;
    if (typeof forward === 'function') {
      const wrapper = (...inputs: unknown[]) => {
        // Errors from the ops inside name this module first ("Embedding: indexSelect: ...").
        const name = this.className;
        checkInputs(name, inputs);
        return withOp(name, () => moduleForward(this, inputs, () => forward.apply(this, inputs)));
      };
      installedForward.set(this, wrapper);
      Object.defineProperty(this, 'forward', {
        value: wrapper,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }

  /** Registers a parameter under `name` and returns it. */
  protected registerParameter(name: string, p: Parameter | null): Parameter | null {
    this.checkName(name);
    this.params.set(name, p);
    return p;
  }

  /** Registers a buffer (saved in the state dict, not learned) and returns it. */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this.buffers.set(name, keep(t));
    return t;
  }

  /** Registers a child module under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    if (!(m instanceof Module)) throw new ValueError(`registerModule('${name}'): expected a Module.`);
    this.childModules.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) {
      throw new ValueError(`${this.constructor.name}: '${name}' is not a valid name (non-empty, no dots).`);
    }
    if (this.params.has(name) || this.buffers.has(name) || this.childModules.has(name)) {
      throw new ValueError(`${this.constructor.name}: '${name}' is already registered.`);
    }
  }

  /** (name, module) for this module and every descendant, depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this.childModules) out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /**
   * This module and every descendant, depth first.
   *
   *   model.modules().length // 1 + number of descendants
   */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * (name, module) for the direct children, in registration order.
   *
   *   new Sequential(new Linear(2, 3), new ReLU()).namedChildren() // [['0', Linear], ['1', ReLU]]
   */
  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

  /**
   * The direct children, in registration order.
   *
   *   for (const c of model.children()) console.log(c.constructor.name);
   */
  children(): Module[] {
    return [...this.childModules.values()];
  }

  /** (dotted name, parameter) for every parameter, each listed once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, p] of m.params) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${n}` : n, p]);
      }
    }
    return out;
  }

  /**
   * Every parameter, each listed once (shared ones too), in namedParameters' order: what an optimiser takes.
   *
   *   const opt = new SGD(model.parameters(), { lr: 0.1 });
   */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** (dotted name, buffer) for every buffer. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, b] of m.buffers) out.push([prefix ? `${prefix}.${n}` : n, b]);
    }
    return out;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off, batch norm uses running statistics). */
  eval(): this {
    return this.train(false);
  }

  /** Frees and clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name, ordered as PyTorch's `state_dict()`: each module's own
   * parameters, then its buffers, then its children's entries (recursively, in registration order).
   * A parameter shared by two modules appears under both names, as in PyTorch. The tensors are the
   * module's own; do not dispose them.
   * @example
   * ```ts
   * Object.keys(new Sequential(new Linear(2, 3), new BatchNorm1d(3)).stateDict());
   * // ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, prefix: string): void => {
      for (const [n, p] of m.params) if (p) out[prefix + n] = p;
      for (const [n, b] of m.buffers) out[prefix + n] = b;
      for (const [n, c] of m.childModules) visit(c, `${prefix}${n}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Checks `dict` as `loadStateDict` would, and changes nothing: returns the keys the module has
   * and the dict lacks (`missingKeys`) and the reverse (`unexpectedKeys`), or throws one
   * StateDictError listing every problem (non-tensor or disposed values, shape mismatches, and
   * with `strict` (the default) missing and unexpected keys).
   * @example
   * ```ts
   * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
   * const bytes = encodeSafetensors({ '0.weight': zeros([8, 4]), '0.bias': zeros([8]) }); // a partial file
   * const { missingKeys } = model.checkStateDict(decodeSafetensors(bytes).tensors, { strict: false });
   * missingKeys; // ['2.weight', '2.bias']
   * ```
   */
  checkStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const { missingKeys, unexpectedKeys } = this.planLoad(dict, options);
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Copies values from `dict` into the parameters and buffers (dtypes are converted, as PyTorch's
   * `copy_`). All or nothing: everything is checked first (see `checkStateDict`), and after an
   * error the module is exactly as before. Strict (the default) as PyTorch's: missing or
   * unexpected keys are errors; `{ strict: false }` loads the keys both have and returns the
   * others. Shape mismatches are errors either way.
   * @example
   * ```ts
   * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
   * const bytes = encodeSafetensors(new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2)).stateDict());
   * const { missingKeys, unexpectedKeys } = model.loadStateDict(decodeSafetensors(bytes).tensors);
   * [missingKeys, unexpectedKeys]; // [[], []]
   * ```
   */
  loadStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const { pairs, missingKeys, unexpectedKeys } = this.planLoad(dict, options);
    noGrad(() => {
      for (const [dst, src] of pairs) dst.assign(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  private planLoad(
    dict: StateDict | Map<string, Tensor>,
    options: LoadStateDictOptions,
  ): LoadStateDictResult & { pairs: [Tensor, Tensor][] } {
    const op = `loadStateDict(${this.constructor.name})`;
    if (dict instanceof Module)
      throw new StateDictError(
        `${op}: got a Module; pass its state dict: model.loadStateDict(other.stateDict()).`,
      );
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict) || isTensor(dict))
      throw new StateDictError(
        `${op}: expected an object (or Map) of named tensors, such as another module's stateDict(), got ${describeValue(dict)}.`,
      );
    if (typeof options !== 'object' || options === null)
      throw new StateDictError(
        `${op}: options must be an object such as { strict: false }, got ${describeValue(options)}.`,
      );
    if (options.strict !== undefined && typeof options.strict !== 'boolean')
      throw new StateDictError(
        `${op}: options.strict must be true or false, got ${describeValue(options.strict)}.`,
      );
    const strict = options.strict ?? true;
    const given = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = this.stateDict();
    const optional = new Set(
      this.namedModules().flatMap(([prefix, m]) =>
        m.optionalStateKeys().map((k) => (prefix ? `${prefix}.${k}` : k)),
      ),
    );
    const missingKeys = Object.keys(own).filter((k) => !given.has(k) && !optional.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !Object.hasOwn(own, k));
    const mismatched: ShapeMismatch[] = [];
    const invalid: string[] = [];
    const pairs: [Tensor, Tensor][] = [];
    for (const [k, dst] of Object.entries(own)) {
      if (!given.has(k)) continue;
      const src = given.get(k) as unknown;
      if (!isTensor(src)) invalid.push(`'${k}' is ${describeValue(src)}, not a Tensor`);
      else if (src.isDisposed) invalid.push(`'${k}' was disposed`);
      else if (dst.isDisposed) invalid.push(`the module's '${k}' was disposed (was the module disposed?)`);
      else if (src.backend !== dst.backend)
        invalid.push(`'${k}' is on backend '${src.backend}', the module on '${dst.backend}' (move it first)`);
      else if (!shapesEqual(src.shape, dst.shape))
        mismatched.push({ key: k, expected: [...dst.shape], got: [...src.shape] });
      else pairs.push([dst, src]);
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${quote(missingKeys)}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${quote(unexpectedKeys)}`);
    if (mismatched.length)
      problems.push(
        `shape mismatch for ${mismatched.map((m) => `'${m.key}' (model ${fmtShape(m.expected)}, given ${fmtShape(m.got)})`).join(', ')}`,
      );
    if (invalid.length) problems.push(`invalid values: ${invalid.join(', ')}`);
    if (problems.length) {
      const fixes = [
        strict && (missingKeys.length || unexpectedKeys.length)
          ? 'Pass { strict: false } to load only the keys both have.'
          : '',
        mismatched.length ? 'Was the dict saved from a model with other layer sizes?' : '',
        invalid.length ? 'Pass tensors: build the dict from stateDict() or decodeSafetensors().' : '',
      ].filter(Boolean);
      throw new StateDictError(
        `${op}: ${problems.join('; ')}. Nothing was loaded.${fixes.length ? ` ${fixes.join(' ')}` : ''}`,
        {
          missingKeys: strict ? missingKeys : [],
          unexpectedKeys: strict ? unexpectedKeys : [],
          mismatched,
          invalid,
        },
      );
    }
    return { pairs, missingKeys, unexpectedKeys };
  }

  /**
   * Names of this module's own state entries a dict may lack without being "missing" under
   * strict loading (they are left as they are). None by default; BatchNorm's
   * `num_batches_tracked`, which older PyTorch files lack and PyTorch loads without.
   */
  protected optionalStateKeys(): string[] {
    return [];
  }

  /** The number of parameter elements (all of them, or only those that require grad). */
  numParameters(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.size, 0);
  }

  /** The text inside this module's parentheses in `toString()`, e.g. "inFeatures=2, outFeatures=3". */
  extraRepr(): string {
    return '';
  }

  /** A short label after a child line, such as its last output shape (Sequential sets it). */
  protected childNote(_name: string): string {
    return '';
  }

  /** PyTorch-style tree of modules, ending with the parameter count. */
  toString(): string {
    const total = this.numParameters();
    const trainable = this.numParameters(true);
    return `${this.repr()}\nParameters: ${total.toLocaleString('en-US')} (trainable ${trainable.toLocaleString('en-US')})`;
  }

  private repr(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.childModules.size === 0) return `${head})`;
    const lines = [...this.childModules].map(([n, m]) => {
      const note = this.childNote(n);
      const inner = m.repr().split('\n').join('\n  ');
      return `  (${n}): ${inner}${note ? `  → ${note}` : ''}`;
    });
    return `${head}\n${lines.join('\n')}\n)`;
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.dispose();
    }
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}
