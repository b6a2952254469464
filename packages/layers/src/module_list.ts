/**
 * `ModuleList`: an indexed list of modules, PyTorch's nn.ModuleList (the container of repeated
 * blocks in the transformer stacks and GPT-2).
 */
import { describeValue, type Tensor, ValueError } from '@nnet/tensor';
import { Module } from './module.js';

/**
 * An indexed list of modules, registered as children '0', '1', ... (PyTorch's nn.ModuleList): the
 * container of repeated blocks, whose state-dict names are `<list>.<i>.<param>`.
 *
 * ```ts
 * const x = randn([2, 4]);
 * const blocks = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 * blocks.at(1).forward(x).shape; // [2, 4]
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: readonly M[] = []) {
    super();
    if (!Array.isArray(modules)) {
      throw new ValueError(
        `ModuleList: modules must be a list of Modules, e.g. new ModuleList([new Linear(2, 3)]), got ${describeValue(modules)}.`,
      );
    }
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end and returns this list. */
  append(m: M): this {
    this.items.push(this.registerModule(String(this.items.length), m));
    return this;
  }

  /** The number of modules. */
  get length(): number {
    return this.items.length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m)
      throw new ValueError(`ModuleList.at: index ${i} is out of range for ${this.items.length} modules.`);
    return m;
  }

  /** The modules in order: `for (const block of list) x = block.forward(x);` */
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** A ModuleList has no forward of its own: iterate it. */
  forward(): Tensor {
    throw new ValueError('ModuleList has no forward(); iterate over it and call each module.');
  }
}
