// @nnet/test-utils's setup selects NNET_BACKEND's backend; the test script runs cpu and wasm.
export { default } from '@nnet/test-utils/vitest';
