export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { OneCycleLR, type OneCycleOptions } from './one_cycle.js';
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsArg } from './optimizer.js';
export { type PlateauStateDict, ReduceLROnPlateau } from './plateau.js';
export { Adagrad, type AdagradOptions, RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  type SchedulerStateDict,
  StepLR,
  type WithLr,
} from './schedulers.js';
export { SGD, type SGDOptions } from './sgd.js';
