/**
 * Convolution and its two gradients as im2col / col2im around GEMMs, with the batching policy:
 * how many images share one product.
 */
import type { Conv2dParams, Pool2dParams } from '@nnet/tensor';
import { chunkBounds } from '../chunks.js';
import { ConvField, ConvMode, Job } from '../codes.js';
import type { T, WasmContext } from './context.js';

/** Bytes of im2col columns per convolution GEMM (sets how many images share one product). */
const CONV_COLS_BUDGET = 8 << 20;
/**
 * Runs of images the filter gradient sums separately (fewer for a small N or when the runs would
 * exceed FILTER_RUNS_BUDGET): a partition fixed by the shapes, never by the thread count, so each
 * run's partial dw and the order they are added in are the same for any number of threads, and
 * runs can go to different threads.
 */
const FILTER_RUNS = 8;
/** Bytes the filter gradient's runs may hold at once (each: one image's columns and a partial dw). */
const FILTER_RUNS_BUDGET = 32 << 20;

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

type ConvFields = Partial<Record<keyof typeof ConvField, number>>;

/**
 * The words of a conv job (a ConvField struct) over images n0..n1 whose own area (from
 * heap.alloc) starts with 128 bytes of GEMM arguments and geometry, then its columns: `fields`
 * gives the rest (those not given are 0).
 */
function convJob(fields: ConvFields, n0: number, n1: number, area: number): number[] {
  const words = new Array<number>(ConvField.count).fill(0);
  for (const [name, value] of Object.entries(fields))
    words[ConvField[name as keyof typeof ConvField]] = value;
  words[ConvField.n0] = n0;
  words[ConvField.n1] = n1;
  words[ConvField.args] = area;
  words[ConvField.cols] = area + 128;
  return [Job.conv, ...words];
}

/** One thread's cost of an image of a convolution or a gradient (ns): its products and its columns' copy. */
function imageNs(ctx: WasmContext, O: number, KK: number, L: number, groups: number): number {
  const { gemmFlop, elem } = ctx.par.costs;
  return 2 * O * KK * L * gemmFlop + groups * KK * L * elem;
}

/**
 * Runs a convolution or its input gradient with its images split across threads when the cost
 * model (plan()) says the split pays, or `local` (the one-thread path) otherwise. Each part is a
 * run of whole images done as the one-thread path does a batch (assembly/conv.ts's convImages):
 * up to imagesPerProduct images per product, columns side by side, so a thread's share runs as
 * fast as one thread's whole batch and the results equal one thread's bit for bit. `grad` is dx
 * (zeroed) for the input gradient; `y` is y or dy.
 */
function splitImages(
  ctx: WasmContext,
  mode: ConvMode.forward | ConvMode.backwardInput,
  x: T,
  w: T,
  y: T,
  grad: T | null,
  p: Conv2dParams,
  local: () => void,
): void {
  const xs = mode === ConvMode.backwardInput && grad ? grad.shape : x.shape;
  const { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK, Og } = dims(xs, w.shape, y.shape, p.groups);
  const plan = ctx.par.plan(N * imageNs(ctx, O, KK, L, p.groups), N, CONV_KIND + mode);
  const parts = plan.parts;
  if (parts < 2) {
    local();
    plan.finish();
    return;
  }
  const geo = geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg);
  const areas: number[] = [];
  try {
    const bounds = chunkBounds(N, parts, 1);
    // The first chunk is the largest (chunkBounds): room for its images fits every chunk.
    const nb = imagesPerProduct(bounds[1], KK, L);
    // Each part's area: [args and geometry: 128 bytes][columns][the batch's product, nb > 1]
    const room = KK * nb * L * 4 + (nb > 1 ? Og * nb * L * 4 : 0);
    const jobs: number[][] = [];
    for (let i = 1; i < bounds.length; i++) {
      const area = ctx.heap.alloc(128 + room);
      areas.push(area);
      const batch = nb > 1 ? area + 128 + KK * nb * L * 4 : 0;
      const fields = {
        mode,
        x: mode === ConvMode.backwardInput ? 0 : x.handle,
        w: w.handle,
        y: y.handle,
        grad: grad ? grad.handle : 0,
        C,
        O,
        groups: p.groups,
        geo,
        nb,
        batch,
      };
      jobs.push(convJob(fields, bounds[i - 1], bounds[i], area));
    }
    ctx.par.run(jobs);
  } finally {
    for (const a of areas) ctx.heap.free(a);
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

/**
 * dw = Σₙ dy[n]·im2col(x[n])ᵀ as FILTER_RUNS runs of images: run r sums its images in order into
 * its own partial (run 0 into dw itself), one product per image (K = L packs faster than a deep
 * K), and the partials are added into dw in run order. The runs split across threads when the
 * cost model says it pays; the partition does not depend on the thread count, so neither does
 * the result (bit for bit).
 */
export function conv2dBackwardFilter(ctx: WasmContext, x: T, dy: T, p: Conv2dParams, dw: T): void {
  const { N, C, H, W, O, Cg, kH, kW, Ho, Wo, L, KK } = dims(x.shape, dw.shape, dy.shape, p.groups);
  const size = O * KK;
  ctx.heap.data(dw).fill(0);
  if (N === 0) return;
  const fit = Math.floor(FILTER_RUNS_BUDGET / ((KK * L + size) * 4));
  const step = Math.ceil(N / Math.max(1, Math.min(N, FILTER_RUNS, fit)));
  const plan = ctx.par.plan(
    N * imageNs(ctx, O, KK, L, p.groups),
    Math.ceil(N / step),
    CONV_KIND + ConvMode.backwardFilter,
  );
  const geo = geometry(ctx, [H, W, Ho, Wo], kH, kW, p, Cg);
  const areas: number[] = [];
  const partials: number[] = [];
  try {
    const jobs: number[][] = [];
    for (let n0 = 0; n0 < N; n0 += step) {
      // [args and geometry: 128 bytes][one image's columns][the run's partial dw, after run 0]
      const first = n0 === 0;
      const area = ctx.heap.alloc(128 + KK * L * 4 + (first ? 0 : size * 4));
      areas.push(area);
      const partial = first ? dw.handle : area + 128 + KK * L * 4;
      if (!first) {
        ctx.heap.view(partial, 'float32', size).fill(0);
        partials.push(partial);
      }
      const fields = {
        mode: ConvMode.backwardFilter,
        x: x.handle,
        y: dy.handle,
        grad: partial,
        C,
        O,
        groups: p.groups,
        geo,
      };
      jobs.push(convJob(fields, n0, Math.min(N, n0 + step), area));
    }
    if (plan.parts > 1) ctx.par.run(jobs);
    else for (const job of jobs) ctx.par.local(job);
    for (const partial of partials) ctx.k.addInto(dw.handle, partial, size);
  } finally {
    for (const a of areas) ctx.heap.free(a);
  }
  plan.finish();
}
