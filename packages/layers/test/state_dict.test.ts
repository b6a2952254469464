/**
 * State dicts as PyTorch's: key order (parameters, buffers, children, recursively; fixture from
 * scripts/gen_interop_dtypes.py), strict and non-strict loading, and all-or-nothing: after any
 * error the module is bit for bit as before.
 */
import { readFileSync } from 'node:fs';
import { manualSeed, randn, type Tensor, tensor, ValueError, zeros } from '@nnet/tensor';
import { readItem, values } from '@nnet/test-utils';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, Module, Parameter, ReLU, Sequential, StateDictError } from '../src/index.js';

const torchBn = JSON.parse(
  readFileSync(new URL('./fixtures/interop/torch_bn.json', import.meta.url), 'utf8'),
) as { block_keys: string[] };

/** gen_interop_dtypes.py's Block: a child, its own parameter and buffer, another child. */
class Block extends Module {
  readonly fc = this.registerModule('fc', new Linear(3, 3));
  readonly scale = this.registerParameter('scale', new Parameter(tensor([1, 1, 1])))!;
  readonly offset = this.registerBuffer('offset', zeros([3]));
  readonly norm = this.registerModule('norm', new BatchNorm1d(3));
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.fc.forward(x).mul(this.scale).add(this.offset));
  }
}

/** Every value of a state dict, as bits (so -0, NaN and int/float differences count). */
const snapshot = (m: Module) =>
  Promise.all(
    Object.entries(m.stateDict()).map(async ([k, t]) => [
      k,
      t.dtype,
      Array.from(new Uint8Array((await t.data()).buffer)),
    ]),
  );

const model = () => {
  manualSeed(3);
  const m = new Sequential(new Linear(2, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 1));
  m.forward(randn([4, 2])); // moves the running statistics and the count off their defaults
  return m;
};

describe('state dicts as PyTorch', () => {
  it('orders keys as PyTorch: own parameters, own buffers, then children, recursively', () => {
    expect(Object.keys(new Block().stateDict())).toEqual(torchBn.block_keys);
    expect(Object.keys(new Sequential(new Block(), new Block()).stateDict())).toEqual([
      ...torchBn.block_keys.map((k) => `0.${k}`),
      ...torchBn.block_keys.map((k) => `1.${k}`),
    ]);
  });

  it('lists a shared parameter under every name that holds it, as PyTorch does', async () => {
    const a = new Linear(2, 2);
    const tied = new Sequential(a, new ReLU(), a);
    expect(Object.keys(tied.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(tied.parameters().length).toBe(2);
    const w = randn([2, 2]);
    const { missingKeys } = tied.loadStateDict({ '0.weight': w, '0.bias': randn([2]) }, { strict: false });
    expect(missingKeys).toEqual(['2.weight', '2.bias']);
    expect(await values(tied.stateDict()['2.weight'])).toEqual(await values(w));
  });

  it('loads strictly and returns empty key lists; non-strict returns the keys that did not match', async () => {
    const a = model();
    const b = new Sequential(new Linear(2, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 1));
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(await snapshot(b)).toEqual(await snapshot(a));
    const partial = { ...a.stateDict(), 'head.weight': randn([1]) } as Record<string, Tensor>;
    delete partial['3.bias'];
    const fresh = new Sequential(new Linear(2, 3), new BatchNorm1d(3), new ReLU(), new Linear(3, 1));
    const result = fresh.loadStateDict(new Map(Object.entries(partial)), { strict: false });
    expect(result).toEqual({ missingKeys: ['3.bias'], unexpectedKeys: ['head.weight'] });
    expect(fresh.checkStateDict(partial, { strict: false })).toEqual(result);
    expect(await values(fresh.stateDict()['3.weight'])).toEqual(await values(a.stateDict()['3.weight']));
  });

  it('like PyTorch, a dict without num_batches_tracked (older files) loads strictly; the count stays', async () => {
    const m = model();
    const sd = { ...model().stateDict() } as Record<string, Tensor>;
    delete sd['1.num_batches_tracked'];
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(await readItem(m.stateDict()['1.num_batches_tracked'])).toBe(1);
    delete sd['1.running_mean'];
    expect(() => m.loadStateDict(sd)).toThrow(/missing keys: '1.running_mean'\./);
  });

  it('converts dtypes on load as PyTorch copy_ does (a float count into the int32 buffer)', async () => {
    const m = model();
    const sd = { ...m.stateDict(), '1.num_batches_tracked': tensor(5) };
    m.loadStateDict(sd);
    expect(m.stateDict()['1.num_batches_tracked'].dtype).toBe('int32');
    expect(await readItem(m.stateDict()['1.num_batches_tracked'])).toBe(5);
  });

  it('reports every problem in one StateDictError and leaves the module bit for bit as before', async () => {
    const m = model();
    const before = await snapshot(m);
    const gone = randn([3]);
    gone.dispose();
    const good = m.stateDict();
    const bad: Record<string, unknown> = {
      ...good,
      '0.weight': randn([3, 9]), // mis-shaped
      '1.running_mean': gone, // disposed
      '1.running_var': [1, 2, 3], // not a tensor
      extra: randn([1]), // unexpected
    };
    delete bad['3.bias']; // missing
    // Every other key holds a valid, different value: none of them may be applied.
    bad['0.bias'] = randn([3]);
    bad['3.weight'] = randn([1, 3]);
    let error: StateDictError | undefined;
    try {
      m.loadStateDict(bad as Record<string, Tensor>);
    } catch (e) {
      error = e as StateDictError;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(error).toBeInstanceOf(ValueError);
    expect(error!.missingKeys).toEqual(['3.bias']);
    expect(error!.unexpectedKeys).toEqual(['extra']);
    expect(error!.mismatched).toEqual([{ key: '0.weight', expected: [3, 2], got: [3, 9] }]);
    expect(error!.invalid).toEqual([
      "'1.running_mean' was disposed",
      "'1.running_var' is an array of length 3, not a Tensor",
    ]);
    expect(error!.message).toMatch(
      /^loadStateDict\(Sequential\): missing keys: '3.bias'; unexpected keys: 'extra'; shape mismatch for '0.weight' \(model \[3, 2\], given \[3, 9\]\); invalid values: .*\. Nothing was loaded\. Pass \{ strict: false \}/,
    );
    expect(await snapshot(m)).toEqual(before);
    // Non-strict still refuses a shape mismatch or a bad value, and still changes nothing.
    expect(() => m.loadStateDict(bad as Record<string, Tensor>, { strict: false })).toThrow(
      /^loadStateDict\(Sequential\): shape mismatch for '0.weight'.*invalid values/,
    );
    expect(await snapshot(m)).toEqual(before);
    expect(() => m.checkStateDict(bad as Record<string, Tensor>)).toThrow(StateDictError);
  });

  it('plain-JS mistakes are StateDictErrors that say what to pass', () => {
    const m = model();
    const cases: [unknown, unknown, RegExp][] = [
      [model(), {}, /got a Module; pass its state dict: model.loadStateDict\(other.stateDict\(\)\)/],
      [null, {}, /expected an object \(or Map\) of named tensors.*got null/],
      [[randn([1])], {}, /got an array of length 1/],
      [randn([1]), {}, /got a Tensor object/],
      ['weights.safetensors', {}, /got the string "weights.safetensors"/],
      [m.stateDict(), { strict: 'no' }, /options.strict must be true or false, got the string "no"/],
      [m.stateDict(), null, /options must be an object/],
    ];
    for (const [dict, options, message] of cases) {
      expect(() => m.loadStateDict(dict as never, options as never)).toThrow(StateDictError);
      expect(() => m.loadStateDict(dict as never, options as never)).toThrow(message);
    }
  });
});
