/**
 * Token-by-token generation for GPT-2 style models: `pickToken` chooses the next token from one
 * row of logits (greedy, or sampled after temperature, top-k and top-p), and `generate` runs the
 * loop with a key/value cache, stop tokens and a sliding context.
 */
import {
  checkOptions,
  defaultGenerator,
  fmtShape,
  type Generator,
  keep,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nnet/tensor';
import type { LayerCache } from './gpt2_blocks.js';

/** Options of `GPT2LMHeadModel.generate`. */
export interface GenerateOptions {
  /** How many tokens to append (default 20). */
  maxNewTokens?: number;
  /** Sample from the distribution (true) or take the most likely token (false, the default). */
  doSample?: boolean;
  /** Divides the logits before sampling (default 1). */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Sample among the smallest set of tokens whose probabilities sum to at least p (nucleus). */
  topP?: number;
  /** The sampling generator (default: the library's seeded one). */
  generator?: Generator;
  /** Token ids that end a sequence; a finished sequence is padded with padTokenId. */
  stopTokens?: readonly number[];
  /** Fills finished sequences (default: the stop token that ended them). */
  padTokenId?: number;
  /** Reuse the keys and values of earlier positions (default true). */
  useCache?: boolean;
}

const GENERATE_KEYS = [
  'maxNewTokens',
  'doSample',
  'temperature',
  'topK',
  'topP',
  'generator',
  'stopTokens',
  'padTokenId',
  'useCache',
];

/**
 * The next token from one row of logits [V]: greedy (the first maximum), or sampled after
 * temperature, top-k and top-p from `generator`.
 *
 * ```ts
 * const rowOfLogits = new Float32Array([0, 5, 1, -2]);
 * const generator = new Generator(0);
 * const tok = pickToken(rowOfLogits, { doSample: true, temperature: 0.8, topK: 10, generator });
 * pickToken(rowOfLogits, { doSample: false, temperature: 1, generator }); // 1: greedy takes the argmax
 * ```
 */
export function pickToken(
  logits: Float32Array,
  options: { doSample: boolean; temperature: number; topK?: number; topP?: number; generator: Generator },
): number {
  const V = logits.length;
  if (!options.doSample) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const k = Math.min(options.topK ?? V, V);
  const top = order.slice(0, k);
  const m = logits[top[0]];
  const w = top.map((i) => Math.exp((logits[i] - m) / options.temperature));
  const total = w.reduce((a, b) => a + b, 0);
  let keepN = top.length;
  if (options.topP !== undefined && options.topP < 1) {
    let acc = 0;
    for (let j = 0; j < top.length; j++) {
      acc += w[j] / total;
      if (acc >= options.topP) {
        keepN = j + 1;
        break;
      }
    }
  }
  const kept = w.slice(0, keepN);
  const keptTotal = kept.reduce((a, b) => a + b, 0);
  let u = options.generator.uniform() * keptTotal;
  for (let j = 0; j < keepN; j++) {
    u -= kept[j];
    if (u < 0) return top[j];
  }
  return top[keepN - 1];
}

/** What `generate` needs of a model: its sizes, its mode, and one cached step. */
export interface Generative {
  /** The sizes generate checks against. */
  readonly config: {
    /** V, the number of token ids. */
    vocabSize: number;
    /** The longest sequence (prompt + new tokens) the model takes. */
    nPositions: number;
  };
  /** True in training mode (generate switches to eval and back). */
  readonly training: boolean;
  /**
   * Switches to eval mode (no dropout).
   *
   *   model.eval();
   */
  eval(): unknown;
  /**
   * Switches to training mode (`mode` true, the default) or eval mode.
   *
   *   model.train(false);
   */
  train(mode?: boolean): unknown;
  /**
   * Logits [N, T, vocabSize] for ids [N, T] (int32) following `past`'s cached positions (null: none),
   * and the cache grown by T positions (one entry per block).
   *
   *   const { logits, cache } = model.step(ids, null); // ids [1, 4] → logits [1, 4, V]
   */
  step(
    ids: Tensor,
    past: LayerCache[] | null,
  ): {
    /** Next-token logits [N, T, vocabSize]. */
    logits: Tensor;
    /** One grown LayerCache per block (pass it as `past` next). */
    cache: LayerCache[];
  };
}

/**
 * Appends up to `maxNewTokens` tokens to each row of ids [N, T] (int32) and returns [N, T + n]
 * (see GPT2LMHeadModel.generate, which calls it).
 *
 * ```ts
 * const gpt = new GPT2LMHeadModel({ vocabSize: 65, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 4 });
 * const ids = randint(0, 65, [2, 8]); // [N, T] int32 token ids
 * const out = await generate(gpt, ids, { maxNewTokens: 50, doSample: true, topK: 10 });
 * out.shape; // [2, 58]
 * ```
 */
export async function generate(
  model: Generative,
  ids: Tensor,
  options: GenerateOptions = {},
): Promise<Tensor> {
  checkOptions('generate', options, GENERATE_KEYS);
  ids._check('generate');
  if (ids.dtype !== 'int32' || ids.ndim !== 2 || ids.shape[1] === 0)
    throw new ShapeError(
      `generate: ids must be int32 [N, T] with T >= 1, got ${ids.dtype} ${fmtShape(ids.shape)}.`,
    );
  const maxNew = options.maxNewTokens ?? 20;
  const temperature = options.temperature ?? 1;
  if (!Number.isInteger(maxNew) || maxNew < 0)
    throw new ValueError(`generate: maxNewTokens must be an integer >= 0, got ${maxNew}.`);
  if (!(temperature > 0)) throw new ValueError(`generate: temperature must be > 0, got ${temperature}.`);
  if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK > 0))
    throw new ValueError(`generate: topK must be a positive integer, got ${options.topK}.`);
  if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1))
    throw new ValueError(`generate: topP must be in (0, 1], got ${options.topP}.`);
  const pick = {
    doSample: options.doSample ?? false,
    temperature,
    topK: options.topK,
    topP: options.topP,
    generator: options.generator ?? defaultGenerator,
  };
  const useCache = options.useCache ?? true;
  const stops = new Set(options.stopTokens ?? []);
  const [N] = ids.shape;
  const V = model.config.vocabSize;
  const P = model.config.nPositions;
  const rows = await ids.data();
  const seqs = Array.from({ length: N }, (_, n) =>
    Array.from(rows.subarray(n * ids.shape[1], (n + 1) * ids.shape[1])),
  );
  const done: (number | null)[] = new Array(N).fill(null);
  let cache: LayerCache[] | null = null;
  const dropCache = () => {
    for (const c of cache ?? []) {
      c.k.dispose();
      c.v.dispose();
    }
    cache = null;
  };
  const wasTraining = model.training;
  model.eval();
  try {
    for (let step = 0; step < maxNew && done.some((d) => d === null); step++) {
      const len = seqs[0].length;
      if (useCache && cache && (cache as LayerCache[])[0].k.shape[2] + 1 > P) dropCache();
      const feedFrom = useCache && cache ? len - 1 : Math.max(0, len - (useCache ? P - 1 : P));
      const last = noGrad(() =>
        tidy(() => {
          const input = tensor(Int32Array.from(seqs.flatMap((s) => s.slice(feedFrom))), {
            shape: [N, len - feedFrom],
            dtype: 'int32',
          });
          const r = model.step(input, useCache ? cache : null);
          if (useCache) {
            const old = cache;
            cache = r.cache.map((c) => ({ k: keep(c.k), v: keep(c.v) }));
            for (const c of old ?? []) {
              c.k.dispose();
              c.v.dispose();
            }
          }
          return r.logits.narrow(1, len - feedFrom - 1, 1).contiguous();
        }),
      );
      const logits = (await last.data()) as Float32Array;
      last.dispose();
      for (let n = 0; n < N; n++) {
        let tok: number;
        if (done[n] !== null) tok = options.padTokenId ?? (done[n] as number);
        else {
          tok = pickToken(logits.subarray(n * V, (n + 1) * V), pick);
          if (stops.has(tok)) done[n] = tok;
        }
        seqs[n].push(tok);
      }
    }
  } finally {
    dropCache();
    model.train(wasTraining);
  }
  return tensor(Int32Array.from(seqs.flat()), { shape: [N, seqs[0].length], dtype: 'int32' });
}
