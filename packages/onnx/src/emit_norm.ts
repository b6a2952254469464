/**
 * ONNX translations of the normalisations, Embedding and the activations: BatchNorm1d/2d,
 * LayerNorm (LayerNormalization from opset 17, its decomposition before), Embedding (Gather),
 * the one-node activations and GELU (exact or tanh approximation).
 */
import type { BatchNorm1d, Embedding, GELU, LayerNorm, Module } from '@nnet/layers';
import { ones, zeros } from '@nnet/tensor';
import { attr } from './builder.js';
import { UnsupportedModuleError } from './errors.js';
import type { Emit, Export } from './export_context.js';

export const emitBatchNorm: Emit = (b, m, scope, x) => {
  const n = m as BatchNorm1d;
  if (!n.runningMean || !n.runningVar) {
    throw new UnsupportedModuleError(
      `exportOnnx: ${n.constructor.name} at '${scope.slice(0, -1)}' has trackRunningStats=false, so even in eval it ` +
        'normalises with batch statistics, which ONNX BatchNormalization cannot express. Train it with running statistics.',
      [{ path: scope.slice(0, -1), type: n.constructor.name }],
    );
  }
  const C = n.numFeatures;
  const scale = n.weight
    ? b.weight(`${scope}weight`, n.weight)
    : b.weight(`${scope}weight`, b.own(ones([C])));
  const bias = n.bias ? b.weight(`${scope}bias`, n.bias) : b.weight(`${scope}bias`, b.own(zeros([C])));
  const mean = b.weight(`${scope}running_mean`, n.runningMean);
  const variance = b.weight(`${scope}running_var`, n.runningVar);
  const y = b.node(
    'BatchNormalization',
    [x.name, scale, bias, mean, variance],
    [attr.float('epsilon', n.eps)],
    scope,
  );
  return b.val(y, n.forward(x.value));
};

export const emitLayerNorm: Emit = (b, m, scope, x) =>
  b.val(layerNormNodes(b, m as LayerNorm, scope, x.name, x.value.ndim), m.forward(x.value));

/** The nodes of LayerNorm `l` on the graph value `x` of rank `r`; returns the output's name. */
export function layerNormNodes(b: Export, l: LayerNorm, scope: string, x: string, r: number): string {
  const k = l.normalizedShape.length;
  const gamma = l.weight ? b.weight(`${scope}weight`, l.weight) : null;
  const beta = l.bias ? b.weight(`${scope}bias`, l.bias) : null;
  if (b.opset >= 17) {
    const scale = gamma ?? b.weight(`${scope}weight`, b.own(ones(l.normalizedShape)));
    const inputs = beta ? [x, scale, beta] : [x, scale];
    const attrs = [attr.int('axis', -k), attr.float('epsilon', l.eps)];
    return b.node('LayerNormalization', inputs, attrs, scope);
  }
  // (x - μ) / √(σ² + ε) · γ + β, μ and σ² (biased) over the last k axes.
  const axes = attr.ints(
    'axes',
    Array.from({ length: k }, (_, i) => r - k + i),
  );
  const mean = b.node('ReduceMean', [x], [axes, attr.int('keepdims', 1)], scope);
  const d = b.node('Sub', [x, mean], [], scope);
  const variance = b.node(
    'ReduceMean',
    [b.node('Mul', [d, d], [], scope)],
    [axes, attr.int('keepdims', 1)],
    scope,
  );
  const eps = b.scalar(`${scope}eps`, l.eps);
  let out = b.node(
    'Div',
    [d, b.node('Sqrt', [b.node('Add', [variance, eps], [], scope)], [], scope)],
    [],
    scope,
  );
  if (gamma) out = b.node('Mul', [out, gamma], [], scope);
  if (beta) out = b.node('Add', [out, beta], [], scope);
  return out;
}

export const emitEmbedding: Emit = (b, m, scope, x) => {
  const e = m as Embedding;
  const w = b.weight(`${scope}weight`, e.weight);
  return b.val(b.node('Gather', [w, x.name], [attr.int('axis', 0)], scope), e.forward(x.value));
};

export const unary =
  (opType: string, attrs: (m: Module) => ReturnType<typeof attr.int>[] = () => []): Emit =>
  (b, m, scope, x) =>
    b.val(b.node(opType, [x.name], attrs(m), scope), m.forward(x.value));

export const emitGelu: Emit = (b, m, scope, x) =>
  b.val(geluNodes(b, x.name, (m as GELU).approximate, scope), m.forward(x.value));

/** The nodes of GELU on the graph value `x`, exact (erf) or the tanh approximation. */
export function geluNodes(b: Export, x: string, approximate: 'none' | 'tanh', scope: string): string {
  const c = (v: number, name: string) => b.scalar(`${scope}${name}`, v);
  const half = b.node('Mul', [x, c(0.5, 'half')], [], scope);
  let inner: string;
  if (approximate === 'tanh') {
    // ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))
    const cube = b.node('Mul', [x, b.node('Mul', [x, x], [], scope)], [], scope);
    const poly = b.node('Add', [x, b.node('Mul', [cube, c(0.044715, 'coef')], [], scope)], [], scope);
    inner = b.node(
      'Tanh',
      [b.node('Mul', [poly, c(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi')], [], scope)],
      [],
      scope,
    );
  } else {
    // ½x·(1 + erf(x/√2))
    inner = b.node('Erf', [b.node('Mul', [x, c(Math.SQRT1_2, 'sqrt_half')], [], scope)], [], scope);
  }
  return b.node('Mul', [half, b.node('Add', [inner, c(1, 'one')], [], scope)], [], scope);
}
