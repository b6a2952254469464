export { type Batch, BatchIterator } from './batch_iterator.js';
export { EarlyStopping, HistoryLogger } from './callbacks.js';
export { collate, DataLoader, type DataLoaderOptions, type Dataset, TensorDataset } from './data.js';
export { evaluate, predict } from './evaluate.js';
export { fit } from './fit.js';
export type {
  Batches,
  Callback,
  EpochLogs,
  FitContext,
  FitOptions,
  ReadOptions,
} from './fit_types.js';
export { Accuracy, MeanLoss, type Metric, TopKAccuracy } from './metrics.js';
export { type LossFn, type OptimizerLike, type TrainOptions, train, trainAsync } from './train.js';
export { nextTurn } from './yield.js';
