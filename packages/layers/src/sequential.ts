/**
 * `Sequential(...modules)`: applies modules one after another, out = mₙ(…m₂(m₁(x))).
 * The seed's `NeuralNet` is the same thing and is exported under that name too.
 */
import { describeValue, fmtShape, type Tensor, ValueError } from '@nnet/tensor';
import { Module } from './module.js';

/**
 * Applies modules one after another, out = mₙ(…m₂(m₁(x))), PyTorch's nn.Sequential; children are
 * named '0', '1', .... Shapes are those of the first module's input and the last one's output.
 *
 *   const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1)); // [N, 4] → [N, 1]
 */
export class Sequential extends Module {
  private readonly layers: Module[];
  private readonly outputShapes = new Map<string, string>();

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
    this.layers.forEach((layer, i) => {
      const next = layer.forward(out);
      this.outputShapes.set(String(i), fmtShape(next.shape));
      // Intermediate activations belong to this call: free them unless the autograd graph keeps them.
      if (out !== x && out !== next) out.dispose();
      out = next;
    });
    return out;
  }

  protected override childNote(name: string): string {
    return this.outputShapes.get(name) ?? '';
  }
}

/**
 * Sequential under the seed's name (the same class).
 *
 *   const net = new NeuralNet(new Linear(2, 4), new Tanh(), new Linear(4, 1));
 */
export const NeuralNet = Sequential;
