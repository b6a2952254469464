import * as L from '@nnet/layers';
import { manualSeed, noGrad, randn, type Tensor } from '@nnet/tensor';
import { describe, it } from 'vitest';
import { checkExport, ExportErrors } from './helpers.js';

const errors = new ExportErrors(' (newer layers)');

/** `checkExport` on the first input against nnet on each input, at opsets 13 and 17. */
async function check(label: string, model: L.Module, inputs: Tensor[], dynamic: number[]): Promise<void> {
  for (const opset of [13, 17]) {
    const sets = inputs.map((x) => [x]);
    await checkExport(errors, label, model, inputs[0], sets, ([x]) => [model.forward(x!)], {
      opset,
      dynamicAxes: { input: dynamic },
    });
  }
}

describe('exportOnnx of the newer layers runs in ONNX Runtime with nnet outputs (max abs error ≤ 1e-5)', () => {
  it('every newer activation, GLU and PReLU (one slope), each alone', async () => {
    manualSeed(40);
    const layers: L.Module[] = [
      new L.SiLU(),
      new L.ELU(0.7),
      new L.SELU(),
      new L.Mish(),
      new L.Hardtanh(-0.5, 1.5),
      new L.ReLU6(),
      new L.Hardswish(),
      new L.Hardsigmoid(),
      new L.Softsign(),
      new L.LogSigmoid(),
      new L.GLU(),
      new L.PReLU(),
    ];
    // Wide inputs, so that every branch of the piecewise activations (|x| > 3, x > 6) is taken.
    for (const layer of layers) {
      await check(layer.constructor.name, layer, [randn([4, 6]).mul(4), randn([7, 6]).mul(4)], [0]);
    }
  });

  it('Conv1d (same padding, dilation, groups) → GroupNorm → PReLU per channel → InstanceNorm1d → RMSNorm', async () => {
    manualSeed(41);
    const model = new L.Sequential(
      new L.Conv1d(4, 6, 3, { padding: 'same', dilation: 2, groups: 2 }),
      new L.GroupNorm(3, 6),
      new L.PReLU(6),
      new L.Conv1d(6, 6, 2, { stride: 2, padding: 1, bias: false }),
      new L.InstanceNorm1d(6, { affine: true }),
      new L.RMSNorm(5, { eps: 1e-6 }),
    );
    await check('conv1d_norms', model, [randn([2, 4, 9]), randn([3, 4, 9])], [0]);
    const seqDynamic = new L.Sequential(
      new L.Conv1d(3, 4, 3, { padding: 1 }),
      new L.GroupNorm(2, 4, { affine: false }),
    );
    await check('conv1d_dynamic_length', seqDynamic, [randn([2, 3, 5]), randn([1, 3, 8])], [0, 2]);
  });

  it('Conv3d and InstanceNorm2d with running statistics in eval', async () => {
    manualSeed(42);
    const conv = new L.Sequential(
      new L.Conv3d(2, 3, [3, 1, 2], { padding: [1, 0, 1], stride: [1, 2, 1] }),
      new L.RMSNorm([4]),
    );
    await check('conv3d', conv, [randn([2, 2, 4, 5, 3]), randn([1, 2, 4, 5, 3])], [0]);
    const inorm = new L.Sequential(new L.InstanceNorm2d(3, { trackRunningStats: true, affine: true }));
    const x = randn([4, 3, 5, 5]).mul(2).add(1);
    inorm.train();
    noGrad(() => inorm.forward(x).dispose());
    await check('instancenorm2d_running', inorm, [x, randn([2, 3, 5, 5])], [0]);
  });
});
