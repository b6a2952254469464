export { BCELoss, type BCEOptions, BCEWithLogitsLoss, bce, bceWithLogits } from './binary_ce.js';
export {
  CrossEntropyLoss,
  type CrossEntropyOptions,
  crossEntropy,
  NLLLoss,
  type NLLOptions,
  nll,
} from './cross_entropy.js';
export { CTCLoss, type CTCOptions, ctc } from './ctc.js';
export { KLDivLoss, type KLReduction, klDiv } from './kl_div.js';
export {
  GaussianNLLLoss,
  type GaussianNllOptions,
  gaussianNll,
  PoissonNLLLoss,
  type PoissonNllOptions,
  poissonNll,
} from './likelihood.js';
export { type LossFunction, type LossInputs, LossModule, type LossOptions } from './loss_module.js';
export {
  CosineEmbeddingLoss,
  cosineEmbedding,
  HingeEmbeddingLoss,
  hingeEmbedding,
  type MarginOptions,
  MarginRankingLoss,
  MultiLabelSoftMarginLoss,
  type MultiLabelSoftMarginOptions,
  marginRanking,
  multiLabelSoftMargin,
  TripletMarginLoss,
  type TripletMarginOptions,
  tripletMargin,
} from './margin.js';
export { MSELoss, mse, type Reduction } from './mse.js';
export { HuberLoss, huber, L1Loss, l1, SmoothL1Loss, smoothL1 } from './regression.js';
