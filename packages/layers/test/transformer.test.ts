/**
 * MultiheadAttention and the Transformer layers against PyTorch 1.13 (fixtures/
 * transformer_modules.json and .safetensors, from scripts/gen_transformer_fixtures.py): each case loads
 * the state dict PyTorch saved (strictly), runs the same inputs and masks in eval mode, and checks
 * the outputs and the gradients of Σ out·W w.r.t. the inputs and every parameter at rtol 1e-4.
 */
import { type Tensor, tensor, ValueError } from '@nnet/tensor';
import { describe, expect, it } from 'vitest';
import {
  LayerNorm,
  type Module,
  MultiheadAttention,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
} from '../src/index.js';
import { dec, expectNear, type TEnc, transformerFixture, transformerTensors } from './transformer_helpers.js';

interface ModuleCase {
  name: string;
  kind: 'mha' | 'encoderLayer' | 'encoder' | 'decoderLayer' | 'decoder';
  config: Record<string, number | boolean | string>;
  inputs: TEnc[];
  masks: Record<string, TEnc>;
  outputs: TEnc[];
  weights: TEnc[];
  inputGrads: TEnc[];
  paramGrads: Record<string, TEnc>;
}

const { cases } = transformerFixture<{ cases: ModuleCase[] }>('transformer_modules.json');
const states = transformerTensors('transformer_modules.safetensors');

function layerOptions(c: ModuleCase['config']): TransformerLayerOptions {
  return {
    dimFeedforward: c.dimFeedforward as number,
    activation: (c.activation as 'relu' | 'gelu' | undefined) ?? 'relu',
    batchFirst: (c.batchFirst as boolean | undefined) ?? false,
    normFirst: (c.normFirst as boolean | undefined) ?? false,
  };
}

/** The nnet module of a case, with the state dict PyTorch saved for it loaded strictly. */
function build(c: ModuleCase): Module {
  const cfg = c.config;
  const layer = <L>(cls: new (dModel: number, nhead: number, options: TransformerLayerOptions) => L): L =>
    new cls(cfg.dModel as number, cfg.nhead as number, layerOptions(cfg));
  const stackOptions = () => ({ norm: cfg.norm ? new LayerNorm(cfg.dModel as number) : null });
  let m: Module;
  switch (c.kind) {
    case 'mha':
      m = new MultiheadAttention(cfg.embedDim as number, cfg.numHeads as number, {
        kdim: cfg.kdim as number | undefined,
        vdim: cfg.vdim as number | undefined,
        bias: cfg.bias as boolean | undefined,
        batchFirst: cfg.batchFirst as boolean | undefined,
      });
      break;
    case 'encoderLayer':
      m = layer(TransformerEncoderLayer);
      break;
    case 'encoder':
      m = new TransformerEncoder(layer(TransformerEncoderLayer), cfg.numLayers as number, stackOptions());
      break;
    case 'decoderLayer':
      m = layer(TransformerDecoderLayer);
      break;
    case 'decoder':
      m = new TransformerDecoder(layer(TransformerDecoderLayer), cfg.numLayers as number, stackOptions());
      break;
  }
  const prefix = `${c.name}/`;
  const dict = new Map<string, Tensor>();
  for (const [k, t] of states) if (k.startsWith(prefix)) dict.set(k.slice(prefix.length), t);
  m.loadStateDict(dict);
  return m.eval();
}

function run(c: ModuleCase, m: Module, xs: Tensor[]): Tensor[] {
  const mask = (k: string) => (c.masks[k] ? dec(c.masks[k]) : null);
  switch (c.kind) {
    case 'mha': {
      const mha = m as MultiheadAttention;
      const [q, k, v] = xs.length === 1 ? [xs[0], xs[0], xs[0]] : xs;
      const { output, weights } = mha.attend(q, k, v, {
        keyPaddingMask: mask('keyPaddingMask'),
        attnMask: mask('attnMask'),
        needWeights: c.config.needWeights as boolean,
        averageAttnWeights: c.config.averageAttnWeights as boolean | undefined,
      });
      return weights ? [output, weights] : [output];
    }
    case 'encoderLayer':
    case 'encoder':
      return [(m as TransformerEncoder).forward(xs[0], mask('srcMask'), mask('srcKeyPaddingMask'))];
    case 'decoderLayer':
    case 'decoder':
      return [
        (m as TransformerDecoder).forward(
          xs[0],
          xs[1],
          mask('tgtMask'),
          mask('memoryMask'),
          mask('tgtKeyPaddingMask'),
          mask('memoryKeyPaddingMask'),
        ),
      ];
  }
}

describe('attention and transformer modules match PyTorch 1.13', () => {
  for (const c of cases) {
    it(`${c.name}: state dict, outputs and gradients`, async () => {
      const m = build(c);
      expect(Object.keys(m.stateDict()).sort()).toEqual(Object.keys(c.paramGrads).sort());
      const xs = c.inputs.map((e) => dec(e, true));
      const outs = run(c, m, xs);
      expect(outs.length).toBe(c.outputs.length);
      for (const [i, o] of outs.entries()) await expectNear(o, c.outputs[i]);
      outs
        .map((o, i) => o.mul(dec(c.weights[i])).sum())
        .reduce((a, b) => a.add(b))
        .backward();
      for (const [i, x] of xs.entries()) await expectNear(x.grad, c.inputGrads[i]);
      for (const [n, p] of m.namedParameters()) await expectNear(p.grad, c.paramGrads[n], 1e-4, 2e-5);
    });
  }
});

describe('MultiheadAttention details', () => {
  it('forward is self-attention without weights, equal to attend', async () => {
    const c = cases.find((x) => x.name === 'mha_self')!;
    const m = build(c);
    const x = dec(c.inputs[0]);
    await expectNear(m.forward(x), c.outputs[0]);
  });

  it('rejects bad shapes, masks and options', async () => {
    const m = new MultiheadAttention(8, 2);
    const x = tensor(new Float32Array(5 * 2 * 8), { shape: [5, 2, 8] });
    expect(() => new MultiheadAttention(8, 3)).toThrow(/divisible/);
    expect(() => m.attend(x, x, x, { attnMask: tensor(new Float32Array(4 * 5), { shape: [4, 5] }) })).toThrow(
      /attnMask must be \[5, 5\]/,
    );
    expect(() => m.attend(x, x, x, { keyPaddingMask: tensor([[true, false]]) })).toThrow(/keyPaddingMask/);
    expect(() => m.attend(x, x, x, { needWeight: false } as never)).toThrow(ValueError);
    expect(() => m.forward(x.reshape([10, 8]).reshape([5, 2, 8]).narrow(2, 0, 4))).toThrow(/query must be/);
  });
});
