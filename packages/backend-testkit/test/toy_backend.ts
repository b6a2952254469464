/**
 * A tiny backend for testing the testkit itself: correct storage and a correct broadcasting
 * `binary` kernel; every other kernel throws. `broken(...)` variants misbehave in one way each.
 */
import type { Backend, BinaryOp, DType, TensorInfo, TypedArray } from '@nnet/tensor';

export type Flaw =
  | 'none'
  | 'wrong-values'
  | 'leaks'
  | 'writes-input'
  | 'half-output'
  | 'throws'
  | 'view-read';

const bytes = (dtype: DType) => (dtype === 'bool' ? 1 : 4);

function make(dtype: DType, size: number): TypedArray {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  return new Float32Array(size);
}

const FN: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
};

export function toyBackend(flaw: Flaw = 'none'): Backend<number> & { live: Map<number, TypedArray> } {
  const live = new Map<number, TypedArray>();
  let next = 1;
  const data = (t: TensorInfo<number>) => {
    const a = live.get(t.handle);
    if (!a) throw new Error(`handle ${t.handle} is not live`);
    return a;
  };
  const notHere = (): never => {
    throw new Error('not implemented by the toy backend');
  };
  const backend = {
    name: `toy(${flaw})`,
    live,
    alloc(dtype: DType, size: number): number {
      live.set(next, make(dtype, size));
      return next++;
    },
    free(h: number): void {
      live.delete(h);
    },
    write(h: number, src: TypedArray, offset = 0): void {
      live.get(h)?.set(src, offset);
    },
    async read(h: number, _dtype: DType, size: number): Promise<TypedArray> {
      const a = live.get(h);
      if (!a) throw new Error(`handle ${h} is not live`);
      return flaw === 'view-read' ? a.subarray(0, size) : a.slice(0, size);
    },
    memory() {
      let b = 0;
      for (const a of live.values()) b += a.length * bytes(a instanceof Uint8Array ? 'bool' : 'float32');
      return { storages: live.size, bytes: b };
    },
    binary(op: BinaryOp, a: TensorInfo<number>, b: TensorInfo<number>, out: TensorInfo<number>): void {
      const f = FN[op];
      if (!f) notHere();
      const [x, y, o] = [data(a), data(b), data(out)];
      const shape = out.shape;
      const n = o.length;
      const idx = new Array<number>(shape.length).fill(0);
      const offset = (s: readonly number[]) => {
        let off = 0;
        for (let d = 0; d < s.length; d++) off = off * s[d] + (s[d] === 1 ? 0 : idx[d]);
        return off;
      };
      const limit = flaw === 'half-output' ? Math.floor(n / 2) : n;
      for (let i = 0; i < limit; i++) {
        let r = i;
        for (let d = shape.length - 1; d >= 0; d--) {
          idx[d] = r % shape[d];
          r = Math.floor(r / shape[d]);
        }
        o[i] =
          flaw === 'wrong-values'
            ? 0
            : (f as (p: number, q: number) => number)(x[offset(a.shape)], y[offset(b.shape)]);
      }
      if (flaw === 'leaks') live.set(next++, new Float32Array(4));
      if (flaw === 'writes-input' && x.length > 0) x[0] = 12345;
      if (flaw === 'throws') throw new Error('kernel exploded');
    },
    unary: notHere,
    compare: notHere,
    where: notHere,
    cast: notHere,
    fill: notHere,
    copyStrided: notHere,
    reduce: notHere,
    argReduce: notHere,
    matmul: notHere,
    gather: notHere,
    scatterAdd: notHere,
  };
  return backend;
}
