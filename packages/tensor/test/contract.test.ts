// What the front end promises backends (backend.ts): which dtypes reach the unary kernel, and the
// cast/fill conversion rule every backend shares (castScalar).
import { CpuBackend } from '@nnet/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  castScalar,
  registerBackend,
  setBackend,
  type TensorInfo,
  tensor,
  type UnaryOp,
} from '../src/index.js';

describe('the backend contract, front-end side', () => {
  it('sends bool tensors to the unary kernel only for logicalNot, int32 only for neg/abs/sign/relu', async () => {
    const cpu = new CpuBackend();
    const seen: string[] = [];
    const spy: Backend = Object.assign(Object.create(cpu) as Backend, {
      unary(op: UnaryOp, x: TensorInfo<unknown>, out: TensorInfo<unknown>) {
        seen.push(`${op}:${x.dtype}`);
        cpu.unary(op, x as never, out as never);
      },
    });
    registerBackend('contract-spy', () => spy, -1);
    await setBackend('contract-spy');
    const b = tensor([true, false]);
    expect(Array.from(b.abs().dataSync())).toEqual([1, 0]);
    expect(Array.from(b.sign().dataSync())).toEqual([1, 0]);
    b.logicalNot();
    const i = tensor([3, -2], { dtype: 'int32' });
    for (const t of [i.neg(), i.abs(), i.sign(), i.relu(), i.exp(), i.sqrt(), i.floor()]) t.dispose();
    expect(seen.filter((s) => s.endsWith(':bool'))).toEqual(['logicalNot:bool']);
    expect(seen.filter((s) => s.endsWith(':int32')).sort()).toEqual([
      'abs:int32',
      'neg:int32',
      'relu:int32',
      'sign:int32',
    ]);
    await setBackend('cpu');
  });

  it('castScalar: int32 truncates and saturates with NaN -> 0; bool is value != 0', () => {
    expect(
      [2.7, -2.7, Number.NaN, Number.POSITIVE_INFINITY, -3e9, 2147483520].map((v) => castScalar(v, 'int32')),
    ).toEqual([2, -2, 0, 2147483647, -2147483648, 2147483520]);
    expect([0, -0, 0.5, Number.NaN].map((v) => castScalar(v, 'bool'))).toEqual([0, 0, 1, 1]);
    expect(castScalar(0.1, 'float32')).toBe(Math.fround(0.1));
  });
});
