import '@nnet/test-utils/setup';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  arange,
  decodeSafetensors,
  encodeSafetensors,
  encodeSafetensorsAsync,
  manualSeed,
  memory,
  randint,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from '../src/index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const bytesOf = (name: string) => new Uint8Array(readFileSync(fixture(name)));
const json = <T>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;

const fromPyTorch = bytesOf('from_pytorch.safetensors');
type Value = number | boolean | 'nan' | 'inf' | '-inf';
const expected = json<Record<string, { shape: number[]; data: number[] }>>('from_pytorch.json');

/** A file from a header (object or raw JSON text), data bytes and, optionally, a wrong header length. */
function craft(header: object | string, data: Uint8Array = new Uint8Array(), lengthDelta = 0): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length + lengthDelta), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}
const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});
const headerLength = (b: Uint8Array) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
const fromJson = (v: Value): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);

describe('safetensors: reading what PyTorch writes', () => {
  it('reads a file written from PyTorch (F32, I32, BOOL, 0-d) with its metadata', () => {
    const { tensors, metadata } = decodeSafetensors(fromPyTorch);
    expect(metadata).toEqual({ format: 'pt', source: 'gen_safetensors_fixture.py' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      expect(tensors[name].shape).toEqual(want.shape);
      expect(Array.from(tensors[name].dataSync())).toEqual(want.data.map((v) => Math.fround(Number(v))));
    }
    expect(tensors.steps.dtype).toBe('int32');
    expect(tensors.mask.dtype).toBe('bool');
  });

  it('reads a Node Buffer that is a view into larger memory at an odd offset', () => {
    const view = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(fromPyTorch), Buffer.from([4])]).subarray(
      3,
      3 + fromPyTorch.length,
    );
    const { tensors } = decodeSafetensors(view);
    expect(Array.from(tensors['layer.bias'].dataSync())).toEqual(
      expected['layer.bias'].data.map((v) => Math.fround(v)),
    );
  });

  it('reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL as PyTorch converts them (0-d and empty too)', () => {
    const want = json<Record<string, { dtype: string; shape: number[]; data: Value[] }>>('torch_dtypes.json');
    const { tensors } = decodeSafetensors(bytesOf('torch_dtypes.safetensors'));
    const seen = new Set<string>();
    for (const [name, w] of Object.entries(want)) {
      seen.add(w.dtype);
      const t = tensors[name];
      expect(t.shape, name).toEqual(w.shape);
      expect(t.dtype, name).toBe(
        w.dtype === 'BOOL' ? 'bool' : w.dtype.startsWith('F') || w.dtype === 'BF16' ? 'float32' : 'int32',
      );
      // Exact: Object.is tells -0 from 0 and NaN from everything else.
      const got = Array.from(t.dataSync());
      w.data.forEach((v, i) =>
        expect(Object.is(got[i], typeof v === 'boolean' ? Number(v) : fromJson(v)), `${name}[${i}]`).toBe(
          true,
        ),
      );
    }
    expect([...seen].sort()).toEqual(['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I16', 'I32', 'I64', 'I8', 'U8']);
  });

  it('an I64 value outside int32 is a ValueError naming the tensor, the value and where it is', () => {
    const before = memory();
    expect(() => decodeSafetensors(bytesOf('torch_i64_overflow.safetensors'))).toThrow(
      /tensor 'counts' \(I64\) holds 2147483648 at flat index 1, outside int32's range/,
    );
    expect(memory()).toEqual(before);
  });

  it('every binary16 and bfloat16 value reads exactly (against the textbook formula)', () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const bytes = new Uint8Array(halves.buffer);
    const file = craft(
      { h: entry('F16', [65536], 0, 131072), b: entry('BF16', [65536], 131072, 262144) },
      new Uint8Array([...bytes, ...bytes]),
    );
    const { tensors } = decodeSafetensors(file);
    const h = tensors.h.dataSync();
    const b = tensors.b.dataSync();
    const asBits = new Uint32Array(1);
    const asFloat = new Float32Array(asBits.buffer);
    for (let i = 0; i < 65536; i++) {
      const sign = i & 0x8000 ? -1 : 1;
      const e = (i >> 10) & 31;
      const m = i & 1023;
      const half =
        e === 31
          ? m
            ? Number.NaN
            : sign * Infinity
          : e === 0
            ? sign * m * 2 ** -24
            : sign * 2 ** (e - 15) * (1 + m / 1024);
      if (!Object.is(h[i], half)) expect.fail(`F16 ${i.toString(16)}: got ${h[i]}, want ${half}`);
      asBits[0] = i * 65536;
      if (!Object.is(b[i], asFloat[0]))
        expect.fail(`BF16 ${i.toString(16)}: got ${b[i]}, want ${asFloat[0]}`);
    }
  });
});

describe('safetensors: writing', () => {
  it('round-trips every nnet dtype bit for bit, with metadata, data 8-byte aligned', () => {
    const original = {
      a: randn([2, 3]),
      b: arange(5).neg(),
      c: tensor([true, false, true]),
      d: tensor(7),
      e: randn([0, 4]),
    };
    for (const intDtype of ['I32', 'I64'] as const) {
      const bytes = encodeSafetensors(original, { metadata: { note: 'hi' }, intDtype });
      expect((8 + headerLength(bytes)) % 8).toBe(0);
      const back = decodeSafetensors(bytes);
      expect(back.metadata).toEqual({ note: 'hi' });
      for (const [k, t] of Object.entries(original)) {
        expect(back.tensors[k].dtype).toBe(t.dtype);
        expect(back.tensors[k].toArray()).toEqual(t.toArray());
      }
    }
    const again = decodeSafetensors(encodeSafetensors(decodeSafetensors(fromPyTorch).tensors));
    expect(Object.keys(again.tensors).length).toBe(5);
    // Any string names a tensor, even one that is special to JavaScript objects.
    const odd = JSON.parse('{"__proto__": 1, "": 2, "a.b": 3}') as Record<string, number>;
    const named = Object.fromEntries(Object.entries(odd).map(([k, v]) => [k, tensor([v])]));
    const decoded = decodeSafetensors(encodeSafetensors(named)).tensors;
    expect(Object.keys(decoded).sort()).toEqual(['', '__proto__', 'a.b']);
    expect((Object.getOwnPropertyDescriptor(decoded, '__proto__')!.value as Tensor).toArray()).toEqual([1]);
  });

  it('orders tensors as the reference writer (larger elements first, then by name): each is aligned', () => {
    const bytes = encodeSafetensors(
      { m: tensor([true]), z: randn([3]), a: tensor([1, 2], { dtype: 'int32' }) },
      { intDtype: 'I64', floatDtype: 'F16' },
    );
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength(bytes))));
    expect(header).toEqual({
      a: entry('I64', [2], 0, 16),
      z: entry('F16', [3], 16, 22),
      m: entry('BOOL', [1], 22, 23),
    });
  });

  it('F16 and BF16 round to nearest even exactly as PyTorch does (3,500 float32 patterns)', () => {
    const ref = json<{ f32: number[]; f16: number[]; bf16: number[] }>('round_f16_bf16.json');
    const x = tensor(new Float32Array(Uint32Array.from(ref.f32).buffer));
    for (const [dtype, want] of [
      ['F16', ref.f16],
      ['BF16', ref.bf16],
    ] as const) {
      const bytes = encodeSafetensors({ x }, { floatDtype: dtype });
      const got = new Uint16Array(bytes.slice(8 + headerLength(bytes)).buffer);
      const bad = want.findIndex((w, i) => got[i] !== w);
      if (bad >= 0)
        expect.fail(
          `${dtype} of bits ${ref.f32[bad].toString(16)}: got ${got[bad].toString(16)}, PyTorch ${want[bad].toString(16)}`,
        );
    }
  });

  it('writes NaN as NaN, overflow as ±Inf, and every binary16 and bfloat16 value back unchanged', () => {
    const specials = tensor([Number.NaN, 1e6, -1e6, 3.4e38, 3.39e38]);
    const f16 = decodeSafetensors(encodeSafetensors({ s: specials }, { floatDtype: 'F16' })).tensors.s;
    expect(Array.from(f16.dataSync())).toEqual([Number.NaN, Infinity, -Infinity, Infinity, Infinity]);
    const bf16 = decodeSafetensors(encodeSafetensors({ s: specials }, { floatDtype: 'BF16' })).tensors.s;
    // bfloat16's largest finite value is 2¹²⁸·(1 - 2⁻⁸); from 2¹²⁸·(1 - 2⁻⁹) on, a value rounds to Inf.
    expect(Array.from(bf16.dataSync())).toEqual([
      Number.NaN,
      999424,
      -999424,
      Infinity,
      2 ** 128 * (1 - 2 ** -8),
    ]);
    // Property: reading then writing every non-NaN pattern gives the same pattern back.
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const raw = new Uint8Array(all.buffer);
    for (const dtype of ['F16', 'BF16'] as const) {
      const values = decodeSafetensors(craft({ v: entry(dtype, [65536], 0, 131072) }, raw)).tensors.v;
      const back = encodeSafetensors({ v: values }, { floatDtype: dtype });
      const bits = new Uint16Array(back.slice(8 + headerLength(back)).buffer);
      const nan = (h: number) =>
        dtype === 'F16' ? (h & 0x7c00) === 0x7c00 && h & 0x3ff : (h & 0x7f80) === 0x7f80 && h & 0x7f;
      const bad = all.findIndex((h) => !nan(h) && bits[h] !== h);
      expect(bad, `${dtype} pattern ${bad.toString(16)}`).toBe(-1);
    }
  });

  it('encodeSafetensorsAsync writes the same bytes', async () => {
    const sd = { w: randn([3, 2]), n: tensor(4, { dtype: 'int32' }) };
    const opts = { floatDtype: 'BF16', intDtype: 'I64', metadata: { a: 'b' } } as const;
    expect(await encodeSafetensorsAsync(sd, opts)).toEqual(encodeSafetensors(sd, opts));
  });

  it('rejects what is not a named tensor, bad options and reserved names with a ValueError', () => {
    const w = randn([2]);
    const gone = randn([2]);
    gone.dispose();
    const cases: [() => unknown, RegExp][] = [
      [() => encodeSafetensors([w] as never), /expected an object of named tensors, got an array/],
      [() => encodeSafetensors({ w: [1, 2] as never }), /'w' is an array, not a Tensor/],
      [() => encodeSafetensors({ __metadata__: w }), /'__metadata__' is reserved/],
      [() => encodeSafetensors({ w: gone }), /tensor 'w' was disposed/],
      [
        () => encodeSafetensors({ w }, { floatDtype: 'F8' as never }),
        /floatDtype must be 'F32', 'F16' or 'BF16', got "F8"/,
      ],
      [() => encodeSafetensors({ w }, { intDtype: 'I16' as never }), /intDtype must be 'I32' or 'I64'/],
      [
        () => encodeSafetensors({ w }, { metadata: { epoch: 3 as never } }),
        /metadata 'epoch' is number 3; .* strings/,
      ],
    ];
    for (const [f, msg] of cases) {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(msg);
    }
  });
});

describe('safetensors: malformed files are a ValueError naming the problem', () => {
  const ok = craft({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 8, 12) }, f32(1, 2, 3));

  it('reads the well-formed crafted file (the base of the cases below)', () => {
    const { tensors } = decodeSafetensors(ok);
    expect([tensors.a.toArray(), tensors.b.toArray()]).toEqual([[1, 2], [3]]);
    // Padding spaces counted in the header length are allowed; an empty file of tensors too.
    expect(
      decodeSafetensors(
        craft('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}     ', f32(5)),
      ).tensors.a.toArray(),
    ).toEqual([5]);
    expect(decodeSafetensors(craft({})).tensors).toEqual({});
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['a file shorter than 8 bytes', ok.subarray(0, 5), /only 5 bytes, fewer than the 8-byte header length/],
    ['a header longer than the file', ok.subarray(0, 40), /the header claims \d+ bytes but only 32 follow/],
    ['a header over 100 MB', craft({}, new Uint8Array(), 200_000_000), /exceeds the format's limit/],
    [
      'a header that is not UTF-8',
      craft('{"\xff', new Uint8Array()).map((b, i) => (i === 10 ? 0xff : b)),
      /not valid UTF-8/,
    ],
    ['a header not starting with {', craft(' {}'), /must start with '\{'/],
    ['a header that is not JSON', craft('{"a": }'), /not valid JSON \(an unexpected "}" at character 6\)/],
    ['text after the JSON', craft('{} x'), /not valid JSON \("x" after the JSON value/],
    ['a JSON array', craft('[1]'), /must start with '\{'/],
    [
      'a duplicate tensor name',
      craft(
        `{"a":${JSON.stringify(entry('F32', [1], 0, 4))},"a":${JSON.stringify(entry('F32', [1], 4, 8))}}`,
        f32(1, 2),
      ),
      /names "a" twice/,
    ],
    [
      'a duplicate field',
      craft('{"a":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}', f32(1)),
      /names "dtype" twice/,
    ],
    [
      'metadata that is not a string map',
      craft({ __metadata__: { epoch: 3 } }),
      /'__metadata__' entry 'epoch' must be a string, found 3/,
    ],
    [
      'metadata that is a list',
      craft({ __metadata__: ['x'] }),
      /'__metadata__' must be an object of strings/,
    ],
    [
      'an entry that is not an object',
      craft({ a: [1, 2] }),
      /tensor 'a' must be an object \{ dtype, shape, data_offsets \}/,
    ],
    [
      'an unknown dtype',
      craft({ a: entry('F128', [1], 0, 16) }, new Uint8Array(16)),
      /tensor 'a' has an unknown dtype "F128"/,
    ],
    [
      'an unsupported dtype',
      craft({ a: entry('U16', [1], 0, 2) }, new Uint8Array(2)),
      /tensor 'a' has dtype U16, which nnet does not read/,
    ],
    [
      'a negative dim',
      craft({ a: entry('F32', [-1], 0, 4) }, f32(1)),
      /tensor 'a' has an invalid shape \[-1\]/,
    ],
    ['a fractional dim', craft({ a: entry('F32', [1.5], 0, 4) }, f32(1)), /invalid shape/],
    [
      'offsets that are not a pair',
      craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)),
      /invalid data_offsets \[0\]/,
    ],
    [
      'offsets past 2^53',
      craft('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}', f32(1)),
      /invalid data_offsets/,
    ],
    [
      'offsets ending before they begin',
      craft({ a: entry('F32', [0], 4, 0) }, f32(1)),
      /end before they begin/,
    ],
    [
      'a size that does not match dtype × shape',
      craft({ a: entry('F32', [2], 0, 4) }, f32(1)),
      /tensor 'a' \(F32, shape \[2\]\) needs 8 bytes but its data_offsets \[0, 4\] span 4/,
    ],
    [
      'overlapping tensors',
      craft({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, f32(1, 2, 3)),
      /tensor 'b' \(bytes 4..12\) overlaps tensor 'a' \(bytes 0..8\)/,
    ],
    [
      'the same bytes for two tensors',
      craft({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 0, 4) }, f32(1)),
      /overlaps tensor/,
    ],
    [
      'a gap between tensors',
      craft({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, f32(1, 2, 3)),
      /bytes 4..8 of the data section belong to no tensor/,
    ],
    [
      'data that does not start at 0',
      craft({ a: entry('F32', [1], 4, 8) }, f32(1, 2)),
      /bytes 0..4 of the data section belong to no tensor/,
    ],
    [
      'bytes left over after the tensors',
      craft({ a: entry('F32', [1], 0, 4) }, f32(1, 2)),
      /the tensors cover 4 bytes but the data section holds 8/,
    ],
    [
      'a tensor past the end (truncated)',
      ok.subarray(0, ok.length - 4),
      /tensor 'b' ends at byte 12 of a 8-byte data section/,
    ],
    [
      'a BOOL byte that is not 0 or 1',
      craft({ a: entry('BOOL', [2], 0, 2) }, new Uint8Array([1, 2])),
      /tensor 'a' \(BOOL\) holds the byte 2 at flat index 1/,
    ],
    [
      'a header length that leaves out its padding',
      craft('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}   ', f32(7), -3),
      /the header length 54 leaves out the 3 padding spaces after the JSON, which would shift every tensor/,
    ],
  ];
  for (const [what, file, message] of cases) {
    it(`${what}`, () => {
      const before = memory();
      expect(() => decodeSafetensors(file)).toThrow(ValueError);
      expect(() => decodeSafetensors(file)).toThrow(message);
      expect(memory()).toEqual(before);
    });
  }

  it('rejects what is not bytes', () => {
    expect(() => decodeSafetensors([1, 2, 3] as never)).toThrow(
      /expected the file contents as a Uint8Array, got an array/,
    );
  });

  it('property: a header length off by any amount, or any truncation, never reads shifted data', () => {
    manualSeed(5);
    const sd: Record<string, Tensor> = { w: randn([3, 5]), i: randint(-9, 9, [4]), m: tensor([true, false]) };
    for (const floatDtype of ['F32', 'F16'] as const) {
      const good = encodeSafetensors(sd, { floatDtype, metadata: { k: 'v' } });
      const n = headerLength(good);
      for (let delta = -24; delta <= 24; delta++) {
        if (delta === 0) continue;
        const bad = good.slice();
        new DataView(bad.buffer).setBigUint64(0, BigInt(n + delta), true);
        expect(() => decodeSafetensors(bad), `delta ${delta}`).toThrow(ValueError);
      }
      for (let cut = 0; cut < good.length; cut += 3) {
        expect(() => decodeSafetensors(good.subarray(0, cut)), `cut at ${cut}`).toThrow(ValueError);
      }
    }
  });

  it('property: swapping two tensors’ offsets of different sizes is always caught', () => {
    const sd = { a: randn([1]), b: randn([2]), c: randn([3]), d: randn([4]) };
    const good = encodeSafetensors(sd);
    const n = headerLength(good);
    const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + n)));
    const names = Object.keys(sd);
    for (const x of names)
      for (const y of names) {
        if (x === y) continue;
        const h = structuredClone(header);
        [h[x].data_offsets, h[y].data_offsets] = [h[y].data_offsets, h[x].data_offsets];
        expect(() => decodeSafetensors(craft(h, good.subarray(8 + n))), `${x}↔${y}`).toThrow(
          /needs \d+ bytes but its data_offsets/,
        );
      }
  });
});
