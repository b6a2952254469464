/**
 * The new modules against PyTorch (fixtures/layers_extra.json from scripts/gen_ops_fixtures.py):
 * outputs, input and parameter gradients, running statistics, eval mode.
 */
import '@nnet/backend-cpu';
import type { Tensor } from '@nnet/tensor';
import { type Enc, expectClose, readFixture, t } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
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
  SiLU,
  Softsign,
} from '../src/index.js';

interface Step {
  x: Enc;
  out: Enc;
  weight: Enc;
  gradX: Enc;
  gradParams: Record<string, Enc>;
  buffers?: Record<string, Enc>;
}
interface LayerCase {
  kind: string;
  args: never[];
  kwargs: Record<string, never>;
  params: Record<string, Enc>;
  steps: Step[];
  eval?: { x: Enc; out: Enc };
}

const build: Record<string, (args: never[], kw: Record<string, never>) => Module> = {
  GroupNorm: ([g, c]) => new GroupNorm(g, c),
  InstanceNorm1d: ([c]) => new InstanceNorm1d(c, { affine: true }),
  InstanceNorm2d: ([c], kw) => new InstanceNorm2d(c, kw),
  RMSNorm: ([shape], kw) => new RMSNorm(shape, kw),
  PReLU: ([n]) => new PReLU(n),
  Conv1d: ([i, o, k], kw) => new Conv1d(i, o, k, kw),
  Conv3d: ([i, o, k], kw) => new Conv3d(i, o, k, kw),
  SiLU: () => new SiLU(),
  ELU: ([a]) => new ELU(a),
  SELU: () => new SELU(),
  Mish: () => new Mish(),
  Hardtanh: ([lo, hi]) => new Hardtanh(lo, hi),
  ReLU6: () => new ReLU6(),
  Hardswish: () => new Hardswish(),
  Hardsigmoid: () => new Hardsigmoid(),
  Softsign: () => new Softsign(),
  LogSigmoid: () => new LogSigmoid(),
  GLU: ([d]) => new GLU(d),
};

/** PyTorch's buffer names → ours. */
const bufferName = (n: string) => ({ running_mean: 'runningMean', running_var: 'runningVar' })[n] ?? n;

const { cases } = readFixture<{ cases: LayerCase[] }>(
  new URL('./fixtures/layers_extra.json', import.meta.url),
);

describe('new layers match PyTorch', () => {
  for (const c of cases) {
    it(`${c.kind}(${c.args.map((a) => JSON.stringify(a)).join(', ')})`, async () => {
      const layer = build[c.kind](c.args, c.kwargs) as Module & Record<string, Tensor | null>;
      const params = new Map(layer.namedParameters());
      expect([...params.keys()].sort()).toEqual(Object.keys(c.params).sort());
      for (const [n, e] of Object.entries(c.params)) params.get(n)!.assign(t(e));
      for (const s of c.steps) {
        layer.zeroGrad();
        const x = t(s.x, true);
        const y = layer.forward(x);
        await expectClose(y, s.out);
        y.mul(t(s.weight)).sum().backward();
        await expectClose(x.grad!, s.gradX);
        for (const [n, e] of Object.entries(s.gradParams)) expectClose(params.get(n)!.grad!, e);
        for (const [n, e] of Object.entries(s.buffers ?? {})) expectClose(layer[bufferName(n)]!, e);
      }
      if (c.eval) {
        layer.eval();
        await expectClose(layer.forward(t(c.eval.x)), c.eval.out);
      }
    });
  }
  it('PReLU, GroupNorm, Conv1d reject wrong inputs and arguments', () => {
    expect(() => new GroupNorm(4, 6)).toThrow(/divisible/);
    expect(() => new PReLU(3).forward(t({ shape: [2, 4], data: new Array(8).fill(1) }))).toThrow(
      /3 channels/,
    );
    expect(() => new Conv1d(2, 4, 3).forward(t({ shape: [1, 3, 5], data: new Array(15).fill(1) }))).toThrow(
      /expected input \[N, 2, L\]/,
    );
  });
});
