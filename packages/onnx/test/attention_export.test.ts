import {
  Embedding,
  GPT2LMHeadModel,
  LayerNorm,
  LearnedPositionalEmbedding,
  Linear,
  type Module,
  MultiheadAttention,
  Sequential,
  SinusoidalPositionalEncoding,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '@nnet/layers';
import { manualSeed, memory, noGrad, randint, randn, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import { type ExportOptions, exportOnnx, importOnnx, UnsupportedModuleError } from '../src/index.js';
import { checkExport, ExportErrors, maxAbsDiff } from './helpers.js';

const errors = new ExportErrors(' (attention)');

/** [N, S] bool key padding mask: true past each row's length. */
function padding(lengths: number[], S: number): Tensor {
  const data = lengths.flatMap((n) => Array.from({ length: S }, (_, j) => (j >= n ? 1 : 0)));
  return tensor(Uint8Array.from(data), { shape: [lengths.length, S], dtype: 'bool' });
}

/** [T, T] bool causal mask: true above the diagonal. */
function causal(T: number): Tensor {
  const data = Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0));
  return tensor(Uint8Array.from(data), { shape: [T, T], dtype: 'bool' });
}

/** `checkExport` on the first set of inputs as the example. */
function check(
  label: string,
  model: Module,
  sets: (Tensor | null)[][],
  run: (inputs: (Tensor | null)[]) => Tensor[],
  options: ExportOptions,
): Promise<Uint8Array> {
  return checkExport(errors, label, model, sets[0], sets, run, options);
}

describe('exportOnnx of the attention layers runs in ONNX Runtime with nnet outputs (max abs error ≤ 1e-5)', () => {
  it('MultiheadAttention [L, N, E], self-attention with a key padding mask, output and averaged weights', async () => {
    manualSeed(20);
    const mha = new MultiheadAttention(8, 2);
    noGrad(() => mha.in_proj_bias!.assign(randn([24]).mul(0.1)));
    const sets = [
      [randn([4, 2, 8]), null, null, padding([4, 2], 4)],
      [randn([6, 3, 8]), null, null, padding([6, 1, 3], 6)],
    ];
    await check(
      'mha_self_kpm_weights',
      mha,
      sets,
      ([q, , , kpm]) => {
        const r = mha.attend(q!, q!, q!, { keyPaddingMask: kpm });
        return [r.output, r.weights!];
      },
      {
        needWeights: true,
        inputNames: ['query', 'key_padding_mask'],
        dynamicAxes: { query: { 0: 'L', 1: 'N' }, key_padding_mask: { 0: 'N', 1: 'L' } },
      },
    );
  });

  it('MultiheadAttention batch first, kdim/vdim, a float [N·H, L, S] mask, per-head weights', async () => {
    manualSeed(21);
    const mha = new MultiheadAttention(8, 2, { kdim: 5, vdim: 3, batchFirst: true, bias: false });
    const sets = [2, 3].map((N) => {
      const [L, S] = N === 2 ? [3, 4] : [2, 5];
      return [randn([N, L, 8]), randn([N, S, 5]), randn([N, S, 3]), null, randn([N * 2, L, S])];
    });
    const dynamicAxes = {
      query: { 0: 'N', 1: 'L' },
      key: { 0: 'N', 1: 'S' },
      value: { 0: 'N', 1: 'S' },
      attn_mask: { 0: 'NH', 1: 'L', 2: 'S' },
    };
    await check(
      'mha_cross_kdim_3d_mask',
      mha,
      sets,
      ([q, k, v, , am]) => {
        const r = mha.attend(q!, k!, v!, { attnMask: am, averageAttnWeights: false });
        return [r.output, r.weights!];
      },
      { needWeights: true, averageAttnWeights: false, inputNames: Object.keys(dynamicAxes), dynamicAxes },
    );
  });

  it('MultiheadAttention unbatched [L, E] with a [S] mask, and alone in a Sequential (self-attention)', async () => {
    manualSeed(22);
    const mha = new MultiheadAttention(6, 3);
    const kpm = (S: number) =>
      tensor(
        Uint8Array.from({ length: S }, (_, j) => (j === S - 1 ? 1 : 0)),
        { shape: [S], dtype: 'bool' },
      );
    await check(
      'mha_unbatched',
      mha,
      [
        [randn([3, 6]), null, null, kpm(3)],
        [randn([5, 6]), null, null, kpm(5)],
      ],
      ([q, , , m]) => {
        const r = mha.attend(q!, q!, q!, { keyPaddingMask: m });
        return [r.output, r.weights!];
      },
      {
        needWeights: true,
        inputNames: ['query', 'key_padding_mask'],
        dynamicAxes: { query: [0], key_padding_mask: [0] },
      },
    );
    const seq = new Sequential(new Linear(4, 6), mha);
    await check(
      'mha_in_sequential',
      seq,
      [[randn([3, 2, 4])], [randn([5, 1, 4])]],
      ([x]) => [seq.forward(x!)],
      {
        dynamicAxes: { input: [0, 1] },
      },
    );
  });

  it('TransformerEncoder: 2 post-norm GELU layers, final norm, causal and padding masks, [L, N, E], opsets 17 and 13', async () => {
    manualSeed(23);
    const enc = new TransformerEncoder(
      new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu' }),
      2,
      {
        norm: new LayerNorm(8),
      },
    );
    const sets = [
      [randn([4, 2, 8]), causal(4), padding([4, 3], 4)],
      [randn([6, 3, 8]), causal(6), padding([6, 2, 5], 6)],
    ];
    const dynamicAxes = {
      src: { 0: 'L', 1: 'N' },
      mask: { 0: 'L', 1: 'L2' },
      src_key_padding_mask: { 0: 'N', 1: 'L' },
    };
    for (const opset of [17, 13]) {
      await check(`encoder_opset${opset}`, enc, sets, ([s, m, k]) => [enc.forward(s!, m, k)], {
        opset,
        dynamicAxes,
      });
    }
  });

  it('TransformerEncoderLayer pre-norm ReLU, batch first, no masks', async () => {
    manualSeed(24);
    const layer = new TransformerEncoderLayer(8, 4, {
      dimFeedforward: 12,
      normFirst: true,
      batchFirst: true,
    });
    await check(
      'encoder_layer_prenorm',
      layer,
      [[randn([2, 3, 8])], [randn([3, 5, 8])]],
      ([s]) => [layer.forward(s!)],
      {
        dynamicAxes: { src: { 0: 'N', 1: 'L' } },
      },
    );
  });

  it('TransformerDecoder (post-norm GELU, final norm) and a pre-norm ReLU TransformerDecoderLayer with memory padding', async () => {
    manualSeed(25);
    const dec = new TransformerDecoder(
      new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', batchFirst: true }),
      2,
      {
        norm: new LayerNorm(8),
      },
    );
    const decSets = [
      [randn([2, 3, 8]), randn([2, 4, 8]), causal(3)],
      [randn([1, 5, 8]), randn([1, 2, 8]), causal(5)],
    ];
    await check('decoder', dec, decSets, ([t, m, tm]) => [dec.forward(t!, m!, tm)], {
      dynamicAxes: { tgt: { 0: 'N', 1: 'T' }, memory: { 0: 'N', 1: 'S' }, tgt_mask: { 0: 'T', 1: 'T2' } },
    });
    const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, normFirst: true });
    const sets = [
      [randn([3, 2, 8]), randn([4, 2, 8]), null, null, null, padding([4, 2], 4)],
      [randn([2, 3, 8]), randn([5, 3, 8]), null, null, null, padding([5, 1, 3], 5)],
    ];
    await check(
      'decoder_layer_prenorm',
      layer,
      sets,
      ([t, m, , , , mk]) => [layer.forward(t!, m!, null, null, null, mk)],
      {
        opset: 14,
        dynamicAxes: {
          tgt: { 0: 'T', 1: 'N' },
          memory: { 0: 'S', 1: 'N' },
          memory_key_padding_mask: { 0: 'N', 1: 'S' },
        },
      },
    );
  });

  it('token ids through Embedding, sinusoidal positions and an encoder layer; learned positions [L, N, E]', async () => {
    manualSeed(26);
    const text = new Sequential(
      new Embedding(16, 8),
      new SinusoidalPositionalEncoding(8, 12),
      new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
      new Linear(8, 3),
    );
    await check(
      'text_sinusoidal',
      text,
      [[randint(0, 16, [2, 5])], [randint(0, 16, [3, 9])]],
      ([x]) => [text.forward(x!)],
      {
        dynamicAxes: { input: [0, 1] },
      },
    );
    const learned = new Sequential(
      new LearnedPositionalEmbedding(10, 6, { batchFirst: false }),
      new Linear(6, 2),
    );
    await check(
      'learned_positions',
      learned,
      [[randn([4, 2, 6])], [randn([7, 3, 6])]],
      ([x]) => [learned.forward(x!)],
      {
        dynamicAxes: { input: [0, 1] },
      },
    );
  });

  it("GPT-2's forward: ids [N, T] → logits [N, T, V], batch and length dynamic", async () => {
    manualSeed(27);
    const gpt = new GPT2LMHeadModel({ vocabSize: 11, nPositions: 8, nEmbd: 8, nLayer: 2, nHead: 2 });
    await check(
      'gpt2_logits',
      gpt,
      [[randint(0, 11, [2, 5])], [randint(0, 11, [3, 8])]],
      ([x]) => [gpt.forward(x!)],
      {
        inputNames: ['input_ids'],
        outputNames: ['logits'],
        dynamicAxes: { input_ids: { 0: 'N', 1: 'T' } },
      },
    );
  });

  it('exportOnnx then importOnnx: an encoder with masks and GPT-2 give back nnet outputs', async () => {
    manualSeed(29);
    const enc = new TransformerEncoder(
      new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
      2,
    );
    const dynamicAxes = { src: { 0: 'N', 1: 'L' }, src_key_padding_mask: { 0: 'N', 1: 'L' } };
    const back = importOnnx(
      await exportOnnx(enc, [randn([2, 3, 8]), null, padding([3, 1], 3)], { opset: 14, dynamicAxes }),
    );
    expect(back.inputNames).toEqual(['src', 'src_key_padding_mask']);
    const x = randn([3, 5, 8]);
    const pad = padding([5, 2, 4], 5);
    enc.eval();
    const want = noGrad(() => enc.forward(x, null, pad));
    const got = noGrad(() => back.forward(x, pad));
    expect(maxAbsDiff(await got.data(), await want.data())).toBeLessThanOrEqual(1e-5);
    const gpt = new GPT2LMHeadModel({ vocabSize: 9, nPositions: 6, nEmbd: 4, nLayer: 1, nHead: 2 });
    const gptBack = importOnnx(
      await exportOnnx(gpt, randint(0, 9, [1, 3]), { dynamicAxes: { input: [0, 1] } }),
    );
    const ids = randint(0, 9, [2, 6]);
    gpt.eval();
    const logits = noGrad(() => gpt.forward(ids));
    expect(
      maxAbsDiff(await noGrad(() => gptBack.forward(ids)).data(), await logits.data()),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('frees every tensor it makes while tracing', async () => {
    manualSeed(28);
    const enc = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
    const x = randn([3, 2, 4]);
    const m = padding([3, 2], 3);
    const before = memory();
    await exportOnnx(enc, [x, null, m], { dynamicAxes: { src: [0, 1], src_key_padding_mask: [0, 1] } });
    // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
    expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
    expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
    const mha = new MultiheadAttention(4, 2);
    const gpt = new GPT2LMHeadModel({ vocabSize: 5, nPositions: 4, nEmbd: 4, nLayer: 1, nHead: 2 });
    const ids = randint(0, 5, [1, 3]);
    const before2 = memory();
    await exportOnnx(mha, [x, null, null, m], {
      needWeights: true,
      dynamicAxes: { query: [0, 1], key_padding_mask: { 0: 'N', 1: 'L' } },
    });
    await exportOnnx(gpt, ids, { dynamicAxes: { input: [0, 1] } });
    expect(memory()).toEqual(before2);
  });

  it('refuses a custom activation, a decoder inside a Sequential, needWeights elsewhere and missing arguments', async () => {
    const custom = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, activation: (t) => t.tanh() });
    const err = await exportOnnx(new Sequential(custom), randn([2, 1, 4])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedModuleError);
    expect((err as UnsupportedModuleError).modules[0].path).toBe('0');
    expect((err as Error).message).toMatch(/custom activation function/);
    const decoder = new TransformerDecoderLayer(4, 2, { dimFeedforward: 8 });
    await expect(exportOnnx(new Sequential(decoder), randn([2, 1, 4]))).rejects.toThrow(
      UnsupportedModuleError,
    );
    await expect(exportOnnx(decoder, [randn([2, 1, 4])])).rejects.toThrow(/\[tgt, memory, tgt_mask/);
    await expect(exportOnnx(new Linear(2, 2), randn([1, 2]), { needWeights: true })).rejects.toThrow(
      ValueError,
    );
    await expect(
      exportOnnx(new MultiheadAttention(4, 2), [randn([2, 1, 4])], { inputNames: ['a', 'b'] }),
    ).rejects.toThrow(/inputNames must hold 1 name/);
  });
});
