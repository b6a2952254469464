import { DisposedError, manualSeed, memory, randn, type Tensor, tidy } from '@nnet/tensor';
import { values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { Adagrad, AdamW, type Optimizer, RMSprop, SGD } from '../src/index.js';

// Each makes state tensors on its first step (moments, momentum buffers, square averages).
const makers: [string, (ps: Tensor[]) => Optimizer<object>][] = [
  ['AdamW (amsgrad)', (ps) => new AdamW(ps, { lr: 0.01, amsgrad: true })],
  ['SGD with momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
  ['RMSprop centered with momentum', (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps)],
];

describe('Optimizer.dispose', () => {
  for (const [name, make] of makers) {
    it(`${name}: frees its state (memory back to before the first step), later step() throws`, async () => {
      manualSeed(0);
      const A = randn([5, 3]);
      const w = randn([3, 2], { requiresGrad: true });
      const opt = make([w]);
      const step = () =>
        tidy(() => {
          opt.zeroGrad();
          A.matmul(w).square().mean().backward();
          opt.step();
        });
      const before = memory();
      step();
      step();
      opt.zeroGrad();
      expect(memory().tensors).toBeGreaterThan(before.tensors); // the state exists
      const trained = await values(w);
      opt.dispose();
      // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
      expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
      expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
      expect(opt.isDisposed).toBe(true);
      expect(await values(w)).toEqual(trained); // the parameters are the model's: untouched
      expect(() => step()).toThrow(DisposedError);
      expect(() => opt.step()).toThrow(/step: the optimizer was disposed .*Make a new one/);
      expect(() => opt.stateDict()).toThrow(DisposedError);
      opt.dispose(); // twice is a no-op
      opt.zeroGrad();
      // After an await a finalizer may free earlier tests' garbage: counts may fall, never rise.
      expect(memory().tensors).toBeLessThanOrEqual(before.tensors);
      expect(memory().bytes).toBeLessThanOrEqual(before.bytes);
    });
  }
});
