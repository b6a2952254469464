/**
 * `Module`: the base of every layer and model. A module owns parameters, buffers (state that is
 * saved but not learned) and child modules, registered by name in the order they are created;
 * names compose with dots like PyTorch's ("0.weight", "encoder.1.bias").
 */
import {
  DTypeError,
  describeValue,
  keep,
  moduleForward,
  noGrad,
  ShapeError,
  Tensor,
  ValueError,
  withOp,
} from '@nnet/tensor';

/** Throws a DTypeError unless every forward input is a Tensor (or a list of them, or omitted). */
function checkInputs(name: string, inputs: readonly unknown[]): void {
  const ok = (v: unknown): boolean =>
    v instanceof Tensor || (Array.isArray(v) && v.length > 0 && v.every(ok));
  inputs.forEach((v, i) => {
    // Inputs after the first may be omitted (an optional initial state).
    if (!ok(v) && !(i > 0 && (v === undefined || v === null))) {
      throw new DTypeError(
        `${name}: forward input ${i} must be a Tensor, got ${describeValue(v)}. Make one with tensor(...), ` +
          "e.g. tensor([[1, 2, 3]]) for one sample; class indices need { dtype: 'int32' }.",
      );
    }
  });
}

import type { Parameter } from './parameter.js';

/** A state dict: names to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly childModules = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(...inputs: Tensor[]): Tensor;

  constructor() {
    // A top-level forward under noGrad is a known point of the program's loop: step-bounded
    // reclamation frees the evaluation tensors of earlier forwards there (docs/memory.md).
    const forward = this.forward as ((...inputs: unknown[]) => unknown) | undefined;
    if (typeof forward === 'function') {
      Object.defineProperty(this, 'forward', {
        value: (...inputs: unknown[]) => {
          // Errors from the ops inside name this module first ("Embedding: indexSelect: ...").
          const name = this.constructor.name;
          checkInputs(name, inputs);
          return withOp(name, () => moduleForward(this, inputs, () => forward.apply(this, inputs)));
        },
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

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

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

  /** Parameters and buffers by dotted name. The tensors are the module's own; do not dispose them. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [n, p] of this.namedParameters()) out[n] = p;
    for (const [n, b] of this.namedBuffers()) out[n] = b;
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and buffers. Strict by default: missing,
   * unexpected or mis-shaped keys are all listed in one ShapeError/ValueError and nothing is copied.
   */
  loadStateDict(
    dict: StateDict | Map<string, Tensor>,
    options: { strict?: boolean } = {},
  ): { missing: string[]; unexpected: string[] } {
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
      throw new ValueError(
        `loadStateDict: expected a state dict (an object or Map of names to tensors, as stateDict() returns), got ${describeValue(dict)}.`,
      );
    }
    const strict = options.strict ?? true;
    const entries = dict instanceof Map ? dict : new Map(Object.entries(dict));
    for (const [k, v] of entries) {
      if (!(v instanceof Tensor)) {
        throw new DTypeError(
          `loadStateDict: the value of '${k}' must be a Tensor, got ${describeValue(v)}; build the dict from stateDict() or decodeSafetensors().`,
        );
      }
    }
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !(k in own));
    const misShaped = Object.keys(own)
      .filter((k) => entries.has(k))
      .filter((k) => {
        const a = own[k].shape;
        const b = entries.get(k)!.shape;
        return a.length !== b.length || a.some((d, i) => d !== b[i]);
      });
    if (misShaped.length) {
      throw new ShapeError(
        `loadStateDict: shape mismatch for ${misShaped
          .map(
            (k) => `'${k}' (model [${own[k].shape.join(', ')}], given [${entries.get(k)!.shape.join(', ')}])`,
          )
          .join(', ')}. Was the dict saved from a model with other layer sizes?`,
      );
    }
    if (strict && (missing.length || unexpected.length)) {
      const parts = [];
      if (missing.length) parts.push(`missing keys: ${missing.map((k) => `'${k}'`).join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.map((k) => `'${k}'`).join(', ')}`);
      throw new ValueError(
        `loadStateDict: ${parts.join('; ')}. Pass { strict: false } to load only the keys both have.`,
      );
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (entries.has(k)) t.assign(entries.get(k)!);
    });
    return { missing, unexpected };
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
