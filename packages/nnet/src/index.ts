/**
 * `nnet`: the whole library in one install. It re-exports `@nnet/tensor` (tensors, ops, autograd,
 * memory scopes, the backend registry), `@nnet/layers`, `@nnet/loss`, `@nnet/optim` and
 * `@nnet/train`, and registers the CPU backend, so the first op needs no set-up call.
 *
 * The WebAssembly SIMD backend is opt-in: `import 'nnet/wasm'`, then `await setBackend('wasm')`.
 * Checkpoints and the terminal progress bar (Node only) are in `nnet/node`.
 *
 * The packages' names do not overlap; the package's typecheck (`tsc`) fails with TS2308 if a
 * future export would make one ambiguous, and its test checks that every name arrives.
 *
 * @example
 * ```ts
 * import { Linear, MSELoss, SGD, Sequential, Tanh, manualSeed, tensor } from 'nnet';
 *
 * manualSeed(0);
 * const net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // [4, 2]
 * const y = tensor([[0], [1], [1], [0]]);             // [4, 1]
 * const opt = new SGD(net.parameters(), { lr: 0.1 });
 * const loss = new MSELoss();
 * ```
 * @module
 */
import '@nnet/backend-cpu';

export * from '@nnet/layers';
export * from '@nnet/loss';
export * from '@nnet/optim';
export * from '@nnet/tensor';
export * from '@nnet/train';
