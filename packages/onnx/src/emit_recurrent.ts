/**
 * ONNX translations of RNN, LSTM and GRU: one ONNX recurrent node per layer, with PyTorch's gate
 * blocks reordered to ONNX's.
 */
import type { RNN } from '@nnet/layers';
import { cat, type Tensor, tidy } from '@nnet/tensor';
import { attr } from './builder.js';
import { configOf, type Emit, paramOf } from './export_context.js';

/** PyTorch's gate blocks → ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h. */
function reorderGates(t: Tensor, cell: string): Tensor {
  if (cell === 'lstm') {
    const [i, f, g, o] = t.chunk(4, 0);
    return cat([i, o, f, g], 0);
  }
  if (cell === 'gru') {
    const [r, z, n] = t.chunk(3, 0);
    return cat([z, r, n], 0);
  }
  return t.clone();
}

export const emitRecurrent: Emit = (b, m, scope, x) => {
  const rnn = m as RNN;
  const cell = configOf<string>(rnn, 'cell');
  const H = rnn.hiddenSize;
  const opType = cell === 'lstm' ? 'LSTM' : cell === 'gru' ? 'GRU' : 'RNN';
  const y = rnn.forward(x.value);
  let seq = x.name;
  if (x.value.ndim === 2) seq = b.node('Unsqueeze', [seq, b.int64s([1], `${scope}/axes`)], [], scope);
  else if (rnn.batchFirst) seq = b.node('Transpose', [seq], [attr.ints('perm', [1, 0, 2])], scope);
  const dirAxis = b.int64s([1], `${scope}/dir_axis`);
  for (let k = 0; k < rnn.numLayers; k++) {
    const p = (n: string) => paramOf(m, `${n}_l${k}`);
    const W = b.weight(
      `${scope}W_l${k}`,
      b.own(tidy(() => reorderGates(p('weight_ih')!, cell).unsqueeze(0))),
    );
    const R = b.weight(
      `${scope}R_l${k}`,
      b.own(tidy(() => reorderGates(p('weight_hh')!, cell).unsqueeze(0))),
    );
    const inputs = [seq, W, R];
    const bih = p('bias_ih');
    const bhh = p('bias_hh');
    if (bih && bhh) {
      const B = tidy(() => cat([reorderGates(bih, cell), reorderGates(bhh, cell)], 0).unsqueeze(0));
      inputs.push(b.weight(`${scope}B_l${k}`, b.own(B)));
    }
    const attrs = [attr.int('hidden_size', H)];
    if (cell === 'gru') attrs.push(attr.int('linear_before_reset', 1));
    if (cell === 'rnn_tanh' || cell === 'rnn_relu') {
      attrs.push(attr.strings('activations', [cell === 'rnn_relu' ? 'Relu' : 'Tanh']));
    }
    // Y [T, 1, N, H] → [T, N, H]
    seq = b.node('Squeeze', [b.node(opType, inputs, attrs, scope), dirAxis], [], scope);
  }
  if (x.value.ndim === 2) seq = b.node('Squeeze', [seq, b.int64s([1], `${scope}/axes`)], [], scope);
  else if (rnn.batchFirst) seq = b.node('Transpose', [seq], [attr.ints('perm', [1, 0, 2])], scope);
  return b.val(seq, y);
};
