import { itRunsOnTheSelectedBackend } from '@nnet/test-utils';

itRunsOnTheSelectedBackend();
