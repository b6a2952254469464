/**
 * Reverse-mode autograd, micrograd style: each op that has inputs requiring grad records a `Node`
 * holding the values its gradient rule needs and the rule itself; `backward()` sorts the nodes
 * topologically and runs the rules from the output back to the leaves.
 *
 * Lifetime: a node holds its own references to the values it saved, so `tidy` can dispose the
 * user-visible intermediates while the graph stays usable. A node is released when no tensor and
 * no later node refers to it any more, or when `backward()` has run through it.
 */
import { getDebug } from './debug.js';
import { AnomalyError, GradError, ShapeError } from './errors.js';
import { add } from './ops/binary.js';
import { onesLike } from './ops/creation.js';
import { alias, sumToShape } from './ops/views.js';
import { keep, tidy } from './scope.js';
import { fmtShape, type Shape, shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * A gradient rule: from the gradient of the output and the saved values, the input gradients
 * (null where `needs[i]` is false or an input has no gradient).
 */
export type GradRule = (
  grad: Tensor,
  saved: readonly Tensor[],
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

type Edge = { readonly node: Node } | { readonly leaf: Tensor } | null;

let gradEnabled = true;

/**
 * Whether ops currently record the autograd graph.
 *
 * ```ts
 * isGradEnabled()   // true
 * noGrad(() => isGradEnabled())   // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording gradients (inference, optimizer updates).
 * Returns fn's result; tensors made inside record no graph (requiresGrad false).
 *
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * noGrad(() => mul(w, 2)).requiresGrad   // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Computes a value from several ops without recording them and frees every intermediate: the
 * forward half of an op that records a single node with a closed-form gradient.
 */
export function compute<T>(fn: () => T): T {
  return noGrad(() => tidy(fn));
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad`.
 * Returns fn's result.
 *
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * noGrad(() => enableGrad(() => mul(w, 2))).requiresGrad   // true
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export class Node {
  private refs = 1;
  private released = false;
  private consumed = false;
  readonly inputShapes: readonly Shape[];

  constructor(
    /** The op's name, shown in errors and `gradFn` printouts. */
    readonly name: string,
    readonly edges: readonly Edge[],
    inputs: readonly Tensor[],
    private saved: Tensor[],
    readonly rule: GradRule,
  ) {
    this.inputShapes = inputs.map((t) => t.shape);
    for (const e of edges) if (e && 'node' in e) e.node.refs++;
  }

  /** Drops one reference; at zero, frees the saved values and releases the input nodes. */
  release(): void {
    if (this.released) return;
    if (--this.refs > 0) return;
    this.released = true;
    this.freeSaved();
    for (const e of this.edges) if (e && 'node' in e) e.node.release();
  }

  private freeSaved(): void {
    for (const s of this.saved) s.dispose();
    this.saved = [];
  }

  /** @internal Runs the rule once; frees the saved values unless the graph is retained. */
  apply(grad: Tensor, retain: boolean): readonly (Tensor | null)[] {
    if (this.consumed) {
      throw new GradError(
        `backward: the graph through '${this.name}' was already used by an earlier backward() and freed. ` +
          'Pass { retainGraph: true } to the first backward() to run it twice.',
      );
    }
    const out = this.rule(
      grad,
      this.saved,
      this.edges.map((e) => e !== null),
    );
    if (!retain) {
      this.consumed = true;
      this.freeSaved();
    }
    return out;
  }
}

/**
 * Records `output` as made by op `name` from `inputs`, if any input requires grad and grad mode is
 * on. `save` lists the values the rule needs (inputs or the output); the rule receives them in the
 * same order. Returns `output`.
 */
export function record(
  name: string,
  inputs: readonly Tensor[],
  output: Tensor,
  save: readonly Tensor[],
  rule: GradRule,
): Tensor {
  if (!gradEnabled) return output;
  let any = false;
  const edges: Edge[] = inputs.map((t) => {
    if (!t.requiresGrad) return null;
    any = true;
    return t._node ? { node: t._node } : { leaf: t };
  });
  if (!any) return output;
  if (getDebug().detectAnomaly) checkAnomaly(name, output, 'forward', inputs);
  output._setNode(new Node(name, edges, inputs, save.map(alias), rule));
  return output;
}

/**
 * An op with a user-written backward: the classic "layer with its own forward and backward".
 * `forward` computes the output from plain tensors (no graph is recorded inside it) and may save
 * values for backward; `backward` receives the output gradient and returns one gradient per input
 * (or null where an input needs none).
 *
 * ```ts
 * const square = customGrad((x) => ({ value: x.mul(x), save: [x] }),
 *                            (g, [x]) => [g.mul(x).mul(2)]);      // d(x²)/dx = 2x
 * ```
 */
export function customGrad(
  forward: (...inputs: Tensor[]) => { value: Tensor; save?: Tensor[] },
  backward: (grad: Tensor, saved: readonly Tensor[]) => readonly (Tensor | null)[],
  name = 'customGrad',
): (...inputs: Tensor[]) => Tensor {
  return (...inputs: Tensor[]) => {
    const { value, save = [] } = noGrad(() => forward(...inputs));
    const rule: GradRule = (g, saved) => {
      const grads = backward(g, saved);
      if (grads.length !== inputs.length) {
        throw new GradError(
          `${name}: backward returned ${grads.length} gradients for ${inputs.length} inputs; return one per input (null for none).`,
        );
      }
      return grads;
    };
    return record(name, inputs, value, save, rule);
  };
}

/** Where a value holds NaN or ±Infinity: the first such element's position and kind, or null. */
function firstNonFinite(t: Tensor): { at: number; value: number } | null {
  if (t.dtype !== 'float32' || !t._storage.backend.readSync) return null;
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return { at: i, value: data[i] };
  }
  return null;
}

/**
 * @internal Anomaly detection: throws an AnomalyError when `value` (an op's output in the forward pass, or
 * the gradient its rule returned for input `input` in the backward pass) holds NaN or ±Infinity.
 */
export function checkAnomaly(
  op: string,
  value: Tensor,
  pass: 'forward' | 'backward',
  sources: readonly Tensor[],
  input = 0,
): void {
  const bad = firstNonFinite(value);
  if (!bad) return;
  const already = sources.some((s) => firstNonFinite(s) !== null);
  const what =
    pass === 'forward'
      ? `the output of '${op}' (shape ${fmtShape(value.shape)})`
      : `the gradient that '${op}' backward computed for its input ${input} (shape ${fmtShape(value.shape)})`;
  const from =
    pass === 'forward'
      ? already
        ? 'One of its inputs already held NaN or Infinity: check the data or an op before it that is not recorded.'
        : 'Its inputs were finite, so this op produced it.'
      : already
        ? 'The gradient flowing into it was already not finite.'
        : 'The gradient flowing into it was finite, so its backward produced it.';
  throw new AnomalyError(
    `${op}: anomaly detected in the ${pass} pass: ${what} holds ${bad.value} at flat index ${bad.at}. ${from} ` +
      'Typical causes: log or division at 0, sqrt of a negative, exp overflow; clamp the input or add an epsilon. ' +
      'Turn detection off with setDebug({ detectAnomaly: false }).',
  );
}

/** Sorts the graph below `root` so that every node comes after all nodes that consume it. */
function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  // Iterative DFS: deep graphs (long RNN unrolls) would overflow the call stack.
  const stack: [Node, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.edges.length) {
      top[1]++;
      const e = node.edges[i];
      if (e && 'node' in e && !seen.has(e.node)) {
        seen.add(e.node);
        stack.push([e.node, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/**
 * Adds `g` into a leaf's `.grad`, keeping the result out of every tidy scope. A gradient that some
 * other tensor may still see (shared storage, the caller's seed, or one already given to another
 * leaf) is copied, so that an in-place update of one `.grad` never changes another.
 */
function accumulateLeaf(leaf: Tensor, g: Tensor, owned: Set<Tensor>): void {
  if (leaf.isDisposed) return;
  const prev = leaf.grad;
  let next: Tensor;
  if (prev && !prev.isDisposed) next = add(prev, g);
  else if (g._storage.refs === 1 && owned.has(g)) next = g;
  else next = g.clone();
  owned.delete(next);
  keep(next);
  if (prev && prev !== next) prev.dispose();
  leaf.grad = next;
}

export function backward(root: Tensor, grad: Tensor | undefined, options: { retainGraph?: boolean }): void {
  root._check('backward');
  if (!root.requiresGrad) {
    throw new GradError(
      `backward: tensor with shape ${fmtShape(root.shape)} does not require grad. Set requiresGrad on the ` +
        'inputs (or parameters) before computing it, and do not compute it inside noGrad().',
    );
  }
  if (!grad && root.size !== 1) {
    throw new GradError(
      `backward: grad can be implicitly created only for one-element outputs, this one has shape ` +
        `${fmtShape(root.shape)}. Reduce it (e.g. loss.mean()) or pass the gradient: y.backward(dy).`,
    );
  }
  if (grad && !shapesEqual(grad.shape, root.shape)) {
    throw new ShapeError(
      `backward: grad has shape ${fmtShape(grad.shape)} but the output has shape ${fmtShape(root.shape)}; they must match.`,
    );
  }
  const retain = options.retainGraph ?? false;
  noGrad(() =>
    tidy(() => {
      const seed = grad ? grad._check('backward') : onesLike(root);
      // Tensors made by this backward (candidates to become a leaf's .grad without a copy).
      const owned = new Set<Tensor>();
      const rootNode = root._node;
      if (!rootNode) {
        accumulateLeaf(root, seed, owned);
        return;
      }
      const grads = new Map<Node, Tensor>([[rootNode, seed]]);
      for (const node of topoOrder(rootNode)) {
        const g = grads.get(node);
        if (!g) continue;
        grads.delete(node);
        const inGrads = node.apply(g, retain);
        if (getDebug().detectAnomaly) {
          inGrads.forEach((gi, i) => {
            if (gi) checkAnomaly(node.name, gi, 'backward', [g], i);
          });
        }
        node.edges.forEach((edge, i) => {
          const gi = inGrads[i];
          if (!edge || !gi) return;
          const shaped = shapesEqual(gi.shape, node.inputShapes[i])
            ? gi
            : sumToShape(gi, node.inputShapes[i]);
          if (shaped !== grad) owned.add(shaped);
          if ('leaf' in edge) {
            accumulateLeaf(edge.leaf, shaped, owned);
          } else {
            const prev = grads.get(edge.node);
            grads.set(edge.node, prev ? add(prev, shaped) : shaped);
          }
        });
      }
    }),
  );
}
