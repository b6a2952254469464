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

export interface Lib {
  name: LibName;
  matmul(n: number): MatmulCase;
}

/** Loads a library and makes its backend current. Throws if the library is not installed/built. */
export async function loadLib(name: LibName, threads: number): Promise<Lib> {
  if (name.startsWith('nnet')) return loadNnet(name, threads);
  return loadTfjs(name);
}

async function loadNnet(name: LibName, threads: number): Promise<Lib> {
  const nn = await import('@nnet/tensor');
  if (name === 'nnet-cpu') {
    await import('@nnet/backend-cpu');
    await nn.setBackend('cpu');
  } else {
    const pkg = '@nnet/backend-wasm';
    const wasm = (await import(pkg)) as { setThreads?: (n: number) => void };
    await nn.setBackend('wasm');
    wasm.setThreads?.(threads);
  }
  return {
    name,
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
  };
}

async function loadTfjs(name: LibName): Promise<Lib> {
  const tf = await import('@tensorflow/tfjs-core');
  if (name === 'tfjs-cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  } else {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  }
  await tf.ready();
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
  };
}
