export { CrossEntropyLoss, crossEntropy } from './cross_entropy.js';
export { MSELoss, mse, type Reduction } from './mse.js';
