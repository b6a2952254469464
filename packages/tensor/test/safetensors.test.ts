import '@nnet/backend-cpu';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  arange,
  decodeSafetensors,
  encodeSafetensors,
  memory,
  randn,
  tensor,
  ValueError,
} from '../src/index.js';

const fromPyTorch = new Uint8Array(
  readFileSync(new URL('./fixtures/from_pytorch.safetensors', import.meta.url)),
);
const expected = JSON.parse(
  readFileSync(new URL('./fixtures/from_pytorch.json', import.meta.url), 'utf8'),
) as Record<string, { shape: number[]; data: (number | boolean)[] }>;

describe('safetensors', () => {
  it('reads a file written from PyTorch (F32, I32, BOOL, 0-d) with its metadata', () => {
    const { tensors, metadata } = decodeSafetensors(fromPyTorch);
    expect(metadata).toEqual({ format: 'pt', source: 'gen_safetensors_fixture.py' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const t = tensors[name];
      expect(t.shape).toEqual(want.shape);
      const got = Array.from(t.dataSync());
      want.data.forEach((v, i) => expect(got[i]).toBeCloseTo(Number(v), 6));
    }
    expect(tensors.steps.dtype).toBe('int32');
    expect(tensors.mask.dtype).toBe('bool');
  });

  it('round-trips every dtype bit for bit, PyTorch’s tensors included', () => {
    const original = { a: randn([2, 3]), b: arange(5), c: tensor([true, false, true]), d: tensor(7) };
    const bytes = encodeSafetensors(original, { note: 'hi' });
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: 'hi' });
    for (const [k, t] of Object.entries(original)) {
      expect(back.tensors[k].dtype).toBe(t.dtype);
      expect(back.tensors[k].toArray()).toEqual(t.toArray());
    }
    const again = decodeSafetensors(encodeSafetensors(decodeSafetensors(fromPyTorch).tensors));
    expect(Object.keys(again.tensors).length).toBe(5);
  });

  it('names the problem in a truncated, corrupt or unsupported file and leaks nothing', () => {
    const before = memory();
    expect(() => decodeSafetensors(fromPyTorch.subarray(0, 5))).toThrow(
      /fewer than the 8-byte header length/,
    );
    expect(() => decodeSafetensors(fromPyTorch.subarray(0, 40))).toThrow(
      /the header claims \d+ bytes but only 32 follow/,
    );
    expect(() => decodeSafetensors(fromPyTorch.subarray(0, fromPyTorch.length - 4))).toThrow(
      /ends at byte \d+ of a \d+-byte data section/,
    );
    const garbled = fromPyTorch.slice();
    garbled[9] = 0x7b;
    garbled[10] = 0x7b;
    expect(() => decodeSafetensors(garbled)).toThrow(ValueError);
    const f16 = new TextEncoder().encode(
      JSON.stringify({ x: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }),
    );
    const file = new Uint8Array(8 + f16.length + 2);
    new DataView(file.buffer).setBigUint64(0, BigInt(f16.length), true);
    file.set(f16, 8);
    expect(() => decodeSafetensors(file)).toThrow(/dtype "F16"; nnet reads F32, I32 and BOOL/);
    expect(memory()).toEqual(before);
  });
});
