// The finite differences live in @nnet/tensor/testing; re-exported for the packages' tests.
export { centralDifference, type GradcheckOptions, gradcheck } from '@nnet/tensor/testing';
export { asyncOnly } from './async_backend.js';
export {
  readsSynchronously,
  registerCpuAsync,
  TEST_BACKENDS,
  type TestBackend,
  useTestBackend,
} from './backends.js';
export { itRunsOnTheSelectedBackend } from './checks.js';
export { type Enc, expectClose, readFixture, t } from './fixtures.js';
export { float64Backend } from './float64_backend.js';
export { readArray, readItem, values } from './read.js';
export { webgpuForTests } from './webgpu.js';
