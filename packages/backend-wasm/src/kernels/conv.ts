/**
 * Convolution and its two gradients as im2col / col2im around GEMMs, with the batching policy:
 * how many images share one product.
 */
import type { Conv2dParams, Pool2dParams } from '@nnet/tensor';
import { ConvField, ConvMode, Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

/** Bytes of im2col columns per convolution GEMM (sets how many images share one product). */
const CONV_COLS_BUDGET = 8 << 20;
/** Bytes of every image's columns a split filter gradient may hold at once (else each part im2col's every image). */
const FILTER_COLUMNS_BUDGET = 32 << 20;

/**
 * Writes the geometry block im2col, col2im and the pooling kernels read:
 * [H, W, Ho, Wo, kH, kW, sH, sW, pH, pW, dH, dW, Cg, ld] (ld: row stride of the columns, 0 = Ho·Wo).
 */
export function geometry(
  ctx: WasmContext,
  [H, W, Ho, Wo]: readonly number[],
  kH: number,
  kW: number,
  p: Conv2dParams | Pool2dParams,
  Cg: number,
  ld = 0,
): number {
  const conv = 'dilationH' in p;
  const dH = conv ? p.dilationH : 1;
  const dW = conv ? p.dilationW : 1;
  return ctx.heap.block([H, W, Ho, Wo, kH, kW, p.strideH, p.strideW, p.padH, p.padW, dH, dW, Cg, ld]);
}

/**
 * Convolution as GEMMs over several images at once: their im2col columns sit side by side in
 * one [Cg·kH·kW, images·L] matrix, so each product is wide enough to run at full speed and to
 * split across threads. The images per batch depend only on the shapes (a fixed scratch
 * budget), never on the thread count, so results are identical for any number of threads.
 */
function convBatches(N: number, KK: number, L: number, visit: (n0: number, nb: number) => void): void {
  const nb = imagesPerProduct(N, KK, L);
  for (let n0 = 0; n0 < N; n0 += nb) visit(n0, Math.min(nb, N - n0));
}

/** The sizes every convolution kernel derives from x [N, C, H, W], w [O, Cg, kH, kW] and y [N, O, Ho, Wo]. */
function dims(x: readonly number[], w: readonly number[], y: readonly number[], groups: number) {
  const [N, C, H, W] = x;
  const [O, Cg, kH, kW] = w;
  const [, , Ho, Wo] = y;
  const L = Ho * Wo;
  return { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK: Cg * kH * kW, Og: O / groups };
}

/** Images per product: as many as fit CONV_COLS_BUDGET bytes of columns (at least one, at most N). */
function imagesPerProduct(N: number, KK: number, L: number): number {
  return Math.max(1, Math.min(N, Math.floor(CONV_COLS_BUDGET / (KK * L * 4))));
}

/**
 * Runs a convolution or one of its gradients with its images split across threads when the cost
 * model (plan()) says the split pays, or `local` (the one-thread path) otherwise. Each part is a run of whole images
 * done as the one-thread path does a batch (assembly/conv.ts's convImages): forward and the input
 * gradient take up to imagesPerProduct images per product, columns side by side, so a thread's
 * share runs as fast as one thread's whole batch and the results equal one thread's bit for bit.
 * The filter gradient is split by output channels instead (each part sums every image, in order,
 * into its rows of dw), so it too equals one thread's bit for bit. `grad` is dx (zeroed) or dw
 * (zeroed); `y` is y or dy.
 */
function splitImages(
  ctx: WasmContext,
  mode: ConvMode,
  x: T,
  w: T,
  y: T,
  grad: T | null,
  p: Conv2dParams,
  local: () => void,
): void {
  const xs = mode === ConvMode.backwardInput && grad ? grad.shape : x.shape;
  const { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK, Og } = dims(xs, w.shape, y.shape, p.groups);
  const { gemmFlop, elem } = ctx.par.costs;
  // Per image: the products (2·O·KK·L flops in all groups) and the columns' copy.
  const perImage = 2 * O * KK * L * gemmFlop + p.groups * KK * L * elem;
  const filter = mode === ConvMode.backwardFilter;
  // The filter gradient splits each group's output channels (4-row tiles, every part summing all
  // images in order): one thread's result bit for bit. The others split images.
  const plan = ctx.par.plan(N * perImage, filter ? Math.floor(Og / 4) : N, CONV_KIND + mode);
  const parts = plan.parts;
  if (parts < 2) {
    local();
    plan.finish();
    return;
  }
  const geo = geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg);
  const areas: number[] = [];
  /** A conv job over images n0..n1 and output rows o0..o1 with `room` bytes of its own after 128. */
  const job = (
    m: ConvMode,
    n0: number,
    n1: number,
    o0: number,
    o1: number,
    room: number,
    cols = 0,
    nb = 1,
  ) => {
    // [args and geometry: 128 bytes][cols][batch, nb > 1]
    const area = ctx.heap.alloc(128 + room);
    areas.push(area);
    const words = new Array<number>(ConvField.count).fill(0);
    words[ConvField.mode] = m;
    words[ConvField.x] = mode === ConvMode.backwardInput ? 0 : x.handle;
    words[ConvField.w] = w.handle;
    words[ConvField.y] = y.handle;
    words[ConvField.grad] = grad ? grad.handle : 0;
    words[ConvField.n0] = n0;
    words[ConvField.n1] = n1;
    words[ConvField.o0] = o0;
    words[ConvField.o1] = o1;
    words[ConvField.C] = C;
    words[ConvField.O] = O;
    words[ConvField.groups] = p.groups;
    words[ConvField.geo] = geo;
    words[ConvField.args] = area;
    words[ConvField.cols] = cols || area + 128;
    words[ConvField.nb] = nb;
    words[ConvField.batch] = nb > 1 ? area + 128 + KK * nb * L * 4 : 0;
    return [Job.conv, ...words];
  };
  const chunks = (
    total: number,
    count: number,
    align: number,
    make: (from: number, to: number) => number[],
  ) => {
    const step = Math.ceil(total / count / align) * align;
    const jobs: number[][] = [];
    for (let from = 0; from < total; from += step) jobs.push(make(from, Math.min(total, from + step)));
    return jobs;
  };
  let columns = 0;
  try {
    if (!filter) {
      const step = Math.ceil(N / parts);
      const nb = imagesPerProduct(step, KK, L);
      const room = KK * nb * L * 4 + (nb > 1 ? Og * nb * L * 4 : 0);
      ctx.par.run(chunks(N, parts, 1, (n0, n1) => job(mode, n0, n1, 0, 0, room, 0, nb)));
    } else if (N * p.groups * KK * L * 4 <= FILTER_COLUMNS_BUDGET) {
      // Every image's columns first, split by images (each im2col done once), then the products
      // split by output channels reading them: the same products in the same order.
      columns = ctx.heap.alloc(N * p.groups * KK * L * 4);
      ctx.par.run(chunks(N, parts, 1, (n0, n1) => job(ConvMode.columns, n0, n1, 0, 0, 0, columns)));
      ctx.par.run(
        chunks(Og, parts, 4, (o0, o1) => job(ConvMode.backwardFilterColumns, 0, N, o0, o1, 0, columns)),
      );
    } else {
      // Each part im2col's every image itself: one part per thread, not more.
      const count = Math.min(parts, ctx.par.threads);
      ctx.par.run(chunks(Og, count, 4, (o0, o1) => job(mode, 0, N, o0, o1, KK * L * 4)));
    }
  } finally {
    for (const a of areas) ctx.heap.free(a);
    if (columns) ctx.heap.free(columns);
  }
  plan.finish();
}

/** The kinds plan() records convolutions under (after the Job kinds): one per ConvMode. */
const CONV_KIND = 200;

export function conv2d(ctx: WasmContext, x: T, w: T, bias: T | null, p: Conv2dParams, out: T): void {
  const { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK, Og } = dims(x.shape, w.shape, out.shape, p.groups);
  splitImages(ctx, ConvMode.forward, x, w, out, null, p, () =>
    convBatches(N, KK, L, (n0, nb) => {
      const cols = ctx.heap.scratchOf('cols', KK * nb * L * 4);
      // One image: the product lands in place; several: in scratch, then each image's block moves.
      const outs = nb > 1 ? ctx.heap.scratchOf('batch', Og * nb * L * 4) : 0;
      for (let g = 0; g < p.groups; g++) {
        const geo = geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg, nb * L);
        for (let i = 0; i < nb; i++)
          ctx.k.im2col(x.handle + ((n0 + i) * C + g * Cg) * H * W * 4, cols + i * L * 4, geo);
        const at = out.handle + (n0 * O + g * Og) * L * 4;
        // [Og, nb·L] = Wg [Og, KK] · cols [KK, nb·L]
        const c = nb > 1 ? outs : at;
        const a = w.handle + g * Og * KK * 4;
        ctx.par.gemm({
          M: Og,
          N: nb * L,
          K: KK,
          a,
          aRow: KK,
          aCol: 1,
          b: cols,
          bRow: nb * L,
          bCol: 1,
          c,
          ldc: nb * L,
          accumulate: false,
        });
        for (let i = 0; nb > 1 && i < nb; i++)
          ctx.k.copyRows(outs + i * L * 4, nb * L, at + i * O * L * 4, L, Og, L);
      }
    }),
  );
  if (bias) ctx.k.addChannelBias(out.handle, bias.handle, N, O, L);
}

/** Images n0..n0+nb-1's dy rows of group g as a [Og, nb·L] matrix (in place for one image). */
function gatherDy(ctx: WasmContext, dy: T, n0: number, nb: number, g: number, Og: number, L: number): number {
  const O = dy.shape[1];
  if (nb === 1) return dy.handle + (n0 * O + g * Og) * L * 4;
  const dys = ctx.heap.scratchOf('batch', Og * nb * L * 4);
  for (let i = 0; i < nb; i++)
    ctx.k.copyRows(dy.handle + ((n0 + i) * O + g * Og) * L * 4, L, dys + i * L * 4, nb * L, Og, L);
  return dys;
}

export function conv2dBackwardInput(ctx: WasmContext, dy: T, w: T, p: Conv2dParams, dx: T): void {
  const { N, C, H, W, Cg, kH, kW, Ho, Wo, L, KK, Og } = dims(dx.shape, w.shape, dy.shape, p.groups);
  ctx.heap.data(dx).fill(0);
  splitImages(ctx, ConvMode.backwardInput, dx, w, dy, dx, p, () =>
    convBatches(N, KK, L, (n0, nb) => {
      const cols = ctx.heap.scratchOf('cols', KK * nb * L * 4);
      for (let g = 0; g < p.groups; g++) {
        const dys = gatherDy(ctx, dy, n0, nb, g, Og, L);
        // dcols [KK, nb·L] = Wgᵀ · dys, then each image's columns added back into its planes.
        const a = w.handle + g * Og * KK * 4;
        ctx.par.gemm({
          M: KK,
          N: nb * L,
          K: Og,
          a,
          aRow: 1,
          aCol: KK,
          b: dys,
          bRow: nb * L,
          bCol: 1,
          c: cols,
          ldc: nb * L,
          accumulate: false,
        });
        const geo = geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg, nb * L);
        for (let i = 0; i < nb; i++)
          ctx.k.col2im(cols + i * L * 4, dx.handle + ((n0 + i) * C + g * Cg) * H * W * 4, geo);
      }
    }),
  );
}

export function conv2dBackwardFilter(ctx: WasmContext, x: T, dy: T, p: Conv2dParams, dw: T): void {
  ctx.heap.data(dw).fill(0);
  splitImages(ctx, ConvMode.backwardFilter, x, dw, dy, dw, p, () => filterImages(ctx, x, dy, p, dw));
}

/** The filter gradient on one thread: dw (zeroed) += each image's dy · im2col(x)ᵀ, in order. */
function filterImages(ctx: WasmContext, x: T, dy: T, p: Conv2dParams, dw: T): void {
  const { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK, Og } = dims(x.shape, dw.shape, dy.shape, p.groups);
  // One image per product (not convBatches): with colsᵀ as the right operand, a deep K packs
  // slowly (measured: 6 GFLOP/s at K = 14400 against 15+ at K = L).
  const cols = ctx.heap.scratchOf('cols', KK * L * 4);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < p.groups; g++) {
      ctx.k.im2col(
        x.handle + (n * C + g * Cg) * H * W * 4,
        cols,
        geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg),
      );
      // dWg [Og, KK] += dy [Og, L] · colsᵀ
      const a = dy.handle + (n * O + g * Og) * L * 4;
      const c = dw.handle + g * Og * KK * 4;
      ctx.par.gemm({
        M: Og,
        N: KK,
        K: L,
        a,
        aRow: L,
        aCol: 1,
        b: cols,
        bRow: 1,
        bCol: L,
        c,
        ldc: KK,
        accumulate: true,
      });
    }
  }
}
