export { default } from '@nnet/test-utils/vitest';
