import {
  Conv1d,
  Conv3d,
  ELU,
  GLU,
  GroupNorm,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  InstanceNorm1d,
  InstanceNorm2d,
  LogSigmoid,
  Mish,
  type Module,
  PReLU,
  ReLU6,
  RMSNorm,
  SELU,
  Sequential,
  SiLU,
  Softsign,
} from '@nnet/layers';
import { manualSeed, noGrad, randn, type Tensor } from '@nnet/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index.js';
import { maxAbsDiff, runImported, runOrt } from './helpers.js';

const measured: Record<string, number> = {};
const roundTrip: Record<string, number> = {};
afterAll(() => {
  console.log('max |nnet - onnxruntime| (newer layers):', JSON.stringify(measured));
  console.log('max |nnet - importOnnx(exportOnnx(nnet))| (newer layers):', JSON.stringify(roundTrip));
});

/**
 * Exports on the first input and checks ONNX Runtime, and the file imported back with importOnnx,
 * against nnet on each input, at opsets 13 and 17.
 */
async function check(label: string, model: Module, inputs: Tensor[], dynamic: number[]): Promise<void> {
  let worst = 0;
  let worstBack = 0;
  for (const opset of [13, 17]) {
    const bytes = await exportOnnx(model, inputs[0], { opset, dynamicAxes: { input: dynamic } });
    model.eval();
    for (const x of inputs) {
      const want = noGrad(() => model.forward(x));
      const got = await runOrt(bytes, x);
      const [back] = await runImported(bytes, [x]);
      expect(got.dims).toEqual(want.shape);
      expect(back.dims).toEqual(want.shape);
      const w = await want.data();
      worst = Math.max(worst, maxAbsDiff(got.data, w));
      worstBack = Math.max(worstBack, maxAbsDiff(back.data, w));
      want.dispose();
    }
  }
  measured[label] = Number(worst.toExponential(2));
  roundTrip[label] = Number(worstBack.toExponential(2));
  expect(worst).toBeLessThanOrEqual(1e-5);
  expect(worstBack).toBeLessThanOrEqual(1e-5);
}

describe('exportOnnx of the newer layers runs in ONNX Runtime with nnet outputs (max abs error ≤ 1e-5)', () => {
  it('every newer activation, GLU and PReLU (one slope), each alone', async () => {
    manualSeed(40);
    const layers: Module[] = [
      new SiLU(),
      new ELU(0.7),
      new SELU(),
      new Mish(),
      new Hardtanh(-0.5, 1.5),
      new ReLU6(),
      new Hardswish(),
      new Hardsigmoid(),
      new Softsign(),
      new LogSigmoid(),
      new GLU(),
      new PReLU(),
    ];
    // Wide inputs, so that every branch of the piecewise activations (|x| > 3, x > 6) is taken.
    for (const layer of layers) {
      await check(layer.constructor.name, layer, [randn([4, 6]).mul(4), randn([7, 6]).mul(4)], [0]);
    }
  });

  it('Conv1d (same padding, dilation, groups) → GroupNorm → PReLU per channel → InstanceNorm1d → RMSNorm', async () => {
    manualSeed(41);
    const model = new Sequential(
      new Conv1d(4, 6, 3, { padding: 'same', dilation: 2, groups: 2 }),
      new GroupNorm(3, 6),
      new PReLU(6),
      new Conv1d(6, 6, 2, { stride: 2, padding: 1, bias: false }),
      new InstanceNorm1d(6, { affine: true }),
      new RMSNorm(5, { eps: 1e-6 }),
    );
    await check('conv1d_norms', model, [randn([2, 4, 9]), randn([3, 4, 9])], [0]);
    const seqDynamic = new Sequential(
      new Conv1d(3, 4, 3, { padding: 1 }),
      new GroupNorm(2, 4, { affine: false }),
    );
    await check('conv1d_dynamic_length', seqDynamic, [randn([2, 3, 5]), randn([1, 3, 8])], [0, 2]);
  });

  it('Conv3d and InstanceNorm2d with running statistics in eval', async () => {
    manualSeed(42);
    const conv = new Sequential(
      new Conv3d(2, 3, [3, 1, 2], { padding: [1, 0, 1], stride: [1, 2, 1] }),
      new RMSNorm([4]),
    );
    await check('conv3d', conv, [randn([2, 2, 4, 5, 3]), randn([1, 2, 4, 5, 3])], [0]);
    const inorm = new Sequential(new InstanceNorm2d(3, { trackRunningStats: true, affine: true }));
    const x = randn([4, 3, 5, 5]).mul(2).add(1);
    inorm.train();
    noGrad(() => inorm.forward(x).dispose());
    await check('instancenorm2d_running', inorm, [x, randn([2, 3, 5, 5])], [0]);
  });
});
