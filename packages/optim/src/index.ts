export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsArg } from './optimizer.js';
export { Adagrad, type AdagradOptions, RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  OneCycleLR,
  type OneCycleOptions,
  type PlateauStateDict,
  ReduceLROnPlateau,
  type SchedulerStateDict,
  StepLR,
} from './schedulers.js';
export { SGD, type SGDOptions } from './sgd.js';
