// The smallest useful nnet program in a browser: load weights into an MLP and run it on the
// WebAssembly backend. Its gzipped size is what apps/examples/bundle/measure.mjs reports.
import '@nnet/backend-wasm';
import { Linear, ReLU, Sequential } from '@nnet/layers';
import { decodeSafetensors, noGrad, setBackend, tensor } from '@nnet/tensor';

export async function classify(weights: Uint8Array, pixels: Float32Array): Promise<number[]> {
  await setBackend('wasm');
  const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
  model.loadStateDict(decodeSafetensors(weights).tensors);
  model.eval();
  return noGrad(() =>
    Array.from(
      model
        .forward(tensor(pixels, { shape: [1, 64] }))
        .softmax(1)
        .dataSync(),
    ),
  );
}
