/**
 * ONNX translation of MultiheadAttention (PyTorch 1.13's nn.MultiheadAttention): the projections,
 * the heads as Reshape/Transpose with copied (0) dims so that batch and sequence stay dynamic, the
 * PyTorch-convention masks made additive (bool true → -inf), Softmax, and optionally the attention
 * weights as a second output. The head helpers are shared with GPT-2's attention.
 */
import type { MultiheadAttention } from '@nnet/layers';
import type { Tensor } from '@nnet/tensor';
import { attr } from './builder.js';
import { linearNodes } from './emit_basic.js';
import type { Emit, Export, Signature, TraceOptions, Val } from './export_context.js';

/** [N, len, H·d] → [N, H, len, d] (or [N, H, d, len] with `keysT`, ready for q·kᵀ). */
export function splitHeads(b: Export, x: string, H: number, d: number, scope: string, keysT = false): string {
  const r = b.node('Reshape', [x, b.int64s([0, 0, H, d], `${scope}/heads_shape`)], [], scope);
  return b.node('Transpose', [r], [attr.ints('perm', keysT ? [0, 2, 3, 1] : [0, 2, 1, 3])], scope);
}

/** [N, H, len, d] → [N, len, H·d]. */
export function mergeHeads(b: Export, x: string, E: number, scope: string): string {
  const t = b.node('Transpose', [x], [attr.ints('perm', [0, 2, 1, 3])], scope);
  return b.node('Reshape', [t, b.int64s([0, 0, E], `${scope}/merge_shape`)], [], scope);
}

/** A PyTorch-convention mask as an additive float: bool true (= not allowed) → -inf, float as is. */
function additive(b: Export, mask: Val, scope: string): string {
  if (mask.value.dtype !== 'bool') return mask.name;
  const inf = b.scalar(`${scope}neg_inf`, Number.NEGATIVE_INFINITY);
  return b.node('Where', [mask.name, inf, b.scalar(`${scope}zero`, 0)], [], scope);
}

/** The inputs of one attention call: graph values of query, key, value and the optional masks. */
export interface AttentionInputs {
  query: Val;
  key: Val;
  value: Val;
  keyPaddingMask: Val | null;
  attnMask: Val | null;
}

/**
 * The nodes of `m.attend(query, key, value, masks)`; returns the output's name and, with
 * `needWeights`, the weights' ([N, L, S] averaged over heads or [N, H, L, S]).
 */
export function attentionNodes(
  b: Export,
  m: MultiheadAttention,
  scope: string,
  a: AttentionInputs,
  o: TraceOptions,
): { output: string; weights: string | null } {
  const E = m.embedDim;
  const H = m.numHeads;
  const unbatched = a.query.value.ndim === 2;
  const zero = () => b.int64s([0], `${scope}/axes`);
  // Everything as [N, len, features].
  const toBatch = (name: string) =>
    unbatched
      ? b.node('Unsqueeze', [name, zero()], [], scope)
      : m.batchFirst
        ? name
        : b.node('Transpose', [name], [attr.ints('perm', [1, 0, 2])], scope);
  const q0 = toBatch(a.query.name);
  const k0 = a.key.name === a.query.name ? q0 : toBatch(a.key.name);
  const v0 = a.value.name === a.key.name ? k0 : toBatch(a.value.name);
  const bias = m.in_proj_bias ? b.weight(`${scope}in_proj_bias`, m.in_proj_bias) : null;
  const packed = m.in_proj_weight ? b.weight(`${scope}in_proj_weight`, m.in_proj_weight) : null;
  const rows = (t: string, i: number) =>
    b.node(
      'Slice',
      [t, b.int64s([i * E], `${scope}/start`), b.int64s([(i + 1) * E], `${scope}/end`), zero()],
      [],
      scope,
    );
  const separate = [m.q_proj_weight, m.k_proj_weight, m.v_proj_weight];
  const names = ['q_proj_weight', 'k_proj_weight', 'v_proj_weight'];
  const [q, k, v] = [q0, k0, v0].map((x, i) => {
    const w = packed ? rows(packed, i) : b.weight(`${scope}${names[i]}`, separate[i] as Tensor);
    return linearNodes(b, x, w, bias ? rows(bias, i) : null, scope);
  });
  const d = m.headDim;
  const scores = b.node(
    'Mul',
    [
      b.node('MatMul', [splitHeads(b, q, H, d, scope), splitHeads(b, k, H, d, scope, true)], [], scope),
      b.scalar(`${scope}scale`, 1 / Math.sqrt(d)),
    ],
    [],
    scope,
  );
  let masked = scores;
  if (a.keyPaddingMask) {
    // [N, S] → [N, 1, 1, S] ([S] → [1, 1, 1, S] unbatched).
    const axes = b.int64s(unbatched ? [0, 1, 2] : [1, 2], `${scope}/kpm_axes`);
    const kpm = b.node('Unsqueeze', [additive(b, a.keyPaddingMask, scope), axes], [], scope);
    masked = b.node('Add', [masked, kpm], [], scope);
  }
  if (a.attnMask) {
    let am = additive(b, a.attnMask, scope);
    if (a.attnMask.value.ndim === 3) {
      // [N·H, L, S] → [N, H, L, S], L and S read from the mask so they stay dynamic.
      const ls = b.node(
        'Slice',
        [b.node('Shape', [am], [], scope), b.int64s([1], `${scope}/s`), b.int64s([3], `${scope}/e`)],
        [],
        scope,
      );
      const shape = b.node('Concat', [b.int64s([-1, H], `${scope}/nh`), ls], [attr.int('axis', 0)], scope);
      am = b.node('Reshape', [am, shape], [], scope);
    }
    masked = b.node('Add', [masked, am], [], scope);
  }
  const w = b.node('Softmax', [masked], [attr.int('axis', -1)], scope);
  const heads = b.node('MatMul', [w, splitHeads(b, v, H, d, scope)], [], scope);
  const outW = b.weight(`${scope}out_proj.weight`, m.out_proj.weight);
  const outB = m.out_proj.bias ? b.weight(`${scope}out_proj.bias`, m.out_proj.bias) : null;
  let out = linearNodes(b, mergeHeads(b, heads, E, scope), outW, outB, scope);
  out = unbatched
    ? b.node('Squeeze', [out, zero()], [], scope)
    : m.batchFirst
      ? out
      : b.node('Transpose', [out], [attr.ints('perm', [1, 0, 2])], scope);
  if (!o.needWeights) return { output: out, weights: null };
  let weights = o.averageAttnWeights
    ? b.node('ReduceMean', [w], [attr.ints('axes', [1]), attr.int('keepdims', 0)], scope)
    : w;
  if (unbatched) weights = b.node('Squeeze', [weights, zero()], [], scope);
  return { output: out, weights };
}

/** MultiheadAttention as a layer of a Sequential: self-attention of its input, no masks. */
export const emitMultiheadAttention: Emit = (b, m, scope, x) => {
  const mha = m as MultiheadAttention;
  const { output } = attentionNodes(
    b,
    mha,
    scope,
    { query: x, key: x, value: x, keyPaddingMask: null, attnMask: null },
    {
      needWeights: false,
      averageAttnWeights: true,
    },
  );
  return b.val(output, mha.forward(x.value));
};

const maskOf = (v: Val | null): Tensor | null => v?.value ?? null;

/**
 * MultiheadAttention as a graph root: PyTorch's forward arguments (query, key, value,
 * key_padding_mask, attn_mask); key and value default to the query, then to the key.
 */
export const MULTIHEAD_ATTENTION_SIGNATURE: Signature = {
  inputs: ['query', 'key', 'value', 'key_padding_mask', 'attn_mask'],
  required: 1,
  outputs: (o) => (o.needWeights ? ['output', 'weights'] : ['output']),
  emit: (b, m, [query, key, value, kpm, am], o) => {
    const mha = m as MultiheadAttention;
    const k = key ?? query!;
    const v = value ?? k;
    const a = { query: query!, key: k, value: v, keyPaddingMask: kpm, attnMask: am };
    const [outV, weightsV] = MULTIHEAD_ATTENTION_SIGNATURE.run(
      m,
      [query!.value, k.value, v.value, maskOf(kpm), maskOf(am)],
      o,
    );
    const { output, weights } = attentionNodes(b, mha, '', a, o);
    const vals = [b.val(output, outV)];
    if (weights && weightsV) vals.push(b.val(weights, weightsV));
    return vals;
  },
  run: (m, [query, key, value, kpm, am], o) => {
    const k = key ?? query!;
    const r = (m as MultiheadAttention).attend(query!, k, value ?? k, {
      keyPaddingMask: kpm,
      attnMask: am,
      needWeights: o.needWeights,
      averageAttnWeights: o.averageAttnWeights,
    });
    return r.weights ? [r.output, r.weights] : [r.output];
  },
};
