export { Adam, type AdamOptions, AdamW } from './adam.js';
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsArg } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
