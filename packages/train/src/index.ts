export { type Batch, BatchIterator } from './batch_iterator.js';
export { collate, DataLoader, type DataLoaderOptions, type Dataset, TensorDataset } from './data.js';
export { type LossFn, type OptimizerLike, type TrainOptions, train } from './train.js';
