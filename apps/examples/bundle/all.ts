// Every library package's browser entry in one bundle: measure.mjs fails if any of them pulls in a
// Node built-in.
export * as cpu from '@nnet/backend-cpu';
export * as wasm from '@nnet/backend-wasm';
export * as layers from '@nnet/layers';
export * as loss from '@nnet/loss';
export * as optim from '@nnet/optim';
export * as tensor from '@nnet/tensor';
export * as train from '@nnet/train';
