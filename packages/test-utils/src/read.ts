/**
 * Reading tensors in tests the way every backend allows: asynchronously (`await t.data()`), so the
 * same test runs on a backend without `readSync`.
 */
import { type NestedArray, type Tensor, ValueError } from '@nnet/tensor';

/** The elements, row-major, as plain numbers (bool as 0/1).  `await values(tensor([1, 2])) // [1, 2]` */
export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** The single element of a one-element tensor (the asynchronous `item()`). */
export async function readItem(t: Tensor): Promise<number> {
  if (t.size !== 1) throw new ValueError(`readItem: expected a one-element tensor, got shape [${t.shape}].`);
  return (await t.data())[0];
}

/** The elements as nested arrays, like `toArray()` (a number for 0-d, booleans for bool). */
export async function readArray(t: Tensor): Promise<NestedArray> {
  const data = await t.data();
  const isBool = t.dtype === 'bool';
  const shape = t.shape;
  const build = (dim: number, off: number): NestedArray => {
    if (dim === shape.length) return isBool ? data[off] !== 0 : data[off];
    const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]; i++) out.push(build(dim + 1, off + i * step));
    return out;
  };
  return build(0, 0);
}
