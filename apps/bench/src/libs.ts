/**
 * The libraries under test, behind one small interface so every workload is written once per
 * library. Each runs in its own child process (see run-one.ts), so imports happen lazily here.
 */
export type LibName = 'nnet-cpu' | 'nnet-wasm' | 'tfjs-cpu' | 'tfjs-wasm';

export const LIBS: readonly LibName[] = ['nnet-cpu', 'nnet-wasm', 'tfjs-cpu', 'tfjs-wasm'];

export interface MatmulCase {
  /** Runs one n x n x n product (result disposed). */
  run(): void;
  dispose(): void;
}

/** A repeated unit of work (a training step, a forward pass) and its clean-up. */
export interface Workload {
  run(): void;
  dispose(): void;
}

export interface Lib {
  name: LibName;
  /** nnet-wasm: whether the relaxed-SIMD build runs (undefined for the other libraries). */
  relaxed?: boolean;
  matmul(n: number): MatmulCase;
  /** One SGD step of the MLP 784-128-ReLU-10 with softmax cross-entropy on a batch. */
  mlpTrain(batch: number): Workload;
  /** One SGD step of the small CNN (conv 3x3x8, ReLU, pool 2, conv 3x3x16, ReLU, pool 2, dense 10). */
  cnnTrain(batch: number): Workload;
  /** One forward pass of the MLP (result read back, as an application would). */
  mlpInfer(batch: number): Workload;
}

/**
 * Loads a library and makes its backend current. Throws if the library is not installed/built.
 * `root` (nnet only): the file URL, ending in `/`, of another built nnet checkout to import from.
 */
export async function loadLib(name: LibName, threads: number, root?: string): Promise<Lib> {
  if (name.startsWith('nnet')) return loadNnet(name, threads, root);
  return loadTfjs(name);
}

type WasmModule = typeof import('@nnet/backend-wasm');

/**
 * The nnet packages the workloads use, from this workspace or another checkout (whose backend-wasm
 * may predate `setThreads`).
 */
interface NnetPackages {
  nn: typeof import('@nnet/tensor');
  layers: typeof import('@nnet/layers');
  loss: typeof import('@nnet/loss');
  optim: typeof import('@nnet/optim');
  /** nnet-wasm only. */
  wasm?: Pick<WasmModule, 'WasmBackend'> & Partial<Pick<WasmModule, 'setThreads'>>;
}

/** This workspace's nnet packages, with the backend of `name` imported (registered). */
async function workspacePackages(name: LibName): Promise<NnetPackages> {
  const [nn, layers, loss, optim] = await Promise.all([
    import('@nnet/tensor'),
    import('@nnet/layers'),
    import('@nnet/loss'),
    import('@nnet/optim'),
  ]);
  if (name === 'nnet-cpu') {
    await import('@nnet/backend-cpu');
    return { nn, layers, loss, optim };
  }
  return { nn, layers, loss, optim, wasm: await import('@nnet/backend-wasm') };
}

/**
 * The nnet packages of the built checkout at `root` (a file URL ending in `/`): each
 * `packages/<pkg>/dist/index.js`, typed as this workspace's (the workloads use long-stable APIs).
 */
async function checkoutPackages(name: LibName, root: string): Promise<NnetPackages> {
  const load = async <T>(pkg: string): Promise<T> =>
    (await import(/* @vite-ignore */ new URL(`packages/${pkg}/dist/index.js`, root).href)) as T;
  const nn = await load<NnetPackages['nn']>('tensor');
  const rest = {
    layers: await load<NnetPackages['layers']>('layers'),
    loss: await load<NnetPackages['loss']>('loss'),
    optim: await load<NnetPackages['optim']>('optim'),
  };
  if (name === 'nnet-cpu') {
    await load<unknown>('backend-cpu');
    return { nn, ...rest };
  }
  return { nn, ...rest, wasm: await load<NonNullable<NnetPackages['wasm']>>('backend-wasm') };
}

/**
 * Makes nnet's backend for `name` current (nnet-wasm: with `threads` workers, when given). Returns
 * whether nnet-wasm runs its relaxed-SIMD build (undefined for nnet-cpu).
 */
export async function useNnetBackend(name: LibName, threads?: number): Promise<boolean | undefined> {
  return selectBackend(await workspacePackages(name), threads);
}

/**
 * Makes the imported backend current (`threads` workers for wasm, when given; a checkout without
 * `setThreads` runs one thread and refuses more). Returns whether the relaxed-SIMD build runs.
 */
async function selectBackend(pk: NnetPackages, threads?: number): Promise<boolean | undefined> {
  if (!pk.wasm) {
    await pk.nn.setBackend('cpu');
    return undefined;
  }
  await pk.nn.setBackend('wasm');
  if (threads !== undefined) {
    if (pk.wasm.setThreads) await pk.wasm.setThreads(threads);
    else if (threads > 1)
      throw new Error(`this nnet's backend-wasm has no setThreads: cannot run ${threads} threads`);
  }
  const backend = pk.nn.findBackend('wasm');
  return backend instanceof pk.wasm.WasmBackend && typeof backend.relaxed === 'boolean'
    ? backend.relaxed
    : undefined;
}

/**
 * TensorFlow.js with the backend for `name` current and ready. The union package: tfjs-core alone
 * registers no gradients (and its ES modules do not load in Node), so training needs
 * @tensorflow/tfjs; its backends are the same tfjs-core instance.
 */
export async function useTfjs(name: LibName): Promise<typeof import('@tensorflow/tfjs-core')> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as typeof import('@tensorflow/tfjs-core');
  if (name === 'tfjs-cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  } else {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  }
  await tf.ready();
  return tf;
}

type NnetTensor = import('@nnet/tensor').Tensor;

/**
 * The benches' CNN in nnet (conv 3x3x8, ReLU, pool 2, conv 3x3x16, ReLU, pool 2, dense 10 on
 * [batch, 1, 28, 28]), He-initialised, from the already loaded modules (the WebGPU bench loads
 * them after installing Dawn).
 */
export function nnetCnn(
  nn: typeof import('@nnet/tensor'),
  layers: typeof import('@nnet/layers'),
): { forward(x: NnetTensor): NnetTensor; parameters(): NnetTensor[] } {
  const param = (shape: number[], fanIn: number) =>
    new layers.Parameter(nn.randn(shape).mul(Math.sqrt(2 / fanIn)));
  const w1 = param([8, 1, 3, 3], 9);
  const b1 = param([8], 9);
  const w2 = param([16, 8, 3, 3], 72);
  const b2 = param([16], 72);
  const dense = new layers.Linear(16 * 5 * 5, 10);
  return {
    forward: (x) => {
      const h1 = nn.maxPool2d(nn.conv2d(x, w1, b1).relu(), 2);
      const h2 = nn.maxPool2d(nn.conv2d(h1, w2, b2).relu(), 2);
      return dense.forward(h2.flatten(1));
    },
    parameters: () => [w1, b1, w2, b2, ...dense.parameters()],
  };
}

async function loadNnet(name: LibName, threads: number, root?: string): Promise<Lib> {
  const pk = root ? await checkoutPackages(name, root) : await workspacePackages(name);
  const { nn, layers } = pk;
  const { Linear, ReLU, Sequential } = layers;
  const { crossEntropy } = pk.loss;
  const { SGD } = pk.optim;
  const relaxed = await selectBackend(pk, threads);
  const mlp = () => new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const data = (batch: number, shape: number[]) => ({
    x: nn.randn([batch, ...shape]),
    y: nn.randint(0, 10, [batch]),
  });
  const trainStep = (
    model: { forward(x: NnetTensor): NnetTensor; parameters(): NnetTensor[] },
    x: NnetTensor,
    y: NnetTensor,
  ) => {
    const opt = new SGD(model.parameters(), { lr: 0.01 });
    return () =>
      nn.tidy(() => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        loss.dataSync();
      });
  };
  return {
    name,
    ...(relaxed === undefined ? {} : { relaxed }),
    matmul(n) {
      nn.manualSeed(0);
      const a = nn.randn([n, n]);
      const b = nn.randn([n, n]);
      return {
        run: () => nn.matmul(a, b).dispose(),
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
    mlpTrain(batch) {
      nn.manualSeed(0);
      const model = mlp();
      const { x, y } = data(batch, [784]);
      return { run: trainStep(model, x, y), dispose: () => model.dispose() };
    },
    cnnTrain(batch) {
      nn.manualSeed(0);
      const model = nnetCnn(nn, layers);
      const { x, y } = data(batch, [1, 28, 28]);
      return { run: trainStep(model, x, y), dispose: () => undefined };
    },
    mlpInfer(batch) {
      nn.manualSeed(0);
      const model = mlp();
      const x = nn.randn([batch, 784]);
      return {
        run: () =>
          nn.noGrad(() => {
            const out = model.forward(x);
            out.dataSync();
            out.dispose();
          }),
        dispose: () => model.dispose(),
      };
    },
  };
}

async function loadTfjs(name: LibName): Promise<Lib> {
  const tf = await useTfjs(name);
  return {
    name,
    matmul(n) {
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return {
        run: () => tf.matMul(a, b).dispose(),
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
    mlpTrain(batch) {
      const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05));
      const b1 = tf.variable(tf.zeros([128]));
      const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.05));
      const b2 = tf.variable(tf.zeros([10]));
      const x = tf.randomNormal([batch, 784]);
      const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
      const opt = tf.train.sgd(0.01);
      const forward = () => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
      return {
        run: () => {
          const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward()), true);
          loss?.dataSync();
          loss?.dispose();
        },
        dispose: () => tf.dispose([w1, b1, w2, b2, x, y]),
      };
    },
    cnnTrain(batch) {
      const w1 = tf.variable(
        tf.randomNormal([3, 3, 1, 8], 0, 0.4),
      ) as unknown as import('@tensorflow/tfjs-core').Tensor4D;
      const b1 = tf.variable(tf.zeros([8]));
      const w2 = tf.variable(
        tf.randomNormal([3, 3, 8, 16], 0, 0.15),
      ) as unknown as import('@tensorflow/tfjs-core').Tensor4D;
      const b2 = tf.variable(tf.zeros([16]));
      const wd = tf.variable(tf.randomNormal([16 * 5 * 5, 10], 0, 0.05));
      const bd = tf.variable(tf.zeros([10]));
      const x = tf.randomNormal([batch, 28, 28, 1]) as import('@tensorflow/tfjs-core').Tensor4D;
      const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
      const opt = tf.train.sgd(0.01);
      const forward = () => {
        const h1 = tf.maxPool(
          tf.relu(tf.add(tf.conv2d(x, w1, 1, 'valid'), b1)) as import('@tensorflow/tfjs-core').Tensor4D,
          2,
          2,
          'valid',
        );
        const h2 = tf.maxPool(
          tf.relu(tf.add(tf.conv2d(h1, w2, 1, 'valid'), b2)) as import('@tensorflow/tfjs-core').Tensor4D,
          2,
          2,
          'valid',
        );
        return tf.add(tf.matMul(tf.reshape(h2, [batch, 16 * 5 * 5]), wd), bd);
      };
      return {
        run: () => {
          const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward()), true);
          loss?.dataSync();
          loss?.dispose();
        },
        dispose: () => tf.dispose([w1, b1, w2, b2, wd, bd, x, y]),
      };
    },
    mlpInfer(batch) {
      const w1 = tf.randomNormal([784, 128], 0, 0.05);
      const b1 = tf.zeros([128]);
      const w2 = tf.randomNormal([128, 10], 0, 0.05);
      const b2 = tf.zeros([10]);
      const x = tf.randomNormal([batch, 784]);
      return {
        run: () => {
          const out = tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2));
          out.dataSync();
          out.dispose();
        },
        dispose: () => tf.dispose([w1, b1, w2, b2, x]),
      };
    },
  };
}
