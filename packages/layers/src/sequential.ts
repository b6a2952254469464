/**
 * `Sequential(...modules)`: applies modules one after another, out = mₙ(…m₂(m₁(x))).
 * `NeuralNet` is the same class under the name the classic from-scratch tutorials use.
 */
import {
  describeValue,
  type FusedActivation,
  fmtShape,
  type Shape,
  type Tensor,
  ValueError,
  withOp,
} from '@nnet/tensor';
import { ReLU, Sigmoid, Tanh } from './activations.js';
import { Linear, linearForward } from './linear.js';
import { hasClassForward, Module } from './module.js';

/** The activation a default ReLU, Tanh or Sigmoid applies, for fusing into a Linear. */
function fusableActivation(m: Module): FusedActivation | null {
  if (!hasClassForward(m)) return null;
  const c = m.constructor;
  return c === ReLU ? 'relu' : c === Tanh ? 'tanh' : c === Sigmoid ? 'sigmoid' : null;
}

/**
 * Applies modules one after another, out = mₙ(…m₂(m₁(x))), PyTorch's nn.Sequential; children are
 * named '0', '1', .... Shapes are those of the first module's input and the last one's output.
 *
 * A `Linear` directly followed by a `ReLU`, `Tanh` or `Sigmoid` runs as one fused call (the
 * activation is applied in the matrix product's epilogue; values and gradients are those of the
 * two calls). Then the activation module's own `forward` is not called; `toString()` still lists
 * both modules with their output shapes. Fusion applies only to exactly those classes (not
 * subclasses) whose `forward` has not been replaced on the instance; otherwise each module's
 * forward runs as written.
 *
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1)); // [N, 4] → [N, 1]
 * ```
 */
export class Sequential extends Module {
  private readonly layers: Module[];
  /** Each layer's last output shape, formatted only when `toString()` asks (childNote). */
  private readonly outputShapes: (Shape | undefined)[] = [];

  constructor(...modules: Module[]) {
    super();
    this.layers = modules.map((m, i) => {
      if (!(m instanceof Module))
        throw new ValueError(
          `Sequential: argument ${i} must be a Module (a layer such as new Linear(2, 3)), got ${describeValue(m)}.`,
        );
      return this.registerModule(String(i), m);
    });
  }

  /** Number of layers. */
  get length(): number {
    return this.layers.length;
  }

  /** The i-th layer (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers.at(i);
    if (!m)
      throw new ValueError(`Sequential.at: index ${i} is out of range for ${this.layers.length} layers.`);
    return m;
  }

  forward(x: Tensor): Tensor {
    let out = x;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const act =
        i + 1 < layers.length && layer.constructor === Linear && hasClassForward(layer)
          ? fusableActivation(layers[i + 1])
          : null;
      let next: Tensor;
      if (act) {
        const input = out;
        next = withOp('Linear', () => linearForward(layer as Linear, input, act));
        this.outputShapes[i] = next.shape; // act keeps the shape: both children show it
        i++;
      } else {
        next = layer.forward(out);
      }
      this.outputShapes[i] = next.shape;
      // Intermediate activations belong to this call: free them unless the autograd graph keeps them.
      if (out !== x && out !== next) out.dispose();
      out = next;
    }
    return out;
  }

  protected override childNote(name: string): string {
    const shape = this.outputShapes[Number(name)];
    return shape ? fmtShape(shape) : '';
  }
}

/**
 * Sequential under the name the classic from-scratch tutorials use (the same class).
 *
 * ```ts
 * const net = new NeuralNet(new Linear(2, 4), new Tanh(), new Linear(4, 1));
 * ```
 */
export const NeuralNet = Sequential;
