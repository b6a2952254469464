import { arange, manualSeed, memory, ShapeError, type Tensor, tensor, ValueError } from '@nnet/tensor';
import { readArray, readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { collate, DataLoader, type Dataset, TensorDataset } from '../src/index.js';

const rowsOf = async (t: Tensor) => ((await readArray(t)) as number[][]).map((r) => r[0]);

describe('TensorDataset and DataLoader', () => {
  const x = arange(0, 10, 1, { dtype: 'float32' }).reshape([10, 1]);
  const y = arange(0, 10).mul(2);
  const ds = new TensorDataset(x, y);

  it('indexes rows and checks that every tensor has one row per example', async () => {
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(3);
    expect(await readArray(xi)).toEqual([3]);
    expect(await readItem(yi)).toBe(6);
    expect(() => new TensorDataset(x, arange(3))).toThrow(ShapeError);
    expect(() => ds.get(10)).toThrow(ValueError);
  });

  it('yields every example once per epoch in batches, keeping inputs and targets paired', async () => {
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1 });
    expect(loader.length).toBe(3);
    const seen: number[] = [];
    for (const [xb, yb] of loader) {
      const xs = await rowsOf(xb);
      expect(await values(yb)).toEqual(xs.map((v) => v * 2));
      seen.push(...xs);
      xb.dispose();
      yb.dispose();
    }
    expect(seen.length).toBe(10);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('the same seed gives the same batches; dropLast drops the short batch', async () => {
    const rows = (loader: DataLoader<Tensor[]>) => Promise.all([...loader].map(([xb]) => rowsOf(xb)));
    const epoch = (seed: number) => rows(new DataLoader(ds, { batchSize: 3, shuffle: true, seed }));
    expect(await epoch(7)).toEqual(await epoch(7));
    expect(await epoch(7)).not.toEqual(await epoch(8));
    manualSeed(5);
    const a = await rows(new DataLoader(ds, { batchSize: 5, shuffle: true }));
    manualSeed(5);
    const b = await rows(new DataLoader(ds, { batchSize: 5, shuffle: true }));
    expect(a).toEqual(b);
    const dropped = [...new DataLoader(ds, { batchSize: 4, dropLast: true })];
    expect(dropped.map(([xb]) => xb.shape[0])).toEqual([4, 4]);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/positive integer/);
  });

  it('collates custom examples (objects, arrays, numbers) and leaks nothing', () => {
    const squares: Dataset<{ x: Tensor; label: number }> = {
      length: 5,
      get: (i) => ({ x: tensor([i, i * i]), label: i % 2 }),
    };
    const before = memory();
    for (const batch of new DataLoader<{ x: Tensor; label: Tensor }>(squares, { batchSize: 2 })) {
      expect(batch.x.shape[1]).toBe(2);
      expect(batch.label.shape).toEqual([batch.x.shape[0]]);
      batch.x.dispose();
      batch.label.dispose();
    }
    expect(memory()).toEqual(before);
    expect(() => collate(['a', 'b'])).toThrow(/cannot batch/);
  });
});
