export { type Batch, BatchIterator } from './batch_iterator.js';
export { type LossFn, type OptimizerLike, type TrainOptions, train } from './train.js';
