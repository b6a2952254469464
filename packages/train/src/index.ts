export { type Batch, BatchIterator } from './batch_iterator.js';
export { collate, DataLoader, type DataLoaderOptions, type Dataset, TensorDataset } from './data.js';
export {
  type Batches,
  type Callback,
  EarlyStopping,
  type EpochLogs,
  evaluate,
  type FitContext,
  type FitOptions,
  fit,
  HistoryLogger,
  predict,
  type ReadOptions,
} from './fit.js';
export { Accuracy, MeanLoss, type Metric, TopKAccuracy } from './metrics.js';
export { type LossFn, type OptimizerLike, type TrainOptions, train, trainAsync } from './train.js';
export { nextTurn } from './yield.js';
